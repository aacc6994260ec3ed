"""W3C Web Annotation JSON-LD: export and import of annotations.

The export is one ``AnnotationCollection`` whose first (and only) ``AnnotationPage`` is
embedded and holds every annotation in ``items`` (Web Annotation Data Model §5). Each
annotation carries its own ``@context`` so it can be cut out and used alone:

- ``id``: ``urn:uuid:<the annotation's id>``; ``type``: ``Annotation``;
- ``motivation``: ``tagging`` when it has tags, else ``commenting`` when it has a note,
  else ``highlighting``;
- ``body``: one ``TextualBody`` with purpose ``tagging`` per tag (value: the tag's path,
  ``propaganda/Loaded_Language``) and one with purpose ``commenting`` for the note
  (``text/markdown``); no ``body`` when there is neither;
- ``target``: ``source`` is the article's url, or ``urn:closeread:article:<id>`` when it
  has none (always a plain string); ``urn:closeread:text-sha256`` is the SHA-256 of the
  article's text (UTF-8, lower-case hex: the article's ``text_sha256``); then a
  ``TextPositionSelector`` (code points, end exclusive) and a ``TextQuoteSelector`` (exact,
  prefix, suffix); an orphaned annotation, whose offsets no longer point at its quote,
  gets only the quote selector. The hash's key is an absolute IRI, which JSON-LD reads
  as a property without any term in ``@context``, so the context stays the plain W3C
  string and consumers that do not know the property can ignore it;
- ``creator``: ``{"type": "Person", "name": annotator}``; ``created``, ``modified``.

The import reads that, an ``AnnotationPage``, a bare JSON list of annotations, or a single
annotation. Ids other than ``urn:uuid:`` become a UUID derived from the IRI, so importing
the same file twice changes nothing the second time. An annotation's article is, in this
order (invariant 5: by id or text hash, never by title or file name):

1. the article of the ``urn:closeread:article:`` id, when the library has that id -
   unless the target's text hash is another article's, then that article;
2. the article whose text has the target's ``urn:closeread:text-sha256``, so a library
   that imported the same text itself (another id, perhaps no url) takes the file;
3. the one article with the source url (several with that url: refused).

An id or url whose article has another text and no article with the file's hash is kept
as the match: the offsets and quote checks then refuse what does not fit. No match at all
is an error naming the file and the annotation.
"""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from desktop import __version__
from desktop.core.errors import ImportFileError, InvalidArgumentError
from desktop.core.model import ORPHAN, Annotation, new_id, now_iso
from desktop.core.names import validate_annotator_name
from desktop.core.selectors import w3c_selectors
from desktop.io.decoding import decode, load_json, read_bytes
from desktop.io.output import written_whole
from desktop.store.annotations import AnnotationFilter
from desktop.store.interchange import (
    IncomingAnnotation,
    InterchangeReport,
    add_annotations,
    article_exists,
    article_ids_by_url,
)
from desktop.store.library import Library

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ARTICLE_URN = "urn:closeread:article:"
# the target's property holding the article text's SHA-256; an absolute IRI as a key is
# valid JSON-LD under the W3C context without defining a term
TEXT_SHA256 = "urn:closeread:text-sha256"
UUID_URN = "urn:uuid:"
NOTE_FORMAT = "text/markdown"
MAX_JSONLD_BYTES = 2_000_000_000  # an export of a big library is far larger than an article


# --- export --------------------------------------------------------------------------------


def annotation_jsonld(annotation: Annotation, source: str,
                      text_sha256: str | None = None) -> dict[str, object]:
    """One annotation as a W3C Web Annotation; ``text_sha256`` is its article's text hash,
    put on the target when given."""
    bodies: list[dict[str, object]] = [
        {"type": "TextualBody", "purpose": "tagging", "value": path}
        for path in annotation.tag_paths
    ]
    if annotation.note:
        bodies.append({"type": "TextualBody", "purpose": "commenting",
                       "value": annotation.note, "format": NOTE_FORMAT})
    motivation = ("tagging" if annotation.tag_paths
                  else "commenting" if annotation.note else "highlighting")
    selectors = w3c_selectors(annotation.start, annotation.end, annotation.exact,
                              annotation.prefix, annotation.suffix,
                              annotation.anchor_state != ORPHAN)
    data: dict[str, object] = {
        "@context": CONTEXT,
        "id": UUID_URN + annotation.id,
        "type": "Annotation",
        "motivation": motivation,
    }
    if bodies:
        data["body"] = bodies
    target: dict[str, object] = {"source": source}
    if text_sha256:
        target[TEXT_SHA256] = text_sha256
    target["selector"] = selectors
    data.update({
        "target": target,
        "creator": {"type": "Person", "name": annotation.annotator},
        "created": annotation.created,
        "modified": annotation.updated,
    })
    return data


