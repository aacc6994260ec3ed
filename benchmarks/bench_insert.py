"""Insert: 100,000 annotations (passages with one or two tags) through the store.

Store: ``library.annotations.create_many([NewAnnotation(...)], annotator)`` in one call,
so one transaction; the selections are made beforehand with ``select_range``. It resolves
the annotator and the tags, makes ids and timestamps, builds the ``Annotation`` objects
it returns, and inserts the rows (the FTS triggers index passage and note).

Baseline: the same rows (ids made beforehand) inserted with plain ``sqlite3``
``executemany`` into ``annotations`` and ``annotation_tags`` of a second copy of the same
library file - same schema, same FTS triggers, same pragmas, one transaction.

Both start from a byte copy of one library holding 1,000 articles of about 1,000 words.
Goal: the store takes at most twice the baseline's time.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from benchmarks.data import NOTES, TextMaker, passage_spans
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
from desktop.core.model import ANCHORED, now_iso
from desktop.core.selectors import select_range
from desktop.store.annotations import NewAnnotation
from desktop.store.articles import NewArticle
from desktop.store.library import Library

NAME = "insert"
ARTICLES = 1000
WORDS = 1000
ANNOTATIONS = 100_000
RUNS = 3
SEED = 100_000
ANNOTATOR = "bench"
GOAL_RATIO = 2.0
TAGS = ("propaganda", "evidence", "opinion", "Loaded_Language", "Name_Calling,Labeling",
        "Doubt", "Flag-Waving")

_INSERT_ANNOTATIONS = (
    'INSERT INTO annotations (id, article_id, annotator_id, start, "end", exact, prefix,'
    " suffix, note, anchor_state, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_TAGS = "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)"


@dataclass
class Dataset:
    template: Path
    items: list[NewAnnotation]
    rows: list[tuple[object, ...]]  # the baseline's annotation rows (annotator id "bench")
    links: list[tuple[str, str]]


def build(articles: int, annotations: int) -> Dataset:
    root = workdir() / "insert"
    root.mkdir(parents=True, exist_ok=True)
    template = root / "template.db"
    remove_db(template)
    maker = TextMaker(SEED)
    library = Library(template)
    with library.transaction():
        ids_texts: list[tuple[str, str]] = []
        for _ in range(articles):
            text = maker.clean_article(WORDS)
            article, _ = library.articles.add_in_transaction(
                NewArticle(title=maker.title(), text=text, format="text",
                           url=f"https://{maker.outlet()}/news/{len(ids_texts)}"))
            ids_texts.append((article.id, text))
        library.db.execute("INSERT INTO annotators (id, name) VALUES (?, ?)",
                           [ANNOTATOR, ANNOTATOR])
    tag_ids = {name: library.tags.get(name).id for name in TAGS}
    library.close()
    checkpoint(template)

    rng = random.Random(SEED)
    per_article, extra = divmod(annotations, articles)
    items: list[NewAnnotation] = []
    rows: list[tuple[object, ...]] = []
    links: list[tuple[str, str]] = []
    now = now_iso()
    for index, (article_id, text) in enumerate(ids_texts):
        for start, end in passage_spans(rng, text, per_article + (index < extra)):
            selection = select_range(text, start, end)
            tags = rng.sample(TAGS, rng.choice((1, 1, 1, 2)))
            note = rng.choice(NOTES)
            items.append(NewAnnotation(article_id, selection, tags, note))
            annotation_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            rows.append((annotation_id, article_id, ANNOTATOR, start, end, selection.exact,
                         selection.prefix, selection.suffix, note, ANCHORED, now, now))
            links.extend((annotation_id, tag_ids[t]) for t in tags)
    return Dataset(template, items, rows, links)


def baseline_insert(conn: sqlite3.Connection, rows: list[tuple[object, ...]],
                    links: list[tuple[str, str]]) -> None:
    with conn:
        conn.execute("BEGIN")
        conn.executemany(_INSERT_ANNOTATIONS, rows)
        conn.executemany(_INSERT_TAGS, links)


def _count(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM annotations").fetchone()[0],
                conn.execute("SELECT count(*) FROM annotations_fts").fetchone()[0])
    finally:
        conn.close()


def run(scale: float = 1.0) -> Result:
    articles = max(10, round(ARTICLES * scale))
    annotations = max(100, round(ANNOTATIONS * scale))
    log(f"insert: building {articles} articles and {annotations} annotations to insert")
    data = build(articles, annotations)
    root = data.template.parent

    def setup_store(index: int) -> Library:
        return Library(copy_db(data.template, root / f"store-{index}.db"))

    def store(library: Library) -> None:
        made = library.annotations.create_many(data.items, ANNOTATOR)
        if len(made) != annotations:
            raise AssertionError(f"insert: {len(made)} annotations made")

    def setup_baseline(index: int) -> tuple[sqlite3.Connection, Path]:
        path = copy_db(data.template, root / f"baseline-{index}.db")
        return raw_connect(path), path

    def baseline(state: tuple[sqlite3.Connection, Path]) -> None:
        baseline_insert(state[0], data.rows, data.links)

    def teardown(state: Library | tuple[sqlite3.Connection, Path]) -> None:
        if isinstance(state, Library):
            state.close()
            path = state.path
        else:
            connection, path = state
            connection.close()
        if _count(path) != (annotations, annotations):
            raise AssertionError(f"insert: {path.name} holds {_count(path)} annotations")
        remove_db(path)

    store_times, baseline_times = compare(
        RUNS, store, baseline, setup_store, setup_baseline, teardown,
        progress=lambda message: log(f"insert: {message}"))
    seconds = median(store_times)
    baseline_seconds = median(baseline_times)
    ratio = seconds / baseline_seconds
    return Result(
        name=NAME,
        work=f"{annotations} annotations ({len(data.links)} tag links) on {articles} articles",
        seconds=seconds,
        baseline_seconds=baseline_seconds,
        figure=f"{number(annotations / seconds)} annotations/s",
        goal=f"goal ratio <= {GOAL_RATIO:g}x",
        met=ratio <= GOAL_RATIO,
        runs=RUNS,
        store_times=store_times,
        baseline_times=baseline_times,
        baseline_figure=(f"{seconds_text(baseline_seconds)} = "
                         f"{number(annotations / baseline_seconds)} annotations/s"),
    )
