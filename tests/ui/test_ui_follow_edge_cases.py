"""The window follows changes made elsewhere in the cases that are easy to get wrong: a
passage moved to another article, a tag renamed in the same batch as other edits, a long
article reopened, a text edit undone after someone else changed the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_ui_outside_changes import long_article
from test_ui_undo import sidebar_ids, tag

from desktop.core.selectors import select_quote
from desktop.store.annotations import NewAnnotation
from desktop.store.library import Library


def test_a_passage_moved_to_another_article_leaves_the_open_one(article_window, qtbot, ui,
                                                                db_path, emoji_article):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly")
    other = next(a.id for a in window.library.articles.list() if a.id != emoji_article)
    with Library(db_path) as library, library.transaction():
        # what a merge does when a bundle files a passage under another article
        library.db.execute("UPDATE annotations SET article_id = ? WHERE id = ?", [other, made])
    window.watcher.poll()
    assert made not in sidebar_ids(window)
    assert made not in window.reader.highlighter.annotations
    model = window.library_pane.model
    assert model.article(model.row_of(emoji_article)).annotation_count == 0
    assert model.article(model.row_of(other)).annotation_count == 1


def test_a_tag_renamed_in_the_same_batch_as_other_edits_shows_everywhere(
        article_window, qtbot, ui, db_path, emoji_article):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly", key=Qt.Key.Key_3)
    other = next(a for a in window.library.articles.list() if a.id != emoji_article)
    with Library(db_path) as library:
        library.tags.rename("opinion", "view")
        text = library.articles.text(other.id)
        library.annotations.create(other.id, select_quote(text, text.split()[3]),
                                   ["evidence"], "colleague")
    window.watcher.poll()  # both in one batch
    assert window.sidebar.model.annotation(made).tags == ("view",)
    assert window.reader.highlighter.annotations[made].tags == ("view",)


def test_a_long_article_reopened_keeps_its_current_passage(window, qtbot, ui, tmp_path,
                                                           db_path):
    article_id = long_article(tmp_path, db_path, paragraphs=400)
    with Library(db_path) as library:
        text = library.articles.text(article_id)
        # more passages than open at once: the article opens in two steps
        items = [NewAnnotation(article_id, select_quote(text, f"meeting {n} were"), ["evidence"])
                 for n in range(1, 400)] * 4
        library.annotations.create_many(items[:1200], "bulk")
    window.watcher.poll()
    assert window.open_article(article_id)
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == 1200, timeout=5000)
    current = sidebar_ids(window)[700]
    window.sidebar.select(current)
    with Library(db_path) as library:
        from desktop.store.revisions import edited_text, replace_text

        article = library.articles.get(article_id)
        replace_text(library, article_id, edited_text(article, "Editor's note.\n\n" + text))
    window.watcher.poll()
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == 1200, timeout=5000)
    qtbot.wait(20)
    assert window.sidebar.current_id() == current


def test_undoing_a_text_edit_after_someone_changed_the_text_is_refused(
        article_window, qtbot, ui, db_path, dialogs):
    window = article_window
    original = window.reader.text
    window.annotating.edit_text(original + "\nA line added here.\n")
    assert "A line added here." in window.reader.text
    with Library(db_path) as library:
        from desktop.store.revisions import edited_text, replace_text

        article = library.articles.get(window.article_id)
        replace_text(library, article.id, edited_text(article, article.text + "\nTheirs.\n"))
    window.watcher.poll()
    window.undo_stack.undo()
    assert any("changed since" in str(args) for kind, args in dialogs if kind == "warning")
    assert "Theirs." in ui.text(window)  # their change is kept
    assert window.undo_stack.count() == 0  # the refused step left the stack


def test_undoing_a_text_edit_re_anchors_a_passage_made_since(article_window, qtbot, ui,
                                                             db_path):
    window = article_window
    original = window.reader.text
    window.annotating.edit_text("A first line.\n\n" + original)
    with Library(db_path) as library:
        text = library.articles.text(window.article_id)
        made = library.annotations.create(window.article_id,
                                          select_quote(text, "silt rising every year"),
                                          ["evidence"], "colleague")
    window.watcher.poll()
    window.undo_stack.undo()
    assert ui.text(window) == original
    (moved,) = [a for a in ui.stored() if a.id == made.id]
    assert moved.anchor_state == "anchored"
    assert original[moved.start:moved.end] == "silt rising every year"


def test_undo_of_a_retag_skips_a_tag_removed_elsewhere(article_window, qtbot, ui, db_path,
                                                       dialogs):
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly", key=Qt.Key.Key_3)  # opinion
    window.sidebar.select(made)
    window.annotating.set_tags_of_current(["evidence"])
    with Library(db_path) as library:
        library.tags.remove("opinion", force=True)
    window.watcher.poll()
    window.undo_stack.undo()  # back to {opinion}, which is gone: no tags, no error
    assert [a.tags for a in ui.stored() if a.id == made] == [()]
    assert not [args for kind, args in dialogs if kind == "warning"]


def test_a_closed_tag_editor_stops_following_the_library(article_window, qtbot, monkeypatch):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from desktop.ui.dialogs import edit_tag_sets
    from desktop.ui.tagset_editor import TagSetEditor

    refreshed: list[int] = []
    monkeypatch.setattr(TagSetEditor, "exec", lambda self: 0)
    real = TagSetEditor.refresh
    monkeypatch.setattr(TagSetEditor, "refresh",
                        lambda self, select=None: (refreshed.append(1), real(self, select)))
    for _ in range(3):
        edit_tag_sets(article_window)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    refreshed.clear()
    article_window.library.tags.add("fresh tag")
    assert refreshed == []
    assert article_window.findChildren(TagSetEditor) == []


