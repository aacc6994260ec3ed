"""File → Import from link: the dialog driven as a user does, the pages fetched from a real
HTTP server on 127.0.0.1 in the background, the import report shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from link_server import HARBOUR_PAGE, LinkServer, page, serving
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPlainTextEdit, QPushButton

from desktop.ui.import_link import ImportLinkDialog


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with serving() as running:
        running.answers["/news/harbour-vote.html"] = page(HARBOUR_PAGE)
        running.answers["/photo"] = page(b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")
        yield running


def open_dialog(window, qtbot) -> ImportLinkDialog:
    window.findChild(type(window.menuBar().actions()[0]), "actionImportLink").trigger()
    dialog = window.findChild(ImportLinkDialog, "importLinkDialog")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.isModal() and dialog.windowTitle() == "Import from link"
    return dialog


def type_links(dialog: ImportLinkDialog, qtbot, lines: list[str]) -> None:
    box = dialog.findChild(QPlainTextEdit, "importLinkUrls")
    box.setFocus()
    for n, line in enumerate(lines):
        if n:
            qtbot.keyClick(box, Qt.Key.Key_Return)
        qtbot.keyClicks(box, line)


def press_import(dialog: ImportLinkDialog, qtbot) -> None:
    button = dialog.findChild(QPushButton, "importLinkImport")
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_links_typed_in_the_dialog_are_imported_and_reported(window, qtbot, server, jobs):
    rows = window.library_pane.model.rowCount()
    dialog = open_dialog(window, qtbot)
    assert not dialog.findChild(QPushButton, "importLinkImport").isEnabled()  # nothing typed
    good, missing, photo = (server.url(p) for p in
                            ("/news/harbour-vote.html", "/news/gone.html", "/photo"))
    type_links(dialog, qtbot, [good, "", missing, photo, good])
    with qtbot.waitSignal(window.transfers.importFinished, timeout=10_000) as finished:
        press_import(dialog, qtbot)
        jobs.wait(10)
    report = finished.args[0]
    assert [(o.path, o.status) for o in report.outcomes] == [
        (good, "imported"), (missing, "failed"), (photo, "failed")]  # the repeat, once
    box = window.findChild(QMessageBox, "importReport")
    qtbot.waitUntil(lambda: box.isVisible())
    assert box.icon() == QMessageBox.Icon.Warning
    assert f"• {missing}: the server answered 404 Not Found" in box.text()
    assert f"• {photo}: the link gives an image (image/png), not an article" in box.text()
    qtbot.waitUntil(lambda: window.library_pane.model.rowCount() == rows + 1)
    [article] = [a for a in window.library.articles.list() if a.url == good]
    assert article.title == "Harbour board delays the dredging vote"


def test_lines_that_are_not_links_keep_the_dialog_open_and_fetch_nothing(window, qtbot,
                                                                         server):
    dialog = open_dialog(window, qtbot)
    type_links(dialog, qtbot, [server.url("/news/harbour-vote.html"), "news.example/story",
                               "file:///etc/passwd"])
    press_import(dialog, qtbot)
    error = dialog.findChild(QLabel, "importLinkError")
    assert dialog.isVisible() and error.isVisible()
    assert error.text().splitlines() == [
        "Line 2: news.example/story: only http:// and https:// links can be imported; add "
        "https:// in front?",
        "Line 3: file:///etc/passwd: only http:// and https:// links can be imported (this "
        "is a file: link)"]
    assert server.requests == []
    assert error.textFormat() == Qt.TextFormat.PlainText  # it quotes what was typed
    # correcting the lines hides the message; Cancel closes without importing anything
    qtbot.keyClick(dialog.findChild(QPlainTextEdit, "importLinkUrls"), Qt.Key.Key_Backspace)
    assert not error.isVisible()
    qtbot.mouseClick(dialog.findChild(QPushButton, "importLinkCancel"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(ImportLinkDialog) is None)
    QApplication.processEvents()
    assert server.requests == []


def test_the_dialog_says_the_limits(window, qtbot):
    dialog = open_dialog(window, qtbot)
    note = dialog.findChild(QLabel, "importLinkLimits").text()
    assert "within 60 seconds" in note and "at most 16 MB" in note
    assert "at most 5 redirects" in note and "nothing on it is run" in note
    dialog.reject()
