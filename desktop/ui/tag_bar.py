"""The tag bar: the active tag set, in order, with its colours and keys 1–9."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QToolBar, QWidget

from desktop.core.model import Tag
from desktop.ui import messages


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(color))
    painter.setPen(QColor(color).darker(140))
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


class TagBar(QToolBar):
    """One button a tag; pressing it (or its key with a selection) tags the selection."""

    tagTriggered = Signal(str)  # the tag's path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tags", parent)
        self.setObjectName("tagBar")
        self.setIconSize(QSize(14, 14))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.tags: list[Tag] = []

    def set_tags(self, tags: list[Tag]) -> None:
        self.clear()
        self.tags = list(tags)
        for tag in tags:
            label = f"{tag.shortcut} {tag.name}" if tag.shortcut else tag.name
            action = self.addAction(color_icon(tag.color), label)
            action.setObjectName(f"tagAction:{tag.path}")
            tip = tag.path + (f" (key {tag.shortcut})" if tag.shortcut else "")
            action.setToolTip(messages.plain_tip(
                tip + (f"\n{tag.description}" if tag.description else "")))
            action.triggered.connect(lambda _=False, path=tag.path: self.tagTriggered.emit(path))

    def tag_at(self, index: int) -> Tag | None:
        """The tag that key ``index + 1`` applies."""
        return self.tags[index] if 0 <= index < min(9, len(self.tags)) else None
