"""Who reads a passage on the team server, chosen in the window (docs/server.md).

A passage is private to its author ("Only me"), shared with everyone on the server
("Everyone", the ``__world__`` group) or shared with one of the author's groups. Three
things here let the analyst see and choose it:

* the sidebar's "Shared with" control (``passageVisibility``) for the current passage: an
  undoable command for the user's own passages, read-only (with a tooltip saying whose
  it is) for someone else's;
* File → Share new passages with (``newPassagesVisibility``): where the passages made
  from now on go (the library's default, ``set_default_access``);
* a "private" mark on the row of each private passage in the sidebar's list.

The control and the mark show only when the library is connected to a team server or
knows groups besides ``__world__``: the solo workbench is unchanged. Like every other
view, they follow the library's change events, so a change made by another process (the
sync, the command line, a second window) shows within a poll of the watcher. Group names
come from the server: they are shown as plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QMenu, QWidget

from desktop.core.changes import ANNOTATION, GROUP, SETTING, ChangeBatch
from desktop.core.errors import ClosereadError
from desktop.store.accounts import WORLD
from desktop.store.sharing import SharedItem
from desktop.store.sync_state import SyncState
from desktop.sync.status import NOT_CONNECTED
from desktop.ui import messages
from desktop.ui.editing import AnnotationEditor, LibraryCommand

if TYPE_CHECKING:
    from desktop.store.library import Library
    from desktop.sync.status import SyncReport
    from desktop.ui.main_window import MainWindow

ONLY_ME = "Only me"
EVERYONE = "Everyone"
_MARKS_KEPT = 20_000  # passages whose sharing is remembered before the memory starts over


@dataclass(frozen=True)
class Audience:
    """One choice of who reads a passage: a group and whether it is shared with it
    (``shared=False``: only its author, whatever the group)."""

    group_id: str
    shared: bool
    label: str  # plain text: a group's name comes from the server

    @property
    def private(self) -> bool:
        return not self.shared


def audiences(library: Library) -> list[Audience]:
    """"Only me", "Everyone", then each group the library knows, by name."""
    found = [Audience(WORLD, False, ONLY_ME), Audience(WORLD, True, EVERYONE)]
    found += [Audience(group.id, True, group.name)
              for group in library.accounts.groups() if group.id != WORLD]
    return found


def audience_index(choices: Sequence[Audience], group_id: str, shared: bool) -> int:
    """The index of the choice that is ``(group_id, shared)``; -1 if none is."""
    for index, audience in enumerate(choices):
        if audience.private if not shared else (audience.shared
                                                 and audience.group_id == group_id):
            return index
    return -1


def describe(choices: Sequence[Audience], group_id: str, shared: bool) -> str:
    """Who reads a passage of that group and sharing, in words."""
    if not shared:
        return "only its author"
    if group_id == WORLD:
        return "everyone on the team server"
    index = audience_index(choices, group_id, shared)
    name = choices[index].label if index >= 0 else group_id
    return f"the group {name}"


class SetSharing(LibraryCommand):
    """Puts one passage in a group, shared with it or private to its author; undo puts it
    back where it was (its group and its sharing)."""

    def __init__(self, editor: AnnotationEditor, annotation_id: str, quote: str,
                 old: tuple[str, bool], new: Audience) -> None:
        quote = _short(quote)
        super().__init__(editor, f"Make “{quote}” private" if new.private
                         else f"Share “{quote}” with {new.label}")
        self.annotation_id = annotation_id
        self.old = old
        self.new = (new.group_id, new.shared)

    def redo(self) -> None:
        self._attempt(lambda: self._share(*self.new))

    def undo(self) -> None:
        self._attempt(lambda: self._share(*self.old))

    def _share(self, group_id: str, shared: bool) -> SharedItem:
        return self.editor.library.accounts.sharing.share(self.annotation_id, group_id, shared)


class PrivateMarks:
    """Which passages are private, read when a row first asks and remembered until the
    library says the passage changed (a change of sharing is journalled as an update of
    the passage)."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._private: dict[str, bool] = {}

    def private(self, annotation_id: str) -> bool:
        known = self._private.get(annotation_id)
        if known is None:
            self.load([annotation_id])
            known = self._private.get(annotation_id, False)
        return known

    def load(self, annotation_ids: Sequence[str]) -> None:
        if len(self._private) > _MARKS_KEPT:
            self._private.clear()
        try:
            items = self.library.accounts.sharing.items(annotation_ids)
        except ClosereadError:
            return  # locked for a moment: asked again at the next paint
        for annotation_id in annotation_ids:
            item = items.get(annotation_id)
            self._private[annotation_id] = item is not None and not item.shared

    def forget(self, annotation_ids: Sequence[str]) -> None:
        for annotation_id in annotation_ids:
            self._private.pop(annotation_id, None)


