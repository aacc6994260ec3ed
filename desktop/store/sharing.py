"""Annotations and replies as the team server shares them: each one's group, who may read
it, and the searches and the change feed that keep to what a reader may see.

An annotation (or a reply, a row of ``replies``) is read by its author always, and by the
members of its group when it is shared with the group; ``__world__``'s members are
everyone with an account. Its group and whether it is shared live in
``annotation_access``; without a row there (anything the app or the command line made) an
annotation is shared with ``__world__``, and a reply takes its passage's. See
docs/server.md.

Every method that writes runs in one transaction of the library, so the server, the app
and the command line can write the same file at the same time (docs/architecture.md,
"Transactions").
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from desktop.core.changes import ANNOTATION, ARTICLE, GROUP, REPLY, Change
from desktop.core.errors import (
    AmbiguousQuoteError,
    InvalidArgumentError,
    NotFoundError,
    OffsetError,
    QuoteNotFoundError,
    UnknownTagError,
)
from desktop.core.model import ANCHORED, ORPHAN, Article, iso_utc, new_id, now_iso
from desktop.core.selectors import Selection, quote_occurrences, select_range
from desktop.store.accounts import WORLD
from desktop.store.annotations import insert_rows
from desktop.store.articles import NewArticle
from desktop.store.chunks import id_parts

if TYPE_CHECKING:
    from desktop.store.accounts import Accounts
    from desktop.store.library import Library

DEFAULT_ACCESS_SETTING = "team.new_passages"  # a group id, or "private"
PRIVATE = "private"
ARTICLE_URN = "urn:closeread:article:"  # an article's uri when it has no url (io/jsonld.py)
_CHUNK = 900  # ids per IN (...) list: SQLite allows 999 parameters by default

# the kinds of item
KIND_ANNOTATION = "annotation"
KIND_REPLY = "reply"

SORT_COLUMNS = {"created": "i.created", "updated": "i.updated", "id": "i.id",
                "user": "i.author", "group": "i.group_id"}


@dataclass(frozen=True)
class Reader:
    """Who asks, as far as reading goes: a user's name (None: anonymous), whether they
    read what is shared with ``__world__``, and the groups they are a member of."""

    name: str | None
    world: bool
    groups: frozenset[str] = frozenset()

    def may_read(self, author: str, group_id: str, shared: bool) -> bool:
        """The rule, as ``_readable_sql`` states it for SQL."""
        if self.name is not None and author == self.name:
            return True
        if not shared:
            return False
        return (self.world and group_id == WORLD) or group_id in self.groups


@dataclass(frozen=True)
class Passage:
    """Where a client says an annotation is: a position, a quote with its context, or
    both (a TextPositionSelector and a TextQuoteSelector)."""

    start: int | None = None
    end: int | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None


@dataclass(frozen=True)
class SharedItem:
    """An annotation or a reply with its group and readers. A reply has no passage and no
    tags; its ``references`` run from the passage it hangs from to its parent."""

    id: str
    kind: str  # KIND_ANNOTATION or KIND_REPLY
    article_id: str
    author: str
    author_display_name: str | None
    created: str
    updated: str
    deleted: str | None
    text: str  # an annotation's note, a reply's text
    group_id: str
    shared: bool  # False: private to its author
    tags: tuple[str, ...] = ()  # names
    tag_paths: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    start: int | None = None
    end: int | None = None
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    anchor_state: str | None = None


@dataclass(frozen=True)
class SearchQuery:
    """The filters of a search, Hypothesis's parameters made plain (docs/server.md)."""

    article_ids: tuple[str, ...] | None = None  # None: any article; (): none at all
    authors: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # every one of them (and child tags)
    any: str | None = None
    text: str | None = None
    quote: str | None = None
    references: tuple[str, ...] = ()
    limit: int = 20
    offset: int = 0
    sort: str = "updated"
    order: str = "desc"
    search_after: str | None = None
    top_level_only: bool = False  # Hypothesis's _separate_replies


@dataclass
class _Filters:
    clauses: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, clause: str, *params: object) -> None:
        self.clauses.append(clause)
        self.params.extend(params)


# Every annotation and reply with what reading and searching need: one row each. A reply
# without a row of its own in annotation_access takes its passage's group and sharing.
_ITEMS = f"""
WITH items AS (
    SELECT n.id AS id, '{KIND_ANNOTATION}' AS kind, n.id AS root, n.article_id AS article_id,
           r.name AS author, n.created AS created, n.updated AS updated,
           coalesce(x.group_id, '{WORLD}') AS group_id, coalesce(x.shared, 1) AS shared,
           n.rowid AS fts_rowid, '[]' AS refs, n.note AS body
      FROM annotations n JOIN annotators r ON r.id = n.annotator_id
      LEFT JOIN annotation_access x ON x.annotation_id = n.id
     WHERE n.deleted IS NULL
    UNION ALL
    SELECT p.id, '{KIND_REPLY}', p.annotation_id, n.article_id, coalesce(r.name, ''),
           p.created, p.updated, coalesce(x.group_id, y.group_id, '{WORLD}'),
           coalesce(x.shared, y.shared, 1), NULL, p."references", p.text
      FROM replies p JOIN annotations n ON n.id = p.annotation_id
      LEFT JOIN annotators r ON r.id = p.annotator_id
      LEFT JOIN annotation_access x ON x.annotation_id = p.id
      LEFT JOIN annotation_access y ON y.annotation_id = p.annotation_id
     WHERE p.deleted IS NULL
)
"""