def article_source(article_id: str, url: str | None) -> str:
    """The IRI an annotation's target names for an article."""
    return url or ARTICLE_URN + article_id


def write_jsonld(library: Library, out: TextIO, where: AnnotationFilter | None = None) -> int:
    """Writes the AnnotationCollection to ``out``; returns the number of annotations.

    Annotations are streamed, so ``total`` comes after the page.
    """
    targets = {a.id: (article_source(a.id, a.url), a.text_sha256)
               for a in library.articles.list()}
    head = {
        "@context": CONTEXT,
        "id": UUID_URN + new_id(),
        "type": "AnnotationCollection",
        "label": "Closeread annotations",
        "generator": {"type": "Software", "name": f"Closeread {__version__}"},
        "generated": now_iso(),
    }
    page = {"id": UUID_URN + new_id(), "type": "AnnotationPage", "startIndex": 0}
    # the two objects open, left without their closing braces, then the items one by one
    out.write(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "first": '
              + json.dumps(page, ensure_ascii=False, indent=2).replace("\n", "\n  ")[:-4]
              + ',\n    "items": [')
    count = 0
    for annotation in library.annotations.iterate(where):
        source, digest = targets[annotation.article_id]
        item = annotation_jsonld(annotation, source, digest)
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n      ")
        out.write(("," if count else "") + "\n      " + text)
        count += 1
    out.write(("\n    " if count else "") + "]\n  },\n")
    out.write(f'  "total": {count}\n}}\n')
    return count


def export_jsonld_file(library: Library, output: str | Path,
                       where: AnnotationFilter | None = None) -> int:
    """Writes the collection to ``output`` ("-" for standard output), all or nothing."""
    if str(output) == "-":
        return write_jsonld(library, sys.stdout, where)
    with written_whole(output) as stream:
        count = write_jsonld(library, stream, where)
    return count


# --- import --------------------------------------------------------------------------------


class JsonLdError(ImportFileError):
    """A JSON-LD file that is not a readable set of Web Annotations."""


@dataclass(frozen=True)
class _Where:
    """Where in the file an annotation is, for messages."""

    path: Path
    number: int
    id: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: annotation {self.number}" + (f" ({self.id})" if self.id else "")


def import_jsonld(library: Library, path: str | Path, annotator: str) -> InterchangeReport:
    """Adds the annotations of a JSON-LD file to the library: all of them, or none.

    ``annotator`` is used for annotations without a creator.
    """
    items = read_annotations(library, Path(path), annotator)
    return add_annotations(library, items)


def read_annotations(library: Library, path: Path, annotator: str) -> list[IncomingAnnotation]:
    """The annotations of the file, checked for shape and matched to articles;
    ``annotator`` (for those without a creator) is checked first."""
    annotator = validate_annotator_name(annotator)
    # control characters are the JSON parser's to judge: raw ones in a string are invalid
    decoded = decode(path, read_bytes(path, MAX_JSONLD_BYTES), strip_controls=False)
    data = load_json(path, decoded.text, JsonLdError)
    articles = _ArticleMatcher(library)
    found: list[IncomingAnnotation] = []
    for number, item in enumerate(_annotations_in(path, data), start=1):
        where = _Where(path, number)
        if not isinstance(item, dict):
            raise JsonLdError(where, "an annotation must be a JSON object")
        found.append(_incoming(where, item, articles, annotator))
    return found


def _annotations_in(path: Path, data: Any) -> Iterator[Any]:
    """The annotations of a collection, a page, a list, or one annotation."""
    if isinstance(data, list):
        yield from data
        return
    if not isinstance(data, dict):
        raise JsonLdError(path, _NOT_ANNOTATIONS)
    types = _types(data)
    if "AnnotationCollection" in types:
        page = data.get("first")
        if page is None:
            if data.get("total", 0):
                raise JsonLdError(path, "the AnnotationCollection has no \"first\" page")
            return
        while page is not None:
            if not isinstance(page, dict):
                raise JsonLdError(
                    path, f"the collection's pages are links ({str(page)[:60]!r}); only "
                    "pages written into the file can be read")
            yield from _page_items(path, page)
            page = page.get("next")
    elif "AnnotationPage" in types:
        yield from _page_items(path, data)
    elif "Annotation" in types:
        yield data
    else:
        raise JsonLdError(path, _NOT_ANNOTATIONS)


