"""The window's imports and exports: what the menus and drag-and-drop start, and the
signals that say how each ended.

Each runs as a ``transfer.BackgroundJob`` behind a progress dialog. A job writes on its
own connection, so when it ends the window's watcher is asked to look at once: the views
follow the change events as they follow any other writer's.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from desktop.io import formats as registry
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import messages
from desktop.ui.transfer import BackgroundJob, Progress, run_job, show_report

if TYPE_CHECKING:
    from desktop.io.fetch import FetchLimits
    from desktop.io.formats import ExportReport
    from desktop.io.importer import ImportReport
    from desktop.ui.main_window import MainWindow


class Transfers(QObject):
    """How the window's background jobs ended, emitted on the GUI thread once the window
    has shown it (the report, the status line, the views)."""

    importFinished = Signal(object)  # an ImportReport
    exportFinished = Signal(object)  # an ExportReport, of any format (a bundle's too)
    annotationsImported = Signal(object)  # list[str]: a line a file
    mergePreviewed = Signal(object)  # list[MergeReport]: what the merge would do
    merged = Signal(object)  # list[MergeReport]: what it did


# --- articles ------------------------------------------------------------------------------


def import_paths(window: MainWindow, paths: list[Path] | list[str],
                 title: str = "Importing articles",
                 limits: FetchLimits | None = None) -> BackgroundJob:
    """Imports the articles of ``paths`` (files or folders, or links as strs, fetched
    within ``limits``) in the background, with a progress dialog, then reports every one
    not imported."""

    def work(library: Library, progress: Progress) -> ImportReport:
        # loaded on first use: the app starts without the import pipeline
        from desktop.io.importer import import_paths as run_import

        def step(done: int, total: int, path: Path | str) -> None:
            progress(path.name if isinstance(path, Path) else path, done, total)

        if limits is None:
            return run_import(library, paths, progress=step)
        return run_import(library, paths, progress=step, limits=limits)

    def finished(report: ImportReport) -> None:
        window.watcher.poll()  # the new articles, without waiting for the next look
        show_report(window, "importReport", "Import", report_text(report),
                    warning=bool(report.failed))
        window.transfers.importFinished.emit(report)

    def failed(message: str) -> None:
        window.watcher.poll()  # what was imported before a cancel is kept
        messages.warn(window, "Import", message)

    job = BackgroundJob(window.library.path, work, title,
                        cancel_message="Import cancelled; the files imported before were "
                                       "kept.")
    return run_job(window, job, finished, failed)


def choose_import_files(window: MainWindow) -> None:
    """Asks for article files, and imports them."""
    files, _ = QFileDialog.getOpenFileNames(window, "Import articles", "",
                                            registry.article_files())
    if files:
        import_paths(window, [Path(f) for f in files])


def choose_import_folder(window: MainWindow) -> None:
    """Asks for a folder, and imports the articles in it."""
    folder = QFileDialog.getExistingDirectory(window, "Import a folder of articles")
    if folder:
        import_paths(window, [Path(folder)])


def report_text(report: ImportReport) -> str:
    """What an import did, for the report box: a summary, then every file not imported,
    every page imported with a warning (one that looks like a list of stories), and what
    cleaning removed."""
    lines = [report.summary() + "."]
    for outcome in report.failed + report.skipped:
        lines.append(f"• {outcome.name}: {outcome.message}")
    warned = [o for o in report.imported + report.replaced if o.warning]
    if warned:
        lines.append("")
        lines.extend(f"• {o.name}: imported with a warning: {o.warning}" for o in warned[:20])
    cleaned = [o for o in report.imported if o.cleaning]
    if cleaned:
        lines.append("")
        lines.extend(f"• {o.name}: {o.cleaning}" for o in cleaned[:20])
    return "\n".join(lines)


# --- export --------------------------------------------------------------------------------

# the formats whose writers report rows as they go, so that Cancel can stop them
COUNTED = frozenset({"csv"})

TITLES = {"csv": "Exporting passages", "bundle": "Writing the bundle"}


def export(window: MainWindow, kind: str, target: Path, where: AnnotationFilter,
           excel: bool = False) -> BackgroundJob:
    """Writes ``where``'s selection to ``target`` as the registry's format ``kind``, in
    the background, whole or not at all: a cancelled or failed export leaves no file."""
    spec = registry.export_format(kind)
    counted = spec.name in COUNTED

    def work(library: Library, progress: Progress) -> ExportReport:
        def rows_written(rows: int) -> None:
            progress(f"{rows:,} rows written")

        return spec.write(library, target, where, progress=rows_written, excel=excel)

    def finished(report: ExportReport) -> None:
        if counted:
            message = f"Exported {report.count:,} rows to {target}"
        else:
            summary = report.summary()
            message = summary[:1].upper() + summary[1:]
        window.statusBar().showMessage(message, 8000 if counted else 10000)
        window.transfers.exportFinished.emit(report)

    def failed(message: str) -> None:
        messages.warn(window, "Export bundle" if spec.name == "bundle" else "Export",
                            message)

    job = BackgroundJob(window.library.path, work,
                        TITLES.get(spec.name, f"Writing {spec.label}"),
                        cancel_message="Export cancelled; no file was written."
                        if counted else None)
    return run_job(window, job, finished, failed)
