"""The window's item models keep Qt's model contract, before and through edits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from desktop.core.selectors import select_range
from desktop.store.library import Library

PASSAGES = [
    ("cheered loudly", ["propaganda"], "tester"),
    ("the harbour plan", ["evidence"], "other"),
    ("spoke about the harbour plan", ["opinion"], "tester"),  # overlaps the one before
    ("silt rising every year", ["evidence", "opinion"], "tester"),
]


@pytest.fixture
def annotated_window(window, emoji_article: str, db_path: Path):
    with Library(db_path) as library:
        text = library.articles.text(emoji_article)
        for words, tags, annotator in PASSAGES:
            at = text.index(words)
            library.annotations.create(emoji_article, select_range(text, at, at + len(words)),
                                       tags, annotator)
    window.watcher.poll()
    assert window.open_article(emoji_article)
    return window


def edit_a_lot(window, qtbot, ui) -> None:
    """Creates, retags, notes, moves, deletes, then undoes and redoes all of it."""
    reader = ui.reader(window)
    ui.select_words(window, "the engineer")
    reader.setFocus()
    qtbot.keyClick(reader, Qt.Key.Key_2)
    ids = [a.id for a in ui.stored()]
    window.sidebar.select(ids[0])
    window.annotating.set_tags_of_current(["opinion"])
    window.sidebar.select(ids[1])
    window.annotating.edit_note(ids[1], "a note")
    window.sidebar.select(ids[2])
    ui.select_words(window, "Evidence from the survey")
    window.annotating.move_current_to_selection()
    window.sidebar.select(ids[3])
    window.annotating.delete_current()
    steps = window.undo_stack.count()
    for _ in range(steps):
        window.undo_stack.undo()
    for _ in range(steps):
        window.undo_stack.redo()


def test_the_sidebar_model_keeps_the_contract(annotated_window, qtmodeltester, qtbot, ui):
    model = annotated_window.sidebar.model
    assert model.rowCount() == len(PASSAGES)
    qtmodeltester.check(model, force_py=True)
    edit_a_lot(annotated_window, qtbot, ui)
    assert model.rowCount() == len(PASSAGES)


def test_the_sidebar_filter_keeps_the_contract(annotated_window, qtmodeltester, qtbot, ui):
    proxy = annotated_window.sidebar.proxy
    qtmodeltester.check(proxy, force_py=True)
    annotated_window.findChild(QComboBox, "sidebarTagFilter").setCurrentText("evidence")
    assert proxy.rowCount() == 2
    annotated_window.findChild(QComboBox, "sidebarAnnotatorFilter").setCurrentText("tester")
    assert proxy.rowCount() == 1
    edit_a_lot(annotated_window, qtbot, ui)
    annotated_window.findChild(QComboBox, "sidebarTagFilter").setCurrentIndex(0)
    annotated_window.findChild(QComboBox, "sidebarAnnotatorFilter").setCurrentIndex(0)
    assert proxy.rowCount() == len(PASSAGES)


def test_the_list_view_shows_the_sidebar_filter(annotated_window):
    view = annotated_window.sidebar.view
    assert view.model() is annotated_window.sidebar.proxy
    assert annotated_window.sidebar.proxy.sourceModel() is annotated_window.sidebar.model


def test_the_models_pass_qts_own_tester(annotated_window, qtmodeltester, qtbot, qtlog, ui):
    """Qt's C++ QAbstractItemModelTester reports through warnings ("FAIL! ..."): none."""
    qtmodeltester.check(annotated_window.sidebar.model)
    qtmodeltester.check(annotated_window.sidebar.proxy)
    qtmodeltester.check(annotated_window.library_pane.model)
    qtmodeltester.check(annotated_window.library_pane.proxy)
    edit_a_lot(annotated_window, qtbot, ui)
    annotated_window.findChild(QComboBox, "sidebarTagFilter").setCurrentText("opinion")
    annotated_window.watcher.poll()
    failures = [r.message for r in qtlog.records if "FAIL!" in r.message]
    assert failures == []


def test_the_library_model_keeps_the_contract(annotated_window, qtmodeltester, qtbot, ui):
    pane = annotated_window.library_pane
    articles = pane.model.rowCount()
    assert articles == 5  # the samples and the emoji article
    qtmodeltester.check(pane.model, force_py=True)
    edit_a_lot(annotated_window, qtbot, ui)
    annotated_window.watcher.poll()
    qtbot.wait(10)  # the window may re-read the library when idle after an edit
    assert pane.model.rowCount() == articles


def test_the_library_filter_and_sort_keep_the_contract(window, qtmodeltester, qtbot):
    pane = window.library_pane
    qtmodeltester.check(pane.proxy, force_py=True)
    box = window.findChild(QLineEdit, "libraryFilter")
    qtbot.keyClicks(box, "harbour")
    assert pane.proxy.rowCount() >= 1
    box.clear()
    for column in range(pane.proxy.columnCount()):
        pane.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        pane.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    window.watcher.poll()
    assert pane.proxy.rowCount() == 4


def test_the_library_model_data_for_every_role_is_well_formed(window):
    model = window.library_pane.model
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            assert isinstance(index.data(Qt.ItemDataRole.DisplayRole), str)
            tip = index.data(Qt.ItemDataRole.ToolTipRole)
            assert tip is None or isinstance(tip, str)
    assert model.index(model.rowCount(), 0).isValid() is False
    assert model.data(model.index(-1, 0)) is None


def test_rows_stay_in_text_order_through_many_puts_moves_and_drops(qtmodeltester):
    import random

    from desktop.core.model import Annotation
    from desktop.ui.annotation_model import AnnotationListModel

    rng = random.Random(7)
    model = AnnotationListModel()
    qtmodeltester.check(model)

    def passage(number: int) -> Annotation:
        start = rng.randrange(0, 200)
        return Annotation(f"id{number:03}", "a", "tester", start, start + rng.randrange(1, 9),
                          "x", "", "")

    live: dict[str, Annotation] = {}
    for step in range(600):
        number = rng.randrange(80)
        if rng.random() < 0.2:
            model.drop(f"id{number:03}")
            live.pop(f"id{number:03}", None)
        else:  # new, moved, or the same place again
            annotation = passage(number)
            model.put(annotation)
            live[annotation.id] = annotation
        if step % 50 == 0:
            qtmodeltester.check(model)
    rows = [model.index(r, 0).data(Qt.ItemDataRole.UserRole + 2) for r in range(model.rowCount())]
    assert rows == sorted(live.values(), key=lambda a: (a.start, a.end, a.id))
    for row, annotation in enumerate(rows):
        assert model.row_of(annotation.id) == row
        assert annotation in model.at_span(annotation.start, annotation.end)
    assert model.row_of("missing") is None
