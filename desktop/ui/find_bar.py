"""Find in the open article (Ctrl+F), with next and previous."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from desktop.ui.reader import Reader


class FindBar(QWidget):
    closed = Signal()

    def __init__(self, reader: Reader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        self.reader = reader
        self.box = QLineEdit(objectName="findBox")
        self.box.setPlaceholderText("Find in article")
        self.box.setClearButtonEnabled(True)
        self.box.textChanged.connect(self._changed)
        self.box.returnPressed.connect(self.find_next)
        self.count = QLabel(objectName="findCount")
        previous = QToolButton(text="▲", objectName="findPrevious")
        previous.setToolTip("Previous match (Shift+F3)")
        previous.clicked.connect(self.find_previous)
        following = QToolButton(text="▼", objectName="findNext")
        following.setToolTip("Next match (F3)")
        following.clicked.connect(self.find_next)
        close = QToolButton(text="✕", objectName="findClose")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar)
        QShortcut(QKeySequence("Shift+Return"), self.box, self.find_previous)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)

    def open_bar(self) -> None:
        selected = self.reader.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.box.setText(selected)
        self.show()
        self.box.setFocus()
        self.box.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.reader.setFocus()
        self.closed.emit()

    def find_next(self) -> bool:
        return self._find(QTextDocument.FindFlag(0))

    def find_previous(self) -> bool:
        return self._find(QTextDocument.FindFlag.FindBackward)

    def _find(self, flags: QTextDocument.FindFlag) -> bool:
        text = self.box.text()
        if not text:
            return False
        found = self.reader.find(text, flags)
        if not found:  # wrap around
            cursor = self.reader.textCursor()
            backward = bool(flags & QTextDocument.FindFlag.FindBackward)
            cursor.movePosition(QTextCursor.MoveOperation.End if backward
                                else QTextCursor.MoveOperation.Start)
            self.reader.setTextCursor(cursor)
            found = self.reader.find(text, flags)
        self._count(text)
        return found

    def _changed(self, text: str) -> None:
        cursor = self.reader.textCursor()
        cursor.setPosition(cursor.selectionStart())
        self.reader.setTextCursor(cursor)
        if text:
            self.find_next()
        else:
            self.count.setText("")

    def _count(self, text: str) -> None:
        total = self.reader.toPlainText().lower().count(text.lower())
        self.count.setText(f"{total} match{'es' if total != 1 else ''}" if total
                           else "no match")
