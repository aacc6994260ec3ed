"""Work on the library off the GUI thread, behind a progress dialog.

One kind of job does every import, export and merge: ``BackgroundJob`` runs a function on
a connection of its own to the library file (WAL lets it write while the window reads)
and reports through signals, so the window never freezes. ``run_job`` shows its progress
dialog and calls back on the GUI thread; the window's views then learn what the job wrote
from the library's change events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.core.errors import ClosereadError
from desktop.store.library import Library

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """The user pressed Cancel (or the window closed): raised from the progress callback,
    so the batch in progress rolls back."""


class Step(NamedTuple):
    """How far a job has come: a line for the dialog, and ``done`` of ``total`` when the
    job knows its total (0: it does not, the dialog shows that it is busy)."""

    text: str
    done: int = 0
    total: int = 0


class Progress(Protocol):
    """What a job's work calls to report; it raises ``Cancelled`` once the job is
    cancelled."""

    def __call__(self, text: str, done: int = 0, total: int = 0) -> None: ...


Work = Callable[[Library, Progress], object]
"""A job's work: given the job's own connection and its progress callback, returns the
result that ``finished`` carries."""


class BackgroundJob(QObject):
    """Runs ``work`` once on a connection of its own and emits its result or the error's
    message.

    ``cancel_message`` is what ``failed`` says when the job is cancelled; a job without one
    cannot be cancelled by the user (its dialog has no Cancel button), though closing the
    window still cancels it at its next progress report, if it makes any.
    """

    progress = Signal(object)  # a Step
    finished = Signal(object)  # what ``work`` returned
    failed = Signal(str)  # a message for the user

    def __init__(self, db_path: Path, work: Work, title: str,
                 cancel_message: str | None = None) -> None:
        super().__init__()
        self.db_path = db_path
        self.work = work
        self.title = title
        self.cancel_message = cancel_message
        self.cancelled = False
        self.abandoned = False  # its window closed: nobody is left to hear how it ended

    @property
    def cancellable(self) -> bool:
        """Whether the user can cancel it (its dialog has a Cancel button)."""
        return self.cancel_message is not None

    def cancel(self) -> None:
        """Asks the work to stop at its next progress report; safe from any thread."""
        self.cancelled = True

    def _step(self, text: str, done: int = 0, total: int = 0) -> None:
        if self.cancelled:
            raise Cancelled
        self.progress.emit(Step(text, done, total))

    def run(self) -> None:
        """Does the work on the calling thread; emits ``finished`` or ``failed``."""
        try:
            with Library(self.db_path, client="app") as library:
                result = self.work(library, self._step)
        except Cancelled:
            self.failed.emit(self.cancel_message or f"{self.title}: cancelled.")
        except ClosereadError as error:
            self.failed.emit(error.message)
        except Exception as error:  # a bug: say so, rather than leave the dialog up forever
            log.exception("%s failed", self.title)
            self.failed.emit(f"{self.title} failed: {error}")
        else:
            self.finished.emit(result)


class JobThread(QThread):
    """Runs one job and ends: no event loop, so ending never waits for one to start."""

    def __init__(self, job: BackgroundJob, parent: QObject) -> None:
        super().__init__(parent)
        self.job = job

    def run(self) -> None:
        self.job.run()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Cancels the job for a window that is closing, and waits for the thread to end;
        the job's ending is then not reported."""
        self.job.abandoned = True
        self.job.cancel()
        return self.wait(timeout_ms)


def start(job: BackgroundJob, parent: QObject) -> JobThread:
    """Runs ``job`` on a new thread that is deleted once it has ended."""
    thread = JobThread(job, parent)
    job.moveToThread(thread)  # the job's signals are emitted from, and belong to, its thread
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


class _Relay(QObject):
    """Carries a job's signals to the GUI thread.

    A plain function connected to a job's signal runs on the job's thread, even when
    queued; a signal of an object that lives on the GUI thread is delivered there.
    """

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)


def run_job(parent: QWidget, job: BackgroundJob, finished: Callable[[Any], object],
            failed: Callable[[str], object]) -> BackgroundJob:
    """Runs ``job`` off the GUI thread behind a progress dialog titled with its title;
    then, on the GUI thread, closes the dialog and calls ``finished`` with its result or
    ``failed`` with the message (nothing, if the window closed meanwhile)."""
    dialog = progress_dialog(parent, job.title, 0)
    if job.cancellable:
        # a lambda runs on the GUI thread at once; a slot of the job would be queued to
        # its thread, which has no event loop to deliver it
        dialog.canceled.connect(lambda: job.cancel())
    else:
        dialog.setCancelButton(None)  # type: ignore[arg-type]
    relay = _Relay(parent)
    job.progress.connect(relay.progress)
    job.finished.connect(relay.finished)
    job.failed.connect(relay.failed)
    relay.progress.connect(lambda step: show_step(dialog, step))

    def ended(then: Callable[[Any], object], outcome: object) -> None:
        # the relay's connections hold ``job`` (and these closures) until here
        dialog.close()
        dialog.deleteLater()
        relay.deleteLater()
        if not job.abandoned:
            then(outcome)

    relay.finished.connect(lambda result: ended(finished, result))
    relay.failed.connect(lambda message: ended(failed, message))
    start(job, parent)
    return job


def show_step(dialog: QProgressDialog, step: Step) -> None:
    """Shows how far a job has come in its progress dialog."""
    if step.total:
        dialog.setMaximum(step.total)
        dialog.setValue(step.done)
    dialog.setLabelText(step.text)


def progress_dialog(parent: QWidget, title: str, maximum: int) -> QProgressDialog:
    """A job's progress dialog: shown only if the job takes a moment, closed by the job's
    ending rather than by reaching its maximum."""
    dialog = QProgressDialog(title, "Cancel", 0, maximum, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def show_report(parent: QWidget, name: str, title: str, text: str,
                warning: bool = False) -> QMessageBox:
    """A report that stays open beside the window (object name ``name``)."""
    box = QMessageBox(parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names and messages from outside: text
    box.setObjectName(name)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setText(text)
    box.setModal(False)
    box.show()
    return box
