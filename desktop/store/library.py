"""The library file: opening, migrations, transactions, and the mapping of SQLite's errors
to messages a user can act on.

Every transaction begins as a writer (``BEGIN IMMEDIATE``). SQLite does not call the busy
handler when a transaction that began by reading (plain ``BEGIN``) turns into a writing
one: with another process writing, such a write fails at once with "database is locked"
although the busy timeout says it would wait. A writer's ``BEGIN IMMEDIATE`` waits its
turn instead, up to the busy timeout.

Each transaction also tells the change journal who is writing, and after each commit the
library reads back what it changed and announces it on ``library.events``
(``docs/architecture.md``, "The change journal" and "Change events"). Processes opening
one file at once each migrate it safely ("Transactions: writers wait their turn").
"""

from __future__ import annotations

import contextlib
import os
import socket
import sqlite3
import stat
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import sqlite_utils

from desktop.core.changes import EventHub
from desktop.core.errors import (
    DatabaseError,
    DatabaseFolderReadOnlyError,
    DatabaseLockedError,
    DatabaseReadOnlyError,
    ForeignDatabaseError,
    NotADatabaseError,
    SchemaTooNewError,
)
from desktop.core.model import later_than
from desktop.store.schema import MIGRATIONS, SCHEMA_VERSION, tables_at

DEFAULT_BUSY_TIMEOUT = 5.0
JOURNAL_VERSION = 5  # the schema that brought the change journal


