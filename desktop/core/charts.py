"""Bar charts as self-contained SVG: the review report embeds them, the app shows the same
drawings (Qt renders SVG), so a chart reads the same in both.

Plain Python. Every label is escaped (names and tags come from analysts and bundles);
the SVG has no script, no links and nothing remote. Values that could not be computed
(None, "n/a") are drawn as an empty bar with the reason's first words beside it, never
as zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

# a colour-blind-safe palette (the Okabe–Ito colours), one per series
SERIES_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                 "#F0E442", "#000000")

_FONT = "font-family='DejaVu Sans, Arial, sans-serif' font-size='12'"
_ROW = 22  # pixels a bar's row takes
_BAR = 14


@dataclass(frozen=True)
class Chart:
    """A titled chart: rows of labelled groups, each group one value per series.

    ``rows`` are (label, values) with one value per name in ``series``; a value is a
    number or None (not computable; ``notes`` may say why, per row label).
    """

    title: str
    series: tuple[str, ...]
    rows: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str = ""  # e.g. "passages"; shown after the axis's top value
    lowest: float = 0.0  # the axis's lowest value (agreement measures go below zero)
    highest: float | None = None  # None: the largest value
    notes: Mapping[str, str] | None = None

    def svg(self, width: int = 640) -> str:
        return bar_chart_svg(self, width)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def bar_chart_svg(chart: Chart, width: int = 640) -> str:
    """The chart as an SVG document: horizontal bars, one group per row, a legend when
    there are several series."""
    label_width = min(240, max([60, *(8 * len(label) + 12 for label, _ in chart.rows)]))
    value_width = 70
    plot_left = label_width + 10
    plot_width = max(80, width - plot_left - value_width)
    values = [v for _, vals in chart.rows for v in vals if v is not None]
    highest = chart.highest if chart.highest is not None else max([*values, 0.0])
    lowest = min(chart.lowest, *values) if values else chart.lowest
    span = (highest - lowest) or 1.0

    def x_of(value: float) -> float:
        return plot_left + (value - lowest) / span * plot_width

    legend = len(chart.series) > 1
    top = 28 + (20 if legend else 0)
    group = _ROW * len(chart.series) + 8
    height = top + group * max(1, len(chart.rows)) + 24
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' role='img'>",
             f"<title>{escape(chart.title)}</title>",
             f"<rect width='{width}' height='{height}' fill='white'/>",
             f"<text x='4' y='18' {_FONT} font-weight='bold'>{escape(chart.title)}</text>"]
    if legend:
        x = 4
        for index, name in enumerate(chart.series):
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            parts.append(f"<rect x='{x}' y='30' width='12' height='12' fill='{color}'/>")
            parts.append(f"<text x='{x + 16}' y='41' {_FONT}>{escape(name)}</text>")
            x += 28 + 7 * len(name)
    zero = x_of(max(lowest, min(0.0, highest)))
    if not chart.rows:
        parts.append(f"<text x='{plot_left}' y='{top + 16}' {_FONT} fill='#666'>"
                     "nothing to show</text>")
    for row_index, (label, row_values) in enumerate(chart.rows):
        y = top + row_index * group
        parts.append(f"<text x='{label_width}' y='{y + group / 2 + 4:.0f}' {_FONT} "
                     f"text-anchor='end'>{escape(_clip(label, label_width))}</text>")
        for index, value in enumerate(row_values):
            bar_y = y + index * _ROW + 4
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            if value is None:
                note = (chart.notes or {}).get(label, "n/a")
                parts.append(f"<rect x='{zero:.1f}' y='{bar_y}' width='1' height='{_BAR}' "
                             "fill='#999'/>")
                parts.append(f"<text x='{zero + 6:.1f}' y='{bar_y + 11}' {_FONT} "
                             f"fill='#666'>{escape(_clip(note, plot_width))}</text>")
                continue
            left, right = sorted((zero, x_of(value)))
            parts.append(f"<rect x='{left:.1f}' y='{bar_y}' width='{max(1.0, right - left):.1f}'"
                         f" height='{_BAR}' fill='{color}'/>")
            parts.append(f"<text x='{right + 4:.1f}' y='{bar_y + 11}' {_FONT}>"
                         f"{escape(_fmt(value))}</text>")
    axis_y = top + group * max(1, len(chart.rows)) + 2
    parts.append(f"<line x1='{zero:.1f}' y1='{top}' x2='{zero:.1f}' y2='{axis_y}' "
                 "stroke='#333'/>")
    scale = f"{_fmt(lowest)} … {_fmt(highest)}" + (f" {chart.unit}" if chart.unit else "")
    parts.append(f"<text x='{plot_left}' y='{axis_y + 16}' {_FONT} fill='#666'>"
                 f"{escape(scale)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def _clip(text: str, pixels: float) -> str:
    limit = max(4, int(pixels // 7))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counts_chart(title: str, counts: Mapping[str, Mapping[str, int]],
                 series: Sequence[str], unit: str = "") -> Chart:
    """A chart of ``counts[row][series]`` (missing counts are 0), rows in given order."""
    rows = tuple((row, tuple(float(counts[row].get(name, 0)) for name in series))
                 for row in counts)
    return Chart(title, tuple(series), rows, unit=unit)
