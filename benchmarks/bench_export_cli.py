"""Export as a user meets it: ``closeread export --format csv -o FILE`` as a whole process,
on 175,000 passages of one or two words that recur in their articles.

Data: 1,750 articles of about 800 words, each with a url, and 100 annotations on each
(one tag each), every passage one or two whole words that occur more than once in the
article (``data.repeated_spans``: mostly common words and word pairs that occur dozens of
times), so every row's text-fragment link needs context. Built once per process with raw
SQL, as the export benchmark's data (see corpus.py).

Store: a new process, ``python -m desktop --db LIBRARY export --format csv -o FILE``:
the interpreter starting, the command line's imports, the library opened, the passage
query, a text-fragment link per row, formula neutralisation, ``csv.writer``, the file
written whole (``FILE.partial`` renamed). Timed by the parent from launch to exit.

Baseline: a new process, ``python benchmarks/export_baseline.py TABLE FILE``, which
imports only the standard library and writes the same 16 columns with ``csv.writer`` from
one SQLite table that holds them as they are written (``link`` included), row by row in
the file's order: the least work that writes the same CSV. The table is made before the
runs from the store's own export (the rows written, read back with ``csv.reader``, start
and end as integers), in a file of its own.

Both start as a user's program does every day, from compiled bytecode (the child's
``PYTHONDONTWRITEBYTECODE`` is removed), after one untimed warm-up run each that also
warms the file cache. Runs alternate (store, baseline, ...); the figures are medians.
Goal: the store takes at most 1.5 times the baseline's time.
"""

from __future__ import annotations

import csv
import re
import sqlite3
import sys
from pathlib import Path

from benchmarks.corpus import annotated_library
from benchmarks.data import repeated_spans
from benchmarks.harness import (
    Result,
    Timer,
    log,
    median,
    number,
    remove_db,
    seconds_text,
    workdir,
)
from benchmarks.processes import timed

NAME = "export-cli"
ARTICLES = 1_750
WORDS = 800
PER_ARTICLE = 100
RUNS = 5
GOAL_RATIO = 1.5
BASELINE_SCRIPT = Path(__file__).resolve().with_name("export_baseline.py")


def _timed(command: list[str]) -> tuple[float, str, str]:
    """Seconds from launch to exit, and the process's stdout and stderr."""
    return timed(NAME, command)


def store_command(db_path: Path, out_path: Path) -> list[str]:
    return [sys.executable, "-m", "desktop", "--db", str(db_path), "export", "--format",
            "csv", "-o", str(out_path)]


def baseline_command(table_path: Path, out_path: Path) -> list[str]:
    return [sys.executable, str(BASELINE_SCRIPT), str(table_path), str(out_path)]


def table_of(csv_path: Path, table_path: Path) -> int:
    """The rows of an exported CSV as the table ``passages`` of a new SQLite file, start
    and end as integers as the library has them; returns the number of rows."""
    remove_db(table_path)
    conn = sqlite3.connect(table_path)
    try:
        with open(csv_path, encoding="utf-8", newline="") as stream:
            rows = csv.reader(stream)
            header = next(rows)
            columns = ", ".join(f'"{name}" INTEGER' if name in ("start", "end") else
                                f'"{name}" TEXT' for name in header)
            conn.execute(f"CREATE TABLE passages ({columns})")
            at = header.index("start"), header.index("end")
            marks = ", ".join("?" * len(header))
            with conn:
                conn.executemany(
                    f"INSERT INTO passages VALUES ({marks})",
                    ([int(v) if i in at else v for i, v in enumerate(row)] for row in rows))
        return int(conn.execute("SELECT count(*) FROM passages").fetchone()[0])
    finally:
        conn.close()


def _store_rows(stderr: str) -> int:
    found = re.search(r"wrote ([\d,]+) rows?", stderr)
    if not found:
        raise RuntimeError(f"{NAME}: the export said {stderr!r}")
    return int(found.group(1).replace(",", ""))


def links_with_context(path: Path) -> tuple[int, int]:
    """How many rows of an exported CSV have a link with context, of how many rows."""
    with_context = rows = 0
    with open(path, encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            rows += 1
            with_context += "-," in row["link"] or ",-" in row["link"]
    return with_context, rows


def run(scale: float = 1.0) -> Result:
    articles = max(50, round(ARTICLES * scale))
    log(f"{NAME}: building {articles} articles x {PER_ARTICLE} repeated one- or two-word "
        "passages (once)")
    with Timer() as build:
        db_path, passages = annotated_library(articles, WORDS, PER_ARTICLE, repeated_spans)
    log(f"{NAME}: data ready in {build.seconds:.0f} s")
    store_out = workdir() / "export-cli.csv"
    baseline_out = workdir() / "export-cli-baseline.csv"
    table_path = workdir() / "export-cli-table.db"
    store = store_command(db_path, store_out)
    baseline = baseline_command(table_path, baseline_out)

    _timed(store)  # warm-up: bytecode and file caches; and the baseline's table
    if table_of(store_out, table_path) != passages:
        raise AssertionError(f"{NAME}: the baseline's table is not {passages} rows")
    _timed(baseline)
    if baseline_out.read_bytes() != store_out.read_bytes():
        raise AssertionError(f"{NAME}: the baseline does not write the export's bytes")
    store_times: list[float] = []
    baseline_times: list[float] = []
    for index in range(RUNS):
        seconds, _, stderr = _timed(store)
        if _store_rows(stderr) != passages:
            raise AssertionError(f"{NAME}: the export wrote {_store_rows(stderr)} rows, "
                                 f"expected {passages}")
        store_times.append(seconds)
        seconds, stdout, _ = _timed(baseline)
        if int(stdout.split()[0]) != passages:
            raise AssertionError(f"{NAME}: the baseline wrote {stdout.strip()} rows")
        baseline_times.append(seconds)
        log(f"{NAME}: run {index + 1}/{RUNS}: export {store_times[-1]:.3f} s, "
            f"baseline {baseline_times[-1]:.3f} s")
    with_context, rows = links_with_context(store_out)
    size = store_out.stat().st_size
    store_out.unlink(missing_ok=True)
    baseline_out.unlink(missing_ok=True)
    remove_db(table_path)
    seconds, base = median(store_times), median(baseline_times)
    ratio = seconds / base
    return Result(
        name=NAME,
        work=f"closeread export --format csv, {passages:,} repeated short passages "
             f"({size / 1e6:.0f} MB)",
        seconds=seconds, baseline_seconds=base,
        figure=f"{number(passages / seconds)} rows/s",
        goal=f"goal ratio <= {GOAL_RATIO:g}x", met=ratio <= GOAL_RATIO, runs=RUNS,
        store_times=store_times, baseline_times=baseline_times,
        baseline_figure=f"{seconds_text(base)} = {number(passages / base)} rows/s",
        notes=[f"{with_context:,} of {rows:,} links carry context (the quote recurs)"],
    )
