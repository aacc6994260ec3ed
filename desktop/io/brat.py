"""The brat standoff format: a ``.txt`` file per document and an ``.ann`` file beside it.

Offsets count the code points of the ``.txt`` file as its bytes decode with "utf-8", start
inclusive, end exclusive, line ends as they are (a CRLF is two characters; a byte-order
mark is U+FEFF at offset 0). brat's own server reads a text with CRLF line ends as if each
were one character (nlplab/brat#853), so an article with CRLFs is best turned to LF before
it is annotated in brat; annotations brat made on such a text fail the text check below
and are refused, never misplaced. Only text-bound annotations (``T`` lines) and their
``AnnotatorNotes`` carry over; Closeread has no relations, events or attributes.

Export (``export_brat``), for every article with exported passages:

- ``<name>.txt``: the article's text exactly, UTF-8; ``<name>`` is a slug of the title
  (ASCII letters, digits and ``-``, at most 40 characters) and the first 8 characters of
  the article's id, so names are unique and the same at every export;
- ``<name>.ann``: one ``T<n>⇥<Type> <start> <end>⇥<text>`` line per passage and tag, in
  text order. ``Type`` is the tag's name (not its path) with every character but ASCII
  letters, digits, ``_`` and ``-`` turned into ``_``, the only names brat keeps as they
  are (``Name_Calling,Labeling`` is written ``Name_Calling_Labeling``). A passage that
  crosses line breaks is written as brat writes one, in fragments ``start end;start end``
  split at the line breaks (and the spaces around them), the fragments' texts joined by a
  space; line breaks at the very start or end of
  a passage cannot be written and are left out. A note becomes
  ``#<n>⇥AnnotatorNotes T<k>⇥<note>`` on the passage's first ``T`` line, its line breaks
  and tabs turned into spaces (an ``.ann`` line cannot hold them);
- ``annotation.conf``: the exported types as ``[entities]``, child tags tab-indented under
  their parent, and empty ``[relations]``, ``[events]`` and ``[attributes]``, so the folder
  opens in brat as it is.

Passages without tags (brat needs a type), orphaned passages (their offsets no longer
point at their text) and passages of nothing but line breaks are left out and counted.
Every file is written to ``<file>.partial`` first and renamed once all are written.

Import (``import_brat``) takes ``.txt`` and ``.ann`` files and folders (recursively). Each
``X.txt`` is an article, stored exactly as its bytes decode (never cleaned), titled by
its first non-empty line, with no external id (brat file names are rarely unique across
corpora); a text already in the library is that article. Its sibling ``X.ann``, when
there is one, gives annotations of ``annotator``:

- a ``T`` line's type is the tag of that name, or of that name with ``_`` read as spaces,
  or the one tag an export writes as that type (so ``Name_Calling_Labeling`` is
  ``Name_Calling,Labeling`` again), else a new tag: under the parent that an
  ``annotation.conf`` in the same folder gives it (a type nested deeper goes under its
  top-level ancestor: Closeread tags nest one level), else at the top level;
- a discontinuous span (``a b;c d``) is one passage from its first start to its last end
  when only whitespace lies between the fragments; otherwise the file is refused;
- the text field must be the text at the offsets (fragments joined by a space);
- ``T`` lines with the same passage (in one file, or in two files of the same text) are
  one annotation carrying all their tags; the ``AnnotatorNotes`` on any of them become
  its note, several joined by a blank line;
- relations, events, attributes, normalizations, equivalences and other comments are
  left out and counted.

Annotation ids are derived from the article, the annotator and the offsets, so importing
the same files twice adds nothing the second time. ``import_brat_annotations`` adds the
annotations of ``.ann`` files to articles already in the library, found by the text of
the sibling ``.txt``. Any bad file or line imports nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from desktop.core.document import LINE_CONTROLS, plain_document
from desktop.core.errors import (
    ClosereadError,
    ImportFileError,
    InvalidArgumentError,
    UnknownTagError,
    readable,
)
from desktop.core.model import ORPHAN, Annotation, text_sha256
from desktop.core.names import validate_annotator_name
from desktop.core.tagsets import validate_tag_name
from desktop.core.wording import counted
from desktop.io.decoding import read_line_file, read_verbatim
from desktop.io.importer import FileOutcome
from desktop.io.output import write_files_whole
from desktop.io.ptc import IMPORT_FORMATS as _EARLIER_FORMATS
from desktop.store.annotations import AnnotationFilter
from desktop.store.articles import NewArticle
from desktop.store.interchange import (
    IncomingAnnotation,
    InterchangeReport,
    add_annotations_in_transaction,
    add_verbatim_article_in_transaction,
)
from desktop.store.library import Library

IMPORT_FORMATS = (*_EARLIER_FORMATS, "brat")
CONF_NAME = "annotation.conf"
# what str.splitlines() breaks at: brat reads .ann files line by line with such a reader
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_LINE_BREAK_RUN = re.compile(f"[\t{LINE_BREAKS}]+")
_T_ID = re.compile(r"^T[0-9]+\S*$")
_NUMBER = re.compile(r"^[0-9]+$")
MAX_OFFSET_DIGITS = 18  # past any text's length; Python refuses int() of 4,300 digits
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:closeread:brat-annotation")
# what the other kinds of brat line are, by the first character of their id
_IGNORED_KINDS = {"R": "relation", "E": "event", "A": "attribute", "M": "attribute",
                  "N": "normalization", "*": "equivalence", "#": "comment"}
_KIND_ORDER = ("relation", "event", "attribute", "normalization", "equivalence", "comment")


class BratError(ImportFileError):
    """A brat text, annotation or configuration file that cannot be imported; nothing was."""


# --- reading files -------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """A ``.txt`` file and the ``.ann`` file beside it, if any."""

    text_path: Path
    ann_path: Path | None


@dataclass(frozen=True)
class TextBound:
    """One ``T`` line, checked against its text."""

    line: int
    id: str
    type: str
    start: int  # the passage: the first fragment's start ...
    end: int  # ... to the last fragment's end


@dataclass
class AnnFile:
    """What an ``.ann`` file holds that Closeread keeps, and counts of what it leaves out."""

    path: Path
    entities: list[TextBound] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)  # T id -> notes, in order
    ignored: Counter[str] = field(default_factory=Counter)


def read_text(path: Path) -> str:
    """A ``.txt`` file exactly as its bytes decode with "utf-8" (brat's offsets count that)."""
    return read_verbatim(path, BratError, "a brat text")


def new_article(path: Path, text: str) -> NewArticle:
    """The article a ``.txt`` file stands for: its exact text, titled by its first line."""
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip("\ufeff \t\r"))
    return NewArticle(
        title=LINE_CONTROLS.sub("", lines[first]).strip("\ufeff \t\r") or path.stem,
        text=text,
        format="text",
        layout=plain_document(text, frozenset({first})).to_json(),
        source=text,
        source_path=readable(path),  # a name that is not UTF-8 with \xff escapes
    )


