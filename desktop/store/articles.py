"""Articles: adding, finding by id, id prefix or external id, listing with counts."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.core.errors import AmbiguousArticleError, ArticleNotFoundError
from desktop.core.model import Article, new_id, now_iso, text_sha256
from desktop.core.names import shown

if TYPE_CHECKING:
    from desktop.store.library import Library

_LIST_COLUMNS = (
    "a.id, a.external_id, a.title, a.outlet, a.author, a.published, a.url, a.language, "
    "a.format, a.text_sha256, a.source_path, a.imported_at, a.updated_at"
)
_COUNTS = (
    "(SELECT count(*) FROM annotations n WHERE n.article_id = a.id AND n.deleted IS NULL) "
    "AS annotation_count, "
    "(SELECT count(*) FROM annotations n WHERE n.article_id = a.id AND n.deleted IS NULL "
    "AND n.anchor_state = 'orphan') AS orphan_count"
)


@dataclass(frozen=True)
class NewArticle:
    """What an import has made of a file, ready to store."""

    title: str
    text: str
    format: str
    layout: str | None = None
    external_id: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    source: str | None = None
    source_path: str | None = None
    import_report: str = ""


class Articles:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def add(self, new: NewArticle) -> tuple[Article, bool]:
        """Stores ``new``; returns the article and whether it was added.

        An article whose text is already in the library is not added again: the one
        there is returned (re-importing is a no-op).
        """
        with self.library.transaction():
            return self.add_in_transaction(new)

    def add_in_transaction(self, new: NewArticle) -> tuple[Article, bool]:
        """``add`` for a caller that holds a transaction (an import of many files)."""
        digest = text_sha256(new.text)
        row = self.db.execute("SELECT id FROM articles WHERE text_sha256 = ?",
                              [digest]).fetchone()
        if row:
            return self.get(row[0]), False
        now = now_iso()
        record: dict[str, object] = {
            "id": new_id(),
            "external_id": new.external_id,
            "title": new.title,
            "outlet": new.outlet,
            "author": new.author,
            "published": new.published,
            "url": new.url,
            "language": new.language,
            "format": new.format,
            "source": new.source,
            "source_path": new.source_path,
            "text": new.text,
            "layout": new.layout,
            "text_sha256": digest,
            "import_report": new.import_report,
            "imported_at": now,
            "updated_at": now,
        }
        # one INSERT (sqlite-utils' insert() reads the table's shape first: four statements
        # an article, a tenth of a web page's import)
        self.db.conn.execute(
            f"INSERT INTO articles ({', '.join(record)}) VALUES ({', '.join('?' * len(record))})",
            list(record.values()))
        return self._article(record, annotation_count=0, orphan_count=0), True

    def get(self, ref: str) -> Article:
        """The article named by ``ref``: its id, a unique prefix of it, or its external id."""
        ref = ref.strip()
        rows = self._rows("a.id = ?", [ref])
        if not rows and ref:
            rows = self._rows("a.external_id = ?", [ref])
        if not rows and is_id_prefix(ref):
            rows = self._rows("a.id LIKE ? ESCAPE '\\'", [like_prefix(ref)])
            if len(rows) > 1:
                raise AmbiguousArticleError(
                    f"article {shown(ref)} is ambiguous: {len(rows)} articles have ids starting "
                    "with it; give more of the id"
                )
        if not rows:
            raise ArticleNotFoundError(
                f"no article {shown(ref)}: give an id, a unique id prefix (4 characters or "
                "more) or an external id; `closeread articles` lists them"
            )
        if len(rows) > 1:
            raise AmbiguousArticleError(
                f"external id {ref!r} names {len(rows)} articles; use an id instead")
        return rows[0]

    def text(self, article_id: str) -> str:
        row = self.db.execute("SELECT text FROM articles WHERE id = ?", [article_id]).fetchone()
        if not row:
            raise ArticleNotFoundError(f"no article {article_id!r}")
        return str(row[0])

    def layout(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT layout FROM articles WHERE id = ?",
                              [article_id]).fetchone()
        return row[0] if row else None

    def list(self, order: str = "imported") -> builtins.list[Article]:
        """Every article with its annotation counts, without the texts."""
        orders = {
            "imported": "a.imported_at, a.rowid",
            "title": "a.title COLLATE NOCASE",
            "published": "a.published IS NULL, a.published DESC",
            "outlet": "a.outlet IS NULL, a.outlet COLLATE NOCASE, a.title COLLATE NOCASE",
        }
        # counts in one grouped pass and plain tuples: a library of thousands of articles
        # lists in a few tens of milliseconds
        # the columns in the order of Article's fields (no text, no source)
        sql = (
            "SELECT a.id, a.title, '', a.format, a.text_sha256, a.external_id, a.author, "
            "a.outlet, a.published, a.url, a.language, NULL, a.source_path, a.imported_at, "
            "a.updated_at, coalesce(c.annotations, 0), coalesce(c.orphans, 0) "
            "FROM articles a LEFT JOIN (SELECT article_id, count(*) AS annotations, "
            "sum(anchor_state = 'orphan') AS orphans FROM annotations WHERE deleted IS NULL "
            f"GROUP BY article_id) c ON c.article_id = a.id ORDER BY {orders[order]}"
        )
        with self.library.errors():
            return [Article.from_values(row) for row in self.db.conn.execute(sql)]

    def ids_with(self, tag: str | None = None, annotator: str | None = None) -> set[str]:
        """Ids of the articles with at least one annotation matching ``tag`` (or a child tag)
        and ``annotator``."""
        clauses = ["n.deleted IS NULL"]
        params: builtins.list[object] = []
        if tag:
            found = self.library.tags.get(tag)
            clauses.append("n.id IN (SELECT at.annotation_id FROM annotation_tags at "
                           "JOIN tags t ON t.id = at.tag_id WHERE t.id = ? OR t.parent_id = ?)")
            params += [found.id, found.id]
        if annotator:
            clauses.append("n.annotator_id IN (SELECT id FROM annotators WHERE name = ?)")
            params.append(annotator)
        rows = self.db.execute(
            f"SELECT DISTINCT n.article_id FROM annotations n WHERE {' AND '.join(clauses)}",
            params)
        return {row[0] for row in rows}

    def annotation_counts(self, article_id: str) -> tuple[int, int]:
        """How many annotations the article has, and how many of them are orphans."""
        row = self.db.execute(
            "SELECT count(*), coalesce(sum(anchor_state = 'orphan'), 0) FROM annotations "
            "WHERE article_id = ? AND deleted IS NULL", [article_id]).fetchone()
        return int(row[0]), int(row[1])

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def find_by(self, field_name: str, value: str) -> Article | None:
        """The first article whose ``url`` or ``external_id`` is ``value``."""
        if field_name not in ("url", "external_id"):
            raise ValueError(field_name)
        rows = self._rows(f"a.{field_name} = ?", [value])
        return rows[0] if rows else None

    def find_by_hash(self, digest: str) -> Article | None:
        rows = self._rows("a.text_sha256 = ?", [digest])
        return rows[0] if rows else None

    def _rows(self, where: str, params: Iterable[object]) -> builtins.list[Article]:
        rows = self.db.query(
            f"SELECT {_LIST_COLUMNS}, a.text, a.source, {_COUNTS} FROM articles a "
            f"WHERE {where} LIMIT 3",
            list(params),
        )
        return [Article(**row) for row in rows]

    @staticmethod
    def _article(record: dict[str, object], **counts: int) -> Article:
        fields = {k: v for k, v in record.items() if k not in ("layout", "import_report")}
        return Article(**fields, **counts)  # type: ignore[arg-type]


# an id prefix is looked up with LIKE, whose patterns SQLite takes up to 50,000 bytes: a
# longer argument ("show" given a whole file) is no id prefix, and is not looked up
MAX_ID_PREFIX = 128


def is_id_prefix(ref: str) -> bool:
    """Whether ``ref`` may be looked up as the start of an id (4 characters or more)."""
    return 4 <= len(ref) <= MAX_ID_PREFIX


def like_prefix(prefix: str) -> str:
    """A LIKE pattern (with ESCAPE '\\') for values starting with ``prefix`` literally."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
