"""The CSV of tagged passages: one row per passage and tag.

RFC 4180 (CRLF line ends, fields with commas, quotes or line breaks quoted, quotes
doubled), UTF-8, optionally with a byte-order mark for Excel. Cells a spreadsheet would
run as a formula are neutralised with a leading apostrophe (docs/architecture.md, invariant 10);
the database and the JSON outputs keep the raw value.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from desktop.core.fragments import FragmentLinks
from desktop.io.output import written_whole
from desktop.store.annotations import AnnotationFilter, ArticlePassages
from desktop.store.library import Library

CSV_COLUMNS = (
    "article_id", "article_title", "outlet", "url", "published", "annotation_id",
    "annotator", "tag", "tag_path", "start", "end", "quote", "note", "created", "updated",
    "link",
)

COLUMN_DOCS = {
    "article_id": "the article's UUID",
    "article_title": "the article's title",
    "outlet": "the publication, when known",
    "url": "the article's web address, when known",
    "published": "publication date, ISO 8601",
    "annotation_id": "the annotation's UUID (a passage with two tags gives two rows)",
    "annotator": "who made the annotation",
    "tag": "the tag's name",
    "tag_path": "the tag with its parent: propaganda/Loaded_Language",
    "start": "offset of the passage's first character in the article text (code points, 0-based)",
    "end": "offset just past the passage's last character",
    "quote": "the passage, exactly the article text from start to end",
    "note": "the annotator's note (may span lines)",
    "created": "when the annotation was made, ISO 8601 UTC",
    "updated": "when it last changed, ISO 8601 UTC",
    "link": "the url with a text fragment (#:~:text=) that opens the page at the passage",
}

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START_SET = frozenset(_FORMULA_STARTS)  # a cell's first character, or ""


def neutralise(value: str) -> str:
    """A text cell that a spreadsheet will show, never evaluate."""
    if value and value[0] in _FORMULA_STARTS:
        return "'" + value
    return value


def write_passages_csv(
    library: Library,
    out: TextIO,
    where: AnnotationFilter | None = None,
    excel: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Writes the CSV to ``out`` (opened with ``newline=''``); returns the number of rows.

    ``progress`` is called with the rows written so far, about every 10,000 rows (after
    the article that passes each ten thousand) and at the end.
    """
    if excel:
        out.write("\ufeff")
    csv.writer(out, lineterminator="\r\n").writerow(CSV_COLUMNS)
    # An export of many passages spends most of its time in csv.writer, which looks at
    # every character it writes, and in the links. So the rows come an article at a time
    # (passages_by_article): the article's five cells are encoded once and put before
    # each of its rows, csv.writer encodes the ten cells between them and the link, and
    # the link's cell, which this module makes and knows, is put after them (csv encodes
    # each cell on its own, so the bytes are the same); the links are made by one
    # FragmentLinks, which works out each quote once per article. The bytes are those of
    # one text_fragment_link, is_unique and csv.writer row per passage, as before
    # (tests/io/test_csv_golden.py).
    lines: list[str] = []
    rows = csv.writer(_Collector(lines.append), lineterminator="\r\n")
    links = FragmentLinks()
    passages = ArticlePassages(library, where)  # anchored: an orphan's quote is gone
    # the cells of each annotator and tag (name, path), neutralised once
    annotators = _Cells(lambda key: neutralise(passages.annotators[key]))
    tags = _Cells(lambda key: tuple(neutralise(name) for name in passages.tags[key]))
    starts = _FORMULA_START_SET
    count = 0
    for (article_id, title, outlet, url, published), article_rows in passages:
        rows.writerows([
            (annotation_id, annotators[annotator], *tags[tag], start, end,
             "'" + quote if quote[:1] in starts else quote,
             "'" + note if note[:1] in starts else note, created, updated)
            for (annotation_id, annotator, tag, start, end, quote, note, created, updated,
                 _prefix, _suffix) in article_rows])
        if not lines:
            continue
        cells = _link_cells(links, url, library.articles.text(article_id), article_rows) \
            if url else [",\r\n"] * len(lines)
        rows.writerow((article_id, neutralise(title or ""), neutralise(outlet or ""),
                       neutralise(url or ""), published or ""))
        head = lines.pop()[:-2] + ","  # the five cells without the line's end
        out.write(head + head.join([line[:-2] + cell for line, cell in zip(lines, cells,
                                                                            strict=True)]))
        written = count
        count += len(lines)
        lines.clear()
        if progress and count // 10_000 != written // 10_000:
            progress(count)
    if progress:
        progress(count)
    return count


def _link_cells(links: FragmentLinks, url: str, text: str,
                rows: list[tuple[Any, ...]]) -> list[str]:
    """The ``link`` cells of an article's rows (``ArticlePassages.COLUMNS``) as csv.writer
    writes a row's last cell (QUOTE_MINIMAL: quoted when it has a comma, a quote or a line
    break, quotes doubled), each with the comma before it and the line's end after it."""
    links.article(url, text)
    link = links.link
    base = links.base
    lead = "'" if neutralise(base) != base else ""  # every link starts with the base
    if '"' in base or "\r" in base or "\n" in base:
        return [f",{_cell(neutralise(link(quote, start, prefix, suffix)))}\r\n"
                for (_id, _annotator, _tag, start, _end, quote, _note, _created, _updated,
                     prefix, suffix) in rows]
    # the rest of a link is percent-encoded words and the directive's "-," and ",": a
    # comma is the only character that makes its cell quoted
    return [f',"{cell}"\r\n' if "," in (cell := lead + link(quote, start, prefix, suffix))
            else f",{cell}\r\n"
            for (_id, _annotator, _tag, start, _end, quote, _note, _created, _updated,
                 prefix, suffix) in rows]


def _cell(value: str) -> str:
    """``value`` as csv.writer writes a cell (QUOTE_MINIMAL, doubled quotes)."""
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\r" in value or "\n" in value:
        return '"' + value + '"'
    return value


def export_csv_file(
    library: Library,
    output: str | Path,
    where: AnnotationFilter | None = None,
    excel: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Writes the CSV to ``output`` ("-" for standard output), all or nothing; returns the
    number of rows.

    ``progress`` is called with the rows written so far; an exception it raises (a
    cancelled export) propagates and, like a failed write, leaves neither the file nor its
    ``.partial``.
    """
    if str(output) == "-":
        return write_passages_csv(library, sys.stdout, where, excel, progress)
    with written_whole(output, newline="") as stream:
        count = write_passages_csv(library, stream, where, excel, progress)
    return count


class _Collector:
    """A file-like end for ``csv.writer`` that hands each line it writes to ``write``."""

    def __init__(self, write: Callable[[str], object]) -> None:
        self.write = write


class _Cells(dict[Any, Any]):
    """Cells worked out once per key by ``make``: an export's few annotators and tags
    appear on many rows."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        cell = self[key] = self._make(key)
        return cell
