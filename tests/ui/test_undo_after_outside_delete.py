"""Undo and redo after another process deleted the passage: undoing its creation is done
already (nothing to say), an edit of it says once, by its quote, that it was deleted
elsewhere, and the commands before it still undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_ui_outside_changes import WITHIN, closeread
from test_ui_undo import redo_key, sidebar_ids, tag, undo_key

from desktop.store.library import Library


def _warnings(dialogs) -> list[str]:
    return [str(args[1]) for kind, args in dialogs if kind == "warning"]


def test_undo_of_a_retag_after_the_command_line_deleted_the_passage(
        article_window, qtbot, ui, db_path, dialogs):
    """Tag a phrase (3, then 2), `closeread delete ID`, Ctrl+Z, Ctrl+Z."""
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly", Qt.Key.Key_3)
    ui.select_words(window, "cheered loudly")
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_2)
    assert [set(a.tags) for a in ui.stored()] == [{"opinion", "evidence"}]
    assert window.undo_stack.count() == 2

    closeread(db_path, "delete", made)
    qtbot.waitUntil(lambda: made not in sidebar_ids(window), timeout=WITHIN)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    undo_key(qtbot, window)
    # one message, in words: the passage by its quote, no id of the store
    [said] = _warnings(dialogs)
    assert "“cheered loudly”" in said and "deleted elsewhere" in said
    assert made not in said and made[:8] not in said
    assert ui.stored() == []  # not brought back by the undo of its retag
    # the retag leaves the stack; the creation is next
    assert window.undo_stack.count() == 1 and window.undo_stack.index() == 1

    undo_key(qtbot, window)  # the creation: the passage is gone already, so it is done
    assert len(_warnings(dialogs)) == 1
    assert ui.stored() == [] and ui.raw(made)["deleted"] is not None
    assert window.undo_stack.count() == 1 and window.undo_stack.index() == 0
    assert window.save_state.text() != "Not saved"

    redo_key(qtbot, window)  # the user's own passage comes back, as a redo does
    qtbot.waitUntil(lambda: made in sidebar_ids(window), timeout=WITHIN)
    assert [a.id for a in ui.stored()] == [made]
    assert len(_warnings(dialogs)) == 1


def test_undo_of_a_creation_deleted_elsewhere_is_silent_and_a_redo_of_an_edit_says_so(
        article_window, qtbot, ui, db_path, dialogs):
    window = article_window
    made = tag(qtbot, ui, window, "silt rising every year", Qt.Key.Key_2)
    with Library(db_path, client="other") as other:
        other.annotations.delete(made)
    qtbot.waitUntil(lambda: made not in sidebar_ids(window), timeout=WITHIN)
    window.undo_stack.undo()
    assert dialogs == []
    assert window.undo_stack.index() == 0 and window.undo_stack.count() == 1
    window.undo_stack.redo()
    qtbot.waitUntil(lambda: made in sidebar_ids(window), timeout=WITHIN)

    # a retag, undone, then the passage deleted elsewhere: its redo says so once
    ui.select_words(window, "silt rising every year")
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_1)
    assert [set(a.tags) for a in ui.stored()] == [{"evidence", "propaganda"}]
    window.undo_stack.undo()
    assert [a.tags for a in ui.stored()] == [("evidence",)]
    with Library(db_path, client="other") as other:
        other.annotations.delete(made)
    qtbot.waitUntil(lambda: made not in sidebar_ids(window), timeout=WITHIN)
    window.undo_stack.redo()
    [said] = _warnings(dialogs)
    assert "“silt rising every year”" in said and "deleted elsewhere" in said
    assert made not in said
    assert ui.stored() == []
    assert window.undo_stack.count() == 1  # the retag has left the stack
