"""The one place where Qt's UTF-16 positions meet ``article.text``'s code points.

A QTextDocument counts UTF-16 code units: an emoji (outside the Basic Multilingual Plane)
is two. ``article.text`` counts code points (docs/architecture.md, invariants 1 and 2).
The reader inserts ``article.text`` verbatim, so the two differ only by the astral
characters before a position.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtGui import QTextCursor, QTextDocument


class TextPositions:
    """Converts between code point offsets in ``text`` and Qt document positions."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # code point index of every astral character, and where each one ends in UTF-16
        self._astral = (
            [] if text.isascii() else [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        )
        self._ends = [cp + n + 2 for n, cp in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        """The Qt position of code point ``offset``."""
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        """The code point offset of Qt ``position``; inside a surrogate pair, the one after."""
        before = bisect_right(self._ends, position)
        offset = position - before
        # a position between the two halves of a pair lands on the character's far side
        if before < len(self._astral) and self._astral[before] < offset:
            offset = self._astral[before] + 1
        return max(0, min(self.length, offset))

    @property
    def qt_length(self) -> int:
        return self.to_qt(self.length)


def cursor_over(document: QTextDocument, positions: TextPositions, start: int,
                end: int) -> QTextCursor:
    """A cursor selecting code points ``start``..``end`` of ``document``."""
    cursor = QTextCursor(document)
    cursor.setPosition(positions.to_qt(start))
    cursor.setPosition(positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    return cursor


def selected_span(cursor: QTextCursor, positions: TextPositions) -> tuple[int, int] | None:
    """What ``cursor`` selects, in code points; None without a selection."""
    if not cursor.hasSelection():
        return None
    return positions.from_qt(cursor.selectionStart()), positions.from_qt(cursor.selectionEnd())
