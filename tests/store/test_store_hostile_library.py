"""Library files that are not what they seem: another program's SQLite database given as
the library (refused, never turned into a library with twenty new tables), and a
library in a read-only folder (read, not written: WAL mode needs the folder for its
-wal and -shm files).

The read-only folder is a real process's: the test may run as root, who writes any
folder, so a root test drops the capabilities that let root ignore permissions
(``setpriv``) for that process."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from support import Cli, write

from desktop.core.errors import DatabaseFolderReadOnlyError, ForeignDatabaseError
from desktop.core.selectors import select_quote
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES_ADDED, tables_at

BODY = ("Harbour plan splits the town council\n\nThe council voted seven to four on "
        "Tuesday to widen the old harbour, after a debate that ran past midnight.\n")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# --- another program's database ------------------------------------------------------------


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """A browser-history-like SQLite file: tables, an index, user_version 0."""
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT);
        CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, fk INTEGER);
        CREATE INDEX moz_places_url ON moz_places (url);
        INSERT INTO moz_places (url, title) VALUES ('https://example.org', 'Example');
    """)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("args", [["articles"], ["import", "IMPORT"], ["samples"],
                                  ["tags", "add", "x"], ["changes"]])
def test_another_programs_database_is_refused_and_not_changed(foreign, tmp_path, args):
    article = write(tmp_path / "in" / "a.txt", BODY)
    before = _digest(foreign)
    files = _beside(foreign)
    result = Cli(foreign)(*[str(article) if a == "IMPORT" else a for a in args], ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {foreign}: not a Closeread library: an SQLite database of another program "
        "(it has moz_bookmarks, moz_places, moz_places_url, and no Closeread schema). Give the "
        "path of a library, or a new file name to start one; the file was not changed.\n")
    assert _digest(foreign) == before
    assert _beside(foreign) == files  # no -wal or -shm left beside it either


def test_the_library_class_refuses_it_too(foreign):
    with pytest.raises(ForeignDatabaseError):
        Library(foreign)
    conn = sqlite3.connect(foreign)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master ORDER BY name")] \
            == ["moz_bookmarks", "moz_places", "moz_places_url"]
    finally:
        conn.close()


def _program_file(path: Path, pragmas: str, tables: str = "") -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(pragmas + tables)
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize(("pragmas", "tables", "why"), [
    # programs that set user_version for their own schema (as many do)
    ("PRAGMA user_version = 5;", "CREATE TABLE notes (x);",
     "its user_version says schema 5, but it has notes and lacks annotation_history, "
     "annotation_tags, annotations and 11 more"),
    ("PRAGMA user_version = 1;", "CREATE TABLE articles (id); CREATE TABLE notes (x);",
     "its user_version says schema 1, but it has articles, notes and lacks annotation_tags, "
     "annotations, annotations_fts and 6 more"),
    (f"PRAGMA user_version = {SCHEMA_VERSION};", "CREATE TABLE notes (x);",
     f"its user_version says schema {SCHEMA_VERSION}, but it has notes and lacks "
     "annotation_access, annotation_history, annotation_tags and 25 more"),
    # a program that declares itself, even before it made a table
    ("PRAGMA application_id = 1234;", "", "it declares another program (application_id 1234)"),
    ("PRAGMA application_id = 1234; PRAGMA user_version = 3;", "CREATE TABLE t (x);",
     "it declares another program (application_id 1234)"),
])
@pytest.mark.parametrize("args", [["articles"], ["samples"]])
def test_a_database_that_sets_user_version_or_application_id_is_refused(
        tmp_path, pragmas, tables, why, args):
    # before, user_version 5 got 14 tables of ours and 'no such table: changes'
    path = _program_file(tmp_path / "app.sqlite", pragmas, tables)
    before = _digest(path)
    files = _beside(path)
    result = Cli(path)(*args, ok=False)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}: not a Closeread library: an SQLite database of another program "
        f"({why}). Give the path of a library, or a new file name to start one; the file was "
        "not changed.\n")
    assert _digest(path) == before
    assert _beside(path) == files


