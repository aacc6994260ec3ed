"""The library's change events as a Qt signal, and the watch for other processes' changes.

The store announces every committed change on ``library.events`` (a Qt-free hub). This
adapter turns each batch into the ``changed`` signal the window's views follow, and polls
the journal on a timer so that what another process commits (the command line, a second
window, a background job on its own connection) reaches the views within a second. While
nothing changes, a poll costs one ``PRAGMA data_version``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.changes import ChangeBatch
from desktop.core.errors import ClosereadError
from desktop.store.library import Library

POLL_MS = 250  # four looks a second: another process's change shows within a second


class LibraryWatcher(QObject):
    """Emits ``changed(batch)`` for every change to the library, whoever made it."""

    changed = Signal(object)  # a ChangeBatch

    def __init__(self, library: Library, parent: QObject | None = None,
                 interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.library = library
        self._unsubscribe = library.events.subscribe(self.changed.emit)
        self.timer = QTimer(self)
        self.timer.setObjectName("libraryWatchTimer")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> ChangeBatch | None:
        """Looks for changes made elsewhere; they arrive through ``changed``."""
        try:
            return self.library.journal.poll()
        except ClosereadError:
            return None  # locked for a moment, or gone: the next look tries again

    def stop(self) -> None:
        self.timer.stop()
        self._unsubscribe()
