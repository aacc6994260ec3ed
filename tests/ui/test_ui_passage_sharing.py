"""Who reads a passage on the team server, chosen in the window: the sidebar's "Shared
with" control (``passageVisibility``), File → Share new passages with
(``newPassagesVisibility``) and the "private" mark on a private passage's row. Every
choice is checked through the store on a connection of its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMenu
from test_ui_undo import redo_key, tag, undo_key

from desktop.core.selectors import select_range
from desktop.store.accounts import WORLD
from desktop.store.library import Library
from desktop.store.sync_state import Connection, SyncState

WITHIN = 1000  # ms: another process's change shows within a second
DESK = ("deskGrp1", "Harbour desk")  # a group the sync mirrored from the server


def combo(window) -> QComboBox:
    found = window.findChild(QComboBox, "passageVisibility")
    assert found is not None
    return found


def choose(qtbot, window, label: str) -> None:
    """Picks ``label`` in the control as a user does: opens its list and clicks it."""
    box = combo(window)
    target = box.findText(label, Qt.MatchFlag.MatchExactly)
    assert target >= 0, [box.itemText(i) for i in range(box.count())]
    assert box.isEnabled()
    box.showPopup()
    view = box.view()
    qtbot.waitUntil(view.isVisible, timeout=WITHIN)
    rect = view.visualRect(view.model().index(target, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=WITHIN)
    assert box.currentIndex() == target


def access(db_path: Path, annotation_id: str) -> tuple[str, bool]:
    """The passage's group and sharing, as another connection reads them."""
    with Library(db_path) as library:
        item = library.accounts.sharing.item(annotation_id)
        assert item is not None
        return item.group_id, item.shared


def mirror(db_path: Path, *groups: tuple[str, str]) -> None:
    with Library(db_path) as library:
        library.accounts.mirror_groups(list(groups))


def with_desk_group(window, qtbot, db_path: Path) -> None:
    """The sync has mirrored a group of the user's: the control shows."""
    mirror(db_path, DESK)
    window.watcher.poll()
    qtbot.waitUntil(lambda: combo(window).isVisibleTo(window), timeout=WITHIN)


def test_a_solo_workbench_shows_no_sharing(article_window, qtbot, ui):
    window = article_window
    mine = tag(qtbot, ui, window, "cheered loudly")
    assert window.sidebar.current_id() == mine
    assert not combo(window).isVisibleTo(window)
    assert window.sidebar.delegate.private is None  # no mark asked for, none painted
    # the default for new passages can be chosen before connecting all the same
    assert window.findChild(QMenu, "newPassagesVisibility") is not None


def test_each_choice_is_stored_and_undo_and_redo_give_back_the_one_before(
        article_window, qtbot, ui, db_path):
    window = article_window
    with_desk_group(window, qtbot, db_path)
    mine = tag(qtbot, ui, window, "cheered loudly")
    box = combo(window)
    assert box.isEnabled()
    assert [box.itemText(i) for i in range(box.count())] == [
        "Only me", "Everyone", "Harbour desk"]
    assert box.currentText() == "Everyone"
    assert access(db_path, mine) == (WORLD, True)

    choose(qtbot, window, "Only me")
    assert access(db_path, mine) == (WORLD, False)
    assert window.sidebar.delegate.private is not None
    assert window.sidebar.delegate.private(mine)
    choose(qtbot, window, "Harbour desk")
    assert access(db_path, mine) == (DESK[0], True)
    assert not window.sidebar.delegate.private(mine)
    choose(qtbot, window, "Only me")  # private, and still in the desk's group
    assert access(db_path, mine) == (DESK[0], False)
    choose(qtbot, window, "Everyone")
    assert access(db_path, mine) == (WORLD, True)
    assert window.undo_stack.undoText() == "Share “cheered loudly” with Everyone"

    for expected, shown in [((DESK[0], False), "Only me"), ((DESK[0], True), "Harbour desk"),
                            ((WORLD, False), "Only me"), ((WORLD, True), "Everyone")]:
        undo_key(qtbot, window)
        assert access(db_path, mine) == expected
        assert box.currentText() == shown
    for expected, shown in [((WORLD, False), "Only me"), ((DESK[0], True), "Harbour desk")]:
        redo_key(qtbot, window)
        assert access(db_path, mine) == expected
        assert box.currentText() == shown
    assert ui.stored()[0].note == ""  # nothing else of the passage changed


def test_another_process_changing_who_reads_a_passage_shows_within_a_second(
        article_window, qtbot, ui, db_path):
    window = article_window
    with_desk_group(window, qtbot, db_path)
    mine = tag(qtbot, ui, window, "cheered loudly")
    box = combo(window)
    assert box.currentText() == "Everyone"

    with Library(db_path) as other:
        other.accounts.sharing.share(mine, DESK[0], True)
    qtbot.waitUntil(lambda: box.currentText() == "Harbour desk", timeout=WITHIN)

    with Library(db_path) as other:
        other.accounts.sharing.share(mine, DESK[0], False)
    qtbot.waitUntil(lambda: box.currentText() == "Only me", timeout=WITHIN)
    assert window.sidebar.delegate.private(mine)  # its row says so, read afresh

    # a group the server renamed shows under its new name
    mirror(db_path, (DESK[0], "Harbour news desk"))
    with Library(db_path) as other:
        other.accounts.sharing.share(mine, DESK[0], True)
    qtbot.waitUntil(lambda: box.currentText() == "Harbour news desk", timeout=WITHIN)
    # and Ctrl+Z still takes back only the user's own edits: here, the passage itself
    undo_key(qtbot, window)
    assert ui.stored() == []


