"""The tag-set editor: add, rename, recolour, reorder, nest and remove tags; switch sets.

Every edit is an undoable command on the window's undo stack (``tag_commands``); the
editor shows the tags as the library has them, following its change events, so an edit
made by another process while it is open shows too.
"""

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
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from desktop.core.changes import ANNOTATION, SETTING, TAG, TAG_SET, ChangeBatch
from desktop.core.model import Tag
from desktop.ui import messages
from desktop.ui.tag_bar import color_icon
from desktop.ui.tag_commands import (
    AddTag,
    MoveTag,
    RecolorTag,
    RemoveTag,
    RenameTag,
    UseTagSet,
)

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class TagSetEditor(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("tagSetEditor")
        self.setWindowTitle("Tags and tag sets")
        self.resize(520, 560)
        self.library = window.library
        self.window_ = window
        self.set_choice = QComboBox(objectName="tagSetChoice")
        self.set_choice.currentIndexChanged.connect(self._switch_set)
        self.tree = QTreeWidget(objectName="tagTree")
        self.tree.setHeaderLabels(["Tag", "Key", "Uses"])
        # the name takes what the key and the count leave: no column cut off, no
        # sideways scrolling
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
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
        window.watcher.changed.connect(self._library_changed)

    # --- view ----------------------------------------------------------------------------

    def _library_changed(self, batch: ChangeBatch) -> None:
        # tags, their order and sets; passages only for the use counts, while shown
        if batch.touches(TAG, TAG_SET, SETTING) or (
                self.isVisible() and batch.touches(ANNOTATION)):
            self.refresh()

    def refresh(self, select: str | None = None) -> None:
        """The sets and the active set's tags as the library has them; the current tag
        (``select``, a tag id, or else the one current now) stays current."""
        select = select or self._current_id()
        self.set_choice.blockSignals(True)
        self.set_choice.clear()
        for tag_set in self.library.tags.tag_sets():
            self.set_choice.addItem(str(tag_set["title"]), tag_set["name"])
        self.set_choice.setCurrentIndex(self.set_choice.findData(self.library.tags.active_set))
        self.set_choice.blockSignals(False)
        self.tree.clear()
        parents: dict[str, QTreeWidgetItem] = {}
        for tag in self.library.tags.list():
            item = QTreeWidgetItem([tag.name, tag.shortcut or "", str(tag.usage)])
            item.setIcon(0, color_icon(tag.color))
            item.setData(0, ID_ROLE, tag.id)
            item.setToolTip(0, messages.plain_tip(tag.description or tag.path))
            if tag.parent_name and tag.parent_name in parents:
                parents[tag.parent_name].addChild(item)
            else:
                self.tree.addTopLevelItem(item)
                parents[tag.name] = item
            if select and tag.id == select:
                self.tree.setCurrentItem(item)
        self.tree.expandAll()

    def _current_id(self) -> str:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else ""

    def current(self) -> Tag | None:
        tag_id = self._current_id()
        return next((t for t in self.library.tags.list() if t.id == tag_id), None)

    def _run(self, command: AddTag | MoveTag | RecolorTag | RemoveTag | RenameTag | UseTagSet
             ) -> bool:
        """Pushes ``command`` on the window's undo stack; says why if it was refused."""
        self.window_.undo_stack.push(command)
        if command.error:
            messages.warn(self, "Tags", command.error)
            return False
        return True

    # --- edits ---------------------------------------------------------------------------

    def _switch_set(self) -> None:
        name = self.set_choice.currentData()
        if name and name != self.library.tags.active_set:
            self._run(UseTagSet(self.window_.editor, name))

    def add(self, parent: Tag | None = None) -> None:
        title = f"New tag under {parent.name}" if parent else "New tag"
        name, ok = QInputDialog.getText(self, title, "Name:")
        if ok and name.strip():
            command = AddTag(self.window_.editor, name, parent.id if parent else None)
            if self._run(command):
                self.refresh(select=command.tag_id)

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
        if ok and name.strip() and name.strip() != tag.name:
            self._run(RenameTag(self.window_.editor, tag.id, tag.name, name))

    def recolor(self) -> None:
        tag = self.current()
        if tag is None:
            return
        color = QColorDialog.getColor(QColor(tag.color), self, f"Colour of {tag.name}")
        if color.isValid():
            self._run(RecolorTag(self.window_.editor, tag.id, tag.name, tag.color,
                                 color.name()))

    def move_tag(self, step: int) -> None:  # not move(): that is QWidget.move()
        tag = self.current()
        if tag is None:
            return
        position = tag.position + 1
        if 1 <= position + step <= len(self.library.tags.list(usage=False)):
            self._run(MoveTag(self.window_.editor, tag.id, tag.name, position,
                              position + step))

    def remove(self) -> None:
        tag = self.current()
        if tag is None:
            return
        # the passages of its child tags lose them too
        used = sum(t.usage for t in self.library.tags.list()
                   if t.id == tag.id or t.parent_id == tag.id)
        if used and not messages.ask(
                self, "Remove tag", f"The tag {tag.name!r}"
                f"{' with its child tags' if used != tag.usage else ''} is on {used} "
                f"passage{'s' if used != 1 else ''}.\n\nRemove it from them too? The "
                "passages themselves stay, and Undo puts the tag back on them."):
            return
        self._run(RemoveTag(self.window_.editor, tag.id, tag.name))
