"""Background jobs (imports, exports): off the GUI thread, reporting back on it; cancel;
failure; closing.

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
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from desktop.io import csv_export, importer
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import jobs as jobs_module
from desktop.ui import transfer
from desktop.ui.jobs import export, import_paths
from desktop.ui.transfer import BackgroundJob, run_job


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

    def setCancelButton(self, _button: object) -> None:
        self._record("setCancelButton")

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

    def show_report(_parent, _name, _title, _text, warning=False):
        calls.append(("show_report", on_gui_thread()))
        return None

    monkeypatch.setattr(transfer, "progress_dialog", progress_dialog)
    monkeypatch.setattr(jobs_module, "show_report", show_report)
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
    heard: list[bool] = []  # the window's signal too
    window.transfers.importFinished.connect(lambda _report: heard.append(on_gui_thread()))
    with qtbot.waitSignal(window.transfers.importFinished, timeout=5000) as imported:
        import_paths(window, [_articles(tmp_path / "in", 3)])
        jobs.wait()
    assert any(name == "show_report" for name, _ in handler_threads)
    assert len(imported.args[0].imported) == 3
    assert heard == [True]
    assert reloads and all(reloads), "the views followed the import off the GUI thread"
    off = sorted({name for name, gui in handler_threads if not gui})
    assert off == [], f"ran off the GUI thread: {off}"
    assert window.library_pane.model.rowCount() == 4 + 3


def test_the_export_handlers_run_on_the_gui_thread(window, qtbot, tmp_path, handler_threads,
                                                   jobs):
    target = tmp_path / "all.csv"
    with qtbot.waitSignal(window.transfers.exportFinished, timeout=5000) as exported:
        export(window, "csv", target, AnnotationFilter())
        jobs.wait()
    assert any(name == "close" for name, _ in handler_threads)
    assert target.exists()
    report = exported.args[0]
    assert (report.format, report.target) == ("csv", str(target))
    assert window.statusBar().currentMessage() == f"Exported {report.count:,} rows to {target}"
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
        with qtbot.waitSignal(window.transfers.importFinished, timeout=5000):
            import_paths(window, [folder])
            jobs.wait()
    assert ran_on == [False]


def test_importing_a_missing_path_reports_it(window, qtbot, tmp_path, jobs, dialogs):
    missing = tmp_path / "nowhere" / "gone.txt"
    with qtbot.waitSignal(window.transfers.importFinished, timeout=5000) as imported:
        import_paths(window, [missing])
        jobs.wait()
    report = imported.args[0]
    assert [o.path for o in report.failed] == [missing]
    box = window.findChild(QMessageBox, "importReport")
    assert box is not None and box.isVisible()
    assert "gone.txt" in box.text() and box.icon() == QMessageBox.Icon.Warning
    assert window.library_pane.model.rowCount() == 4


def patch_import_paths(monkeypatch: pytest.MonkeyPatch, replacement) -> None:
    """Puts ``replacement`` where an import job finds ``import_paths`` (it looks it up in
    the importer when it runs)."""
    monkeypatch.setattr(importer, "import_paths", replacement)


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
    import_paths(window, [_articles(tmp_path / SLOW, 2)])
    dialog = window.findChild(QProgressDialog, "progressDialog")
    assert dialog is not None
    dialog.findChild(QPushButton).click()  # its Cancel button
    jobs.wait()
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in dialogs), timeout=5000)
    [(_, (_title, message))] = [d for d in dialogs if d[0] == "warning"]
    assert message == "Import cancelled; the files imported before were kept."
    with Library(db_path) as library:
        assert library.articles.count() == 4
    assert window.library_pane.model.rowCount() == 4


def test_closing_the_window_during_an_import_ends_the_job(window, qtbot, tmp_path, jobs,
                                                          slow_import, dialogs):
    import_paths(window, [_articles(tmp_path / SLOW, 2)])
    threads = window.findChildren(QThread)
    assert threads and not threads[0].isFinished()
    window.close()
    still_running = [t for t in threads if not t.isFinished()]
    # let the job end before the window goes, whatever happened above
    slow_import.set()
    qtbot.waitUntil(lambda: all(not shiboken6.isValid(t) or t.isFinished() for t in threads),
                    timeout=5000)
    assert still_running == [], "the window closed with its import thread still running"
    qtbot.wait(50)
    assert dialogs == [], "a job's ending was reported after its window closed"


# --- the CSV export: whole or nothing ------------------------------------------------------


@pytest.fixture
def slow_csv(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Makes the CSV writer write a line, then report progress (so it can be cancelled)
    for at most three seconds; records whether the ``.partial`` file was there meanwhile."""
    partial_seen: list[bool] = []

    def slow(library, out, where=None, excel=False, progress=None):
        out.write("article_id\n")
        out.flush()
        partial_seen.append(Path(out.name).name.endswith(".partial") and
                            Path(out.name).exists())
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            if progress:
                progress(1)  # raises once the job is cancelled
            time.sleep(0.01)
        return 1

    monkeypatch.setattr(csv_export, "write_passages_csv", slow)
    return partial_seen


