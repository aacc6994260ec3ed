"""The review's text with one lane per analyst beside it.

``ReviewText`` shows the article once; ``LaneGutter`` draws, left of it, a column for each
analyst (and one for the reconciled layer) with a bar beside the lines each passage
covers, in its tag's colour. The current unit is marked across every lane and in the text.
One document for all the lanes keeps opening a review about as cheap as opening the
article in the reader.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRect, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from desktop.ui import messages
from desktop.ui.highlighter import screenful
from desktop.ui.positions import TextPositions, cursor_over, selected_span

LANE_WIDTH = 22


class LaneMark(NamedTuple):
    """A bar in a lane: a passage (or reconciled passage) and the unit it belongs to (a
    tuple: a dense article has thousands, made each time the window reloads)."""

    unit_key: str
    start: int
    end: int
    color: str


class ReviewText(QTextBrowser):
    """The article, read-only, with the current unit marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewText")
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.text = ""
        self.positions = TextPositions("")
        self._pending = False  # text given to show_text, not in the document yet
        self._marked = (0, 0)
        self.document().setDocumentMargin(16)

    def show_text(self, text: str) -> None:
        """Shows ``text``; in a window not shown yet, when it is shown (``show_pending``):
        the page's width is not known before, and a document laid out at another width is
        laid out again when the window comes."""
        self.text = text
        self.positions = TextPositions(text)
        self._marked = (0, 0)  # the last unit marked was in the text before
        self._pending = True
        if self.window().isVisible():
            self.show_pending()

    def show_pending(self) -> None:
        """Puts the text ``show_text`` was given into a new document, laid out once at the
        page's width (as the main reader does), and marks the unit ``mark`` was given."""
        if not self._pending:
            return
        self._pending = False
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.font())
        document.setDocumentMargin(16)
        document.setPlainText(self.text)
        # the scroll bar a long text needs is shown before the text goes in (coming after,
        # it narrows the page, which is laid out again), and the page has the view's width
        # before the view is given it (without one, Qt lays it out first with none)
        bar_first = (not self.verticalScrollBar().isVisible()
                     and len(self.text) > screenful(self))
        if bar_first:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        document.setPageSize(QSizeF(self.viewport().width(), -1))
        old = self.document()
        self.setDocument(document)
        if bar_first:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        # the view deletes its own first document itself; later ones are ours to free
        if old is not document and shiboken6.isValid(old) and old.parent() is self:
            old.deleteLater()
        self.mark(*self._marked)

    def mark(self, start: int, end: int) -> None:
        """Marks ``start``..``end`` (the current unit) and brings it into view."""
        self._marked = (start, end)
        if self._pending:
            return  # marked when the text is shown
        if end <= start:
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor_over(  # type: ignore[attr-defined]
            self.document(), self.positions, start, end)
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(255, 214, 102, 150))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        selection.format = fmt  # type: ignore[attr-defined]
        self.setExtraSelections([selection])
        shown = QTextCursor(self.document())
        shown.setPosition(self.positions.to_qt(end))
        self.setTextCursor(shown)
        self.ensureCursorVisible()
        shown.setPosition(self.positions.to_qt(start))
        self.setTextCursor(shown)
        self.ensureCursorVisible()

    def selected_range(self) -> tuple[int, int] | None:
        """The text the reviewer selected, in code points (for an edited version)."""
        span = selected_span(self.textCursor(), self.positions)
        return span if span is not None and span[1] > span[0] else None

    def y_range(self, start: int, end: int) -> tuple[int, int]:
        """The vertical extent, in document coordinates, of the lines ``start``..``end``
        covers."""
        return self._y(start, top=True), self._y(max(start, end - 1), top=False)

    def _y(self, offset: int, top: bool) -> int:
        document = self.document()
        position = self.positions.to_qt(min(offset, len(self.text)))
        block = document.findBlock(position)
        if not block.isValid():
            return 0
        box = document.documentLayout().blockBoundingRect(block)
        layout = block.layout()
        line = layout.lineForTextPosition(position - block.position())
        if not line.isValid():
            return int(box.top() if top else box.bottom())
        y = box.top() + line.y()
        return int(y if top else y + line.height())


