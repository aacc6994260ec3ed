"""The charts of a review session: tags per analyst, agreement per tag, open units per
article. Built from what the review report gathers and from the agreement figures, as
``core.charts.Chart``s that the HTML report embeds and the app shows alike."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from desktop.core.alignment import DISAGREEING, INCOMPLETE, ReportData
from desktop.core.charts import Chart, counts_chart


def tags_per_analyst(report: ReportData) -> Chart:
    """How many passages each analyst tagged with each tag, in the session's articles; an
    analyst deleted from the library has no count (n/a, with the reason), not zero."""
    names = [name for _, name in report.analysts]
    gone = [name for annotator, name in report.analysts if annotator in report.absent]
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[str] = set()
    for reviewed in report.units:
        for passage in reviewed.unit.passages:
            if passage.id in seen:
                continue
            seen.add(passage.id)
            for tag in passage.tags or ("(no tag)",):
                counts[tag][report.analyst_name(passage.annotator)] += 1
    ordered = {tag: counts[tag] for tag in sorted(counts, key=str.lower)}
    chart = counts_chart("Passages per tag and analyst", ordered, names, unit="passages")
    if not gone:
        return chart
    missing = [name in gone for name in names]
    rows = tuple((tag, tuple(None if lost else value for value, lost in zip(values, missing,
                                                                           strict=True)))
                 for tag, values in chart.rows)
    who = ", ".join(name.removesuffix(" (deleted)") for name in gone)
    note = f"n/a: {who} deleted from the library, with their passages"
    return replace(chart, rows=rows, notes={tag: note for tag, _ in rows})


def agreement_per_tag(agreement: Mapping[str, Any]) -> Chart:
    """Krippendorff's α_u of the whole group, and the mean span F1 over the pairs of
    analysts, for each tag (n/a with its reason where a figure cannot be had)."""
    tags = list(agreement.get("tags", []))
    group = agreement.get("group", {}).get("tags", {})
    pairs = [p for p in agreement.get("pairs", []) if p.get("second") != agreement.get(
        "reference")]
    rows: list[tuple[str, tuple[float | None, ...]]] = []
    notes: dict[str, str] = {}
    for tag in tags:
        alpha = group.get(tag, {}).get("krippendorff_alpha_u", {})
        f1s = [p["tags"][tag]["span_f1"]["value"] for p in pairs
               if p["tags"].get(tag, {}).get("span_f1", {}).get("value") is not None]
        mean_f1 = sum(f1s) / len(f1s) if f1s else None
        rows.append((tag, (alpha.get("value"), mean_f1)))
        if alpha.get("value") is None or mean_f1 is None:
            reason = alpha.get("reason") or next(
                (p["tags"][tag]["span_f1"].get("reason") for p in pairs
                 if p["tags"].get(tag)), None)
            notes[tag] = reason or "n/a"
    if not tags:
        # no tag to show: the figures over all tags, and why they are n/a, not a blank
        overall = agreement.get("group", {}).get("overall", {}).get(
            "krippendorff_alpha_u", {})
        f1s = [p["overall"]["span_f1"]["value"] for p in pairs
               if p.get("overall", {}).get("span_f1", {}).get("value") is not None]
        mean_f1 = sum(f1s) / len(f1s) if f1s else None
        rows.append(("all tags", (overall.get("value"), mean_f1)))
        if overall.get("value") is None or mean_f1 is None:
            notes["all tags"] = overall.get("reason") or next(
                (p["overall"]["span_f1"].get("reason") for p in pairs
                 if p.get("overall")), None) or "n/a: no agreement figures"
    return Chart("Agreement per tag", ("Krippendorff's α_u", "mean span F1 of pairs"),
                 tuple(rows), lowest=-1.0, highest=1.0, notes=notes)


def open_units_per_article(report: ReportData) -> Chart:
    """Per article, the units still open where the analysts differ or only some marked."""
    titles = dict(report.articles)
    counts: dict[str, Counter[str]] = {titles.get(a, a): Counter() for a, _ in report.articles}
    for reviewed in report.units:
        if reviewed.state in (DISAGREEING, INCOMPLETE):
            title = titles.get(reviewed.unit.article_id, reviewed.unit.article_id)
            counts.setdefault(title, Counter())[reviewed.state] += 1
    return counts_chart("Open disagreements per article", counts, [DISAGREEING, INCOMPLETE],
                        unit="units")


def review_charts(report: ReportData, agreement: Mapping[str, Any]) -> list[Chart]:
    """Every chart of the session, in the order the report and the app show them."""
    return [tags_per_analyst(report), agreement_per_tag(agreement),
            open_units_per_article(report)]
