"""Every export format in one dialog, and annotations imported from other tools' files.

The export dialog has the filters of `closeread export` and a format from the registry
of ``desktop.io.formats`` (the one `closeread export --format` takes its choices from):
the CSV of tagged passages, W3C Web Annotations (JSON-LD), PTC articles and labels, brat
standoff, or a Closeread bundle. Each is written off the GUI thread by the registry's
writer, the one the command line uses (``desktop.ui.jobs.export``). Importing annotations
takes the files the registry's annotation readers read (by their extension), all in one
transaction: a bad file imports none of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from desktop.io import formats as registry
from desktop.io.formats import ExportFormat
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import messages
from desktop.ui.jobs import export
from desktop.ui.transfer import BackgroundJob, Progress, run_job, show_report

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class ExportDialog(QDialog):
    """The export's format, its filters (as `closeread export` has them) and where to
    write."""

    def __init__(self, window: MainWindow, kind: str = "csv") -> None:
        super().__init__(window)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.setMinimumWidth(560)
        library = window.library
        self.format = QComboBox(objectName="exportFormat")
        for spec in registry.EXPORT_FORMATS:
            self.format.addItem(spec.label, spec.name)
        self.tag = QComboBox(objectName="exportTag")
        self.tag.addItem("Every tag", "")
        for tag in library.tags.all():
            self.tag.addItem(tag.path, tag.path)
        self.annotator = QComboBox(objectName="exportAnnotator")
        self.annotator.addItem("Every annotator", "")
        for annotator in library.annotations.annotators():
            self.annotator.addItem(annotator.name, annotator.name)
        self.article = QComboBox(objectName="exportArticle")
        self.article.addItem("Every article", "")
        if window.article_id:
            self.article.addItem("The open article", window.article_id)
        self.excel = QCheckBox("For Excel (UTF-8 with a byte-order mark)",
                               objectName="exportExcel")
        self.hint = QLabel(objectName="exportHint")
        self.hint.setWordWrap(True)
        self.path = QLineEdit(str(Path.cwd() / registry.EXPORT_FORMATS[0].default_name),
                              objectName="exportPath")
        browse = QPushButton("Choose…", objectName="exportBrowse")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.setContentsMargins(0, 0, 0, 0)
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        holder = QWidget()
        holder.setLayout(where)
        form = QFormLayout(self)
        form.addRow("Format", self.format)
        form.addRow("", self.hint)
        form.addRow("Tag", self.tag)
        form.addRow("Annotator", self.annotator)
        form.addRow("Articles", self.article)
        form.addRow("", self.excel)
        self.where_label = QLabel("File")
        form.addRow(self.where_label, holder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._format_chosen)
        self.format.setCurrentIndex(self.format.findData(kind))
        self._format_chosen()

    @property
    def kind(self) -> ExportFormat:
        return registry.export_format(str(self.format.currentData()))

    def _format_chosen(self) -> None:
        spec = self.kind
        self.hint.setText(spec.hint)
        self.excel.setVisible("excel" in spec.options)
        self.where_label.setText("Folder" if spec.folder else "File")
        folder = Path(self.path.text()).expanduser().parent
        self.path.setText(str(folder / spec.default_name))

    def _browse(self) -> None:
        spec = self.kind
        if spec.folder:
            name = QFileDialog.getExistingDirectory(self, "Export into", self.path.text())
        else:
            name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text(),
                                                  spec.files)
        if name:
            self.path.setText(name)

    def choice(self) -> tuple[str, Path, AnnotationFilter, bool]:
        where = AnnotationFilter(article_id=self.article.currentData() or None,
                                 tag=self.tag.currentData() or None,
                                 annotator=self.annotator.currentData() or None)
        excel = self.excel.isChecked() and "excel" in self.kind.options
        return self.kind.name, Path(self.path.text()).expanduser(), where, excel


def export_dialog(window: MainWindow, kind: str = "csv") -> None:
    """Asks what to export (``kind`` chosen first) and where, then exports it."""
    dialog = ExportDialog(window, kind)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        export(window, *dialog.choice())


# --- importing annotations -----------------------------------------------------------------


def choose_annotation_files(window: MainWindow) -> None:
    """Asks for annotation files, and imports their annotations."""
    files, _ = QFileDialog.getOpenFileNames(window, "Import annotations", "",
                                            registry.annotation_files())
    if files:
        import_annotations(window, [Path(f) for f in files])


def import_annotations(window: MainWindow, paths: list[Path]) -> BackgroundJob:
    """Adds the annotations of ``paths`` to articles already in the library, all in one
    transaction; ``window``'s annotator stands in where a file names none."""
    annotator = window.editor.annotator

    def work(library: Library, _progress: Progress) -> list[str]:
        # every file's reader is found before any is read: a file of no known kind
        # refuses the lot without starting the transaction
        readers = [(path, registry.annotation_reader_for(path)) for path in paths]
        lines = []
        with library.transaction():  # each import's own becomes a savepoint of this one
            for path, reader in readers:
                lines.append(f"{path.name}: {reader.read(library, path, annotator).summary()}")
        return lines

    def finished(lines: list[str]) -> None:
        window.watcher.poll()  # what the job wrote on its own connection, at once
        show_report(window, "annotationImportReport", "Import annotations",
                    "\n".join(f"• {line}" for line in lines))
        window.transfers.annotationsImported.emit(lines)

    def failed(message: str) -> None:
        messages.warn(window, "Import annotations",
                            message + "\n\nNothing was imported.")

    return run_job(window, BackgroundJob(window.library.path, work, "Importing annotations"),
                   finished, failed)

