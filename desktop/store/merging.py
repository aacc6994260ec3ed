"""Merging bundles into a library: idempotent, deletions respected, changed texts re-anchored.

Every bundle of one merge goes in one transaction: a bundle that breaks a rule anywhere
leaves the library as it was. Bundles are checked (``desktop.core.bundle.check``) before
they get here. The rules, in the order the merge applies them:

- **Annotators** are matched by id, else by name; new ones keep their id.
- **Tags** are matched by name (names are unique in a library); new ones are made with the
  bundle's colour and description, under their parent, at the end of the active set.
- **Articles** are matched by id, else by text hash (invariant 5); new ones keep their id.
  When an article matched by id has another text, the later ``updated_at`` wins: a newer
  text in the bundle replaces the library's, whose annotations re-anchor as on any text
  change (a revision keeps the old text); an older one stays out, and the bundle's
  annotations re-anchor from the bundle's text onto the library's.
- **Annotations** are matched by id. A new one is added where it anchors, or as an orphan
  (kept, listed, never placed on unrelated words). For one the library has, a deletion on
  either side wins and is never undone (invariant 6); otherwise the later ``updated`` wins
  and equal ones are skipped. An update whose passage no longer anchors keeps the
  library's passage and takes the tags, note and annotator. A deletion the library never
  saw is recorded, so that no later bundle brings the annotation back.

Merging the same bundle again finds everything the same and changes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.core.anchoring import Anchor, Anchoring, reanchor
from desktop.core.bundle import (
    Bundle,
    BundleAnnotation,
    BundleArticle,
    BundleError,
    BundleTag,
    LayoutError,
    checked_layout,
)
from desktop.core.errors import ClosereadError, InvalidArgumentError
from desktop.core.model import ANCHORED, ORPHAN, now_iso
from desktop.core.names import one_line, validate_annotator_name
from desktop.core.selectors import CONTEXT_CHARS
from desktop.store.articles import NewArticle
from desktop.store.fts import indexed_together
from desktop.store.revisions import replace_text

if TYPE_CHECKING:
    from desktop.store.library import Library

SKIP_SAME = "unchanged"
SKIP_OLDER = "newer in the library"
SKIP_DELETED_HERE = "deleted in the library"
SKIP_DELETED_THERE = "deleted in the bundle"
_BATCH = 500  # ids per IN (...): well under SQLite's limit of bound parameters


@dataclass
class MergeReport:
    """What merging one bundle did."""

    origin: str
    articles_added: list[str] = field(default_factory=list)
    articles_matched_by_text: list[str] = field(default_factory=list)
    articles_unchanged: list[str] = field(default_factory=list)
    texts_replaced: list[str] = field(default_factory=list)  # the bundle's text was newer
    texts_kept: list[str] = field(default_factory=list)  # the library's text was newer
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    quotes: dict[str, str] = field(default_factory=dict)  # orphaned id -> its quote
    skipped: Counter[str] = field(default_factory=Counter)
    new_tags: list[str] = field(default_factory=list)
    new_annotators: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.articles_added or self.texts_replaced or self.added or self.updated
                    or self.deleted or self.orphaned or self.new_tags or self.new_annotators
                    or self.skipped[SKIP_DELETED_THERE])

    def summary(self) -> str:
        articles = _parts(
            (len(self.articles_added), "added"),
            (len(self.articles_matched_by_text), "matched by text"),
            (len(self.texts_replaced), "text replaced by the bundle's newer one"),
            (len(self.texts_kept), "text kept (the library's is newer)"),
            (len(self.articles_unchanged), "unchanged"))
        annotations = _parts(
            (len(self.added), "added"), (len(self.updated), "updated"),
            (len(self.deleted), "deleted"), (len(self.orphaned), "orphaned"),
            (sum(self.skipped.values()), "skipped"))
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
            annotations += f" ({reasons})"
        line = f"{self.origin}: articles: {articles}; annotations: {annotations}"
        if self.new_tags:
            line += f"; new tags: {', '.join(self.new_tags)}"
        if self.new_annotators:
            line += f"; new annotators: {', '.join(self.new_annotators)}"
        return line

    def as_dict(self) -> dict[str, object]:
        return {
            "bundle": self.origin,
            "articles": {
                "added": self.articles_added,
                "matched_by_text": self.articles_matched_by_text,
                "unchanged": self.articles_unchanged,
                "text_replaced": self.texts_replaced,
                "text_kept": self.texts_kept,
            },
            "annotations": {
                "added": self.added,
                "updated": self.updated,
                "deleted": self.deleted,
                "orphaned": self.orphaned,
                "skipped": dict(sorted(self.skipped.items())),
            },
            "new_tags": self.new_tags,
            "new_annotators": self.new_annotators,
        }


def _parts(*counts: tuple[int, str]) -> str:
    shown = [f"{n} {what}" for n, what in counts if n]
    return ", ".join(shown) if shown else "none"


class _DryRun(Exception):
    def __init__(self, reports: list[MergeReport]) -> None:
        super().__init__("dry run")
        self.reports = reports


def merge(library: Library, bundles: Sequence[Bundle], dry_run: bool = False
          ) -> list[MergeReport]:
    """Merges ``bundles`` in order, all in one transaction; with ``dry_run`` the
    transaction is rolled back and only the reports remain."""
    try:
        with library.transaction():
            reports = []
            for bundle in bundles:
                # indexed bundle by bundle: a later bundle may change what an earlier one
                # added, and a change re-indexes a row, which must be in the index first
                with indexed_together(library, len(bundle.annotations)):
                    reports.append(_Merger(library, bundle).run())
            if dry_run:
                raise _DryRun(reports)
    except _DryRun as rolled_back:
        return rolled_back.reports
    return reports


@dataclass(frozen=True)
class _Here:
    """An annotation as the library has it."""

    article_id: str
    annotator_id: str
    start: int
    end: int
    exact: str
    state: str
    note: str
    updated: str
    deleted: str | None
    tag_ids: frozenset[str]


class _Merger:
    def __init__(self, library: Library, bundle: Bundle) -> None:
        self.library = library
        self.db = library.db
        self.bundle = bundle
        self.report = MergeReport(bundle.origin)
        self.annotators: dict[str, str] = {}  # bundle id -> library id
        self.tags: dict[str, str] = {}  # lower-case bundle path -> library tag id
        self.articles: dict[str, str] = {}  # bundle id -> library id
        self.texts: dict[str, str] = {}  # library article id -> its text after the merge
        self.new_rows: list[tuple[object, ...]] = []  # written by _flush
        self.new_links: list[tuple[str, str]] = []
        self.new_history: list[tuple[object, ...]] = []

    def fail(self, problem: str) -> BundleError:
        return BundleError(self.bundle.origin, problem)

    def run(self) -> MergeReport:
        for annotator in self.bundle.annotators:
            self.annotators[annotator.id] = self._annotator(annotator.id, annotator.name)
        for tag in sorted(self.bundle.tags, key=lambda t: t.parent is not None):
            self.tags[tag.path.lower()] = self._tag(tag)
        for article in self.bundle.articles:
            self.articles[article.id] = self._article(article)
        by_article: dict[str, list[BundleAnnotation]] = defaultdict(list)
        for annotation in self.bundle.annotations:
            by_article[annotation.article_id].append(annotation)
        for article in self.bundle.articles:
            self._annotations(article, by_article.get(article.id, []))
        for annotation_id in self.report.orphaned:
            row = self.db.execute("SELECT exact FROM annotations WHERE id = ?",
                                  [annotation_id]).fetchone()
            self.report.quotes[annotation_id] = str(row[0])
        return self.report

    # --- annotators and tags -------------------------------------------------------------

    def _annotator(self, annotator_id: str, name: str) -> str:
        try:  # read bundles are checked already; a Bundle built elsewhere is not
            name = validate_annotator_name(name)
        except InvalidArgumentError as error:
            raise self.fail(f"annotator {annotator_id}: {error.message}") from None
        row = self.db.execute("SELECT id FROM annotators WHERE id = ?", [annotator_id]
                              ).fetchone()
        if row is None:
            row = self.db.execute("SELECT id FROM annotators WHERE name = ?", [name]).fetchone()
        if row is not None:
            return str(row[0])
        self.db.execute("INSERT INTO annotators (id, name) VALUES (?, ?)", [annotator_id, name])
        self.report.new_annotators.append(name)
        return annotator_id

    def _tag(self, tag: BundleTag) -> str:
        found = self._tag_id(tag.name)
        if found is not None:
            return found
        parent = tag.parent
        try:
            if parent is not None and self._tag_id(parent) is None:
                self.library.tags.add(parent)
                self.report.new_tags.append(parent)
            made = self.library.tags.add(tag.name, color=tag.color, parent=parent,
                                         description=tag.description)
        except ClosereadError as error:
            raise self.fail(f"tag {tag.path!r}: {error.message}") from None
        self.report.new_tags.append(made.path)
        return made.id

    def _tag_id(self, name: str) -> str | None:
        row = self.db.execute("SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [name]
                              ).fetchone()
        return None if row is None else str(row[0])

    # --- articles ------------------------------------------------------------------------

    def _article(self, article: BundleArticle) -> str:
        row = self.db.execute(
            "SELECT id, text_sha256, updated_at, text FROM articles WHERE id = ?",
            [article.id]).fetchone()
        if row is None:
            row = self.db.execute(
                "SELECT id, text_sha256, updated_at, text FROM articles WHERE text_sha256 = ?",
                [article.text_sha256]).fetchone()
            if row is None:
                self._add_article(article)
                return article.id
            self.report.articles_matched_by_text.append(str(row[0]))
            self.texts[row[0]] = row[3]
            return str(row[0])
        here_id, here_hash, here_updated, here_text = row
        if here_hash == article.text_sha256:
            self.report.articles_unchanged.append(here_id)
            self.texts[here_id] = here_text
            return str(here_id)
        clash = self.db.execute("SELECT 1 FROM articles WHERE text_sha256 = ?",
                                [article.text_sha256]).fetchone()
        if article.updated_at > here_updated and clash is None:
            fields, _ = self._one_line_fields(article)
            replaced = replace_text(self.library, here_id, NewArticle(
                title=fields["title"] or "", text=article.text, format=article.format,
                layout=self._layout(article), external_id=fields["external_id"],
                author=fields["author"], outlet=fields["outlet"],
                published=article.published, url=fields["url"],
                language=fields["language"]))
            self.report.texts_replaced.append(here_id)
            self.report.orphaned.extend(replaced.orphaned)
            self.texts[here_id] = article.text
        else:
            self.report.texts_kept.append(here_id)
            self.texts[here_id] = here_text
        return str(here_id)

    def _add_article(self, article: BundleArticle) -> None:
        fields, cleaned = self._one_line_fields(article)
        report = f"merged from {self.bundle.origin}"
        if cleaned:
            report += f"; control characters removed from the {' and '.join(cleaned)}"
        self.db.table("articles").insert({
            "id": article.id, **fields, "published": article.published,
            "format": article.format, "source": None, "source_path": None,
            "text": article.text, "layout": self._layout(article),
            "text_sha256": article.text_sha256, "import_report": report,
            "imported_at": now_iso(), "updated_at": article.updated_at or now_iso(),
        })
        self.report.articles_added.append(article.id)
        self.texts[article.id] = article.text

    @staticmethod
    def _one_line_fields(article: BundleArticle) -> tuple[dict[str, str | None], list[str]]:
        """The article's title and other one-line fields without control characters (as
        an import stores them: a line break or tab becomes a space, NUL, ESC and the rest
        are removed), and the names of the fields that held some."""
        fields: dict[str, str | None] = {}
        cleaned = []
        for name in ("title", "author", "outlet", "url", "external_id", "language"):
            value = getattr(article, name)
            if value is not None:
                value, removed = one_line(value)
                if removed:
                    cleaned.append(name.replace("_", " "))
                if not value and name != "title":
                    value = None
            fields[name] = value
        return fields, cleaned

    def _layout(self, article: BundleArticle) -> str | None:
        """The layout as the reader will read it, links kept only to http, https and
        mailto addresses (``check`` refused a layout it cannot read; this is the store's
        door, whoever built the bundle)."""
        if not article.layout or not article.layout.strip():
            return None
        try:
            return checked_layout(article.text, article.layout).to_json()
        except LayoutError as error:
            raise self.fail(f"article {article.id} ({article.title!r}): its \"layout\": "
                            f"{error}") from None

    # --- annotations ---------------------------------------------------------------------

    def _annotations(self, article: BundleArticle, items: list[BundleAnnotation]) -> None:
        here_id = self.articles[article.id]
        text = self.texts[here_id]
        live = [a for a in items if not a.deleted]
        moved = text != article.text
        if moved:
            results = reanchor(article.text, text, [
                Anchor(a.start, a.end, a.exact, a.prefix, a.suffix) for a in live])
        else:
            results = [_in_place(text, a) for a in live]
        placements = {a.id: r for a, r in zip(live, results, strict=True)}
        known = self._known([a.id for a in items])
        for annotation in items:
            self._annotation(annotation, here_id, placements.get(annotation.id), moved,
                             known.get(annotation.id))
        self._flush()

    def _flush(self) -> None:
        """Writes the new annotations of one article in three statements, not three per
        annotation: a merge of a big bundle is mostly inserts."""
        conn = self.db.conn
        conn.executemany(
            'INSERT INTO annotations (id, article_id, annotator_id, start, "end", exact, '
            "prefix, suffix, anchor_state, note, created, updated, deleted) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", self.new_rows)
        conn.executemany("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                         self.new_links)
        conn.executemany(
            "INSERT INTO annotation_history (annotation_id, revision_id, changed, method, "
            "old_state, old_start, old_end, old_exact, new_state, new_start, new_end, "
            "new_exact) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", self.new_history)
        self.new_rows, self.new_links, self.new_history = [], [], []

    def _annotation(self, annotation: BundleAnnotation, article_id: str,
                    placed: Anchoring | None, moved: bool, here: _Here | None) -> None:
        tag_ids = frozenset(self.tags[p.lower()] for p in annotation.tags)
        annotator_id = self.annotators[annotation.annotator_id]
        report = self.report
        if here is None:
            self._insert(annotation, article_id, annotator_id, placed, tag_ids)
            if annotation.deleted:
                report.skipped[SKIP_DELETED_THERE] += 1
            elif placed is not None and placed.state == ORPHAN:
                report.orphaned.append(annotation.id)
            else:
                report.added.append(annotation.id)
            if moved and placed is not None:
                self._history(annotation, placed)
            return
        if here.deleted:
            report.skipped[SKIP_SAME if annotation.deleted else SKIP_DELETED_HERE] += 1
            return
        if annotation.deleted:
            self.db.execute("UPDATE annotations SET deleted = ?, updated = ? WHERE id = ?",
                            [annotation.deleted, max(here.updated, annotation.updated),
                             annotation.id])
            report.deleted.append(annotation.id)
            return
        assert placed is not None
        anchors = placed.state == ANCHORED
        same = (here.article_id == article_id and here.annotator_id == annotator_id
                and here.note == annotation.note and here.tag_ids == tag_ids
                and (not anchors or (here.state, here.start, here.end, here.exact)
                     == (ANCHORED, placed.start, placed.end, placed.exact)))
        if same:
            report.skipped[SKIP_SAME] += 1
        elif annotation.updated > here.updated:
            self._update(annotation, article_id, annotator_id, placed if anchors else None,
                         tag_ids)
            report.updated.append(annotation.id)
            if moved and anchors:
                self._history(annotation, placed)
        else:
            report.skipped[SKIP_OLDER] += 1

    def _known(self, annotation_ids: list[str]) -> dict[str, _Here]:
        """The library's copies of these annotations, read a few hundred at a time."""
        known: dict[str, _Here] = {}
        for first in range(0, len(annotation_ids), _BATCH):
            batch = annotation_ids[first:first + _BATCH]
            marks = ", ".join("?" * len(batch))
            tags: dict[str, set[str]] = defaultdict(set)
            for annotation_id, tag_id in self.db.execute(
                    f"SELECT annotation_id, tag_id FROM annotation_tags "
                    f"WHERE annotation_id IN ({marks})", batch):
                tags[annotation_id].add(tag_id)
            for row in self.db.execute(
                    'SELECT id, article_id, annotator_id, start, "end", exact, anchor_state, '
                    f"note, updated, deleted FROM annotations WHERE id IN ({marks})", batch):
                (annotation_id, article_id, annotator_id, start, end, exact, state, note,
                 updated, deleted) = row
                known[annotation_id] = _Here(article_id, annotator_id, start, end, exact,
                                             state, note, updated, deleted,
                                             frozenset(tags[annotation_id]))
        return known

    def _insert(self, annotation: BundleAnnotation, article_id: str, annotator_id: str,
                placed: Anchoring | None, tag_ids: frozenset[str]) -> None:
        if placed is not None and placed.state == ANCHORED:
            selectors: tuple[object, ...] = (placed.start, placed.end, placed.exact,
                                             placed.prefix, placed.suffix, ANCHORED)
        else:  # an orphan, or a deletion: the selectors as the bundle has them
            selectors = (annotation.start, annotation.end, annotation.exact,
                         annotation.prefix, annotation.suffix,
                         ORPHAN if placed is not None else annotation.anchor_state)
        self.new_rows.append((annotation.id, article_id, annotator_id, *selectors,
                              annotation.note, annotation.created, annotation.updated,
                              annotation.deleted))
        self.new_links.extend((annotation.id, tag_id) for tag_id in sorted(tag_ids))

    def _update(self, annotation: BundleAnnotation, article_id: str, annotator_id: str,
                placed: Anchoring | None, tag_ids: frozenset[str]) -> None:
        self.db.execute(
            "UPDATE annotations SET article_id = ?, annotator_id = ?, note = ?, updated = ? "
            "WHERE id = ?",
            [article_id, annotator_id, annotation.note, annotation.updated, annotation.id])
        if placed is not None:
            self.db.execute(
                'UPDATE annotations SET start = ?, "end" = ?, exact = ?, prefix = ?, '
                "suffix = ?, anchor_state = ? WHERE id = ?",
                [placed.start, placed.end, placed.exact, placed.prefix, placed.suffix,
                 ANCHORED, annotation.id])
        self.db.execute("DELETE FROM annotation_tags WHERE annotation_id = ?", [annotation.id])
        self._link(annotation.id, tag_ids)

    def _link(self, annotation_id: str, tag_ids: frozenset[str]) -> None:
        self.db.conn.executemany(
            "INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
            [(annotation_id, tag_id) for tag_id in sorted(tag_ids)])

    def _history(self, annotation: BundleAnnotation, placed: Anchoring) -> None:
        """Where the bundle had the passage, on its own text, and where it landed here."""
        self.new_history.append(
            (annotation.id, None, now_iso(), f"merge: {placed.method}",
             annotation.anchor_state, annotation.start, annotation.end, annotation.exact,
             placed.state, placed.start, placed.end, placed.exact))


def _in_place(text: str, annotation: BundleAnnotation) -> Anchoring:
    """The placement of an annotation whose text did not change: where the bundle has it
    (checked to hold its quote), or an orphan still."""
    if annotation.anchor_state == ORPHAN:
        return Anchoring(ORPHAN, None, None, annotation.exact, annotation.prefix,
                         annotation.suffix, "orphan", 0.0)
    start, end = annotation.start, annotation.end
    return Anchoring(ANCHORED, start, end, text[start:end],
                     text[max(0, start - CONTEXT_CHARS):start],
                     text[end:end + CONTEXT_CHARS], "unchanged", 1.0)