def read_ann(path: Path, text: str) -> AnnFile:
    """The text-bound annotations and notes of an ``.ann`` file; refuses the first bad line."""
    content = read_line_file(path, BratError, "brat annotations")
    found = AnnFile(path)
    defined: dict[str, int] = {}
    notes: list[tuple[int, str, str]] = []  # line, T id, note
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        ann_id, tab, rest = line.partition("\t")
        if not tab:
            raise BratError(where, "malformed line: expected an id (T1, R1, #1 …), a tab, "
                                   "then the annotation")
        kind = ann_id[:1]
        if kind == "T":
            entity = _text_bound(where, number, ann_id, rest, text)
            if entity.id in defined:
                raise BratError(where, f"{entity.id} is defined twice (first on line "
                                       f"{defined[entity.id]})")
            defined[entity.id] = number
            found.entities.append(entity)
        elif kind == "#" and rest.split("\t", 1)[0].split(" ", 1)[0] == "AnnotatorNotes":
            attached = _annotator_note(where, rest)
            if attached is None:
                found.ignored["comment"] += 1  # a note on a relation, an event …
            else:
                notes.append((number, *attached))
        elif kind in _IGNORED_KINDS:
            found.ignored[_IGNORED_KINDS[kind]] += 1
        else:
            raise BratError(where, f"unknown annotation id {ann_id!r}: brat ids start with "
                                   "T, R, E, A, M, N, # or *")
    for number, target, note in notes:
        if target not in defined:
            raise BratError(f"{path}: line {number}",
                            f"AnnotatorNotes on {target}, which is not in the file")
        if note:
            found.notes.setdefault(target, []).append(note)
    return found


