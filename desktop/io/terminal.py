"""An article for the terminal, its tagged passages marked.

Each passage is numbered and bracketed, ``[1|like this|1]``, so overlapping passages
stay readable without colour; with colour, the passage also gets its tag's background.
A numbered list of the annotations follows the text.
"""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.model import Annotation, Tag

_RESET = "\x1b[0m"


def _background(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    # black text on the tag colour, lightened so the words stay legible
    r, g, b = ((c + 255 * 2) // 3 for c in (r, g, b))
    return f"\x1b[30;48;2;{r};{g};{b}m"


def render_marked(text: str, annotations: Sequence[Annotation], tags: Sequence[Tag],
                  color: bool = False) -> str:
    """``text`` with every anchored annotation bracketed and numbered, then the legend."""
    colors = {t.name.lower(): t.color for t in tags}
    anchored = [a for a in annotations if a.anchor_state == "anchored"]
    events: dict[int, list[tuple[int, int]]] = {}  # offset -> [(order, number)]
    for number, annotation in enumerate(anchored, start=1):
        # closings sort before openings at the same offset
        events.setdefault(annotation.start, []).append((1, number))
        events.setdefault(annotation.end, []).append((0, number))

    out: list[str] = []
    open_now: list[int] = []
    cursor = 0
    for offset in sorted(events):
        out.append(_paint(text[cursor:offset], open_now, anchored, colors, color))
        for kind, number in sorted(events[offset], key=lambda e: (e[0], -e[1] if e[0] == 0
                                                                   else e[1])):
            if kind == 0:
                out.append(f"|{number}]")
                open_now.remove(number)
            else:
                out.append(f"[{number}|")
                open_now.append(number)
        cursor = offset
    out.append(_paint(text[cursor:], open_now, anchored, colors, color))

    legend = []
    for number, annotation in enumerate(anchored, start=1):
        tags_text = ", ".join(annotation.tag_paths) or "(no tag)"
        where = f"{annotation.start}–{annotation.end}"
        line = f"[{number}] {tags_text} · {annotation.annotator} · {where}"
        if annotation.note:
            line += f"\n    note: {annotation.note}"
        legend.append(line)
    orphans = [a for a in annotations if a.anchor_state != "anchored"]
    for annotation in orphans:
        legend.append(f"[orphan] {', '.join(annotation.tag_paths)} · {annotation.annotator} · "
                      f"{annotation.exact!r}")
    body = "".join(out)
    return body + ("\n\n" + "\n".join(legend) if legend else "")


def _paint(segment: str, open_now: list[int], anchored: Sequence[Annotation],
           colors: dict[str, str], color: bool) -> str:
    if not color or not open_now or not segment:
        return segment
    innermost = anchored[open_now[-1] - 1]
    hex_color = next((colors[t.lower()] for t in innermost.tags if t.lower() in colors),
                     "#999999")
    # colour each line on its own so a passage over a paragraph break does not paint
    # the terminal's right margin
    return "\n".join(f"{_background(hex_color)}{line}{_RESET}" if line else line
                     for line in segment.split("\n"))