class _Database(sqlite_utils.Database):
    """sqlite-utils' database whose outermost transaction begins as a writer and runs the
    library's hooks: ``begun`` after ``BEGIN IMMEDIATE``, ``committing`` just before the
    commit, ``committed`` after it. Nested blocks are savepoints, as in sqlite-utils."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self.begun: Callable[[], None] | None = None
        self.committing: Callable[[], None] | None = None
        self.committed: Callable[[], object] | None = None

    @contextlib.contextmanager
    def atomic(self) -> Generator[sqlite_utils.Database, None, None]:
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if self.begun:
                self.begun()
            yield self
            if self.committing:
                self.committing()
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise
        if self.committed:
            self.committed()


def default_origin(client: str) -> str:
    """How the journal names a process: the kind of client, its process id and host."""
    return f"{client}:{os.getpid()}@{socket.gethostname()}"


class Library:
    """One ``annotations.db``: articles, tags, annotators and annotations.

    The repositories hang off it: ``library.articles``, ``library.tags``,
    ``library.annotations``, ``library.search``. Every method that changes anything runs
    in one transaction.
    """

    def __init__(self, path: str | os.PathLike[str], busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
                 client: str = "python"):
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.origin = default_origin(client)
        # True when this process made the library: it wrote the file's first schema (a
        # missing or empty file; _migrate). Of several processes starting on one new file
        # at once exactly one made it, so one alone loads the samples (a file's absence
        # cannot tell: another may have made it since).
        self.created = False
        self._new_file = not self.path.exists()
        # a library in a read-only folder is opened read-only too: WAL mode writes its
        # -wal and -shm files beside the library (see _connect)
        self.folder_read_only = not self._new_file and not _folder_writable(self.path)
        self.read_only = not self._new_file and (self.folder_read_only
                                                 or _is_read_only(self.path))
        self.db = self._connect()
        with self.errors():
            self._migrate()
        # what changed, for every front end: published after each commit (journal.py)
        self.events = EventHub()
        from desktop.store.journal import Journal

        self.journal = Journal(self)
        self.db.begun = self._begun
        self.db.committing = self._committing
        self.db.committed = self.journal.after_commit
        # repositories import this module's Library only for typing; import here to
        # keep the modules independent of each other's load order
        from desktop.store.annotations import Annotations
        from desktop.store.articles import Articles
        from desktop.store.reviews import Reviews
        from desktop.store.search import Search
        from desktop.store.tags import Tags

        self.articles = Articles(self)
        self.tags = Tags(self)
        self.annotations = Annotations(self)
        self.search = Search(self)
        self.reviews = Reviews(self)
        from desktop.store.accounts import Accounts  # the team server's (docs/server.md)

        self.accounts = Accounts(self)

    # --- connection ----------------------------------------------------------------------

    def _connect(self) -> _Database:
        if self._new_file:
            parent = self.path.parent
            if not parent.is_dir():
                raise DatabaseError(f"{self.path}: the folder {parent} does not exist")
            if not os.access(parent, os.W_OK):
                raise DatabaseReadOnlyError(
                    f"{self.path}: cannot create the library, the folder {parent} is read-only"
                )
        try:
            if self.read_only:
                conn = sqlite3.connect(
                    f"{self.path.resolve().as_uri()}?{self._read_only_mode()}",
                    uri=True,
                    timeout=self.busy_timeout,
                    check_same_thread=False,
                )
            else:
                conn = sqlite3.connect(
                    str(self.path), timeout=self.busy_timeout, check_same_thread=False
                )
            # the implicit transactions Python opens for a bare write begin as writers too
            conn.isolation_level = "IMMEDIATE"
            # ``updated = later_than(updated)``: an edit always makes a record newer
            conn.create_function("later_than", 1, later_than)
            db = _Database(conn)
            with self.errors():
                db.execute("PRAGMA foreign_keys = ON")
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as error:
            raise self._translate(error) from None
        return db

    def _read_only_mode(self) -> str:
        """The URI parameters of a read-only connection.

        In a writable folder, ``mode=ro``. In a read-only folder SQLite cannot make the
        shared-memory file (-shm) a WAL reader needs: when one is there (a writer with
        more rights has the library open) ``mode=ro`` uses it; when neither it nor a
        write-ahead log is there, nobody is writing the file and nobody can start to
        (the folder is read-only for them too, short of an administrator), so it is
        opened ``immutable``, which needs no -shm; a log without its -shm holds saved
        changes that only a writer can replay, so the library is refused rather than
        read without them.
        """
        if not self.folder_read_only:
            return "mode=ro"
        wal = Path(f"{self.path}-wal")
        if Path(f"{self.path}-shm").exists():
            return "mode=ro"
        if wal.exists() and wal.stat().st_size > 0:
            raise DatabaseFolderReadOnlyError(
                f"{self.path}: the folder {self.path.parent} is read-only, and the library's "
                f"write-ahead log ({wal.name}) holds changes that only a program allowed to "
                "write there can bring in; open it once from a writable folder")
        return "mode=ro&immutable=1"

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema --------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Brings the file to this program's schema, one migration a transaction.

        Other processes may open the same file at the same moment (two commands started
        together, the app and a command): each reads the version and the tables together
        in one read transaction, then runs each migration as a writer and reads the
        version again as the writer (the other may have run it meanwhile), so every step
        is done once, by whichever comes first, and the rest find it done.
        """
        version, foreign = self._version_and_tables()
        self._refuse_too_new(version)
        self._refuse_foreign(version, foreign)
        if self.read_only:
            if version == SCHEMA_VERSION:
                return
            raise DatabaseReadOnlyError(
                f"{self.path}: the library file is read-only and needs an upgrade "
                f"(schema {version} to {SCHEMA_VERSION}); make it writable first"
            )
        # only now, once the file is known to be ours: a refused file stays untouched
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")
        while version < SCHEMA_VERSION:
            with self.db.atomic():
                version = self.schema_version  # again, as the writer: another may be ahead
                self._refuse_too_new(version)
                if version == SCHEMA_VERSION:
                    break
                if version == 0:
                    self._refuse_foreign(0, self._version_and_tables()[1])
                MIGRATIONS[version](self.db)
                self.db.execute(f"PRAGMA user_version = {version + 1}")
                if version == 0:
                    from desktop.store.tags import install_shipped_tag_sets

                    install_shipped_tag_sets(self.db)
                    self.created = True
            version += 1

    def _version_and_tables(self) -> tuple[int, list[str]]:
        """The schema version and the names of the file's tables, indexes and views,
        read in one transaction so the two agree although another process writes."""
        own = not self.db.conn.in_transaction
        if own:
            self.db.conn.execute("BEGIN DEFERRED")
        try:
            version = self.schema_version
            names = [str(row[0]) for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY type = 'table' DESC, name")]
        finally:
            if own:
                self.db.conn.execute("COMMIT")
        return version, names

    def _refuse_too_new(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"{self.path}: this library was written by a newer Closeread (schema version "
                f"{version}; this program knows up to {SCHEMA_VERSION}). Upgrade Closeread "
                "to open it; the file was not changed."
            )

    def _refuse_foreign(self, version: int, names: list[str]) -> None:
        """Refuses another program's SQLite database before a migration fills it with
        tables of ours: a file with tables but no Closeread schema (user_version 0), one
        that declares another program (``PRAGMA application_id``), or one whose
        user_version names a schema whose tables it lacks (many programs set
        user_version). An empty SQLite file (a new library made by hand) is fine."""
        application = int(self.db.execute("PRAGMA application_id").fetchone()[0])
        missing = sorted(tables_at(version) - set(names)) if version else []
        if version == 0 and not names and not application:
            return
        if not application and not missing and version:
            return
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3
                                        else "") if names else "no tables"
        if application:
            why = f"it declares another program (application_id {application})"
        elif version:
            lacking = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more"
                                                 if len(missing) > 3 else "")
            why = (f"its user_version says schema {version}, but it has {shown} and lacks "
                   f"{lacking}")
        else:
            why = f"it has {shown}, and no Closeread schema"
        raise ForeignDatabaseError(
            f"{self.path}: not a Closeread library: an SQLite database of another program "
            f"({why}). Give the path of a library, or a new file name to start one; the "
            "file was not changed.")

    # --- transactions and errors ---------------------------------------------------------

    def _begun(self) -> None:
        """Names this process on the journal rows the transaction's triggers write."""
        self.db.conn.execute(
            "UPDATE journal_state SET origin = ?, "
            "since = (SELECT coalesce(max(seq), 0) FROM changes)", [self.origin])

    def _committing(self) -> None:
        """A program that is not Closeread writes no origin and skips no journal row."""
        self.db.conn.execute("UPDATE journal_state SET origin = NULL, since = NULL")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """One user action: everything inside commits together or not at all."""
        with self.errors(), self.db.atomic():
            yield self.db

    @contextlib.contextmanager
    def errors(self) -> Iterator[None]:
        """Turns SQLite's errors into messages that name the file and the problem."""
        try:
            yield
        except sqlite3.Error as error:
            raise self._translate(error) from None

    def _translate(self, error: sqlite3.Error) -> DatabaseError:
        message = str(error).lower()
        if "locked" in message or "busy" in message:
            return DatabaseLockedError(
                f"{self.path}: the library is locked by another program (waited "
                f"{self.busy_timeout:g} s); close the other program or try again"
            )
        if "readonly" in message or "read-only" in message:
            if self.folder_read_only:
                return DatabaseFolderReadOnlyError(
                    f"{self.path}: the folder {self.path.parent} is read-only, so the library "
                    "can be read but not changed (SQLite keeps its journal beside the "
                    "library); nothing was changed"
                )
            return DatabaseReadOnlyError(
                f"{self.path}: the library file is read-only; nothing was changed"
            )
        if "not a database" in message or "malformed" in message or "encrypted" in message:
            return NotADatabaseError(f"{self.path}: not a Closeread library ({error})")
        if "unable to open" in message:
            return DatabaseError(f"{self.path}: cannot open the library file ({error})")
        return DatabaseError(f"{self.path}: {error}")

    # --- settings ------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        self.db.table("settings").upsert({"key": key, "value": value}, pk="key")


def _is_read_only(path: Path) -> bool:
    """True when the file may not be written: no write permission bits, or no access.

    The permission bits are checked as well as ``os.access`` because root may write any
    file; a file its owner marked read-only is still treated as read-only.
    """
    mode = path.stat().st_mode
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(
        path, os.W_OK
    )


def _folder_writable(path: Path) -> bool:
    """True when files can be made beside ``path`` (SQLite's -wal and -shm)."""
    return os.access(path.resolve().parent, os.W_OK | os.X_OK)
