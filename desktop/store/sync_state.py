"""What the sync keeps in the library between rounds: the connection to a team server, how
far it has sent this library's journal and read the server's change feed, and which of
the server's articles each local article is (docs/server.md, "Sync").

The tables (schema 8) are not journalled: the sync's bookkeeping is not a change of the
library (a round that only moves a pointer must not wake every window's watcher, nor grow
the journal every two seconds), and the token must never reach the change feed, a bundle
or an export. The token is kept here, in the library file, rather than in the app's
settings or a keyring: the app and ``closeread sync`` on the same library both need it,
it must survive a restart, and a keyring is not there on every machine (a headless
server, a CI runner). It is as strong as the user's account on that server and no more,
and ``closeread token revoke`` ends it; ``closeread sync disconnect`` removes it.

This module speaks SQL for ``desktop.sync``, which does not (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.core.changes import ANNOTATION
from desktop.store.chunks import id_parts

if TYPE_CHECKING:
    from desktop.store.library import Library

SYNC_CLIENT = "sync"  # the client name of the sync's connections: the journal's origin
SYNC_ORIGIN_PREFIX = f"{SYNC_CLIENT}:"  # rows the sync wrote (what it pulled): never sent

_URL, _TOKEN, _USER, _USERID = "server_url", "token", "user", "userid"
_PUSHED, _PULLED = "pushed_seq", "pulled_seq"


@dataclass(frozen=True)
class Connection:
    """A team server and who the sync speaks for there. ``user`` is the server's name for
    the token's user: the annotator whose passages are sent."""

    url: str
    token: str = field(repr=False)  # never in a log line or a traceback
    user: str
    userid: str = ""  # the server's id of the user (acct:NAME@AUTHORITY); "" if not known


@dataclass(frozen=True)
class ArticleLink:
    """A local article and the server's article with the same text: ``text_sha256`` is
    the server's text's hash as last seen (the local text may have changed since)."""

    article_id: str
    server_id: str
    text_sha256: str


