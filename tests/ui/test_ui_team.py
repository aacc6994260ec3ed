"""Bundles in the app: File ▸ Export bundle, File ▸ Merge bundles (preview, then merge)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox
from support import dump, write

from desktop.core.selectors import select_range
from desktop.io.bundle import export_bundle_file
from desktop.io.importer import import_paths
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import messages
from desktop.ui.formats import ExportDialog
from desktop.ui.team import export_bundle, merge_bundles

SCHOOL = ("New school opens on the hill\n\n"
          "Pupils moved into the new school on Monday, a year late.\n")


@pytest.fixture
def colleague_bundle(tmp_path: Path, emoji_article: str) -> Path:
    """Li's bundle: the emoji article (imported from the same file on Li's own machine)
    and a new article, a passage on each."""
    same_file = tmp_path / "in" / "harbour-notes.txt"  # what emoji_article imported
    with Library(tmp_path / "li.db") as library:
        report = import_paths(library, [
            write(tmp_path / "li-in" / "harbour-notes.txt", same_file.read_bytes()),
            write(tmp_path / "li-in" / "school.txt", SCHOOL)])
        for outcome in report.imported:
            article = outcome.article
            assert article is not None
            words = "silt rising every year" if "silt" in article.text else "a year late"
            at = article.text.index(words)
            library.annotations.create(article.id, select_range(article.text, at,
                                                                at + len(words)),
                                       ["evidence"], "li", "Li's reading")
        bundle = tmp_path / "li.bundle.json.gz"
        export_bundle_file(library, bundle)
    return bundle


def answer(monkeypatch, button, asked: list[str]) -> None:
    def question(_parent, _title, text, *_args, **_kwargs):
        asked.append(text)
        return button == QMessageBox.StandardButton.Yes
    monkeypatch.setattr(messages, "ask", question)


def test_the_file_menu_offers_bundle_export_and_merge(window, dialogs):
    assert {"actionExportBundle", "actionMergeBundles"} <= set(window.menu_actions)
    window.menu_actions["actionMergeBundles"].trigger()
    assert dialogs[-1][0] == "getOpenFileNames"  # choosing nothing merges nothing


def test_export_bundle_writes_the_chosen_annotators_work(window, qtbot, jobs, tmp_path,
                                                         emoji_article, db_path):
    with Library(db_path) as library:
        text = library.articles.text(emoji_article)
        at = text.index("cheered loudly")
        library.annotations.create(emoji_article, select_range(text, at, at + 14),
                                   ["propaganda"], "tester")
    window.watcher.poll()
    dialog = ExportDialog(window, "bundle")
    assert dialog.format.currentData() == "bundle"
    assert dialog.path.text().endswith("closeread.bundle.json.gz")
    assert dialog.excel.isHidden() and "Merge bundles" in dialog.hint.text()
    dialog.annotator.setCurrentIndex(dialog.annotator.findData("tester"))
    kind, _, where, _ = dialog.choice()
    assert kind == "bundle"
    target = tmp_path / "mine.bundle.json"
    with qtbot.waitSignal(window.transfers.exportFinished, timeout=5000) as exported:
        export_bundle(window, target, where)
        jobs.wait()
    written = exported.args[0].detail  # the BundleExport
    assert (written.articles, written.annotations, written.annotators) == (1, 1, 1)
    assert window.statusBar().currentMessage().startswith("Wrote")
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [a["exact"] for a in data["annotations"]] == ["cheered loudly"]
    assert [a["name"] for a in data["annotators"]] == ["tester"]
    assert "1 annotation" in window.statusBar().currentMessage()


def test_merge_shows_a_preview_then_merges_and_shows_the_new_work(
        article_window, qtbot, jobs, monkeypatch, colleague_bundle, emoji_article, db_path):
    window = article_window
    window.undo_stack.push(QUndoCommand("an earlier edit"))
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.Yes, asked)
    rows_before = window.sidebar.model.rowCount()
    articles_before = window.library_pane.proxy.rowCount()
    previews: list[object] = []
    window.transfers.mergePreviewed.connect(previews.append)
    with qtbot.waitSignal(window.transfers.merged, timeout=10000) as merged:
        merge_bundles(window, [colleague_bundle])
    assert len(previews) == 1 and len(merged.args[0]) == 1
    assert merged.args[0][0].changed
    assert "li.bundle.json.gz: articles: 1 added, 1 matched by text" in asked[0]
    assert "annotations: 2 added" in asked[0]
    assert asked[0].endswith("Merge now?")
    # the open article shows Li's passage, the library lists Li's new article
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == rows_before + 1, timeout=5000)
    assert window.library_pane.proxy.rowCount() == articles_before + 1
    report = window.findChild(QMessageBox, "mergeReport")
    assert report is not None and report.isVisible()
    assert "2 added" in report.text()
    # the edits made before stay undoable: commands refer to passages by id
    assert window.undo_stack.count() == 1
    with Library(db_path) as library:
        mine = library.annotations.list(AnnotationFilter(article_id=emoji_article,
                                                         annotator="li"))
    assert [a.exact for a in mine] == ["silt rising every year"]


def test_declining_the_preview_merges_nothing(window, qtbot, jobs, monkeypatch,
                                              colleague_bundle, db_path):
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.No, asked)
    before = dump(db_path)
    merged: list[object] = []
    window.transfers.merged.connect(merged.append)
    with qtbot.waitSignal(window.transfers.mergePreviewed, timeout=5000) as previewed:
        merge_bundles(window, [colleague_bundle])
        jobs.wait()
    assert len(asked) == 1 and [r.changed for r in previewed.args[0]] == [True]
    qtbot.wait(50)
    assert merged == []
    assert dump(db_path) == before


def test_a_bundle_merged_already_says_there_is_nothing_to_merge(
        window, qtbot, jobs, monkeypatch, colleague_bundle, dialogs):
    with Library(window.library.path) as library:
        from desktop.io.bundle import merge_bundle_files

        merge_bundle_files(library, [colleague_bundle])
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.Yes, asked)
    merge_bundles(window, [colleague_bundle])
    jobs.wait()
    qtbot.waitUntil(lambda: any(kind == "information" for kind, _ in dialogs), timeout=5000)
    info = next(args for kind, args in dialogs if kind == "information")
    assert "Nothing to merge" in info[1]
    assert asked == []


def test_a_bad_bundle_gets_a_warning_naming_it_and_changes_nothing(window, qtbot, jobs,
                                                                   tmp_path, dialogs,
                                                                   db_path):
    bad = write(tmp_path / "broken.bundle.json", '{"format": "closeread-bundle", "version": 7}')
    before = dump(db_path)
    merge_bundles(window, [bad])
    jobs.wait()
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in dialogs), timeout=5000)
    message = next(args for kind, args in dialogs if kind == "warning")[1]
    assert message.startswith(f"{bad}: written by a newer Closeread")
    assert dump(db_path) == before
