"""Small dialogs: the annotator's name, preferences, the article's text, the tag sets."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from desktop.ui import settings as keys
from desktop.ui.theme import THEMES

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def ask_annotator(window: MainWindow, first_time: bool = False) -> None:
    """Asks for the name put on new annotations (the OS user name is offered)."""
    prompt = ("Who is annotating? This name goes on every annotation you make; "
              "you can change it later in Preferences." if first_time
              else "Name on new annotations:")
    name = window.editor.annotator or getpass.getuser()
    while True:
        name, ok = QInputDialog.getText(window, "Annotator", prompt,
                                        QLineEdit.EchoMode.Normal, name)
        # a refused name (set_annotator said why) is asked for again, as typed
        if not ok or not name.strip() or window.set_annotator(name):
            return


class PreferencesDialog(QDialog):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.annotator = QLineEdit(window.editor.annotator, objectName="prefAnnotator")
        self.font_size = QSpinBox(objectName="prefFontSize")
        self.font_size.setRange(8, 40)
        self.font_size.setValue(window.reader.font_size)
        self.theme = QComboBox(objectName="prefTheme")
        self.theme.addItems(list(THEMES))
        self.theme.setCurrentText(window.settings.get(keys.THEME))
        self.snap = QCheckBox("Snap selections to whole words and trim punctuation",
                              objectName="prefSnap")
        self.snap.setChecked(window.reader.snap)
        form = QFormLayout(self)
        form.addRow("Annotator", self.annotator)
        form.addRow("Reader font size", self.font_size)
        form.addRow("Theme", self.theme)
        form.addRow("", self.snap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def apply(self, window: MainWindow) -> None:
        window.set_annotator(self.annotator.text())
        window.reader.snap = self.snap.isChecked()
        window.settings.set(keys.SNAP_TO_WORDS, self.snap.isChecked())
        if self.font_size.value() != window.reader.font_size:
            window.change_font_size(self.font_size.value() - window.reader.font_size)
        if self.theme.currentText() != window.settings.get(keys.THEME):
            window.set_theme(self.theme.currentText())


def edit_preferences(window: MainWindow) -> None:
    dialog = PreferencesDialog(window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        dialog.apply(window)


class TextEditDialog(QDialog):
    """The open article's text, to correct; its annotations re-anchor on saving."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("textEditDialog")
        self.setWindowTitle("Edit the article's text")
        self.resize(720, 560)
        self.editor = QPlainTextEdit(window.reader.text, objectName="articleTextEditor")
        hint = QLabel("Passages move with their words; a passage whose words are gone "
                      "becomes an orphan, listed in the sidebar. Undo (Ctrl+Z) puts "
                      "everything back.")
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor, 1)
        layout.addWidget(buttons)


def edit_article_text(window: MainWindow) -> None:
    if not window.article_id:
        return
    dialog = TextEditDialog(window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        window.annotating.edit_text(dialog.editor.toPlainText())


def edit_tag_sets(window: MainWindow) -> None:
    from desktop.ui.tagset_editor import TagSetEditor

    editor = TagSetEditor(window)
    editor.exec()
    editor.deleteLater()  # and with it its connection to the window's change events