class SharingControl(QWidget):
    """"Shared with: [choice]" for the current passage (``passageVisibility``)."""

    chosen = Signal(object)  # the Audience the user picked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("passageSharing")
        self.combo = QComboBox(objectName="passageVisibility")
        self.combo.setAccessibleName("Who reads this passage on the team server")
        self.combo.setPlaceholderText("no passage chosen")
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        self.combo.activated.connect(self._activated)  # the user's choice only
        label = QLabel("Shared with", objectName="passageVisibilityLabel")
        label.setBuddy(self.combo)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.combo, 1)
        self.choices: list[Audience] = []

    def set_choices(self, choices: list[Audience]) -> None:
        """The choices, without a signal and keeping the one shown if it is still there."""
        if choices == self.choices:
            return
        self.choices = list(choices)
        self.combo.blockSignals(True)
        self.combo.clear()
        for audience in self.choices:
            self.combo.addItem(audience.label)  # plain text: never read as markup
        self.combo.setCurrentIndex(-1)
        self.combo.blockSignals(False)

    def show_item(self, item: SharedItem | None, mine: bool, me: str) -> None:
        """Shows where ``item`` is; changeable only when it is ``mine``."""
        if item is None:
            self.combo.setCurrentIndex(-1)
            self.combo.setEnabled(False)
            self.combo.setToolTip("Choose a passage to see who reads it")
            return
        index = audience_index(self.choices, item.group_id, item.shared)
        if index < 0:  # a group the choices lack (not known here yet): shown by its id
            self.choices.append(Audience(item.group_id, True, item.group_id))
            self.combo.addItem(item.group_id)
            index = len(self.choices) - 1
        self.combo.setCurrentIndex(index)
        self.combo.setEnabled(mine)
        readers = describe(self.choices, item.group_id, item.shared)
        if mine:
            tip = (f"Who reads this passage on the team server: {readers}. Changing it "
                   "is undoable (Ctrl+Z).")
        else:
            tip = (f"This passage is {item.author}'s: only they can change who reads it "
                   f"(you are {me}). It is read by {readers}.")
        self.combo.setToolTip(messages.plain_tip(tip))

    def _activated(self, index: int) -> None:
        if 0 <= index < len(self.choices):
            self.chosen.emit(self.choices[index])


