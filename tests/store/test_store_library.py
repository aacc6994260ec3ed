"""The library file: schema, WAL, shipped tag sets, refusals, locking, transactions."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlite_utils

from desktop.core.errors import (
    DatabaseLockedError,
    DatabaseReadOnlyError,
    NotADatabaseError,
    SchemaTooNewError,
)
from desktop.core.model import Article
from desktop.core.selectors import select_quote
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.store.schema import MIGRATIONS, SCHEMA_VERSION

TEXT = "The minister said the plan was plain and simple. Critics disagreed."


def add_article(library: Library, text: str = TEXT, title: str = "Plan") -> Article:
    article, _ = library.articles.add(NewArticle(title=title, text=text, format="text"))
    return article


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, as another program (the sqlite3 shell) would open."""
    return sqlite3.connect(str(path))


def table_dump(path: Path) -> list[str]:
    """Every row of every table, read without writing (a read-only connection)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def read_only_file(db_path: Path) -> Iterator[Path]:
    with Library(db_path) as lib:
        article = add_article(lib)
        lib.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                               ["propaganda"], "alice")
    os.chmod(db_path, 0o444)
    try:
        yield db_path
    finally:
        os.chmod(db_path, 0o644)


# --- a new file ------------------------------------------------------------------------


def test_new_library_records_the_current_schema_version(db_path: Path) -> None:
    with Library(db_path) as lib:
        assert lib.created
        assert lib.schema_version == SCHEMA_VERSION
    conn = raw(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_new_library_uses_wal_journal_mode(db_path: Path) -> None:
    with Library(db_path) as lib:
        assert lib.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn = raw(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_new_library_has_the_tables_the_readme_names(library: Library) -> None:
    names = set(library.db.table_names())
    assert {"articles", "annotations", "annotation_tags", "tags", "tag_sets", "tag_set_tags",
            "annotators", "settings", "articles_fts", "annotations_fts"} <= names


def test_new_library_has_the_default_tag_set_active_with_keys_1_to_3(library: Library) -> None:
    assert library.tags.active_set == "default"
    tags = library.tags.list()
    assert [(t.name, t.shortcut) for t in tags] == [
        ("propaganda", "1"), ("evidence", "2"), ("opinion", "3")]
    assert all(t.parent_id is None for t in tags)
    assert all(t.usage == 0 for t in tags)
    active = [s["name"] for s in library.tags.tag_sets() if s["active"]]
    assert active == ["default"]


def test_reopening_a_library_keeps_its_data(db_path: Path) -> None:
    with Library(db_path) as lib:
        article = add_article(lib)
        lib.tags.add("framing", color="#44AA99")
        lib.tags.use_set("ptc")
        note = lib.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["framing", "Doubt"], "alice", note="a slogan")
    with Library(db_path) as lib:
        assert not lib.created
        assert lib.schema_version == SCHEMA_VERSION
        assert lib.articles.get(article.id).text == TEXT
        assert lib.tags.active_set == "ptc"
        assert lib.tags.get("framing").color == "#44AA99"
        again = lib.annotations.get(note.id)
        assert again == note
        assert [t.name for t in lib.tags.list("default")] == ["propaganda", "evidence",
                                                               "opinion", "framing"]


def test_reopening_does_not_install_the_tag_sets_twice(db_path: Path) -> None:
    with Library(db_path) as lib:
        before = lib.db.execute("SELECT count(*) FROM tags").fetchone()[0]
        before_links = lib.db.execute("SELECT count(*) FROM tag_set_tags").fetchone()[0]
    with Library(db_path) as lib:
        assert lib.db.execute("SELECT count(*) FROM tags").fetchone()[0] == before
        assert lib.db.execute("SELECT count(*) FROM tag_set_tags").fetchone()[0] == before_links


# --- files that are refused ------------------------------------------------------------


def test_library_from_a_newer_closeread_is_refused_and_not_changed(db_path: Path) -> None:
    with Library(db_path) as lib:
        add_article(lib)
    conn = raw(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()

    with pytest.raises(SchemaTooNewError) as info:
        Library(db_path)

    assert str(db_path) in str(info.value)
    assert str(SCHEMA_VERSION + 1) in str(info.value)
    assert db_path.read_bytes() == before
    conn = raw(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


def test_newer_database_in_rollback_journal_mode_is_refused_and_not_changed(
        db_path: Path) -> None:
    conn = raw(db_path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute("INSERT INTO future VALUES (1)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()

    with pytest.raises(SchemaTooNewError) as info:
        Library(db_path)

    assert str(db_path) in str(info.value)
    import gc
    gc.collect()  # let a leaked connection close, in case closing would write
    assert db_path.read_bytes() == before
    conn = raw(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_file_that_is_not_sqlite_is_refused_naming_the_file(db_path: Path) -> None:
    db_path.write_text("These are notes, not a database.\n" * 50, encoding="utf-8")
    before = db_path.read_bytes()

    with pytest.raises(NotADatabaseError) as info:
        Library(db_path)

    assert str(db_path) in str(info.value)
    assert db_path.read_bytes() == before


def test_read_only_file_can_be_read(read_only_file: Path) -> None:
    with Library(read_only_file) as lib:
        assert lib.read_only
        articles = lib.articles.list()
        assert [(a.title, a.annotation_count) for a in articles] == [("Plan", 1)]
        assert lib.articles.get(articles[0].id).text == TEXT
        assert [a.exact for a in lib.annotations.list()] == ["plain and simple"]
        assert [t.name for t in lib.tags.list()] == ["propaganda", "evidence", "opinion"]
        assert [h.article_title for h in lib.search.articles("plain and simple")] == ["Plan"]


WRITES: dict[str, Callable[[Library], object]] = {
    "add a tag": lambda lib: lib.tags.add("framing"),
    "rename a tag": lambda lib: lib.tags.rename("opinion", "view"),
    "recolor a tag": lambda lib: lib.tags.recolor("opinion", "teal"),
    "move a tag": lambda lib: lib.tags.move("opinion", 1),
    "remove a tag": lambda lib: lib.tags.remove("evidence"),
    "switch tag set": lambda lib: lib.tags.use_set("ptc"),
    "annotate": lambda lib: lib.annotations.create(
        lib.articles.list()[0].id, select_quote(TEXT, "Critics disagreed"), ["evidence"],
        "bob"),
    "delete an annotation": lambda lib: lib.annotations.delete(lib.annotations.list()[0].id),
    "add an article": lambda lib: lib.articles.add(
        NewArticle(title="New", text="Another text entirely.", format="text")),
}


@pytest.mark.parametrize("action", list(WRITES), ids=list(WRITES))
def test_read_only_file_refuses_every_write_and_nothing_changes(
        read_only_file: Path, action: str) -> None:
    before_bytes = read_only_file.read_bytes()
    before_rows = table_dump(read_only_file)
    with Library(read_only_file) as lib:
        with pytest.raises(DatabaseReadOnlyError) as info:
            WRITES[action](lib)
        assert str(read_only_file) in str(info.value)
        # the library still reads after the refusal
        assert len(lib.articles.list()) == 1
    assert read_only_file.read_bytes() == before_bytes
    assert table_dump(read_only_file) == before_rows


def test_read_only_file_that_needs_an_upgrade_is_refused(db_path: Path) -> None:
    # a library of schema 1, as that version left it
    db = sqlite_utils.Database(raw(db_path))
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    db.conn.commit()
    db.conn.close()
    os.chmod(db_path, 0o444)
    try:
        before = db_path.read_bytes()
        with pytest.raises(DatabaseReadOnlyError) as info:
            Library(db_path)
        assert str(db_path) in str(info.value)
        assert db_path.read_bytes() == before
    finally:
        os.chmod(db_path, 0o644)


# --- another process holds the lock ----------------------------------------------------

LOCKER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    print("locked", flush=True)
    sys.stdin.read()  # sleeps holding the lock until the test closes our stdin
    conn.execute("ROLLBACK")
    conn.close()
    """
)


