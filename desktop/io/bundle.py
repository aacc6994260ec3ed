"""Bundle files: one JSON document with articles, tags, annotators and annotations.

A bundle moves an analyst's work into another library (``closeread merge``), whole: the
articles' texts travel with their hashes, so the receiving library can match them by id or
by text, and deletions travel as records, so a merge does not bring them back. The file::

    {
      "format": "closeread-bundle",
      "version": 1,
      "generator": "Closeread 0.1.0",
      "created": "2026-11-23T10:00:00.000+00:00",
      "selection": {"article": null, "tag": null, "annotator": "maya"},
      "tags": [{"path": "propaganda/Loaded_Language", "color": "#d62728",
                "description": ""}, ...],
      "annotators": [{"id": "<uuid>", "name": "maya"}, ...],
      "articles": [{"id": "<uuid>", "title": ..., "text": ..., "text_sha256": ...,
                    "format": ..., "external_id": ..., "author": ..., "outlet": ...,
                    "published": ..., "url": ..., "language": ..., "layout": ...,
                    "imported_at": ..., "updated_at": ...}, ...],
      "annotations": [{"id": "<uuid>", "article_id": ..., "annotator_id": ...,
                       "start": 10, "end": 42, "exact": ..., "prefix": ..., "suffix": ...,
                       "note": ..., "anchor_state": "anchored", "tags": ["evidence"],
                       "created": ..., "updated": ..., "deleted": null}, ...]
    }

Offsets are code points of the article's text, end exclusive, as everywhere in Closeread.
A name ending in ``.gz`` is written gzip-compressed; a compressed bundle is read whatever
its name. A bundle of a later ``version`` than this program reads is refused.

Reading is bounded: a bundle's JSON is read up to ``MAX_BUNDLE_BYTES`` (512 MB), packed or
not. A compressed bundle is unpacked as a stream, a megabyte at a time, and refused as
soon as it passes that size, or as soon as it has unpacked to more than
``MAX_UNPACK_RATIO`` times the bytes it came from (past its first 16 MB): JSON compresses
about tenfold, while a decompression bomb (a megabyte of gzip that unpacks to a
gigabyte) does a thousandfold. Without the stream, such a file took 3 GB of memory.

The bytes do not bound the memory by themselves: parsed, ``{}`` (three bytes with its
comma) is a Python dict of 64 bytes, so 64 MB of them took 1.2 GB. Before it is parsed, a
bundle's JSON values (objects, lists, strings, numbers) are counted by the commas and
brackets outside its strings, and a bundle holding more than one value for every
``BYTES_PER_VALUE`` bytes (past the first ``MIN_VALUES``), or more than ``MAX_VALUES``,
is refused. A bundle Closeread writes holds one for every 40 bytes or so (an
annotation's record: some 17 values in 300 to 600 bytes; an article's text and layout
are one string each). A value takes at most about 100 bytes once parsed, so a bundle
takes at most about 13 times its size in memory (measured: 64 MB of short strings, the
worst case, 820 MB in all; 64 MB of ``{}`` at the limit 380 MB), and its values never
more than 2.5 GB; the bundle of 100,000 annotations of a real library (64 MB) takes 260 MB
to merge.
"""

from __future__ import annotations

import json
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from desktop import __version__
from desktop.core.bundle import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    Bundle,
    BundleAnnotation,
    BundleAnnotator,
    BundleArticle,
    BundleError,
    BundleTag,
    check,
)
from desktop.core.errors import (
    DecompressionBombError,
    EmptyFileError,
    FileTooLargeError,
    InvalidArgumentError,
    TooManyValuesError,
    readable,
)
from desktop.core.model import iso_date, iso_utc, now_iso
from desktop.core.names import validate_annotator_name
from desktop.core.tagsets import validate_tag_name
from desktop.core.wording import counted
from desktop.io.decoding import load_json, refuse_special
from desktop.io.output import written_whole
from desktop.store.annotations import AnnotationFilter
from desktop.store.bundle_contents import BundleSelection, bundle_selection
from desktop.store.library import Library
from desktop.store.merging import MergeReport, merge

