"""The sidebar: its passages follow the reader and lead it; filters; the note editor."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox, QLabel, QListView, QPlainTextEdit, QPushButton

from desktop.core.selectors import select_range
from desktop.store.library import Library

ID_ROLE = Qt.ItemDataRole.UserRole + 1

# (words, tags, annotator) made before the window opens
PASSAGES = [
    ("cheered loudly", ["propaganda"], "tester"),
    ("the harbour plan", ["evidence"], "other"),
    ("silt rising every year", ["evidence", "opinion"], "tester"),
]


@pytest.fixture
def annotated(emoji_article: str, db_path: Path) -> dict[str, str]:
    """The emoji article with PASSAGES; their ids by words."""
    ids = {}
    with Library(db_path) as library:
        text = library.articles.text(emoji_article)
        for words, tags, annotator in PASSAGES:
            start = text.index(words)
            made = library.annotations.create(
                emoji_article, select_range(text, start, start + len(words)), tags, annotator)
            ids[words] = made.id
    return ids


@pytest.fixture
def opened(window, emoji_article, annotated):
    assert window.open_article(emoji_article)
    return window


def annotation_list(window) -> QListView:
    view = window.findChild(QListView, "annotationList")
    assert view is not None
    return view


def shown_quotes(window) -> list[str]:
    model = annotation_list(window).model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def row_of(window, annotation_id: str):
    model = annotation_list(window).model()
    return next(model.index(r, 0) for r in range(model.rowCount())
                if model.index(r, 0).data(ID_ROLE) == annotation_id)


def click_row(qtbot, window, annotation_id: str) -> None:
    view = annotation_list(window)
    index = row_of(window, annotation_id)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())


def test_the_sidebar_lists_the_open_articles_passages_in_text_order(opened):
    assert shown_quotes(opened) == [p[0] for p in PASSAGES]
    count = opened.findChild(QLabel, "annotationCount")
    assert count.text().startswith("3")


def test_clicking_a_passage_in_the_sidebar_shows_it_current_in_its_colour(opened, qtbot, ui,
                                                                         annotated):
    click_row(qtbot, opened, annotated["the harbour plan"])
    start, end = ui.span(opened, "the harbour plan")
    qt_start, _ = ui.qt_span(opened, start, end)
    cursor = ui.reader(opened).textCursor()
    # shown, not selected: a selection would paint over the tag's colour
    assert not cursor.hasSelection() and cursor.position() == qt_start
    assert opened.sidebar.current_id() == annotated["the harbour plan"]
    assert opened.reader.highlighter.current == annotated["the harbour plan"]
    probe = QTextCursor(ui.reader(opened).document())
    probe.setPosition(qt_start + 1)
    shown = probe.charFormat().background().color()
    passage = opened.sidebar.model.annotation(annotated["the harbour plan"])
    expected = opened.reader.highlighter._brush([passage]).color()
    assert shown == expected  # the current passage's stronger shade of its tag colour
    assert shown != ui.reader(opened).palette().highlight().color()


def test_a_number_key_without_a_selection_toggles_that_tag_on_the_current_passage(
        opened, qtbot, ui, annotated):
    click_row(qtbot, opened, annotated["the harbour plan"])
    reader = ui.reader(opened)
    reader.setFocus()
    before = {a.id: a.tags for a in ui.stored()}[annotated["the harbour plan"]]
    qtbot.keyClick(reader, Qt.Key.Key_2)  # evidence
    after = {a.id: a.tags for a in ui.stored()}[annotated["the harbour plan"]]
    assert set(after) == set(before) ^ {"evidence"}
    qtbot.keyClick(reader, Qt.Key.Key_2)
    assert {a.id: a.tags for a in ui.stored()}[annotated["the harbour plan"]] == before
    opened.undo_stack.undo()
    assert set({a.id: a.tags for a in ui.stored()}[annotated["the harbour plan"]]) == set(after)


def test_moving_through_the_sidebar_with_the_keyboard_follows_in_the_reader(
        opened, qtbot, ui, annotated):
    click_row(qtbot, opened, annotated["cheered loudly"])
    view = annotation_list(opened)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert opened.sidebar.current_id() == annotated["the harbour plan"]
    assert opened.reader.highlighter.current == annotated["the harbour plan"]
    start, _ = ui.span(opened, "the harbour plan")
    assert ui.reader(opened).textCursor().position() == ui.qt_span(opened, start, start)[0]


def test_annotation_clicked_in_the_reader_makes_it_current_in_the_sidebar(opened, annotated):
    opened.reader.annotationClicked.emit(annotated["silt rising every year"])
    assert opened.sidebar.current_id() == annotated["silt rising every year"]
    current = annotation_list(opened).currentIndex()
    assert current.data() == "silt rising every year"
    assert annotation_list(opened).selectionModel().isSelected(current)


def test_clicking_a_highlight_in_the_reader_makes_it_current_in_the_sidebar(
        opened, qtbot, ui, annotated):
    reader = ui.reader(opened)
    start, end = ui.span(opened, "the harbour plan")
    qt_start, _ = ui.qt_span(opened, start, end)
    cursor = QTextCursor(reader.document())
    cursor.setPosition(qt_start + 5)  # inside "harbour"
    reader.ensureCursorVisible()
    rect = reader.cursorRect(cursor)
    point = rect.center() + QPoint(2, 0)
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert opened.sidebar.current_id() == annotated["the harbour plan"]


def test_the_sidebar_tag_filter_shows_only_passages_with_that_tag(opened):
    combo = opened.findChild(QComboBox, "sidebarTagFilter")
    combo.setCurrentText("evidence")
    assert shown_quotes(opened) == ["the harbour plan", "silt rising every year"]
    combo.setCurrentText("propaganda")
    assert shown_quotes(opened) == ["cheered loudly"]
    assert opened.findChild(QLabel, "annotationCount").text().startswith("1 of 3")
    combo.setCurrentIndex(0)
    assert len(shown_quotes(opened)) == 3


def test_the_sidebar_annotator_filter_shows_only_that_annotators_passages(opened):
    combo = opened.findChild(QComboBox, "sidebarAnnotatorFilter")
    assert {combo.itemText(i) for i in range(1, combo.count())} == {"tester", "other"}
    combo.setCurrentText("other")
    assert shown_quotes(opened) == ["the harbour plan"]
    combo.setCurrentText("tester")
    assert shown_quotes(opened) == ["cheered loudly", "silt rising every year"]
    combo.setCurrentIndex(0)
    assert len(shown_quotes(opened)) == 3


def test_both_sidebar_filters_together(opened):
    opened.findChild(QComboBox, "sidebarTagFilter").setCurrentText("evidence")
    opened.findChild(QComboBox, "sidebarAnnotatorFilter").setCurrentText("tester")
    assert shown_quotes(opened) == ["silt rising every year"]


def test_a_passage_made_while_filtered_out_is_shown(opened, qtbot, ui):
    opened.findChild(QComboBox, "sidebarTagFilter").setCurrentText("evidence")
    ui.select_words(opened, "spoke about")
    ui.reader(opened).setFocus()
    qtbot.keyClick(ui.reader(opened), Qt.Key.Key_1)  # propaganda: outside the filter
    assert "spoke about" in shown_quotes(opened)
    assert annotation_list(opened).currentIndex().data() == "spoke about"


def test_the_note_editor_shows_and_saves_the_current_passages_note(opened, qtbot, ui,
                                                                  annotated):
    editor = opened.findChild(QPlainTextEdit, "noteEditor")
    save = opened.findChild(QPushButton, "saveNote")
    assert not editor.isEnabled()  # nothing current yet
    click_row(qtbot, opened, annotated["the harbour plan"])
    assert editor.isEnabled() and editor.toPlainText() == ""
    assert not save.isEnabled()
    editor.setFocus()
    qtbot.keyClicks(editor, "Survey figures, page 4")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    stored = {a.id: a for a in ui.stored()}
    assert stored[annotated["the harbour plan"]].note == "Survey figures, page 4"
    assert stored[annotated["cheered loudly"]].note == ""


def test_the_current_passage_stays_current_after_its_note_is_saved(opened, qtbot, annotated):
    target = annotated["the harbour plan"]
    click_row(qtbot, opened, target)
    editor = opened.findChild(QPlainTextEdit, "noteEditor")
    editor.setFocus()
    qtbot.keyClicks(editor, "Survey figures")
    qtbot.mouseClick(opened.findChild(QPushButton, "saveNote"), Qt.MouseButton.LeftButton)
    assert opened.sidebar.current_id() == target
    assert editor.isEnabled()
    assert editor.toPlainText() == "Survey figures"


def test_the_current_passage_stays_current_after_it_is_retagged(opened, qtbot, ui, annotated):
    target = annotated["the harbour plan"]
    click_row(qtbot, opened, target)
    opened.annotating.set_tags_of_current(["opinion"])
    assert opened.sidebar.current_id() == target
    # so the next key acts on the same passage, not on its neighbour
    opened.annotating.delete_current()
    assert {a.id for a in ui.stored()} == {annotated["cheered loudly"],
                                          annotated["silt rising every year"]}


def test_the_delete_key_in_the_sidebar_deletes_the_selected_passages(opened, qtbot, ui,
                                                                    annotated):
    view = annotation_list(opened)
    selection = view.selectionModel()
    selection.clearSelection()
    for words in ("cheered loudly", "silt rising every year"):
        selection.select(row_of(opened, annotated[words]),
                         QItemSelectionModel.SelectionFlag.Select)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [a.exact for a in ui.stored()] == ["the harbour plan"]
    assert shown_quotes(opened) == ["the harbour plan"]
    opened.undo_stack.undo()  # one step for the lot
    assert len(ui.stored()) == 3
