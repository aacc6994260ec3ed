"""File ▸ Export in every format, and File ▸ Import annotations, on real widgets and files."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from support import dump, write

from desktop.core.selectors import select_range
from desktop.io import formats as registry
from desktop.io.formats import EXPORT_FORMATS
from desktop.io.jsonld import export_jsonld_file
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui.formats import ExportDialog, import_annotations
from desktop.ui.jobs import export


def _annotate(db_path: Path, article_id: str) -> None:
    with Library(db_path) as library:
        text = library.articles.text(article_id)
        for words, tags, note in (
            ("cheered loudly", ["propaganda"], "crowd noise"),
            ("silt rising every year", ["evidence", "opinion"], ""),
        ):
            at = text.index(words)
            library.annotations.create(article_id, select_range(text, at, at + len(words)),
                                       tags, "tester", note)


def test_the_export_dialog_offers_every_format_and_fits_itself_to_each(window, tmp_path):
    dialog = ExportDialog(window)
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == \
        [f.name for f in EXPORT_FORMATS] == ["csv", "jsonld", "ptc", "brat", "bundle"]
    assert dialog.excel.isVisibleTo(dialog) and dialog.where_label.text() == "File"
    dialog.path.setText(str(tmp_path / "passages.csv"))
    dialog.format.setCurrentIndex(dialog.format.findData("brat"))
    assert dialog.where_label.text() == "Folder"
    assert dialog.path.text() == str(tmp_path / "brat-export")  # same place, the format's name
    assert not dialog.excel.isVisibleTo(dialog)
    assert "brat" in dialog.hint.text()
    dialog.excel.setChecked(True)
    kind, target, _, excel = dialog.choice()
    assert (kind, target, excel) == ("brat", tmp_path / "brat-export", False)


def test_a_format_added_to_the_registry_is_offered_by_the_export_dialog(window, monkeypatch):
    tsv = dataclasses.replace(registry.export_format("csv"), name="tsv", label="Tab-separated",
                              default_name="passages.tsv", options=frozenset())
    monkeypatch.setattr(registry, "EXPORT_FORMATS", (*EXPORT_FORMATS, tsv))
    dialog = ExportDialog(window)
    assert [dialog.format.itemData(i) for i in range(dialog.format.count())] == \
        [*[f.name for f in EXPORT_FORMATS], "tsv"]
    dialog.format.setCurrentIndex(dialog.format.findData("tsv"))
    assert dialog.path.text().endswith("passages.tsv") and not dialog.excel.isVisibleTo(dialog)


def test_the_file_dialogs_filter_with_the_registrys_suffixes(window, dialogs):
    window.menu_actions["actionImportAnnotations"].trigger()
    assert dialogs[-1] == ("getOpenFileNames",
                           ("Import annotations", "", registry.annotation_files()))
    window.menu_actions["actionImportFiles"].trigger()
    assert dialogs[-1] == ("getOpenFileNames", ("Import articles", "", registry.article_files()))


@pytest.mark.parametrize("kind", ["jsonld", "brat", "ptc"])
def test_export_from_the_window_writes_the_format(window, qtbot, jobs, tmp_path, emoji_article,
                                                  db_path, kind):
    _annotate(db_path, emoji_article)
    window.watcher.poll()
    target = tmp_path / ("out.jsonld" if kind == "jsonld" else f"{kind}-out")
    with qtbot.waitSignal(window.transfers.exportFinished, timeout=5000) as exported:
        export(window, kind, target, AnnotationFilter(article_id=emoji_article))
        jobs.wait()
    report = exported.args[0]
    assert report.format == kind and report.target == str(target)
    assert window.statusBar().currentMessage() == \
        report.summary()[:1].upper() + report.summary()[1:]
    assert window.statusBar().currentMessage().startswith("Wrote")
    if kind == "jsonld":
        items = json.loads(target.read_text(encoding="utf-8"))["first"]["items"]
        assert sorted(i["target"]["selector"][1]["exact"] for i in items) == \
            ["cheered loudly", "silt rising every year"]
    elif kind == "brat":
        [ann] = target.glob("*.ann")
        lines = ann.read_text(encoding="utf-8").splitlines()
        assert sum(line.startswith("T") for line in lines) == 3  # one per passage and tag
        assert (target / "annotation.conf").is_file()
    else:
        assert len(list(target.glob("article*.txt"))) == 1
        assert list(target.glob("*.labels"))


@pytest.fixture
def colleague_jsonld(tmp_path: Path, emoji_article: str, db_path: Path) -> Path:
    """A JSON-LD file of passages made on a copy of this library (same article ids)."""
    copy = tmp_path / "colleague.db"
    with Library(db_path) as library:
        library.db.execute(f"VACUUM INTO '{copy}'")
    with Library(copy) as library:
        text = library.articles.text(emoji_article)
        at = text.index("the harbour plan")
        library.tags.add("framing", parent="propaganda", color="#117733")
        library.annotations.create(emoji_article, select_range(text, at, at + 16),
                                   ["framing"], "li", "Li's note")
        target = tmp_path / "li.jsonld"
        export_jsonld_file(library, target)
    return target


def test_imported_annotations_show_in_the_open_article_with_their_new_tag(
        article_window, qtbot, jobs, colleague_jsonld, db_path):
    window = article_window
    rows = window.sidebar.model.rowCount()
    with qtbot.waitSignal(window.transfers.annotationsImported, timeout=5000) as imported:
        import_annotations(window, [colleague_jsonld])
        jobs.wait()
    [line] = imported.args[0]
    assert line.startswith("li.jsonld: ") and "1 annotation added" in line
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == rows + 1, timeout=5000)
    assert "framing" in window.tag_colors()
    report = window.findChild(QMessageBox, "annotationImportReport")
    assert report is not None and "li.jsonld" in report.text()


def test_a_bad_file_among_several_imports_none_of_them(window, qtbot, jobs, colleague_jsonld,
                                                      tmp_path, dialogs, db_path):
    bad = write(tmp_path / "broken.labels", "1001\tno-offsets-here\n")
    before = dump(db_path)
    import_annotations(window, [colleague_jsonld, bad])
    jobs.wait()
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in dialogs), timeout=5000)
    message = next(args for kind, args in dialogs if kind == "warning")[1]
    assert str(bad) in message and "Nothing was imported" in message
    assert dump(db_path) == before


def test_a_file_of_no_known_kind_is_refused_by_name(window, qtbot, jobs, tmp_path, dialogs):
    odd = write(tmp_path / "notes.docx", b"PK\x03\x04")
    import_annotations(window, [odd])
    jobs.wait()
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in dialogs), timeout=5000)
    message = next(args for kind, args in dialogs if kind == "warning")[1]
    assert message.startswith(f"{odd}: not an annotation file Closeread reads")


def test_the_file_menu_has_import_annotations_and_one_export(window, dialogs):
    actions = window.menu_actions
    assert {"actionImportAnnotations", "actionExport", "actionExportBundle"} <= set(actions)
    assert actions["actionExport"].shortcut().toString() == "Ctrl+E"
    actions["actionImportAnnotations"].trigger()
    assert dialogs[-1][0] == "getOpenFileNames"
