"""Import and export off the GUI thread, with a progress dialog and a report.

Each job opens its own connection to the library file (WAL lets it write while the window
reads) and reports progress through signals, so the window never freezes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, SignalInstance
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.core.errors import ClosereadError
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library

if TYPE_CHECKING:
    from desktop.io.importer import ImportReport


def import_paths(*args: Any, **kwargs: Any) -> ImportReport:
    """The import pipeline, loaded on first use (it is not needed to start the app)."""
    from desktop.io.importer import import_paths as run_import

    return run_import(*args, **kwargs)


def write_passages_csv(*args: Any, **kwargs: Any) -> int:
    """The CSV writer, loaded on first use."""
    from desktop.io.csv_export import write_passages_csv as run_export

    return run_export(*args, **kwargs)


class Cancelled(Exception):
    """The user pressed Cancel; the batch in progress is rolled back."""


class ImportJob(QObject):
    progress = Signal(object)  # (done, total, file name)
    finished = Signal(object)  # ImportReport
    failed = Signal(object)  # a message

    def __init__(self, db_path: Path, paths: list[Path]) -> None:
        super().__init__()
        self.db_path = db_path
        self.paths = paths
        self.cancelled = False

    def run(self) -> None:
        try:
            with Library(self.db_path) as library:
                def step(done: int, total: int, path: Path) -> None:
                    if self.cancelled:
                        raise Cancelled
                    self.progress.emit((done, total, path.name))

                report = import_paths(library, self.paths, progress=step)
        except Cancelled:
            self.failed.emit("Import cancelled; the files imported before were kept.")
        except ClosereadError as error:
            self.failed.emit(error.message)
        else:
            self.finished.emit(report)


class ExportJob(QObject):
    progress = Signal(object)  # rows written so far
    finished = Signal(object)  # rows written
    failed = Signal(object)  # a message

    def __init__(self, db_path: Path, target: Path, where: AnnotationFilter,
                 excel: bool) -> None:
        super().__init__()
        self.db_path = db_path
        self.target = target
        self.where = where
        self.excel = excel
        self.cancelled = False

    def run(self) -> None:
        partial = self.target.with_name(self.target.name + ".partial")
        try:
            with Library(self.db_path) as library, partial.open(
                    "w", encoding="utf-8", newline="") as out:
                def step(rows: int) -> None:
                    if self.cancelled:
                        raise Cancelled
                    self.progress.emit(rows)

                count = write_passages_csv(library, out, self.where, self.excel, step)
            partial.replace(self.target)
        except Cancelled:
            partial.unlink(missing_ok=True)
            self.failed.emit("Export cancelled; no file was written.")
        except ClosereadError as error:
            partial.unlink(missing_ok=True)
            self.failed.emit(error.message)
        except OSError as error:
            partial.unlink(missing_ok=True)
            self.failed.emit(f"{self.target}: cannot write ({error.strerror})")
        else:
            self.finished.emit(count)


class LibraryJob(QObject):
    """Runs ``work`` on a connection of its own, for work with no progress to show
    (writing a bundle, merging bundles); emits its result or the error's message."""

    finished = Signal(object)  # what ``work`` returned
    failed = Signal(object)  # a message

    def __init__(self, db_path: Path, work: Callable[[Library], object]) -> None:
        super().__init__()
        self.db_path = db_path
        self.work = work
        self.cancelled = False  # asked for when the window closes; the work runs to its end

    def run(self) -> None:
        try:
            with Library(self.db_path) as library:
                result = self.work(library)
        except ClosereadError as error:
            self.failed.emit(error.message)
        else:
            self.finished.emit(result)


Job = ImportJob | ExportJob | LibraryJob


class JobThread(QThread):
    """Runs one job and ends: no event loop, so ending never waits for one to start."""

    def __init__(self, job: Job, parent: QObject) -> None:
        super().__init__(parent)
        self.job = job

    def run(self) -> None:
        self.job.run()

    def stop(self, timeout_ms: int = 10_000) -> bool:
        """Asks the job to cancel and waits for the thread to end."""
        self.job.cancelled = True
        return self.wait(timeout_ms)


def start(job: Job, parent: QObject) -> JobThread:
    """Runs ``job`` on a new thread that is deleted once it has ended."""
    thread = JobThread(job, parent)
    job.moveToThread(thread)  # the job's signals are emitted from, and belong to, its thread
    thread.finished.connect(thread.deleteLater)
    thread.start()
    return thread


def run_job(window: QWidget, job: LibraryJob, title: str,
            finished: Callable[[Any], object], failed: Callable[[str], object]) -> LibraryJob:
    """Runs ``job`` off the GUI thread behind a busy dialog titled ``title``; then calls
    ``finished`` with its result, or ``failed`` with the message, on the GUI thread."""
    dialog = progress_dialog(window, title, 0)
    dialog.setCancelButton(None)  # type: ignore[arg-type]

    def done(result: object) -> None:
        dialog.close()
        finished(result)

    def refused(message: str) -> None:
        dialog.close()
        failed(message)

    on_gui_thread(job.finished, done, window)
    on_gui_thread(job.failed, refused, window)
    jobs = getattr(window, "_jobs", None)
    if jobs is not None:
        jobs.append(job)  # the window keeps it alive until it ends
    start(job, window)
    return job


class Relay(QObject):
    """Carries a job's signal to the GUI thread.

    A plain function connected to a signal runs on the emitting thread, even when queued;
    a signal of an object that lives on the GUI thread is delivered there.
    """

    fired = Signal(object)


def on_gui_thread(signal: SignalInstance, slot: Callable[[Any], object],
                  parent: QObject) -> Relay:
    """Connects a job's one-argument ``signal`` so ``slot`` runs on ``parent``'s thread."""
    relay = Relay(parent)
    signal.connect(relay.fired)
    relay.fired.connect(slot)
    return relay


def progress_dialog(parent: QWidget, title: str, maximum: int) -> QProgressDialog:
    dialog = QProgressDialog(title, "Cancel", 0, maximum, parent)
    dialog.setObjectName("progressDialog")
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def report_text(report: ImportReport) -> str:
    """What an import did, for the report box: a summary, then every file not imported."""
    lines = [report.summary() + "."]
    for outcome in report.failed + report.skipped:
        lines.append(f"• {outcome.path.name}: {outcome.message}")
    cleaned = [o for o in report.imported if o.cleaning]
    if cleaned:
        lines.append("")
        lines.extend(f"• {o.path.name}: {o.cleaning}" for o in cleaned[:20])
    return "\n".join(lines)


def show_report(parent: QWidget, report: ImportReport) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("importReport")
    box.setWindowTitle("Import")
    box.setIcon(QMessageBox.Icon.Warning if report.failed else QMessageBox.Icon.Information)
    box.setText(report_text(report))
    box.setModal(False)
    box.show()
    return box
