"""Key press to highlight committed: select a passage in the reader, press 1.

Store: in the real main window with the 50,000-word article of the reader benchmark open
(5,000 highlights already on it), a fresh passage is selected, then ``QTest.keyClick``
sends the key 1 to the reader. Timed: from the key press until the call returns - the
annotation is committed to the library file (one transaction), its highlight painted,
the sidebar and the library's count updated. 60 presses; the figure is the median.

Baseline: the same rows written with plain ``sqlite3`` (one annotation and its tag, one
transaction) into a copy of the library file, 60 times; the ratio shows what the app adds
to the bare commit. Goal: a median of at most 20 ms.
"""

from __future__ import annotations

import random
import sqlite3
import time
import uuid

from benchmarks.bench_reader import bench_window, big_article_library, qt_app
from benchmarks.data import passage_spans
from benchmarks.harness import Result, copy_db, log, median, raw_connect, workdir
from desktop.core.model import now_iso
from desktop.core.selectors import select_range

NAME = "keypress"
WORDS = 50_000
HIGHLIGHTS = 5_000
PRESSES = 60
SEED = 1_000
GOAL_MS = 20.0


def run(scale: float = 1.0) -> Result:
    words = max(1000, int(WORDS * scale))
    highlights = max(100, int(HIGHLIGHTS * scale))
    db_path, article_id = big_article_library(words, highlights)
    baseline_path = copy_db(db_path, workdir() / "keypress-baseline.db")
    app = qt_app()
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window = bench_window(db_path)
    window.open_article(article_id)  # type: ignore[attr-defined]
    app.processEvents()  # type: ignore[attr-defined]
    reader = window.reader  # type: ignore[attr-defined]
    reader.setFocus()
    text = reader.text
    rng = random.Random(SEED)
    spans = passage_spans(rng, text, PRESSES, max_words=8)

    log(f"{NAME}: {PRESSES} key presses on an article with {highlights:,} highlights")
    store_times = []
    for start, end in spans:
        reader.select_range(start, end)
        began = time.perf_counter()
        QTest.keyClick(reader, Qt.Key.Key_1)
        store_times.append(time.perf_counter() - began)
        app.processEvents()  # type: ignore[attr-defined]
    made = window.library.annotations.list()  # type: ignore[attr-defined]
    window.close()  # type: ignore[attr-defined]

    conn = raw_connect(baseline_path)
    tag_id = conn.execute("SELECT id FROM tags WHERE name = 'propaganda'").fetchone()[0]
    annotator_id = conn.execute("SELECT id FROM annotators").fetchone()[0]
    baseline_times = []
    for start, end in spans:
        selection = select_range(text, start, end)
        began = time.perf_counter()
        _insert_one(conn, article_id, annotator_id, tag_id, selection)
        baseline_times.append(time.perf_counter() - began)
    conn.close()

    seconds, base = median(store_times), median(baseline_times)
    return Result(
        name=NAME, work=f"{PRESSES} presses of 1 on a {words:,}-word article with "
        f"{highlights:,} highlights", seconds=seconds, baseline_seconds=base,
        figure=f"median {seconds * 1000:.1f} ms, slowest {max(store_times) * 1000:.1f} ms",
        goal=f"goal median <= {GOAL_MS:g} ms", met=seconds * 1000 <= GOAL_MS, runs=PRESSES,
        store_times=store_times, baseline_times=baseline_times, headline=False,
        notes=[f"{len(made) - highlights} annotations made by the presses"],
    )


def _insert_one(conn: sqlite3.Connection, article_id: str, annotator_id: str, tag_id: str,
                selection: object) -> None:
    now = now_iso()
    annotation_id = str(uuid.uuid4())
    with conn:
        conn.execute("BEGIN")
        conn.execute(
            'INSERT INTO annotations (id, article_id, annotator_id, start, "end", exact, prefix,'
            " suffix, note, anchor_state, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (annotation_id, article_id, annotator_id, selection.start,  # type: ignore[attr-defined]
             selection.end, selection.exact, selection.prefix,  # type: ignore[attr-defined]
             selection.suffix, "", "anchored", now, now))  # type: ignore[attr-defined]
        conn.execute("INSERT INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)",
                     (annotation_id, tag_id))