_NOT_ANNOTATIONS = ("not W3C Web Annotations: expected an AnnotationCollection, an "
                    "AnnotationPage, an Annotation or a list of annotations")


def _page_items(path: Path, page: dict[str, Any]) -> list[Any]:
    items = page.get("items", [])
    if not isinstance(items, list):
        raise JsonLdError(path, "the AnnotationPage's \"items\" is not a list")
    return items


def _types(data: dict[str, Any]) -> list[str]:
    value = data.get("type", data.get("@type"))
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _one(where: _Where, value: Any, what: str) -> Any:
    """A property that may be given as one value or a list of one."""
    if isinstance(value, list):
        if len(value) != 1:
            raise JsonLdError(where, f"{what}: expected one, found {len(value)}")
        return value[0]
    return value


def _target(where: _Where, item: dict[str, Any]) -> dict[str, Any]:
    if "target" not in item:
        raise JsonLdError(where, "missing \"target\"")
    target = _one(where, item["target"], "target")
    if isinstance(target, str):
        raise JsonLdError(where, "the target is a whole document; a passage needs a "
                                 "TextPositionSelector or a TextQuoteSelector")
    if not isinstance(target, dict):
        raise JsonLdError(where, "the target must be a JSON object")
    return target


def _source(where: _Where, item: dict[str, Any]) -> str:
    if "target" not in item:
        return ""
    target = _target(where, item)
    source = target.get("source")
    if isinstance(source, dict):
        source = source.get("id")
    if not isinstance(source, str) or not source.strip():
        raise JsonLdError(where, "the target has no \"source\" naming the article")
    return source.strip()


def _text_sha256(where: _Where, target: dict[str, Any]) -> str | None:
    """The target's ``urn:closeread:text-sha256``, lower-case; None when not given."""
    if TEXT_SHA256 not in target:
        return None
    value = _one(where, target[TEXT_SHA256], TEXT_SHA256)
    if isinstance(value, dict):  # the expanded form {"@value": "..."}
        value = value.get("@value")
    if (not isinstance(value, str) or len(value) != 64
            or value.strip("0123456789abcdefABCDEF")):
        raise JsonLdError(where, f"the target's \"{TEXT_SHA256}\" is not a SHA-256 "
                                 "(64 hexadecimal digits)")
    return value.lower()


def _incoming(where: _Where, item: dict[str, Any], articles: _ArticleMatcher,
              default_annotator: str) -> IncomingAnnotation:
    if "Annotation" not in _types(item):
        raise JsonLdError(where, "not an Annotation (its \"type\" is "
                                 f"{item.get('type', 'missing')!r})")
    where = _Where(where.path, where.number, _iri(where, item.get("id")))
    annotation_id = _uuid_of(where.id or "")
    target = _target(where, item)
    article_id = articles.match(where, _source(where, item), _text_sha256(where, target))
    position, quote = _selectors(where, target.get("selector"))
    tags, note = _bodies(where, item)
    return IncomingAnnotation(
        origin=str(where),
        article_id=article_id,
        annotator=_creator(where, item.get("creator")) or default_annotator,
        tags=tuple(tags),
        note=note,
        start=position.get("start") if position else None,
        end=position.get("end") if position else None,
        exact=quote.get("exact") if quote else None,
        prefix=quote.get("prefix") if quote else None,
        suffix=quote.get("suffix") if quote else None,
        id=annotation_id,
        created=_time(where, item, "created"),
        updated=_time(where, item, "modified"),
    )


