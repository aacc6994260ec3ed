"""What the API asks of storage: the one interface between the HTTP layer and the data.

``app.py`` calls nothing else; ``sqlite.py`` implements it over one library file, and a
PostgreSQL backend would implement the same methods (docs/server.md, "Beyond one
machine"). The records it hands back are the store's plain dataclasses (``User``,
``Group``, ``SharedItem``, ``Article``, ``Change``), which hold no connection.

Errors are the library's: ``NotFoundError`` and its kinds for what is not there,
``InvalidArgumentError`` and ``SelectionError`` for what cannot be done as asked,
``AccountExistsError`` for a name that is taken; ``DatabaseError`` for the storage itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from desktop.core.changes import Change
from desktop.core.model import Article
from desktop.store.accounts import Group, User
from desktop.store.articles import NewArticle
from desktop.store.client_ids import ClientAnnotation
from desktop.store.sharing import Passage, Reader, SearchQuery, SharedItem


class Repository(Protocol):
    """Accounts, groups, articles and shared annotations, as the API needs them."""

    # --- accounts ------------------------------------------------------------------------

    def authenticate(self, token: str) -> User | None:
        """The user a token speaks for; None when it is unknown or revoked."""
        ...

    def find_user(self, name: str) -> User | None:
        ...

    def reader(self, user: User | None, anonymous_world: bool) -> Reader:
        """What ``user`` (None: anonymous) may read."""
        ...

    # --- groups --------------------------------------------------------------------------

    def groups_of(self, user: User | None, anonymous_world: bool) -> list[Group]:
        """The groups ``user`` may see: ``__world__`` and those they are a member of."""
        ...

    def find_group(self, group_id: str) -> Group | None:
        """The group with exactly this id."""
        ...

    def create_group(self, creator: User, name: str, description: str) -> Group:
        ...

    def update_group(self, group_id: str, name: str | None,
                     description: str | None) -> Group:
        ...

    def members(self, group_id: str) -> list[User]:
        ...

    def is_member(self, group_id: str, user: User) -> bool:
        ...

    def add_member(self, group_id: str, user_name: str) -> bool:
        ...

    def remove_member(self, group_id: str, user_name: str) -> bool:
        ...

    # --- articles ------------------------------------------------------------------------

    def article(self, article_id: str, reader: Reader | None = None) -> Article | None:
        """The article with exactly this id, with its text; with a ``reader``, None for a
        pending page they may not see (docs/server.md, "Pages the library does not
        have")."""
        ...

    def articles(self, limit: int, offset: int,
                 reader: Reader | None = None) -> tuple[list[Article], int]:
        """A page of articles without their texts, and how many there are (with a
        ``reader``, those they may see)."""
        ...

    def article_summaries(self, ids: Sequence[str]) -> dict[str, Article]:
        ...

    def article_ids_for(self, uris: Sequence[str]) -> list[str]:
        """The articles a uri names: ``urn:closeread:article:<id>``, or their url."""
        ...

    def article_ids_like(self, wildcards: Sequence[str], parts: Sequence[str]) -> list[str]:
        """The articles whose uri matches every wildcard pattern and holds every part."""
        ...

    def add_article(self, new: NewArticle, article_id: str | None = None
                    ) -> tuple[Article, bool]:
        """Stores an article (its text already canonical) under ``article_id`` when that
        id is given and free; returns it and whether it is new (a text already there is
        that article)."""
        ...

    # --- annotations and replies ---------------------------------------------------------

    def item(self, item_id: str, reader: Reader) -> SharedItem | None:
        """The annotation or reply, when it is there and ``reader`` may read it."""
        ...

    def create_annotation(self, author: User, article_id: str, passage: Passage, text: str,
                          tags: Sequence[str], group_id: str, shared: bool,
                          keep_orphan: bool) -> SharedItem:
        ...

    def put_annotation(self, wanted: ClientAnnotation) -> tuple[SharedItem, str]:
        """A client's annotation under the client's id (the sync, docs/server.md): added,
        or put over the one with that id when the client's is later. Returns the
        annotation as it is now and what happened (``client_ids.CREATED``, ``REPLACED``,
        ``UNCHANGED``, ``KEPT``); raises ``IdTakenError``, ``AnnotationGoneError``."""
        ...

    def create_reply(self, author: User, parent_id: str, text: str,
                     shared: bool) -> SharedItem:
        ...

    def update_item(self, item_id: str, *, text: str | None, tags: Sequence[str] | None,
                    passage: Passage | None, keep_orphan: bool, group_id: str | None,
                    shared: bool | None) -> SharedItem:
        ...

    def delete_item(self, item_id: str) -> SharedItem:
        ...

    def search(self, reader: Reader, query: SearchQuery) -> tuple[list[SharedItem], int]:
        ...

    def replies_to(self, reader: Reader, roots: Sequence[str]) -> list[SharedItem]:
        ...

    # --- the change feed -----------------------------------------------------------------

    def changes(self, reader: Reader, since: int, limit: int) -> tuple[list[Change], int]:
        """What changed after ``since`` that ``reader`` may see, and the sequence number
        read up to."""
        ...

    def changes_and_items(self, reader: Reader, since: int, limit: int
                          ) -> tuple[list[Change], int, dict[str, SharedItem]]:
        """``changes``, with the live annotations and replies they name, as ``reader``
        may read them now."""
        ...

    def close(self) -> None:
        """Lets go of every connection (the server is stopping)."""
        ...