class PassageSharing(QObject):
    """The window's side of who reads its passages: the sidebar's control, the File menu's
    default for new passages, and the private marks on the passage list."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.library
        self.marks = PrivateMarks(window.library)
        self.control = SharingControl()
        self.control.chosen.connect(self._chosen)
        window.sidebar.add_passage_control(self.control)
        window.sidebar.currentAnnotationChanged.connect(lambda _id: self.show_current())
        self.menu: QMenu | None = None
        self.active = False  # connected, or groups besides __world__
        self._applied: bool | None = None  # what the widgets show of ``active``
        self._connection: tuple[str, str] | None = None  # (url, user)
        self._groups = False
        self.refresh()

    # --- when it shows ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Reads the connection and the groups again, and shows or hides what depends on
        them."""
        try:
            connection = SyncState(self.library).connection()
            choices = audiences(self.library)
        except ClosereadError:
            return  # locked for a moment: the next change or round tries again
        self._connection = (connection.url, connection.user) if connection else None
        self._groups = len(choices) > 2
        self.control.set_choices(choices)
        self._set_active(self._connection is not None or self._groups)
        self.show_current()

    def _set_active(self, active: bool) -> None:
        if active == self._applied:
            return
        self._applied = self.active = active
        sidebar = self.window.sidebar
        self.control.setVisible(active)
        sidebar.set_private_marks(self.marks.private if active else None)

    def round_finished(self, report: SyncReport) -> None:
        """After a sync round: a connection made or ended (here or by ``closeread sync``)
        shows or hides the control. The round's report says where it synced; the library
        is read only when that changed (an idle window reads nothing)."""
        status = report.status
        if status.server:
            now: tuple[str, str] | None = (status.server, status.user or "")
        elif status.state == NOT_CONNECTED and not report.errors:
            now = None
        else:
            return  # the round could not say (the library was locked, say)
        if now != self._connection:
            self.refresh()

    def me(self) -> str:
        """Whose passages this desk may share: the team server's user when connected (the
        passages the sync sends are theirs), else the window's annotator."""
        if self._connection is not None and self._connection[1]:
            return self._connection[1]
        return self.window.editor.annotator

    # --- the current passage -----------------------------------------------------------------

    def show_current(self) -> None:
        if not self.active:
            return
        current = self.window.sidebar.current_id()
        item = None
        if current:
            try:
                item = self.library.accounts.sharing.item(current)
            except ClosereadError:
                item = None
        me = self.me()
        self.control.show_item(item, item is not None and item.author == me, me)

    def _chosen(self, audience: Audience) -> None:
        window = self.window
        current = window.sidebar.current_id()
        if not current:
            return
        try:
            item = self.library.accounts.sharing.item(current)
        except ClosereadError as error:
            messages.warn(window, "Shared with", error.message)
            return
        if item is None or item.author != self.me():
            self.show_current()
            return
        # "Only me" keeps the passage's group: shared again later, it goes back to it
        group_id = audience.group_id if audience.shared else item.group_id
        if (group_id, audience.shared) == (item.group_id, item.shared):
            return
        window.undo_stack.push(SetSharing(
            window.editor, item.id, item.exact or "",
            (item.group_id, item.shared), Audience(group_id, audience.shared, audience.label)))
        self.show_current()  # a refused change shows where the passage still is

    # --- following the library ------------------------------------------------------------

    def follow(self, batch: ChangeBatch) -> None:
        """A batch of changes, before the views show it: the marks of changed passages are
        read again; new or renamed groups change the choices."""
        if batch.touches(GROUP):
            self.refresh()
        if batch.touches(ANNOTATION):
            ids = list(batch.ids(ANNOTATION))
            self.marks.forget(ids)
            if self.window.sidebar.current_id() in ids:
                self.show_current()
        if batch.touches(SETTING) and self.menu is not None and self.menu.isVisible():
            self._fill_menu()

    # --- where new passages go ------------------------------------------------------------

    def build_menu(self, parent: QMenu) -> QMenu:
        """File → Share new passages with ▸ (``newPassagesVisibility``), filled each time
        it opens (the groups change as the sync mirrors them)."""
        menu = parent.addMenu("Share &new passages with")
        menu.setObjectName("newPassagesVisibility")
        menu.setToolTipsVisible(True)
        menu.menuAction().setObjectName("actionNewPassagesVisibility")
        menu.aboutToShow.connect(self._fill_menu)
        self.menu = menu
        self._fill_menu()
        return menu

    def _fill_menu(self) -> None:
        menu = self.menu
        if menu is None:
            return
        try:
            choices = audiences(self.library)
            group_id, shared = self.library.accounts.sharing.default_access()
        except ClosereadError:
            return
        menu.clear()
        exclusive = QActionGroup(menu)
        current = audience_index(choices, group_id, shared)
        for index, audience in enumerate(choices):
            action = QAction(audience.label.replace("&", "&&"), menu)  # no mnemonic
            key = "private" if audience.private else audience.group_id
            action.setObjectName(f"newPassages:{key}")
            action.setCheckable(True)
            action.setChecked(index == current)
            action.setToolTip(messages.plain_tip(
                "New passages made here are read by "
                + describe(choices, audience.group_id, audience.shared)))
            action.triggered.connect(lambda _=False, a=audience: self.set_default(a))
            exclusive.addAction(action)
            menu.addAction(action)

    def set_default(self, audience: Audience) -> None:
        """Makes ``audience`` where the passages made from now on go."""
        window = self.window
        try:
            self.library.accounts.sharing.set_default_access(audience.group_id,
                                                             audience.shared)
        except ClosereadError as error:
            messages.warn(window, "Share new passages with", error.message)
            self._fill_menu()
            return
        window.statusBar().showMessage(
            "New passages are private to you" if audience.private
            else f"New passages are shared with {audience.label}", 6000)
        self._fill_menu()


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
