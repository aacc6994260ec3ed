"""Sync-first: the first sync of a team library of 100,000 annotations into a fresh client.

Data: the server's library holds 1,000 articles of about 800 words, each with a url
(corpus.py's, built with raw SQL into a file ``Library`` made), and 100 annotations on
each by four annotators (``library.annotations.create_many``, the store's bulk insert:
one or two tags each, a note on some), all shared with everyone on the server as passages
made outside it are. A user ``desk`` gets a token from ``closeread token create --user
desk`` (its last line). ``closeread serve`` serves a copy of it on 127.0.0.1 for the whole
benchmark (a first sync only reads the server).

Store: a fresh client library connected with ``closeread --db CLIENT sync connect URL
--token T`` (untimed), then ``closeread --db CLIENT sync`` as a whole process, timed by
the parent from launch to exit: the round pulls the server's change feed, fetches what
it names and merges it into the library (docs/server.md, "Sync"). Beside the time, each
run notes the CPU time of the sync process and of the server, and the requests the
server answered (its access log's lines), to tell where the time goes.

Baseline: the same rows copied with raw SQL into a fresh library file (made by
``Library``, so same schema, FTS and journal triggers, pragmas): ``ATTACH`` the server's
library and ``INSERT ... SELECT`` its articles, annotators, tags (by name: a fresh
library's default tags have ids of their own), annotations and tag links, in one
transaction; timed in this process. The least work that ends with the same rows.

Both are checked afterwards with the store: every one of the server's annotations is in
the client library with its article's text, place, quote, note, annotator and tags.
Runs alternate (sync, copy, ...); the figures are medians. No goal is set for the time
(issue 11 asks for the figure); the goal is that every row arrives.
"""

from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks import serving
from benchmarks.corpus import articles_library
from benchmarks.data import NOTES, passage_spans
from benchmarks.harness import (
    Result,
    checkpoint,
    compare,
    copy_db,
    log,
    median,
    number,
    raw_connect,
    remove_db,
    seconds_text,
    workdir,
)
from desktop.core.selectors import select_range
from desktop.store.annotations import NewAnnotation
from desktop.store.library import Library

NAME = "sync-first"
ARTICLES = 1_000
WORDS = 800
PER_ARTICLE = 100
RUNS = 3
SEED = 100_011
USER = "desk"
ANNOTATORS = ("ana", "li", "omar", "mira")
TAGS = ("propaganda", "evidence", "opinion", "Loaded_Language", "Doubt", "Flag-Waving",
        "Slogans", "Repetition")
SYNC_TIMEOUT = 3600.0  # seconds: a sync that takes longer is stopped and the run fails
REPO = Path(__file__).resolve().parent.parent

# what each annotation must be in the client, whatever its ids: the article's text (by
# hash), place, quote, note, annotator and tag names
Row = tuple[str, int, int, str, str, str, tuple[str, ...]]


@dataclass
class Dataset:
    template: Path  # the server's library (checkpointed, closed)
    token: str
    annotations: int
    articles: int
    rows: Counter[Row]


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "desktop", *args]


def _run(command: list[str], timeout: float = 120.0) -> str:
    """Runs a command line to its end; its standard output."""
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{NAME}: {' '.join(command[2:5])} failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout).strip()[-800:]}")
    return done.stdout


def rows_of(path: Path) -> Counter[Row]:
    """The library's live annotations as ``Row``s, read with the store."""
    with Library(path) as library:
        hashes = {str(row[0]): str(row[1]) for row in library.db.conn.execute(
            "SELECT id, text_sha256 FROM articles")}
        return Counter(
            (hashes[a.article_id], a.start, a.end, a.exact, a.note, a.annotator,
             tuple(sorted(a.tags)))
            for a in library.annotations.iterate())


def build(articles: int, per_article: int) -> Dataset:
    """The server's library: articles, annotations by four annotators, the desk's token."""
    corpus = articles_library(articles, WORDS)
    root = workdir() / "sync-first"
    root.mkdir(parents=True, exist_ok=True)
    template = copy_db(corpus.path, root / "server-template.db")
    rng = random.Random(SEED)
    by_annotator: dict[str, list[NewAnnotation]] = {name: [] for name in ANNOTATORS}
    for article_id, text in corpus.articles:
        for start, end in passage_spans(rng, text, per_article):
            tags = rng.sample(TAGS, rng.choice((1, 1, 1, 2)))
            note = rng.choice(NOTES) if rng.random() < 0.3 else ""
            by_annotator[rng.choice(ANNOTATORS)].append(
                NewAnnotation(article_id, select_range(text, start, end), tags, note))
    with Library(template) as library:
        for name, items in by_annotator.items():
            library.annotations.create_many(items, name)  # the store's bulk insert
    # the token as an administrator makes one: printed alone on the last line
    token = _run(_command("--db", str(template), "token", "create", "--user", USER,
                          "--label", "bench")).strip().splitlines()[-1].strip()
    checkpoint(template)
    rows = rows_of(template)
    return Dataset(template, token, sum(rows.values()), len(corpus.articles), rows)