class SyncState:
    """The sync's bookkeeping in one library."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    # --- the connection --------------------------------------------------------------------

    def connection(self) -> Connection | None:
        """The server this library syncs with; None when it is not connected."""
        values = self._values(_URL, _TOKEN, _USER, _USERID)
        if not values.get(_URL) or not values.get(_TOKEN):
            return None
        return Connection(values[_URL], values[_TOKEN], values.get(_USER, ""),
                          values.get(_USERID, ""))

    def connect(self, connection: Connection) -> bool:
        """Keeps ``connection``. Another server, or another user on it, starts over: both
        pointers go back to 0 and the article links are forgotten (everything is sent and
        read again, which the ids make harmless). Returns whether it started over."""
        with self.library.transaction():
            before = self.connection()
            fresh = before is None or (before.url, before.user) != (connection.url,
                                                                    connection.user)
            if fresh:
                self._forget_progress()
            self._put(_URL, connection.url)
            self._put(_TOKEN, connection.token)
            self._put(_USER, connection.user)
            self._put(_USERID, connection.userid)
        return fresh

    def disconnect(self) -> Connection | None:
        """Forgets the server, the token and how far the sync had come; returns what was
        forgotten. Local work is untouched: connecting again sends it."""
        with self.library.transaction():
            before = self.connection()
            self.db.execute(f"DELETE FROM sync_state WHERE key IN ('{_URL}', '{_TOKEN}', "
                            f"'{_USER}', '{_USERID}')")
            self._forget_progress()
        return before

    def _forget_progress(self) -> None:
        self.db.execute(f"DELETE FROM sync_state WHERE key IN ('{_PUSHED}', '{_PULLED}')")
        self.db.execute("DELETE FROM sync_articles")

    # --- how far -------------------------------------------------------------------------

    @property
    def pushed_seq(self) -> int:
        """The last sequence number of this library's journal that is sent (or needs no
        sending): what comes after it is unsent."""
        return int(self._values(_PUSHED).get(_PUSHED, "0"))

    @property
    def pulled_seq(self) -> int:
        """The last sequence number of the server's change feed that is applied here."""
        return int(self._values(_PULLED).get(_PULLED, "0"))

    def set_pushed(self, seq: int) -> None:
        self._put_number(_PUSHED, seq)

    def set_pulled(self, seq: int) -> None:
        self._put_number(_PULLED, seq)

    def unsent(self, user: str, after: int | None = None) -> int:
        """How many entries of this library's journal are waiting to be sent: changes of
        passages by the annotator ``user`` after the pointer, made here (not written by
        the sync while pulling)."""
        after = self.pushed_seq if after is None else after
        with self.library.errors():
            row = self.db.conn.execute(
                "SELECT count(*) FROM changes c "
                "JOIN annotations n ON n.id = c.entity_id "
                "JOIN annotators r ON r.id = n.annotator_id "
                "WHERE c.seq > ? AND c.entity = ? AND r.name = ? "
                "AND (c.origin IS NULL OR substr(c.origin, 1, ?) != ?)",
                [after, ANNOTATION, user, len(SYNC_ORIGIN_PREFIX), SYNC_ORIGIN_PREFIX],
            ).fetchone()
        return int(row[0])

    # --- who reads ---------------------------------------------------------------------------

    def access_unsent(self, annotation_ids: list[str]) -> set[str]:
        """Those of ``annotation_ids`` whose group or sharing was chosen here and not sent."""
        found: set[str] = set()
        with self.library.errors():
            for part, marks in id_parts(annotation_ids):
                found.update(str(row[0]) for row in self.db.conn.execute(
                    f"SELECT annotation_id FROM sync_access WHERE annotation_id IN ({marks})",
                    part))
        return found

    def access_sent(self, annotation_id: str) -> None:
        """The server has the passage's group and sharing as chosen here."""
        with self.library.transaction():
            self.db.execute("DELETE FROM sync_access WHERE annotation_id = ?", [annotation_id])

    # --- articles --------------------------------------------------------------------------

    def link_of(self, article_id: str) -> ArticleLink | None:
        """The server's article for the local article ``article_id``."""
        with self.library.errors():
            row = self.db.conn.execute(
                "SELECT article_id, server_id, text_sha256 FROM sync_articles "
                "WHERE article_id = ?", [article_id]).fetchone()
        return None if row is None else ArticleLink(*row)

    def link_to(self, server_id: str) -> ArticleLink | None:
        """The local article for the server's article ``server_id``."""
        with self.library.errors():
            row = self.db.conn.execute(
                "SELECT article_id, server_id, text_sha256 FROM sync_articles "
                "WHERE server_id = ? ORDER BY article_id LIMIT 1", [server_id]).fetchone()
        return None if row is None else ArticleLink(*row)

    def link(self, link: ArticleLink) -> None:
        """Records that the local article and the server's are the same article."""
        with self.library.transaction():
            self.db.execute(
                "INSERT INTO sync_articles (article_id, server_id, text_sha256) "
                "VALUES (?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                "server_id = excluded.server_id, text_sha256 = excluded.text_sha256",
                [link.article_id, link.server_id, link.text_sha256])

    # --- plumbing --------------------------------------------------------------------------

    def _values(self, *keys: str) -> dict[str, str]:
        marks = ", ".join("?" * len(keys))
        with self.library.errors():
            return {str(key): str(value) for key, value in self.db.conn.execute(
                f"SELECT key, value FROM sync_state WHERE key IN ({marks})", keys)}

    def _put(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO sync_state (key, value) VALUES (?, ?) "
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])

    def _put_number(self, key: str, value: int) -> None:
        """Writes a pointer only when it moves: an idle round writes nothing, so no other
        connection is told that the file changed."""
        if int(self._values(key).get(key, "0")) == value:
            return
        with self.library.transaction():
            self._put(key, str(value))