def _iri(where: _Where, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise JsonLdError(where, "missing \"id\" (every annotation needs an IRI)")
    return value.strip()


def _uuid_of(iri: str) -> str:
    """The annotation id an IRI stands for: the UUID of ``urn:uuid:``, else one derived
    from the IRI itself (the same IRI always gives the same id)."""
    if iri.lower().startswith(UUID_URN):
        try:
            return str(uuid.UUID(iri[len(UUID_URN):]))
        except ValueError:
            pass
    return str(uuid.uuid5(uuid.NAMESPACE_URL, iri))


class _ArticleMatcher:
    """Finds the article an annotation's target names (see the module docstring), asking
    the library once per source and hash."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.matched: dict[tuple[str, str | None], str] = {}
        self.by_hash: dict[str, str | None] = {}

    def match(self, where: _Where, source: str, digest: str | None) -> str:
        key = (source, digest)
        if key not in self.matched:
            self.matched[key] = self._match(where, source, digest)
        return self.matched[key]

    def _hash_match(self, digest: str | None) -> str | None:
        if digest is None:
            return None
        if digest not in self.by_hash:
            article = self.library.articles.find_by_hash(digest)
            self.by_hash[digest] = article.id if article else None
        return self.by_hash[digest]

    def _match(self, where: _Where, source: str, digest: str | None) -> str:
        by_hash = self._hash_match(digest)
        # the hash is unique in a library: an id article that is not ``by_hash`` has
        # another text, so the article with the file's text is the one meant
        if source.startswith(ARTICLE_URN):
            article_id = source[len(ARTICLE_URN):]
            if article_exists(self.library, article_id):
                return by_hash or article_id
            if by_hash:
                return by_hash
            raise JsonLdError(where, f"unknown article {source}: no article with this id"
                                     + self._or_text(digest) + " is in the library")
        if by_hash:
            return by_hash
        ids = article_ids_by_url(self.library, [source])[source]
        if not ids:
            raise JsonLdError(where, f"unknown article {source}: no article in the library "
                                     "has this url" + self._or_text(digest))
        if len(ids) > 1:
            raise JsonLdError(where, f"the url {source} names {len(ids)} articles in the "
                                     "library; cannot tell which is meant")
        return ids[0]

    @staticmethod
    def _or_text(digest: str | None) -> str:
        return f" or this text (sha256 {digest[:12]}…)" if digest else ""


def _selectors(where: _Where, value: Any) -> tuple[dict[str, Any] | None,
                                                   dict[str, Any] | None]:
    selectors = value if isinstance(value, list) else [value] if value is not None else []
    position = quote = None
    for selector in selectors:
        if not isinstance(selector, dict):
            continue
        kinds = _types(selector)
        if "TextPositionSelector" in kinds:
            for key in ("start", "end"):
                if key not in selector:
                    raise JsonLdError(where, f"the TextPositionSelector has no \"{key}\"")
                if not isinstance(selector[key], int) or isinstance(selector[key], bool):
                    raise JsonLdError(
                        where, f"the TextPositionSelector's \"{key}\" is not a whole number")
            position = selector
        elif "TextQuoteSelector" in kinds:
            for key in ("exact", "prefix", "suffix"):
                if key in selector and not isinstance(selector[key], str):
                    raise JsonLdError(where, f"the TextQuoteSelector's \"{key}\" is not text")
            if not isinstance(selector.get("exact"), str):
                raise JsonLdError(where, "the TextQuoteSelector has no \"exact\"")
            quote = selector
    if position is None and quote is None:
        raise JsonLdError(where, "the target has no TextPositionSelector or "
                                 "TextQuoteSelector")
    return position, quote


def _bodies(where: _Where, item: dict[str, Any]) -> tuple[list[str], str]:
    value = item.get("body")
    bodies = value if isinstance(value, list) else [value] if value is not None else []
    tags: list[str] = []
    notes: list[str] = []
    if isinstance(item.get("bodyValue"), str):
        notes.append(item["bodyValue"])
    for body in bodies:
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            raise JsonLdError(where, "a body must be a TextualBody with a text \"value\"")
        kinds = _types(body)
        if kinds and "TextualBody" not in kinds:
            raise JsonLdError(where, f"a body of type {kinds[0]!r} is not supported "
                                     "(only TextualBody)")
        purpose = _one(where, body.get("purpose", "commenting"), "a body's purpose")
        if purpose == "tagging":
            tags.append(body["value"])
        elif purpose in ("commenting", "describing"):
            notes.append(body["value"])
        else:
            raise JsonLdError(where, f"a body with purpose {purpose!r} is not supported "
                                     "(tagging, commenting or describing)")
    return tags, "\n\n".join(notes)


def _creator(where: _Where, value: Any) -> str | None:
    """The creator's name (None when there is none, or it is blank: the default annotator
    is taken), refused when it is not one line of visible text."""
    if value is None:
        return None
    creator = _one(where, value, "creator")
    name: str | None = None
    if isinstance(creator, str):
        name = creator
    elif isinstance(creator, dict):
        for key in ("name", "nickname", "id"):
            if isinstance(creator.get(key), str) and creator[key].strip():
                name = creator[key]
                break
    if name is None:
        raise JsonLdError(where, "the creator has no name")
    if not name.strip():
        return None
    try:
        return validate_annotator_name(name)
    except InvalidArgumentError as error:
        raise JsonLdError(where, f"the creator: {error.message}") from None


def _time(where: _Where, item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise JsonLdError(where, f"\"{key}\" must be an ISO 8601 date and time")
    return value
