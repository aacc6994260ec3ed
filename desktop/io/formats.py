"""Every format Closeread reads or writes, registered once.

The command line's ``--format`` choices, the app's export dialog and the file dialogs'
filters all come from here, so a format added to a list below appears in both.

* ``EXPORT_FORMATS``: what ``closeread export`` and File ▸ Export write. Each has a
  writer, ``ExportFormat.write(library, target, where, **options)``, that returns an
  ``ExportReport`` whose ``summary()`` says what was written.
* ``ANNOTATION_READERS``: what ``closeread import-annotations`` and File ▸ Import
  annotations read, found by name or by a file's suffix; each returns a report with a
  ``summary()``.
* ``article_formats()``: the names ``closeread import --format`` takes and the suffixes of
  the files File ▸ Import files offers. The import pipeline itself is
  ``desktop.io.importer`` (and ``ptc``, ``brat``); this only names its formats.

The modules that do the reading and writing are imported when a format is first used: the
app builds its menus from this module at start-up and should not pay for every writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from desktop.core.errors import InvalidArgumentError, UnsupportedFormatError
from desktop.core.wording import counted

if TYPE_CHECKING:
    from desktop.store.annotations import AnnotationFilter
    from desktop.store.library import Library

STDOUT = "-"  # as a target: standard output, for the formats that can write there

Progress = Callable[[int], None]
"""Called with the rows written so far; raising from it cancels an export, which then
leaves no file behind."""


class Report(Protocol):
    """What a reader or writer did, in words a user reads."""

    def summary(self) -> str: ...


# --- export --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote.

    ``count`` is the first number the summary gives (CSV rows, JSON-LD annotations, PTC,
    brat or bundle articles); ``detail`` is the format's own account (the count itself, or
    e.g. a ``PtcExportReport``).
    """

    format: str
    target: str
    count: int
    text: str
    detail: object = None

    def summary(self) -> str:
        """One line: what was written, and where."""
        return self.text


class Writer(Protocol):
    """Writes ``where``'s selection of ``library`` to ``target``, whole or not at all."""

    def __call__(self, library: Library, target: str | Path,
                 where: AnnotationFilter | None, progress: Progress | None,
                 **options: bool) -> ExportReport: ...


@dataclass(frozen=True)
class ExportFormat:
    """One format an export writes, with what the command line and the app show of it."""

    name: str  # as `closeread export --format` names it
    label: str  # in the app's export dialog
    folder: bool  # writes several files into a folder, not one file
    default_name: str  # of the file or folder, when the app proposes one
    files_label: str  # the file dialog filter's name; unused for a folder
    suffixes: tuple[str, ...]  # of the file written; none for a folder
    hint: str  # one line on what the format is for
    writer: Writer
    options: frozenset[str] = frozenset()  # the options that apply, e.g. csv's "excel"
    stdout: bool = False  # can write to standard output (target "-")
    note: str = ""  # said when a file name is asked for

    @property
    def files(self) -> str:
        """The file dialog's filter, ``CSV files (*.csv)``; empty for a folder."""
        if self.folder or not self.suffixes:
            return ""
        return f"{self.files_label} ({' '.join('*' + s for s in self.suffixes)})"

    def check_options(self, **options: bool) -> None:
        """Refuses an option set for a format it does not apply to, by the command line's
        name for it: ``--excel applies to --format csv only``."""
        for option, value in options.items():
            takers = [f.name for f in EXPORT_FORMATS if option in f.options]
            if not takers:
                raise InvalidArgumentError(f"no export format takes the option {option!r}")
            if value and option not in self.options:
                raise InvalidArgumentError(f"--{option} applies to --format "
                                           f"{' or '.join(takers)} only")

    def check_target(self, target: str | Path) -> None:
        """Refuses a target this format cannot write to before anything is read: standard
        output for a format that writes a folder or needs a file, a folder for one that
        writes a file. The messages name the command line's options, which is where such a
        target comes from."""
        given = str(target)
        if given == STDOUT:
            if self.folder:
                raise InvalidArgumentError(f"--format {self.name} writes several files: "
                                           "give -o FOLDER")
            if not self.stdout:
                raise InvalidArgumentError(f"--format {self.name} writes a file: give -o FILE"
                                           + (f" ({self.note})" if self.note else ""))
        elif not self.folder and Path(given).is_dir():
            raise InvalidArgumentError(f"{given}: a folder; --format {self.name} writes a "
                                       "file: give -o FILE")

    def check(self, target: str | Path, **options: bool) -> None:
        """``check_target`` and ``check_options`` in one call."""
        self.check_target(target)
        self.check_options(**options)

    def write(self, library: Library, target: str | Path,
              where: AnnotationFilter | None = None, *, progress: Progress | None = None,
              **options: bool) -> ExportReport:
        """Writes ``where``'s selection (everything when None) to ``target`` ("-":
        standard output, for a format with ``stdout``), whole or not at all.

        ``progress`` is called as rows are written by the formats that count them as they
        go (csv); raising from it cancels the export and leaves no file. ``options`` are
        the format's ``options`` (``excel=True`` for csv); one that does not apply is
        refused when true and ignored when false.
        """
        self.check_options(**options)
        applying = {name: value for name, value in options.items() if name in self.options}
        return self.writer(library, target, where, progress, **applying)