def _text_bound(where: str, number: int, ann_id: str, rest: str, text: str) -> TextBound:
    columns = rest.split("\t", 1)
    if not _T_ID.match(ann_id) or len(columns) != 2:
        raise BratError(where, "malformed text-bound line: expected T<number>⇥TYPE START "
                               "END⇥TEXT (tab-separated)")
    data, quote = columns
    kind, _, offsets = data.partition(" ")
    if not kind.strip():
        raise BratError(where, f"{ann_id}: the type is empty")
    if "/" in kind:
        raise BratError(where, f"{ann_id}: the type {kind!r} contains '/', which Closeread "
                               "tag names cannot")
    try:
        validate_tag_name(kind)
    except InvalidArgumentError as error:
        raise BratError(where, f"{ann_id}: the type is not a tag name: {error.message}"
                        ) from None
    fragments = []
    for part in offsets.split(";"):
        numbers = part.split()
        if len(numbers) != 2 or not all(_NUMBER.match(n) for n in numbers):
            raise BratError(where, f"{ann_id}: bad offsets {_short(offsets)!r}: expected START "
                                   "END, or START END;START END for a discontinuous span")
        if any(len(n.lstrip("0")) > MAX_OFFSET_DIGITS for n in numbers):  # 00051 is 51
            raise BratError(where, f"{ann_id}: an offset of {_short(offsets)!r} has more than "
                                   f"{MAX_OFFSET_DIGITS} digits: far past the end of any text")
        start, end = int(numbers[0].lstrip("0") or "0"), int(numbers[1].lstrip("0") or "0")
        if end > len(text):
            raise BratError(where, f"{ann_id}: the span {start}..{end} is out of range: the "
                                   f"text has {len(text)} characters")
        if start >= end:
            raise BratError(where, f"{ann_id}: the span {start}..{end} is "
                                   + ("empty" if start == end else "reversed"))
        fragments.append((start, end))
    for (start, end), (next_start, next_end) in pairwise(sorted(fragments)):
        if next_start < end:
            raise BratError(where, f"{ann_id}: the fragments {start}..{end} and "
                                   f"{next_start}..{next_end} overlap")
        gap = text[end:next_start]
        if gap.strip():
            raise BratError(where, f"{ann_id}: a discontinuous span with {_short(gap)!r} "
                                   f"between its fragments ({end}..{next_start}); Closeread "
                                   "passages are continuous, so only whitespace may lie "
                                   "between fragments")
    expected = " ".join(text[start:end] for start, end in fragments)
    if quote != expected:
        raise BratError(where, f"{ann_id}: the text field {_short(quote)!r} is not the text "
                               f"at {offsets.strip()} ({_short(expected)!r})")
    ordered = sorted(fragments)
    return TextBound(number, ann_id, kind, ordered[0][0], ordered[-1][1])


def _annotator_note(where: str, rest: str) -> tuple[str, str] | None:
    """The T id and text of an AnnotatorNotes line; None when it is about no T line."""
    data, _, note = rest.partition("\t")
    words = data.split()
    if len(words) != 2:
        raise BratError(where, "malformed AnnotatorNotes line: expected #<number>⇥"
                               "AnnotatorNotes T<number>⇥NOTE")
    target = words[1]
    if not _T_ID.match(target):
        return None
    return target, note.strip()