MAX_BUNDLE_BYTES = 512_000_000  # of JSON, unpacked: memory stays a few times this
MAX_UNPACK_RATIO = 200  # unpacked bytes per packed byte, checked past _RATIO_FROM
_RATIO_FROM = 16 * 1024 * 1024
_CHUNK = 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
BYTES_PER_VALUE = 8  # the fewest bytes a JSON value of a bundle may take, on average
MIN_VALUES = 1_000_000  # values any bundle may hold, whatever its size
MAX_VALUES = 25_000_000  # values no bundle may pass: 1.4 million annotations or so
# a JSON string, or one that does not close before the end of the part counted (its
# backslash escaping nothing): every quote outside a string starts a match that always
# succeeds, without backtracking, so a part is counted in one pass whatever it holds
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


# --- writing -------------------------------------------------------------------------------


class BundleExport:
    """What an export wrote."""

    def __init__(self, selection: BundleSelection) -> None:
        self.articles = len(selection.article_ids)
        self.annotations = selection.annotation_count
        self.annotators = len(selection.annotators)
        self.tags = len(selection.tags)

    def summary(self, output: str) -> str:
        return (f"wrote {counted(self.articles, 'article')}, "
                f"{counted(self.annotations, 'annotation')} "
                f"({counted(self.annotators, 'annotator')}, {counted(self.tags, 'tag')}) "
                f"to {output}")


def write_bundle(library: Library, out: TextIO,
                 where: AnnotationFilter | None = None) -> BundleExport:
    """Writes the bundle of ``where``'s selection to ``out``, streaming articles and
    annotations."""
    where = where or AnnotationFilter()
    selection = bundle_selection(library, where)
    head = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "generator": f"Closeread {__version__}",
        "created": now_iso(),
        "selection": {"article": where.article_id, "tag": where.tag,
                      "annotator": where.annotator},
        "tags": [{"path": t.path, "color": t.color, "description": t.description}
                 for t in selection.tags],
        "annotators": [{"id": a.id, "name": a.name} for a in selection.annotators],
    }
    out.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2])
    _write_list(out, "articles", (_article_record(a) for a in selection.articles()))
    _write_list(out, "annotations",
                (_annotation_record(a) for a in selection.annotations()))
    out.write("\n}\n")
    return BundleExport(selection)


def _write_list(out: TextIO, key: str, records: Iterator[dict[str, object]]) -> None:
    out.write(f',\n "{key}": [')
    separator = "\n  "
    for record in records:
        out.write(separator + json.dumps(record, ensure_ascii=False))
        separator = ",\n  "
    out.write("\n ]" if separator != "\n  " else "]")


def _article_record(article: BundleArticle) -> dict[str, object]:
    return {
        "id": article.id, "title": article.title, "text": article.text,
        "text_sha256": article.text_sha256, "format": article.format,
        "external_id": article.external_id, "author": article.author,
        "outlet": article.outlet, "published": article.published, "url": article.url,
        "language": article.language, "layout": article.layout,
        "imported_at": article.imported_at, "updated_at": article.updated_at,
    }


def _annotation_record(annotation: BundleAnnotation) -> dict[str, object]:
    return {
        "id": annotation.id, "article_id": annotation.article_id,
        "annotator_id": annotation.annotator_id, "start": annotation.start,
        "end": annotation.end, "exact": annotation.exact, "prefix": annotation.prefix,
        "suffix": annotation.suffix, "note": annotation.note,
        "anchor_state": annotation.anchor_state, "tags": list(annotation.tags),
        "created": annotation.created, "updated": annotation.updated,
        "deleted": annotation.deleted,
    }


def export_bundle_file(library: Library, output: str | Path,
                       where: AnnotationFilter | None = None) -> BundleExport:
    """Writes the bundle to ``output`` ("-" for standard output), all or nothing."""
    if str(output) == "-":
        return write_bundle(library, sys.stdout, where)
    with written_whole(output, compress=str(output).endswith(".gz")) as stream:
        written = write_bundle(library, stream, where)
    return written


