"""Import: 2,000 scraped plain-text articles of about 5,000 words into a fresh library.

Store: ``desktop.io.importer.import_paths(Library(path), [folder])`` - decoding, cleaning
(the "Advertisement" lines go), metadata from the byline, the canonical text and its
layout, the duplicate check, and the insert with its full-text index.

Baseline: the same files read and decoded as UTF-8, their raw text inserted with plain
``sqlite3`` ``executemany`` into a table with an FTS5 index over it (same tokenizer, same
pragmas, the same 100 files per transaction as the importer). The ratio is what cleaning,
metadata, layout and the richer row cost on top of reading and indexing the text.

Goal: at least 50 articles per second.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from benchmarks.data import write_text_files
from benchmarks.harness import (
    Result,
    compare,
    log,
    median,
    number,
    raw_connect,
    remove_db,
    seconds_text,
    workdir,
)
from desktop.io.importer import import_paths
from desktop.store.library import Library

NAME = "import"
ARTICLES = 2000
WORDS = 5000
RUNS = 3
SEED = 2024_05_01
GOAL_PER_SECOND = 50.0
_BATCH = 100  # files per transaction, as in desktop.io.importer

_BASELINE_SCHEMA = """
CREATE TABLE docs (id INTEGER PRIMARY KEY, path TEXT NOT NULL, text TEXT NOT NULL);
CREATE VIRTUAL TABLE docs_fts USING fts5(
    text, content=docs, content_rowid=id, tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN
    INSERT INTO docs_fts (rowid, text) VALUES (new.id, new.text);
END;
"""


def baseline_import(conn: sqlite3.Connection, folder: Path) -> int:
    """Reads every .txt file in ``folder`` and inserts its raw text; returns the count."""
    files = sorted(folder.glob("*.txt"))
    for at in range(0, len(files), _BATCH):
        rows = [(str(path), path.read_bytes().decode("utf-8")) for path in files[at:at + _BATCH]]
        with conn:
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO docs (path, text) VALUES (?, ?)", rows)
    return len(files)


def run(scale: float = 1.0) -> Result:
    articles = max(20, round(ARTICLES * scale))
    root = workdir() / "import"
    folder = root / "articles"
    log(f"import: writing {articles} articles of ~{WORDS} words")
    size = write_text_files(folder, articles, WORDS, SEED)
    log(f"import: {size / 1e6:.0f} MB of text in {folder}")

    def setup_store(index: int) -> Library:
        path = root / f"store-{index}.db"
        remove_db(path)
        return Library(path)  # a new library: schema and tag sets, outside the timing

    def store(library: Library) -> None:
        report = import_paths(library, [folder])
        if len(report.imported) != articles:
            raise AssertionError(f"import: {report.summary()}")

    def teardown(state: object) -> None:
        if isinstance(state, Library):
            library = state
            first = library.articles.list()[0]
            if not (first.author and first.outlet and first.published):
                raise AssertionError(f"import: byline not read: {first}")
            library.close()
            remove_db(library.path)
        elif isinstance(state, tuple):
            conn, path = state
            conn.close()
            remove_db(path)

    def setup_baseline(index: int) -> tuple[sqlite3.Connection, Path]:
        path = root / f"baseline-{index}.db"
        remove_db(path)
        conn = raw_connect(path)
        conn.executescript(_BASELINE_SCHEMA)
        return conn, path

    def baseline(state: tuple[sqlite3.Connection, Path]) -> None:
        count = baseline_import(state[0], folder)
        if count != articles:
            raise AssertionError(f"import baseline: {count} files")

    store_times, baseline_times = compare(
        RUNS, store, baseline, setup_store, setup_baseline, teardown,
        progress=lambda message: log(f"import: {message}"))
    seconds = median(store_times)
    baseline_seconds = median(baseline_times)
    rate = articles / seconds
    result = Result(
        name=NAME,
        work=f"{articles} articles of ~{WORDS} words ({size / 1e6:.0f} MB)",
        seconds=seconds,
        baseline_seconds=baseline_seconds,
        figure=f"{number(rate)} articles/s",
        goal=f"goal >= {GOAL_PER_SECOND:g}/s",
        met=rate >= GOAL_PER_SECOND,
        runs=RUNS,
        store_times=store_times,
        baseline_times=baseline_times,
        baseline_figure=(f"{seconds_text(baseline_seconds)} = "
                         f"{number(articles / baseline_seconds)} articles/s"),
    )
    return result
