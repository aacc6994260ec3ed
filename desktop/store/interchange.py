"""Annotations and articles that come from other programs' files (JSON-LD, PTC labels).

Unlike an edit in the app, an import brings its own ids, annotators, tags and times, and
keeps them. Everything is checked before anything is written, and written in one
transaction, so a bad file changes nothing:

- the article must be in the library;
- offsets must lie inside its text, and when a quote is given too it must be exactly
  ``text[start:end]``; a quote alone is found in the text (its prefix and suffix choose
  among several occurrences);
- an id may occur once in the input; an id the library already has is skipped when the
  annotation there is the same (re-importing a file is a no-op), skipped when it was
  deleted there (a deletion is not undone by an import), and refused when it differs;
- a passage the library has under another id (same words, annotator, tags and note) is
  skipped as the same: formats without ids (PTC, brat) exported and imported back;
- tags are given by name or by path (``propaganda/Loaded_Language``). A tag the library
  does not have is created, with its parent when that is new too, at the end of the
  active tag set with the next free colour, as ``closeread tags add`` would; the report
  lists them. A path whose tag exists under another parent is refused.

Prefix and suffix are always recomputed from the article's text (invariant 4), so they
agree with the offsets whatever the file said.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.core.errors import (
    ClosereadError,
    ImportFileError,
    InvalidArgumentError,
    UnknownTagError,
)
from desktop.core.model import ANCHORED, ORPHAN, Article, iso_utc, new_id, now_iso, text_sha256
from desktop.core.selectors import Selection, quote_occurrences, select_range
from desktop.core.tagsets import validate_tag_name
from desktop.store.annotations import insert_rows
from desktop.store.articles import NewArticle

if TYPE_CHECKING:
    from desktop.store.library import Library


@dataclass(frozen=True)
class IncomingAnnotation:
    """One annotation as a file states it, ready to be checked and stored.

    ``origin`` says where it is in the input ("notes.jsonld: annotation 3"); every error
    about it starts with it. ``id`` None means a new id; ``created`` None means now and
    ``updated`` None means ``created``.
    """

    origin: str
    article_id: str
    annotator: str
    tags: tuple[str, ...] = ()
    note: str = ""
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    id: str | None = None
    created: str | None = None
    updated: str | None = None


@dataclass
class InterchangeReport:
    """What an import of annotations did."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # the same annotation is there
    deleted: list[str] = field(default_factory=list)  # deleted in the library: kept deleted
    orphaned: list[str] = field(default_factory=list)  # added as orphans: quote not found
    new_tags: list[str] = field(default_factory=list)  # paths of the tags created

    def summary(self) -> str:
        parts = [f"{len(self.added)} annotation{'s' if len(self.added) != 1 else ''} added",
                 f"{len(self.already)} already in the library"]
        if self.orphaned:
            parts.append(f"{len(self.orphaned)} of them kept as orphans (their quote is not "
                         "in the article's text)")
        if self.deleted:
            parts.append(f"{len(self.deleted)} deleted in the library (not restored)")
        if self.new_tags:
            parts.append(f"new tags: {', '.join(self.new_tags)}")
        return ", ".join(parts)


class AnnotationImportError(ImportFileError):
    """An annotation of an input file cannot be stored; nothing of the file was."""


# --- articles ------------------------------------------------------------------------------


def add_verbatim_article(library: Library, new: NewArticle) -> tuple[Article, bool]:
    """Stores ``new`` with its text exactly as given; returns the article and whether it was
    added. See ``add_verbatim_article_in_transaction``."""
    with library.transaction():
        return add_verbatim_article_in_transaction(library, new)


def add_verbatim_article_in_transaction(library: Library,
                                        new: NewArticle) -> tuple[Article, bool]:
    """``add_verbatim_article`` for a caller that holds a transaction.

    The text is not cleaned or rendered (PTC offsets count every character of the file,
    a byte-order mark included). A text already in the library is not added again; that
    article gains ``new.external_id`` when it has none. An external id that another
    article with a different text already carries is refused: re-anchoring a changed text
    is not an import's business.
    """
    db = library.db
    if new.external_id:
        row = db.execute(
            "SELECT id, text_sha256 FROM articles WHERE external_id = ? LIMIT 1",
            [new.external_id]).fetchone()
        if row and row[1] != text_sha256(new.text):
            raise ImportFileError(
                new.source_path or new.title,
                f"the library already has an article with external id {new.external_id!r} "
                f"({row[0][:8]}) and a different text; nothing was changed")
    existing = library.articles.find_by_hash(text_sha256(new.text))
    if existing is not None:
        if new.external_id and not existing.external_id:
            db.execute("UPDATE articles SET external_id = ? WHERE id = ?",
                       [new.external_id, existing.id])
            existing = library.articles.get(existing.id)
        return existing, False
    return library.articles.add_in_transaction(new)


