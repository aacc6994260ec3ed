"""Reader: open a 50,000-word article with 5,000 highlights, until the reader has painted.

Store: ``window.open_article(id)`` in the real main window (1400x900, offscreen) - the
article read from the library, the text laid into a new document with its block and
inline formats, the passages on screen (and a margin) read and highlighted - then a
synchronous ``repaint()`` of the reader's viewport. An article with more than 1,000
passages opens in two steps: the rest of its passages and the sidebar follow as soon as
the reader has painted; that whole time is reported on a second line.

Baseline: a bare ``QTextBrowser`` of the reader's size showing the same text with
``setPlainText`` and no highlights, then the same ``repaint()``.

Runs alternate (store, baseline, ...); the figure is the median. Goal: at most 3x.
"""

from __future__ import annotations

import os
import random
import time

from benchmarks.data import TextMaker, passage_spans
from benchmarks.harness import Result, compare, log, median, remove_db, seconds_text, workdir

NAME = "reader"
WORDS = 50_000
HIGHLIGHTS = 5_000
RUNS = 5
SEED = 50_000
GOAL_RATIO = 3.0


def big_article_library(words: int, highlights: int) -> tuple[object, str]:
    """A library with one long article carrying ``highlights`` annotations."""
    from desktop.core.document import plain_document
    from desktop.core.selectors import select_range
    from desktop.store.annotations import NewAnnotation
    from desktop.store.articles import NewArticle
    from desktop.store.library import Library

    path = workdir() / f"reader-{words}-{highlights}.db"
    remove_db(path)
    maker = TextMaker(SEED)
    text = "\n\n".join(maker.paragraphs(words))
    library = Library(path)
    article, _ = library.articles.add(NewArticle(
        title="A very long article", text=text, format="text",
        layout=plain_document(text).to_json()))
    rng = random.Random(SEED)
    tags = ("propaganda", "evidence", "opinion")
    items = [NewAnnotation(article.id, select_range(text, start, end),
                           [rng.choice(tags)] + ([rng.choice(tags)] if rng.random() < 0.1 else []))
             for start, end in passage_spans(rng, text, highlights)]
    library.annotations.create_many(items, "bench")
    library.close()
    return path, article.id


def qt_app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(["benchmarks"])


def bench_window(db_path: object) -> object:
    from PySide6.QtCore import QSettings

    from desktop.ui.main_window import build_main_window
    from desktop.ui.settings import Settings

    ini = workdir() / "bench-settings.ini"
    ini.unlink(missing_ok=True)
    window = build_main_window(db_path, Settings(QSettings(str(ini),  # type: ignore[arg-type]
                                                           QSettings.Format.IniFormat)))
    window.resize(1400, 900)
    window.show()
    return window


def run(scale: float = 1.0) -> Result:
    words = max(1000, int(WORDS * scale))
    highlights = max(100, int(HIGHLIGHTS * scale))
    log(f"{NAME}: building an article of {words:,} words with {highlights:,} highlights")
    db_path, article_id = big_article_library(words, highlights)
    app = qt_app()
    from PySide6.QtWidgets import QTextBrowser

    window = bench_window(db_path)
    app.processEvents()  # type: ignore[attr-defined]
    text = window.library.articles.text(article_id)  # type: ignore[attr-defined]
    reader = window.reader  # type: ignore[attr-defined]
    bare = QTextBrowser()
    bare.resize(reader.size())
    bare.show()

    def store(_state: object) -> None:
        window.open_article(article_id)  # type: ignore[attr-defined]
        reader.viewport().repaint()

    def baseline(_state: object) -> None:
        bare.setPlainText(text)
        bare.viewport().repaint()

    store_times, baseline_times = compare(RUNS, store, baseline,
                                          progress=lambda m: log(f"{NAME}: {m}"))

    # an article this dense opens in two steps: the reader paints the passages on screen,
    # then the sidebar lists every passage; time the whole of it too (the open benchmark
    # times it until the event loop is idle)
    complete_times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        store(None)
        app.processEvents()  # type: ignore[attr-defined]
        complete_times.append(time.perf_counter() - began)
    # the highlighter reads the passages of a part of the text when it comes on screen
    shown = len(window.reader.highlighter.annotations)  # type: ignore[attr-defined]
    listed = window.sidebar.model.rowCount()  # type: ignore[attr-defined]
    if not shown or listed != highlights:
        raise RuntimeError(f"{NAME}: {shown} highlights and {listed} sidebar rows, "
                           f"expected {highlights} rows")
    window.close()  # type: ignore[attr-defined]
    bare.close()
    seconds, base = median(store_times), median(baseline_times)
    return Result(
        name=NAME, work=f"open {words:,} words with {highlights:,} highlights",
        seconds=seconds, baseline_seconds=base, figure=f"{seconds_text(seconds)} to painted",
        goal=f"goal <= {GOAL_RATIO:g}x a bare QTextBrowser", met=seconds <= GOAL_RATIO * base,
        runs=RUNS, store_times=store_times, baseline_times=baseline_times, headline=False,
        notes=[f"the sidebar filled too: "
               f"{seconds_text(median(complete_times))} (median of {RUNS})"],
    )
