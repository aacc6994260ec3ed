"""File → Import from link: a dialog that takes one or several links, one per line, and
imports the pages they lead to in the background, as an import of files does (the same
progress dialog, the same report).

The lines are checked before anything is fetched: a line that is not an http(s) link is
named in the dialog, which stays open to correct it. What a server then answers (an error,
an image, a page too big, nothing in time) is in the import report, one line a link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.core.errors import FetchError
from desktop.io.fetch import DEFAULT_LIMITS, FetchLimits, check_url
from desktop.ui.jobs import import_paths

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

MAX_ERRORS_SHOWN = 5


def limits_text(limits: FetchLimits = DEFAULT_LIMITS) -> str:
    """What a fetch may take, as the dialog says it."""
    return (f"Each page is fetched once, as it is: nothing on it is run. A page must "
            f"arrive within {limits.total_timeout:g} seconds and be at most "
            f"{limits.max_bytes / 1e6:g} MB; at most {limits.max_redirects} redirects are "
            "followed. Web pages, plain text, Markdown, PDF and Word documents can be "
            "imported.")


class ImportLinkDialog(QDialog):
    """Asks for links, one per line; accepted only when every line is one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importLinkDialog")
        self.setWindowTitle("Import from link")
        self.resize(560, 320)
        layout = QVBoxLayout(self)

        prompt = QLabel("Links to the articles to import, one per line:")
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(prompt)

        self.urls_box = QPlainTextEdit(objectName="importLinkUrls")
        self.urls_box.setPlaceholderText("https://news.example/2024/05/harbour-board-vote\n"
                                         "https://other.example/story/ferry-fares")
        self.urls_box.setTabChangesFocus(True)
        self.urls_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        prompt.setBuddy(self.urls_box)
        layout.addWidget(self.urls_box, 1)

        # what is wrong with the lines typed: plain text, since it quotes them
        self.error_label = QLabel(objectName="importLinkError")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")  # as the unsaved state
        self.error_label.hide()
        layout.addWidget(self.error_label)

        note = QLabel(limits_text(), objectName="importLinkLimits")
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        note.setEnabled(False)  # shown dimmed: a note, not a control
        layout.addWidget(note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importLinkImport")
        self.import_button.setDefault(False)  # Return in the box starts a new line
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName(
            "importLinkCancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.urls_box.textChanged.connect(self._text_changed)
        self._text_changed()
        self._links: list[str] = []

    def _text_changed(self) -> None:
        self.import_button.setEnabled(bool(self.urls_box.toPlainText().strip()))
        self.error_label.hide()

    def links(self) -> list[str]:
        """The links accepted, in the order typed, each once."""
        return list(self._links)

    def problems(self) -> tuple[list[str], list[str]]:
        """The links typed (each once) and what is wrong with the lines that are not."""
        links: list[str] = []
        problems: list[str] = []
        for number, line in enumerate(self.urls_box.toPlainText().splitlines(), 1):
            text = line.strip()
            if not text:
                continue
            try:
                check_url(text)
            except FetchError as error:
                hint = ("; add https:// in front?" if "://" not in text
                        and ":" not in text.split("/", 1)[0] else "")
                problems.append(f"Line {number}: {error.message}{hint}")
                continue
            if text not in links:
                links.append(text)
        return links, problems

    def accept(self) -> None:
        links, problems = self.problems()
        if problems:
            more = len(problems) - MAX_ERRORS_SHOWN
            shown = problems[:MAX_ERRORS_SHOWN] + ([f"…and {more} more"] if more > 0 else [])
            self.error_label.setText("\n".join(shown))
            self.error_label.show()
            self.urls_box.setFocus()
            return
        if not links:
            return
        self._links = links
        super().accept()


def open_import_link(window: MainWindow) -> ImportLinkDialog:
    """Shows the dialog (window-modal, without blocking); Import starts the import."""
    dialog = ImportLinkDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: import_links(window, dialog.links()))
    dialog.open()
    return dialog


def import_links(window: MainWindow, links: list[str],
                 limits: FetchLimits | None = None) -> None:
    """Fetches and imports ``links`` in the background, then shows the import report."""
    if links:
        import_paths(window, links, title="Importing from links", limits=limits)