_ANNOTATION_ROWS = f"""
SELECT n.id, n.article_id, r.name, u.display_name, n.created, n.updated, n.deleted, n.note,
       coalesce(x.group_id, '{WORLD}'), coalesce(x.shared, 1),
       (SELECT json_group_array(json_array(t.name, coalesce(p.name || '/', '') || t.name))
          FROM annotation_tags at JOIN tags t ON t.id = at.tag_id
          LEFT JOIN tags p ON p.id = t.parent_id WHERE at.annotation_id = n.id),
       n.start, n."end", n.exact, n.prefix, n.suffix, n.anchor_state
  FROM annotations n JOIN annotators r ON r.id = n.annotator_id
  LEFT JOIN users u ON u.name = r.name
  LEFT JOIN annotation_access x ON x.annotation_id = n.id
"""

_REPLY_ROWS = f"""
SELECT p.id, n.article_id, coalesce(r.name, ''), u.display_name, p.created, p.updated,
       p.deleted, p.text, coalesce(x.group_id, y.group_id, '{WORLD}'),
       coalesce(x.shared, y.shared, 1), p."references"
  FROM replies p JOIN annotations n ON n.id = p.annotation_id
  LEFT JOIN annotators r ON r.id = p.annotator_id
  LEFT JOIN users u ON u.name = r.name
  LEFT JOIN annotation_access x ON x.annotation_id = p.id
  LEFT JOIN annotation_access y ON y.annotation_id = p.annotation_id
"""

_ARTICLE_SUMMARY = (
    "SELECT a.id, a.title, '', a.format, a.text_sha256, a.external_id, a.author, a.outlet, "
    "a.published, a.url, a.language, NULL, NULL, a.imported_at, a.updated_at, 0, 0 "
    "FROM articles a")


