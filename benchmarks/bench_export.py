"""Export: 1,000,000 tagged passages to CSV.

Data: 10,000 articles of about 800 words, each with a url, and 100 annotations on each
(one tag each, a tenth of the passages only one to three words long so that they occur
more than once in their article), built once per process with raw SQL (see corpus.py).

Store: ``desktop.io.csv_export.write_passages_csv(library, file)`` into a UTF-8 file
opened with ``newline=''``: the passage query, the article texts, a text-fragment link for
every row (``text_fragment_link`` with ``is_unique`` deciding on context), formula
neutralisation of text cells, ``csv.writer``.

Baseline: the same SQL (the statement ``passage_rows`` runs, caught from the store with a
trace callback, so the join and ORDER BY are always the store's) run with plain
``sqlite3`` and written with ``csv.writer`` to the same 16 columns, raw values (no
formula neutralisation). Its ``link`` is a simple inline one: the url plus
``#:~:text=`` and ``urllib.parse.quote(quote, safe="")``, and - when
``text.count(quote) > 1`` - the quoted prefix and suffix as context
(``prefix-,quote,-suffix``). The article text is fetched once per article, as the store
does.

Goal: the store takes at most 1.5 times the baseline's time.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from urllib.parse import quote as percent

from benchmarks.corpus import annotated_library
from benchmarks.harness import (
    Result,
    Timer,
    compare,
    log,
    median,
    number,
    remove_db,
    seconds_text,
    workdir,
)
from desktop.io.csv_export import CSV_COLUMNS, write_passages_csv
from desktop.store.annotations import PASSAGE_COLUMNS, passage_rows
from desktop.store.library import Library

NAME = "export"
ARTICLES = 10_000
WORDS = 800
PER_ARTICLE = 100
RUNS = 3
GOAL_RATIO = 1.5

# the columns of passage_rows that baseline_export unpacks, in this order
EXPECTED_COLUMNS = (
    "article_id", "article_title", "outlet", "url", "published", "annotation_id",
    "annotator", "tag", "tag_path", "start", "end", "quote", "note", "created", "updated",
    "prefix", "suffix", "anchor_state",
)


def store_passage_sql() -> str:
    """The statement ``passage_rows`` runs for an unfiltered export, as the store has it
    today: caught with a trace callback on an empty library, so the baseline always runs
    exactly the store's join and ORDER BY."""
    if PASSAGE_COLUMNS != EXPECTED_COLUMNS:
        raise AssertionError(f"export: passage_rows gives {PASSAGE_COLUMNS}; update "
                             "benchmarks/bench_export.py")
    path = workdir() / "export-sql.db"
    remove_db(path)
    statements: list[str] = []
    library = Library(path)
    try:
        library.db.conn.set_trace_callback(statements.append)
        list(passage_rows(library))
    finally:
        library.close()
        remove_db(path)
    selects = [s for s in statements if "FROM annotations n" in s]
    if len(selects) != 1:
        raise AssertionError(f"export: cannot tell the passage query from {statements}")
    return selects[0]


def simple_link(url: str, quote: str, prefix: str, suffix: str, unique: bool) -> str:
    directive = percent(quote, safe="")
    if not unique:
        directive = f"{percent(prefix, safe='')}-,{directive},-{percent(suffix, safe='')}"
    return f"{url.split('#', 1)[0]}#:~:text={directive}"


def baseline_export(db_path: Path, out_path: Path, sql: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        with open(out_path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            current, text = None, ""
            count = 0
            for (article_id, title, outlet, url, published, annotation_id, annotator, tag,
                 tag_path, start, end, quote, note, created, updated, prefix, suffix,
                 _state) in conn.execute(sql):
                link = ""
                if url:
                    if article_id != current:
                        current = article_id
                        text = conn.execute("SELECT text FROM articles WHERE id = ?",
                                            [article_id]).fetchone()[0]
                    link = simple_link(url, quote, prefix, suffix, text.count(quote) <= 1)
                writer.writerow((article_id, title, outlet or "", url or "", published or "",
                                 annotation_id, annotator, tag, tag_path, start, end, quote,
                                 note, created, updated, link))
                count += 1
        return count
    finally:
        conn.close()


def run(scale: float = 1.0) -> Result:
    articles = max(100, round(ARTICLES * scale))
    log(f"export: building {articles} articles x {PER_ARTICLE} annotations (once)")
    with Timer() as build:
        db_path, passages = annotated_library(articles, WORDS, PER_ARTICLE)
    log(f"export: data ready in {build.seconds:.0f} s")
    sql = store_passage_sql()
    out_path = workdir() / "export.csv"
    sizes: list[int] = []

    def store(_: None) -> None:
        library = Library(db_path)
        try:
            with open(out_path, "w", encoding="utf-8", newline="") as out:
                count = write_passages_csv(library, out)
        finally:
            library.close()
        if count != passages:
            raise AssertionError(f"export: {count} rows")
        sizes.append(out_path.stat().st_size)

    def baseline(_: None) -> None:
        count = baseline_export(db_path, out_path, sql)
        if count != passages:
            raise AssertionError(f"export baseline: {count} rows")

    store_times, baseline_times = compare(
        RUNS, store, baseline, progress=lambda message: log(f"export: {message}"))
    out_path.unlink(missing_ok=True)
    seconds = median(store_times)
    baseline_seconds = median(baseline_times)
    ratio = seconds / baseline_seconds
    return Result(
        name=NAME,
        work=f"{passages} passages from {articles} articles ({sizes[-1] / 1e6:.0f} MB CSV)",
        seconds=seconds,
        baseline_seconds=baseline_seconds,
        figure=f"{number(passages / seconds)} rows/s",
        goal=f"goal ratio <= {GOAL_RATIO:g}x",
        met=ratio <= GOAL_RATIO,
        runs=RUNS,
        store_times=store_times,
        baseline_times=baseline_times,
        baseline_figure=(f"{seconds_text(baseline_seconds)} = "
                         f"{number(passages / baseline_seconds)} rows/s"),
    )
