"""Reading the change journal: what changed after sequence number N, and catching up.

The ``changes`` table (schema 5) gets one row per thing a transaction changed, written by
triggers in that transaction (``docs/architecture.md`` gives its shape). Sequence numbers
only grow and follow commit order, because writers take their turn (``BEGIN IMMEDIATE``):
a reader that has seen everything up to N needs only "everything after N".

``Journal.catch_up`` reads what this connection has not yet seen and publishes it to the
library's event hub; the library calls it after each commit of its own, and a front end
that wants other processes' changes calls ``poll`` now and then: two cheap checks
(``PRAGMA data_version`` for other connections' commits, the connection's own change
counter for writes made outside a transaction) before any read of the journal.
"""

from __future__ import annotations

import builtins
import logging
from typing import TYPE_CHECKING

from desktop.core.changes import Change, ChangeBatch
from desktop.core.errors import ClosereadError

if TYPE_CHECKING:
    from desktop.store.library import Library

_COLUMNS = "seq, entity, entity_id, op, time, origin"
_log = logging.getLogger("closeread.events")


class Journal:
    """The change journal of one library connection, and how far that connection has read."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.conn = library.db.conn
        self.seen = self.last_seq()
        self._data_version = self._read_data_version()
        self._own_changes = self.conn.total_changes

    def last_seq(self) -> int:
        """The newest sequence number in the journal (0 for none)."""
        with self.library.errors():
            row = self.conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()
        return int(row[0])

    def after(self, seq: int, limit: int | None = None) -> builtins.list[Change]:
        """The changes with a sequence number above ``seq``, oldest first."""
        sql = f"SELECT {_COLUMNS} FROM changes WHERE seq > ? ORDER BY seq"
        params: builtins.list[object] = [seq]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, limit))
        with self.library.errors():
            return [Change(*row) for row in self.conn.execute(sql, params)]

    def page(self, since: int, limit: int | None = None
             ) -> tuple[builtins.list[Change], int]:
        """``after(since, limit)`` and the sequence number to ask from next time: the last
        row's, or with no row after ``since`` the journal's last (``since`` itself when it
        is lower, as for a journal that is empty). Never above the journal's end, so a
        reader that asked from too far on (a number from another library, one it made up)
        misses nothing written next. The end is read first: a row committed meanwhile is
        then after the answer's ``last``, never skipped."""
        end = self.last_seq()
        rows = self.after(since, limit)
        return rows, rows[-1].seq if rows else min(since, end)

    def catch_up(self) -> ChangeBatch:
        """Reads the changes this connection has not seen and announces them. With nobody
        listening (the command line, a background job) it only notes how far it is."""
        self._data_version = self._read_data_version()
        self._own_changes = self.conn.total_changes
        if not self.library.events.has_subscribers:
            self.seen = self.last_seq()
            return ChangeBatch(())
        batch = ChangeBatch(self.after(self.seen))
        if batch:
            self.seen = batch.last_seq
            self.library.events.publish(batch)
        return batch

    def after_commit(self) -> None:
        """``catch_up`` once a transaction has committed: the write is done whatever
        happens here, so a failure to read the journal is logged, not raised (the next
        poll reads what this one missed)."""
        try:
            self.catch_up()
        except ClosereadError:
            _log.exception("the change journal could not be read after a commit")

    def poll(self) -> ChangeBatch:
        """Catches up if anything was committed since the last look; otherwise costs one
        pragma. Called by front ends that keep a library open (the window's timer)."""
        if self.conn.in_transaction:
            return ChangeBatch(())
        if (self._read_data_version() == self._data_version
                and self.conn.total_changes == self._own_changes):
            return ChangeBatch(())
        return self.catch_up()

    def _read_data_version(self) -> int:
        with self.library.errors():
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])
