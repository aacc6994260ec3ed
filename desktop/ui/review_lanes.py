"""The review's text with one lane per analyst beside it.

``ReviewText`` shows the article once; ``LaneGutter`` draws, left of it, a column for each
analyst (and one for the reconciled layer) with a bar beside the lines each passage
covers, in its tag's colour. The current unit is marked across every lane and in the text.
One document for all the lanes keeps opening a review about as cheap as opening the
article in the reader.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QPoint, QRect, QSize, Signal
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
from desktop.ui.positions import TextPositions, cursor_over, selected_span

LANE_WIDTH = 22


@dataclass(frozen=True)
class LaneMark:
    """A bar in a lane: a passage (or reconciled passage) and the unit it belongs to."""

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
        self.document().setDocumentMargin(16)

    def show_text(self, text: str) -> None:
        self.text = text
        self.positions = TextPositions(text)
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDefaultFont(self.font())
        document.setDocumentMargin(16)
        document.setPlainText(text)
        old = self.document()
        self.setDocument(document)
        # the view deletes its own first document itself; later ones are ours to free
        if old is not document and shiboken6.isValid(old) and old.parent() is self:
            old.deleteLater()

    def mark(self, start: int, end: int) -> None:
        """Marks ``start``..``end`` (the current unit) and brings it into view."""
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
        first = self.text.positions.from_qt(self.text.cursorForPosition(QPoint(0, 0)).position())
        last = self.text.positions.from_qt(
            self.text.cursorForPosition(QPoint(viewport.width(), viewport.height())).position())
        scroll = self.text.verticalScrollBar().value()
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
