"""The reader over time: articles it stops showing are freed; its index follows every edit."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication


def test_the_reader_frees_each_article_it_stops_showing(article_window, emoji_article):
    window = article_window
    others = [a.id for a in window.library.articles.list() if a.id != emoji_article]
    for article_id in [*others, emoji_article, *others]:
        assert window.open_article(article_id)
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    documents = window.reader.findChildren(QTextDocument)
    assert documents == [window.reader.document()]
    assert window.reader.document().toPlainText().startswith(
        window.library.articles.get(others[-1]).title)


def test_the_highlighters_index_follows_every_put_and_drop(article_window):
    import random

    from desktop.core.model import Annotation

    highlighter = article_window.reader.highlighter
    size = len(article_window.reader.text)
    rng = random.Random(3)
    for step in range(400):
        number = rng.randrange(60)
        if rng.random() < 0.25:
            highlighter.drop(f"p{number}")
        else:
            start = rng.randrange(0, size - 10)
            highlighter.put(Annotation(f"p{number}", "a", "tester", start,
                                       start + rng.randrange(1, 10), "x", "", "",
                                       tags=("evidence",)))
        if step % 40 == 0:
            for offset in range(0, size, 7):
                expected = sorted((a for a in highlighter.annotations.values()
                                   if a.start <= offset < a.end),
                                  key=lambda a: (a.end - a.start, a.start))
                assert highlighter.at(offset) == expected
