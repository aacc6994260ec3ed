"""Message boxes and tooltips that show text from outside as text, never as markup.

Qt guesses whether a message box's text or a tooltip is rich text (``Qt::mightBeRichText``)
and renders it as HTML when it looks like a tag: an annotator named
``<a href=…>Click to confirm</a>`` in a merge preview would be a working link. Names,
tags, quotes, notes, file names and error messages quoting input all come from outside,
so every box here is plain text, and tooltips with such text are escaped.

The window calls these through the module (``messages.warn(...)``), so that the tests can
answer them without a modal loop.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                buttons: Button = Button.Ok) -> QMessageBox:
    """A message box whose text is shown as plain text, whatever it contains."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Warning, title, text).exec()


def critical(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Critical, title, text).exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Information, title, text).exec()


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """Yes or No; True for Yes."""
    box = message_box(parent, QMessageBox.Icon.Question, title, text, Button.Yes | Button.No)
    box.setDefaultButton(Button.No)
    return box.exec() == Button.Yes


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as it is: escaped inside explicit rich text, so
    neither a tag-like name nor an ampersand is taken for markup."""
    return ("<p style='white-space: pre-wrap'>" + html.escape(text).replace("\n", "<br>")
            + "</p>")
