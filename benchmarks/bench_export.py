"""Export: 1,000,000 tagged passages to CSV.

Data: 10,000 articles of about 800 words, each with a url, and 100 annotations on each
(one tag each, a tenth of the passages only one to three words long so that they occur
more than once in their article), built once per process with raw SQL (see corpus.py).

Store: ``desktop.io.csv_export.write_passages_csv(library, file)`` into a UTF-8 file
opened with ``newline=''``: the passage query, the article texts, a text-fragment link for
every row (``text_fragment_link`` with ``is_unique`` deciding on context), formula
neutralisation of text cells, ``csv.writer``.

Baseline: the same SQL (the join and ORDER BY of ``passage_rows``) run with plain
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
from benchmarks.harness import Result, compare, log, median, number, workdir
from desktop.io.csv_export import CSV_COLUMNS, write_passages_csv
from desktop.store.library import Library

NAME = "export"
ARTICLES = 10_000
WORDS = 800
PER_ARTICLE = 100
RUNS = 3
GOAL_RATIO = 1.5

# the statement of desktop.store.annotations.passage_rows without filters
PASSAGE_SQL = """
    SELECT a.id, a.title, a.outlet, a.url, a.published, n.id, r.name,
           coalesce(t.name, ''), coalesce(coalesce(p.name || '/', '') || t.name, ''),
           n.start, n."end", n.exact, n.note, n.created, n.updated, n.prefix, n.suffix,
           n.anchor_state
      FROM annotations n
      JOIN annotators r ON r.id = n.annotator_id
      JOIN articles a ON a.id = n.article_id
      LEFT JOIN annotation_tags at ON at.annotation_id = n.id
      LEFT JOIN tags t ON t.id = at.tag_id LEFT JOIN tags p ON p.id = t.parent_id
     WHERE n.deleted IS NULL
     ORDER BY a.imported_at, a.id, n.start, n."end", n.id, t.name
"""


def simple_link(url: str, quote: str, prefix: str, suffix: str, unique: bool) -> str:
    directive = percent(quote, safe="")
    if not unique:
        directive = f"{percent(prefix, safe='')}-,{directive},-{percent(suffix, safe='')}"
    return f"{url.split('#', 1)[0]}#:~:text={directive}"


def baseline_export(db_path: Path, out_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        with open(out_path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            current, text = None, ""
            count = 0
            for (article_id, title, outlet, url, published, annotation_id, annotator, tag,
                 tag_path, start, end, quote, note, created, updated, prefix, suffix,
                 _state) in conn.execute(PASSAGE_SQL):
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
    db_path, passages = annotated_library(articles, WORDS, PER_ARTICLE)
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
        count = baseline_export(db_path, out_path)
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
        baseline_figure=f"{baseline_seconds:.2f} s = {number(passages / baseline_seconds)} "
                        "rows/s",
    )
