"""A bundle: articles, tags, annotators and annotations that travel between libraries.

These are the records a bundle file holds once it is read (``desktop.io.bundle`` reads and
writes the file; ``desktop.store.merging`` merges them into a library). ``check`` holds a
bundle to the rules a merge relies on, before anything is written:

- ids are UUIDs and occur once; tag paths occur once;
- every article's ``text_sha256`` is the hash of its text;
- every annotation names an article and an annotator of the bundle, and only tags the
  bundle declares;
- an anchored annotation's offsets lie inside its article's text and hold its quote
  (invariant 1); an orphan keeps the offsets it had, which need not;
- an article's ``layout`` (its blocks and spans, ``desktop.core.document``) describes its
  text (``checked_layout``, which the reader's window uses too: there, a layout it cannot
  read opens the article as plain text);
- a deletion (``deleted`` set) is a record like any other, so that a merge can carry it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop.core.document import (
    CODE,
    EMPHASIS,
    HEADING,
    INLINE_CODE,
    ITEM,
    LINK,
    PARAGRAPH,
    QUOTE,
    STRONG,
    Document,
)
from desktop.core.errors import ImportFileError
from desktop.core.model import ANCHORED, ORPHAN, text_sha256

BUNDLE_FORMAT = "closeread-bundle"
BUNDLE_VERSION = 1


class BundleError(ImportFileError):
    """A bundle that cannot be merged; nothing of it was."""


_Fail = Callable[[str], BundleError]


@dataclass(frozen=True)
class BundleArticle:
    id: str
    title: str
    text: str
    text_sha256: str
    format: str
    imported_at: str
    updated_at: str
    external_id: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    layout: str | None = None


@dataclass(frozen=True)
class BundleTag:
    path: str  # "propaganda/Loaded_Language" or "evidence"
    color: str
    description: str = ""

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def parent(self) -> str | None:
        return self.path.rpartition("/")[0] or None


@dataclass(frozen=True)
class BundleAnnotator:
    id: str
    name: str


@dataclass(frozen=True)
class BundleAnnotation:
    id: str
    article_id: str
    annotator_id: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    note: str
    anchor_state: str
    tags: tuple[str, ...]  # paths, as declared in the bundle's tags
    created: str
    updated: str
    deleted: str | None = None


@dataclass(frozen=True)
class Bundle:
    """What one bundle file holds; ``origin`` names the file in messages."""

    origin: str
    version: int
    generator: str
    created: str
    articles: tuple[BundleArticle, ...]
    tags: tuple[BundleTag, ...]
    annotators: tuple[BundleAnnotator, ...]
    annotations: tuple[BundleAnnotation, ...]


def check(bundle: Bundle) -> None:
    """Raises ``BundleError`` naming the file and the first record that breaks a rule."""
    where = bundle.origin

    def fail(problem: str) -> BundleError:
        return BundleError(where, problem)

    _unique(fail, "article", (a.id for a in bundle.articles))
    _unique(fail, "annotator", (a.id for a in bundle.annotators))
    _unique(fail, "annotation", (a.id for a in bundle.annotations))
    _unique(fail, "tag", (t.path.lower() for t in bundle.tags))
    _unique(fail, "annotator name", (a.name for a in bundle.annotators))
    _unique(fail, "article text (text_sha256)", (a.text_sha256 for a in bundle.articles))
    ids = [a.id for a in bundle.articles] + [a.id for a in bundle.annotators] \
        + [a.id for a in bundle.annotations]
    for record_id in ids:
        if not is_uuid(record_id):
            raise fail(f"the id {record_id!r} is not a UUID")
    texts: dict[str, str] = {}
    for article in bundle.articles:
        if text_sha256(article.text) != article.text_sha256:
            raise fail(f"article {article.id} ({article.title!r}): its text does not match "
                       "its text_sha256; the file was changed or damaged")
        texts[article.id] = article.text
    for article in bundle.articles:
        if article.layout and article.layout.strip():
            try:
                checked_layout(article.text, article.layout)
            except LayoutError as error:
                raise fail(f"article {article.id} ({_short(article.title)!r}): its "
                           f"\"layout\": {error}") from None
    for tag in bundle.tags:
        if tag.path.count("/") > 1 or not all(part.strip() for part in tag.path.split("/")):
            raise fail(f"tag {tag.path!r}: a tag path is a name or parent/name")
    tags = {t.path.lower() for t in bundle.tags}
    annotators = {a.id for a in bundle.annotators}
    for annotation in bundle.annotations:
        _check_annotation(fail, annotation, texts, annotators, tags)


def _check_annotation(fail: _Fail, annotation: BundleAnnotation, texts: dict[str, str],
                      annotators: set[str], tags: set[str]) -> None:
    label = f"annotation {annotation.id}"
    text = texts.get(annotation.article_id)
    if text is None:
        raise fail(f"{label}: its article {annotation.article_id} is not in the bundle")
    if annotation.annotator_id not in annotators:
        raise fail(f"{label}: its annotator {annotation.annotator_id} is not in the bundle")
    for path in annotation.tags:
        if path.lower() not in tags:
            raise fail(f"{label}: its tag {path!r} is not among the bundle's tags")
    if annotation.anchor_state not in (ANCHORED, ORPHAN):
        raise fail(f"{label}: anchor_state must be {ANCHORED!r} or {ORPHAN!r}")
    if annotation.anchor_state == ORPHAN or annotation.deleted:
        return
    start, end = annotation.start, annotation.end
    if not 0 <= start < end <= len(text):
        raise fail(f"{label}: the passage {start}..{end} is "
                   + ("empty or reversed" if start >= 0 and end <= len(text)
                      else f"out of range: its article has {len(text)} characters"))
    if text[start:end] != annotation.exact:
        raise fail(f"{label}: the text at {start}..{end} is not its quote "
                   f"{_short(annotation.exact)!r}")


def _unique(fail: _Fail, what: str, values: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise fail(f"the {what} {value!r} occurs twice")
        seen.add(value)


def is_uuid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False


# --- layouts -------------------------------------------------------------------------------

BLOCK_KINDS = frozenset({HEADING, PARAGRAPH, ITEM, QUOTE, CODE})
SPAN_KINDS = frozenset({EMPHASIS, STRONG, INLINE_CODE, LINK})
MAX_LAYOUT_LEVEL = 100  # a heading's 1-6, a list's or a quote's depth (HTML: 100 at most)


class LayoutError(ValueError):
    """A layout that does not describe its text; the message says what is wrong."""


def checked_layout(text: str, layout: str) -> Document:
    """The document ``layout`` lays over ``text``, read by ``Document.from_json`` as the
    reader reads it, once the layout is known to be what Closeread writes: a JSON object
    whose ``blocks`` are ``[start, end, kind, level]`` in the order of the text, none
    empty, none overlapping the one before, and whose ``spans`` are ``[start, end, kind,
    href]``, all inside the text. Links keep only http, https and mailto addresses.
    Raises ``LayoutError`` naming the first entry that breaks a rule."""
    try:
        data = json.loads(layout)
    except RecursionError:
        raise LayoutError("not JSON: it nests too deeply") from None
    except ValueError as error:  # JSONDecodeError, or a number of thousands of digits
        raise LayoutError(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise LayoutError("not a JSON object with \"blocks\" and \"spans\"")
    blocks, spans = data.get("blocks", []), data.get("spans", [])
    if not isinstance(blocks, list) or not isinstance(spans, list):
        raise LayoutError("\"blocks\" and \"spans\" must be lists")
    end_before = 0
    for number, block in enumerate(blocks, start=1):
        where = f"block {number}"
        start, end, kind, level = _entry(where, block, "[start, end, kind, level]")
        _kind(where, kind, BLOCK_KINDS)
        if not _whole(level) or not 0 <= level <= MAX_LAYOUT_LEVEL:
            raise LayoutError(f"{where}: the level must be a whole number from 0 to "
                              f"{MAX_LAYOUT_LEVEL}")
        _inside(where, start, end, text)
        if start < end_before:
            raise LayoutError(f"{where}: it starts at {start}, before the block ahead of it "
                              f"ends ({end_before}); blocks follow the text in order")
        end_before = end
    for number, span in enumerate(spans, start=1):
        where = f"span {number}"
        start, end, kind, href = _entry(where, span, "[start, end, kind, href]")
        _kind(where, kind, SPAN_KINDS)
        if href is not None and (kind != LINK or not isinstance(href, str)):
            raise LayoutError(f"{where}: only a link has an address, and it is text")
        _inside(where, start, end, text)
    return Document.from_json(text, layout)


def _entry(where: str, entry: Any, shape: str) -> tuple[Any, Any, Any, Any]:
    if not isinstance(entry, list) or len(entry) != 4:
        raise LayoutError(f"{where}: must be a list {shape}")
    start, end, kind, last = entry
    if not _whole(start) or not _whole(end):
        raise LayoutError(f"{where}: its start and end must be whole numbers")
    return start, end, kind, last


def _kind(where: str, kind: Any, kinds: frozenset[str]) -> None:
    """Refuses a kind that is not one of ``kinds``: text, never a list, an object or a
    number (a list or an object cannot even be looked up among them)."""
    if isinstance(kind, str) and kind in kinds:
        return
    known = ", ".join(sorted(kinds))
    if isinstance(kind, str):
        raise LayoutError(f"{where}: the kind {_short(kind)!r} is not one of {known}")
    raise LayoutError(f"{where}: the kind must be text, one of {known}; "
                      f"it is {_json_type(kind)}")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _inside(where: str, start: int, end: int, text: str) -> None:
    if not 0 <= start < end <= len(text):
        raise LayoutError(f"{where}: {_number(start)}..{_number(end)} is "
                          + (f"out of range: the text has {len(text)} characters"
                             if start < 0 or end > len(text) else "empty or reversed"))


def _number(value: int) -> str:
    """``value`` as written, or its first digits and how many there are when it is long
    (a layout may hold a number of hundreds of digits)."""
    digits = str(value)
    if len(digits) <= 24:
        return digits
    return f"{digits[:20]}… ({len(digits.lstrip('-')):,} digits)"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