def _shown(target: str | Path) -> str:
    return "standard output" if str(target) == STDOUT else str(target)


def _write_csv(library: Library, target: str | Path, where: AnnotationFilter | None,
               progress: Progress | None, **options: bool) -> ExportReport:
    from desktop.io.csv_export import export_csv_file

    count = export_csv_file(library, target, where, excel=options.get("excel", False),
                            progress=progress)
    return ExportReport("csv", str(target), count,
                        f"wrote {counted(count, 'row')} to {_shown(target)}", count)


def _write_jsonld(library: Library, target: str | Path, where: AnnotationFilter | None,
                  progress: Progress | None, **options: bool) -> ExportReport:
    from desktop.io.jsonld import export_jsonld_file

    count = export_jsonld_file(library, target, where)
    return ExportReport("jsonld", str(target), count,
                        f"wrote {counted(count, 'annotation')} to {_shown(target)}", count)


def _write_ptc(library: Library, target: str | Path, where: AnnotationFilter | None,
               progress: Progress | None, **options: bool) -> ExportReport:
    from desktop.io.ptc import export_ptc

    report = export_ptc(library, target, where)
    return ExportReport("ptc", str(target), report.articles, report.summary(target), report)


def _write_brat(library: Library, target: str | Path, where: AnnotationFilter | None,
                progress: Progress | None, **options: bool) -> ExportReport:
    from desktop.io.brat import export_brat

    report = export_brat(library, target, where)
    return ExportReport("brat", str(target), report.articles, report.summary(target), report)


def _write_bundle(library: Library, target: str | Path, where: AnnotationFilter | None,
                  progress: Progress | None, **options: bool) -> ExportReport:
    from desktop.io.bundle import export_bundle_file

    written = export_bundle_file(library, target, where)
    return ExportReport("bundle", str(target), written.articles,
                        written.summary(_shown(target)), written)


EXPORT_FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "csv", "CSV of tagged passages", False, "passages.csv", "CSV files", (".csv",),
        "One row per passage and tag, for a spreadsheet or a script.",
        _write_csv, options=frozenset({"excel"}), stdout=True),
    ExportFormat(
        "jsonld", "W3C Web Annotations (JSON-LD)", False, "annotations.jsonld", "JSON-LD",
        (".jsonld", ".json"),
        "Every passage with its tags, note, annotator and times, for annotation tools; "
        "another Closeread library imports it with File ▸ Import annotations.",
        _write_jsonld, stdout=True),
    ExportFormat(
        "ptc", "PTC articles and labels (a folder)", True, "ptc-export", "", (),
        "article<ID>.txt files and technique label files, offsets as the SemEval-2020 "
        "Task 11 corpus has them.",
        _write_ptc),
    ExportFormat(
        "brat", "brat standoff (a folder)", True, "brat-export", "", (),
        ".txt and .ann files with an annotation.conf, to open in brat. Passages without a "
        "tag are left out.",
        _write_brat),
    ExportFormat(
        "bundle", "Closeread bundle", False, "closeread.bundle.json.gz", "Closeread bundles",
        (".json.gz", ".json"),
        "The articles, tags, annotators and passages chosen (deletions too), for File ▸ "
        "Merge bundles in another library. A name ending in .gz is compressed.",
        _write_bundle, note="a name ending in .gz is compressed"),
)


# --- annotations from other tools ----------------------------------------------------------


@dataclass(frozen=True)
class AnnotationReader:
    """One kind of annotation file that ``import-annotations`` reads."""

    name: str  # as `closeread import-annotations --format` names it
    label: str  # the file dialog filter's name, and the kind of file in messages
    suffixes: tuple[str, ...]  # lower case, with the dot
    help: str  # what --format NAME takes, for the command's help
    reader: Callable[[Library, Path, str], Report]

    @property
    def files(self) -> str:
        """The file dialog's filter, ``PTC labels (*.labels)``."""
        return f"{self.label} ({' '.join('*' + s for s in self.suffixes)})"

    def read(self, library: Library, path: str | Path, annotator: str) -> Report:
        """Adds the annotations of ``path`` to the articles already in ``library``, all of
        them or none; ``annotator`` stands in where the file names none."""
        return self.reader(library, Path(path), annotator)


