"""The tag-set editor: add, rename, recolour, reorder, nest and remove tags; switch sets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from desktop.core.errors import ClosereadError, TagInUseError
from desktop.core.model import Tag
from desktop.ui.tag_bar import color_icon

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class TagSetEditor(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("tagSetEditor")
        self.setWindowTitle("Tags and tag sets")
        self.resize(520, 560)
        self.library = window.library
        self.set_choice = QComboBox(objectName="tagSetChoice")
        for tag_set in self.library.tags.tag_sets():
            self.set_choice.addItem(str(tag_set["title"]), tag_set["name"])
        self.set_choice.setCurrentIndex(self.set_choice.findData(self.library.tags.active_set))
        self.set_choice.currentIndexChanged.connect(self._switch_set)
        self.tree = QTreeWidget(objectName="tagTree")
        self.tree.setHeaderLabels(["Tag", "Key", "Uses"])
        self.tree.setColumnWidth(0, 300)
        self.tree.itemDoubleClicked.connect(lambda *_: self.rename())
        hint = QLabel("Keys 1–9 follow the order: move a tag up or down to change its key.")
        hint.setWordWrap(True)

        buttons = QVBoxLayout()
        for label, name, slot in (
            ("Add…", "tagAdd", self.add),
            ("Add child…", "tagAddChild", self.add_child),
            ("Rename…", "tagRename", self.rename),
            ("Colour…", "tagRecolor", self.recolor),
            ("Move up", "tagUp", lambda: self.move_tag(-1)),
            ("Move down", "tagDown", lambda: self.move_tag(1)),
            ("Remove…", "tagRemove", self.remove),
        ):
            button = QPushButton(label, objectName=name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.tree, 1)
        body.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Active tag set"))
        top.addWidget(self.set_choice, 1)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        layout.addWidget(close)
        self.refresh()

    # --- view ----------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        self.tree.clear()
        parents: dict[str, QTreeWidgetItem] = {}
        for tag in self.library.tags.list():
            item = QTreeWidgetItem([tag.name, tag.shortcut or "", str(tag.usage)])
            item.setIcon(0, color_icon(tag.color))
            item.setData(0, PATH_ROLE, tag.path)
            item.setToolTip(0, tag.description or tag.path)
            if tag.parent_name and tag.parent_name in parents:
                parents[tag.parent_name].addChild(item)
            else:
                self.tree.addTopLevelItem(item)
                parents[tag.name] = item
            if select and tag.path.lower() == select.lower():
                self.tree.setCurrentItem(item)
        self.tree.expandAll()

    def current(self) -> Tag | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        path = item.data(0, PATH_ROLE)
        return next((t for t in self.library.tags.list() if t.path == path), None)

    def _run(self, action: object) -> bool:
        try:
            action()  # type: ignore[operator]
        except ClosereadError as error:
            QMessageBox.warning(self, "Tags", error.message)
            return False
        return True

    # --- edits ---------------------------------------------------------------------------

    def _switch_set(self) -> None:
        name = self.set_choice.currentData()
        if self._run(lambda: self.library.tags.use_set(name)):
            self.refresh()

    def add(self, parent: Tag | None = None) -> None:
        title = f"New tag under {parent.name}" if parent else "New tag"
        name, ok = QInputDialog.getText(self, title, "Name:")
        if ok and name.strip() and self._run(
                lambda: self.library.tags.add(name, parent=parent.path if parent else None)):
            self.refresh(select=f"{parent.name}/{name.strip()}" if parent else name.strip())

    def add_child(self) -> None:
        tag = self.current()
        if tag is None:
            return
        parent = self.library.tags.get(tag.parent_name) if tag.parent_name else tag
        self.add(parent)

    def rename(self) -> None:
        tag = self.current()
        if tag is None:
            return
        name, ok = QInputDialog.getText(self, "Rename tag",
                                        f"New name for {tag.name} (its {tag.usage} "
                                        "annotations follow):", text=tag.name)
        if ok and name.strip() and name.strip() != tag.name and self._run(
                lambda: self.library.tags.rename(tag.path, name)):
            self.refresh(select=(f"{tag.parent_name}/" if tag.parent_name else "")
                         + name.strip())

    def recolor(self) -> None:
        tag = self.current()
        if tag is None:
            return
        color = QColorDialog.getColor(QColor(tag.color), self, f"Colour of {tag.name}")
        if color.isValid() and self._run(
                lambda: self.library.tags.recolor(tag.path, color.name())):
            self.refresh(select=tag.path)

    def move_tag(self, step: int) -> None:  # not move(): that is QWidget.move()
        tag = self.current()
        if tag is None:
            return
        if self._run(lambda: self.library.tags.move(tag.path, tag.position + 1 + step)):
            self.refresh(select=tag.path)

    def remove(self) -> None:
        tag = self.current()
        if tag is None:
            return
        try:
            self.library.tags.remove(tag.path)
        except TagInUseError as error:
            answer = QMessageBox.question(
                self, "Remove tag", f"{error.message.split(';')[0]}.\n\nRemove it from "
                "those annotations too? The annotations themselves stay.")
            if answer != QMessageBox.StandardButton.Yes:
                return
            if not self._run(lambda: self.library.tags.remove(tag.path, force=True)):
                return
        except ClosereadError as error:
            QMessageBox.warning(self, "Tags", error.message)
            return
        self.refresh()