# --- reading -------------------------------------------------------------------------------


def read_bundle(path: str | Path, limit: int | None = None) -> Bundle:
    """The bundle in the file at ``path``, checked (``desktop.core.bundle.check``); its
    JSON is read up to ``limit`` bytes (``MAX_BUNDLE_BYTES``), compressed or not."""
    path = Path(path)
    data = _json_bytes(path, MAX_BUNDLE_BYTES if limit is None else limit)
    _count_values(path, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BundleError(path, f"not a bundle: not UTF-8 text (byte {error.start})"
                          ) from None
    del data  # the text is a copy: keep one of the two in memory, not both
    document = load_json(path, text, BundleError)
    del text
    bundle = _parse(path, document)
    check(bundle)
    return bundle


def _json_bytes(path: Path, limit: int) -> bytes | bytearray:
    """The file's bytes, unpacked when it is gzip, never more than ``limit`` of them."""
    refuse_special(path, BundleError)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            if stream.read(2) != _GZIP_MAGIC:
                if size == 0:
                    raise EmptyFileError(path, "the file is empty")
                if size > limit:
                    raise FileTooLargeError(
                        path, f"the file is {_megabytes(size)}; bundles over "
                              f"{_megabytes(limit)} are not read")
                stream.seek(0)
                return stream.read()
            stream.seek(0)
            return _gunzip(path, stream, limit)
    except FileNotFoundError:
        raise BundleError(path, "no such file") from None
    except IsADirectoryError:
        raise BundleError(path, "a folder, not a bundle file") from None
    except OSError as error:
        raise BundleError(path, f"cannot read the file ({error.strerror})") from None


def _gunzip(path: Path, stream: Any, limit: int) -> bytearray:
    """The gzip members of ``stream`` unpacked, a megabyte at a time: refused past
    ``limit`` bytes, or past ``MAX_UNPACK_RATIO`` times what they were unpacked from."""
    unpacked = bytearray()
    packed = 0  # bytes read from the file
    member = zlib.decompressobj(wbits=31)  # 31: gzip, header and checksum checked
    try:
        while chunk := stream.read(_CHUNK):
            packed += len(chunk)
            pending = chunk
            while pending:
                unpacked += member.decompress(pending, _CHUNK)
                pending = member.unconsumed_tail
                if len(unpacked) > limit:
                    raise DecompressionBombError(
                        path, f"unpacks to more than {_megabytes(limit)} (a compressed "
                              f"file of {_megabytes(os.fstat(stream.fileno()).st_size)}); "
                              "bundles are read up to that size")
                used = packed - len(pending)
                if len(unpacked) > _RATIO_FROM and len(unpacked) > MAX_UNPACK_RATIO * used:
                    raise DecompressionBombError(
                        path, f"unpacks to over {MAX_UNPACK_RATIO} times its size "
                              f"({_megabytes(len(unpacked))} from the first "
                              f"{_megabytes(used)}): a decompression bomb, not a bundle")
                if member.eof:
                    # another gzip member may follow (a concatenated file); zeros are
                    # padding some tools leave at the end
                    rest = member.unused_data + pending
                    if rest.strip(b"\x00"):
                        member, pending = zlib.decompressobj(wbits=31), rest
                    else:
                        pending = b""
        if not member.eof:
            raise BundleError(path, "a damaged gzip file (it ends before its data does)")
    except zlib.error as error:
        raise BundleError(path, f"a damaged gzip file ({error})") from None
    return unpacked


def _count_values(path: Path, data: bytes | bytearray) -> None:
    """Refuses ``data`` when it holds more JSON values than ``_most_values`` allows.

    Every value but the first of a list or an object follows a comma, and the first
    follows a bracket, so the commas and brackets outside strings count the values (an
    object's keys aside: they are shared, parsed once). They are counted first in all the
    bytes (fast, and enough for a bundle Closeread wrote), then, when that rough count is
    too high, outside strings only, a part of a megabyte or more at a time, stopping as
    soon as the count passes the limit.

    Each part ends at a line break, and a JSON string holds no raw line break, so in valid
    JSON no string runs from one part into the next: a part is counted as if it began
    outside any string. A string that does not close by the end of its part is invalid
    JSON, which the parser refuses where it stops being valid, before any value after
    that point is made: its part's rest counts as the string, the next part is counted
    from outside one (more than the parser would make, never fewer). Counting is linear
    whatever the bytes: a quote opening a string that never closes does not make every
    later quote (escaped ones included) look for the end of the part again."""
    most = _most_values(len(data))
    rough = data.count(b",") + data.count(b"[") + data.count(b"{") + 1
    if rough <= most:
        return
    view = memoryview(data)
    counted, position = 0, 0
    while position < len(data):
        end = data.find(b"\n", position + _CHUNK)
        end = len(data) if end < 0 else end + 1
        structure = _JSON_STRING.sub(b"", view[position:end])
        counted += structure.count(b",") + structure.count(b"[") + structure.count(b"{")
        if counted > most:
            raise TooManyValuesError(
                path, f"holds more than {most:,} JSON values ({counted:,} in its first "
                      f"{_megabytes(end)}): a bundle of {_megabytes(len(data))} holds at "
                      f"most one for every {BYTES_PER_VALUE} bytes"
                      + (f" and never more than {MAX_VALUES:,}" if most == MAX_VALUES
                         else "") + "; this is not a bundle Closeread wrote")
        position = end


def _most_values(size: int) -> int:
    """The most JSON values a bundle of ``size`` bytes may hold."""
    return min(MAX_VALUES, max(MIN_VALUES, size // BYTES_PER_VALUE))


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _parse(path: Path, document: Any) -> Bundle:
    if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
        raise BundleError(path, f"not a Closeread bundle (no \"format\": \"{BUNDLE_FORMAT}\")")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(path, f"the bundle's \"version\" must be a whole number from 1, "
                                f"not {version!r}")
    if version > BUNDLE_VERSION:
        raise BundleError(
            path, f"written by a newer Closeread ({document.get('generator', 'unknown')}, "
                  f"bundle version {version}); this Closeread {__version__} reads bundle "
                  f"version {BUNDLE_VERSION}: update Closeread to merge it")
    fields = _Fields(path)
    return Bundle(
        origin=readable(path),  # stored in the import report: \xff escapes, never bytes
        version=version,
        generator=fields.text(document, "generator", "the bundle", optional=True) or "",
        created=fields.time(document, "created", "the bundle", optional=True) or "",
        articles=tuple(fields.records(document, "articles", _article)),
        tags=tuple(fields.records(document, "tags", _tag)),
        annotators=tuple(fields.records(document, "annotators", _annotator)),
        annotations=tuple(fields.records(document, "annotations", _annotation)),
    )


class _Fields:
    """Typed access to a record's fields, with messages naming the file and the record."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, label: str, problem: str) -> BundleError:
        return BundleError(self.path, f"{label}: {problem}")

    def records(self, document: dict[str, Any], key: str,
                build: Callable[[_Fields, dict[str, Any], str], Any]) -> Iterator[Any]:
        value = document.get(key, [])
        if not isinstance(value, list):
            raise BundleError(self.path, f"\"{key}\" must be a list")
        singular = key[:-1]
        for number, record in enumerate(value, start=1):
            label = f"{singular} {number}"
            if not isinstance(record, dict):
                raise self.fail(label, "must be a JSON object")
            if isinstance(record.get("id"), str):
                label += f" ({record['id']})"
            yield build(self, record, label)

    def text(self, record: dict[str, Any], key: str, label: str,
             optional: bool = False) -> str | None:
        value = record.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise self.fail(label, f"\"{key}\" must be text" + ("" if optional or key in record
                                                                 else ", and it is missing"))
        return value

    def required(self, record: dict[str, Any], key: str, label: str) -> str:
        value = self.text(record, key, label)
        assert value is not None
        return value

    def number(self, record: dict[str, Any], key: str, label: str) -> int:
        value = record.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(label, f"\"{key}\" must be a whole number")
        return value

    def time(self, record: dict[str, Any], key: str, label: str,
             optional: bool = False) -> str | None:
        value = self.text(record, key, label, optional)
        if value is None:
            return None
        try:
            return iso_utc(value)
        except ValueError as error:  # the reason: month 13, year 0, out of range in UTC …
            raise self.fail(label, f"\"{key}\" {value!r} is not an ISO 8601 date and time "
                                   f"({error})") from None


def _article(fields: _Fields, record: dict[str, Any], label: str) -> BundleArticle:
    optional = {key: fields.text(record, key, label, optional=True)
                for key in ("external_id", "author", "outlet", "published", "url",
                            "language", "layout")}
    text = fields.required(record, "text", label)
    if not text.strip():
        raise fields.fail(label, "its text is empty")
    if optional["published"] is not None:
        try:
            iso_date(optional["published"])
        except ValueError:
            raise fields.fail(label, f"\"published\" {optional['published']!r} is not an "
                                     "ISO 8601 date (2019-10-31 or 2019-10-31T17:44)"
                              ) from None
    return BundleArticle(
        id=fields.required(record, "id", label),
        title=fields.required(record, "title", label),
        text=text,
        text_sha256=fields.required(record, "text_sha256", label),
        format=fields.text(record, "format", label, optional=True) or "text",
        imported_at=fields.time(record, "imported_at", label) or "",
        updated_at=fields.time(record, "updated_at", label) or "",
        **optional,
    )


def _tag(fields: _Fields, record: dict[str, Any], label: str) -> BundleTag:
    path = fields.required(record, "path", label).strip()
    for part in path.split("/"):
        if part.strip():  # an empty part is the path rule of check()
            try:
                validate_tag_name(part)
            except InvalidArgumentError as error:
                raise fields.fail(label, error.message) from None
    return BundleTag(
        path=path,
        color=fields.required(record, "color", label),
        description=fields.text(record, "description", label, optional=True) or "",
    )


def _annotator(fields: _Fields, record: dict[str, Any], label: str) -> BundleAnnotator:
    try:
        name = validate_annotator_name(fields.required(record, "name", label))
    except InvalidArgumentError as error:
        raise fields.fail(label, error.message) from None
    return BundleAnnotator(id=fields.required(record, "id", label), name=name)


def _annotation(fields: _Fields, record: dict[str, Any], label: str) -> BundleAnnotation:
    tags = record.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fields.fail(label, "\"tags\" must be a list of tag paths")
    return BundleAnnotation(
        id=fields.required(record, "id", label),
        article_id=fields.required(record, "article_id", label),
        annotator_id=fields.required(record, "annotator_id", label),
        start=fields.number(record, "start", label),
        end=fields.number(record, "end", label),
        exact=fields.required(record, "exact", label),
        prefix=fields.text(record, "prefix", label, optional=True) or "",
        suffix=fields.text(record, "suffix", label, optional=True) or "",
        note=fields.text(record, "note", label, optional=True) or "",
        anchor_state=fields.text(record, "anchor_state", label, optional=True) or "anchored",
        tags=tuple(t.strip() for t in tags),
        created=fields.time(record, "created", label) or "",
        updated=fields.time(record, "updated", label) or "",
        deleted=fields.time(record, "deleted", label, optional=True),
    )



# --- merging -------------------------------------------------------------------------------


def merge_bundle_files(library: Library, paths: Sequence[str | Path],
                       dry_run: bool = False) -> list[MergeReport]:
    """Reads and checks every bundle first, then merges them in order in one transaction:
    a bad file anywhere merges nothing."""
    bundles = [read_bundle(path) for path in paths]
    return merge(library, bundles, dry_run=dry_run)