@pytest.fixture
def locker(db_path: Path) -> Iterator[subprocess.Popen[str]]:
    Library(db_path).close()
    proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(db_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "locked"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


LOCKED_WRITES: dict[str, Callable[[Library], object]] = {
    "add a tag": lambda lib: lib.tags.add("framing"),
    "add an article": lambda lib: lib.articles.add(
        NewArticle(title="Plan", text=TEXT, format="text")),
    "switch tag set": lambda lib: lib.tags.use_set("ptc"),
}


@pytest.mark.parametrize("action", list(LOCKED_WRITES), ids=list(LOCKED_WRITES))
def test_write_to_a_library_locked_by_another_process_is_refused_then_works(
        db_path: Path, locker: subprocess.Popen[str], action: str) -> None:
    lib = Library(db_path, busy_timeout=0.2)
    try:
        began = time.monotonic()
        with pytest.raises(DatabaseLockedError) as info:
            LOCKED_WRITES[action](lib)
        assert time.monotonic() - began < 5  # waited about the busy timeout, not forever
        assert str(db_path) in str(info.value)
        assert "locked" in str(info.value)
        # reading still works while the other process writes (WAL)
        assert [t.name for t in lib.tags.list()] == ["propaganda", "evidence", "opinion"]
        assert lib.articles.count() == 0

        assert locker.stdin is not None
        locker.stdin.close()
        assert locker.wait(timeout=10) == 0

        LOCKED_WRITES[action](lib)
    finally:
        lib.close()
    with Library(db_path) as again:
        if action == "add a tag":
            assert "framing" in [t.name for t in again.tags.list()]
        elif action == "add an article":
            assert again.articles.count() == 1
        else:
            assert again.tags.active_set == "ptc"


# --- transactions ----------------------------------------------------------------------


def test_transaction_stores_nothing_when_an_exception_happens_inside(db_path: Path) -> None:
    with Library(db_path) as lib:
        with pytest.raises(RuntimeError, match="boom"), lib.transaction():
            lib.articles.add_in_transaction(
                NewArticle(title="Plan", text=TEXT, format="text"))
            lib.tags.add("framing")
            lib.tags.use_set("ptc")
            raise RuntimeError("boom")
        assert lib.articles.count() == 0
        assert lib.tags.active_set == "default"
        assert "framing" not in [t.name for t in lib.tags.all()]
    with Library(db_path) as lib:
        assert lib.articles.count() == 0
        assert "framing" not in [t.name for t in lib.tags.all()]


def test_transaction_commits_everything_inside_together(db_path: Path) -> None:
    with Library(db_path) as lib, lib.transaction():
        lib.articles.add_in_transaction(NewArticle(title="Plan", text=TEXT, format="text"))
        lib.tags.add("framing")
    conn = raw(db_path)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM tags WHERE name = 'framing'").fetchone()[0] == 1
    conn.close()


def test_each_action_is_committed_before_it_returns(library: Library, db_path: Path) -> None:
    article = add_article(library)
    library.tags.add("framing")
    note = library.annotations.create(article.id, select_quote(TEXT, "plain and simple"),
                                      ["framing"], "alice")
    assert not library.db.conn.in_transaction
    other = raw(db_path)  # a second program reading the same file
    try:
        assert other.execute("SELECT title FROM articles").fetchall() == [("Plan",)]
        assert other.execute("SELECT count(*) FROM tags WHERE name = 'framing'"
                             ).fetchone()[0] == 1
        assert other.execute("SELECT exact FROM annotations WHERE id = ?",
                             [note.id]).fetchall() == [("plain and simple",)]
    finally:
        other.close()
    library.annotations.delete(note.id)
    other = raw(db_path)
    try:
        assert other.execute("SELECT deleted IS NOT NULL FROM annotations WHERE id = ?",
                             [note.id]).fetchone()[0] == 1
    finally:
        other.close()


def test_settings_are_stored(library: Library, db_path: Path) -> None:
    assert library.setting("missing", "fallback") == "fallback"
    library.set_setting("theme", "dark")
    assert library.setting("theme") == "dark"
    library.close()
    with Library(db_path) as again:
        assert again.setting("theme") == "dark"


def test_a_library_of_schema_2_is_upgraded_in_place_and_keeps_its_data(db_path: Path) -> None:
    with Library(db_path) as lib:
        article = add_article(lib)
        note = lib.annotations.create(article.id, select_quote(article.text, "plain and simple"),
                                      ["propaganda"], "alice")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP INDEX annotations_article_state")
    conn.execute("DROP INDEX articles_listing")
    for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name LIKE 'journal%'").fetchall():
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DROP TABLE changes")
    conn.execute("DROP TABLE journal_state")
    for table in ("review_decisions", "review_reviewers", "review_annotators",
                  "review_articles", "reviews", "replies", "annotation_access",
                  "team_group_members", "team_groups", "api_tokens", "users"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Library(db_path) as lib:
        assert lib.schema_version == SCHEMA_VERSION
        assert lib.annotations.get(note.id) == note
        assert lib.articles.get(article.id).annotation_count == 1
        plan = " ".join(str(row[-1]) for row in lib.db.execute(
            "EXPLAIN QUERY PLAN SELECT count(*) FROM annotations n WHERE n.article_id = ? "
            "AND n.deleted IS NULL AND n.anchor_state = 'orphan'", [article.id]))
        listing = " ".join(str(row[-1]) for row in lib.db.execute(
            "EXPLAIN QUERY PLAN SELECT id, title, outlet, author, published, url, "
            "text_sha256, updated_at FROM articles ORDER BY imported_at"))
    # the passage counts of an article and the library list come from indexes, never
    # from the rows (which hold the texts)
    assert "COVERING INDEX annotations_article_state" in plan
    assert "COVERING INDEX articles_listing" in listing
