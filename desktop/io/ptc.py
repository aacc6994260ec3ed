"""The Propaganda Techniques Corpus format (PTC, SemEval-2020 Task 11).

Articles are ``article<ID>.txt``: UTF-8, the title on the first line. Label offsets count
the code points of the whole decoded file, title and byte-order mark included, start
inclusive, end exclusive; so an article is stored exactly as its bytes decode with
"utf-8" (a byte-order mark stays as U+FEFF at offset 0), never cleaned, line ends as they
are. Its ID becomes the article's external id.

Labels are tab-separated lines, ``id  start  end`` (span identification, SI) or
``id  technique  start  end`` (technique classification, TC). A technique may contain
commas (``Exaggeration,Minimisation``). Each label line becomes one annotation: an SI span
is tagged ``propaganda``, a TC span with its technique (the tag of that name, or a new tag
under ``propaganda``). Stacked spans stay separate annotations, so an export writes every
line back. Annotation ids are derived from the article, annotator, label and offsets, so
importing the same labels twice adds nothing the second time.

The export writes ``article<ID>.txt`` (the exact text), ``article<ID>.task2-TC.labels``
(every tag other than ``propaganda`` itself, by its name) and, when there are spans tagged
``propaganda`` itself, ``article<ID>.task1-SI.labels``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.document import LINE_CONTROLS, plain_document
from desktop.core.errors import (
    ClosereadError,
    ImportFileError,
    InvalidArgumentError,
    UnknownTagError,
    readable,
)
from desktop.core.model import ORPHAN
from desktop.core.names import validate_annotator_name
from desktop.core.tagsets import validate_tag_name
from desktop.core.wording import counted
from desktop.io.decoding import read_line_file, read_verbatim
from desktop.io.importer import FORMAT_CHOICES, FileOutcome
from desktop.io.output import write_files_whole
from desktop.store.annotations import AnnotationFilter
from desktop.store.articles import NewArticle
from desktop.store.interchange import (
    IncomingAnnotation,
    InterchangeReport,
    add_annotations,
    add_annotations_in_transaction,
    add_verbatim_article_in_transaction,
    article_ids_by_external_id,
)
from desktop.store.library import Library

IMPORT_FORMATS = (*FORMAT_CHOICES, "ptc")
SI_TAG = "propaganda"
ARTICLE_NAME = re.compile(r"^article(.+)\.txt$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")
_NUMBER = re.compile(r"^[0-9]+$")
MAX_OFFSET_DIGITS = 18  # past any text's length; Python refuses int() of 4,300 digits
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:closeread:ptc-label")


class PtcError(ImportFileError):
    """A PTC article or label file that cannot be imported; nothing was."""


# --- articles ------------------------------------------------------------------------------


def read_article(path: Path) -> NewArticle:
    """An ``article<ID>.txt`` file as an article: its exact text, the ID as external id."""
    match = ARTICLE_NAME.match(path.name)
    if not match:
        raise PtcError(path, "not a PTC article: the name must be article<ID>.txt")
    if readable(match.group(1)) != match.group(1):
        raise PtcError(path, "the PTC id in the file name is not valid UTF-8 text; rename "
                             "the file (and its labels' first column)")
    text = read_verbatim(path, PtcError, "a PTC article")
    title = LINE_CONTROLS.sub("", text.split("\n", 1)[0]).strip("\ufeff \t\r") or path.stem
    return NewArticle(
        title=title,
        text=text,
        format="ptc",
        layout=plain_document(text, frozenset({0})).to_json(),
        external_id=match.group(1),
        source=text,
        source_path=readable(path),  # a name that is not UTF-8 with \xff escapes
    )


def article_files(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """The ``article<ID>.txt`` files under ``paths`` (folders recursively, in name order),
    and the other files of those folders, as skipped."""
    files: list[Path] = []
    skipped: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            for file in _walk(path):
                if ARTICLE_NAME.match(file.name):
                    files.append(file)
                else:
                    skipped.append(FileOutcome(file, "skipped", "not a PTC article "
                                                                "(article<ID>.txt)"))
        elif path.exists():
            files.append(path)
        else:
            raise PtcError(path, "no such file or folder")
    return files, skipped


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return found


# --- labels --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    """One line of a label file."""

    path: Path
    line: int
    article: str  # the PTC article id
    technique: str | None  # None: a span identification (SI) line
    start: int
    end: int

    @property
    def origin(self) -> str:
        return f"{self.path}: line {self.line}"


def label_files(path: Path) -> list[Path]:
    """The ``*.labels`` files of a folder (recursively, in name order), or the one file."""
    if path.is_dir():
        files = [f for f in _walk(path) if f.suffix == ".labels"]
        if not files:
            raise PtcError(path, "no .labels files in this folder")
        return files
    if not path.exists():
        raise PtcError(path, "no such file or folder")
    return [path]


def read_labels(path: Path) -> list[Label]:
    """Every label of a label file or a folder of them; refuses the first bad line."""
    labels: list[Label] = []
    for file in label_files(path):
        labels.extend(_read_label_file(file))
    return labels


def _read_label_file(path: Path) -> list[Label]:
    text = read_line_file(path, PtcError, "PTC labels")
    labels = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        labels.append(_parse_line(path, number, line))
    return labels


def _parse_line(path: Path, number: int, line: str) -> Label:
    where = f"{path}: line {number}"
    columns = line.split("\t")
    if len(columns) == 3:
        article, start, end = columns
        technique = None
    elif len(columns) == 4:
        article, technique, start, end = columns
        technique = technique.strip()
        if not technique or "/" in technique:
            raise PtcError(where, f"bad technique {technique!r} (empty, or it contains '/')")
        try:
            technique = validate_tag_name(technique)
        except InvalidArgumentError as error:
            raise PtcError(where, f"bad technique: {error.message}") from None
    else:
        raise PtcError(where, f"expected 3 tab-separated columns (id, start, end) or 4 (id, "
                              f"technique, start, end), found {len(columns)}")
    article = article.strip()
    if not article:
        raise PtcError(where, "the article id (first column) is empty")
    offsets = []
    for what, value in (("start", start), ("end", end)):
        value = value.strip()
        if value[:1] == "-" and _NUMBER.match(value[1:]):
            raise PtcError(where, f"the {what} offset {_short(value)!r} is negative: offsets "
                                  "count characters from 0")
        if not _NUMBER.match(value):
            raise PtcError(where, f"the {what} offset {_short(value)!r} is not a whole number")
        digits = value.lstrip("0") or "0"  # 00051 is 51
        if len(digits) > MAX_OFFSET_DIGITS:
            raise PtcError(where, f"the {what} offset {_short(value)} has {len(digits):,} "
                                  "digits: far past the end of any article")
        offsets.append(int(digits))
    return Label(path, number, article, technique, offsets[0], offsets[1])


def _incoming(library: Library, labels: Sequence[Label], articles: dict[str, str],
              annotator: str) -> list[IncomingAnnotation]:
    """The annotations the labels stand for; ``articles`` maps PTC ids to article ids."""
    tags: dict[str, str] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    found = []
    for label in labels:
        article_id = articles.get(label.article)
        if article_id is None:
            raise PtcError(label.origin, f"no article with PTC id {label.article!r}: import "
                                         f"article{label.article}.txt first")
        tag = SI_TAG if label.technique is None else _technique_tag(library, label.technique,
                                                                     tags)
        key = (article_id, annotator.strip(), label.technique or "", str(label.start),
               str(label.end))
        seen[key] += 1
        found.append(IncomingAnnotation(
            origin=label.origin,
            article_id=article_id,
            annotator=annotator,
            tags=(tag,),
            start=label.start,
            end=label.end,
            id=str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join((*key, str(seen[key]))))),
        ))
    return found


def _technique_tag(library: Library, technique: str, cache: dict[str, str]) -> str:
    """The tag of that name wherever it is, else a new one under ``propaganda``."""
    if technique not in cache:
        try:
            cache[technique] = library.tags.get(technique).path
        except UnknownTagError:
            cache[technique] = f"{SI_TAG}/{technique}"
    return cache[technique]


def _library_articles(library: Library, labels: Sequence[Label],
                      known: dict[str, str]) -> dict[str, str]:
    """``known`` plus the articles of the library that the other labels name."""
    wanted = {label.article for label in labels if label.article not in known}
    found = dict(known)
    by_id = article_ids_by_external_id(library, wanted)
    for label in labels:
        ids = by_id.get(label.article, [])
        if len(ids) > 1:
            raise PtcError(label.origin, f"{len(ids)} articles in the library have the "
                                         f"external id {label.article!r}")
        if ids:
            found[label.article] = ids[0]
    return found


# --- import --------------------------------------------------------------------------------


@dataclass
class PtcImportReport:
    articles: list[FileOutcome] = field(default_factory=list)
    labels: InterchangeReport | None = None

    def summary(self) -> str:
        added = sum(o.status == "imported" for o in self.articles)
        same = sum(o.status == "unchanged" for o in self.articles)
        skipped = sum(o.status == "skipped" for o in self.articles)
        text = (f"{added} imported, {same} already in the library, {skipped} skipped")
        if self.labels is not None:
            text += f"; labels: {self.labels.summary()}"
        return text


def import_ptc(library: Library, paths: Iterable[str | Path], labels: str | Path | None = None,
               annotator: str = "") -> PtcImportReport:
    """Imports PTC articles and, with ``labels``, their label files: all or nothing."""
    if labels is not None:
        annotator = validate_annotator_name(annotator)
    files, skipped = article_files(Path(p) for p in paths)
    prepared = [read_article(file) for file in files]
    names: dict[str, Path] = {}
    for new in prepared:
        assert new.external_id is not None and new.source_path is not None
        if new.external_id in names:
            raise PtcError(new.source_path, f"the PTC id {new.external_id} is also the id of "
                                            f"{names[new.external_id]}")
        names[new.external_id] = Path(new.source_path)
    label_list = read_labels(Path(labels)) if labels is not None else None
    if not prepared and not label_list:
        raise PtcError(", ".join(str(p) for p in paths) or ".",
                       "no PTC articles (article<ID>.txt) found")
    report = PtcImportReport()
    with library.transaction():
        ids: dict[str, str] = {}
        for new in prepared:
            article, added = add_verbatim_article_in_transaction(library, new)
            ids[str(new.external_id)] = article.id
            report.articles.append(FileOutcome(
                Path(str(new.source_path)), "imported" if added else "unchanged",
                "" if added else f"same text as {article.id[:8]} ({article.title})", article))
        if label_list is not None:
            ids = _library_articles(library, label_list, ids)
            report.labels = add_annotations_in_transaction(
                library, _incoming(library, label_list, ids, annotator))
    report.articles += skipped
    order = {str(f): i for i, f in enumerate(files + [o.path for o in skipped])}
    report.articles.sort(key=lambda o: order.get(str(o.path), 0))
    return report


def import_ptc_labels(library: Library, path: str | Path, annotator: str) -> InterchangeReport:
    """Adds the spans of a label file (or a folder of them) to articles already in the
    library, matched by external id: all of them, or none."""
    annotator = validate_annotator_name(annotator)
    labels = read_labels(Path(path))
    articles = _library_articles(library, labels, {})
    return add_annotations(library, _incoming(library, labels, articles, annotator))


# --- export --------------------------------------------------------------------------------


@dataclass
class PtcExportReport:
    articles: int = 0
    tc_lines: int = 0
    si_lines: int = 0
    orphans: int = 0  # not written: their offsets no longer point at their text
    untagged: int = 0  # not written: a PTC label needs a tag

    def summary(self, directory: str | Path) -> str:
        text = (f"wrote {counted(self.articles, 'article')}, "
                f"{counted(self.tc_lines, 'technique label')} and "
                f"{counted(self.si_lines, 'span label')} to {directory}")
        if self.orphans:
            text += f"; {self.orphans} orphaned passages left out (their text has changed)"
        if self.untagged:
            text += f"; {self.untagged} passages without tags left out"
        return text


def export_ptc(library: Library, directory: str | Path,
               where: AnnotationFilter | None = None) -> PtcExportReport:
    """Writes the articles and their labels to ``directory`` in the PTC layout.

    Every article with a passage that ``where`` selects is written, and every article
    imported as PTC (or only ``where.article_id``, when given). Label lines are in text
    order.
    """
    where = where or AnnotationFilter()
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ClosereadError(f"{folder}: not a folder; give a folder for the PTC files")
    keep = library.tags.path_matcher(where.tag)
    report = PtcExportReport()
    lines: dict[str, list[tuple[int, int, str | None]]] = {}
    for annotation in library.annotations.iterate(where):
        if annotation.anchor_state == ORPHAN:
            report.orphans += 1
            continue
        paths = [(name, path) for name, path in zip(annotation.tags, annotation.tag_paths,
                                                    strict=True) if keep(path)]
        if not paths:
            report.untagged += 1
            continue
        for name, path in paths:
            if "\t" in name or "\n" in name or "\r" in name:
                raise ClosereadError(f"tag {name!r} contains a tab or line break and cannot be "
                                     "written to a PTC label file; rename it")
            technique = None if path.lower() == SI_TAG else name
            lines.setdefault(annotation.article_id, []).append(
                (annotation.start, annotation.end, technique))
    chosen = [a for a in library.articles.list()
              if (a.id == where.article_id if where.article_id
                  else a.format == "ptc" or a.id in lines)]
    used: set[str] = set()
    files: dict[str, bytes] = {}
    for article in chosen:
        ptc_id = article.external_id or ""
        if not _SAFE_ID.match(ptc_id) or ptc_id in used:
            ptc_id = article.id
        used.add(ptc_id)
        files[f"article{ptc_id}.txt"] = library.articles.text(article.id).encode("utf-8")
        spans = sorted(lines.get(article.id, []), key=lambda s: (s[0], s[1], s[2] or ""))
        tc = [f"{ptc_id}\t{t}\t{s}\t{e}\n" for s, e, t in spans if t is not None]
        si = [f"{ptc_id}\t{s}\t{e}\n" for s, e, t in spans if t is None]
        files[f"article{ptc_id}.task2-TC.labels"] = "".join(tc).encode("utf-8")
        if si:
            files[f"article{ptc_id}.task1-SI.labels"] = "".join(si).encode("utf-8")
        report.articles += 1
        report.tc_lines += len(tc)
        report.si_lines += len(si)
    write_files_whole(folder, files)
    return report


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