def test_the_tables_each_version_adds_are_the_migrations_own(tmp_path):
    # TABLES_ADDED is what the refusal above checks: it must say what the migrations make
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    made: set[str] = set()
    for version, migration in enumerate(MIGRATIONS, start=1):
        migration(db)
        now = {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        main = {name for name in now - made
                if not name.endswith(("_fts_config", "_fts_data", "_fts_docsize", "_fts_idx"))}
        assert main == set(TABLES_ADDED.get(version, ())), version
        assert tables_at(version) <= now
        made = now


def test_a_library_of_every_older_schema_still_opens(tmp_path):
    # each older version, made as that version left its file: its tables, its number
    for version in range(1, SCHEMA_VERSION):
        path = tmp_path / f"v{version}.db"
        db = sqlite_utils.Database(sqlite3.connect(path))
        for migration in MIGRATIONS[:version]:
            migration(db)
        db.execute(f"PRAGMA user_version = {version}")
        db.conn.commit()
        db.conn.close()
        with Library(path) as library:
            assert library.schema_version == SCHEMA_VERSION


@pytest.mark.parametrize("make", ["zero bytes", "no tables"])
def test_an_empty_sqlite_file_becomes_a_library(tmp_path, make):
    path = tmp_path / "empty.db"
    if make == "zero bytes":
        path.write_bytes(b"")
    else:
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA page_size = 8192")
        conn.execute("VACUUM")
        conn.close()
    run = Cli(path)
    run("import", str(write(tmp_path / "in" / "a.txt", BODY)))
    assert "Harbour plan" in run("articles").stdout


# --- a library in a read-only folder -------------------------------------------------------


def _unprivileged() -> list[str]:
    """The command prefix that makes a process subject to file permissions."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", f"--bounding-set={caps}", f"--inh-caps={caps}"]


def _closeread(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    return subprocess.run([*_unprivileged(), sys.executable, "-m", "desktop", "--db", str(db),
                           *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def locked_folder(tmp_path: Path) -> Iterator[Path]:
    """A library with an article and a passage, in a folder made read-only; the file."""
    folder = tmp_path / "shared"
    folder.mkdir()
    db = folder / "library.db"
    with Library(db) as lib:
        article, _ = lib.articles.add(NewArticle(title="Harbour plan splits the town council",
                                                 text=BODY, format="text"))
        lib.annotations.create(article.id, select_quote(BODY, "old harbour"), ["evidence"],
                               "tester")
    assert _beside(db) == ["library.db"]  # closed cleanly: no -wal, no -shm
    folder.chmod(0o555)
    try:
        yield db
    finally:
        folder.chmod(0o755)


def test_reading_commands_work_in_a_read_only_folder(locked_folder):
    before = _digest(locked_folder)
    listed = _closeread(locked_folder, "articles")
    assert listed.returncode == 0, listed.stderr
    assert "Harbour plan splits the town council" in listed.stdout
    article = listed.stdout.splitlines()[1].split()[0]
    shown = _closeread(locked_folder, "show", article, "--no-color")
    assert shown.returncode == 0 and "[1|old harbour|1]" in shown.stdout, shown.stderr
    exported = _closeread(locked_folder, "export", "--format", "csv")
    assert exported.returncode == 0 and "old harbour" in exported.stdout
    assert _closeread(locked_folder, "search", "harbour").returncode == 0
    assert _digest(locked_folder) == before
    assert _beside(locked_folder) == ["library.db"]


@pytest.mark.parametrize("args", [["tags", "add", "framing"], ["samples"],
                                  ["annotate", "ARTICLE", "--quote", "Tuesday", "--tag",
                                   "evidence"]])
def test_writing_commands_say_the_folder_is_read_only(locked_folder, args):
    before = _digest(locked_folder)
    if "ARTICLE" in args:
        article = _closeread(locked_folder, "articles").stdout.splitlines()[1].split()[0]
        args = [article if a == "ARTICLE" else a for a in args]
    result = _closeread(locked_folder, *args)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {locked_folder}: the folder {locked_folder.parent} is read-only, so the "
        "library can be read but not changed (SQLite keeps its journal beside the "
        "library); nothing was changed\n")
    assert _digest(locked_folder) == before
    assert _beside(locked_folder) == ["library.db"]


def test_a_writer_with_more_rights_is_read_through_its_shared_memory(tmp_path):
    folder = tmp_path / "live"
    folder.mkdir()
    db = folder / "library.db"
    with Library(db) as writer:  # this process may write there (it made the folder)
        writer.articles.add(NewArticle(title="First", text="The first text.", format="text"))
        folder.chmod(0o555)
        try:
            writer.articles.add(NewArticle(title="Second", text="A second text.",
                                           format="text"))
            listed = _closeread(db, "articles")
        finally:
            folder.chmod(0o755)
    assert listed.returncode == 0, listed.stderr
    assert "First" in listed.stdout and "Second" in listed.stdout


def test_a_log_without_its_shared_memory_is_refused_not_read_stale(tmp_path):
    # a write-ahead log holding changes, and no -shm: only a writer can replay it, and
    # reading the file without it ("immutable") would show the library as it was before
    source = tmp_path / "source"
    source.mkdir()
    with Library(source / "library.db") as lib:
        lib.articles.add(NewArticle(title="First", text="The first text.", format="text"))
    conn = sqlite3.connect(source / "library.db")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE articles SET title = 'Changed'")
    conn.commit()
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("library.db", "library.db-wal"):
        shutil.copyfile(source / name, folder / name)
    conn.close()
    folder.chmod(0o555)
    try:
        result = _closeread(folder / "library.db", "articles")
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1
    assert "write-ahead log (library.db-wal) holds changes" in result.stderr
    assert result.stderr.count("\n") == 1


def test_the_library_class_names_the_folder(tmp_path, monkeypatch):
    db = tmp_path / "library.db"
    Library(db).close()
    import desktop.store.library as library_module

    monkeypatch.setattr(library_module, "_folder_writable", lambda path: False)
    with Library(db) as lib:
        assert lib.read_only and lib.folder_read_only
        with pytest.raises(DatabaseFolderReadOnlyError, match="is read-only, so the library"):
            lib.tags.add("framing")
