"""Search: phrase search across 10,000 articles.

Data: the 10,000 articles of about 800 words of the export benchmark (corpus.py), without
the annotations. Queries: 50 different phrases of plain words, as a user types them -
35 running-story phrases that occur in hundreds of articles ("harbour council vote") and
15 three-word phrases lifted from single articles, which match one or a few.

Store: ``library.search.articles(phrase)`` - the FTS5 phrase query with ``ORDER BY rank
LIMIT 50``, the join to ``articles``, a snippet per hit, and locating the match in each
hit's text.

Baseline: ``SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?`` with the same
quoted phrase (``fts_query``), all rowids fetched; the ratio is the store's overhead over
the bare index lookup.

Each query runs once to warm the cache, then 5 times for the store and 5 for the
baseline, alternating; a query's time is its median, and the figure is the median over
the 50 queries. Goal: at most 20 ms.
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
SEED = 50
GOAL_MS = 20.0

_PLAIN_WORD = re.compile(r"^[a-z]+$")


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


def run(scale: float = 1.0) -> Result:
    articles = max(100, round(ARTICLES * scale))
    log(f"search: building {articles} articles (once)")
    corpus = articles_library(articles, WORDS)
    phrases = queries([text for _, text in corpus.articles])

    library = Library(corpus.path)
    conn = sqlite3.connect(corpus.path)
    store_ms: list[float] = []
    baseline_ms: list[float] = []
    matches: list[int] = []
    try:
        for phrase in phrases:
            fts = fts_query(phrase)
            hits = library.search.articles(phrase)  # warm-up, and checks
            rowids = conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                                  [fts]).fetchall()
            if not hits or not rowids or hits[0].start is None:
                raise AssertionError(f"search: {phrase!r} found {len(hits)} hits")
            matches.append(len(rowids))
            store_runs, baseline_runs = [], []
            for _ in range(PASSES):
                with Timer() as timer:
                    library.search.articles(phrase)
                store_runs.append(timer.seconds * 1000)
                with Timer() as timer:
                    conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?",
                                 [fts]).fetchall()
                baseline_runs.append(timer.seconds * 1000)
            store_ms.append(statistics.median(store_runs))
            baseline_ms.append(statistics.median(baseline_runs))
    finally:
        conn.close()
        library.close()

    store_median = statistics.median(store_ms)
    baseline_median = statistics.median(baseline_ms)
    slowest = max(range(len(phrases)), key=store_ms.__getitem__)
    log(f"search: {sum(store_ms) / 1000 * PASSES:.1f} s of store queries")
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
    ordered = sorted(store_ms)
    result.notes.append(
        f"per query: fastest {ordered[0]:.1f} ms, 90th percentile "
        f"{ordered[int(len(ordered) * 0.9)]:.1f} ms, slowest {ordered[-1]:.1f} ms "
        f"({phrases[slowest]!r}, {matches[slowest]} matching articles); matching articles "
        f"per query: median {statistics.median(matches):g}, max {max(matches)}")
    return result
