"""Writes that keep the ids a client chose: the team server's side of the sync
(docs/server.md, "Sync").

A desktop library sends its passages, and their articles, to the team server under the
ids they already have, so that every library that syncs knows a passage by one id, and
sending one again (after a crash between the send and its acknowledgement) duplicates
nothing. What the server makes of such a record is what a bundle merge makes of it
(``store/merging.py``), and it goes through the merge itself: a new id is added as it is,
with the client's times; a known one takes the client's version only when that version
is later (``updated``); a deletion is never undone. Only the author sends their passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.core.bundle import (
    BUNDLE_VERSION,
    Bundle,
    BundleAnnotation,
    BundleAnnotator,
    BundleArticle,
    BundleTag,
)
from desktop.core.errors import ClosereadError, InvalidArgumentError
from desktop.core.model import Article, new_id, now_iso, text_sha256
from desktop.store.accounts import WORLD
from desktop.store.articles import NewArticle
from desktop.store.merging import SKIP_OLDER, SKIP_SAME, merge
from desktop.store.revisions import replace_text
from desktop.store.sharing import KIND_ANNOTATION, Passage, is_pending_page, place

if TYPE_CHECKING:
    from desktop.core.model import Tag
    from desktop.store.library import Library

# what became of a client's annotation
CREATED = "created"  # the id was new: added as sent
REPLACED = "replaced"  # the client's version was later: it replaced the one here
UNCHANGED = "unchanged"  # the same passage, tags and note were here already
KEPT = "kept"  # the version here is later: it stays (the client learns it from the answer)

_ORIGIN = "a client of the team server"  # a merge report's origin; in no message a user sees


class IdTakenError(ClosereadError):
    """The id a client gave names someone else's annotation, or a reply."""


class AnnotationGoneError(ClosereadError):
    """The id a client gave names an annotation that was deleted: a deletion is never
    undone, so the client's version is refused and the client deletes its copy."""


@dataclass(frozen=True)
class ClientAnnotation:
    """An annotation as a client holds it: its id and times are the client's."""

    id: str
    article_id: str
    author: str  # the user who sends it: the annotator of that name
    passage: Passage
    note: str
    tags: Sequence[str]  # names or paths; new ones are made, as the server makes them
    created: str
    updated: str
    group_id: str | None = None  # None: __world__ when new, left as it is when known
    shared: bool | None = None
    keep_orphan: bool = False


def put_annotation(library: Library, wanted: ClientAnnotation) -> str:
    """Adds the client's annotation under its id, or replaces the one with that id when
    the client's is later; one transaction. Returns ``CREATED``, ``REPLACED``,
    ``UNCHANGED`` or ``KEPT``; raises ``IdTakenError`` and ``AnnotationGoneError``, and
    the placing errors of ``sharing.place`` (a quote not in the text, unless
    ``keep_orphan``)."""
    with library.transaction():
        found = library.accounts.sharing.items([wanted.id], deleted=True).get(wanted.id)
        if found is not None:
            if found.kind != KIND_ANNOTATION or found.author != wanted.author:
                raise IdTakenError(f"id: {wanted.id} is taken by another annotation")
            if found.deleted is not None:
                raise AnnotationGoneError(
                    f"annotation {wanted.id} was deleted; a deletion is never undone")
            if found.article_id != wanted.article_id:
                raise InvalidArgumentError("uri: an annotation stays on its article")
        article = library.articles.get(wanted.article_id)
        selection, state = place(article.text, wanted.passage, wanted.keep_orphan)
        tags = _tags(library, wanted.tags)
        # a new id for the author: the merge finds the annotator by name when it is there
        annotator = BundleAnnotator(new_id(), wanted.author)
        bundle = _bundle(article, (annotator,),
                         tuple(BundleTag(t.path, t.color, t.description) for t in tags),
                         (BundleAnnotation(
                             id=wanted.id, article_id=article.id,
                             annotator_id=annotator.id, start=selection.start,
                             end=selection.end,
                             exact=selection.exact, prefix=selection.prefix,
                             suffix=selection.suffix, note=wanted.note, anchor_state=state,
                             tags=tuple(t.path for t in tags), created=wanted.created,
                             updated=wanted.updated),))
        report = merge(library, [bundle])[0]
        if report.added or report.orphaned:
            outcome = CREATED
        elif report.updated:
            outcome = REPLACED
        elif report.skipped[SKIP_SAME]:
            outcome = UNCHANGED
        else:
            assert report.skipped[SKIP_OLDER], report.as_dict()
            outcome = KEPT
        if outcome == UNCHANGED and found is not None and wanted.updated > found.updated \
                and _access_of(wanted, found.group_id, found.shared) != (found.group_id,
                                                                        found.shared):
            # the same passage, later, in another group or shared otherwise: a change of
            # who reads it is a change of it (its time moves, the journal names it)
            library.db.conn.execute("UPDATE annotations SET updated = ? WHERE id = ?",
                                    [wanted.updated, wanted.id])
            outcome = REPLACED
        if outcome in (CREATED, REPLACED) and (wanted.group_id is not None
                                               or wanted.shared is not None):
            _set_access(library, wanted, found.group_id if found else WORLD,
                        found.shared if found else True)
    return outcome