def read_conf(path: Path) -> dict[str, str]:
    """For each nested ``[entities]`` type of an ``annotation.conf`` (in lower case), its
    top-level ancestor's type."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BratError(path, f"cannot read the file ({error.strerror})") from None
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad_line = data[: error.start].count(b"\n") + 1
        raise BratError(f"{path}: line {bad_line}", "not valid UTF-8") from None
    section = ""
    ancestors: list[str] = []  # the type at each depth of the current branch
    parents: dict[str, str] = {}
    for number, raw in enumerate(content.split("\n"), start=1):
        line = raw.rstrip("\r")
        header = re.match(r"^\s*\[(.*)\]\s*$", line)
        if header:
            section, ancestors = header.group(1).strip(), []
            continue
        if (section != "entities" or not line.strip() or line.lstrip().startswith("#")
                or re.match(r"^\s*-+\s*$", line) or re.match(r"^<[A-Za-z_-]+>=", line)):
            continue  # blanks, comments, separators and macros, as brat reads them
        indent = len(line) - len(line.lstrip())
        term = line.split()[0].split("|")[0].lstrip("!")
        if not term:
            continue
        control = LINE_CONTROLS.search(term)
        if control:  # a type becomes a tag, and tag names hold no control characters
            raise BratError(f"{path}: line {number}", f"the type {term!r} contains a control "
                                                      f"character (U+{ord(control.group()):04X})")
        depth = min(indent, len(ancestors))
        del ancestors[depth:]
        if ancestors:
            parents[term.lower()] = ancestors[0]
        ancestors.append(term)
    return parents


def _walk(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / n for n in sorted(names) if not n.startswith("."))
    return found


def _document(path: Path) -> Document:
    """The document a ``.txt`` or ``.ann`` file belongs to."""
    text_path, ann_path = path.with_suffix(".txt"), path.with_suffix(".ann")
    if path.suffix == ".ann" and not text_path.is_file():
        raise BratError(path, f"no {text_path.name} beside it: brat annotations need their "
                              "text file")
    return Document(text_path, ann_path if ann_path.is_file() else None)


def documents(paths: Iterable[Path]) -> tuple[list[Document], list[FileOutcome]]:
    """The documents under ``paths`` (folders recursively, in name order), and the other
    files of those folders, as skipped (brat's ``.conf`` files silently)."""
    found: dict[Path, Document] = {}
    skipped: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            for file in _walk(path):
                if file.suffix in (".txt", ".ann"):
                    document = _document(file)
                    found.setdefault(document.text_path, document)
                elif file.suffix != ".conf":
                    skipped.append(FileOutcome(file, "skipped", "not a brat document (.txt "
                                                                "or .ann)"))
        elif not path.exists():
            raise BratError(path, "no such file or folder")
        elif path.suffix in (".txt", ".ann"):
            document = _document(path)
            found.setdefault(document.text_path, document)
        else:
            raise BratError(path, "not a brat file: give .txt and .ann files, or folders")
    return list(found.values()), skipped


def annotation_documents(path: Path) -> list[Document]:
    """The documents with an ``.ann`` file under ``path`` (a file or a folder)."""
    if path.is_dir():
        found = [_document(f) for f in _walk(path) if f.suffix == ".ann"]
        if not found:
            raise BratError(path, "no .ann files in this folder")
        return found
    if not path.exists():
        raise BratError(path, "no such file or folder")
    if path.suffix not in (".txt", ".ann"):
        raise BratError(path, "not a brat file: give an .ann file (with its .txt) or a folder")
    document = _document(path)
    if document.ann_path is None:
        raise BratError(path, f"no {path.with_suffix('.ann').name} beside it: nothing to "
                              "import")
    return [document]


# --- from files to annotations -------------------------------------------------------------


@dataclass
class _Passage:
    """The T lines of one passage: where the first is, the tags and notes of all."""

    origin: str
    tags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _incoming(library: Library, files: Sequence[tuple[str, str, AnnFile]],
              annotator: str) -> list[IncomingAnnotation]:
    """One annotation per passage of ``files`` (article id, text, .ann), its tags and notes
    gathered from every T line with that passage."""
    confs: dict[Path, dict[str, str]] = {}
    tags: dict[tuple[str, str], str] = {}  # (type, parent) -> tag path
    passages: dict[tuple[str, int, int], _Passage] = {}
    texts: dict[str, str] = {}
    for article_id, text, ann in files:
        texts[article_id] = text
        folder = ann.path.parent
        if folder not in confs:
            conf = folder / CONF_NAME
            confs[folder] = read_conf(conf) if conf.is_file() else {}
        for entity in ann.entities:
            parent = confs[folder].get(entity.type.lower(), "")
            if (entity.type, parent) not in tags:
                tags[entity.type, parent] = _tag_path(library, entity.type, parent)
            passage = passages.setdefault((article_id, entity.start, entity.end),
                                          _Passage(f"{ann.path}: line {entity.line}"))
            passage.tags.append(tags[entity.type, parent])
            passage.notes.extend(ann.notes.get(entity.id, []))
    name = annotator.strip()
    return [
        IncomingAnnotation(
            origin=passage.origin,
            article_id=article_id,
            annotator=annotator,
            tags=tuple(dict.fromkeys(passage.tags)),
            note="\n\n".join(dict.fromkeys(passage.notes)),
            start=start,
            end=end,
            exact=texts[article_id][start:end],
            id=str(uuid.uuid5(_ID_NAMESPACE, "\x1f".join((article_id, name, str(start),
                                                            str(end))))),
        )
        for (article_id, start, end), passage in passages.items()
    ]


def _tag_path(library: Library, kind: str, parent: str) -> str:
    """The tag a brat type stands for: an existing one (by its name, its name with ``_``
    read as spaces, or the one tag whose name ``brat_type`` writes as ``kind``), else a
    new one under ``parent``."""
    for name in dict.fromkeys((kind, kind.replace("_", " "))):
        try:
            return library.tags.get(name).path
        except UnknownTagError:
            pass
    written_so = [t for t in library.tags.all(usage=False) if brat_type(t.name) == kind]
    if len(written_so) == 1:
        return written_so[0].path
    if parent and "/" not in parent:
        for name in dict.fromkeys((parent, parent.replace("_", " "))):
            try:
                parent = library.tags.get(name).name
                break
            except UnknownTagError:
                pass
        return f"{parent}/{kind}"
    return kind


def _count(ignored: Counter[str]) -> str:
    return ", ".join(counted(ignored[kind], kind) for kind in _KIND_ORDER if ignored[kind])


# --- import --------------------------------------------------------------------------------


@dataclass
class BratImportReport:
    articles: list[FileOutcome] = field(default_factory=list)
    annotations: InterchangeReport | None = None  # None: no .ann files
    ignored: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        added = sum(o.status == "imported" for o in self.articles)
        same = sum(o.status == "unchanged" for o in self.articles)
        skipped = sum(o.status == "skipped" for o in self.articles)
        text = f"{added} imported, {same} already in the library, {skipped} skipped"
        if self.annotations is not None:
            text += f"; annotations: {self.annotations.summary()}"
        if self.ignored:
            text += f"; ignored: {_count(self.ignored)}"
        return text


@dataclass
class BratAnnotationsReport:
    annotations: InterchangeReport
    ignored: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        text = self.annotations.summary()
        return text + (f"; ignored: {_count(self.ignored)}" if self.ignored else "")


def import_brat(library: Library, paths: Iterable[str | Path],
                annotator: str = "") -> BratImportReport:
    """Imports brat documents (``.txt`` and ``.ann``) and their annotations: all or nothing."""
    given = [Path(p) for p in paths]
    found, skipped = documents(given)
    if not found:
        raise BratError(", ".join(str(p) for p in given) or ".",
                        "no brat documents (.txt files) found")
    if any(document.ann_path for document in found):
        annotator = validate_annotator_name(annotator)
    prepared = []
    for document in found:
        text = read_text(document.text_path)
        ann = read_ann(document.ann_path, text) if document.ann_path else None
        prepared.append((document, text, ann))
    report = BratImportReport()
    with library.transaction():
        files = []
        for document, text, ann in prepared:
            article, added = add_verbatim_article_in_transaction(
                library, new_article(document.text_path, text))
            report.articles.append(FileOutcome(
                document.text_path, "imported" if added else "unchanged",
                "" if added else f"same text as {article.id[:8]} ({article.title})", article))
            if ann is not None:
                files.append((article.id, text, ann))
                report.ignored += ann.ignored
        if files:
            report.annotations = add_annotations_in_transaction(
                library, _incoming(library, files, annotator))
    report.articles += skipped
    return report


def import_brat_annotations(library: Library, path: str | Path,
                            annotator: str) -> BratAnnotationsReport:
    """Adds the annotations of an ``.ann`` file (or a folder of them) to the articles with
    the text of their ``.txt`` files: all of them, or none."""
    annotator = validate_annotator_name(annotator)
    prepared = []
    for document in annotation_documents(Path(path)):
        assert document.ann_path is not None
        text = read_text(document.text_path)
        prepared.append((document.ann_path, document.text_path, text,
                         read_ann(document.ann_path, text)))
    ignored: Counter[str] = Counter()
    with library.transaction():
        files = []
        for ann_path, text_path, text, ann in prepared:
            article = library.articles.find_by_hash(text_sha256(text))
            if article is None:
                raise BratError(ann_path, f"no article in the library has the text of "
                                          f"{text_path.name}; import both with `closeread "
                                          "import --format brat`")
            files.append((article.id, text, ann))
            ignored += ann.ignored
        report = add_annotations_in_transaction(library, _incoming(library, files, annotator))
    return BratAnnotationsReport(report, ignored)


# --- export --------------------------------------------------------------------------------


@dataclass
class BratExportReport:
    articles: int = 0
    entities: int = 0  # T lines
    notes: int = 0  # AnnotatorNotes lines
    orphans: int = 0  # not written: their offsets no longer point at their text
    untagged: int = 0  # not written: brat needs a type
    line_breaks_only: int = 0  # not written: nothing is left between the line breaks
    trimmed: int = 0  # written without the line breaks at their start or end

    def summary(self, directory: str | Path) -> str:
        text = (f"wrote {counted(self.articles, 'article')} with "
                f"{counted(self.entities, 'text-bound annotation')} and "
                f"{counted(self.notes, 'note')} to {directory}")
        if self.orphans:
            text += f"; {counted(self.orphans, 'orphaned passage')} left out (the text has changed)"
        if self.untagged:
            text += f"; {counted(self.untagged, 'passage')} without tags left out"
        if self.line_breaks_only:
            text += f"; {counted(self.line_breaks_only, 'passage')} of only line breaks left out"
        if self.trimmed:
            text += (f"; {counted(self.trimmed, 'passage')} written without the line breaks at "
                     "the start or end")
        return text


_NOT_IN_A_TYPE = re.compile(r"[^A-Za-z0-9_-]")


def brat_type(tag_name: str) -> str:
    """A tag's name as a brat type: every character other than ASCII letters, digits,
    ``_`` and ``-`` becomes ``_`` (``Name_Calling,Labeling`` -> ``Name_Calling_Labeling``),
    as brat itself turns a type name into its storage form; an import maps it back."""
    return _NOT_IN_A_TYPE.sub("_", tag_name)


def file_name(title: str, article_id: str) -> str:
    """``<slug of the title>-<first 8 characters of the id>``: safe on every file system."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NAME_UNSAFE.sub("-", ascii_title).strip("-").lower()[:40].rstrip("-")
    return f"{slug or 'article'}-{article_id[:8]}"


def line_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` split at its line breaks, as brat splits a span: no fragment holds
    a line break, nor the whitespace next to one."""
    fragments = []
    piece = start
    for at in range(start, end + 1):
        if at < end and text[at] not in LINE_BREAKS:
            continue
        left, right = piece, at
        if left > start:  # just after a line break
            while left < right and text[left].isspace():
                left += 1
        if right < end:  # just before one
            while right > left and text[right - 1].isspace():
                right -= 1
        if left < right:
            fragments.append((left, right))
        piece = at + 1
    return fragments


def one_line(note: str) -> str:
    """A note as an ``.ann`` line can hold it: line breaks and tabs become spaces."""
    return _LINE_BREAK_RUN.sub(" ", note).strip()


def export_brat(library: Library, directory: str | Path,
                where: AnnotationFilter | None = None) -> BratExportReport:
    """Writes every article with a passage that ``where`` selects, and those passages, to
    ``directory`` as brat documents, with an ``annotation.conf`` for their types."""
    where = where or AnnotationFilter()
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ClosereadError(f"{folder}: not a folder; give a folder for the brat files")
    keep = library.tags.path_matcher(where.tag)
    report = BratExportReport()
    passages: dict[str, list[tuple[Annotation, list[tuple[str, str]]]]] = {}
    for annotation in library.annotations.iterate(where):
        if annotation.anchor_state == ORPHAN:
            report.orphans += 1
            continue
        tags = sorted(((name, path) for name, path in zip(annotation.tags, annotation.tag_paths,
                                                          strict=True) if keep(path)),
                      key=lambda tag: tag[1].lower())
        if not tags:
            report.untagged += 1
            continue
        passages.setdefault(annotation.article_id, []).append((annotation, tags))
    files: dict[str, bytes] = {}
    types: dict[str, dict[str, None]] = {}  # top-level type -> child types, in order
    for article in library.articles.list():
        if article.id not in passages:
            continue
        text = library.articles.text(article.id)
        lines = []
        numbers = Counter[str]()
        for annotation, tags in sorted(passages[article.id],
                                       key=lambda p: (p[0].start, p[0].end, p[0].id)):
            fragments = line_fragments(text, annotation.start, annotation.end)
            if not fragments:
                report.line_breaks_only += 1
                continue
            if (fragments[0][0], fragments[-1][1]) != (annotation.start, annotation.end):
                report.trimmed += 1
            offsets = ";".join(f"{s} {e}" for s, e in fragments)
            quote = " ".join(text[s:e] for s, e in fragments)
            first = f"T{numbers['T'] + 1}"
            for name, path in tags:
                numbers["T"] += 1
                lines.append(f"T{numbers['T']}\t{brat_type(name)} {offsets}\t{quote}\n")
                parent = path.rpartition("/")[0]
                if parent:
                    types.setdefault(brat_type(parent), {})[brat_type(name)] = None
                else:
                    types.setdefault(brat_type(name), {})
            note = one_line(annotation.note)
            if note:
                numbers["#"] += 1
                lines.append(f"#{numbers['#']}\tAnnotatorNotes {first}\t{note}\n")
        if not lines:
            continue
        name = file_name(article.title, article.id)
        if f"{name}.txt" in files:
            name = file_name(article.title, article.id.replace("-", ""))  # astronomically rare
        files[f"{name}.txt"] = text.encode("utf-8")
        files[f"{name}.ann"] = "".join(lines).encode("utf-8")
        report.articles += 1
        report.entities += numbers["T"]
        report.notes += numbers["#"]
    files[CONF_NAME] = annotation_conf(types).encode("utf-8")
    write_files_whole(folder, files)
    return report


def annotation_conf(types: dict[str, dict[str, None]]) -> str:
    """brat's ``annotation.conf`` declaring ``types`` (top-level type -> child types)."""
    entities = []
    for top in sorted(types, key=str.lower):
        entities.append(top)
        entities.extend(f"\t{child}" for child in sorted(types[top], key=str.lower)
                        if child.lower() not in {t.lower() for t in types})
    return ("# Written by Closeread: the tags of the exported passages, child tags indented\n"
            "# under their parent.\n\n[entities]\n" + "".join(f"{e}\n" for e in entities)
            + "\n[relations]\n\n[events]\n\n[attributes]\n")


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
