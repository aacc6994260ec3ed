"""The window's side of the sync (docs/server.md, "Sync"): the status bar's ``syncStatus``
label, a round every two seconds off the GUI thread, and File → Connect to team server….

The rounds run one after another on one worker thread, with a ``SyncEngine`` on a library
connection of its own opened with ``client="sync"``: what a pull writes reaches the views
through the window's ``LibraryWatcher`` (its next poll, within 250 ms), as any other
process's change does, and the push never sends it back. A round is asked for only when
the last one has ended, so rounds never overlap and never pile up behind a slow server.
Closing the window stops the timer, cancels a running round at its next step and waits
for the thread.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import ClosereadError
from desktop.store.sync_state import Connection, SyncState
from desktop.sync.status import NOT_CONNECTED, SYNCING, SyncReport, SyncStatus
from desktop.ui import messages

if TYPE_CHECKING:
    from desktop.sync.engine import SyncEngine
    from desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

ROUND_MS = 2000  # a round every two seconds: another analyst's passage shows within five


class SyncWorker(QObject):
    """Runs the rounds (and a connect) on its thread, on a connection of its own."""

    busy = Signal()  # the round found something to send or to read
    finished = Signal(object)  # the round's SyncReport
    connected = Signal(object)  # a Connection
    connectFailed = Signal(str)

    def __init__(self, db_path: Path) -> None:
        super().__init__()
        self.db_path = db_path
        self.engine: SyncEngine | None = None
        self.stopping = False

    def _engine(self) -> SyncEngine:
        if self.engine is None:
            from desktop.sync.engine import SyncEngine  # httpx loads with the first round

            self.engine = SyncEngine.opened(str(self.db_path))
        return self.engine

    @Slot()
    def run_round(self) -> None:
        report = SyncReport()
        if not self.stopping:
            try:
                report = self._engine().sync(busy=self.busy.emit)
            except ClosereadError as error:  # the library cannot be opened (locked, gone)
                report.errors.append(error.message)
            except Exception as error:  # a bug: said in the tooltip, and the next round runs
                log.exception("a sync round failed")
                report.errors.append(f"the sync failed: {error}")
        self.finished.emit(report)

    @Slot(str, str)
    def connect_to(self, url: str, token: str) -> None:
        try:
            connection = self._engine().connect(url, token)
        except ClosereadError as error:
            self.connectFailed.emit(error.message)
        else:
            self.connected.emit(connection)

    def cancel(self) -> None:
        """Stops a running round at its next step; safe from the GUI thread."""
        self.stopping = True
        if self.engine is not None:
            self.engine.cancel()

    def close(self) -> None:
        """Closes the engine and its connection, once the thread has ended."""
        if self.engine is not None:
            self.engine.close()
            self.engine = None


class SyncController(QObject):
    """The ``syncStatus`` label and the rounds behind it, for one window."""

    roundRequested = Signal()
    connectRequested = Signal(str, str)
    roundFinished = Signal(object)  # the SyncReport, once shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.label = QLabel(objectName="syncStatus")
        window.statusBar().addPermanentWidget(self.label)
        self.last_report: SyncReport | None = None
        self._running = False
        self._stopped = False
        # no parent: the window's teardown waits for the threads it owns to end, and this
        # one runs until the window closes (stop())
        self._thread: QThread | None = None
        self._worker: SyncWorker | None = None
        self.timer = QTimer(self, objectName="syncTimer")
        self.timer.setInterval(ROUND_MS)
        self.timer.timeout.connect(self.run_round)
        self.timer.start()
        connection = SyncState(window.library).connection()
        if connection is None:
            self.show(SyncStatus(NOT_CONNECTED))
        else:
            self.show(SyncStatus(SYNCING, server=connection.url, user=connection.user))
            QTimer.singleShot(0, self.run_round)  # a connected library syncs at once

    # --- rounds --------------------------------------------------------------------------

    def _start(self) -> SyncWorker:
        if self._worker is None:
            self._thread = QThread()
            self._thread.setObjectName("syncThread")
            self._worker = SyncWorker(self.window.library.path)
            self._worker.moveToThread(self._thread)
            self.roundRequested.connect(self._worker.run_round)
            self.connectRequested.connect(self._worker.connect_to)
            self._worker.busy.connect(self._busy)
            self._worker.finished.connect(self._finished)
            self._worker.connected.connect(self._connected)
            self._worker.connectFailed.connect(self._connect_failed)
            self._thread.start()
        return self._worker

    def run_round(self) -> None:
        """Asks for a round, unless one is running (rounds never overlap)."""
        if self._running or self._stopped:
            return
        self._start()
        self._running = True
        self.roundRequested.emit()

    @Slot()
    def _busy(self) -> None:
        if not self._stopped:
            self.label.setText(SyncStatus(SYNCING).text)

    @Slot(object)
    def _finished(self, report: SyncReport) -> None:
        self._running = False
        if self._stopped:
            return
        self.last_report = report
        self.show(report.status, report.errors)
        self.roundFinished.emit(report)

    def show(self, status: SyncStatus, errors: list[str] | None = None) -> None:
        self.label.setText(status.text)
        lines = []
        if status.server:
            lines.append(f"Team server: {status.server}, as {status.user}")
        if status.problem:
            lines.append(status.problem)
        if status.server and status.unsent:
            lines.append(f"{status.unsent} changes made here wait to be sent")
        lines += (errors or [])[:5]
        if status.state == NOT_CONNECTED:
            lines.append("File → Connect to team server… to share passages with a team")
        self.label.setToolTip(messages.plain_tip("\n".join(lines)))

    # --- connecting ----------------------------------------------------------------------

    def connect_dialog(self) -> ConnectDialog:
        """File → Connect to team server…: asks for the address and the token, then
        connects off the GUI thread (the token is checked by the server)."""
        connection = SyncState(self.window.library).connection()
        dialog = ConnectDialog(self.window, connection.url if connection else "")
        dialog.accepted.connect(lambda: self.connect_to(dialog.url(), dialog.token()))
        dialog.open()
        return dialog

    def connect_to(self, url: str, token: str) -> None:
        self._start()
        self.label.setText("connecting…")
        self.connectRequested.emit(url, token)

    @Slot(object)
    def _connected(self, connection: Connection) -> None:
        if self._stopped:
            return
        window = self.window
        message = f"Connected to {connection.url} as {connection.user}"
        if window.editor.annotator != connection.user:
            # the server takes only its user's passages from here: new ones carry that name
            window.set_annotator(connection.user)
            message += f"; new passages are annotated as {connection.user}"
        window.statusBar().showMessage(message, 8000)
        self.show(SyncStatus(SYNCING, server=connection.url, user=connection.user))
        self.run_round()

    @Slot(str)
    def _connect_failed(self, message: str) -> None:
        if self._stopped:
            return
        if self.last_report is not None:
            self.show(self.last_report.status, self.last_report.errors)
        else:
            self.show(SyncStatus(NOT_CONNECTED))
        messages.warn(self.window, "Connect to team server", message)

    # --- the end -------------------------------------------------------------------------

    def stop(self) -> None:
        """Stops the rounds for a window that is closing: cancels a running one at its next
        step, waits for the thread, closes the sync's connection."""
        self._stopped = True
        self.timer.stop()
        if self._thread is None or self._worker is None:
            return
        self._worker.cancel()
        self._thread.quit()
        if not self._thread.wait(20_000):
            log.error("the sync thread did not end within 20 s")
            return
        self._worker.close()
        self._thread, self._worker = None, None


class ConnectDialog(QDialog):
    """The team server's address and the user's token (``connectDialog``)."""

    def __init__(self, parent: QWidget, url: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to team server")
        self.url_edit = QLineEdit(url, objectName="serverUrl")
        self.url_edit.setPlaceholderText("http://127.0.0.1:5000")
        self.token_edit = QLineEdit(objectName="serverToken")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("made with closeread token create")
        hint = QLabel("Your passages go to the server and your colleagues' come back, every "
                      "two seconds while the window is open; what you do offline is sent "
                      "when the server answers again. The token is kept in the library "
                      "file; it is only as strong as your account on that server.")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Server address:", self.url_edit)
        form.addRow("API token:", self.token_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("connectButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def url(self) -> str:
        return self.url_edit.text().strip()

    def token(self) -> str:
        return self.token_edit.text().strip()
