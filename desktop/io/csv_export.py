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
from typing import TextIO

from desktop.core.fragments import text_fragment_link
from desktop.core.model import ORPHAN
from desktop.core.selectors import is_unique
from desktop.io.output import written_whole
from desktop.store.annotations import AnnotationFilter, passage_rows
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
    """Writes the CSV to ``out`` (opened with ``newline=''``); returns the number of rows."""
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    text_of = _ArticleTexts(library)
    count = 0
    for (article_id, title, outlet, url, published, annotation_id, annotator, tag, tag_path,
         start, end, quote, note, created, updated, prefix, suffix, state) in passage_rows(
            library, where):
        if state == ORPHAN:
            continue  # its quote is no longer in the text: the JSON outputs list orphans
        link = ""
        if url:
            unique = is_unique(text_of(article_id), quote, start)
            link = text_fragment_link(url, quote, prefix, suffix, unique)
        writer.writerow((
            article_id, neutralise(title or ""), neutralise(outlet or ""), neutralise(url or ""),
            published or "", annotation_id, neutralise(annotator), neutralise(tag),
            neutralise(tag_path), start, end, neutralise(quote), neutralise(note), created,
            updated, neutralise(link),
        ))
        count += 1
        if progress and count % 10_000 == 0:
            progress(count)
    if progress:
        progress(count)
    return count


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


class _ArticleTexts:
    """The text of the article whose rows are being written; rows come grouped by article."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.article_id: str | None = None
        self.text = ""

    def __call__(self, article_id: str) -> str:
        if article_id != self.article_id:
            self.article_id = article_id
            self.text = self.library.articles.text(article_id)
        return self.text
