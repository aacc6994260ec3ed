"""Highlights on the reader: each annotation's passage in its tag's colour.

Highlights are written into the document's character formats, so painting them costs
nothing extra. Where passages overlap, their colours are blended and a dotted underline
marks the overlap, so both stay visible. Formats are written lazily: the part of the
article on screen (and a margin around it) first, the rest as the reader scrolls to it;
an article with thousands of highlights opens as fast as one with a few.

The passages can be read lazily too: given a ``loader`` (the passages overlapping a range
of the text), the highlighter reads a part's passages only when that part comes on
screen, so opening an article with thousands of passages reads the few on its first
screen, not all of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from itertools import pairwise

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush, QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from desktop.core.model import Annotation
from desktop.ui.positions import TextPositions

STRENGTH = 0.38  # how much of the tag colour shows over the page
CURRENT_STRENGTH = 0.62
UNTAGGED_COLOR = "#999999"
MARGIN = 4000  # characters around the visible text that get their highlights too

Loader = Callable[[int, int], list[Annotation]]
Looks = dict[tuple[tuple[str, ...], bool, bool, int], QTextCharFormat]
"""Highlight formats by (colours, current, in a link, page colour): the same for every
article with the same tags, so a view keeps them from one article to the next."""
LOOKS_KEPT = 2048  # looks kept at most (each combination of overlapping colours is one)
"""The passages overlapping code points ``lo``..``hi`` (anchored or not: others are left
out here)."""


def blend(colors: list[str], page: QColor, strength: float = STRENGTH) -> QColor:
    """The page colour tinted by the average of ``colors``."""
    qcolors = [QColor(c) for c in colors]
    r = sum(c.red() for c in qcolors) / len(qcolors)
    g = sum(c.green() for c in qcolors) / len(qcolors)
    b = sum(c.blue() for c in qcolors) / len(qcolors)
    mix = min(0.7, strength + 0.08 * (len(qcolors) - 1))
    return QColor(round(page.red() * (1 - mix) + r * mix),
                  round(page.green() * (1 - mix) + g * mix),
                  round(page.blue() * (1 - mix) + b * mix))


def screenful(view: QTextEdit) -> int:
    """A generous estimate of how many characters fit on the view's screen.

    Qt lays a long document out lazily and has no position for text below what it has
    laid out, so the bottom of the screen is estimated from its size.
    """
    viewport = view.viewport()
    metrics = view.fontMetrics()
    lines = viewport.height() // max(1, metrics.lineSpacing()) + 1
    per_line = viewport.width() // max(1, metrics.averageCharWidth()) + 1
    return lines * per_line


class Highlighter:
    """Keeps a text view's highlight formats in step with a set of annotations."""

    def __init__(self, view: QTextEdit, document: QTextDocument, positions: TextPositions,
                 link_ranges: Iterable[tuple[int, int]] = (), looks: Looks | None = None
                 ) -> None:
        self.view = view
        self.document = document  # the view shows it, or is about to
        self.positions = positions
        self.annotations: dict[str, Annotation] = {}
        self.tag_colors: dict[str, str] = {}
        self.page = QColor("white")
        self._page_key = self.page.rgba()
        self.current = ""
        self._links = sorted(link_ranges)
        self._by_start: list[Annotation] = []
        self._starts: list[int] = []
        self._keys: list[tuple[int, int]] = []  # (start, end) of _by_start
        self._longest = 0
        self._painted: list[tuple[int, int]] = []  # ranges whose formats are up to date
        # made once per look, and shared with the view's next highlighters
        self._formats: Looks = {} if looks is None else looks
        self._loader: Loader | None = None
        # ranges whose passages are all in ``annotations`` (all of the text without a
        # loader); painting stays inside them
        self._loaded: list[tuple[int, int]] = []

    # --- the set of annotations ----------------------------------------------------------

    def reset(self, annotations: Iterable[Annotation], tag_colors: dict[str, str],
              page: QColor, loader: Loader | None = None,
              loaded: tuple[int, int] | None = None) -> None:
        """Shows ``annotations`` in these colours over a page of colour ``page``.

        Without a ``loader`` they are all the passages there are. With one, they are the
        passages overlapping ``loaded`` (none when it is None), and the passages of any
        other part are read with ``loader`` when that part comes on screen.
        """
        self.annotations = {a.id: a for a in annotations if a.anchor_state == "anchored"}
        self._loader = loader
        if loader is None:
            self._loaded = [(0, self.positions.length)]
        else:
            self._loaded = [loaded] if loaded and loaded[1] > loaded[0] else []
        self._index()
        self.recolor(tag_colors, page)

    def recolor(self, tag_colors: dict[str, str], page: QColor) -> None:
        """The same passages in new colours (a recolour, a theme): repaints what was
        painted."""
        self.tag_colors = {k.lower(): v for k, v in tag_colors.items()}
        self.page = page
        self._page_key = page.rgba()
        if len(self._formats) > LOOKS_KEPT:  # (a look's key holds its colours and page)
            self._formats.clear()
        stale, self._painted = self._painted, []
        for lo, hi in stale:
            self._paint(lo, hi)
        self.ensure_visible()

    def reload(self) -> None:
        """Reads the passages again with the loader (many changed at once) and repaints
        what was painted; without a loader, only repaints."""
        if self._loader is not None:
            self.annotations = {}
            self._loaded = []
            self._index()
        stale, self._painted = self._painted, []
        for lo, hi in stale:
            self._load(lo, hi)
            self._paint(lo, hi)
        self.ensure_visible()

    def put(self, annotation: Annotation) -> None:
        """Adds or updates one annotation, repainting only where it was and is."""
        old = self.annotations.pop(annotation.id, None)
        if old:
            self._unindex(old)
        if annotation.anchor_state == "anchored":
            self.annotations[annotation.id] = annotation
            self._reindex(annotation)
        if old:
            self._repaint(old.start, old.end)
        self._repaint(annotation.start, annotation.end)

    def drop(self, annotation_id: str) -> None:
        old = self.annotations.pop(annotation_id, None)
        if old:
            self._unindex(old)
            self._repaint(old.start, old.end)

    def set_current(self, annotation_id: str) -> None:
        """Shows ``annotation_id`` (none with "") more strongly than the others."""
        if annotation_id == self.current:
            return
        before = self.annotations.get(self.current)
        self.current = annotation_id
        for annotation in (before, self.annotations.get(annotation_id)):
            if annotation:
                self._repaint(annotation.start, annotation.end)

    def at(self, offset: int) -> list[Annotation]:
        """Annotations covering code point ``offset``, shortest first."""
        found = self._between(offset, offset + 1)
        return sorted(found, key=lambda a: (a.end - a.start, a.start))

    def color_of(self, annotation: Annotation) -> str:
        for tag in annotation.tags:
            if tag.lower() in self.tag_colors:
                return self.tag_colors[tag.lower()]
        return UNTAGGED_COLOR

    def _index(self) -> None:
        self._by_start = sorted(self.annotations.values(), key=lambda a: (a.start, a.end))
        self._starts = [a.start for a in self._by_start]
        self._keys = [(a.start, a.end) for a in self._by_start]
        self._longest = max((a.end - a.start for a in self._by_start), default=0)

    # one passage in or out of the index as it is edited: a key press must not re-sort
    # thousands of passages

    def _reindex(self, annotation: Annotation) -> None:
        key = (annotation.start, annotation.end)
        at = bisect_right(self._keys, key)
        self._keys.insert(at, key)
        self._starts.insert(at, annotation.start)
        self._by_start.insert(at, annotation)
        # an upper bound is enough: it only widens the search of _between
        self._longest = max(self._longest, annotation.end - annotation.start)

    def _unindex(self, annotation: Annotation) -> None:
        key = (annotation.start, annotation.end)
        at = bisect_left(self._keys, key)
        while at < len(self._keys) and self._keys[at] == key:
            if self._by_start[at].id == annotation.id:
                del self._keys[at], self._starts[at], self._by_start[at]
                return
            at += 1

    def _between(self, lo: int, hi: int) -> list[Annotation]:
        """Annotations overlapping code points ``lo``..``hi``, in start order."""
        first = bisect_left(self._starts, lo - self._longest)
        last = bisect_right(self._starts, hi - 1)
        return [a for a in self._by_start[first:last] if a.end > lo and a.start < hi]

    # --- what is on screen ---------------------------------------------------------------

    def visible_range(self) -> tuple[int, int]:
        """The code points on screen, widened by ``MARGIN`` each way."""
        viewport = self.view.viewport()
        if self.view.document() is not self.document or self.view.verticalScrollBar().value() == 0:
            top = 0  # a document about to be shown opens at the top; and asking Qt
            # for the top would lay the whole document out first
        else:
            middle = viewport.width() // 2  # the side margins give no text position
            top = self.positions.from_qt(
                self.view.cursorForPosition(QPoint(middle, 1)).position())
        return max(0, top - MARGIN), min(self.positions.length,
                                         top + screenful(self.view) + MARGIN)

    def ensure_visible(self) -> None:
        """Paints the highlights of whatever part of the visible range is not painted,
        reading its passages first if they are not read yet."""
        lo, hi = self.visible_range()
        self._load(lo, hi)
        for gap_lo, gap_hi in _gaps(self._painted, lo, hi):
            # a part not painted yet was never painted (painted parts stay painted)
            self._paint(gap_lo, gap_hi, fresh=True)

    def _load(self, lo: int, hi: int) -> None:
        """Reads the passages overlapping whatever part of ``lo``..``hi`` is not read."""
        if self._loader is None:
            return
        for gap_lo, gap_hi in _gaps(self._loaded, lo, hi):
            for annotation in self._loader(gap_lo, gap_hi):
                if annotation.anchor_state != "anchored":
                    continue
                old = self.annotations.get(annotation.id)
                if old == annotation:
                    continue
                if old is not None:
                    self._unindex(old)
                self.annotations[annotation.id] = annotation
                self._reindex(annotation)
                # one that reaches into a painted part and was not known there (made by
                # another process since, its change not followed yet)
                self._repaint(annotation.start, annotation.end)
            self._loaded = _merged(self._loaded, gap_lo, gap_hi)

    def _repaint(self, lo: int, hi: int) -> None:
        """Paints ``lo``..``hi`` again where it is painted already; the rest is painted
        when it comes on screen (its passages may not be read yet)."""
        for done_lo, done_hi in list(self._painted):
            if done_lo < hi and done_hi > lo:
                self._paint(max(lo, done_lo), min(hi, done_hi))

    def _mark_painted(self, lo: int, hi: int) -> None:
        self._painted = _merged(self._painted, lo, hi)

    # --- painting ------------------------------------------------------------------------

    def _brush(self, here: list[Annotation]) -> QBrush:
        """The background of a stretch that ``here`` cover."""
        return self._format(tuple(self.color_of(a) for a in here),
                            any(a.id == self.current for a in here), -1).background()

    def _format(self, colors: tuple[str, ...], is_current: bool,
                start: int) -> QTextCharFormat:
        """The format of a stretch from ``start`` covered by passages of ``colors`` (none:
        plain), made once per look: a dense stretch has hundreds of pieces and a few
        looks."""
        link = len(colors) < 2 and bool(self._links) and self._in_link(start)
        key = (colors, is_current, link, self._page_key)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if colors:
                strength = CURRENT_STRENGTH if is_current else STRENGTH
                fmt.setBackground(QBrush(blend(list(colors), self.page, strength)))
            else:
                fmt.setBackground(QBrush(Qt.BrushStyle.NoBrush))
            if len(colors) > 1:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(QColor(colors[-1]).darker(130))
            elif link:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            else:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.NoUnderline)
            self._formats[key] = fmt
        return fmt

    def _paint(self, lo: int, hi: int, fresh: bool = False) -> None:
        """Rewrites the highlight formats of code points ``lo``..``hi``. A ``fresh`` range,
        never painted since the document was made, has no highlight to take away: its
        plain stretches are left as they are."""
        lo, hi = max(0, lo), min(self.positions.length, hi)
        if hi <= lo:
            return
        covering = self._between(lo, hi)
        cuts = {lo, hi}
        for a in covering:
            cuts.add(max(lo, a.start))
            cuts.add(min(hi, a.end))
        first_link = max(0, bisect_left(self._links, (lo, -1)) - 1)
        for link_start, link_end in self._links[first_link:]:
            if link_start >= hi:
                break
            if link_end > lo:
                cuts.add(max(lo, link_start))
                cuts.add(min(hi, link_end))
        bounds = sorted(cuts)
        # the passages' colours, once each (a passage spans several pieces)
        color = {a.id: self.color_of(a) for a in covering}
        current = self.current
        active: dict[str, Annotation] = {}
        next_index = 0
        cursor = QTextCursor(self.document)
        positions = self.positions
        # a text without astral characters has the same Qt positions as code points
        to_qt = positions.to_qt if positions.qt_length != positions.length else int
        keep = QTextCursor.MoveMode.KeepAnchor
        # one edit block: the view re-lays the text out once, not once per format change
        cursor.beginEditBlock()
        for start, end in pairwise(bounds):
            # sweep: take in passages that have begun, let go of those that have ended
            while next_index < len(covering) and covering[next_index].start <= start:
                active[covering[next_index].id] = covering[next_index]
                next_index += 1
            for ended in [k for k, a in active.items() if a.end <= start]:
                del active[ended]
            if fresh and not active:
                continue
            cursor.setPosition(to_qt(start))
            cursor.setPosition(to_qt(end), keep)
            cursor.mergeCharFormat(self._format(tuple(color[k] for k in active),
                                                current in active, start))
        cursor.endEditBlock()
        self._mark_painted(lo, hi)

    def _in_link(self, offset: int) -> bool:
        index = bisect_right(self._links, (offset, float("inf"))) - 1
        return index >= 0 and self._links[index][0] <= offset < self._links[index][1]


def _merged(ranges: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Sorted, disjoint ``ranges`` with ``lo``..``hi`` added."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted([*ranges, (lo, hi)]):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _gaps(ranges: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """The parts of ``lo``..``hi`` that sorted, disjoint ``ranges`` do not cover."""
    gaps = []
    cursor = lo
    for done_lo, done_hi in ranges:
        if done_hi <= cursor or done_lo >= hi:
            continue
        if done_lo > cursor:
            gaps.append((cursor, done_lo))
        cursor = max(cursor, done_hi)
    if cursor < hi:
        gaps.append((cursor, hi))
    return gaps
