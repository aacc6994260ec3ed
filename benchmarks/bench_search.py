"""Search: phrase search across 10,000 articles.

Data: the 10,000 articles of about 800 words of the export benchmark (corpus.py), without
the annotations. Queries: 50 different phrases - 35 running-story phrases that occur in
hundreds or thousands of articles ("harbour council vote") and 15 three-word phrases
lifted from single articles, which match a few.

Store: ``library.search.articles('"harbour council vote"')`` - in double quotes, which is
how a phrase is searched since ``fts_query`` takes unquoted words as "all of these words,
any order" - the FTS5 query with ``ORDER BY rank LIMIT 50``, the join to ``articles``, a
snippet per hit, and locating the match in each hit's text (``_locate``).

Baseline: ``SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?`` with the same
FTS5 query (``fts_query`` of the same input), all rowids fetched; the ratio is the store's
overhead over the bare index lookup.

Each query runs once to warm the cache, then 5 times for the store and 5 for the
baseline, alternating; a query's time is its median, and the figure is the median over
the 50 queries. Goal: at most 20 ms. The same 50 searches without the quotes (2 passes)
are reported on a second line, as a user who types plain words gets them.
"""

from __future__ import annotations

import random
import re
import sqlite3
import statistics

from benchmarks.corpus import articles_library
from benchmarks.data import COMMON_WORDS, STOCK_PHRASES
from benchmarks.harness import Result, Timer, log
from desktop.store.library import Library
from desktop.store.search import fts_query

NAME = "search"
ARTICLES = 10_000
WORDS = 800
STOCK_QUERIES = 35
RARE_QUERIES = 15
PASSES = 5
PLAIN_PASSES = 2
SEED = 50
GOAL_MS = 20.0

_PLAIN_WORD = re.compile(r"^[a-z]+$")
BASELINE_SQL = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"


def queries(texts: list[str], seed: int = SEED) -> list[str]:
    """50 different phrases: common running-story phrases and rare ones from the texts."""
    rng = random.Random(seed)
    chosen = rng.sample(STOCK_PHRASES, STOCK_QUERIES)
    while len(chosen) < STOCK_QUERIES + RARE_QUERIES:
        words = rng.choice(texts).split()
        at = rng.randrange(len(words) - 3)
        phrase = words[at:at + 3]
        if (all(_PLAIN_WORD.match(w) for w in phrase)
                and sum(w not in COMMON_WORDS for w in phrase) >= 2):
            candidate = " ".join(phrase)
            if candidate not in chosen:
                chosen.append(candidate)
    rng.shuffle(chosen)
    return chosen


def time_queries(library: Library, conn: sqlite3.Connection, searches: list[str],
                 passes: int) -> tuple[list[float], list[float], list[int]]:
    """Per search: the store's and the baseline's median milliseconds, and the number of
    articles the index matches."""
    store_ms: list[float] = []
    baseline_ms: list[float] = []
    matches: list[int] = []
    for search in searches:
        fts = fts_query(search)
        hits = library.search.articles(search)  # warm-up, and checks
        rowids = conn.execute(BASELINE_SQL, [fts]).fetchall()
        # (a hit whose match is only in the title has no place in the text: start None)
        if not hits or not rowids or all(hit.start is None for hit in hits):
            raise AssertionError(f"search: {search!r} found {len(hits)} hits")
        matches.append(len(rowids))
        store_runs, baseline_runs = [], []
        for _ in range(passes):
            with Timer() as timer:
                library.search.articles(search)
            store_runs.append(timer.seconds * 1000)
            with Timer() as timer:
                conn.execute(BASELINE_SQL, [fts]).fetchall()
            baseline_runs.append(timer.seconds * 1000)
        store_ms.append(statistics.median(store_runs))
        baseline_ms.append(statistics.median(baseline_runs))
    return store_ms, baseline_ms, matches


def spread(label: str, searches: list[str], store_ms: list[float], matches: list[int]) -> str:
    ordered = sorted(store_ms)
    slowest = max(range(len(searches)), key=store_ms.__getitem__)
    return (f"{label}: fastest {ordered[0]:.1f} ms, 90th percentile "
            f"{ordered[int(len(ordered) * 0.9)]:.1f} ms, slowest {ordered[-1]:.1f} ms "
            f"({searches[slowest]!r}, {matches[slowest]} matching articles); matching "
            f"articles per query: median {statistics.median(matches):g}, max {max(matches)}")


def run(scale: float = 1.0) -> Result:
    articles = max(100, round(ARTICLES * scale))
    log(f"search: building {articles} articles (once)")
    corpus = articles_library(articles, WORDS)
    phrases = queries([text for _, text in corpus.articles])
    quoted = [f'"{phrase}"' for phrase in phrases]

    library = Library(corpus.path)
    conn = sqlite3.connect(corpus.path)
    try:
        store_ms, baseline_ms, matches = time_queries(library, conn, quoted, PASSES)
        log(f"search: phrases done; now the same words unquoted ({PLAIN_PASSES} passes)")
        plain_ms, plain_base_ms, plain_matches = time_queries(library, conn, phrases,
                                                              PLAIN_PASSES)
    finally:
        conn.close()
        library.close()

    store_median = statistics.median(store_ms)
    baseline_median = statistics.median(baseline_ms)
    result = Result(
        name=NAME,
        work=f"{len(phrases)} phrase queries over {articles} articles",
        seconds=store_median / 1000,
        baseline_seconds=baseline_median / 1000,
        figure=f"{store_median:.1f} ms per query (median)",
        goal=f"goal <= {GOAL_MS:g} ms",
        met=store_median <= GOAL_MS,
        runs=PASSES,
        store_times=[ms / 1000 for ms in store_ms],
        baseline_times=[ms / 1000 for ms in baseline_ms],
        baseline_figure=f"{baseline_median:.2f} ms per query",
        headline=False,
    )
    result.notes.append(spread("phrases", quoted, store_ms, matches))
    plain_median = statistics.median(plain_ms)
    plain_base = statistics.median(plain_base_ms)
    result.notes.append(
        f"the same words unquoted (every word, any order): median {plain_median:.1f} ms per "
        f"query | baseline {plain_base:.2f} ms, ratio {plain_median / plain_base:.1f}x "
        f"[median of {PLAIN_PASSES}]")
    result.notes.append(spread("unquoted", phrases, plain_ms, plain_matches))
    return result
