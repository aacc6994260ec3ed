"""Import and export jobs: off the GUI thread, reporting back on it; cancel; closing.

A plain function connected to a worker's signal runs on the worker thread in PySide6, so
these tests record on which thread the window's handlers ran, with stand-ins for the
widgets they touch (so a handler on the wrong thread is a failure, not a crash).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton

from desktop.io import importer
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import main_window as main_window_module
from desktop.ui import transfer


def on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class StandInDialog(QObject):
    """Records what the window asks of its progress dialog, and on which thread."""

    canceled = Signal()

    def __init__(self, calls: list[tuple[str, bool]]) -> None:
        super().__init__()
        self.calls = calls

    def _record(self, name: str) -> None:
        self.calls.append((name, on_gui_thread()))

    def setMaximum(self, _value: int) -> None:
        self._record("setMaximum")

    def setValue(self, _value: int) -> None:
        self._record("setValue")

    def setLabelText(self, _text: str) -> None:
        self._record("setLabelText")

    def close(self) -> bool:
        self._record("close")
        return True


@pytest.fixture
def handler_threads(monkeypatch: pytest.MonkeyPatch):
    """(name, ran on the GUI thread) for every widget call the jobs' handlers make."""
    calls: list[tuple[str, bool]] = []
    dialogs: list[StandInDialog] = []

    def progress_dialog(_parent, _title, _maximum):
        dialog = StandInDialog(calls)
        dialogs.append(dialog)
        return dialog

    def show_report(_parent, report):
        calls.append(("show_report", on_gui_thread()))
        return None

    monkeypatch.setattr(main_window_module, "progress_dialog", progress_dialog)
    monkeypatch.setattr(main_window_module, "show_report", show_report)
    return calls


def _articles(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"story-{n:02}.txt").write_text(
            f"Story number {n}\n\nThe council met for the {n}th time and agreed "
            f"nothing about item {n * 7}.\n", encoding="utf-8")
    return folder


def test_the_import_handlers_run_on_the_gui_thread(window, qtbot, tmp_path, handler_threads,
                                                   monkeypatch, jobs):
    reloads: list[bool] = []  # the views follow the import's changes on the GUI thread
    window.watcher.changed.connect(lambda _batch: reloads.append(on_gui_thread()))
    window.import_paths([_articles(tmp_path / "in", 3)])
    jobs.wait()
    qtbot.waitUntil(lambda: hasattr(window, "last_import_report"), timeout=5000)
    qtbot.waitUntil(lambda: any(name == "show_report" for name, _ in handler_threads),
                    timeout=5000)
    assert len(window.last_import_report.imported) == 3
    assert reloads and all(reloads), "the views followed the import off the GUI thread"
    off = sorted({name for name, gui in handler_threads if not gui})
    assert off == [], f"ran off the GUI thread: {off}"
    assert window.library_pane.model.rowCount() == 4 + 3


def test_the_export_handlers_run_on_the_gui_thread(window, qtbot, tmp_path, handler_threads,
                                                   jobs):
    target = tmp_path / "all.csv"
    window.export_csv(target, AnnotationFilter(), False)
    jobs.wait()
    qtbot.waitUntil(lambda: any(name == "close" for name, _ in handler_threads),
                    timeout=5000)
    assert target.exists()
    off = sorted({name for name, gui in handler_threads if not gui})
    assert off == [], f"ran off the GUI thread: {off}"


def test_an_import_runs_off_the_gui_thread(window, qtbot, tmp_path, jobs):
    ran_on: list[bool] = []
    real = importer.import_paths
    folder = _articles(tmp_path / "in", 1)

    def recording(library, paths, *args, **kwargs):
        if [Path(p) for p in paths] == [folder]:
            ran_on.append(on_gui_thread())
        return real(library, paths, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch_import_paths(patch, recording)
        window.import_paths([folder])
        jobs.wait()
        qtbot.waitUntil(lambda: hasattr(window, "last_import_report"), timeout=5000)
    assert ran_on == [False]


def test_importing_a_missing_path_reports_it(window, qtbot, tmp_path, jobs, dialogs):
    missing = tmp_path / "nowhere" / "gone.txt"
    window.import_paths([missing])
    jobs.wait()
    qtbot.waitUntil(lambda: hasattr(window, "last_import_report"), timeout=5000)
    report = window.last_import_report
    assert [o.path for o in report.failed] == [missing]
    qtbot.waitUntil(lambda: hasattr(window, "report_box"), timeout=5000)
    assert "gone.txt" in window.report_box.text()
    assert window.library_pane.model.rowCount() == 4


def patch_import_paths(monkeypatch: pytest.MonkeyPatch, replacement) -> None:
    """Puts ``replacement`` where an import job finds ``import_paths``."""
    monkeypatch.setattr(importer, "import_paths", replacement)
    monkeypatch.setattr(transfer, "import_paths", replacement, raising=False)


SLOW = "slow-in"


@pytest.fixture
def slow_import(monkeypatch: pytest.MonkeyPatch):
    """Makes an import of a folder named SLOW wait (reporting progress, so it can be
    cancelled) until released, for at most three seconds."""
    release = threading.Event()
    real = importer.import_paths

    def slow(library, paths, fmt="auto", clean=True, progress=None):
        paths = [Path(p) for p in paths]
        deadline = time.monotonic() + 3
        while paths[0].name == SLOW and not release.is_set() and time.monotonic() < deadline:
            if progress:
                progress(0, 1, paths[0])  # raises once the job is cancelled
            time.sleep(0.01)
        return real(library, paths, fmt, clean, progress)

    patch_import_paths(monkeypatch, slow)
    yield release
    release.set()


def test_cancelling_an_import_keeps_the_library_as_it_was(window, qtbot, tmp_path, jobs,
                                                          slow_import, dialogs, db_path):
    window.import_paths([_articles(tmp_path / SLOW, 2)])
    dialog = window.findChild(QProgressDialog, "progressDialog")
    assert dialog is not None
    dialog.findChild(QPushButton).click()  # its Cancel button
    jobs.wait()
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in dialogs), timeout=5000)
    [(_, (_title, message))] = [d for d in dialogs if d[0] == "warning"]
    assert "cancelled" in message
    with Library(db_path) as library:
        assert library.articles.count() == 4
    assert window.library_pane.model.rowCount() == 4


def test_closing_the_window_during_an_import_ends_the_job(window, qtbot, tmp_path, jobs,
                                                          slow_import):
    window.import_paths([_articles(tmp_path / SLOW, 2)])
    threads = window.findChildren(QThread)
    assert threads and not threads[0].isFinished()
    window.close()
    still_running = [t for t in threads if not t.isFinished()]
    # let the job end before the window goes, whatever happened above
    slow_import.set()
    qtbot.waitUntil(lambda: all(not shiboken6.isValid(t) or t.isFinished() for t in threads),
                    timeout=5000)
    assert still_running == [], "the window closed with its import thread still running"
