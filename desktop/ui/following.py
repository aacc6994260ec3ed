"""The window's views follow the library: each batch of change events, from this window's
edits or from another process, updates exactly the views it concerns.

Passage edits update the passage in place (the sidebar keeps its selection, the reader its
scroll position); a changed text reopens the article where the reader was; new articles
and new counts reach the library list with its selection kept; tag edits recolour and
rename what shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.core.changes import (
    ANNOTATION,
    ANNOTATOR,
    ARTICLE,
    SETTING,
    TAG,
    TAG_SET,
    ChangeBatch,
)
from desktop.core.errors import ClosereadError
from desktop.store.annotations import AnnotationFilter

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

# more changed passages than this in the open article: read them all again at once
RELOAD_PASSAGES = 500
# more articles with new counts than this: read the library list again
RELOAD_ARTICLES = 50


class ViewFollower:
    """Applies change batches to ``window``'s library list, reader, sidebar and tag bar."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.library = window.library

    def apply(self, batch: ChangeBatch) -> None:
        tags = batch.touches(TAG, TAG_SET, SETTING)
        if tags:
            self.window.refresh_tags()
        reopened = self._articles(batch) if batch.touches(ARTICLE) else False
        if batch.touches(ANNOTATION):
            self._annotations(batch, open_article_done=reopened)
        if batch.touches(TAG) and not reopened:
            # a rename shows on every passage that carries the tag, not only on those the
            # batch names
            self._retag_open_article()
        if batch.touches(ANNOTATOR, TAG):
            self.window.refresh_library_filters()
        elif batch.touches(ARTICLE, ANNOTATION):
            self.window.refilter_library()  # an edit may bring an article in or out

    # --- articles ------------------------------------------------------------------------

    def _articles(self, batch: ChangeBatch) -> bool:
        """The library list again; the open article reopened if its text changed (True)."""
        window = self.window
        window.library_pane.show_articles(self.library.articles.list())
        if window.article_id not in batch.ids(ARTICLE):
            return False
        try:
            article = self.library.articles.get(window.article_id)
        except ClosereadError:
            window.close_article()  # gone: removed by another program
            return True
        if article.text != window.reader.text:
            window.reopen_in_place()
            return True
        window.show_heading(article)
        return False

    # --- passages ------------------------------------------------------------------------

    def _annotations(self, batch: ChangeBatch, open_article_done: bool) -> None:
        window = self.window
        ids = batch.ids(ANNOTATION)
        articles = self.library.annotations.articles_of(ids)
        open_id = window.article_id
        # a passage the open article shows may have moved to another article (a merge)
        if any(window.shows_passage(annotation_id) for annotation_id in ids):
            articles.add(open_id)
        if open_id in articles and not open_article_done:
            if len(ids) > RELOAD_PASSAGES:
                window.reload_passages()
            else:
                live = self.library.annotations.live(ids)
                for annotation_id in ids:
                    annotation = live.get(annotation_id)
                    if annotation is not None and annotation.article_id == open_id:
                        window.reader.highlighter.put(annotation)
                        window.sidebar.put(annotation)
                    else:
                        window.reader.highlighter.drop(annotation_id)
                        window.sidebar.drop(annotation_id)
        if len(articles) > RELOAD_ARTICLES:
            window.library_pane.show_articles(self.library.articles.list())
            return
        for article_id in articles:
            window.library_pane.model.set_counts(
                article_id, *self.library.articles.annotation_counts(article_id))

    def _retag_open_article(self) -> None:
        """A tag renamed or moved under another: the passages that carry it show it anew."""
        window = self.window
        if not window.article_id:
            return
        for annotation in self.library.annotations.list(
                AnnotationFilter(article_id=window.article_id)):
            shown = window.sidebar.model.annotation(annotation.id)
            if shown is not None and shown.tag_paths != annotation.tag_paths:
                window.sidebar.put(annotation)
                window.reader.highlighter.put(annotation)
