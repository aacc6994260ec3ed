"""Full-text search (FTS5) over article text and over passages and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.store.library import Library

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """A user's words as an FTS5 query that finds them in order, next to each other.

    Every word is quoted, so punctuation and FTS5 syntax in the input (``"``, ``'``, ``*``,
    ``%``, ``_``, ``OR``, ``NEAR``) are searched as text, never run as query syntax.
    """
    words = _WORD.findall(text)
    if not words:
        return '""'
    return '"' + " ".join(words).replace('"', '""') + '"'


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "article" or "annotation"
    article_id: str
    article_title: str
    snippet: str
    annotation_id: str | None = None
    start: int | None = None  # where the match is in the article text, when known
    end: int | None = None


class Search:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def articles(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Articles whose title or text contains the phrase, best first."""
        query = fts_query(text)
        if query == '""':
            return []
        with self.library.errors():
            rows = self.db.execute(
                "SELECT a.id, a.title, snippet(articles_fts, 1, '[', ']', '…', 12), a.text "
                "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                [query, limit],
            ).fetchall()
        hits = []
        for article_id, title, snippet, body in rows:
            start, end = _locate(body, text)
            hits.append(SearchHit("article", article_id, title, snippet, None, start, end))
        return hits

    def annotations(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Annotations whose passage or note contains the phrase."""
        query = fts_query(text)
        if query == '""':
            return []
        with self.library.errors():
            rows = self.db.execute(
                "SELECT n.id, n.article_id, a.title, "
                "snippet(annotations_fts, -1, '[', ']', '…', 12), n.start, n.\"end\" "
                "FROM annotations_fts JOIN annotations n ON n.rowid = annotations_fts.rowid "
                "JOIN articles a ON a.id = n.article_id "
                "WHERE annotations_fts MATCH ? AND n.deleted IS NULL ORDER BY rank LIMIT ?",
                [query, limit],
            ).fetchall()
        return [SearchHit("annotation", article_id, title, snippet, annotation_id, start, end)
                for annotation_id, article_id, title, snippet, start, end in rows]


def _locate(body: str, text: str) -> tuple[int | None, int | None]:
    """Where the searched words first appear in ``body`` (case-insensitive), if they do."""
    words = _WORD.findall(text)
    if not words:
        return None, None
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = re.search(pattern, body, re.IGNORECASE)
    return (match.start(), match.end()) if match else (None, None)
