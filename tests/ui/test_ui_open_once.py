"""Opening an article lays the window out once: the reader's page at the width it will
have (its scroll bar shown first), the sidebar's list with its scroll bar before it is
painted, and the panes where they were; the open article is remembered a moment later."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLabel

from desktop.core.document import plain_document
from desktop.core.selectors import select_range
from desktop.store.annotations import NewAnnotation
from desktop.store.articles import NewArticle
from desktop.ui import main_window as main_window_module
from desktop.ui import settings as keys
from desktop.ui.highlighter import blend
from desktop.ui.reader import READING_WIDTH_EM

PARAGRAPH = ("The harbour board met on Tuesday evening and voted to delay the dredging of "
             "the northern channel until the spring tides have passed, a member said.")


def add_article(window, title: str, paragraphs: int, passages: int = 0) -> str:
    """An article of ``paragraphs`` paragraphs with a passage on each of the first
    ``passages``; its id."""
    text = "\n\n".join([title, *(f"{index + 1}. {PARAGRAPH}" for index in range(paragraphs))])
    library = window.library
    article, _ = library.articles.add(NewArticle(title=title, text=text, format="text",
                                                 layout=plain_document(text).to_json()))
    items, start = [], 0
    for _ in range(passages):
        start = text.index("harbour board", start)
        items.append(NewAnnotation(article.id, select_range(text, start, start + 13),
                                   ["evidence"]))
        start += 13
    if items:
        library.annotations.create_many(items, "tester")
    return article.id


def test_a_long_article_after_a_short_one_is_laid_out_at_the_width_of_its_page(window):
    window.resize(1000, 700)
    short = add_article(window, "A short note", 2)
    long = add_article(window, "A long report", 300)
    reader = window.reader
    bar = reader.verticalScrollBar()

    assert window.open_article(short)
    QApplication.processEvents()
    assert not bar.isVisible()

    assert window.open_article(long)
    # the bar is there as the page is laid out, and the page has the narrowed width
    assert bar.isVisible()
    assert reader.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded
    assert reader.document().pageSize().width() == reader.viewport().width()
    frame = reader.document().rootFrame().frameFormat()
    em = reader.fontMetrics().horizontalAdvance("m")
    side = max(24, (reader.viewport().width() - READING_WIDTH_EM * em) // 2)
    assert frame.leftMargin() == frame.rightMargin() == side
    QApplication.processEvents()
    assert reader.document().pageSize().width() == reader.viewport().width()
    assert reader.toPlainText().startswith("A long report\n\n1. The harbour board")

    # the bar is shown only when needed again
    assert window.open_article(short)
    QApplication.processEvents()
    assert not bar.isVisible()
    assert reader.document().pageSize().width() == reader.viewport().width()


def test_the_sidebar_keeps_its_place_when_an_article_with_passages_opens(window, qtbot,
                                                                          monkeypatch):
    monkeypatch.setattr(main_window_module, "PROGRESSIVE_PASSAGES", 5)
    window.resize(1000, 700)
    bare = add_article(window, "No passages here", 3)
    dense = add_article(window, "Many passages", 80, passages=80)
    one = add_article(window, "One passage", 3, passages=1)
    sidebar = window.sidebar
    hint = sidebar.findChild(QLabel, "sidebarHint")
    bar = sidebar.view.verticalScrollBar()

    assert window.open_article(bare)
    QApplication.processEvents()
    assert hint.isVisible() and hint.text() == sidebar.EMPTY_HINT
    assert sidebar.count_label.text() == "No passages"
    place = sidebar.view.geometry()

    assert window.open_article(dense)  # in two steps
    assert sidebar.count_label.text() == "Loading 80 passages…"
    assert not hint.isVisible()
    assert bar.isVisible()  # before the rows come: the list is laid out once, narrowed
    qtbot.waitUntil(lambda: sidebar.model.rowCount() == 80, timeout=3000)
    QApplication.processEvents()
    assert sidebar.count_label.text() == "80 passages"
    assert sidebar.view.geometry() == place  # the panes did not move
    assert bar.isVisible() and bar.maximum() > 0
    assert sidebar.view.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded

    assert window.open_article(one)
    QApplication.processEvents()
    assert not bar.isVisible() and not hint.isVisible()
    assert sidebar.count_label.text() == "1 passage"

    assert window.open_article(bare)
    QApplication.processEvents()
    assert hint.isVisible() and sidebar.view.geometry() == place


def test_another_article_opened_before_the_list_comes_gets_the_bar_it_needs(
        window, qtbot, monkeypatch):
    monkeypatch.setattr(main_window_module, "PROGRESSIVE_PASSAGES", 5)
    window.resize(1000, 700)
    dense = add_article(window, "Many passages", 80, passages=80)
    one = add_article(window, "One passage", 3, passages=1)
    bar = window.sidebar.view.verticalScrollBar()
    window.open_article(dense)
    window.open_article(one)  # before the event loop lists the first one's passages
    qtbot.wait(50)
    assert window.sidebar.model.rowCount() == 1
    assert not bar.isVisible()


def test_the_open_article_is_remembered_a_moment_after_it_opens(
        open_window, reread_settings, qtbot, monkeypatch):
    monkeypatch.setattr(main_window_module, "REMEMBER_LAST_MS", 30)
    window = open_window()
    first, second = (a.id for a in window.library.articles.list()[:2])
    assert window.open_article(first)
    assert window.open_article(second)
    qtbot.waitUntil(lambda: reread_settings().get(keys.LAST_ARTICLE) == second, timeout=2000)
    qtbot.wait(60)
    assert reread_settings().get(keys.LAST_ARTICLE) == second


def _shown_background(window, offset: int):
    probe = QTextCursor(window.reader.document())
    probe.setPosition(offset + 1)
    return probe.charFormat().background().color()


def test_highlights_keep_their_tags_colours_over_the_page_from_one_article_to_the_next(
        window):
    """The highlight formats made for one article serve the next: each in the colours
    and over the page of its moment (a theme changed in between included)."""
    first = add_article(window, "First report", 3, passages=1)
    second = add_article(window, "Second report", 4, passages=2)
    color = {t.name: t.color for t in window.library.tags.all(usage=False)}["evidence"]
    offset = window.library.articles.text(first).index("harbour board")
    before = window.settings.get(keys.THEME)
    try:
        window.set_theme("light")
        assert window.open_article(first)
        light = window.reader.page_color()
        assert _shown_background(window, offset) == blend([color], light)
        window.set_theme("dark")
        QApplication.processEvents()  # (the palette reaches the reader)
        dark = window.reader.page_color()
        assert dark != light
        assert _shown_background(window, offset) == blend([color], dark)  # repainted
        assert window.open_article(second)
        there = window.library.articles.text(second).index("harbour board")
        assert _shown_background(window, there) == blend([color], dark)
        window.set_theme("light")
        QApplication.processEvents()
        assert window.open_article(first)
        assert _shown_background(window, offset) == blend([color], light)
    finally:
        window.set_theme(before)
        QApplication.processEvents()
