"""Deciding units in the review window when the library says no, and when an analyst has
several passages in one unit: one clear message, never "Not saved" for a refusal, the unit
stays current; the analyst's key takes the version chosen, or their first and says so."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidget,
    QTableView,
    QTableWidget,
    QTabWidget,
)

from desktop.core.selectors import select_quote
from desktop.io.importer import import_paths
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui.review_sessions import open_review
from desktop.ui.review_view import ReviewView

TEXT = """Ferry fares rise again

The ferry company raised fares by twelve percent on Monday. Commuters called it robbery
in broad daylight. The company blamed fuel costs and said the rise was unavoidable.
"""


@pytest.fixture
def session(db_path: Path, tmp_path: Path, window) -> str:
    """Ann marks "called it robbery" and "in broad daylight" as two passages, Bob the
    whole phrase as one: one unit in which Ann has two versions. Both mark "unavoidable"
    alike: a second unit."""
    source = tmp_path / "in" / "ferry-fares.txt"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(TEXT, encoding="utf-8")
    with Library(db_path) as library:
        article = import_paths(library, [source]).imported[0].article
        text = library.articles.text(article.id)
        for who, quote, tags in (("ann", "called it robbery", ["opinion"]),
                                 ("ann", "in broad daylight", ["propaganda"]),
                                 ("bob", "called it robbery\nin broad daylight", ["opinion"]),
                                 ("ann", "unavoidable", ["evidence"]),
                                 ("bob", "unavoidable", ["evidence"])):
            library.annotations.create(article.id, select_quote(text, quote), tags, who)
        library.reviews.create("ferry-review", ["ann", "bob"], tolerance=2)
    window.watcher.poll()
    return "ferry-review"


def reconciled(db_path: Path) -> list[tuple[str, tuple[str, ...]]]:
    with Library(db_path) as library:
        return [(a.exact, a.tags) for a in library.annotations.list(
            AnnotationFilter(annotator="ferry-review"))]


def focus_first_unit(view: ReviewView):
    table = view.findChild(QTableView, "unitList")
    table.selectRow(0)
    table.setFocus()
    return table


def test_a_refused_decision_is_one_message_and_leaves_the_unit_and_the_save_state(
        view, window, qtbot, db_path, dialogs):
    table = focus_first_unit(view)
    key = view.current_key
    with Library(db_path) as library:  # a colleague closes the session meanwhile
        library.reviews.set_status("ferry-review", "closed")
    count = window.undo_stack.count()
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert len(dialogs) == 1
    kind, (title, message) = dialogs[0]
    assert (kind, title) == ("warning", "Review") and "is closed" in message
    assert window.save_state.text() == "All changes saved"  # a refusal is no failed save
    assert view.current_key == key  # not stepped on to the next unit
    assert window.undo_stack.count() == count
    assert reconciled(db_path) == []


def test_an_undo_refused_after_the_window_closed_is_said_once(view, window, qtbot, db_path,
                                                              dialogs):
    table = focus_first_unit(view)
    qtbot.keyClick(table, Qt.Key.Key_2)  # bob's version
    key = next(u.unit.key for u in view.model.units if u.decision is not None)
    view.close()
    with Library(db_path) as library:  # a colleague decides the unit again
        library.reviews.reject("ferry-review", key, reviewer="colleague")
    window.undo_stack.undo()
    assert [(kind, args[0]) for kind, args in dialogs] == [("warning", "Review")]
    assert "decided again since" in str(dialogs[0][1][1])
    assert window.save_state.text() == "All changes saved"


def test_reopening_an_open_unit_says_so_without_a_dialog(view, window, qtbot, dialogs):
    table = focus_first_unit(view)
    count = window.undo_stack.count()
    qtbot.keyClick(table, Qt.Key.Key_U)
    assert dialogs == []
    assert "nothing to reopen" in window.statusBar().currentMessage()
    assert window.undo_stack.count() == count


def test_the_key_of_an_analyst_with_two_passages_takes_the_first_and_says_which(
        view, window, qtbot, db_path, dialogs):
    table = focus_first_unit(view)
    key = view.current_key
    assert len(view.model.units[0].unit.versions(
        next(a.id for a in view.session.analysts if a.name == "ann"))) == 2
    qtbot.keyClick(table, Qt.Key.Key_1)
    assert dialogs == []
    assert reconciled(db_path) == [("called it robbery", ("opinion",))]
    status = window.statusBar().currentMessage()
    assert "first of ann's 2 passages" in status and "called it robbery" in status
    assert view.current_key == key  # stays, so the lead sees which one was taken
    versions = view.findChild(QListWidget, "unitVersions")
    assert versions.currentItem().text().startswith("✓ 1 · ann: [opinion]")
    # the other one: choose it in the list and press 1 again; it replaces the first
    row = next(r for r in range(versions.count())
               if "in broad daylight" in versions.item(r).text()
               and versions.item(r).text().startswith("1 · ann"))
    versions.setCurrentRow(row)
    qtbot.keyClick(versions, Qt.Key.Key_1)
    assert reconciled(db_path) == [("in broad daylight", ("propaganda",))]
    assert "chosen one of ann's 2 passages" in window.statusBar().currentMessage()
    assert view.current_key != key  # an explicit choice steps on, as every decision does
    window.undo_stack.undo()
    assert reconciled(db_path) == [("called it robbery", ("opinion",))]
    window.undo_stack.undo()
    assert reconciled(db_path) == []
    assert window.save_state.text() == "All changes saved"


def test_the_key_takes_the_analysts_version_chosen_in_the_list(view, qtbot, db_path):
    focus_first_unit(view)
    versions = view.findChild(QListWidget, "unitVersions")
    row = next(r for r in range(versions.count())
               if "in broad daylight" in versions.item(r).text()
               and versions.item(r).text().startswith("1 · ann"))
    versions.setCurrentRow(row)
    versions.setFocus()
    qtbot.keyClick(versions, Qt.Key.Key_1)
    assert reconciled(db_path) == [("in broad daylight", ("propaganda",))]
    # a version of another analyst chosen: the key still takes its own analyst's (first)
    table = view.findChild(QTableView, "unitList")
    table.selectRow(0)
    versions.setCurrentRow(next(r for r in range(versions.count())
                                if versions.item(r).text().startswith("2 · bob")))
    qtbot.keyClick(versions, Qt.Key.Key_1)
    assert reconciled(db_path) == [("called it robbery", ("opinion",))]
    assert "Decision: accepted ann's" in view.findChild(QLabel, "unitDecision").text()


def test_a_session_whose_analyst_was_deleted_says_so_everywhere(window, session, qtbot,
                                                                 db_path, dialogs):
    conn = sqlite3.connect(db_path)  # bob goes, passages and all, by another program
    conn.execute("DELETE FROM annotation_tags WHERE annotation_id IN (SELECT n.id FROM "
                 "annotations n JOIN annotators r ON r.id = n.annotator_id "
                 "WHERE r.name = 'bob')")
    conn.execute("DELETE FROM annotations WHERE annotator_id IN "
                 "(SELECT id FROM annotators WHERE name = 'bob')")
    conn.execute("DELETE FROM annotators WHERE name = 'bob'")
    conn.commit()
    conn.close()
    view = open_review(window, session)
    assert view is not None
    assert "2 bob (deleted)" in view.findChild(QLabel, "reviewLaneNames").text()
    table = focus_first_unit(view)
    versions = view.findChild(QListWidget, "unitVersions")
    assert "2 · bob: — (deleted from the library)" in [
        versions.item(r).text() for r in range(versions.count())]
    qtbot.keyClick(table, Qt.Key.Key_2)
    assert dialogs == []
    assert "bob was deleted from the library" in window.statusBar().currentMessage()
    view.findChild(QTabWidget, "reviewTabs").setCurrentIndex(1)
    assert len(view.findChildren(QSvgWidget, "reviewChart")) == 3
    view.findChild(QTabWidget, "reviewTabs").setCurrentIndex(2)
    choice = view.findChild(QComboBox, "analystChoice")
    note = view.findChild(QLabel, "analystNote")
    choice.setCurrentIndex(choice.findText("bob"))
    assert view.findChild(QTableWidget, "analystChanges").rowCount() == 0
    assert note.isVisible() and "bob was deleted from the library" in note.text()
    choice.setCurrentIndex(choice.findText("ann"))
    assert view.findChild(QTableWidget, "analystChanges").rowCount() == 3  # her passages
    assert not note.isVisible()
    view.close()
