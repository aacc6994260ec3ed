"""A densely annotated article opens in two steps: the passages on screen at once, the
rest and the sidebar right after the reader has painted."""

from __future__ import annotations

from desktop.core.selectors import select_range
from desktop.store.annotations import NewAnnotation
from desktop.ui import main_window as main_window_module


def _annotate_every_word(window, article_id: str) -> int:
    text = window.library.articles.text(article_id)
    items, offset = [], 0
    for word in text.split():
        start = text.index(word, offset)
        offset = start + len(word)
        items.append(NewAnnotation(article_id, select_range(text, start, offset), ["evidence"]))
    window.library.annotations.create_many(items, "tester")
    return len(items)


def test_a_dense_article_shows_its_passages_in_two_steps(window, qtbot, monkeypatch):
    monkeypatch.setattr(main_window_module, "PROGRESSIVE_PASSAGES", 5)
    article_id = window.library.articles.list()[0].id
    total = _annotate_every_word(window, article_id)
    window.open_article(article_id)
    assert window.sidebar.count_label.text() == f"Loading {total:,} passages…"
    first = len(window.reader.highlighter.annotations)
    assert 0 < first <= total
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == total, timeout=3000)
    assert len(window.reader.highlighter.annotations) == total
    assert window.sidebar.count_label.text() == f"{total} passages"


def test_opening_another_article_before_the_second_step_keeps_the_new_one(window, qtbot,
                                                                          monkeypatch):
    monkeypatch.setattr(main_window_module, "PROGRESSIVE_PASSAGES", 5)
    first_id, second_id = (a.id for a in window.library.articles.list()[:2])
    _annotate_every_word(window, first_id)
    window.open_article(first_id)
    window.open_article(second_id)  # before the event loop runs the first one's rest
    qtbot.wait(50)
    assert window.article_id == second_id
    assert all(a.article_id == second_id
               for a in window.reader.highlighter.annotations.values())
    assert window.sidebar.model.rowCount() == 0