def put_article(library: Library, new: NewArticle,
                article_id: str | None) -> tuple[Article, bool]:
    """Stores an article under ``article_id`` when that id is free; returns it and whether
    it is new. A text the library has already is that article, whatever its id (ids and
    text hashes both identify an article: invariant 5); a taken id gets a new one (the
    client reads the id from the answer)."""
    with library.transaction():
        found = library.articles.find_by_hash(text_sha256(new.text))
        if found is not None:
            return found, False
        waiting = library.articles.find_by("url", new.url) if new.url else None
        if waiting is not None and new.text == new.url:
            # a pending page for a url an article has meanwhile: that article
            return waiting, False
        if waiting is not None and is_pending_page(waiting):
            # the text of a page annotated before the library had it: its passages,
            # kept by their quotes, are placed on it
            return replace_text(library, waiting.id, new).article, False
        if article_id is None or _article_exists(library, article_id):
            return library.articles.add_in_transaction(new)
        now = now_iso()
        merge(library, [_bundle(Article(
            id=article_id, title=new.title, text=new.text, format=new.format,
            text_sha256=text_sha256(new.text), external_id=new.external_id,
            author=new.author, outlet=new.outlet, published=new.published, url=new.url,
            language=new.language, imported_at=now, updated_at=now), (), (), (),
            layout=new.layout)])
        return library.articles.get(article_id), True


def _bundle(article: Article, annotators: tuple[BundleAnnotator, ...],
            tags: tuple[BundleTag, ...], annotations: tuple[BundleAnnotation, ...],
            layout: str | None = None) -> Bundle:
    """One article, and what is written on it, as a bundle for the merge."""
    return Bundle(
        origin=_ORIGIN, version=BUNDLE_VERSION, generator="the team server",
        created=now_iso(),
        articles=(BundleArticle(
            id=article.id, title=article.title, text=article.text,
            text_sha256=article.text_sha256, format=article.format,
            imported_at=article.imported_at, updated_at=article.updated_at,
            external_id=article.external_id, author=article.author, outlet=article.outlet,
            published=article.published, url=article.url, language=article.language,
            layout=layout),),
        tags=tags, annotators=annotators, annotations=annotations)


def _tags(library: Library, wanted: Sequence[str]) -> list[Tag]:
    """The tags named (by name or ``parent/name``), making those the library lacks (a
    parent too) at the end of the active set, as the server does for any annotation; a
    path whose name is here under another parent is that tag (names are unique)."""
    tags = library.tags
    found: dict[str, Tag] = {}
    for name in wanted:
        tag = tags.ensure(name)
        found.setdefault(tag.id, tag)
    return list(found.values())


def _access_of(wanted: ClientAnnotation, group_id: str, shared: bool) -> tuple[str, bool]:
    """The group and sharing the client asks for, what it leaves out as it is."""
    return (wanted.group_id if wanted.group_id is not None else group_id,
            wanted.shared if wanted.shared is not None else shared)


def _set_access(library: Library, wanted: ClientAnnotation, group_id: str,
                shared: bool) -> None:
    """The annotation's group and sharing, where the client gave them."""
    group, is_shared = _access_of(wanted, group_id, shared)
    library.db.conn.execute(
        "INSERT INTO annotation_access (annotation_id, group_id, shared) VALUES (?, ?, ?) "
        "ON CONFLICT (annotation_id) DO UPDATE SET group_id = excluded.group_id, "
        "shared = excluded.shared", [wanted.id, group, int(is_shared)])


def _article_exists(library: Library, article_id: str) -> bool:
    return library.db.conn.execute("SELECT 1 FROM articles WHERE id = ?",
                                   [article_id]).fetchone() is not None