class Sharing:
    """The annotations' groups and readers, over one library (``library.accounts.sharing``)."""

    def __init__(self, library: Library, accounts: Accounts) -> None:
        self.library = library
        self.accounts = accounts
        self.db = library.db

    # --- who reads -------------------------------------------------------------------------

    def reader(self, user_name: str | None, anonymous_world: bool = False) -> Reader:
        """The reader for a user (None: anonymous, who reads ``__world__`` only when the
        server says so)."""
        if user_name is None:
            return Reader(None, anonymous_world)
        groups = frozenset(g.id for g in self.accounts.groups(member=user_name))
        return Reader(user_name, True, groups - {WORLD})

    # --- reading ---------------------------------------------------------------------------

    def items(self, ids: Iterable[str], reader: Reader | None = None,
              deleted: bool = False) -> dict[str, SharedItem]:
        """Those of ``ids`` that exist (and are not deleted, unless ``deleted``), by id;
        with a ``reader``, only those they may read."""
        wanted = builtins.list(dict.fromkeys(ids))
        found: dict[str, SharedItem] = {}
        alive_n = "" if deleted else " AND n.deleted IS NULL"
        alive_p = "" if deleted else " AND p.deleted IS NULL"
        conn = self.db.conn
        with self.library.errors():
            for at in range(0, len(wanted), _CHUNK):
                part = wanted[at:at + _CHUNK]
                marks = ",".join("?" * len(part))
                for row in conn.execute(f"{_ANNOTATION_ROWS} WHERE n.id IN ({marks}){alive_n}",
                                        part):
                    item = _annotation_item(row)
                    found[item.id] = item
                for row in conn.execute(f"{_REPLY_ROWS} WHERE p.id IN ({marks}){alive_p}", part):
                    item = _reply_item(row)
                    found.setdefault(item.id, item)
        if reader is not None:
            found = {key: item for key, item in found.items()
                     if reader.may_read(item.author, item.group_id, item.shared)}
        return found

    def item(self, item_id: str, reader: Reader | None = None) -> SharedItem | None:
        """The annotation or reply ``item_id`` (exactly that id), if it is there and, with
        a ``reader``, theirs to read."""
        return self.items([item_id], reader).get(item_id)

    def article_summaries(self, ids: Iterable[str]) -> dict[str, Article]:
        """The articles' metadata (no text, no counts), by id."""
        wanted = builtins.list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        with self.library.errors():
            for at in range(0, len(wanted), _CHUNK):
                part = wanted[at:at + _CHUNK]
                marks = ",".join("?" * len(part))
                for row in self.db.conn.execute(
                        f"{_ARTICLE_SUMMARY} WHERE a.id IN ({marks})", part):
                    article = Article.from_values(row)
                    found[article.id] = article
        return found

    def article_page(self, limit: int, offset: int,
                     reader: Reader | None = None) -> tuple[builtins.list[Article], int]:
        """Articles in the order they were imported, without their texts; and how many
        there are. With a ``reader``, a pending page (a web page annotated before the
        library had it) only when they may read one of its annotations: its url and
        title are the annotator's."""
        seen, params = ("1", []) if reader is None else _seen_article_sql(reader)
        with self.library.errors():
            total = int(self.db.conn.execute(
                f"{_ITEMS} SELECT count(*) FROM articles a WHERE {seen}", params).fetchone()[0])
            rows = self.db.conn.execute(
                f"{_ITEMS} {_ARTICLE_SUMMARY} WHERE {seen} "
                "ORDER BY a.imported_at, a.rowid LIMIT ? OFFSET ?",
                [*params, limit, offset]).fetchall()
        return [Article.from_values(row) for row in rows], total

    def hidden_pages(self, reader: Reader, ids: Iterable[str]) -> set[str]:
        """Those of the articles ``ids`` that are pending pages ``reader`` may not see."""
        seen, params = _seen_article_sql(reader)
        hidden: set[str] = set()
        with self.library.errors():
            for part, marks in id_parts(ids):
                hidden.update(str(row[0]) for row in self.db.conn.execute(
                    f"{_ITEMS} SELECT a.id FROM articles a WHERE a.id IN ({marks}) "
                    f"AND NOT {seen}", [*part, *params]))
        return hidden

    def article_ids_for(self, uris: Iterable[str]) -> builtins.list[str]:
        """The articles a uri names: ``urn:closeread:article:<id>``, or their url."""
        found: builtins.list[str] = []
        with self.library.errors():
            for uri in dict.fromkeys(uris):
                if uri.startswith(ARTICLE_URN):
                    rows = self.db.conn.execute("SELECT id FROM articles WHERE id = ?",
                                                [uri[len(ARTICLE_URN):]])
                else:
                    rows = self.db.conn.execute(
                        "SELECT id FROM articles WHERE url = ? ORDER BY imported_at, rowid",
                        [uri])
                found.extend(str(row[0]) for row in rows)
        return builtins.list(dict.fromkeys(found))

    def article_ids_like(self, wildcards: Iterable[str] = (),
                         parts: Iterable[str] = ()) -> builtins.list[str]:
        """The articles whose uri (url, or ``urn:closeread:article:<id>``) matches every
        one of ``wildcards`` (Hypothesis's ``wildcard_uri``: ``*`` any characters, ``_``
        one; case counts) and holds each of ``parts`` as a part (``uri.parts``: the
        pieces between ``/ : ? # & = .``, any case)."""
        uri = f"coalesce(url, '{ARTICLE_URN}' || id)"
        filters = _Filters()
        for pattern in wildcards:
            filters.add(f"{uri} GLOB ?", _glob(pattern))
        clause = " AND ".join(filters.clauses) or "1"
        wanted = {p.lower() for p in parts}
        with self.library.errors():
            rows = self.db.conn.execute(
                f"SELECT id, {uri} FROM articles WHERE {clause} ORDER BY imported_at, rowid",
                filters.params).fetchall()
        return [str(article_id) for article_id, found in rows
                if wanted <= {p.lower() for p in _URI_PARTS.split(str(found)) if p}]

    # --- writing ---------------------------------------------------------------------------

    def create_annotation(self, author: str, article_id: str, passage: Passage, note: str,
                          tags: Sequence[str], group_id: str, shared: bool,
                          keep_orphan: bool = False) -> SharedItem:
        """A new annotation by ``author`` (the annotator of that name), placed on the
        article's text as it is at the moment of writing (see ``place``), with its group
        and sharing; unknown tags are created, as an import creates them."""
        with self.library.transaction():
            text = self._article_text(article_id)
            selection, state = place(text, passage, keep_orphan)
            tag_ids = self._tag_ids(tags)
            annotator = self.library.annotations.annotator(author)
            annotation_id = new_id()
            now = now_iso()
            insert_rows(self.library, [(
                annotation_id, article_id, annotator.id, selection.start, selection.end,
                selection.exact, selection.prefix, selection.suffix, note, state, now, now)],
                [(annotation_id, tag_id) for tag_id in tag_ids])
            self._set_access(annotation_id, group_id, shared)
        return self._must(annotation_id)

    def create_reply(self, author: str, parent_id: str, text: str,
                     shared: bool) -> SharedItem:
        """A reply by ``author`` to the annotation or reply ``parent_id`` (exactly that
        id), in the group of the passage the thread hangs from."""
        with self.library.transaction():
            parent = self.item(parent_id)
            if parent is None:
                raise NotFoundError(f"no annotation {parent_id!r} to reply to")
            reply = self.library.reviews.replies.add(parent.id, text, author)
            self._set_access(reply.id, parent.group_id, shared)
        return self._must(reply.id)

    def update(self, item_id: str, *, text: str | None = None,
               tags: Sequence[str] | None = None, passage: Passage | None = None,
               keep_orphan: bool = False, group_id: str | None = None,
               shared: bool | None = None) -> SharedItem:
        """Changes what is given of an annotation or a reply, in one transaction; the
        fields left None stay as they are."""
        with self.library.transaction():
            item = self._must(item_id)
            if item.kind == KIND_REPLY:
                if tags:
                    raise InvalidArgumentError("a reply has no tags")
                if passage is not None:
                    raise InvalidArgumentError("a reply has no target of its own")
                if group_id is not None and group_id != item.group_id:
                    raise InvalidArgumentError("a reply stays in its thread's group")
                if text is not None and text != item.text:
                    self.library.reviews.replies.edit(item.id, text)
            else:
                annotations = self.library.annotations
                if text is not None and text != item.text:
                    annotations.set_note(item.id, text)
                if tags is not None:
                    tag_ids = self._tag_ids(tags)
                    if sorted(tag_ids) != sorted(self._tag_ids(item.tag_paths)):
                        annotations.set_tags(item.id, tag_ids)
                if passage is not None:
                    selection, state = place(self._article_text(item.article_id), passage,
                                             keep_orphan)
                    annotations.set_selectors(item.id, selection.start, selection.end,
                                              selection.exact, selection.prefix,
                                              selection.suffix, state)
            new_group = item.group_id if group_id is None else group_id
            new_shared = item.shared if shared is None else shared
            if (new_group, new_shared) != (item.group_id, item.shared):
                self._set_access(item.id, new_group, new_shared)
                self._touch(item)
        return self._must(item_id)

    def delete(self, item_id: str) -> SharedItem:
        """Marks an annotation or a reply deleted (the record stays, as everywhere)."""
        with self.library.transaction():
            item = self._must(item_id)
            if item.kind == KIND_REPLY:
                self.library.reviews.replies.delete(item.id)
            else:
                self.library.annotations.delete(item.id)
        return item

    def _must(self, item_id: str) -> SharedItem:
        item = self.item(item_id)
        if item is None:
            raise NotFoundError(f"no annotation {item_id!r}")
        return item

    def _article_text(self, article_id: str) -> str:
        row = self.db.conn.execute("SELECT text FROM articles WHERE id = ?",
                                   [article_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no article {article_id!r}")
        return str(row[0])

    # --- how this library shares what it makes ---------------------------------------------

    def default_access(self) -> tuple[str, bool]:
        """The group new passages made here go to, and whether they are shared with it
        (False: private to their author); ``(__world__, True)`` unless set."""
        value = self.library.setting(DEFAULT_ACCESS_SETTING)
        if not value or value == WORLD:
            return WORLD, True
        if value == PRIVATE:
            return WORLD, False
        if self._group_exists(value):
            return value, True
        return WORLD, True  # a group this library no longer has

    def set_default_access(self, group_id: str, shared: bool) -> None:
        """Makes ``group_id`` (shared or private) where new passages made here go."""
        with self.library.transaction():
            if not shared:
                value = PRIVATE
            elif group_id == WORLD:
                value = WORLD
            elif self._group_exists(group_id):
                value = group_id
            else:
                raise NotFoundError(f"no group {group_id!r} in this library")
            self.library.set_setting(DEFAULT_ACCESS_SETTING, value)

    def give_default_access(self, annotation_ids: Sequence[str]) -> None:
        """Gives new passages this library's default group and sharing, in the caller's
        transaction (nothing to write for the built-in default)."""
        group_id, shared = self.default_access()
        if (group_id, shared) == (WORLD, True) or not annotation_ids:
            return
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO annotation_access (annotation_id, group_id, shared) "
            "VALUES (?, ?, ?)", [(i, group_id, int(shared)) for i in annotation_ids])
        self._access_unsent(annotation_ids)

    def _access_unsent(self, annotation_ids: Iterable[str]) -> None:
        """Notes that who reads these passages was decided here: the sync sends their
        group and permissions with them (and only theirs)."""
        self.db.conn.executemany("INSERT OR IGNORE INTO sync_access (annotation_id) VALUES (?)",
                                 [(i,) for i in annotation_ids])

    def share(self, item_id: str, group_id: str, shared: bool) -> SharedItem:
        """Puts an annotation in ``group_id``, shared with it or private to its author; the
        annotation becomes newer (the sync sends it). The group must be in this library."""
        if not self._group_exists(group_id):
            raise NotFoundError(f"no group {group_id!r} in this library")
        with self.library.transaction():
            item = self.update(item_id, group_id=group_id, shared=shared)
            self._access_unsent([item.id])
        return item

    def keep_access(self, rows: Iterable[tuple[str, str, bool]]) -> None:
        """Records the group and sharing a team server gives annotations (id, group,
        shared) as they are, in the caller's transaction, without making them newer (the
        sync's pull); a group this library lacks is added under its id."""
        wanted = builtins.list(rows)
        conn = self.db.conn
        now = now_iso()
        # the server's later version decided who reads them: nothing of ours to send
        conn.executemany("DELETE FROM sync_access WHERE annotation_id = ?",
                         [(i,) for i, _, _ in wanted])
        conn.executemany(
            "INSERT OR IGNORE INTO team_groups (id, name, description, created, updated) "
            "VALUES (?, ?, '', ?, ?)",
            [(group_id, group_id, now, now) for group_id in {g for _, g, _ in wanted}])
        conn.executemany(
            "INSERT INTO annotation_access (annotation_id, group_id, shared) VALUES (?, ?, ?) "
            "ON CONFLICT (annotation_id) DO UPDATE SET group_id = excluded.group_id, "
            "shared = excluded.shared", [(i, g, int(shared)) for i, g, shared in wanted])

    def regroup(self, annotation_id: str, group_id: str, shared: bool, updated: str) -> None:
        """A team server's later version of an annotation that differs only in who reads
        it: its group, sharing and time, in the caller's transaction (journalled as an
        update, as the merge would have)."""
        self.keep_access([(annotation_id, group_id, shared)])
        self.db.conn.execute("UPDATE annotations SET updated = ? WHERE id = ?",
                             [updated, annotation_id])

    def _group_exists(self, group_id: str) -> bool:
        return self.db.conn.execute("SELECT 1 FROM team_groups WHERE id = ?",
                                    [group_id]).fetchone() is not None

    def _set_access(self, item_id: str, group_id: str, shared: bool) -> None:
        self.db.conn.execute(
            "INSERT INTO annotation_access (annotation_id, group_id, shared) VALUES (?, ?, ?) "
            "ON CONFLICT (annotation_id) DO UPDATE SET group_id = excluded.group_id, "
            "shared = excluded.shared", [item_id, group_id, int(shared)])

    def _touch(self, item: SharedItem) -> None:
        """A change of who reads an item is a change of the item: its time moves and the
        journal names it (the triggers of the annotations and replies tables)."""
        table = "replies" if item.kind == KIND_REPLY else "annotations"
        self.db.conn.execute(f"UPDATE {table} SET updated = later_than(updated) WHERE id = ?",
                             [item.id])

    def _tag_ids(self, wanted: Iterable[str]) -> builtins.list[str]:
        """The ids of the tags named (by name or ``parent/name``), creating those the
        library does not have (a parent too), at the end of the active set."""
        return builtins.list(dict.fromkeys(self.library.tags.ensure(name).id
                                           for name in wanted))

    # --- searching -------------------------------------------------------------------------

    def search(self, reader: Reader,
               query: SearchQuery) -> tuple[builtins.list[SharedItem], int]:
        """The items matching ``query`` that ``reader`` may read, one page of them in the
        order asked, and how many match in all."""
        if query.sort not in SORT_COLUMNS or query.order not in ("asc", "desc"):
            raise InvalidArgumentError(f"cannot sort by {query.sort!r} {query.order!r}")
        filters = self._filters(reader, query)
        if filters is None:
            return [], 0
        where = " AND ".join(filters.clauses) or "1"
        column = SORT_COLUMNS[query.sort]
        direction = "ASC" if query.order == "asc" else "DESC"
        page_where = where
        page_params = builtins.list(filters.params)
        if query.search_after is not None:
            after = _sort_value(query.sort, query.search_after)
            page_where += f" AND {column} {'>' if direction == 'ASC' else '<'} ?"
            page_params.append(after)
        with self.library.errors():
            # the total rides on the page (a window over every match, before the limit):
            # one pass over the items instead of two, unless search_after narrows the page
            # or the page is past the end
            rows = self.db.conn.execute(
                f"{_ITEMS} SELECT i.id, count(*) OVER () FROM items i WHERE {page_where} "
                f"ORDER BY {column} {direction}, i.id {direction} LIMIT ? OFFSET ?",
                [*page_params, query.limit, query.offset]).fetchall()
            if rows and query.search_after is None:
                total = int(rows[0][1])
            else:
                total = int(self.db.conn.execute(
                    f"{_ITEMS} SELECT count(*) FROM items i WHERE {where}",
                    filters.params).fetchone()[0])
        ids = [str(row[0]) for row in rows]
        loaded = self.items(ids)
        return [loaded[i] for i in ids if i in loaded], total

    def replies_to(self, reader: Reader, roots: Iterable[str]) -> builtins.list[SharedItem]:
        """The replies ``reader`` may read in the threads under the passages ``roots``,
        oldest first."""
        wanted = builtins.list(dict.fromkeys(roots))
        ids: builtins.list[str] = []
        readable, params = _readable_sql(reader)
        with self.library.errors():
            for at in range(0, len(wanted), _CHUNK):
                part = wanted[at:at + _CHUNK]
                marks = ",".join("?" * len(part))
                ids += [str(row[0]) for row in self.db.conn.execute(
                    f"{_ITEMS} SELECT i.id FROM items i WHERE i.kind = '{KIND_REPLY}' "
                    f"AND i.root IN ({marks}) AND {readable} ORDER BY i.created, i.id",
                    [*part, *params])]
        loaded = self.items(ids)
        return [loaded[i] for i in ids if i in loaded]

    def _filters(self, reader: Reader, query: SearchQuery) -> _Filters | None:
        """The WHERE clauses of a search over ``_ITEMS``; None when nothing can match."""
        found = _Filters()
        readable, params = _readable_sql(reader)
        found.add(readable, *params)
        if query.top_level_only:
            found.add(f"i.kind = '{KIND_ANNOTATION}'")
        if query.article_ids is not None:
            if not query.article_ids:
                return None
            found.add(f"i.article_id IN ({_marks(query.article_ids)})", *query.article_ids)
        if query.authors:
            found.add(f"i.author IN ({_marks(query.authors)})", *query.authors)
        if query.groups:
            found.add(f"i.group_id IN ({_marks(query.groups)})", *query.groups)
        for name in query.tags:
            try:
                tag = self.library.tags.get(name, usage=False)
            except UnknownTagError:
                return None  # a tag nobody has: nothing carries it
            # by the tags' ids first, so that annotation_tags is read through its tag index
            found.add("i.id IN (SELECT at.annotation_id FROM annotation_tags at WHERE "
                      "at.tag_id IN (SELECT t.id FROM tags t WHERE t.id = ? OR t.parent_id = ?))",
                      tag.id, tag.id)
        if query.references:
            for ref in query.references:
                found.add(f"i.kind = '{KIND_REPLY}' AND EXISTS "
                          "(SELECT 1 FROM json_each(i.refs) WHERE json_each.value = ?)", ref)
        if query.quote is not None:
            words = _words(query.quote)
            found.add("i.fts_rowid IN (SELECT rowid FROM annotations_fts WHERE "
                      "annotations_fts MATCH ?)", _fts_any(words, "exact"))
        if query.text is not None:
            words = _words(query.text)
            like, like_params = _like_any("i.body", words)
            found.add(f"((i.kind = '{KIND_ANNOTATION}' AND i.fts_rowid IN (SELECT rowid FROM "
                      "annotations_fts WHERE annotations_fts MATCH ?)) OR "
                      f"(i.kind = '{KIND_REPLY}' AND {like}))",
                      _fts_any(words, "note"), *like_params)
        if query.any is not None:
            words = _words(query.any)
            like, like_params = _like_any("i.body", words)
            url_like, url_params = _like_any("a.url", words)
            lowered = [word.lower() for word in words] or [""]
            found.add(
                f"((i.kind = '{KIND_ANNOTATION}' AND (i.fts_rowid IN (SELECT rowid FROM "
                "annotations_fts WHERE annotations_fts MATCH ?) OR i.id IN (SELECT "
                "at.annotation_id FROM annotation_tags at JOIN tags t ON t.id = at.tag_id "
                f"WHERE lower(t.name) IN ({_marks(lowered)})))) OR "
                f"(i.kind = '{KIND_REPLY}' AND {like}) OR "
                f"i.article_id IN (SELECT a.id FROM articles a WHERE {url_like}))",
                _fts_any(words, None), *lowered, *like_params, *url_params)
        return found

    # --- the change feed -------------------------------------------------------------------

    def changes(self, reader: Reader, since: int,
                limit: int) -> tuple[builtins.list[Change], int]:
        """The journal's changes after ``since`` (``limit`` rows of it at most) that
        ``reader`` may see, and the sequence number read up to (to ask from next time).

        Only what the API serves is passed on: articles (to anyone who reads articles),
        annotations and replies (to whoever may read them now, a deletion included) and
        groups (to their members). Tags, tag sets, annotators, settings and review
        sessions are left out."""
        visible, last, _ = self.changes_and_items(reader, since, limit)
        return visible, last

    def changes_and_items(self, reader: Reader, since: int, limit: int
                          ) -> tuple[builtins.list[Change], int, dict[str, SharedItem]]:
        """``changes``, with the annotations and replies they name as they are now (those
        not deleted), read in the same transaction: what a client syncing needs of a
        page of the feed, without asking for each passage (read after the page: a state
        later than the page is one a later page names again)."""
        rows, last = self.library.journal.page(since, limit)  # never past the journal's end
        items = self.items((c.id for c in rows if c.entity in (ANNOTATION, REPLY)), reader,
                           deleted=True)
        visible = self._visible(reader, rows, items)
        return visible, last, {key: item for key, item in items.items()
                               if item.deleted is None}

    def _visible(self, reader: Reader, rows: builtins.list[Change],
                 items: dict[str, SharedItem]) -> builtins.list[Change]:
        visible: builtins.list[Change] = []
        hidden = self.hidden_pages(reader, {c.id for c in rows if c.entity == ARTICLE})
        for change in rows:
            if change.entity == ARTICLE:
                keep = (reader.name is not None or reader.world) and change.id not in hidden
            elif change.entity in (ANNOTATION, REPLY):
                keep = change.id in items
            elif change.entity == GROUP:
                keep = change.id in reader.groups or (
                    change.id == WORLD and (reader.name is not None or reader.world))
            else:
                keep = False
            if keep:
                visible.append(change)
        return visible


_URI_PARTS = re.compile(r"[/:?#&=.]+")


def _glob(pattern: str) -> str:
    """Hypothesis's wildcard (``*``, ``_``) as an SQLite GLOB pattern, every other
    character taken as itself."""
    out = []
    for char in pattern:
        if char == "*":
            out.append("*")
        elif char == "_":
            out.append("?")
        elif char in "?[]":
            out.append(f"[{char}]")
        else:
            out.append(char)
    return "".join(out)


# --- pages the library does not have yet -------------------------------------------------

_PAGE_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
PENDING_PAGE_NOTE = (
    "A web page annotated through the team server before the library had its text: the "
    "text is the page's url until the page is imported (closeread import URL), which "
    "places the passages kept on it by their quotes.")


def is_page_url(uri: str) -> bool:
    """Whether an annotation's uri is a web page's address (http or https)."""
    return len(uri) <= 2048 and _PAGE_URL.match(uri) is not None


def pending_page(url: str, title: str | None = None) -> NewArticle:
    """The article that stands for a web page the library does not have: its url as its
    text (so that each page is one article: articles are told apart by their text's
    hash), its title as the client gave it."""
    return NewArticle(title=(title or url)[:500], text=url, format="text", url=url,
                      import_report=PENDING_PAGE_NOTE)


def is_pending_page(article: Article) -> bool:
    """Whether ``article`` stands for a page whose text the library does not have yet
    (no article's text is its own url otherwise)."""
    return article.url is not None and article.text == article.url


def document_title(document: object) -> str | None:
    """The title a Hypothesis client gives in ``document.title`` (a string or a list)."""
    if not isinstance(document, dict):
        return None
    title = document.get("title")
    if isinstance(title, list):
        title = next((t for t in title if isinstance(t, str) and t.strip()), None)
    if not isinstance(title, str):
        return None
    return " ".join(title.split()) or None


# --- placing a passage ----------------------------------------------------------------------


def place(text: str, passage: Passage, keep_orphan: bool = False) -> tuple[Selection, str]:
    """Both selectors of a passage on ``text``, and its anchor state.

    A position alone is taken as it is. A quote is looked for: at the position when one is
    given and the text there is the quote; else among the quote's occurrences, those its
    prefix and suffix fit first, the one nearest the given position when there are several
    (without a position, several is ambiguous). A quote that is nowhere in the text is
    refused (``QuoteNotFoundError``), or, with ``keep_orphan``, kept as an orphan with its
    quote and context, as a re-anchoring keeps one (invariant 4).
    """
    length = len(text)
    if (passage.start is None) != (passage.end is None):
        raise OffsetError("a TextPositionSelector needs both start and end")
    if passage.exact is None:
        if passage.start is None or passage.end is None:
            raise InvalidArgumentError(
                "the target has no selector: give a TextQuoteSelector, a "
                "TextPositionSelector or both (a note on a whole article is not supported)")
        return select_range(text, passage.start, passage.end), ANCHORED
    exact = passage.exact
    if not exact:
        raise InvalidArgumentError("the TextQuoteSelector's exact is empty")
    start = passage.start
    if start is not None and passage.end is not None and 0 <= start <= length \
            and text[start:passage.end] == exact:
        return select_range(text, start, passage.end), ANCHORED
    starts = quote_occurrences(text, exact)
    if not starts:
        if keep_orphan:
            return Selection(0, 0, exact, passage.prefix or "", passage.suffix or ""), ORPHAN
        raise QuoteNotFoundError(f"the quote {_short(exact)!r} is not in the article's text")
    fitting = [at for at in starts
               if text[:at].endswith(passage.prefix or "")
               and text[at + len(exact):].startswith(passage.suffix or "")]
    candidates = fitting or starts
    if len(candidates) > 1:
        if start is None:
            raise AmbiguousQuoteError(
                f"the quote {_short(exact)!r} occurs {len(candidates)} times in the article; "
                "give a TextPositionSelector, or a prefix or suffix that tells them apart",
                count=len(candidates))
        candidates = [min(candidates, key=lambda at: (abs(at - start), at))]
    return select_range(text, candidates[0], candidates[0] + len(exact)), ANCHORED


# --- helpers ----------------------------------------------------------------------------------


def _annotation_item(row: tuple[object, ...]) -> SharedItem:
    (item_id, article_id, author, display, created, updated, deleted, note, group_id, shared,
     tag_json, start, end, exact, prefix, suffix, state) = row
    pairs = json.loads(str(tag_json)) if tag_json and tag_json != "[]" else []
    pairs.sort(key=lambda pair: pair[1].lower())
    return SharedItem(
        str(item_id), KIND_ANNOTATION, str(article_id), str(author),
        None if display in (None, "") else str(display), str(created), str(updated),
        None if deleted is None else str(deleted), str(note), str(group_id), bool(shared),
        tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), (),
        int(start), int(end), str(exact), str(prefix), str(suffix),  # type: ignore[call-overload]
        str(state))


