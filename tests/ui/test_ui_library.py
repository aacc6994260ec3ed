"""The library pane: a new library's samples, opening an article, filters, import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QTextBrowser,
)

from desktop.core.selectors import select_range
from desktop.io.samples import load_samples
from desktop.store.library import Library
from desktop.ui import MainWindow, build_main_window
from desktop.ui.jobs import import_paths

SAMPLE_TITLES = {
    "Kestrel Bay Council Approves Harbour Dredging Plan in Narrow Vote",
    "Our Waters, Our Future — Stand Up Before It's Too Late",
}


def library_view(window: MainWindow) -> QAbstractItemView:
    view = window.findChild(QAbstractItemView, "libraryView")
    assert view is not None
    return view


def titles(view: QAbstractItemView) -> list[str]:
    model = view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_build_main_window_returns_the_ready_window(window, db_path):
    assert isinstance(window, QMainWindow)
    assert window.isVisible()
    assert window.library.path == Path(db_path)
    assert isinstance(window.findChild(QTextBrowser, "reader"), QTextBrowser)
    assert window.findChild(QAbstractItemView, "annotationList") is not None


def test_a_new_library_shows_the_four_sample_articles(window, db_path):
    view = library_view(window)
    assert view.model().rowCount() == 4
    with Library(db_path) as library:
        stored = {a.title for a in library.articles.list()}
    assert len(stored) == 4
    assert set(titles(view)) == stored
    assert stored >= SAMPLE_TITLES


def test_the_first_column_shows_the_title(window):
    view = library_view(window)
    model = view.model()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Title"
    assert all(title and isinstance(title, str) for title in titles(view))


def test_activating_a_row_opens_the_article_in_the_reader(window, db_path):
    view = library_view(window)
    index = view.model().index(0, 0)
    view.activated.emit(index)
    with Library(db_path) as library:
        article = library.articles.get(window.article_id)
    assert article.title == index.data()
    reader = window.findChild(QTextBrowser, "reader")
    assert reader.toPlainText() == article.text


def _row_titled(view: QAbstractItemView, prefix: str) -> int:
    model = view.model()
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data().startswith(prefix))


def test_clicking_a_row_opens_that_article(window, qtbot, db_path):
    view = library_view(window)
    index = view.model().index(_row_titled(view, "Kestrel Bay Council"), 0)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualRect(index).center())
    with Library(db_path) as library:
        assert library.articles.get(window.article_id).title.startswith("Kestrel Bay Council")
    reader = window.findChild(QTextBrowser, "reader")
    assert "voted 5–4 on Thursday night" in reader.toPlainText()
    assert view.currentIndex().row() == index.row()


def test_pressing_enter_on_a_row_opens_that_article(window, qtbot, db_path):
    view = library_view(window)
    index = view.model().index(_row_titled(view, "Offshore Wind Farm"), 0)
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    with Library(db_path) as library:
        assert library.articles.get(window.article_id).title.startswith("Offshore Wind Farm")
    reader = window.findChild(QTextBrowser, "reader")
    assert "Silverfield offshore wind farm" in reader.toPlainText()


def test_the_library_filter_box_restricts_the_rows_to_matching_titles(window, qtbot):
    view = library_view(window)
    box = window.findChild(QLineEdit, "libraryFilter")
    qtbot.keyClicks(box, "kestrel")
    assert titles(view) == ["Kestrel Bay Council Approves Harbour Dredging Plan in Narrow Vote"]
    box.clear()
    assert view.model().rowCount() == 4
    qtbot.keyClicks(box, "no such outlet anywhere")
    assert view.model().rowCount() == 0


def _annotate_samples(db_path: Path) -> dict[str, str]:
    """A fresh library with the samples: one passage of evidence by "other" in the harbour
    article, one of opinion by "tester" in the wind farm report; their article ids."""
    with Library(db_path) as library:
        load_samples(library)
        by_title = {a.title: a.id for a in library.articles.list()}
        harbour = next(i for t, i in by_title.items() if t.startswith("Kestrel Bay"))
        wind = next(i for t, i in by_title.items() if t.startswith("Offshore Wind"))
        for article, words, tag, annotator in (
            (harbour, "voted 5–4", "evidence", "other"),
            (wind, "Local opinion remains divided", "opinion", "tester"),
        ):
            text = library.articles.text(article)
            at = text.index(words)
            library.annotations.create(article, select_range(text, at, at + len(words)),
                                       [tag], annotator)
        return {"harbour": harbour, "wind": wind}


def test_the_library_tag_filter_shows_only_articles_with_that_tag(db_path, open_window):
    ids = _annotate_samples(db_path)
    window = open_window()
    view = library_view(window)
    combo = window.findChild(QComboBox, "libraryTagFilter")
    assert view.model().rowCount() == 4
    combo.setCurrentText("evidence")
    assert [view.model().index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(view.model().rowCount())] == [ids["harbour"]]
    combo.setCurrentText("opinion")
    assert [view.model().index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(view.model().rowCount())] == [ids["wind"]]
    combo.setCurrentIndex(0)
    assert view.model().rowCount() == 4


def test_the_library_annotator_filter_shows_only_that_annotators_articles(db_path,
                                                                           open_window):
    ids = _annotate_samples(db_path)
    window = open_window()
    view = library_view(window)
    combo = window.findChild(QComboBox, "libraryAnnotatorFilter")
    combo.setCurrentText("other")
    assert [view.model().index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(view.model().rowCount())] == [ids["harbour"]]
    combo.setCurrentText("tester")
    assert [view.model().index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(view.model().rowCount())] == [ids["wind"]]
    combo.setCurrentIndex(0)
    assert view.model().rowCount() == 4


def test_the_library_shows_each_articles_passage_count(db_path, open_window):
    ids = _annotate_samples(db_path)
    window = open_window()
    view = library_view(window)
    model = view.model()
    notes = next(c for c in range(model.columnCount())
                 if model.headerData(c, Qt.Orientation.Horizontal) == "Passages")
    counts = {model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1): model.index(r, notes).data()
              for r in range(model.rowCount())}
    assert counts[ids["harbour"]] == "1"
    assert counts[ids["wind"]] == "1"
    assert sorted(counts.values()) == ["", "", "1", "1"]


def test_importing_a_folder_from_the_window_adds_the_good_files_and_reports_the_bad(
        window, qtbot, tmp_path, db_path, dialogs, jobs):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "council.txt").write_text(
        "Council Agrees Budget\n\nThe council agreed its budget on Monday after a long "
        "debate about the ferry.\n", encoding="utf-8")
    (folder / "quay.md").write_text(
        "# New Quay Opens\n\nThe new quay opened on Friday with a brass band.\n",
        encoding="utf-8")
    (folder / "empty.txt").write_text("   \n\n", encoding="utf-8")  # no text: fails
    (folder / "scan.tiff").write_bytes(b"II*\x00 not an article")  # skipped
    view = library_view(window)
    before = view.model().rowCount()

    with qtbot.waitSignal(window.transfers.importFinished, timeout=5000) as imported:
        import_paths(window, [folder])
        jobs.wait()  # see test_ui_transfer.py: the window's handlers must not race the GUI
    qtbot.waitUntil(lambda: view.model().rowCount() == before + 2, timeout=5000)

    report = imported.args[0]
    assert sorted(o.path.name for o in report.imported) == ["council.txt", "quay.md"]
    assert [o.path.name for o in report.failed] == ["empty.txt"]
    assert [o.path.name for o in report.skipped] == ["scan.tiff"]
    assert view.model().rowCount() == before + 2
    assert "New Quay Opens" in titles(view)
    box = window.findChild(QMessageBox, "importReport")
    assert box is not None and box.isVisible()
    shown = box.text()
    assert "empty.txt" in shown and "scan.tiff" in shown
    assert "2 imported" in shown
    with Library(db_path) as library:
        assert library.articles.count() == before + 2
    assert not [d for d in dialogs if d[0] == "warning"]


def test_a_library_built_from_another_file_is_independent(tmp_path, qtbot, settings):
    """build_main_window takes the path of any library file."""
    other = tmp_path / "elsewhere" / "other.db"
    other.parent.mkdir()
    window = build_main_window(other, settings)
    qtbot.addWidget(window)
    try:
        assert window.library_pane.model.rowCount() == 4
        assert other.exists()
    finally:
        window.close()
        window.library.close()


def _notes_of(window, article_id: str) -> str:
    view = library_view(window)
    model = view.model()
    notes = next(c for c in range(model.columnCount())
                 if model.headerData(c, Qt.Orientation.Horizontal) == "Passages")
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(Qt.ItemDataRole.UserRole + 1) == article_id)
    return model.index(row, notes).data()


def _tag_words(window, qtbot, ui, words: str, key: Qt.Key) -> None:
    ui.select_words(window, words)
    ui.reader(window).setFocus()
    qtbot.keyClick(ui.reader(window), key)


def test_the_open_articles_count_follows_tagging_and_undo(article_window, qtbot, ui):
    window = article_window
    assert _notes_of(window, window.article_id) == ""
    _tag_words(window, qtbot, ui, "cheered loudly", Qt.Key.Key_1)
    qtbot.waitUntil(lambda: _notes_of(window, window.article_id) == "1", timeout=1000)
    _tag_words(window, qtbot, ui, "the harbour plan", Qt.Key.Key_2)
    qtbot.waitUntil(lambda: _notes_of(window, window.article_id) == "2", timeout=1000)
    window.undo_stack.undo()
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: _notes_of(window, window.article_id) == "", timeout=1000)


def test_a_new_annotator_appears_in_the_library_annotator_filter(article_window, qtbot, ui):
    window = article_window
    combo = window.findChild(QComboBox, "libraryAnnotatorFilter")
    window.set_annotator("Maria")
    _tag_words(window, qtbot, ui, "cheered loudly", Qt.Key.Key_1)
    qtbot.waitUntil(lambda: combo.findText("Maria") > 0, timeout=1000)
    combo.setCurrentText("Maria")
    view = library_view(window)
    assert [view.model().index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
            for r in range(view.model().rowCount())] == [window.article_id]


def test_the_library_tag_filter_follows_new_passages(article_window, qtbot, ui):
    """With "opinion" chosen, the open article shows up once a passage of it is tagged so,
    and goes again when that is undone."""
    window = article_window
    view = library_view(window)
    combo = window.findChild(QComboBox, "libraryTagFilter")

    def listed() -> list[str]:
        return [view.model().index(r, 0).data(Qt.ItemDataRole.UserRole + 1)
                for r in range(view.model().rowCount())]

    combo.setCurrentText("opinion")
    assert listed() == []
    _tag_words(window, qtbot, ui, "cheered loudly", Qt.Key.Key_3)
    qtbot.waitUntil(lambda: listed() == [window.article_id], timeout=1000)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: listed() == [], timeout=1000)


def test_sorting_by_a_column_orders_the_rows_and_keeps_the_selected_article(window, qtbot):
    pane = window.library_pane
    view = pane.view
    model = pane.model
    proxy = view.model()
    titles = [model.article(r).title for r in range(model.rowCount())]
    # choose an article that is not first in any order, so a row kept by number would
    # land on another one
    chosen_row = next(r for r in range(proxy.rowCount())
                      if proxy.index(r, 0).data() not in (min(titles), max(titles)))
    chosen = proxy.index(chosen_row, 0).data(Qt.ItemDataRole.UserRole + 1)
    view.setCurrentIndex(proxy.index(chosen_row, 0))
    for column, key in ((0, lambda a: a.title.lower()), (2, lambda a: a.annotation_count),
                        (1, lambda a: a.published or "")):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            view.horizontalHeader().setSortIndicator(column, order)
            shown = [model.article(proxy.mapToSource(proxy.index(r, 0)).row())
                     for r in range(proxy.rowCount())]
            keys = [key(a) for a in shown]
            assert keys == sorted(keys, reverse=order == Qt.SortOrder.DescendingOrder)
            assert pane.current_id() == chosen
            assert [i.data(Qt.ItemDataRole.UserRole + 1)
                    for i in view.selectionModel().selectedRows()] == [chosen]


def test_the_title_shows_once_above_an_article_that_opens_with_it(window, tmp_path, db_path):
    from PySide6.QtWidgets import QLabel

    from desktop.io.importer import import_paths as import_files

    with_title = tmp_path / "in" / "quay.md"
    with_title.parent.mkdir(parents=True, exist_ok=True)
    with_title.write_text("---\ntitle: Quay works begin\nauthor: Ana Ruiz\n---\n\n"
                          "# Quay works begin\n\nThe quay closes on Monday.\n", encoding="utf-8")
    without = tmp_path / "in" / "note.md"
    without.write_text("---\ntitle: A note on the quay\n---\n\nThe quay reopens in May.\n",
                       encoding="utf-8")
    with Library(db_path) as library:
        report = import_files(library, [with_title, without])
        ids = {o.path.name: o.article.id for o in report.imported}
    window.watcher.poll()
    label = window.findChild(QLabel, "articleTitle")
    assert window.open_article(ids["quay.md"])
    assert window.reader.text.startswith("Quay works begin")
    assert "Quay works begin" not in label.text()  # the page shows it already
    assert "Ana Ruiz" in label.text()
    assert window.open_article(ids["note.md"])
    assert "A note on the quay" in label.text() and label.isVisibleTo(window)


def test_a_first_start_says_what_to_do(open_window, db_path):
    from PySide6.QtWidgets import QLabel, QTextBrowser

    window = open_window()  # a new library: the samples, no article open yet
    reader = window.findChild(QTextBrowser, "reader")
    assert window.article_id == "" and reader.toPlainText() == ""
    hint = reader.findChild(QLabel, "readerHint")
    assert hint.isVisible() and "Pick an article" in hint.text() and "1–9" in hint.text()
    assert hint.height() >= 2 * hint.fontMetrics().height()  # every line of it shows
    sidebar_hint = window.findChild(QLabel, "sidebarHint")  # in the empty list
    assert sidebar_hint.isVisible()
    assert "Select words" in sidebar_hint.text() and "1–9" in sidebar_hint.text()
    assert sidebar_hint.height() >= 2 * sidebar_hint.fontMetrics().height()
    assert window.findChild(QLabel, "annotationCount").text() == "No passages"
    window.open_article(window.library.articles.list()[0].id)
    assert not hint.isVisible()
