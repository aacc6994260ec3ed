"""Importing files and folders of articles into a library.

A file goes: bytes -> decoded text -> format -> cleaned of scraper noise -> metadata ->
canonical text and layout -> the library. Everything before the last step touches no
database, so a file that fails leaves the library as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.cleaning import CleanResult, clean_text
from desktop.core.document import (
    CONTROL_CHARACTERS,
    MAX_MARKDOWN_NESTING,
    Document,
    NestingError,
    cap_markdown_nesting,
    plain_document,
    render_markdown,
    without_controls,
)
from desktop.core.errors import (
    ClosereadError,
    ImportFileError,
    InvalidEnvironmentError,
    NestingTooDeepError,
    UnsupportedFormatError,
    readable,
)
from desktop.core.metadata import Metadata, parse_date, text_metadata
from desktop.core.model import Article, text_sha256
from desktop.io.decoding import controls_note, decode, read_bytes
from desktop.io.formats import EXTENSIONS, FORMAT_CHOICES
from desktop.io.html import extract_page
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.store.revisions import replace_text

if TYPE_CHECKING:
    from desktop.io.fetch import FetchLimits

# files an import names that Closeread cannot read, and what to do instead
UNREADABLE = {
    ".doc": "old binary Word .doc files cannot be read; save it as .docx or PDF (Word or "
            "LibreOffice: File > Save As) and import that",
}
# formats read from binary documents by desktop.io.documents, as paragraphs of plain text
DOCUMENT_FORMATS = frozenset({"pdf", "docx"})
_BATCH = 100  # files written per transaction

# an import's sources: files (Path) and links (str, an http(s) url as it was given)
Source = Path | str
Progress = Callable[[int, int, Source], None]


@dataclass
class FileOutcome:
    path: Source  # the file, or the link as it was given
    status: str  # imported | replaced | unchanged | skipped | failed
    message: str = ""
    article: Article | None = None
    cleaning: str = ""
    # what the reader doubts about the source, e.g. a web page that is a list of stories
    # rather than one article; imported anyway unless the import was strict
    warning: str = ""

    @property
    def name(self) -> str:
        """How a short report names the source: a file's name, a link whole."""
        return self.path.name if isinstance(self.path, Path) else self.path