def _reply_item(row: tuple[object, ...]) -> SharedItem:
    (item_id, article_id, author, display, created, updated, deleted, text, group_id, shared,
     refs) = row
    return SharedItem(
        str(item_id), KIND_REPLY, str(article_id), str(author),
        None if display in (None, "") else str(display), str(created), str(updated),
        None if deleted is None else str(deleted), str(text), str(group_id), bool(shared),
        references=tuple(json.loads(str(refs))))


def _readable_sql(reader: Reader) -> tuple[str, builtins.list[object]]:
    """``Reader.may_read`` over the columns of ``_ITEMS``."""
    shared_with: builtins.list[object] = builtins.list(sorted(reader.groups))
    if reader.world:
        shared_with.append(WORLD)
    clause = (f"(i.shared = 1 AND i.group_id IN ({_marks(shared_with)}))" if shared_with
              else "0")
    if reader.name is None:
        return clause, shared_with
    return f"(i.author = ? OR {clause})", [reader.name, *shared_with]


def _seen_article_sql(reader: Reader) -> tuple[str, builtins.list[object]]:
    """Whether ``reader`` sees the article ``a``: any article but a pending page, and a
    pending page when they may read one of its annotations (over the ``items`` of
    ``_ITEMS``; the page's note is compared first, so no other article's text is read)."""
    readable, params = _readable_sql(reader)
    return (f"(coalesce(a.import_report, '') != ? OR a.url IS NULL OR a.text != a.url OR "
            f"EXISTS (SELECT 1 FROM items i WHERE i.article_id = a.id AND {readable}))",
            [PENDING_PAGE_NOTE, *params])


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