def _read_jsonld(library: Library, path: Path, annotator: str) -> Report:
    from desktop.io.jsonld import import_jsonld

    return import_jsonld(library, path, annotator)


def _read_ptc_labels(library: Library, path: Path, annotator: str) -> Report:
    from desktop.io.ptc import import_ptc_labels

    return import_ptc_labels(library, path, annotator)


def _read_brat_annotations(library: Library, path: Path, annotator: str) -> Report:
    from desktop.io.brat import import_brat_annotations

    return import_brat_annotations(library, path, annotator)


ANNOTATION_READERS: tuple[AnnotationReader, ...] = (
    AnnotationReader("jsonld", "JSON-LD", (".jsonld", ".json"), "W3C Web Annotations",
                     _read_jsonld),
    AnnotationReader("ptc", "PTC labels", (".labels",), "a PTC label file or folder",
                     _read_ptc_labels),
    AnnotationReader("brat", "brat annotations", (".ann",),
                     "an .ann file (beside its .txt) or a folder of them",
                     _read_brat_annotations),
)


# --- articles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleFormat:
    """One ``closeread import --format``: its name and the suffixes of its files."""

    name: str
    suffixes: tuple[str, ...]
    help: str


# an article file's suffix and the format an import by extension reads it as (the import
# pipeline, desktop.io.importer, reads by this table; kept here so that naming the formats
# does not load the pipeline)
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
FORMAT_CHOICES = ("auto", "text", "markdown", "html", "pdf", "docx")


@cache
def article_formats() -> tuple[ArticleFormat, ...]:
    """The formats ``closeread import --format`` takes, ``auto`` first. The suffixes of
    auto, text, markdown, html, pdf and docx are the import pipeline's own table, so the
    file dialog offers exactly what an import by extension reads."""
    by_format: dict[str, list[str]] = {}
    for suffix, name in EXTENSIONS.items():
        by_format.setdefault(name, []).append(suffix)
    helps = {"text": "plain text", "markdown": "Markdown", "html": "a web page",
             "pdf": "a PDF document", "docx": "a Word .docx document"}
    found = [ArticleFormat("auto", tuple(EXTENSIONS), "by extension")]
    found += [ArticleFormat(name, tuple(by_format.get(name, ())), helps.get(name, name))
              for name in FORMAT_CHOICES if name != "auto"]
    found += [ArticleFormat("ptc", (".txt",), "PTC articles"),
              ArticleFormat("brat", (".txt", ".ann"), "brat .txt and .ann files")]
    return tuple(found)


def article_files() -> str:
    """The filter of the file dialog that picks articles to import: the suffixes an import
    by extension reads, then every file."""
    auto = article_format("auto")
    return f"Articles ({' '.join('*' + s for s in auto.suffixes)});;All files (*)"


def annotation_files() -> str:
    """The filter of the file dialog that picks annotation files: every kind together,
    each kind alone, then every file."""
    every = " ".join("*" + s for r in ANNOTATION_READERS for s in r.suffixes)
    kinds = ";;".join(r.files for r in ANNOTATION_READERS)
    return f"Annotations ({every});;{kinds};;All files (*)"


# --- lookups -------------------------------------------------------------------------------

_Named = TypeVar("_Named", ExportFormat, AnnotationReader, ArticleFormat)


def names(formats: Iterable[ExportFormat | AnnotationReader | ArticleFormat]) -> list[str]:
    """The names of ``formats``, in order: the choices of a ``--format`` option."""
    return [f.name for f in formats]


def _by_name(formats: Iterable[_Named], name: str, what: str) -> _Named:
    listed = list(formats)
    for found in listed:
        if found.name == name:
            return found
    raise InvalidArgumentError(f"unknown {what} format {name!r}; use "
                               f"{', '.join(names(listed))}")


def export_format(name: str) -> ExportFormat:
    """The export format ``name`` (as ``--format`` has it)."""
    return _by_name(EXPORT_FORMATS, name, "export")


def annotation_reader(name: str) -> AnnotationReader:
    """The annotation reader ``name`` (as ``import-annotations --format`` has it)."""
    return _by_name(ANNOTATION_READERS, name, "annotation")


def article_format(name: str) -> ArticleFormat:
    """The article format ``name`` (as ``import --format`` has it)."""
    return _by_name(article_formats(), name, "article")


def annotation_reader_for(path: str | Path) -> AnnotationReader:
    """The reader of ``path``, by its suffix in any case; an error naming the file and
    what is read when no reader takes it."""
    suffix = Path(path).suffix.lower()
    for reader in ANNOTATION_READERS:
        if suffix in reader.suffixes:
            return reader
    known = "; ".join(f"{' or '.join(r.suffixes)}: {r.label}" for r in ANNOTATION_READERS)
    raise UnsupportedFormatError(path, f"not an annotation file Closeread reads ({known})")
