"""The API's ``Repository`` over one Closeread library file.

SQLite connections belong to a thread, and the API runs its handlers on a pool of worker
threads: each thread opens its own ``Library`` on the file the first time it needs one
and keeps it (the pool is small and its threads are reused, so a few connections serve
every request). Every write is one of the library's transactions, which begin as writers
(``BEGIN IMMEDIATE``) and wait their turn: the server's threads, the app and the command
line write the same file at the same time (docs/architecture.md, "Transactions").
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Sequence
from typing import Concatenate, ParamSpec, TypeVar

from desktop.core.changes import Change
from desktop.core.model import Article
from desktop.store.accounts import WORLD, Group, User
from desktop.store.articles import NewArticle
from desktop.store.client_ids import ClientAnnotation, put_annotation, put_article
from desktop.store.library import DEFAULT_BUSY_TIMEOUT, Library
from desktop.store.sharing import Passage, Reader, SearchQuery, SharedItem

P = ParamSpec("P")
R = TypeVar("R")


def _writes(method: Callable[Concatenate[SqliteRepository, P], R]
            ) -> Callable[Concatenate[SqliteRepository, P], R]:
    """A write, one at a time within the server: SQLite's busy handler lets a newcomer
    overtake writers that have waited longest (it sleeps and retries), which under load
    gave writes a p99 of seconds and, past the busy timeout, refusals. The threads of this
    process queue on a lock first; other processes still take turns through SQLite."""

    @functools.wraps(method)
    def write(self: SqliteRepository, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._writing:
            return method(self, *args, **kwargs)

    return write


class SqliteRepository:
    """``repository.Repository`` over the library at ``path``, a connection per thread."""

    def __init__(self, path: str | os.PathLike[str],
                 busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._opened: list[Library] = []
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        # opened now, in the starting thread: a file that cannot be a library (locked, too
        # new, another program's) stops the server before it listens, and the migrations
        # run once, here
        self._library()

    def _library(self) -> Library:
        library: Library | None = getattr(self._local, "library", None)
        if library is None:
            library = Library(self.path, busy_timeout=self.busy_timeout, client="server")
            with self._lock:
                self._opened.append(library)
            self._local.library = library
        return library

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for library in opened:
            library.close()

    # --- accounts ------------------------------------------------------------------------

    def authenticate(self, token: str) -> User | None:
        return self._library().accounts.authenticate(token)

    def find_user(self, name: str) -> User | None:
        return self._library().accounts.find_user(name)

    def reader(self, user: User | None, anonymous_world: bool) -> Reader:
        return self._library().accounts.sharing.reader(
            None if user is None else user.name, anonymous_world)

    # --- groups --------------------------------------------------------------------------

    def groups_of(self, user: User | None, anonymous_world: bool) -> list[Group]:
        accounts = self._library().accounts
        if user is not None:
            return accounts.groups(member=user.name)
        world = accounts.find_group(WORLD)
        return [world] if anonymous_world and world is not None else []

    def find_group(self, group_id: str) -> Group | None:
        found = self._library().accounts.find_group(group_id)
        # by id only: a name would let a client guess at groups it cannot see
        return found if found is not None and found.id == group_id else None

    @_writes
    def create_group(self, creator: User, name: str, description: str) -> Group:
        return self._library().accounts.create_group(name, creator.name, description)

    @_writes
    def update_group(self, group_id: str, name: str | None,
                     description: str | None) -> Group:
        return self._library().accounts.update_group(group_id, name, description)

    def members(self, group_id: str) -> list[User]:
        return self._library().accounts.members(group_id)

    def is_member(self, group_id: str, user: User) -> bool:
        return self._library().accounts.is_member(group_id, user.name)

    @_writes
    def add_member(self, group_id: str, user_name: str) -> bool:
        return self._library().accounts.add_member(group_id, user_name)

    @_writes
    def remove_member(self, group_id: str, user_name: str) -> bool:
        return self._library().accounts.remove_member(group_id, user_name)

    # --- articles ------------------------------------------------------------------------

    def article(self, article_id: str, reader: Reader | None = None) -> Article | None:
        library = self._library()
        found = library.accounts.sharing.article_summaries([article_id])
        if article_id not in found or (
                reader is not None and library.accounts.sharing.hidden_pages(reader,
                                                                             [article_id])):
            return None
        # the store's get() also takes prefixes and external ids; the API names by id only
        return library.articles.get(article_id)

    def articles(self, limit: int, offset: int,
                 reader: Reader | None = None) -> tuple[list[Article], int]:
        return self._library().accounts.sharing.article_page(limit, offset, reader)

    def article_summaries(self, ids: Sequence[str]) -> dict[str, Article]:
        return self._library().accounts.sharing.article_summaries(ids)

    def article_ids_for(self, uris: Sequence[str]) -> list[str]:
        return self._library().accounts.sharing.article_ids_for(uris)

    def article_ids_like(self, wildcards: Sequence[str], parts: Sequence[str]) -> list[str]:
        return self._library().accounts.sharing.article_ids_like(wildcards, parts)

    @_writes
    def add_article(self, new: NewArticle, article_id: str | None = None
                    ) -> tuple[Article, bool]:
        return put_article(self._library(), new, article_id)

    # --- annotations and replies ---------------------------------------------------------

    def item(self, item_id: str, reader: Reader) -> SharedItem | None:
        return self._library().accounts.sharing.item(item_id, reader)

    @_writes
    def create_annotation(self, author: User, article_id: str, passage: Passage, text: str,
                          tags: Sequence[str], group_id: str, shared: bool,
                          keep_orphan: bool) -> SharedItem:
        return self._library().accounts.sharing.create_annotation(
            author.name, article_id, passage, text, tags, group_id, shared, keep_orphan)

    @_writes
    def put_annotation(self, wanted: ClientAnnotation) -> tuple[SharedItem, str]:
        library = self._library()
        outcome = put_annotation(library, wanted)
        item = library.accounts.sharing.item(wanted.id)
        assert item is not None  # just written, and never deleted by a put
        return item, outcome

    @_writes
    def create_reply(self, author: User, parent_id: str, text: str,
                     shared: bool) -> SharedItem:
        return self._library().accounts.sharing.create_reply(author.name, parent_id, text,
                                                             shared)

    @_writes
    def update_item(self, item_id: str, *, text: str | None, tags: Sequence[str] | None,
                    passage: Passage | None, keep_orphan: bool, group_id: str | None,
                    shared: bool | None) -> SharedItem:
        return self._library().accounts.sharing.update(
            item_id, text=text, tags=tags, passage=passage, keep_orphan=keep_orphan,
            group_id=group_id, shared=shared)

    @_writes
    def delete_item(self, item_id: str) -> SharedItem:
        return self._library().accounts.sharing.delete(item_id)

    def search(self, reader: Reader, query: SearchQuery) -> tuple[list[SharedItem], int]:
        return self._library().accounts.sharing.search(reader, query)

    def replies_to(self, reader: Reader, roots: Sequence[str]) -> list[SharedItem]:
        return self._library().accounts.sharing.replies_to(reader, roots)

    # --- the change feed -----------------------------------------------------------------

    def changes(self, reader: Reader, since: int, limit: int) -> tuple[list[Change], int]:
        return self._library().accounts.sharing.changes(reader, since, limit)

    def changes_and_items(self, reader: Reader, since: int, limit: int
                          ) -> tuple[list[Change], int, dict[str, SharedItem]]:
        return self._library().accounts.sharing.changes_and_items(reader, since, limit)