_WORD = re.compile(r"\w+")


def _words(text: str) -> builtins.list[str]:
    """The words of a search, as FTS5's unicode61 tokenizer cuts them."""
    return _WORD.findall(text)


def _fts_any(words: Sequence[str], column: str | None) -> str:
    """An FTS5 query matching any of ``words`` (in ``column`` when given); each word is
    quoted, so nothing of the input is read as query syntax. No words: matches nothing."""
    if not words:
        return '""'
    terms = " OR ".join(f'"{word}"' for word in words)
    return f"{column} : ({terms})" if column else terms


def _like_any(column: str, words: Sequence[str]) -> tuple[str, builtins.list[object]]:
    """``column`` contains any of ``words`` (case-insensitive for ASCII, as LIKE is; instr
    rather than LIKE, whose patterns SQLite refuses past 50,000 bytes)."""
    if not words:
        return "0", []
    return "(" + " OR ".join(f"instr(lower({column}), lower(?)) > 0" for _ in words) + ")", \
        builtins.list(words)


def _sort_value(sort: str, value: str) -> str:
    """``search_after`` as the sort column holds it: times in the library's ISO 8601 UTC
    form (Hypothesis also takes milliseconds since the epoch), anything else as given."""
    if sort not in ("created", "updated"):
        return value
    try:
        if value.strip().isdigit():
            moment = datetime.fromtimestamp(int(value) / 1000, UTC)
            return moment.isoformat(timespec="milliseconds")
        return iso_utc(value.strip())
    except (ValueError, OverflowError, OSError):
        raise InvalidArgumentError(
            f"search_after {value[:40]!r}: give an ISO 8601 time or milliseconds since "
            "1970 when sorting by created or updated") from None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