class LaneGutter(QWidget):
    """The lanes: a column per analyst, bars where their passages are.

    Only the passages of the lines on screen are placed, each time the lanes paint: the
    cost follows the screen, not the article (an article of 120,000 characters with 1,500
    passages opens as fast as in the reader).
    """

    unitClicked = Signal(str)

    def __init__(self, text: ReviewText, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewLanes")
        self.text = text
        self.names: list[str] = []
        self.lanes: list[list[LaneMark]] = []
        self._starts: list[list[int]] = []
        self._longest = 0
        self.current = ""
        text.verticalScrollBar().valueChanged.connect(self.update)
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(LANE_WIDTH * max(1, len(self.names)) + 4, 200)

    def set_lanes(self, names: list[str], lanes: list[list[LaneMark]]) -> None:
        """One lane per name, each with its marks."""
        self.names = names
        self.lanes = [sorted(marks, key=lambda m: m.start) for marks in lanes]
        self._starts = [[m.start for m in marks] for marks in self.lanes]
        self._longest = max([m.end - m.start for marks in self.lanes for m in marks] + [0])
        self.setFixedWidth(LANE_WIDTH * max(1, len(names)) + 4)
        self.update()

    def set_current(self, unit_key: str) -> None:
        self.current = unit_key
        self.update()

    def _visible(self) -> list[list[tuple[int, int, LaneMark]]]:
        """Per lane, the marks on screen with their top and bottom in viewport pixels."""
        viewport = self.text.viewport()
        scroll = self.text.verticalScrollBar().value()
        left = self.text.horizontalScrollBar().value()
        # the document's own hit test (the view's cursorForPosition makes a cursor and
        # asks its control: slower, the same answer), at points inside the page: a point
        # in its margin, above the first line, lands anywhere in a document Qt has laid
        # out only in part (the lanes stayed empty at the article's top)
        document = self.text.document()
        layout = document.documentLayout()
        margin = document.documentMargin() + 1
        fuzzy = Qt.HitTestAccuracy.FuzzyHit
        screen = screenful(self.text)
        hit_top = layout.hitTest(QPointF(left + margin, max(scroll, margin)), fuzzy)
        first = self.text.positions.from_qt(hit_top) if hit_top >= 0 else 0
        hit_bottom = layout.hitTest(QPointF(left + max(margin, viewport.width() - margin),
                                        scroll + viewport.height()), fuzzy)
        last = self.text.positions.from_qt(hit_bottom) if hit_bottom >= first \
            else first + screen
        # never more than a few screens' worth (a point in a part Qt has not laid out yet
        # lands anywhere), but more than one: zero-width marks (Hebrew points, Arabic
        # vowels) and narrow punctuation put more characters on screen than the estimate
        last = min(last, first + 4 * screen)
        placed = []
        for marks, starts in zip(self.lanes, self._starts, strict=True):
            here = []
            for index in range(bisect_left(starts, first - self._longest), len(marks)):
                mark = marks[index]
                if mark.start > last:
                    break
                if mark.end < first:
                    continue
                top, bottom = self.text.y_range(mark.start, mark.end)
                here.append((top - scroll, bottom - scroll, mark))
            placed.append(here)
        return placed

    def paintEvent(self, event: QPaintEvent) -> None:  # type: ignore[override]
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Window))
        # the lanes line up with the text's viewport, wherever the two sit
        window = self.window()
        offset = (self.text.viewport().mapTo(window, QPoint(0, 0)).y()
                  - self.mapTo(window, QPoint(0, 0)).y())
        for lane, placed in enumerate(self._visible()):
            x = 2 + lane * LANE_WIDTH
            if lane % 2:
                painter.fillRect(QRect(x, 0, LANE_WIDTH, self.height()),
                                 self.palette().color(QPalette.ColorRole.AlternateBase))
            for top, bottom, mark in placed:
                rect = QRect(x + 4, top + offset, LANE_WIDTH - 8, max(4, bottom - top))
                if mark.unit_key == self.current:
                    painter.fillRect(rect.adjusted(-3, -1, 3, 1), QColor(255, 196, 0))
                painter.fillRect(rect, QColor(mark.color))
        painter.end()

    def mark_at(self, point: QPoint) -> LaneMark | None:
        lane = (point.x() - 2) // LANE_WIDTH
        placed = self._visible()
        if not 0 <= lane < len(placed):
            return None
        window = self.window()
        y = point.y() - (self.text.viewport().mapTo(window, QPoint(0, 0)).y()
                         - self.mapTo(window, QPoint(0, 0)).y())
        for top, bottom, mark in placed[lane]:
            if top - 2 <= y <= bottom + 2:
                return mark
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # type: ignore[override]
        mark = self.mark_at(event.position().toPoint())
        if mark is not None:
            self.unitClicked.emit(mark.unit_key)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # type: ignore[override]
        lane = (event.position().toPoint().x() - 2) // LANE_WIDTH
        self.setToolTip(messages.plain_tip(self.names[lane])
                        if 0 <= lane < len(self.names) else "")
