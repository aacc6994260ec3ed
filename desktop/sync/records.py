"""The server's records and the library's, each in the other's shape.

What goes up: a passage as the body of ``POST /api/annotations`` with its own id and
times (both selectors, so the server places it exactly on the same text and by its quote
on another), an article as the body of ``POST /api/articles`` (its canonical text as
plain text, which the server keeps as it is, and the metadata the server accepts).
What comes down: the server's JSON as a bundle's records, for the merge.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Any

from desktop.core.bundle import BundleAnnotation, BundleArticle, is_uuid
from desktop.core.model import ANCHORED, ORPHAN, Article, iso_date
from desktop.core.selectors import w3c_selectors
from desktop.store.articles import NewArticle
from desktop.store.sharing import ARTICLE_URN, SharedItem
from desktop.sync.server import user_name

_URL = re.compile(r"^https?://\S+$")  # what the server takes as an article's url
_LIMITS = {"external_id": 200, "author": 500, "outlet": 500, "language": 40}


def annotation_body(item: SharedItem, server_article_id: str, userid: str = "",
                    access: bool = False) -> dict[str, object]:
    """A passage as the server takes it under its own id: the server stores the id, the
    tags, the note and the times as they are, and places the passage by its selectors.
    With ``access`` (who reads it was chosen on this desk), its group and
    ``permissions.read`` go too; without, the server keeps what it has (a new passage:
    ``__world__``). ``userid`` is the author's id on the server (what a private passage's
    ``permissions.read`` names); without it a private passage is refused here rather
    than sent shared."""
    uri = ARTICLE_URN + server_article_id
    selectors = w3c_selectors(item.start, item.end, item.exact, item.prefix, item.suffix,
                              item.anchor_state != ORPHAN)
    body: dict[str, object] = {
        "id": item.id, "uri": uri, "text": item.text, "tags": list(item.tag_paths),
        "created": item.created, "updated": item.updated,
        "target": [{"source": uri, "selector": selectors}]}
    if access:
        if not item.shared and not userid:
            raise ValueError("the user's id on the server is not known")
        body["group"] = item.group_id
        body["permissions"] = {"read": [f"group:{item.group_id}"] if item.shared
                               else [userid]}
    return body


def article_body(article: Article) -> dict[str, object]:
    """An article as the server takes it: the canonical text as plain text (kept as it
    is: the same text, so the same offsets and hash), under the article's own id, with
    the metadata that passes the server's checks (the rest stays here)."""
    body: dict[str, object] = {"text": article.text, "format": "text", "clean": False,
                               "title": (article.title.strip() or "Untitled")[:500]}
    if is_uuid(article.id):
        body["id"] = article.id
    if article.url and len(article.url) <= 2048 and _URL.match(article.url):
        body["url"] = article.url
    if article.published:
        # a date the library kept but the server would refuse stays here
        with contextlib.suppress(ValueError):
            body["published"] = iso_date(article.published)
    for name, limit in _LIMITS.items():
        value = getattr(article, name)
        if value and len(value) <= limit:
            body[name] = value
    return body


@dataclass(frozen=True)
class Pulled:
    """An annotation as the server answered it."""

    id: str
    article_id: str  # the server's article
    user: str  # the annotator's name: the server's user name
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    note: str
    anchor_state: str
    tags: tuple[str, ...]  # paths
    created: str
    updated: str
    group: str = "__world__"
    shared: bool = True  # False: private to its author

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pulled:
        """Raises ``KeyError``, ``TypeError`` or ``ValueError`` for an answer that is not
        an annotation of a Closeread server (a reply has no quote: it is refused too)."""
        selectors = data["target"][0]["selector"]
        quote = next(s for s in selectors if s["type"] == "TextQuoteSelector")
        position = next((s for s in selectors if s["type"] == "TextPositionSelector"), None)
        state = data["closeread"]["anchor_state"]
        if state not in (ANCHORED, ORPHAN) or (state == ANCHORED) != (position is not None):
            raise ValueError(f"anchor state {state!r}")
        return cls(
            id=str(data["id"]), article_id=str(data["closeread"]["article_id"]),
            user=user_name(str(data["user"])),
            start=int(position["start"]) if position else 0,
            end=int(position["end"]) if position else 0,
            exact=str(quote["exact"]), prefix=str(quote.get("prefix") or ""),
            suffix=str(quote.get("suffix") or ""), note=str(data.get("text") or ""),
            anchor_state=state, tags=tuple(str(t) for t in data.get("tags") or ()),
            created=str(data["created"]), updated=str(data["updated"]),
            group=str(data.get("group") or "__world__"),
            shared=_shared(data.get("permissions")))

    def fits(self, text: str) -> bool:
        """Whether its position holds its quote in the server's text (invariant 1)."""
        return self.anchor_state == ORPHAN or (
            0 <= self.start < self.end <= len(text) and text[self.start:self.end] == self.exact)

    def record(self, article_id: str, annotator_id: str,
               tag_paths: tuple[str, ...]) -> BundleAnnotation:
        """As a bundle's annotation on the local article ``article_id``."""
        return BundleAnnotation(
            id=self.id, article_id=article_id, annotator_id=annotator_id, start=self.start,
            end=self.end, exact=self.exact, prefix=self.prefix, suffix=self.suffix,
            note=self.note, anchor_state=self.anchor_state, tags=tag_paths,
            created=self.created, updated=self.updated)


def _shared(permissions: object) -> bool:
    """Whether Hypothesis's permissions share an annotation with its group (read by
    ``group:<id>``) rather than keep it to its author."""
    if not isinstance(permissions, dict):
        return True
    read = permissions.get("read")
    if not isinstance(read, list):
        return True
    return any(isinstance(who, str) and who.startswith("group:") for who in read)


def bundle_article(data: dict[str, Any], article_id: str,
                   updated_at: str | None = None) -> BundleArticle:
    """The server's article (with its text) as a bundle's, under the local id
    ``article_id``; ``updated_at`` stands in for the server's time when given."""
    return BundleArticle(
        id=article_id, title=str(data.get("title") or "Untitled"), text=str(data["text"]),
        text_sha256=str(data["text_sha256"]), format=str(data.get("format") or "text"),
        imported_at=str(data.get("created") or ""),
        updated_at=updated_at if updated_at is not None else str(data.get("updated") or ""),
        external_id=data.get("external_id"), author=data.get("author"),
        outlet=data.get("outlet"), published=data.get("published"), url=data.get("url"),
        language=data.get("language"))


def arrived_page(data: dict[str, Any]) -> NewArticle:
    """The server's article (with its text) as the new text of a pending page here."""
    published = data.get("published")
    if published is not None:
        try:
            published = iso_date(str(published))
        except ValueError:
            published = None
    return NewArticle(
        title=str(data.get("title") or "Untitled"), text=str(data["text"]), format="text",
        url=data.get("url"), author=data.get("author"), outlet=data.get("outlet"),
        published=published, language=data.get("language"),
        external_id=data.get("external_id"))


def local_article(article: Article) -> BundleArticle:
    """A local article as a bundle's (when the server's text is known to be the same)."""
    return BundleArticle(
        id=article.id, title=article.title, text=article.text,
        text_sha256=article.text_sha256, format=article.format,
        imported_at=article.imported_at, updated_at=article.updated_at,
        external_id=article.external_id, author=article.author, outlet=article.outlet,
        published=article.published, url=article.url, language=article.language)
