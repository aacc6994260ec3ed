"""Tag and tag-set edits made in the tag-set editor are undoable, like passage edits, and
the editor shows what another process does to the tags while it is open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog, QPushButton, QTreeWidget
from test_ui_outside_changes import WITHIN, closeread
from test_ui_undo import tag

from desktop.store.library import Library
from desktop.ui import messages
from desktop.ui.tagset_editor import ID_ROLE, TagSetEditor


@pytest.fixture
def editor(article_window, qtbot):
    dialog = TagSetEditor(article_window)
    dialog.show()
    qtbot.waitExposed(dialog)
    yield dialog
    dialog.close()
    dialog.deleteLater()


def choose(dialog: TagSetEditor, name: str) -> None:
    tree = dialog.findChild(QTreeWidget, "tagTree")
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    for item in list(items):
        items += [item.child(i) for i in range(item.childCount())]
    found = next(i for i in items if i.text(0) == name)
    tree.setCurrentItem(found)


def click(qtbot, dialog: TagSetEditor, name: str) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def tree_names(dialog: TagSetEditor) -> list[str]:
    tree = dialog.findChild(QTreeWidget, "tagTree")
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def stored_tags(db_path) -> list[str]:
    with Library(db_path) as library:
        return [t.name for t in library.tags.list()]


def test_a_rename_is_undone_and_redone_and_passages_follow(
        article_window, editor, qtbot, ui, db_path, monkeypatch):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly", key=Qt.Key.Key_3)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("view", True))
    choose(editor, "opinion")
    click(qtbot, editor, "tagRename")
    assert "view" in stored_tags(db_path)
    assert window.sidebar.model.annotation(made).tags == ("view",)
    assert "view" in tree_names(editor)
    assert editor.current().name == "view"  # the renamed tag stays current
    window.undo_stack.undo()
    assert "opinion" in stored_tags(db_path) and "view" not in stored_tags(db_path)
    assert window.sidebar.model.annotation(made).tags == ("opinion",)
    assert "opinion" in tree_names(editor)
    window.undo_stack.redo()
    assert [a.tags for a in ui.stored()] == [("view",)]


def test_removing_a_used_tag_is_undone_with_its_passages_and_its_key(
        article_window, editor, qtbot, ui, db_path, monkeypatch):
    window = article_window
    tag(qtbot, ui, window, "cheered loudly", key=Qt.Key.Key_2)
    before = stored_tags(db_path)
    monkeypatch.setattr(messages, "ask", lambda *a, **k: True)
    choose(editor, "evidence")
    click(qtbot, editor, "tagRemove")
    assert "evidence" not in stored_tags(db_path)
    assert [a.tags for a in ui.stored()] == [()]
    window.undo_stack.undo()
    assert stored_tags(db_path) == before  # back in its place: key 2 again
    assert [a.tags for a in ui.stored()] == [("evidence",)]
    assert window.tag_bar.tag_at(1).name == "evidence"
    window.undo_stack.redo()
    assert [a.tags for a in ui.stored()] == [()]


def test_declining_to_remove_a_used_tag_changes_nothing(article_window, editor, qtbot, ui,
                                                        db_path):
    tag(qtbot, ui, article_window, "cheered loudly", key=Qt.Key.Key_2)
    count = article_window.undo_stack.count()
    choose(editor, "evidence")
    click(qtbot, editor, "tagRemove")  # the conftest answers No
    assert "evidence" in stored_tags(db_path)
    assert article_window.undo_stack.count() == count


def test_add_move_recolour_and_switching_sets_are_undone(
        article_window, editor, qtbot, db_path, monkeypatch):
    window = article_window
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("loaded words", True))
    click(qtbot, editor, "tagAdd")
    assert stored_tags(db_path)[-1] == "loaded words"
    with Library(db_path) as library:
        added = library.tags.get("loaded words").id
    click(qtbot, editor, "tagUp")  # the new tag is current: up one place
    assert stored_tags(db_path)[-2] == "loaded words"
    monkeypatch.setattr(QColorDialog, "getColor", lambda *a, **k: QColor("#123456"))
    click(qtbot, editor, "tagRecolor")
    with Library(db_path) as library:
        assert library.tags.get("loaded words").color == "#123456"
    window.undo_stack.undo()  # recolour
    window.undo_stack.undo()  # move
    assert stored_tags(db_path)[-1] == "loaded words"
    window.undo_stack.undo()  # add
    assert "loaded words" not in stored_tags(db_path)
    window.undo_stack.redo()
    with Library(db_path) as library:
        assert library.tags.get("loaded words").id == added  # the same tag comes back
    editor.set_choice.setCurrentIndex(editor.set_choice.findData("ptc"))
    with Library(db_path) as library:
        assert library.tags.active_set == "ptc"
    assert len(window.tag_bar.tags) > 4
    window.undo_stack.undo()
    with Library(db_path) as library:
        assert library.tags.active_set == "default"
    assert editor.set_choice.currentData() == "default"


def test_a_refused_edit_says_why_and_is_not_on_the_stack(
        article_window, editor, qtbot, monkeypatch, dialogs):
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Evidence", True))
    count = article_window.undo_stack.count()
    choose(editor, "opinion")
    click(qtbot, editor, "tagRename")
    assert article_window.undo_stack.count() == count
    assert any("exists" in str(args) for kind, args in dialogs if kind == "warning")


def test_the_editor_shows_a_tag_another_process_added(article_window, editor, qtbot,
                                                      db_path):
    closeread(db_path, "tags", "add", "whataboutism")
    qtbot.waitUntil(lambda: "whataboutism" in tree_names(editor), timeout=WITHIN)
    tree = editor.findChild(QTreeWidget, "tagTree")
    ids = [tree.topLevelItem(i).data(0, ID_ROLE) for i in range(tree.topLevelItemCount())]
    assert all(ids)


def test_the_tag_editor_shows_every_column_without_scrolling_sideways(article_window, qtbot):
    article_window.library.tags.use_set("ptc")  # the long technique names
    article_window.watcher.poll()
    dialog = TagSetEditor(article_window)
    dialog.show()
    qtbot.waitExposed(dialog)
    tree = dialog.findChild(QTreeWidget, "tagTree")
    header = tree.header()
    visible = tree.viewport().width()
    assert not tree.horizontalScrollBar().isVisible()
    for column in (1, 2):
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        assert right <= visible, (column, right, visible)
        assert header.sectionSize(column) >= tree.fontMetrics().horizontalAdvance(
            tree.headerItem().text(column))
    dialog.close()
