"""Starting the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from desktop.core.errors import ClosereadError
from desktop.ui import messages
from desktop.ui import settings as keys
from desktop.ui.dialogs import ask_annotator
from desktop.ui.main_window import build_main_window
from desktop.ui.settings import Settings


def run_app(db_path: str | Path, argv: list[str] | None = None) -> int:
    """Opens the main window on ``db_path`` and runs until it is closed."""
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("Closeread")
    app.setOrganizationName("Closeread")
    settings = Settings()
    try:
        window = build_main_window(db_path, settings)
    except ClosereadError as error:
        messages.critical(None, "Closeread", error.message)
        return 1
    window.show()
    if not settings.get(keys.ANNOTATOR):
        ask_annotator(window, first_time=True)
        if not settings.get(keys.ANNOTATOR):
            window.set_annotator(window.editor.annotator)
    return int(app.exec())
