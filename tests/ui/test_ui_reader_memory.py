"""Opening article after article does not keep the ones closed in memory."""

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
