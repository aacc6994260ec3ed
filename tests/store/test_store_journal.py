"""The change journal and the change events: every write says what it changed, once, in
the same transaction, and the library announces it after the commit."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from test_store_library import TEXT, add_article

from desktop.core.changes import (
    ADDED,
    ANNOTATION,
    ANNOTATOR,
    ARTICLE,
    REMOVED,
    SETTING,
    TAG,
    TAG_SET,
    UPDATED,
    ChangeBatch,
)
from desktop.core.errors import TagExistsError
from desktop.core.selectors import select_quote
from desktop.store.annotations import NewAnnotation
from desktop.store.library import Library


@pytest.fixture
def heard(library: Library) -> list[ChangeBatch]:
    batches: list[ChangeBatch] = []
    library.events.subscribe(batches.append)
    return batches


def rows(library: Library, since: int) -> list[tuple[str, str]]:
    return [(c.entity, c.op) for c in library.journal.after(since)]


def test_a_new_passage_is_announced_with_its_new_annotator(
        library: Library, heard: list[ChangeBatch]) -> None:
    article = add_article(library)
    assert heard[-1].ids(ARTICLE, ADDED) == {article.id}
    mark = library.journal.last_seq()
    made = library.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["propaganda", "opinion"], "alice")
    assert rows(library, mark) == [(ANNOTATOR, ADDED), (ANNOTATION, ADDED)]
    assert heard[-1].ids(ANNOTATION, ADDED) == {made.id}
    assert heard[-1].last_seq == library.journal.last_seq()


def test_each_edit_of_a_passage_is_one_row_however_many_table_rows_it_touches(
        library: Library, heard: list[ChangeBatch]) -> None:
    article = add_article(library)
    made = library.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["propaganda"], "alice")
    for edit in (lambda: library.annotations.set_tags(made.id, ["opinion", "evidence"]),
                 lambda: library.annotations.set_note(made.id, "a slogan"),
                 lambda: library.annotations.add_tag([made.id], "propaganda")):
        mark = library.journal.last_seq()
        edit()
        assert rows(library, mark) == [(ANNOTATION, UPDATED)]
        assert heard[-1].ids(ANNOTATION, UPDATED) == {made.id}
    mark = library.journal.last_seq()
    library.annotations.delete(made.id)
    library.annotations.restore(made.id)
    assert rows(library, mark) == [(ANNOTATION, REMOVED), (ANNOTATION, ADDED)]


def test_a_bulk_insert_is_one_row_an_annotation(library: Library) -> None:
    article = add_article(library)
    selection = select_quote(article.text, "plain and simple")
    mark = library.journal.last_seq()
    # 600 passes the bulk search-indexing path; two tags each
    made = library.annotations.create_many(
        [NewAnnotation(article.id, selection, ["propaganda", "opinion"])] * 600, "bulk")
    changes = [c for c in library.journal.after(mark) if c.entity == ANNOTATION]
    assert len(changes) == 600
    assert {c.id for c in changes} == {a.id for a in made}
    assert {c.op for c in changes} == {ADDED}


def test_tag_and_tag_set_edits_are_journalled(library: Library,
                                              heard: list[ChangeBatch]) -> None:
    mark = library.journal.last_seq()
    tag = library.tags.add("loaded language")
    assert heard[-1].ids(TAG, ADDED) == {tag.id}
    assert heard[-1].touches(TAG_SET)
    library.tags.rename("loaded language", "loaded words")
    assert heard[-1].ids(TAG, UPDATED) == {tag.id}
    library.tags.move("loaded words", 1)
    assert heard[-1].touches(TAG_SET) and not heard[-1].touches(TAG)
    library.tags.use_set("ptc")
    assert heard[-1].touches(SETTING)
    library.tags.use_set("default")
    library.tags.remove("loaded words")
    assert heard[-1].ids(TAG, REMOVED) == {tag.id}
    assert all(c.origin == library.origin for c in library.journal.after(mark))


def test_a_refused_write_leaves_no_row_and_announces_nothing(
        library: Library, heard: list[ChangeBatch]) -> None:
    library.tags.add("loaded language")
    before, count = library.journal.last_seq(), len(heard)
    with pytest.raises(TagExistsError):
        library.tags.add("Loaded Language")
    with pytest.raises(RuntimeError), library.transaction():
        add_article(library)
        raise RuntimeError("the action fails half-way")
    assert library.journal.last_seq() == before
    assert len(heard) == count


def test_sequence_numbers_are_never_reused(db_path: Path) -> None:
    with Library(db_path) as library:
        add_article(library)
        last = library.journal.last_seq()
        library.db.conn.execute("DELETE FROM changes")  # a pruned journal
        library.db.conn.commit()
        add_article(library, text=TEXT + " Again.")
        assert library.journal.after(0)[0].seq > last


def test_a_write_by_another_program_is_journalled_without_an_origin(
        db_path: Path, library: Library, heard: list[ChangeBatch]) -> None:
    article = add_article(library)
    other = sqlite3.connect(db_path)
    other.execute("UPDATE articles SET title = 'Retitled' WHERE id = ?", [article.id])
    other.execute("UPDATE articles SET outlet = 'Elsewhere' WHERE id = ?", [article.id])
    other.commit()
    other.close()
    batch = library.journal.poll()
    assert [(c.entity, c.op, c.origin) for c in batch] == [(ARTICLE, UPDATED, None)] * 2
    assert heard[-1] is batch


def test_poll_costs_nothing_when_nothing_changed(library: Library) -> None:
    add_article(library)
    statements: list[str] = []
    library.db.conn.set_trace_callback(statements.append)
    for _ in range(5):
        assert not library.journal.poll()
    library.db.conn.set_trace_callback(None)
    assert statements == ["PRAGMA data_version"] * 5


def test_a_failing_subscriber_does_not_keep_the_others_from_hearing(
        library: Library, caplog: pytest.LogCaptureFixture,
        event_errors: list[logging.LogRecord]) -> None:
    heard: list[ChangeBatch] = []

    def broken(batch: ChangeBatch) -> None:
        raise ValueError("a view's bug")

    library.events.subscribe(broken)
    library.events.subscribe(heard.append)
    with caplog.at_level(logging.ERROR, logger="closeread.events"):
        article = add_article(library)
    assert heard[-1].ids(ARTICLE) == {article.id}
    assert "a view's bug" in caplog.text
    assert len(event_errors) == 1
    event_errors.clear()  # expected here
    assert library.articles.get(article.id).title == "Plan"  # committed all the same


def test_unsubscribing_stops_the_events(library: Library) -> None:
    heard: list[ChangeBatch] = []
    stop = library.events.subscribe(heard.append)
    add_article(library)
    stop()
    add_article(library, text=TEXT + " More.")
    assert len(heard) == 1


def test_a_deletion_arriving_as_a_row_is_journalled_as_removed(library: Library) -> None:
    """A merge writes a bundle's deleted passages as rows already deleted, and may touch
    them again: a reader of the journal must never take them for new passages."""
    article = add_article(library)
    made = library.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["propaganda"], "alice")
    mark = library.journal.last_seq()
    with library.transaction():
        library.db.execute(
            'INSERT INTO annotations (id, article_id, annotator_id, start, "end", exact, '
            "prefix, suffix, note, anchor_state, created, updated, deleted) "
            "SELECT 'tombstone', article_id, annotator_id, start, \"end\", exact, prefix, "
            "suffix, '', anchor_state, created, updated, updated FROM annotations WHERE id = ?",
            [made.id])
    assert [(c.id, c.op) for c in library.journal.after(mark)] == [("tombstone", REMOVED)]
    mark = library.journal.last_seq()
    with library.transaction():
        library.db.execute("UPDATE annotations SET note = 'x' WHERE id = 'tombstone'")
    assert [(c.id, c.op) for c in library.journal.after(mark)] == [("tombstone", REMOVED)]
    batch = ChangeBatch(library.journal.after(0))
    assert batch.ids(ANNOTATION, REMOVED) == {"tombstone"}


def test_a_passage_moved_to_another_article_changes_both_articles(library: Library) -> None:
    first = add_article(library)
    second = add_article(library, text=TEXT + " Another text.", title="Other")
    made = library.annotations.create(first.id, select_quote(first.text, "plain and simple"),
                                      ["propaganda"], "alice")
    mark = library.journal.last_seq()
    with library.transaction():
        library.db.execute("UPDATE annotations SET article_id = ? WHERE id = ?",
                           [second.id, made.id])
    batch = ChangeBatch(library.journal.after(mark))
    assert batch.ids(ARTICLE, UPDATED) == {first.id}
    assert batch.ids(ANNOTATION, UPDATED) == {made.id}
