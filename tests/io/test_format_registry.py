"""The format registry (desktop.io.formats): lookups, every writer on a real library, the
CSV written whole or not at all, and the command line taking its choices from it."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from support import FIXTURES, write

from desktop.cli import cli
from desktop.core.errors import ClosereadError, InvalidArgumentError, UnsupportedFormatError
from desktop.core.selectors import select_range
from desktop.io.formats import (
    ANNOTATION_READERS,
    EXPORT_FORMATS,
    ExportReport,
    annotation_files,
    annotation_reader,
    annotation_reader_for,
    article_files,
    article_format,
    article_formats,
    export_format,
    names,
)
from desktop.io.importer import EXTENSIONS, import_paths
from desktop.io.ptc import import_ptc
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library

HARBOUR = """Harbour vote goes to the wire
URL: https://coast.example/news/harbour-vote

Councillors argued late into the night over the harbour plan, and the mayor said the sea
was the town's only future.

The opposition replied that the harbour plan would cost the town its beaches.
"""

FLEET = """Fishing fleet shrinks again

The fleet lost four boats this year, the smallest it has been since records began.
"""


class Boom(Exception):
    """Raised from a progress callback: the user cancelled, or something broke."""


@pytest.fixture
def filled(library: Library, tmp_path: Path) -> Library:
    """Two articles with three passages (four passage-tag pairs), one with a note."""
    report = import_paths(library, [write(tmp_path / "in" / "harbour.txt", HARBOUR),
                                    write(tmp_path / "in" / "fleet.txt", FLEET)])
    assert len(report.imported) == 2
    for outcome, words, tags, note in (
        (report.imported[0], "argued late into the night", ["propaganda"], "long night"),
        (report.imported[0], "the sea\nwas the town's only future", ["evidence", "opinion"], ""),
        (report.imported[1], "lost four boats", ["evidence"], ""),
    ):
        assert outcome.article is not None
        text = library.articles.text(outcome.article.id)
        at = text.index(words)
        library.annotations.create(outcome.article.id, select_range(text, at, at + len(words)),
                                   tags, "tester", note)
    return library


def no_partials(folder: Path) -> bool:
    return not list(folder.rglob("*.partial"))


# --- lookups -----------------------------------------------------------------------------


def test_every_name_finds_its_format_and_the_names_are_the_known_ones():
    assert names(EXPORT_FORMATS) == ["csv", "jsonld", "ptc", "brat", "bundle"]
    assert names(ANNOTATION_READERS) == ["jsonld", "ptc", "brat"]
    assert names(article_formats()) == ["auto", "text", "markdown", "html", "pdf", "docx",
                                        "ptc", "brat"]
    for spec in EXPORT_FORMATS:
        assert export_format(spec.name) is spec
    for reader in ANNOTATION_READERS:
        assert annotation_reader(reader.name) is reader
    assert article_format("html").suffixes == (".html", ".htm", ".xhtml")


@pytest.mark.parametrize("lookup", [export_format, annotation_reader, article_format])
def test_an_unknown_name_is_one_clear_error_listing_the_known_ones(
        lookup: Callable[[str], object]):
    with pytest.raises(InvalidArgumentError, match=r"unknown .* format 'xlsx'; use .*, brat"):
        lookup("xlsx")


@pytest.mark.parametrize(("name", "reader"), [
    ("li.jsonld", "jsonld"), ("li.JSON", "jsonld"), ("export.Json", "jsonld"),
    ("article1.task2-TC.labels", "ptc"), ("A.LABELS", "ptc"),
    ("doc.ann", "brat"), ("doc.ANN", "brat"),
])
def test_a_file_finds_its_reader_by_suffix_in_any_case(name: str, reader: str):
    assert annotation_reader_for(Path("/some/where") / name).name == reader


@pytest.mark.parametrize("name", ["notes.docx", "README", "article1.txt", "li.jsonld.bak"])
def test_a_file_of_no_known_suffix_is_refused_naming_it_and_what_is_read(tmp_path, name):
    path = tmp_path / name
    with pytest.raises(UnsupportedFormatError) as caught:
        annotation_reader_for(path)
    message = caught.value.message
    assert isinstance(caught.value, ClosereadError)
    assert message.startswith(f"{path}: not an annotation file Closeread reads (")
    for reader in ANNOTATION_READERS:
        for suffix in reader.suffixes:
            assert suffix in message


def test_the_file_dialog_filters_come_from_the_registry():
    assert annotation_files() == (
        "Annotations (*.jsonld *.json *.labels *.ann);;JSON-LD (*.jsonld *.json);;"
        "PTC labels (*.labels);;brat annotations (*.ann);;All files (*)")
    # what an import by extension reads, exactly
    assert article_files() == ("Articles (" + " ".join("*" + s for s in EXTENSIONS)
                               + ");;All files (*)")
    for suffix in (".txt", ".md", ".markdown", ".html", ".htm"):
        assert f"*{suffix}" in article_files()
    assert export_format("csv").files == "CSV files (*.csv)"
    assert export_format("bundle").files == "Closeread bundles (*.json.gz *.json)"
    assert export_format("ptc").files == "" and export_format("ptc").folder


# --- checks before writing ---------------------------------------------------------------


def test_a_target_the_format_cannot_write_is_refused_before_anything_is_read(tmp_path):
    for name in ("ptc", "brat"):
        with pytest.raises(InvalidArgumentError,
                           match=f"--format {name} writes several files: give -o FOLDER"):
            export_format(name).check_target("-")
    with pytest.raises(InvalidArgumentError, match=r"--format bundle writes a file: give -o "
                                                   r"FILE \(a name ending in .gz is compressed\)"):
        export_format("bundle").check_target("-")
    with pytest.raises(InvalidArgumentError, match="a folder; --format csv writes a file"):
        export_format("csv").check_target(tmp_path)
    export_format("csv").check_target("-")
    export_format("jsonld").check_target(tmp_path / "new.jsonld")
    export_format("brat").check_target(tmp_path)


def test_an_option_is_refused_where_it_does_not_apply():
    export_format("csv").check_options(excel=True)
    export_format("jsonld").check_options(excel=False)
    with pytest.raises(InvalidArgumentError, match="--excel applies to --format csv only"):
        export_format("jsonld").check_options(excel=True)
    with pytest.raises(InvalidArgumentError, match="'colour'"):
        export_format("csv").check_options(colour=True)


# --- every writer on a real library -------------------------------------------------------


def _csv_rows(target: Path, report: ExportReport) -> None:
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert len(rows) == report.count == 4  # one per passage and tag
    assert {r["tag"] for r in rows} == {"propaganda", "evidence", "opinion"}


def _jsonld_items(target: Path, report: ExportReport) -> None:
    items = json.loads(target.read_text(encoding="utf-8"))["first"]["items"]
    assert len(items) == report.count == 3


def _ptc_folder(target: Path, report: ExportReport) -> None:
    assert len(list(target.glob("article*.txt"))) == report.count == 2
    assert list(target.glob("*.task2-TC.labels"))


def _brat_folder(target: Path, report: ExportReport) -> None:
    assert len(list(target.glob("*.ann"))) == report.count == 2
    assert len(list(target.glob("*.txt"))) == 2
    assert (target / "annotation.conf").is_file()


def _bundle_file(target: Path, report: ExportReport) -> None:
    data = json.loads(gzip.decompress(target.read_bytes()))
    assert len(data["articles"]) == report.count == 2
    assert len(data["annotations"]) == 3


WRITTEN: dict[str, Callable[[Path, ExportReport], None]] = {
    "csv": _csv_rows, "jsonld": _jsonld_items, "ptc": _ptc_folder, "brat": _brat_folder,
    "bundle": _bundle_file,
}


def test_every_registered_writer_has_a_check_here():
    assert set(WRITTEN) == set(names(EXPORT_FORMATS))


@pytest.mark.parametrize("spec", EXPORT_FORMATS, ids=lambda spec: spec.name)
def test_every_writer_writes_its_file_or_folder_and_says_what_it_wrote(filled, tmp_path, spec):
    target = tmp_path / "out" / spec.default_name
    target.parent.mkdir()
    report = spec.write(filled, target, AnnotationFilter())
    assert report.format == spec.name and report.target == str(target)
    assert report.summary().startswith("wrote ") and str(target) in report.summary()
    assert target.is_dir() if spec.folder else target.is_file()
    assert no_partials(tmp_path)
    WRITTEN[spec.name](target, report)


def test_a_writer_honours_the_filter(filled, tmp_path):
    target = tmp_path / "evidence.csv"
    report = export_format("csv").write(filled, target, AnnotationFilter(tag="evidence"))
    assert report.count == 2 and report.summary() == f"wrote 2 rows to {target}"


def test_the_csv_writer_takes_excel_and_the_others_refuse_it(filled, tmp_path):
    target = tmp_path / "excel.csv"
    export_format("csv").write(filled, target, excel=True)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(InvalidArgumentError, match="--excel applies to --format csv only"):
        export_format("jsonld").write(filled, tmp_path / "a.jsonld", excel=True)
    assert not (tmp_path / "a.jsonld").exists()


# --- the CSV, whole or not at all ----------------------------------------------------------


def test_the_csv_writer_reports_progress(filled, tmp_path):
    seen: list[int] = []
    report = export_format("csv").write(filled, tmp_path / "p.csv", progress=seen.append)
    assert seen[-1] == report.count == 4


def test_a_cancelled_csv_export_leaves_no_file_and_no_partial(filled, tmp_path):
    target = tmp_path / "passages.csv"

    def cancel(rows: int) -> None:
        raise Boom

    with pytest.raises(Boom):
        export_format("csv").write(filled, target, progress=cancel)
    assert not target.exists()
    assert no_partials(tmp_path)


def test_a_failed_csv_export_keeps_the_file_it_would_have_replaced(filled, tmp_path):
    target = write(tmp_path / "passages.csv", "the old export\n")

    def fail(rows: int) -> None:
        raise Boom

    with pytest.raises(Boom):
        export_format("csv").write(filled, target, progress=fail)
    assert target.read_text(encoding="utf-8") == "the old export\n"
    assert no_partials(tmp_path)


def test_an_unwritable_csv_target_is_one_error_naming_it_and_leaves_nothing(filled, tmp_path):
    target = tmp_path / "no-such-folder" / "passages.csv"
    with pytest.raises(ClosereadError, match=f"{target}: cannot write"):
        export_format("csv").write(filled, target)
    assert not target.parent.exists()
    assert no_partials(tmp_path)


# --- the annotation readers on real files ------------------------------------------------


def test_each_reader_reads_its_files_and_says_what_it_added(filled, tmp_path):
    jsonld = tmp_path / "all.jsonld"
    export_format("jsonld").write(filled, jsonld)
    report = annotation_reader_for(jsonld).read(filled, jsonld, "tester")
    assert report.summary().startswith("0 annotations added, 3 already in the library")
    brat = tmp_path / "brat"
    export_format("brat").write(filled, brat)
    ann = sorted(brat.glob("*.ann"))[0]
    report = annotation_reader_for(ann).read(filled, ann, "tester")
    assert "0 annotations added" in report.summary()


def test_the_ptc_reader_takes_a_label_file_or_a_folder(library):
    ptc = FIXTURES / "ptc"
    import_ptc(library, [ptc / "articles"])
    one = next((ptc / "labels-tc").glob("*.labels"))
    first = annotation_reader_for(one).read(library, one, "tester").summary()
    assert "annotations added" in first and not first.startswith("0 ")
    rest = annotation_reader("ptc").read(library, ptc / "labels-tc", "tester").summary()
    assert "already in the library" in rest


# --- the command line takes its choices from the registry --------------------------------


def _choices(command: str) -> list[str]:
    found = cli.commands[command]
    option = next(p for p in found.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


def test_the_command_lines_format_choices_are_exactly_the_registrys():
    assert _choices("export") == names(EXPORT_FORMATS)
    assert _choices("import-annotations") == names(ANNOTATION_READERS)
    assert _choices("import") == names(article_formats())


def test_the_command_line_refuses_a_folder_for_a_file_format(run, tmp_path):
    result = run("export", "--format", "csv", "-o", str(tmp_path), ok=False)
    assert result.exit_code == 1
    assert f"{tmp_path}: a folder; --format csv writes a file" in result.stderr


def test_the_command_line_reads_annotations_through_the_registry(run, tmp_path):
    run("import", str(write(tmp_path / "harbour.txt", HARBOUR)))
    article = run.json("articles")[0]["id"]
    run("annotate", article, "--quote", "harbour plan", "--occurrence", "1", "--tag",
        "evidence")
    out = tmp_path / "all.jsonld"
    assert "wrote 1 annotation to" in run("export", "--format", "jsonld", "-o",
                                          str(out)).stderr
    result = run("import-annotations", "--format", "jsonld", str(out))
    assert result.stdout.startswith("0 annotations added, 1 already in the library")
