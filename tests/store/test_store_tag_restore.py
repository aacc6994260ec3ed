"""A removed tag comes back as it was (the undo of a removal): same id, children, place in
every set, passages; or a clear refusal when the library changed so that it cannot."""

from __future__ import annotations

import logging

import pytest
from test_store_library import add_article

from desktop.core.errors import DatabaseError, TagExistsError, UnknownTagError
from desktop.core.selectors import select_quote
from desktop.store.library import Library


def keys(library: Library, tag_set: str | None = None) -> list[str]:
    return [t.path for t in library.tags.list(tag_set, usage=False)]


def test_a_removed_tag_comes_back_with_its_children_places_and_passages(
        library: Library) -> None:
    article = add_article(library)
    library.tags.add("loaded", parent="propaganda")
    library.tags.use_set("ptc")
    library.tags.use_set("default")
    before_default, before_ptc = keys(library), keys(library, "ptc")
    made = library.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["propaganda", "loaded", "opinion"], "ann")
    removal = library.tags.remove_undoably("propaganda")
    assert "propaganda" not in keys(library) and "propaganda" not in " ".join(
        keys(library, "ptc"))
    assert library.annotations.get(made.id).tags == ("opinion",)
    # meanwhile the set's order changed: the tag still goes back to its place
    library.tags.move("opinion", 1)
    restored = library.tags.restore(removal)
    assert restored.id == removal.tag_id
    assert set(library.annotations.get(made.id).tag_paths) == {
        "propaganda", "propaganda/loaded", "opinion"}
    assert keys(library, "ptc") == before_ptc
    assert sorted(keys(library)) == sorted(before_default)
    assert keys(library).index("propaganda") == before_default.index("propaganda")


def test_restoring_skips_passages_deleted_since(library: Library) -> None:
    article = add_article(library)
    made = library.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["opinion"], "ann")
    removal = library.tags.remove_undoably("opinion")
    library.annotations.delete(made.id)
    library.tags.restore(removal)
    library.annotations.restore(made.id)
    assert library.annotations.get(made.id).tags == ("opinion",)  # the link came back too


def test_a_tag_cannot_come_back_under_a_name_taken_since(library: Library) -> None:
    removal = library.tags.remove_undoably("opinion")
    library.tags.add("Opinion")
    with pytest.raises(TagExistsError, match="another tag has its name now"):
        library.tags.restore(removal)


def test_a_child_tag_cannot_come_back_without_its_parent(library: Library) -> None:
    library.tags.add("loaded", parent="propaganda")
    removal = library.tags.remove_undoably("propaganda/loaded")
    library.tags.remove("propaganda", force=True)
    before = library.journal.last_seq()
    with pytest.raises(UnknownTagError, match="parent tag was removed"):
        library.tags.restore(removal)
    assert library.journal.last_seq() == before  # nothing changed


def test_a_failure_to_read_the_journal_after_a_commit_is_logged_not_raised(
        library: Library, monkeypatch: pytest.MonkeyPatch,
        event_errors: list[logging.LogRecord]) -> None:
    library.events.subscribe(lambda batch: None)

    def broken() -> None:
        raise DatabaseError("the journal could not be read")

    monkeypatch.setattr(library.journal, "catch_up", broken)
    article = add_article(library)  # committed: no error reaches the caller
    assert library.articles.get(article.id).title == "Plan"
    assert "could not be read after a commit" in event_errors[0].getMessage()
    event_errors.clear()


def test_without_subscribers_a_commit_reads_no_journal_rows(library: Library) -> None:
    statements: list[str] = []
    library.db.conn.set_trace_callback(statements.append)
    add_article(library)
    library.db.conn.set_trace_callback(None)
    assert not any("FROM changes WHERE seq >" in s for s in statements)
    assert library.journal.seen == library.journal.last_seq()
