"""Indexing many new annotations for full-text search in one statement.

The ``annotations_ai`` trigger indexes each inserted row as its own FTS5 insert, and FTS5
flushes its pending terms at every statement savepoint, so a bulk insert through the
trigger costs more than the insert itself (docs/benchmarks.md: 4.5 of 8.3 s for 100,000
annotations). Inside a transaction, ``indexed_together`` takes the trigger out, lets the
block insert, indexes every row inserted since in one ``INSERT ... SELECT``, and puts the
trigger back, all in the same transaction: other connections never see the library
without it, and a rollback restores it with everything else.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.store.library import Library

BULK_ROWS = 500  # fewer rows go through the trigger: the schema change costs more

_TRIGGER = "annotations_ai"


@contextlib.contextmanager
def indexed_together(library: Library, rows: int = BULK_ROWS) -> Iterator[None]:
    """Annotations inserted in the block are indexed at its end, together; ``rows`` is
    how many the caller expects (below ``BULK_ROWS`` the trigger does it as usual).

    The block must not update or delete a row it inserted: the update trigger would take
    out of the index what is not in it yet.
    """
    conn = library.db.conn
    if rows < BULK_ROWS or not conn.in_transaction:
        yield
        return
    found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                         [_TRIGGER]).fetchone()
    if found is None:
        yield
        return
    before = conn.execute("SELECT coalesce(max(rowid), 0) FROM annotations").fetchone()[0]
    conn.execute(f'DROP TRIGGER "{_TRIGGER}"')
    try:
        yield
        # a new row's rowid is above every rowid the table had: the new rows are those
        conn.execute('INSERT INTO annotations_fts (rowid, "exact", "note") '
                     'SELECT rowid, "exact", "note" FROM annotations WHERE rowid > ?',
                     [before])
    finally:
        # after an error the transaction is rolled back anyway; if it is already gone,
        # so is the DROP
        if conn.in_transaction and conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                [_TRIGGER]).fetchone() is None:
            conn.execute(found[0])