def _children_cpu() -> float:
    """User and system CPU time of the finished child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _requests(log: Path) -> int:
    """Requests the server has answered so far: its access log's lines."""
    with open(log, encoding="utf-8", errors="replace") as lines:
        return sum(1 for line in lines if '"status":' in line)


def raw_copy(source: Path, target: Path) -> None:
    """The baseline: the server's rows into ``target`` (a fresh library) with raw SQL."""
    conn = raw_connect(target)
    try:
        conn.execute("ATTACH DATABASE ? AS src", [str(source)])
        columns = {table: ", ".join(f'"{row[1]}"' for row in conn.execute(
            f"PRAGMA main.table_info({table})"))
            for table in ("articles", "annotators", "annotations")}
        conn.execute("BEGIN")
        for table in ("articles", "annotators", "annotations"):
            conn.execute(f"INSERT INTO main.{table} ({columns[table]}) "
                         f"SELECT {columns[table]} FROM src.{table}")
        # tags by name: the fresh library's own default tags keep their ids; the server's
        # other tags come with theirs (parents first: a parent is a default tag here)
        conn.execute(
            "INSERT INTO main.tags (id, name, parent_id, color, description, created) "
            "SELECT s.id, s.name, (SELECT m.id FROM main.tags m JOIN src.tags sp "
            "ON m.name = sp.name WHERE sp.id = s.parent_id), s.color, s.description, "
            "s.created FROM src.tags s WHERE s.name NOT IN (SELECT name FROM main.tags)")
        conn.execute(
            "INSERT INTO main.annotation_tags (annotation_id, tag_id) "
            "SELECT l.annotation_id, m.id FROM src.annotation_tags l "
            "JOIN src.tags s ON s.id = l.tag_id JOIN main.tags m ON m.name = s.name")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
    finally:
        conn.close()


def run(scale: float = 1.0) -> Result:
    articles = max(10, round(ARTICLES * scale))
    log(f"{NAME}: building the server's library: {articles} articles, "
        f"{articles * PER_ARTICLE:,} annotations")
    data = build(articles, PER_ARTICLE)
    root = data.template.parent
    served = copy_db(data.template, root / "served.db")
    port = serving.free_port()
    url = f"http://{serving.HOST}:{port}"
    log_path = root / "served.log"  # its access log: one JSON line a request
    usage: list[tuple[float, float, int]] = []  # per sync: its CPU, the server's, requests
    process = serving.start(
        _command("--db", str(served), "serve", "--host", serving.HOST, "--port", str(port)),
        log_path, f"{url}/api/", REPO)
    try:
        def setup_sync(index: int) -> Path:
            client = root / f"client-{index}.db"
            remove_db(client)
            _run(_command("--db", str(client), "sync", "connect", url, "--token", data.token))
            return client

        def sync(client: Path) -> None:
            before = (_children_cpu(), serving.cpu_seconds(process.pid), _requests(log_path))
            _run(_command("--db", str(client), "sync"), timeout=SYNC_TIMEOUT)
            usage.append((_children_cpu() - before[0],
                          serving.cpu_seconds(process.pid) - before[1],
                          _requests(log_path) - before[2]))

        def setup_copy(index: int) -> Path:
            target = root / f"copy-{index}.db"
            remove_db(target)
            Library(target).close()  # a fresh library: schema, default tags, triggers
            return target

        def copy(target: Path) -> None:
            raw_copy(data.template, target)

        def teardown(client: Path) -> None:
            began = time.perf_counter()
            found = rows_of(client)
            if found != data.rows:
                missing = sum((data.rows - found).values())
                extra = sum((found - data.rows).values())
                raise AssertionError(f"{NAME}: {client.name} holds {sum(found.values()):,} "
                                     f"annotations; {missing:,} of the server's are missing "
                                     f"or differ, {extra:,} are not the server's")
            log(f"{NAME}: {client.name}: all {data.annotations:,} annotations there "
                f"(checked in {time.perf_counter() - began:.1f} s)")
            remove_db(client)

        store_times, baseline_times = compare(
            RUNS, sync, copy, setup_sync, setup_copy, teardown,
            progress=lambda message: log(f"{NAME}: {message}"))
    finally:
        status = serving.stop(process)
    if status != 0:
        raise RuntimeError(f"{NAME}: the server exited {status} after SIGTERM")
    seconds = median(store_times)
    baseline_seconds = median(baseline_times)
    return Result(
        name=NAME,
        work=(f"first sync of {data.annotations:,} annotations on {data.articles:,} "
              "articles into a fresh library (closeread sync, a whole process)"),
        seconds=seconds,
        baseline_seconds=baseline_seconds,
        figure=f"{number(data.annotations / seconds)} annotations/s",
        goal="goal every annotation arrives",
        met=True,  # a missing or different row has raised in teardown
        runs=RUNS,
        store_times=store_times,
        baseline_times=baseline_times,
        notes=[f"per sync (median): the sync process {statistics.median(u[0] for u in usage):.1f}"
               f" s of CPU, the server {statistics.median(u[1] for u in usage):.1f} s, "
               f"{statistics.median(u[2] for u in usage):,.0f} requests answered"],
        baseline_figure=(f"raw SQL copy {seconds_text(baseline_seconds)} = "
                         f"{number(data.annotations / baseline_seconds)} annotations/s"),
    )
