"""A library of 10,000 news articles (and, for the export, a million tagged passages),
built fast with raw SQL into a file that ``Library`` created - so the schema, the FTS
indexes and their triggers are the real ones - and kept for the rest of the process.

Building through the store would be slower and is not what these benchmarks measure; the
rows are the ones the store would write (canonical text, sha256, ISO timestamps, the
annotations' exact/prefix/suffix cut from the text with ``select_range``'s 32 characters).
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.data import NOTES, TextMaker, passage_spans
from benchmarks.harness import checkpoint, copy_db, log, remove_db, workdir
from desktop.core.model import ANCHORED, text_sha256
from desktop.core.selectors import CONTEXT_CHARS
from desktop.store.library import Library

SEED = 10_000
ANNOTATORS = ("ana", "li", "omar", "mira")
# default-set tags and propaganda techniques (which have a parent: tag_path has a slash)
EXPORT_TAGS = ("propaganda", "evidence", "opinion", "Loaded_Language", "Name_Calling,Labeling",
               "Doubt", "Flag-Waving", "Exaggeration,Minimisation", "Slogans", "Repetition")

_EPOCH = datetime(2024, 6, 1, tzinfo=UTC)


@dataclass
class Corpus:
    path: Path
    articles: list[tuple[str, str]]  # (id, text) in import order


_ARTICLES: dict[tuple[int, int], Corpus] = {}
_ANNOTATED: dict[tuple[int, int, int, str], tuple[Path, int]] = {}
# where an article's passages go: (rng, text, count) -> [(start, end), ...]
Spans = Callable[[random.Random, str, int], list[tuple[int, int]]]


def _rng_uuid(rng: random.Random) -> str:
    """A version-4 UUID from ``rng`` (as ``str(uuid.UUID(int=..., version=4))``, faster)."""
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


@contextlib.contextmanager
def fts_triggers_off(conn: sqlite3.Connection, table: str) -> Iterator[None]:
    """Bulk loading: drops ``table``'s FTS triggers, and afterwards rebuilds its FTS index
    in one pass and puts the triggers back. The file ends up exactly as if the triggers had
    run, several times faster: FTS5 flushes its pending terms at every statement that
    fires a trigger, so row-by-row indexing through triggers is slow (see
    docs/benchmarks.md)."""
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
        [table]).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    with conn:
        conn.execute("BEGIN")
        conn.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        for _, sql in triggers:
            conn.execute(sql)


@contextlib.contextmanager
def _loading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection for bulk loading a scratch file that is built correct by construction:
    a large page cache (the random UUID keys touch pages all over their indexes), no
    foreign-key checks, no journal and no syncing. Afterwards the file is put back in WAL
    mode, as the Library keeps it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -524288")  # 512 MB
        yield conn
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def articles_library(count: int, words: int) -> Corpus:
    """A library file with ``count`` articles of about ``words`` words, each with a url."""
    key = (count, words)
    if key in _ARTICLES:
        return _ARTICLES[key]
    folder = workdir() / "corpus"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"articles-{count}x{words}.db"
    remove_db(path)
    Library(path).close()  # the real schema, tag sets and FTS triggers

    maker = TextMaker(SEED)
    rng = random.Random(SEED)
    rows = []
    articles = []
    for index in range(count):
        text = maker.clean_article(words)
        article_id = _rng_uuid(rng)
        outlet = maker.outlet()
        moment = _iso(_EPOCH + timedelta(seconds=index))
        rows.append((
            article_id, maker.title(), outlet, maker.person(), maker.date().replace(" ", "T"),
            f"https://{outlet}/news/2024/{index:05d}-story", "en", "text", text,
            text_sha256(text), moment, moment,
        ))
        articles.append((article_id, text))
    with _loading(path) as conn, fts_triggers_off(conn, "articles"), conn:
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO articles (id, title, outlet, author, published, url, language, "
            "format, text, text_sha256, imported_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    checkpoint(path)
    corpus = Corpus(path, articles)
    _ARTICLES[key] = corpus
    return corpus


def annotated_library(count: int, words: int, per_article: int,
                      spans: Spans = passage_spans) -> tuple[Path, int]:
    """A copy of ``articles_library(count, words)`` with ``per_article`` annotations on each
    article, one tag each, placed by ``spans`` (``data.passage_spans``: 1 to 24 words;
    ``data.repeated_spans``: one or two words that recur in the article); returns the file
    and the number of annotations."""
    key = (count, words, per_article, spans.__name__)
    if key in _ANNOTATED:
        return _ANNOTATED[key]
    corpus = articles_library(count, words)
    path = copy_db(corpus.path, corpus.path.with_name(
        f"annotated-{count}x{words}x{per_article}-{spans.__name__}.db"))
    rng = random.Random(SEED + 1)
    with _loading(path) as conn:
        tag_ids = [conn.execute("SELECT id FROM tags WHERE name = ?", [name]).fetchone()[0]
                   for name in EXPORT_TAGS]
        annotator_ids = []
        with conn:
            conn.execute("BEGIN")
            for name in ANNOTATORS:
                annotator_ids.append(_rng_uuid(rng))
                conn.execute("INSERT INTO annotators (id, name) VALUES (?, ?)",
                             [annotator_ids[-1], name])
        total = 0
        rows: list[tuple[object, ...]] = []
        links: list[tuple[str, str]] = []
        with fts_triggers_off(conn, "annotations"):
            for index, (article_id, text) in enumerate(corpus.articles):
                # "2024-07-01T00:00:05.123+00:00": one second per article, ms per passage
                second = _iso(_EPOCH + timedelta(days=30, seconds=index))
                head, tail = second[:20], second[23:]
                for number, (start, end) in enumerate(spans(rng, text, per_article)):
                    annotation_id = _rng_uuid(rng)
                    created = f"{head}{number % 1000:03d}{tail}"
                    rows.append((
                        annotation_id, article_id, rng.choice(annotator_ids), start, end,
                        text[start:end], text[max(0, start - CONTEXT_CHARS):start],
                        text[end:end + CONTEXT_CHARS], rng.choice(NOTES), ANCHORED, created,
                        created,
                    ))
                    links.append((annotation_id, rng.choice(tag_ids)))
                    total += 1
                if len(rows) >= 50_000 or index == len(corpus.articles) - 1:
                    with conn:
                        conn.execute("BEGIN")
                        conn.executemany(
                            'INSERT INTO annotations (id, article_id, annotator_id, start, '
                            '"end", exact, prefix, suffix, note, anchor_state, created, '
                            "updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
                    rows.clear()
                if (index + 1) % 2000 == 0:
                    log(f"corpus: {total} annotations written")
            # in key order: the same table, written without random B-tree inserts
            links.sort()
            with conn:
                conn.execute("BEGIN")
                conn.executemany(
                    "INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)", links)
            log("corpus: rebuilding the annotations' full-text index")
    checkpoint(path)
    _ANNOTATED[key] = (path, total)
    return path, total
