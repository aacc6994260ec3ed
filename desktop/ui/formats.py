"""Every export format in one dialog, and annotations imported from other tools' files.

The export dialog has the filters of `closeread export` and a format: the CSV of tagged
passages, W3C Web Annotations (JSON-LD), PTC articles and labels, brat standoff, or a
Closeread bundle. Each is written off the GUI thread by the same io function the command
line uses. Importing annotations takes JSON-LD files, PTC label files and brat ``.ann``
files (by their extension), all in one transaction: a bad file imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
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
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop.core.errors import ClosereadError
from desktop.core.wording import counted
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import transfer
from desktop.ui.transfer import LibraryJob

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


@dataclass(frozen=True)
class ExportFormat:
    key: str  # as `closeread export --format` names it
    label: str
    folder: bool  # writes several files into a folder
    default_name: str
    files: str  # the file dialog's filter
    hint: str


FORMATS = (
    ExportFormat("csv", "CSV of tagged passages", False, "passages.csv", "CSV files (*.csv)",
                 "One row per passage and tag, for a spreadsheet or a script."),
    ExportFormat("jsonld", "W3C Web Annotations (JSON-LD)", False, "annotations.jsonld",
                 "JSON-LD (*.jsonld *.json)",
                 "Every passage with its tags, note, annotator and times, for annotation "
                 "tools; another Closeread library imports it with File ▸ Import "
                 "annotations."),
    ExportFormat("ptc", "PTC articles and labels (a folder)", True, "ptc-export", "",
                 "article<ID>.txt files and technique label files, offsets as the "
                 "SemEval-2020 Task 11 corpus has them."),
    ExportFormat("brat", "brat standoff (a folder)", True, "brat-export", "",
                 ".txt and .ann files with an annotation.conf, to open in brat. "
                 "Passages without a tag are left out."),
    ExportFormat("bundle", "Closeread bundle", False, "closeread.bundle.json.gz",
                 "Closeread bundles (*.json.gz *.json)",
                 "The articles, tags, annotators and passages chosen (deletions too), for "
                 "File ▸ Merge bundles in another library. A name ending in .gz is "
                 "compressed."),
)
BY_KEY = {f.key: f for f in FORMATS}


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
        for spec in FORMATS:
            self.format.addItem(spec.label, spec.key)
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
        self.path = QLineEdit(str(Path.cwd() / FORMATS[0].default_name),
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
        return BY_KEY[str(self.format.currentData())]

    def _format_chosen(self) -> None:
        spec = self.kind
        self.hint.setText(spec.hint)
        self.excel.setVisible(spec.key == "csv")
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
        excel = self.excel.isChecked() and self.kind.key == "csv"
        return self.kind.key, Path(self.path.text()).expanduser(), where, excel


def export_dialog(window: MainWindow, kind: str = "csv") -> None:
    dialog = ExportDialog(window, kind)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        export(window, *dialog.choice())


def export(window: MainWindow, kind: str, target: Path, where: AnnotationFilter,
           excel: bool = False) -> object:
    """Writes ``where``'s selection to ``target`` as ``kind``, in the background."""
    if kind == "csv":
        return window.export_csv(target, where, excel)
    if kind == "bundle":
        from desktop.ui.team import export_bundle

        return export_bundle(window, target, where)
    writer = _WRITERS[kind]

    def work(library: Library) -> str:
        return writer(library, target, where)

    def finished(summary: str) -> None:
        window.last_export_summary = summary
        window.statusBar().showMessage(summary[:1].upper() + summary[1:], 10000)

    def failed(message: str) -> None:
        QMessageBox.warning(window, "Export", message)

    return transfer.run_job(window, LibraryJob(window.library.path, work),
                            f"Writing {BY_KEY[kind].label}", finished, failed)


def _jsonld(library: Library, target: Path, where: AnnotationFilter) -> str:
    from desktop.io.jsonld import export_jsonld_file

    count = export_jsonld_file(library, target, where)
    return f"wrote {counted(count, 'annotation')} to {target}"


def _ptc(library: Library, target: Path, where: AnnotationFilter) -> str:
    from desktop.io.ptc import export_ptc

    return export_ptc(library, target, where).summary(target)


def _brat(library: Library, target: Path, where: AnnotationFilter) -> str:
    from desktop.io.brat import export_brat

    return export_brat(library, target, where).summary(target)


_WRITERS: dict[str, Callable[[Library, Path, AnnotationFilter], str]] = {
    "jsonld": _jsonld, "ptc": _ptc, "brat": _brat,
}


# --- importing annotations -----------------------------------------------------------------

ANNOTATION_FILES = ("Annotations (*.jsonld *.json *.labels *.ann);;JSON-LD (*.jsonld *.json);;"
                    "PTC labels (*.labels);;brat annotations (*.ann);;All files (*)")


def choose_annotation_files(window: MainWindow) -> None:
    files, _ = QFileDialog.getOpenFileNames(window, "Import annotations", "",
                                            ANNOTATION_FILES)
    if files:
        import_annotations(window, [Path(f) for f in files])


def import_annotations(window: MainWindow, paths: list[Path]) -> LibraryJob:
    """Adds the annotations of ``paths`` to articles already in the library, all in one
    transaction; ``window``'s annotator stands in where a file names none."""
    annotator = window.editor.annotator

    def work(library: Library) -> list[str]:
        lines = []
        with library.transaction():  # each import's own becomes a savepoint of this one
            for path in paths:
                lines.append(f"{path.name}: {_import_one(library, path, annotator)}")
        return lines

    def finished(lines: list[str]) -> None:
        window.last_annotation_import = lines
        window.reload_all()
        window.show_report("annotationImportReport", "Import annotations",
                           "\n".join(f"• {line}" for line in lines))

    def failed(message: str) -> None:
        QMessageBox.warning(window, "Import annotations",
                            message + "\n\nNothing was imported.")

    return transfer.run_job(window, LibraryJob(window.library.path, work),
                            "Importing annotations", finished, failed)


def _import_one(library: Library, path: Path, annotator: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonld", ".json"):
        from desktop.io.jsonld import import_jsonld

        return import_jsonld(library, path, annotator).summary()
    if suffix == ".labels":
        from desktop.io.ptc import import_ptc_labels

        return import_ptc_labels(library, path, annotator).summary()
    if suffix == ".ann":
        from desktop.io.brat import import_brat_annotations

        return import_brat_annotations(library, path, annotator).summary()
    raise ClosereadError(f"{path}: not an annotation file Closeread reads (.jsonld or "
                         ".json: W3C Web Annotations; .labels: PTC labels; .ann: brat)")
