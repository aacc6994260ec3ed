"""Undo and redo of every annotation edit; after each step the library file agrees."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QListView, QPlainTextEdit, QPushButton

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def undo_key(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)


def redo_key(qtbot, window) -> None:
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | SHIFT)


def tag(qtbot, ui, window, words: str, key: Qt.Key = Qt.Key.Key_1, nth: int = 0) -> str:
    """Selects ``words`` and presses ``key`` in the reader; the id of the passage."""
    before = {a.id for a in ui.stored()}
    ui.select_words(window, words, nth)
    reader = ui.reader(window)
    reader.setFocus()
    qtbot.keyClick(reader, key)
    made = [a for a in ui.stored() if a.id not in before]
    assert len(made) == 1, made
    return made[0].id


def sidebar_ids(window) -> list[str]:
    view = window.findChild(QListView, "annotationList")
    model = view.model()
    return [model.index(row, 0).data(Qt.ItemDataRole.UserRole + 1)
            for row in range(model.rowCount())]


def by_id(ui) -> dict[str, object]:
    return {a.id: a for a in ui.stored()}


def test_undo_of_a_create_removes_it_and_redo_brings_back_the_same_one(
        article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")

    undo_key(qtbot, window)
    assert ui.stored() == []
    row = ui.raw(made)
    assert row is not None and row["deleted"] is not None  # kept, marked deleted
    assert sidebar_ids(window) == []

    redo_key(qtbot, window)
    [back] = ui.stored()
    assert back.id == made
    assert back.exact == "cheered loudly"
    assert ui.raw(made)["deleted"] is None
    assert sidebar_ids(window) == [made]


def test_undo_and_redo_through_the_undo_stack(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    assert window.undo_stack.canUndo()
    window.undo_stack.undo()
    assert ui.stored() == []
    window.undo_stack.redo()
    assert [a.id for a in ui.stored()] == [made]


def test_undo_of_a_create_takes_its_highlight_away(article_window, qtbot, ui):
    window = article_window
    reader = ui.reader(window)
    start, _end = ui.span(window, "cheered loudly")
    tag(qtbot, ui, window, "cheered loudly")
    assert reader.highlighter.at(start)
    undo_key(qtbot, window)
    assert reader.highlighter.at(start) == []
    redo_key(qtbot, window)
    assert [a.exact for a in reader.highlighter.at(start)] == ["cheered loudly"]


def test_a_second_tag_key_is_undone_and_redone(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly", Qt.Key.Key_1)
    ui.select_words(window, "cheered loudly")
    ui.reader(window).setFocus()
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_2)
    assert by_id(ui)[made].tag_paths == ("evidence", "propaganda")

    undo_key(qtbot, window)
    assert by_id(ui)[made].tag_paths == ("propaganda",)
    redo_key(qtbot, window)
    assert by_id(ui)[made].tag_paths == ("evidence", "propaganda")


def test_retagging_the_current_passage_is_undone_and_redone(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    window.annotating.set_tags_of_current(["opinion", "evidence"])
    assert by_id(ui)[made].tag_paths == ("evidence", "opinion")

    undo_key(qtbot, window)
    assert by_id(ui)[made].tag_paths == ("propaganda",)
    redo_key(qtbot, window)
    assert by_id(ui)[made].tag_paths == ("evidence", "opinion")


def test_a_note_saved_in_the_sidebar_is_undone_and_redone(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    editor = window.findChild(QPlainTextEdit, "noteEditor")
    save = window.findChild(QPushButton, "saveNote")
    assert editor.isEnabled()
    editor.setFocus()
    qtbot.keyClicks(editor, "Loaded: *cheered*")
    editor.insertPlainText(", café 😀")  # pasted: QTest types ASCII only
    assert save.isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert by_id(ui)[made].note == "Loaded: *cheered*, café 😀"

    undo_key(qtbot, window)
    assert by_id(ui)[made].note == ""
    redo_key(qtbot, window)
    assert by_id(ui)[made].note == "Loaded: *cheered*, café 😀"


def test_changing_a_passages_bounds_is_undone_and_redone(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    start, end = ui.select_words(window, "crowd 😀 cheered loudly")
    window.annotating.move_current_to_selection()
    moved = by_id(ui)[made]
    assert (moved.exact, moved.start, moved.end) == ("crowd 😀 cheered loudly", start, end)

    undo_key(qtbot, window)
    back = by_id(ui)[made]
    assert back.exact == "cheered loudly"
    assert (back.start, back.end) == ui.span(window, "cheered loudly")
    redo_key(qtbot, window)
    again = by_id(ui)[made]
    assert (again.exact, again.start, again.end) == ("crowd 😀 cheered loudly", start, end)


def test_the_delete_key_in_the_reader_deletes_the_current_passage_undoably(
        article_window, qtbot, ui):
    window = article_window
    keep = tag(qtbot, ui, window, "the harbour plan")
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    reader = ui.reader(window)
    reader.setFocus()
    qtbot.keyClick(reader, Qt.Key.Key_Delete)
    assert [a.id for a in ui.stored()] == [keep]
    assert ui.raw(made)["deleted"] is not None
    assert sidebar_ids(window) == [keep]

    undo_key(qtbot, window)
    assert {a.id for a in ui.stored()} == {keep, made}
    assert set(sidebar_ids(window)) == {keep, made}
    redo_key(qtbot, window)
    assert [a.id for a in ui.stored()] == [keep]


def test_delete_current_is_undone_and_redone(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    window.annotating.delete_current()
    assert ui.stored() == []
    window.undo_stack.undo()
    assert [a.id for a in ui.stored()] == [made]
    window.undo_stack.redo()
    assert ui.stored() == []


def test_key_3_in_the_sidebar_tags_every_selected_passage_undoably(article_window, qtbot, ui):
    window = article_window
    first = tag(qtbot, ui, window, "cheered loudly", Qt.Key.Key_1)
    second = tag(qtbot, ui, window, "the harbour plan", Qt.Key.Key_2)
    third = tag(qtbot, ui, window, "silt rising", Qt.Key.Key_1)
    view = window.findChild(QListView, "annotationList")
    model = view.model()
    rows = {model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1): r
            for r in range(model.rowCount())}
    selection = view.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select
    selection.select(model.index(rows[first], 0), flags)
    selection.select(model.index(rows[second], 0), flags)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_3)

    stored = by_id(ui)
    assert stored[first].tag_paths == ("opinion", "propaganda")
    assert stored[second].tag_paths == ("evidence", "opinion")
    assert stored[third].tag_paths == ("propaganda",)

    undo_key(qtbot, window)
    stored = by_id(ui)
    assert stored[first].tag_paths == ("propaganda",)
    assert stored[second].tag_paths == ("evidence",)
    redo_key(qtbot, window)
    stored = by_id(ui)
    assert stored[first].tag_paths == ("opinion", "propaganda")
    assert stored[second].tag_paths == ("evidence", "opinion")
    assert stored[third].tag_paths == ("propaganda",)


def test_a_whole_session_is_undone_to_nothing_and_redone_to_the_end(
        article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    window.annotating.set_tags_of_current(["evidence"])
    window.annotating.edit_note(made, "a note")
    end_state = by_id(ui)[made]
    steps = window.undo_stack.count()
    assert steps == 3
    for _ in range(steps):
        undo_key(qtbot, window)
    assert ui.stored() == []
    for _ in range(steps):
        redo_key(qtbot, window)
    [again] = ui.stored()
    assert (again.id, again.tag_paths, again.note) == (made, end_state.tag_paths, "a note")


def test_undoing_a_bulk_tag_leaves_the_tag_on_passages_that_had_it(article_window, qtbot, ui):
    window = article_window
    had_it = tag(qtbot, ui, window, "cheered loudly", Qt.Key.Key_3)  # opinion already
    lacked_it = tag(qtbot, ui, window, "the harbour plan", Qt.Key.Key_2)
    view = window.findChild(QListView, "annotationList")
    model = view.model()
    selection = view.selectionModel()
    selection.clearSelection()
    for row in range(model.rowCount()):
        selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_3)
    assert by_id(ui)[lacked_it].tag_paths == ("evidence", "opinion")
    undo_key(qtbot, window)
    stored = by_id(ui)
    assert stored[had_it].tag_paths == ("opinion",)
    assert stored[lacked_it].tag_paths == ("evidence",)


def test_ctrl_b_moves_the_current_passage_to_the_selection(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "the harbour plan")
    window.sidebar.select(made)
    ui.select_words(window, "the mayor 🎉 spoke")
    ui.reader(window).setFocus()
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    assert by_id(ui)[made].exact == "the mayor 🎉 spoke"
    undo_key(qtbot, window)
    assert by_id(ui)[made].exact == "the harbour plan"


def test_the_sidebar_follows_undo_and_redo_of_a_retag(article_window, qtbot, ui):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    window.sidebar.select(made)
    window.annotating.set_tags_of_current(["evidence"])
    model = window.sidebar.model
    assert model.annotation(made).tag_paths == ("evidence",)
    undo_key(qtbot, window)
    assert model.annotation(made).tag_paths == ("propaganda",)
    redo_key(qtbot, window)
    assert model.annotation(made).tag_paths == ("evidence",)
