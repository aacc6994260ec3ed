"""Opening a long, densely annotated article as a user meets it: from the call until the
event loop is idle, everything included.

Data: one article of about 50,000 words (370,000 characters) in paragraphs, with 6,500
annotations of 1 to 24 words (a tenth with two tags), built through the store
(``bench_reader.big_article_library``).

Store: the real main window (``build_main_window``, 1400x900, offscreen, shown), a short
article without passages open before each run; the article's row selected in the library
(as the press of a click selects it, painted before the release opens the article), then
``window.open_article(id)`` started from inside the event loop, as the click's release
starts it, and timed until the loop is idle
(``benchmarks/qt_idle.py``): the article read, the text laid into a new document with its
formats, the passages on screen read and highlighted, the reader painted, the second step
an article of more than 1,000 passages schedules (the sidebar's list of all 6,500, its
count, its filters, its first rows read and painted), the catch-up of highlights after
the paint, the document replaced freed. Each run checks that the sidebar lists the 6,500
passages and says so, that the highlighter has every passage of the part on screen, and
that the reader and the sidebar's list were painted.

Baseline: a bare ``QTextBrowser`` of the reader's size, shown; ``setPlainText`` of the
same text (after another text, as the store opens after another article), timed the same
way until idle, painted included.

Runs alternate (store, baseline, ...); the figures are medians. Goal: at most 3x.
"""

from __future__ import annotations

from benchmarks.bench_reader import bench_window, big_article_library, qt_app
from benchmarks.harness import Result, log, median, seconds_text

NAME = "open"
WORDS = 50_000
HIGHLIGHTS = 6_500
RUNS = 7
GOAL_RATIO = 3.0


def add_short_article(db_path: object) -> str:
    """A second, short article, open before each timed opening (as a user opens one
    article after another); returns its id."""
    from desktop.core.document import plain_document
    from desktop.store.articles import NewArticle
    from desktop.store.library import Library

    text = "A short article.\n\nIt has two paragraphs and no passages."
    library = Library(db_path)  # type: ignore[arg-type]
    try:
        article, _ = library.articles.add(NewArticle(
            title="A short article", text=text, format="text",
            layout=plain_document(text).to_json()))
        return article.id
    finally:
        library.close()


def run(scale: float = 1.0) -> Result:
    words = max(1000, int(WORDS * scale))
    highlights = max(100, int(HIGHLIGHTS * scale))
    log(f"{NAME}: building an article of {words:,} words with {highlights:,} highlights")
    db_path, article_id = big_article_library(words, highlights)
    other = add_short_article(db_path)
    app = qt_app()
    from PySide6.QtWidgets import QTextBrowser

    from benchmarks.qt_idle import IdleClock
    from desktop.store.annotations import AnnotationFilter

    window = bench_window(db_path)
    library = window.library  # type: ignore[attr-defined]
    text = library.articles.text(article_id)
    reader = window.reader  # type: ignore[attr-defined]
    sidebar = window.sidebar  # type: ignore[attr-defined]
    bare = QTextBrowser()
    bare.resize(reader.size())
    bare.show()
    clock = IdleClock(app)  # type: ignore[arg-type]
    ignored = clock.calibrate()
    log(f"{NAME}: {len(ignored)} object(s) with timers while idle, not counted")

    store_quiet: list[float] = []
    baseline_quiet: list[float] = []

    pane = window.library_pane  # type: ignore[attr-defined]

    def store() -> float:
        # as a user opens an article from the library: the mouse press selects its row
        # (and that is painted) before the release opens it
        clock.run(lambda: pane.select(other))
        clock.run(lambda: window.open_article(other))  # type: ignore[attr-defined]
        clock.run(lambda: pane.select(article_id))
        settled = clock.run(lambda: window.open_article(article_id))  # type: ignore[attr-defined]
        listed = sidebar.model.rowCount()
        if listed != highlights or sidebar.count_label.text() != f"{highlights} passages":
            raise RuntimeError(f"{NAME}: {listed} sidebar rows, saying "
                               f"{sidebar.count_label.text()!r}; expected {highlights}")
        # the reader's highlighter has every passage of the part on screen (and its
        # margin); the rest it reads as the reader scrolls to them
        on_screen = {a.id for a in library.annotations.list(AnnotationFilter(
            article_id=article_id, overlapping=reader.highlighter.visible_range()))}
        if not on_screen or not on_screen <= set(reader.highlighter.annotations):
            raise RuntimeError(f"{NAME}: the highlights on screen are not all there")
        for view, what in ((reader, "reader"), (sidebar.view, "sidebar's list")):
            if clock.address(view.viewport()) not in settled.painted:
                raise RuntimeError(f"{NAME}: the {what} was not painted")
        store_quiet.append(settled.quiet_seconds)
        return settled.seconds

    def baseline() -> float:
        clock.run(lambda: bare.setPlainText("Another text.\n\nShort."))
        settled = clock.run(lambda: bare.setPlainText(text))
        if clock.address(bare.viewport()) not in settled.painted:
            raise RuntimeError(f"{NAME}: the bare browser was not painted")
        baseline_quiet.append(settled.quiet_seconds)
        return settled.seconds

    store()  # warm-up: caches, fonts, first layouts
    baseline()
    store_quiet.clear()
    baseline_quiet.clear()
    store_times: list[float] = []
    baseline_times: list[float] = []
    for index in range(RUNS):
        store_times.append(store())
        baseline_times.append(baseline())
        log(f"{NAME}: run {index + 1}/{RUNS}: store {store_times[-1] * 1000:.1f} ms, "
            f"baseline {baseline_times[-1] * 1000:.1f} ms")
    clock.close()
    window.close()  # type: ignore[attr-defined]
    bare.close()
    seconds, base = median(store_times), median(baseline_times)
    return Result(
        name=NAME, work=f"open {words:,} words with {highlights:,} highlights, until idle",
        seconds=seconds, baseline_seconds=base,
        figure=f"{seconds_text(seconds)} until idle",
        goal=f"goal <= {GOAL_RATIO:g}x a bare QTextBrowser", met=seconds <= GOAL_RATIO * base,
        runs=RUNS, store_times=store_times, baseline_times=baseline_times, headline=False,
        notes=[f"with Qt's layout of the rest of the document in the background (until no "
               f"event for {clock.quiet * 1000:.0f} ms): {seconds_text(median(store_quiet))}"
               f" against {seconds_text(median(baseline_quiet))}, "
               f"{median(store_quiet) / median(baseline_quiet):.1f}x"],
    )