@dataclass
class ImportReport:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def _with(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def imported(self) -> list[FileOutcome]:
        return self._with("imported")

    @property
    def replaced(self) -> list[FileOutcome]:
        return self._with("replaced")

    @property
    def unchanged(self) -> list[FileOutcome]:
        return self._with("unchanged")

    @property
    def skipped(self) -> list[FileOutcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[FileOutcome]:
        return self._with("failed")

    def summary(self) -> str:
        replaced = f"{len(self.replaced)} replaced, " if self.replaced else ""
        return (
            f"{len(self.imported)} imported, {replaced}{len(self.unchanged)} already in the "
            "library, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed"
        )


# --- one file ----------------------------------------------------------------------------


def detect_format(path: Path, requested: str = "auto") -> str:
    """The format to read ``path`` as: the one asked for, else by its extension."""
    if requested not in FORMAT_CHOICES:
        raise UnsupportedFormatError(path, f"unknown format {requested!r}")
    if requested != "auto":
        return requested
    fmt = EXTENSIONS.get(path.suffix.lower())
    if path.suffix.lower() in UNREADABLE:
        raise UnsupportedFormatError(path, UNREADABLE[path.suffix.lower()])
    if fmt is None:
        raise UnsupportedFormatError(
            path,
            f"unknown file type {path.suffix or '(no extension)'!r}; use .txt, .md, .html, "
            ".pdf or .docx, or name the format with --format",
        )
    return fmt


def prepare(path: Path, fmt: str = "auto", clean: bool = True,
            warnings: list[str] | None = None) -> tuple[NewArticle, str]:
    """What ``path`` becomes in the library, and a note of what cleaning removed; doubts
    about the source (a web page that is not one article) are added to ``warnings``."""
    fmt = detect_format(path, fmt)
    return prepare_data(path, read_bytes(path), fmt, clean, warnings=warnings)


def prepare_data(path: Path, data: bytes, fmt: str, clean: bool = True,
                 url: str | None = None,
                 charset: str | None = None,
                 warnings: list[str] | None = None) -> tuple[NewArticle, str]:
    """What the bytes ``data`` become in the library, and a note of what cleaning
    removed. ``path`` names them in messages (the file they were read from, or a name
    for what was fetched from ``url``, which then becomes the article's url); ``fmt`` is
    one of ``FORMAT_CHOICES`` other than auto; ``charset`` is the one a server declared
    for fetched bytes. Doubts about the source (a web page that is a list of stories,
    not one article) are appended to ``warnings`` and to the article's import report."""
    notes: list[str] = []
    warned: tuple[str, ...] = ()
    cleaned: CleanResult | None = None
    if fmt in DOCUMENT_FORMATS:
        from desktop.io.documents import read_document  # pypdf and python-docx load late

        read = read_document(path, data, fmt)
        notes.extend(read.notes)  # pages without a text layer, say
        source = read.text
        body = source
        if clean:
            cleaned = clean_text(source)
            body = cleaned.text.strip("\n")
        found = read.metadata.merged(text_metadata(body))
        document = plain_document(body, frozenset())
        return _finish(path, fmt, source, document, found, cleaned, notes, url)

    decoded = decode(path, data, html=fmt == "html", charset=charset)
    source = decoded.text
    if decoded.declared:
        notes.append(decoded.declared)
    controls = decoded.controls  # removed from the file's text; the rest are counted later
    if fmt == "text":
        body = source
        if clean:
            cleaned = clean_text(source)
            body = cleaned.text.strip("\n")
        found = text_metadata(body)
        if cleaned and cleaned.outlet_hint:
            found = found.merged(Metadata(outlet=cleaned.outlet_hint))
        heading = frozenset({found.title_line}) if found.title_line is not None else frozenset()
        document = plain_document(body, heading)
    elif fmt == "markdown":
        capped, deep = cap_markdown_nesting(source)
        if deep:
            notes.append(f"{deep} line{'s' if deep != 1 else ''} nested deeper than "
                         f"{MAX_MARKDOWN_NESTING} levels flattened to that depth")
        if clean:
            # noise lines are matched without their list markers and emphasis
            cleaned = clean_text(capped)
            capped = cleaned.text
        document, meta = _render(path, capped)
        found = _markdown_metadata(meta, document.text)
        if cleaned and cleaned.outlet_hint:
            found = found.merged(Metadata(outlet=cleaned.outlet_hint))
    else:
        page = extract_page(path, source)
        markdown = page.markdown
        if clean:
            # on the extractor's Markdown, list markers and emphasis aside ("- 941
            # comments" is a comment count)
            cleaned = clean_text(markdown)
            markdown = cleaned.text
        document, _ = _render(path, markdown)
        found = Metadata(title=page.title, author=page.author, outlet=page.outlet,
                         published=page.published, url=page.url)
        if cleaned and cleaned.outlet_hint:
            found = found.merged(Metadata(outlet=cleaned.outlet_hint))
        found = found.merged(text_metadata(document.text))
        notes.extend(page.notes)  # what the page reader left out (a news stream's stories)
        controls += page.controls  # entities in the page (its parser decoded them)
        if page.warning:
            if warnings is not None:
                warnings.append(page.warning)
            warned = (page.warning,)

    return _finish(path, fmt, source, document, found, cleaned, notes, url, warned,
                   controls)


def _finish(path: Path, fmt: str, source: str, document: Document, found: Metadata,
            cleaned: CleanResult | None, notes: list[str],
            url: str | None, warned: tuple[str, ...] = (),
            controls: int = 0) -> tuple[NewArticle, str]:
    """The article made of a rendered document and its metadata; ``warned`` are the
    doubts about the source, recorded in the article's import report; ``controls`` the
    control characters already removed on the way.

    Whatever the route (a file's bytes, an entity the Markdown or HTML parser decoded, a
    PDF's or a Word file's text, a page's title), no control character is stored in the
    text or the metadata, the layout's offsets moved with the text, and the report says
    how many were removed."""
    if url is not None:
        found = Metadata(url=url).merged(found)
    document = without_controls(document)
    notes.extend(document.notes)  # markup read as text (too costly to read as markup)
    found, in_metadata = _metadata_without_controls(found)
    if not document.text.strip():
        raise ImportFileError(path, "no article text is left after cleaning")
    removed = controls + document.removed_controls
    if removed:
        notes.append(controls_note(removed))
    if in_metadata:
        notes.append(f"control characters removed from the {in_metadata}")
    if cleaned and cleaned.removed:
        notes.append(cleaned.summary())
    title = found.title or path.stem
    new = NewArticle(
        title=title,
        text=document.text,
        format=fmt,
        layout=document.to_json(),
        author=found.author,
        outlet=found.outlet,
        published=found.published,
        url=found.url,
        source=source,
        # a file name that is not UTF-8 is stored as it is shown, \xff escapes and all
        source_path=readable(path),
        import_report="; ".join([*warned, *notes]),
    )
    return new, "; ".join(notes)


def _metadata_without_controls(found: Metadata) -> tuple[Metadata, str]:
    """``found`` without control characters, and the fields that held some ("title and
    author"), or "" when none did."""
    fields: dict[str, Any] = {}
    for name in ("title", "author", "outlet", "url"):
        value = getattr(found, name)
        if value and CONTROL_CHARACTERS.search(value):
            fields[name] = CONTROL_CHARACTERS.sub("", value).strip() or None
    if not fields:
        return found, ""
    return replace(found, **fields), " and ".join(fields)


def _render(path: Path, markdown: str) -> tuple[Document, dict[str, str]]:
    """``render_markdown``, its refusal of impossibly deep nesting naming the file."""
    try:
        return render_markdown(markdown)
    except NestingError as error:
        raise NestingTooDeepError(path, f"{error}; save the article with less nesting and "
                                        "import it again") from None


def _markdown_metadata(meta: dict[str, str], text: str) -> Metadata:
    """Metadata from a Markdown file's header, the first heading as the title otherwise."""
    first_line = text.split("\n", 1)[0].strip()
    published = meta.get("published") or meta.get("date")
    return Metadata(
        title=meta.get("title") or first_line or None,
        author=meta.get("author") or meta.get("by"),
        outlet=meta.get("outlet") or meta.get("source") or meta.get("publication"),
        published=parse_date(published) if published else None,
        url=meta.get("url") or meta.get("link"),
    ).merged(text_metadata(text))


# --- one link ----------------------------------------------------------------------------


def is_link_source(source: Source) -> bool:
    """Whether an import's source is a link (a str such as ``https://...``, or a refused
    scheme such as ``file://`` or ``data:``) rather than a path."""
    if not isinstance(source, str) or Path(source).exists():
        return False
    from desktop.io.fetch import is_link

    return is_link(source)


def prepare_link(url: str, fmt: str = "auto", clean: bool = True,
                 limits: FetchLimits | None = None,
                 warnings: list[str] | None = None) -> tuple[NewArticle, str]:
    """What the page at ``url`` becomes in the library: fetched within ``limits``
    (``desktop.io.fetch``), read as its Content-Type says unless ``fmt`` names a format,
    its url the one it came from after redirects. Every error names ``url``."""
    from desktop.io.fetch import DEFAULT_LIMITS, fetch

    if fmt not in FORMAT_CHOICES:
        raise UnsupportedFormatError(url, f"unknown format {fmt!r}")
    fetched = fetch(url, limits or DEFAULT_LIMITS)
    try:
        new, note = prepare_data(Path(fetched.name), fetched.data,
                                 fetched.fmt if fmt == "auto" else fmt, clean,
                                 url=fetched.url, charset=fetched.charset,
                                 warnings=warnings)
    except ImportFileError as error:
        # the reader named the bytes by the url's last segment: name the link instead
        raise type(error)(url.strip(), error.problem) from None
    if fetched.redirects:
        came = f"fetched from {fetched.url}"
        note = "; ".join(n for n in (came, note) if n)
        new = replace(new, import_report="; ".join(n for n in (came, new.import_report) if n))
    # no file: the article's url says where it came from
    return replace(new, source_path=None), note


# --- many files --------------------------------------------------------------------------


def collect_sources(sources: Iterable[Source]) -> Iterator[tuple[Source, str | None]]:
    """``collect_files`` for files and folders, with links (str) passed on as they are."""
    for source in sources:
        if is_link_source(source):
            yield source, None
        else:
            yield from collect_files([Path(source)])


def collect_files(paths: Iterable[Path]) -> Iterator[tuple[Path, str | None]]:
    """Every file to import under ``paths``, with a reason to skip it when there is one.

    Folders are walked recursively in name order; hidden files and folders are passed
    over; files with an extension that is not an article format are skipped.
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file = Path(root) / name
                    if file.suffix.lower() in EXTENSIONS:
                        yield file, None
                    else:
                        yield file, f"not an article file ({file.suffix or 'no extension'})"
        elif path.exists():
            yield path, None
        else:
            yield path, "no such file or folder"


def import_paths(
    library: Library,
    paths: Iterable[str | Path],
    fmt: str = "auto",
    clean: bool = True,
    progress: Progress | None = None,
    limits: FetchLimits | None = None,
    strict: bool = False,
    workers: int | None = None,
) -> ImportReport:
    """Imports files, folders and links (strs such as ``https://...``, fetched within
    ``limits``); good ones go in, bad ones are reported, never half-done. A web page that
    is not one article (a section front, a list of stories) is imported with a warning
    in its outcome, or refused when ``strict``. Many files are read ``workers`` processes
    at a time (None: one a CPU, up to four; ``CLOSEREAD_IMPORT_WORKERS`` sets it), the
    library written from this one, in the files' order."""
    report = ImportReport()
    files = list(collect_sources(paths))
    batch: list[tuple[Source, NewArticle, str, str]] = []

    def flush() -> None:
        with library.transaction():
            for path, new, note, warning in batch:
                known = _same_source(library, new)
                if known is not None:
                    # a corrected version of an article already here (same url or
                    # external id): its text is replaced and its annotations re-anchored
                    result = replace_text(library, known.id, new)
                    report.outcomes.append(FileOutcome(
                        path, "replaced", f"{known.id[:8]} ({known.title}): "
                        f"{result.summary()}", result.article, note, warning))
                    continue
                article, added = library.articles.add_in_transaction(new)
                report.outcomes.append(FileOutcome(
                    path, "imported" if added else "unchanged",
                    "" if added else f"same text as {article.id[:8]} ({article.title})",
                    article, note, warning))
        batch.clear()

    jobs = [(path, fmt, clean, limits) for path, skip_reason in files if not skip_reason]
    # a bad CLOSEREAD_IMPORT_WORKERS is refused before any file is read
    prepared = _prepare_all(jobs, import_workers(workers))
    try:
        for index, (path, skip_reason) in enumerate(files):
            if skip_reason:
                status = "failed" if skip_reason.startswith("no such") else "skipped"
                report.outcomes.append(FileOutcome(path, status, skip_reason))
            else:
                new, note, warnings, problem = next(prepared)
                if new is None:
                    report.outcomes.append(FileOutcome(path, "failed", problem))
                elif warnings and strict:
                    report.outcomes.append(FileOutcome(
                        path, "failed",
                        "refused, not imported (strict): " + "; ".join(warnings),
                        warning="; ".join(warnings)))
                else:
                    batch.append((path, new, note, "; ".join(warnings)))
                if len(batch) >= _BATCH:
                    flush()
            if progress:
                progress(index + 1, len(files), path)
    finally:
        prepared.close()  # a cancelled import stops its workers
    if batch:
        flush()
    order = {str(path): i for i, (path, _) in enumerate(files)}
    report.outcomes.sort(key=lambda o: order.get(str(o.path), 0))
    return report


_Job = tuple[Source, str, bool, "FetchLimits | None"]
_Prepared = tuple["NewArticle | None", str, list[str], str]
_PARALLEL_FROM = 64  # files: fewer are read here, quicker than starting worker processes
_MAX_WORKERS = 4


def _prepare_one(job: _Job) -> _Prepared:
    """One file or link read: (the article, the cleaning note, warnings, "") or (None,
    "", [], the problem). Runs in a worker process for a large import."""
    path, fmt, clean, limits = job
    warnings: list[str] = []
    try:
        if isinstance(path, Path):
            new, note = prepare(path, fmt, clean, warnings)
        else:
            new, note = prepare_link(path, fmt, clean, limits, warnings)
    except ClosereadError as error:
        return None, "", [], _problem(error)
    return new, note, warnings, ""


MAX_IMPORT_WORKERS = 64  # CLOSEREAD_IMPORT_WORKERS: more only multiplies start-up and memory


def import_workers(requested: int | None = None) -> int:
    """How many processes read the files of a large import: ``requested``, else
    ``CLOSEREAD_IMPORT_WORKERS`` (refused naming the variable unless it is a whole number
    from 1 to ``MAX_IMPORT_WORKERS``), else one a CPU, up to four."""
    if requested is None:
        requested = _workers_from_environment()
    if requested is not None:
        return max(1, requested)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, _MAX_WORKERS))


