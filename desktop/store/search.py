"""Full-text search (FTS5) over article text and over passages and notes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.store.library import Library

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def fts_query(text: str) -> str:
    """A user's search as an FTS5 query: every word must occur, in any order; words in
    double quotes must occur together, in that order.

    Each word and phrase is quoted for FTS5, so punctuation and query syntax in the input
    (``'``, ``*``, ``%``, ``_``, ``OR``, ``NEAR(…)``, a lone ``"``) are searched as text,
    never run. Input without any word gives ``""``, which matches nothing.
    """
    terms = []
    for index, part in enumerate(_PHRASE.split(text)):
        words = _WORD.findall(part)
        if not words:
            continue
        if index % 2:  # inside quotes: one phrase
            terms.append('"' + " ".join(words) + '"')
        else:
            terms.extend(f'"{word}"' for word in words)
    return " ".join(terms) if terms else '""'


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
        """Articles whose title or text matches, best first."""
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
        """Annotations whose passage or note matches."""
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
    """Where the search first matches in ``body``: its phrase or all its words together,
    else its first word; whole words, ignoring case and accents as the index does."""
    phrases = [p for p in _PHRASE.findall(text) if _WORD.search(p)]
    words = _WORD.findall(_fold(phrases[0] if phrases else text))
    if not words:
        return None, None
    folded = _fold(body)
    together = r"\b" + r"\W+".join(re.escape(w) for w in words) + r"\b"
    match = re.search(together, folded) or re.search(
        r"\b" + re.escape(words[0]) + r"\b", folded)
    return (match.start(), match.end()) if match else (None, None)


_FOLDED: dict[int, str] = {}  # character -> its lower-case base letter, learnt as met


def _fold(text: str) -> str:
    """Lower case without accents, one character for one, so offsets stay those of ``text``.

    ASCII text is only lower-cased; other characters go through a table filled as they
    are first met, so folding a long article costs one ``str.translate``.
    """
    lowered = text.lower()
    if text.isascii():
        return lowered
    if len(lowered) != len(text):  # a character lower-cases to two (rare): one by one
        return "".join(_fold(char) if len(char.lower()) == 1 else char for char in text)
    for char in set(lowered):
        code = ord(char)
        if code > 127 and code not in _FOLDED:
            base = unicodedata.normalize("NFD", char)[0]
            _FOLDED[code] = base if len(base) == 1 else char
    return lowered.translate(_FOLDED)
