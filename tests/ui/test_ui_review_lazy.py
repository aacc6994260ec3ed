"""The review window opening with less work: the text laid out once at its page's width,
the lanes placed for what is on screen (at the article's top too), the Charts and
Analyst's view tabs built when first opened and then showing what the library holds, the
progress bar over every article of the session, and names shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QLabel, QProgressBar, QTableView, QTableWidget, QTabWidget

from desktop.core.selectors import select_quote, select_range
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.ui.review_lanes import LaneGutter
from desktop.ui.review_sessions import open_review
from desktop.ui.review_view import ReviewView

# an invented report, long enough to need a scroll bar and to be laid out by Qt in parts
PARAGRAPHS = [
    "The ferry operator said on Monday that the evening crossing to Marrow Island would "
    "stop for the winter, citing falling numbers and the cost of fuel.",
    "Residents of the island called the decision a betrayal. A petition with 1,200 "
    "names was handed to the county office before noon.",
    "The county's transport officer, Ilse Varga, said talks with the operator would "
    "continue and that a smaller boat could run twice a week.",
    "Fishermen on the north quay said they would offer places on their own boats if "
    "nothing else was agreed before the first of December.",
]
FIRST = "the evening crossing to Marrow Island would stop for the winter"
LAST = "offer places on their own boats"


def long_report(paragraphs: int = 160) -> str:
    body = "\n\n".join(f"{PARAGRAPHS[n % len(PARAGRAPHS)]} (Update {n + 1}.)"
                       for n in range(paragraphs))
    return "Ferry to stop for the winter\n\n" + body + "\n"


def _mark(library: Library, article_id: str, text: str, who: str, quote: str,
          tags: list[str], last: bool = False) -> None:
    start = text.rindex(quote) if last else text.index(quote)
    library.annotations.create(article_id, select_range(text, start, start + len(quote)),
                               tags, who)


@pytest.fixture
def long_session(db_path: Path, window) -> tuple[str, str]:
    """Two analysts on a long report: the same words at its top (one unit both agree on),
    words at its end with other tags; a second, short article in the same session."""
    text = long_report()
    with Library(db_path) as library:
        article, _ = library.articles.add(NewArticle(title="Ferry to stop", text=text,
                                                     format="text"))
        short, _ = library.articles.add(NewArticle(
            title="Quay repairs", text="Quay repairs\n\nThe north quay will be repaired in "
            "spring, the harbour board said.\n", format="text"))
        for who in ("ann", "bob"):
            _mark(library, article.id, text, who, FIRST, ["evidence"])
            _mark(library, article.id, text, who, LAST,
                  ["opinion"] if who == "ann" else ["evidence"], last=True)
            library.annotations.create(
                short.id, select_quote(library.articles.text(short.id), "repaired in spring"),
                ["evidence"], who)
        library.reviews.create("ferry", ["ann", "bob"], articles=[article.id, short.id])
    window.watcher.poll()
    return "ferry", text


@pytest.fixture
def view(window, long_session, qtbot) -> ReviewView:
    opened = open_review(window, long_session[0])
    assert opened is not None
    qtbot.waitExposed(opened)
    yield opened
    opened.close()


def test_the_text_is_laid_out_at_the_width_it_is_shown_at(view, long_session):
    text = view.text
    assert text.toPlainText() == long_session[1]
    # the page has the viewport's width from the start, and the long text its bar
    assert text.document().pageSize().width() == text.viewport().width()
    assert text.verticalScrollBar().isVisible()
    # the first unit is current and marked in the text, as before
    (selection,) = text.extraSelections()
    assert selection.cursor.selectedText() == FIRST
    assert view.findChild(QTableView, "unitList").currentIndex().row() == 0


def test_the_lanes_show_the_passages_at_the_articles_top_and_end(view, qtbot):
    lanes = view.findChild(LaneGutter, "reviewLanes")
    first_key = view.model.units[0].unit.key
    # at once, while Qt has laid out only the first part of the long text
    shown = lanes._visible()
    assert [[mark.unit_key for _top, _bottom, mark in lane] for lane in shown[:2]] == \
        [[first_key], [first_key]]
    top, bottom, _mark = shown[0][0]
    assert 0 <= top < bottom < view.text.viewport().height()
    # and at the end, where the last unit is
    view.select_unit(view.model.units[-1].unit.key)
    last_key = view.model.units[-1].unit.key
    assert view.text.verticalScrollBar().value() > 0
    shown = lanes._visible()
    assert all(any(mark.unit_key == last_key for *_y, mark in lane) for lane in shown[:2])
    assert not any(mark.unit_key == first_key for lane in shown for *_y, mark in lane)


def test_the_other_tabs_are_built_when_first_opened_and_show_the_library(view, qtbot,
                                                                        db_path):
    assert view.findChildren(QSvgWidget, "reviewChart") == []
    assert view.findChild(QTableWidget, "analystChanges") is None
    # a decision before either tab was ever opened: both show it when they open
    table = view.findChild(QTableView, "unitList")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_1)  # ann's version of the first unit
    tabs = view.findChild(QTabWidget, "reviewTabs")
    tabs.setCurrentIndex(1)
    charts = view.findChildren(QSvgWidget, "reviewChart")
    assert len(charts) == 3 and all(c.renderer().isValid() for c in charts)
    qtbot.waitUntil(lambda: all(c.isVisible() for c in charts))
    tabs.setCurrentIndex(2)
    changes = view.findChild(QTableWidget, "analystChanges")
    assert changes is not None and changes.isVisible()
    decisions = [changes.item(r, 2).text() for r in range(changes.rowCount())]
    assert decisions[0] == "your version accepted"  # ann's view, first in the choice
    # opened again, each tab is drawn again, not built twice
    tabs.setCurrentIndex(0)
    tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(view.findChildren(QSvgWidget, "reviewChart")) == 3)
    tabs.setCurrentIndex(2)
    assert len(view.findChildren(QTableWidget, "analystChanges")) == 1


def test_the_progress_counts_every_article_and_follows_other_processes(view, window,
                                                                       db_path, qtbot):
    progress = view.findChild(QProgressBar, "reviewProgress")
    with Library(db_path) as library:
        counted = library.reviews.progress("ferry")
        article_units = library.reviews.units("ferry", view.article_id)
    assert counted.units > len(article_units)  # the short article's unit counts too
    assert (progress.value(), progress.maximum()) == (0, counted.units)
    assert view.model.rowCount() == len(article_units)
    # another process decides a unit of the other article: the bar follows, the list
    # of this article's units stays as it was
    with Library(db_path) as library:
        other = next(u.unit.key for u in library.reviews.units("ferry")
                     if u.unit.article_id != view.article_id)
        library.reviews.reject("ferry", other, reviewer="colleague")
    window.watcher.poll()
    assert progress.value() == 1
    assert progress.format() == f"1 of {counted.units} units decided"
    assert view.model.rowCount() == len(article_units)
    # and one of this article's: its state too
    with Library(db_path) as library:
        library.reviews.reject("ferry", article_units[0].unit.key, reviewer="colleague")
    window.watcher.poll()
    assert progress.value() == 2
    assert view.model.index(0, 3).data() == "rejected"


def test_names_are_shown_as_text(window, db_path, qtbot):
    text = "Tide tables\n\nThe spring tide will be the highest of the year.\n"
    with Library(db_path) as library:
        article, _ = library.articles.add(NewArticle(title="Tide tables", text=text,
                                                     format="text"))
        for who in ("<i>ann</i>", "bob &amp; co"):
            library.annotations.create(article.id, select_quote(text, "highest of the year"),
                                       ["evidence"], who)
        library.reviews.create("<b>tides</b>", ["<i>ann</i>", "bob &amp; co"],
                               articles=[article.id])
    window.watcher.poll()
    view = open_review(window, "<b>tides</b>")
    assert view is not None
    qtbot.waitExposed(view)
    try:
        title = view.findChild(QLabel, "reviewTitle")
        assert title.text() == "<b>tides</b>" and title.textFormat() == Qt.TextFormat.PlainText
        lanes = view.findChild(QLabel, "reviewLaneNames")
        assert lanes.textFormat() == Qt.TextFormat.PlainText
        assert lanes.text() == "Lanes: 1 <i>ann</i> · 2 bob &amp; co · ✓ reconciled"
    finally:
        view.close()