def _workers_from_environment() -> int | None:
    """``CLOSEREAD_IMPORT_WORKERS`` as a number of processes; None when unset or empty."""
    raw = os.environ.get("CLOSEREAD_IMPORT_WORKERS", "")
    value = raw.strip()
    if not value:
        return None
    # ASCII digits only ("²" and "٣" are digits to str.isdigit), and few of them: int()
    # refuses 4,300 digits and a C int overflows long before
    if value.isascii() and value.isdigit() and len(value) <= 6 \
            and 1 <= int(value) <= MAX_IMPORT_WORKERS:
        return int(value)
    shown = readable(raw) if len(raw) <= 24 else readable(raw[:20]) + "…"
    raise InvalidEnvironmentError(
        f"CLOSEREAD_IMPORT_WORKERS='{shown}': give how many processes read the "
        f"files of a large import, a whole number from 1 to {MAX_IMPORT_WORKERS}")


def _prepare_all(jobs: list[_Job], count: int) -> Generator[_Prepared, None, None]:
    """Every job's result, in order: read here, or by worker processes when there are
    many (reading a page or a PDF is most of an import's time; the files are independent,
    and the library is written by this process alone). Closing the generator (an import
    cancelled) cancels what the workers have not started, without waiting for the files
    they are reading. A file whose reading kills its worker (its memory, say) is reported
    failed and the rest go to new workers: it is never read again in this process, which
    may be the app; workers that cannot start at all leave the files to this process."""
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    if count <= 1 or len(jobs) < _PARALLEL_FROM or (main and not os.path.exists(main)):
        # (a program read from a pipe has no file a spawned worker could start from)
        for job in jobs:
            yield _prepare_one(job)
        return
    # links one at a time (each may take up to a minute); files eight to a message
    chunk = 1 if any(not isinstance(job[0], Path) for job in jobs) else 8
    done = 0
    barren = 0  # pools in a row that answered for nothing
    while done < len(jobs):
        if barren >= 2:
            # the workers cannot run here at all: the rest are read in this process
            for job in jobs[done:]:
                yield _prepare_one(job)
            return
        # spawn: a fresh interpreter for each worker, safe from the app's threads
        pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"))
        try:
            for result in pool.map(_prepare_one, jobs[done:], chunksize=chunk):
                yield result
                done += 1
                barren = 0
            return
        except (BrokenProcessPool, OSError):
            barren += 1
            if barren >= 2:
                continue
            # a worker died on the first file not answered for (or beside it): that one
            # is reported, the rest go to new workers
            yield None, "", [], ("reading it stopped the process reading it (too large or "
                                 "too complex a file?); it was not imported")
            done += 1
        finally:
            pool.shutdown(wait=False, cancel_futures=True)


def _same_source(library: Library, new: NewArticle) -> Article | None:
    """The article ``new`` is a new version of: same url or external id, other text."""
    if library.articles.find_by_hash(text_sha256(new.text)):
        return None
    for field_name, value in (("url", new.url), ("external_id", new.external_id)):
        if value:
            found = library.articles.find_by(field_name, value)
            if found is not None:
                return found
    return None


def replace_article(library: Library, path: str | Path, article: str, fmt: str = "auto",
                    clean: bool = True) -> FileOutcome:
    """Replaces the text of ``article`` with the file's (or the link's page's),
    re-anchoring its annotations."""
    target = library.articles.get(article)
    warnings: list[str] = []
    if is_link_source(path):
        new, note = prepare_link(str(path), fmt, clean, warnings=warnings)
    else:
        path = Path(path)
        new, note = prepare(path, fmt, clean, warnings)
    result = replace_text(library, target.id, new)
    status = "replaced" if result.changed else "unchanged"
    return FileOutcome(path, status, f"{target.id[:8]} ({target.title}): {result.summary()}",
                       result.article, note, "; ".join(warnings))


def _problem(error: ClosereadError) -> str:
    return error.problem if isinstance(error, ImportFileError) else error.message