def article_ids_by_external_id(library: Library,
                               external_ids: Iterable[str]) -> dict[str, list[str]]:
    """For each external id, the ids of the articles carrying it (none, one, or several)."""
    return _ids_by(library, "external_id", external_ids)


def article_ids_by_url(library: Library, urls: Iterable[str]) -> dict[str, list[str]]:
    """For each url, the ids of the articles with that url."""
    return _ids_by(library, "url", urls)


def _ids_by(library: Library, column: str, values: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with library.errors():
        for value in dict.fromkeys(values):
            rows = library.db.execute(
                f"SELECT id FROM articles WHERE {column} = ? ORDER BY imported_at, rowid",
                [value])
            found[value] = [row[0] for row in rows]
    return found


def article_exists(library: Library, article_id: str) -> bool:
    row = library.db.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone()
    return row is not None


# --- annotations ---------------------------------------------------------------------------


def add_annotations(library: Library,
                    items: Sequence[IncomingAnnotation]) -> InterchangeReport:
    """Checks every annotation of ``items``, then stores them all in one transaction."""
    with library.transaction():
        return add_annotations_in_transaction(library, items)


def add_annotations_in_transaction(library: Library,
                                   items: Sequence[IncomingAnnotation]) -> InterchangeReport:
    """``add_annotations`` for a caller that holds a transaction (an import that also adds
    the articles)."""
    plan = _Planner(library).plan(items)
    _write(library, plan)
    return plan.report


@dataclass(frozen=True)
class _Row:
    id: str
    item: IncomingAnnotation
    selection: Selection  # of an orphan: 0..0 and the quote and context as given
    tag_paths: tuple[str, ...]  # resolved (existing or planned) paths, sorted
    created: str
    updated: str
    state: str = ANCHORED


@dataclass
class _Plan:
    rows: list[_Row] = field(default_factory=list)
    # lower-case name -> (name, parent name or None), in the order they are to be made
    new_tags: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    report: InterchangeReport = field(default_factory=InterchangeReport)


class _Planner:
    """Reads, never writes: turns the input into rows to insert, or raises."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        self.texts: dict[str, str | None] = {}
        self.tags: dict[str, str] = {}  # lower-case input -> resolved path
        self.plan_ = _Plan()

    def plan(self, items: Sequence[IncomingAnnotation]) -> _Plan:
        seen: dict[str, str] = {}
        for item in items:
            annotation_id = _annotation_id(item)
            if annotation_id in seen:
                raise AnnotationImportError(
                    item.origin, f"the id {annotation_id} occurs twice in the input "
                    f"(first at {seen[annotation_id]})")
            seen[annotation_id] = item.origin
            row = self._row(annotation_id, item)
            state = self._existing(row)
            if state == "new":
                self.plan_.rows.append(row)
                self.plan_.report.added.append(row.id)
                if row.state == ORPHAN:
                    self.plan_.report.orphaned.append(row.id)
            elif state == "deleted":
                self.plan_.report.deleted.append(row.id)
            else:
                self.plan_.report.already.append(row.id)
        self.plan_.report.new_tags = sorted(
            (f"{parent}/{name}" if parent else name
             for name, parent in self.plan_.new_tags.values()), key=str.lower)
        return self.plan_

    # --- one annotation ----------------------------------------------------------------

    def _row(self, annotation_id: str, item: IncomingAnnotation) -> _Row:
        if not item.annotator or not item.annotator.strip():
            raise AnnotationImportError(item.origin, "the annotator's name is empty")
        text = self._text(item)
        selection, state = _selection(item, text)
        paths = tuple(sorted(dict.fromkeys(self._tag(item, t) for t in item.tags),
                             key=str.lower))
        created = _timestamp(item, item.created, "created") or now_iso()
        updated = _timestamp(item, item.updated, "modified") or created
        return _Row(annotation_id, item, selection, paths, created, updated, state)

    def _text(self, item: IncomingAnnotation) -> str:
        if item.article_id not in self.texts:
            row = self.db.execute("SELECT text FROM articles WHERE id = ?",
                                  [item.article_id]).fetchone()
            self.texts[item.article_id] = str(row[0]) if row else None
        text = self.texts[item.article_id]
        if text is None:
            raise AnnotationImportError(item.origin,
                                        f"no article {item.article_id!r} in the library")
        return text

    def _tag(self, item: IncomingAnnotation, wanted: str) -> str:
        key = wanted.strip().lower()
        if key in self.tags:
            return self.tags[key]
        parent, _, name = wanted.strip().rpartition("/")
        try:
            name = validate_tag_name(name)
            if parent:
                parent = validate_tag_name(parent)
        except InvalidArgumentError as error:
            raise AnnotationImportError(item.origin, f"tag {wanted!r}: {error.message}"
                                        ) from None
        planned = self.plan_.new_tags.get(name.lower())
        try:
            path = self.library.tags.get(wanted).path
        except UnknownTagError:
            if planned and (not parent or parent.lower() == (planned[1] or "").lower()):
                path = f"{planned[1]}/{planned[0]}" if planned[1] else planned[0]
            else:
                path = self._new_tag(item, wanted, name, parent)
        self.tags[key] = path
        return path

    def _new_tag(self, item: IncomingAnnotation, wanted: str, name: str, parent: str) -> str:
        """The path of a tag to create, after checking it can be created as asked."""
        planned = self.plan_.new_tags
        clash = self._tag_named(name)
        if clash is not None or name.lower() in planned:
            where = clash if clash is not None else planned[name.lower()][1]
            raise AnnotationImportError(
                item.origin, f"tag {wanted!r}: the tag {name!r} exists "
                + (f"under {where!r}" if where else "at the top level")
                + "; rename one of them or change the file")
        if parent:
            parent_of_parent = self._tag_named(parent)
            known = parent_of_parent is not None
            if known and parent_of_parent:
                raise AnnotationImportError(
                    item.origin, f"tag {wanted!r}: tags nest one level, and {parent!r} is "
                    f"itself under {parent_of_parent!r}")
            if not known:
                if parent.lower() in planned and planned[parent.lower()][1]:
                    raise AnnotationImportError(
                        item.origin, f"tag {wanted!r}: tags nest one level")
                planned.setdefault(parent.lower(), (parent, None))
        planned[name.lower()] = (name, parent or None)
        return f"{parent}/{name}" if parent else name

    def _tag_named(self, name: str) -> str | None:
        """None when no tag is called ``name``; else its parent's name ('' at the top)."""
        row = self.db.execute(
            "SELECT coalesce(p.name, '') FROM tags t LEFT JOIN tags p ON p.id = t.parent_id "
            "WHERE t.name = ? COLLATE NOCASE", [name]).fetchone()
        return None if row is None else str(row[0])

    def _twin(self, row: _Row) -> bool:
        """True when the library already has this passage under another id: the same
        words of the article, by the same annotator, with the same tags and note. Formats
        without ids (PTC, brat) get ids derived from the file, not the library's, so
        without this a passage exported and imported back would be doubled."""
        if row.state != ANCHORED:
            return False
        item, sel = row.item, row.selection
        twins = [r[0] for r in self.db.execute(
            'SELECT n.id FROM annotations n JOIN annotators r ON r.id = n.annotator_id '
            'WHERE n.article_id = ? AND n.start = ? AND n."end" = ? AND n.deleted IS NULL '
            "AND n.anchor_state = ? AND r.name = ? AND n.note = ?",
            [item.article_id, sel.start, sel.end, ANCHORED, item.annotator.strip(),
             item.note])]
        wanted = sorted(path.lower() for path in row.tag_paths)
        return any(sorted(path.lower() for path in self._paths_of(twin)) == wanted
                   for twin in twins)

    def _paths_of(self, annotation_id: str) -> list[str]:
        return [str(r[0]) for r in self.db.execute(
            "SELECT coalesce(p.name || '/', '') || t.name FROM annotation_tags at "
            "JOIN tags t ON t.id = at.tag_id LEFT JOIN tags p ON p.id = t.parent_id "
            "WHERE at.annotation_id = ?", [annotation_id])]

    def _existing(self, row: _Row) -> str:
        """'new', 'deleted' or 'same'; raises when the library has a different annotation
        with this id."""
        found = self.db.execute(
            'SELECT n.article_id, r.name, n.start, n."end", n.exact, n.note, n.created, '
            "n.updated, n.deleted FROM annotations n JOIN annotators r ON r.id = n.annotator_id "
            "WHERE n.id = ?", [row.id]).fetchone()
        if found is None:
            return "same" if self._twin(row) else "new"
        article_id, annotator, start, end, exact, note, created, updated, deleted = found
        if deleted:
            return "deleted"
        paths = tuple(sorted(self._paths_of(row.id), key=str.lower))
        item = row.item
        differences = [
            what for what, theirs, ours in (
                ("article", article_id, item.article_id),
                ("annotator", annotator, item.annotator.strip()),
                # an orphan's offsets point nowhere: its quote is what it is
                ("offsets", (start, end) if row.state == ANCHORED else None,
                 (row.selection.start, row.selection.end) if row.state == ANCHORED else None),
                ("quote", exact, row.selection.exact),
                ("note", note, item.note),
                ("tags", [p.lower() for p in paths], [p.lower() for p in row.tag_paths]),
                ("created", created, row.created if item.created else created),
                ("modified", updated, row.updated if item.updated else updated),
            ) if theirs != ours
        ]
        if differences:
            raise AnnotationImportError(
                item.origin, f"the library already has annotation {row.id} with a different "
                f"{', '.join(differences)}; nothing was imported")
        return "same"


def _annotation_id(item: IncomingAnnotation) -> str:
    if item.id is None:
        return new_id()
    try:
        return str(uuid.UUID(item.id))
    except (ValueError, AttributeError, TypeError):
        raise AnnotationImportError(item.origin, f"the id {item.id!r} is not a UUID") from None


def _selection(item: IncomingAnnotation, text: str) -> tuple[Selection, str]:
    """Both selectors of the passage, from the offsets, the quote, or both, and whether it
    is anchored. A quote given alone that is not in the text (with its prefix and suffix)
    is an orphan, kept with its quote as a re-anchoring keeps one (an orphan exported by
    Closeread has only its quote): never dropped, never placed on other words."""
    length = len(text)
    if (item.start is None) != (item.end is None):
        raise AnnotationImportError(item.origin, "a start offset needs an end offset too")
    if item.start is not None and item.end is not None:
        start, end = item.start, item.end
        if not (_is_int(start) and _is_int(end)):
            raise AnnotationImportError(
                item.origin, f"offsets must be whole numbers (got {start!r} and {end!r})")
        if start < 0 or end > length or start >= end:
            problem = ("is empty or reversed" if start >= 0 and end <= length
                       else f"is out of range: the article has {length} characters")
            raise AnnotationImportError(item.origin, f"the passage {start}..{end} {problem}")
        if item.exact is not None and text[start:end] != item.exact:
            raise AnnotationImportError(
                item.origin, f"the text at {start}..{end} is {_short(text[start:end])!r}, "
                f"not the quote {_short(item.exact)!r}")
        return select_range(text, start, end), ANCHORED
    if item.exact is None:
        raise AnnotationImportError(
            item.origin, "no selector: give a TextPositionSelector or a TextQuoteSelector")
    if not item.exact:
        raise AnnotationImportError(item.origin, "the quote is empty")
    found = _find_quote(item, text)
    if found is None:
        return Selection(0, 0, item.exact, item.prefix or "", item.suffix or ""), ORPHAN
    return select_range(text, *found), ANCHORED


def _find_quote(item: IncomingAnnotation, text: str) -> tuple[int, int] | None:
    """Where the quote is, with its prefix and suffix; None when it is nowhere."""
    exact = item.exact or ""
    starts = quote_occurrences(text, exact)
    fitting = [at for at in starts
               if text[:at].endswith(item.prefix or "")
               and text[at + len(exact):].startswith(item.suffix or "")]
    if not fitting:
        return None
    if len(fitting) > 1:
        raise AnnotationImportError(
            item.origin, f"the quote {_short(exact)!r} occurs {len(fitting)} times in the "
            "article; give a TextPositionSelector too")
    return fitting[0], fitting[0] + len(exact)


def _timestamp(item: IncomingAnnotation, value: str | None, what: str) -> str | None:
    """``value`` as the ISO 8601 UTC time the library stores; None stays None."""
    if value is None:
        return None
    try:
        return iso_utc(str(value))
    except ValueError as error:  # the reason: month 13, year 0, out of range in UTC …
        raise AnnotationImportError(
            item.origin, f"{what} time {value!r} is not an ISO 8601 date and time ({error})"
        ) from None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _write(library: Library, plan: _Plan) -> None:
    tags = library.tags
    try:
        for name, parent in plan.new_tags.values():
            if parent is None:
                tags.add(name)
        for name, parent in plan.new_tags.values():
            if parent is not None:
                tags.add(name, parent=parent)
    except ClosereadError as error:  # checked above; a second process may have raced us
        raise AnnotationImportError("tags", error.message) from None
    tag_ids = {str(path).lower(): str(tag_id) for tag_id, path in library.db.execute(
        "SELECT t.id, coalesce(p.name || '/', '') || t.name FROM tags t "
        "LEFT JOIN tags p ON p.id = t.parent_id")}
    annotators: dict[str, str] = {}
    rows: list[tuple[object, ...]] = []
    links: list[tuple[str, str]] = []
    for row in plan.rows:
        name = row.item.annotator.strip()
        if name not in annotators:
            annotators[name] = library.annotations.annotator(name).id
        sel = row.selection
        rows.append((row.id, row.item.article_id, annotators[name], sel.start, sel.end,
                     sel.exact, sel.prefix, sel.suffix, row.item.note, row.state,
                     row.created, row.updated))
        links.extend((row.id, tag_ids[path.lower()]) for path in row.tag_paths)
    insert_rows(library, rows, links)
