"""Highlights on the reader's document: each annotation's passage in its tag's colour.

Formats are written into the document's character formats, range by range, so painting
costs nothing extra however many highlights there are. Where passages overlap, their
colours are blended and the text gets a dotted underline, so both stay visible.
"""

from __future__ import annotations

import itertools
from bisect import bisect_right
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QTextCharFormat, QTextCursor, QTextDocument

from desktop.core.model import Annotation
from desktop.ui.positions import TextPositions

HIGHLIGHT_STRENGTH = 0.38  # how much of the tag colour shows over the page
UNTAGGED_COLOR = "#999999"


def blend(colors: Sequence[str], page: QColor, strength: float = HIGHLIGHT_STRENGTH) -> QColor:
    """The page colour tinted by the average of ``colors``."""
    qcolors = [QColor(c) for c in colors]
    r = sum(c.red() for c in qcolors) / len(qcolors)
    g = sum(c.green() for c in qcolors) / len(qcolors)
    b = sum(c.blue() for c in qcolors) / len(qcolors)
    mix = min(0.6, strength + 0.08 * (len(qcolors) - 1))
    return QColor(
        round(page.red() * (1 - mix) + r * mix),
        round(page.green() * (1 - mix) + g * mix),
        round(page.blue() * (1 - mix) + b * mix),
    )


class Highlighter:
    """Keeps the document's highlight formats in step with a set of annotations."""

    def __init__(self, document: QTextDocument, positions: TextPositions,
                 link_ranges: Iterable[tuple[int, int]] = ()) -> None:
        self.document = document
        self.positions = positions
        self.annotations: dict[str, Annotation] = {}
        self.tag_colors: dict[str, str] = {}
        self.page = QColor("white")
        self._links = sorted(link_ranges)

    # --- the set of annotations ----------------------------------------------------------

    def reset(self, annotations: Iterable[Annotation], tag_colors: dict[str, str],
              page: QColor) -> None:
        """Shows exactly ``annotations``, repainting the whole document."""
        self.annotations = {a.id: a for a in annotations if a.anchor_state == "anchored"}
        self.tag_colors = {k.lower(): v for k, v in tag_colors.items()}
        self.page = page
        self._paint(0, self.positions.length)

    def put(self, annotation: Annotation) -> None:
        """Adds or updates one annotation, repainting only where it was and is."""
        old = self.annotations.pop(annotation.id, None)
        if annotation.anchor_state == "anchored":
            self.annotations[annotation.id] = annotation
        if old:
            self._paint(old.start, old.end)
        self._paint(annotation.start, annotation.end)

    def drop(self, annotation_id: str) -> None:
        old = self.annotations.pop(annotation_id, None)
        if old:
            self._paint(old.start, old.end)

    def at(self, offset: int) -> list[Annotation]:
        """Annotations covering code point ``offset``, shortest first."""
        found = [a for a in self.annotations.values() if a.start <= offset < a.end]
        return sorted(found, key=lambda a: (a.end - a.start, a.start))

    def color_of(self, annotation: Annotation) -> str:
        for tag in annotation.tags:
            if tag.lower() in self.tag_colors:
                return self.tag_colors[tag.lower()]
        return UNTAGGED_COLOR

    # --- painting ------------------------------------------------------------------------

    def _paint(self, lo: int, hi: int) -> None:
        """Rewrites the highlight formats of code points ``lo``..``hi``."""
        if hi <= lo:
            return
        covering = [a for a in self.annotations.values() if a.start < hi and a.end > lo]
        cuts = {lo, hi}
        for a in covering:
            cuts.add(max(lo, a.start))
            cuts.add(min(hi, a.end))
        for link_start, link_end in self._links:
            if link_start < hi and link_end > lo:
                cuts.add(max(lo, link_start))
                cuts.add(min(hi, link_end))
        bounds = sorted(cuts)
        by_start = sorted(covering, key=lambda a: a.start)
        active: dict[str, Annotation] = {}
        next_index = 0
        cursor = QTextCursor(self.document)
        to_qt = self.positions.to_qt
        for start, end in itertools.pairwise(bounds):
            # sweep: take in passages that have begun, let go of those that have ended
            while next_index < len(by_start) and by_start[next_index].start <= start:
                active[by_start[next_index].id] = by_start[next_index]
                next_index += 1
            for ended in [k for k, a in active.items() if a.end <= start]:
                del active[ended]
            here = list(active.values())
            fmt = QTextCharFormat()
            if here:
                fmt.setBackground(QBrush(blend([self.color_of(a) for a in here], self.page)))
            else:
                fmt.setBackground(QBrush(Qt.BrushStyle.NoBrush))
            if len(here) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(QColor(self.color_of(here[-1])).darker(130))
            elif self._in_link(start):
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            else:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.NoUnderline)
            cursor.setPosition(to_qt(start))
            cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)

    def _in_link(self, offset: int) -> bool:
        index = bisect_right(self._links, (offset, float("inf"))) - 1
        return index >= 0 and self._links[index][0] <= offset < self._links[index][1]