def test_someone_elses_passage_shows_where_it_is_but_cannot_be_changed(
        article_window, qtbot, ui, db_path):
    window = article_window
    with_desk_group(window, qtbot, db_path)
    text = ui.text(window)
    start = text.index("the harbour plan")
    with Library(db_path) as other:
        theirs = other.annotations.create(
            window.article_id, select_range(text, start, start + len("the harbour plan")),
            ["evidence"], "colleague").id
        other.accounts.sharing.share(theirs, DESK[0], True)
    window.watcher.poll()
    qtbot.waitUntil(lambda: window.sidebar.model.annotation(theirs) is not None,
                    timeout=WITHIN)
    window.sidebar.select(theirs)

    box = combo(window)
    assert box.currentText() == "Harbour desk"
    assert not box.isEnabled()
    assert "colleague" in box.toolTip() and "only they can change" in box.toolTip()
    mine = tag(qtbot, ui, window, "cheered loudly")
    assert window.sidebar.current_id() == mine and box.isEnabled()
    assert access(db_path, theirs) == (DESK[0], True)


def test_connected_the_servers_user_owns_the_passages_and_the_control_shows(
        qtbot, db_path, emoji_article, open_window, ui):
    with Library(db_path) as library:  # connected as maya, no group but __world__
        SyncState(library).connect(Connection("http://127.0.0.1:9", "cr_unused", "maya"))
        text = library.articles.text(emoji_article)
        start = text.index("cheered loudly")
        hers = library.annotations.create(
            emoji_article, select_range(text, start, start + len("cheered loudly")),
            ["evidence"], "maya").id
        start = text.index("the harbour plan")
        testers = library.annotations.create(
            emoji_article, select_range(text, start, start + len("the harbour plan")),
            ["evidence"], "tester").id
    window = open_window()
    assert window.open_article(emoji_article)
    box = combo(window)
    assert box.isVisibleTo(window)
    assert [box.itemText(i) for i in range(box.count())] == ["Only me", "Everyone"]
    window.sidebar.select(hers)
    assert box.isEnabled()  # the sync sends maya's passages: hers to share
    window.sidebar.select(testers)
    assert not box.isEnabled()  # the window's annotator, but not the server's user
    assert "tester" in box.toolTip() and "you are maya" in box.toolTip()
    window.sidebar.select(hers)
    choose(qtbot, window, "Only me")
    assert access(db_path, hers) == (WORLD, False)


def test_connecting_or_disconnecting_elsewhere_shows_or_hides_the_control(
        article_window, qtbot, ui, db_path):
    window = article_window
    tag(qtbot, ui, window, "cheered loudly")
    box = combo(window)
    assert not box.isVisibleTo(window)
    with Library(db_path) as other:  # `closeread sync connect`, say (the server is down)
        SyncState(other).connect(Connection("http://127.0.0.1:9", "cr_unused",
                                             window.editor.annotator))
    # the window's next round (every two seconds) tells
    qtbot.waitUntil(lambda: box.isVisibleTo(window), timeout=5000)
    assert box.isEnabled() and box.currentText() == "Everyone"
    with Library(db_path) as other:
        SyncState(other).disconnect()
    qtbot.waitUntil(lambda: not box.isVisibleTo(window), timeout=5000)
    assert window.sidebar.delegate.private is None


def test_new_passages_go_where_the_file_menu_says(article_window, qtbot, ui, db_path):
    window = article_window
    with_desk_group(window, qtbot, db_path)
    menu = window.findChild(QMenu, "newPassagesVisibility")
    assert menu is not None
    menu.aboutToShow.emit()  # as opening it does: the choices read afresh
    actions = {a.objectName(): a for a in menu.actions()}
    assert [a.text() for a in menu.actions()] == ["Only me", "Everyone", "Harbour desk"]
    assert actions[f"newPassages:{WORLD}"].isChecked()

    actions["newPassages:private"].trigger()
    with Library(db_path) as library:
        assert library.accounts.sharing.default_access() == (WORLD, False)
    private = tag(qtbot, ui, window, "cheered loudly")
    assert access(db_path, private) == (WORLD, False)
    assert combo(window).currentText() == "Only me"
    assert window.sidebar.delegate.private(private)

    menu.aboutToShow.emit()
    actions = {a.objectName(): a for a in menu.actions()}
    assert actions["newPassages:private"].isChecked()
    actions[f"newPassages:{DESK[0]}"].trigger()
    in_group = tag(qtbot, ui, window, "the harbour plan")
    assert access(db_path, in_group) == (DESK[0], True)
    assert combo(window).currentText() == "Harbour desk"

    # another window (or the command line) sets it: this one's menu says so when opened
    with Library(db_path) as other:
        other.accounts.sharing.set_default_access(WORLD, True)
    menu.aboutToShow.emit()
    assert {a.objectName(): a for a in menu.actions()}[f"newPassages:{WORLD}"].isChecked()


def test_a_group_name_is_shown_as_text_never_as_markup(article_window, qtbot, ui, db_path):
    window = article_window
    mirror(db_path, ("markupGr", "<b>Desk</b> & co"))
    window.watcher.poll()
    qtbot.waitUntil(lambda: combo(window).isVisibleTo(window), timeout=WITHIN)
    tag(qtbot, ui, window, "cheered loudly")
    choose(qtbot, window, "<b>Desk</b> & co")
    box = combo(window)
    assert box.currentText() == "<b>Desk</b> & co"
    assert "&lt;b&gt;Desk&lt;/b&gt; &amp; co" in box.toolTip()  # escaped in the tooltip
    menu = window.findChild(QMenu, "newPassagesVisibility")
    menu.aboutToShow.emit()
    assert menu.actions()[-1].text() == "<b>Desk</b> && co"  # no mnemonic made of the &
