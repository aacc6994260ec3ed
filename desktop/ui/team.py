"""Team work in the app: export a bundle, merge colleagues' bundles after a preview.

A merge is shown before it is made: the bundles are merged once in a transaction that is
rolled back (``dry_run``), the lead reads what would be added, updated, deleted and
orphaned, and only then merges. Both runs happen off the GUI thread. A merge is not on
the undo stack (it can touch every article), but it leaves the stack as it is: commands
refer to passages and tags by id, so an undo after a merge acts on what the merge left.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import messages
from desktop.ui.jobs import export
from desktop.ui.transfer import BackgroundJob, Progress, run_job, show_report

if TYPE_CHECKING:
    from desktop.store.merging import MergeReport
    from desktop.ui.main_window import MainWindow

BUNDLE_FILES = "Closeread bundles (*.json *.json.gz *.gz);;All files (*)"


def export_bundle(window: MainWindow, target: Path, where: AnnotationFilter) -> BackgroundJob:
    """Writes the bundle of ``where`` to ``target`` in the background; the window's
    ``exportFinished`` carries the registry's report, whose ``detail`` is the
    ``BundleExport``."""
    return export(window, "bundle", target, where)


def choose_bundles(window: MainWindow) -> None:
    """Asks for bundles, and merges them after a preview."""
    files, _ = QFileDialog.getOpenFileNames(window, "Merge bundles", "", BUNDLE_FILES)
    if files:
        merge_bundles(window, [Path(f) for f in files])


def merge_bundles(window: MainWindow, paths: list[Path]) -> BackgroundJob:
    """Previews the merge of ``paths``, asks, then merges and shows the report."""
    from desktop.io.bundle import merge_bundle_files

    def preview(library: Library, _progress: Progress) -> list[MergeReport]:
        return merge_bundle_files(library, paths, dry_run=True)

    def merge(library: Library, _progress: Progress) -> list[MergeReport]:
        return merge_bundle_files(library, paths)

    def failed(message: str) -> None:
        messages.warn(window, "Merge bundles", message)

    def merged(reports: list[MergeReport]) -> None:
        window.watcher.poll()  # what the job wrote on its own connection, at once
        show_report(window, "mergeReport", "Merge bundles", report_text(reports))
        window.transfers.merged.emit(reports)

    def previewed(reports: list[MergeReport]) -> None:
        if not any(report.changed for report in reports):
            messages.inform(window, "Merge bundles",
                            report_text(reports) + "\n\nNothing to merge.")
        elif messages.ask(window, "Merge bundles", report_text(reports) + "\n\nMerge now?"):
            run_job(window, BackgroundJob(window.library.path, merge, "Merging"),
                    merged, failed)
        window.transfers.mergePreviewed.emit(reports)

    return run_job(window, BackgroundJob(window.library.path, preview, "Reading the bundles"),
                   previewed, failed)


def report_text(reports: list[MergeReport]) -> str:
    """What a merge does, bundle by bundle, with the passages it orphans."""
    lines: list[str] = []
    for report in reports:
        lines.append("• " + report.summary().replace(f"{report.origin}: ",
                                                     f"{Path(report.origin).name}: ", 1))
        for quote in list(report.quotes.values())[:10]:
            short = " ".join(quote.split())
            lines.append(f"    orphaned: “{short[:60]}{'…' if len(short) > 60 else ''}”")
    return "\n".join(lines)
