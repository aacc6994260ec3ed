"""The review window driven as a lead would: units listed with their class and state,
lanes per analyst, decisions with the keyboard (undoable), a rule over the session, a
thread, charts, and an analyst's view of what the review did with their passages."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
)

from desktop.core.selectors import select_quote
from desktop.io.importer import import_paths
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui.review_lanes import LaneGutter
from desktop.ui.review_sessions import open_review
from desktop.ui.review_view import ReviewView

TEXT = """Harbour dredging vote

The council approved the dredging of the harbour on Tuesday after a long debate.
Critics called the plan a disaster for the fishing fleet. Supporters said the port
would die without deeper water. The vote was five to four.
"""


def _mark(library: Library, article_id: str, text: str, who: str, quote: str,
          tags: list[str], grow: int = 0) -> None:
    selection = select_quote(text, quote)
    if grow:
        from desktop.core.selectors import select_range

        selection = select_range(text, selection.start, selection.end + grow)
    library.annotations.create(article_id, selection, tags, who)


@pytest.fixture
def session(db_path: Path, tmp_path: Path, window) -> str:
    """Three analysts on one article: one unit all agree on, one whose boundaries
    differ, one whose tags differ, one only Ann marked; and a second article nobody
    marked."""
    source = tmp_path / "in" / "harbour-vote.txt"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(TEXT, encoding="utf-8")
    with Library(db_path) as library:
        article = import_paths(library, [source]).imported[0].article
        text = library.articles.text(article.id)
        for who in ("ann", "bob", "cy"):
            _mark(library, article.id, text, who, "a disaster for the fishing fleet",
                  ["opinion"])
            _mark(library, article.id, text, who, "the port\nwould die",
                  ["propaganda"], grow=15 if who == "cy" else 0)
            _mark(library, article.id, text, who, "five to four",
                  ["evidence"] if who != "bob" else ["opinion"])
        _mark(library, article.id, text, "ann", "after a long debate", ["evidence"])
        library.reviews.create("week-47", ["ann", "bob", "cy"], tolerance=2)
    window.watcher.poll()
    return "week-47"


def units(view: ReviewView) -> list[tuple[str, str]]:
    model = view.findChild(QTableView, "unitList").model()
    return [(model.index(r, 2).data(), model.index(r, 3).data())
            for r in range(model.rowCount())]


def reconciled(db_path: Path) -> list[tuple[str, tuple[str, ...]]]:
    with Library(db_path) as library:
        return [(a.exact, a.tags) for a in library.annotations.list(
            AnnotationFilter(annotator="week-47"))]


def test_the_window_lists_units_with_class_and_state_and_a_lane_per_analyst(view):
    assert view.objectName() == "reviewView"
    assert sorted(units(view)) == sorted([
        ("only some marked", "incomplete"), ("all agree", "agreeing"),
        ("boundaries differ", "disagreeing"), ("tags differ", "disagreeing")])
    lanes = view.findChild(LaneGutter, "reviewLanes")
    assert lanes.names == ["1 ann", "2 bob", "3 cy", "✓ reconciled"]
    assert [len(marks) for marks in lanes.lanes] == [4, 3, 3, 0]
    progress = view.findChild(QProgressBar, "reviewProgress")
    assert progress.value() == 0 and progress.maximum() == 4
    versions = view.findChild(QListWidget, "unitVersions")
    assert versions.count() == 3  # one row per analyst for the current unit


def test_keys_decide_units_and_undo_takes_them_back(view, window, qtbot, db_path):
    table = view.findChild(QTableView, "unitList")
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == "tags differ")
    table.selectRow(row)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_2)  # bob's version: opinion
    assert reconciled(db_path) == [("five to four", ("opinion",))]
    assert view.findChild(QProgressBar, "reviewProgress").value() == 1
    window.undo_stack.undo()
    assert reconciled(db_path) == []
    window.undo_stack.redo()
    assert reconciled(db_path) == [("five to four", ("opinion",))]
    # reject the unit only Ann marked, then reopen it
    row = next(r for r in range(model.rowCount())
               if model.index(r, 2).data() == "only some marked")
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_R)
    states = dict((c, s) for c, s in units(view))
    assert states["only some marked"] == "rejected"
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_U)
    assert dict((c, s) for c, s in units(view))["only some marked"] == "incomplete"


def test_an_edited_version_takes_the_selected_text(view, qtbot, db_path, ui):
    table = view.findChild(QTableView, "unitList")
    model = table.model()
    row = next(r for r in range(model.rowCount())
               if model.index(r, 2).data() == "boundaries differ")
    table.selectRow(row)
    text = view.findChild(QTextBrowser, "reviewText")
    words = "the port\nwould die without"
    start = view.text.text.index(words)
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(text.document())
    cursor.setPosition(view.text.positions.to_qt(start))
    cursor.setPosition(view.text.positions.to_qt(start + len(words)),
                       QTextCursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    qtbot.keyClick(text, Qt.Key.Key_E)
    assert reconciled(db_path) == [(words, ("propaganda",))]


def test_settling_unanimous_units_is_one_undo_step(view, window, qtbot, db_path):
    qtbot.mouseClick(view.findChild(QPushButton, "autoUnanimous"), Qt.MouseButton.LeftButton)
    assert reconciled(db_path) == [("a disaster for the fishing fleet", ("opinion",))]
    assert dict(units(view))["all agree"] == "accepted"
    window.undo_stack.undo()
    assert reconciled(db_path) == []


def test_a_reply_shows_in_the_units_thread_as_text(view, qtbot):
    editor = view.findChild(QPlainTextEdit, "replyEditor")
    editor.setPlainText("Is this **really** propaganda? <a href='x'>see</a>")
    qtbot.mouseClick(view.findChild(QPushButton, "replySend"), Qt.MouseButton.LeftButton)
    thread = view.findChild(QTextBrowser, "unitThread")
    qtbot.waitUntil(lambda: "really" in thread.toPlainText(), timeout=2000)
    assert "tester" in thread.toPlainText()
    assert "<a href='x'>see</a>" in thread.toPlainText()  # raw HTML shown as typed
    assert "href" not in thread.toHtml().split("<body", 1)[1].replace("&lt;a href", "")


def test_charts_and_the_analysts_view(view, qtbot):
    view.findChild(QTabWidget, "reviewTabs").setCurrentIndex(1)
    charts = view.findChildren(QSvgWidget, "reviewChart")
    assert len(charts) == 3 and all(c.renderer().isValid() for c in charts)
    table = view.findChild(QTableView, "unitList")
    model = table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 2).data() == "tags differ")
    table.selectRow(row)
    qtbot.keyClick(table, Qt.Key.Key_2)  # bob's opinion over ann's evidence
    tabs = view.findChild(QTabWidget, "reviewTabs")
    tabs.setCurrentIndex(2)
    changes = view.findChild(QTableWidget, "analystChanges")
    rows = {changes.item(r, 1).text(): (changes.item(r, 2).text(), changes.item(r, 3).text())
            for r in range(changes.rowCount())}
    ann_five = next(v for k, v in rows.items() if "five to four" in k)
    assert ann_five[0] == "bob's version accepted"
    assert "tag added: opinion" in ann_five[1] and "tag taken away: evidence" in ann_five[1]


def test_a_decision_made_by_another_process_shows(view, window, qtbot, db_path):
    with Library(db_path) as library:
        key = next(u.unit.key for u in library.reviews.units("week-47")
                   if u.unit.kind == "agree")
        library.reviews.reject("week-47", key, reviewer="colleague")
    window.watcher.poll()
    assert dict(units(view))["all agree"] == "rejected"


def test_an_article_nobody_marked_says_so(window, qtbot, tmp_path, db_path):
    source = tmp_path / "in2" / "empty.txt"
    source.parent.mkdir(parents=True)
    source.write_text("Quiet day\n\nNothing happened in the harbour today.\n", encoding="utf-8")
    with Library(db_path) as library:
        article = import_paths(library, [source]).imported[0].article
        other = next(a.id for a in library.articles.list() if a.id != article.id)
        from desktop.core.selectors import select_range

        library.annotations.create(other, select_range(library.articles.text(other), 0, 5),
                                   ["evidence"], "solo")
        library.reviews.create("solo-review", ["solo"], articles=[article.id])
    window.watcher.poll()
    view = open_review(window, "solo-review")
    assert view is not None
    assert "nobody marked it" in view.findChild(QLabel, "unitHeading").text()
    view.findChild(QTabWidget, "reviewTabs").setCurrentIndex(1)  # charts with one analyst
    assert len(view.findChildren(QSvgWidget, "reviewChart")) == 3
    view.close()


def test_clicking_a_bar_in_a_lane_makes_its_unit_current(view, qtbot):
    lanes = view.findChild(LaneGutter, "reviewLanes")
    table = view.findChild(QTableView, "unitList")
    table.selectRow(0)
    placed = lanes._visible()[0]  # ann's lane: all four of her passages are on screen
    assert len(placed) == 4
    target = next(mark for _top, _bottom, mark in placed if mark.unit_key != view.current_key)
    top, bottom, _ = next(p for p in placed if p[2] is target)
    from PySide6.QtCore import QPoint

    window = lanes.window()
    offset = (view.text.viewport().mapTo(window, QPoint(0, 0)).y()
              - lanes.mapTo(window, QPoint(0, 0)).y())
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton,
                     pos=QPoint(10, (top + bottom) // 2 + offset))
    assert view.current_key == target.unit_key