def _no_export_left(target: Path) -> bool:
    return not target.exists() and not target.with_name(target.name + ".partial").exists()


def test_a_cancelled_csv_export_leaves_no_file_and_says_so_once(window, qtbot, tmp_path,
                                                               jobs, slow_csv, dialogs):
    target = tmp_path / "passages.csv"
    finished: list[object] = []
    window.transfers.exportFinished.connect(finished.append)
    export(window, "csv", target, AnnotationFilter())
    dialog = window.findChild(QProgressDialog, "progressDialog")
    assert dialog is not None and dialog.labelText() == "Exporting passages"
    qtbot.waitUntil(lambda: slow_csv == [True], timeout=5000)  # half written, as .partial
    dialog.findChild(QPushButton).click()  # its Cancel button
    jobs.wait()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    qtbot.wait(50)
    assert dialogs == [("warning", ("Export", "Export cancelled; no file was written."))]
    assert _no_export_left(target)
    assert finished == [] and not window.statusBar().currentMessage().startswith("Exported")


def test_a_csv_export_that_cannot_write_leaves_no_file_and_says_so_once(window, qtbot,
                                                                      tmp_path, jobs,
                                                                      dialogs):
    target = tmp_path / "no-such-folder" / "passages.csv"
    export(window, "csv", target, AnnotationFilter())
    jobs.wait()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)
    qtbot.wait(50)
    [(kind, (title, message))] = dialogs
    assert (kind, title) == ("warning", "Export")
    assert message.startswith(f"{target}: cannot write (")
    assert _no_export_left(target) and not target.parent.exists()
    assert window.findChild(QProgressDialog, "progressDialog") is None  # closed and gone


# --- the job itself ------------------------------------------------------------------------


def test_a_job_that_breaks_closes_its_dialog_and_reports_a_message(window, qtbot, jobs):
    def work(_library, _progress):
        raise RuntimeError("something unforeseen")

    failures: list[str] = []
    run_job(window, BackgroundJob(window.library.path, work, "Doing a thing"),
            lambda _result: None, failures.append)
    jobs.wait()
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures == ["Doing a thing failed: something unforeseen"]
    qtbot.waitUntil(lambda: window.findChild(QProgressDialog, "progressDialog") is None,
                    timeout=5000)


def test_a_job_reports_its_progress_on_the_gui_thread(window, qtbot, jobs, handler_threads):
    def work(_library, progress):
        for done in range(3):
            progress(f"item {done}", done, 3)
        return "done"

    results: list[object] = []
    run_job(window, BackgroundJob(window.library.path, work, "Counting"),
            results.append, lambda _message: None)
    jobs.wait()
    qtbot.waitUntil(lambda: results == ["done"], timeout=5000)
    names = [name for name, _ in handler_threads]
    assert names.count("setValue") == 3 and names.count("setLabelText") == 3
    assert "setCancelButton" in names  # no Cancel for a job without a cancel message
    assert all(gui for _, gui in handler_threads)


def test_a_large_import_from_the_window_reads_its_files_in_worker_processes(
        window, qtbot, tmp_path, jobs, monkeypatch):
    import desktop.io.importer as real_importer

    pools: list[int] = []
    real_pool = real_importer.ProcessPoolExecutor

    def counted(workers, **kwargs):
        pools.append(workers)
        return real_pool(workers, **kwargs)

    monkeypatch.setattr(real_importer, "ProcessPoolExecutor", counted)
    monkeypatch.setenv("CLOSEREAD_IMPORT_WORKERS", "2")
    with qtbot.waitSignal(window.transfers.importFinished, timeout=30000) as imported:
        import_paths(window, [_articles(tmp_path / "many", 70)])
        jobs.wait()
    assert pools == [2]
    assert len(imported.args[0].imported) == 70
    assert window.library_pane.model.rowCount() == 4 + 70
