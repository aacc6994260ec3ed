"""Searching the library, finding in the article, and exporting passages to CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QTabWidget, QWidget

from desktop.core.selectors import select_range
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui.jobs import export

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def search(qtbot, window, words: str) -> QListWidget:
    box = window.findChild(QLineEdit, "searchBox")
    window.findChild(QTabWidget, "leftTabs").setCurrentWidget(window.search_panel)
    box.setFocus()
    box.clear()
    qtbot.keyClicks(box, words)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    results = window.findChild(QListWidget, "searchResults")
    assert results is not None
    return results


def test_the_search_box_with_enter_lists_the_matching_articles(window, qtbot):
    results = search(qtbot, window, "Silverfield")
    assert results.count() == 1
    assert "Offshore Wind Farm" in results.item(0).text()
    assert search(qtbot, window, "nothingmatchesthisword").count() == 0


def test_activating_a_result_opens_the_article_and_selects_the_match(window, qtbot, ui,
                                                                    db_path):
    results = search(qtbot, window, "Silverfield")
    results.itemActivated.emit(results.item(0))
    with Library(db_path) as library:
        assert library.articles.get(window.article_id).title.startswith("Offshore Wind Farm")
    cursor = ui.reader(window).textCursor()
    assert cursor.selectedText() == "Silverfield"
    start, end = ui.span(window, "Silverfield")
    assert (cursor.selectionStart(), cursor.selectionEnd()) == ui.qt_span(window, start, end)


def test_a_match_after_an_emoji_is_selected_exactly(window, qtbot, ui, emoji_article):
    results = search(qtbot, window, "engineer")
    assert results.count() == 1
    item = results.item(0)
    results.scrollToItem(item)
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton,
                     pos=results.visualItemRect(item).center())
    assert window.article_id == emoji_article
    assert ui.reader(window).textCursor().selectedText() == "engineer"


def test_a_passage_found_by_its_note_opens_at_the_passage(window, qtbot, ui, emoji_article,
                                                           db_path):
    with Library(db_path) as library:
        text = library.articles.text(emoji_article)
        at = text.index("the harbour plan")
        library.annotations.create(emoji_article, select_range(text, at, at + 16),
                                   ["evidence"], "tester", note="zeppelin remark")
    results = search(qtbot, window, "zeppelin")
    assert results.count() == 1
    results.itemActivated.emit(results.item(0))
    assert ui.reader(window).textCursor().selectedText() == "the harbour plan"


def test_ctrl_shift_f_focuses_the_search_box(window, qtbot):
    tabs = window.findChild(QTabWidget, "leftTabs")
    assert tabs.currentWidget() is not window.search_panel
    window.reader.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL | SHIFT)
    box = window.findChild(QLineEdit, "searchBox")
    qtbot.waitUntil(box.hasFocus, timeout=1000)
    assert tabs.currentWidget() is window.search_panel


def test_ctrl_f_shows_the_find_box_and_typing_selects_the_word(article_window, qtbot, ui):
    window = article_window
    find_box = window.findChild(QLineEdit, "findBox")
    assert not find_box.isVisible()
    ui.reader(window).setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert find_box.isVisible()
    qtbot.waitUntil(find_box.hasFocus, timeout=1000)
    qtbot.keyClicks(find_box, "harbour")
    cursor = ui.reader(window).textCursor()
    assert cursor.selectedText() == "Harbour"  # the title's, first; case is ignored
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (0, 7)


def test_find_next_and_previous_move_between_matches(article_window, qtbot, ui):
    window = article_window
    text = ui.text(window).lower()
    starts = []
    at = text.find("the")
    while at != -1:
        starts.append(ui.qt_span(window, at, at + 3)[0])  # emoji before: Qt positions
        at = text.find("the", at + 1)
    assert len(starts) >= 4
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    find_box = window.findChild(QLineEdit, "findBox")
    qtbot.keyClicks(find_box, "the")

    def selected() -> int:
        cursor = ui.reader(window).textCursor()
        assert cursor.selectedText().lower() == "the"  # case is ignored: "The" matches
        return cursor.selectionStart()

    assert selected() == starts[0]
    window.findChild(QWidget, "findNext").click()
    assert selected() == starts[1]
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert selected() == starts[2]
    qtbot.keyClick(window, Qt.Key.Key_F3, SHIFT)
    assert selected() == starts[1]
    window.findChild(QWidget, "findPrevious").click()
    assert selected() == starts[0]


def test_escape_closes_the_find_bar(article_window, qtbot):
    window = article_window
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    find_box = window.findChild(QLineEdit, "findBox")
    assert find_box.isVisible()
    qtbot.keyClick(find_box, Qt.Key.Key_Escape)
    assert not find_box.isVisible()


# --- export ------------------------------------------------------------------------------


def _annotate(db_path: Path, article_id: str) -> None:
    with Library(db_path) as library:
        text = library.articles.text(article_id)
        for words, tags, note in (
            ("cheered loudly", ["propaganda"], ""),
            ("the harbour plan", ["evidence"], "=SUM(A1)"),
            ("silt rising every year", ["evidence", "opinion"], "two tags"),
            ("the engineer 🚢 Ana", ["opinion"], ""),
        ):
            at = text.index(words)
            library.annotations.create(article_id, select_range(text, at, at + len(words)),
                                       tags, "tester", note)


def _export(window, qtbot, jobs, target: Path, where: AnnotationFilter, excel: bool = False):
    export(window, "csv", target, where, excel)
    jobs.wait()  # see test_ui_transfer.py
    qtbot.waitUntil(target.exists, timeout=5000)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported"),
                    timeout=5000)
    raw = target.read_bytes()
    with target.open(encoding="utf-8-sig", newline="") as handle:
        return raw, list(csv.DictReader(handle))


def test_export_from_the_window_writes_only_the_filtered_tag(window, qtbot, tmp_path,
                                                              emoji_article, db_path,
                                                              dialogs, jobs):
    _annotate(db_path, emoji_article)
    target = tmp_path / "out" / "evidence.csv"
    target.parent.mkdir()
    raw, rows = _export(window, qtbot, jobs, target, AnnotationFilter(tag="evidence"))
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert [r["quote"] for r in rows] == ["the harbour plan", "silt rising every year"]
    assert {r["tag"] for r in rows} == {"evidence"}
    assert rows[0]["note"] == "'=SUM(A1)"  # a formula is never run by a spreadsheet
    assert {r["annotator"] for r in rows} == {"tester"}
    assert not (tmp_path / "out" / "evidence.csv.partial").exists()
    assert window.statusBar().currentMessage().startswith("Exported 2 rows")
    assert not dialogs


def test_export_for_excel_of_everything_has_a_bom_and_every_tag(window, qtbot, tmp_path,
                                                                 emoji_article, db_path,
                                                                 jobs):
    _annotate(db_path, emoji_article)
    target = tmp_path / "all.csv"
    raw, rows = _export(window, qtbot, jobs, target, AnnotationFilter(), excel=True)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert len(rows) == 5  # one row a passage and tag
    assert sorted(r["tag"] for r in rows) == ["evidence", "evidence", "opinion", "opinion",
                                              "propaganda"]
    emoji_row = next(r for r in rows if r["quote"] == "the engineer 🚢 Ana")
    with Library(db_path) as library:
        text = library.articles.text(emoji_article)
    assert text[int(emoji_row["start"]):int(emoji_row["end"])] == "the engineer 🚢 Ana"


def test_export_keeps_the_window_responsive(window, qtbot, tmp_path, emoji_article, db_path,
                                            jobs):
    """The export runs on its own thread: the call returns before the file is written."""
    _annotate(db_path, emoji_article)
    target = tmp_path / "later.csv"
    job = export(window, "csv", target, AnnotationFilter(tag="opinion"))
    assert job.thread() is not QApplication.instance().thread()
    jobs.wait()
    qtbot.waitUntil(target.exists, timeout=5000)
