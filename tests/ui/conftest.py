"""Fixtures for the window tests: isolated settings, a real library file, a built window.

Every test drives real widgets with ``qtbot``. No test may block on a modal dialog: the
static dialogs (QMessageBox.warning, QInputDialog.getText, the file dialogs) are replaced
by recorders that answer at once, and ``dialogs`` lists what would have been shown.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QSettings, QThread
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QTextBrowser,
)

from desktop.core.model import Annotation
from desktop.io.importer import import_paths
from desktop.store.library import Library
from desktop.ui import MainWindow, build_main_window, messages
from desktop.ui import settings as keys
from desktop.ui import transfer as transfer_module
from desktop.ui.settings import Settings

ANNOTATOR = "tester"

# An article whose text has astral characters (two UTF-16 units each) before the words
# the tests tag, so Qt positions and code point offsets differ there.
EMOJI_ARTICLE = (
    "Harbour Notes\n\n"
    "The crowd 😀 cheered loudly, then the mayor 🎉 spoke about the harbour plan.\n\n"
    "Evidence from the survey shows silt rising every year, said the engineer 🚢 Ana.\n"
)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[object, ...]]]:
    """What would have been a modal dialog, answered at once (Cancel or No)."""
    shown: list[tuple[str, tuple[object, ...]]] = []

    def recorder(kind: str, answer: object) -> Callable[..., object]:
        def fake(*args: object, **_kwargs: object) -> object:
            shown.append((kind, args[1:]))
            return answer
        return fake

    # the app's plain-text message boxes (ui/messages.py); Qt's own static ones too, so
    # that a stray one fails loudly in the recorder instead of blocking the run
    monkeypatch.setattr(messages, "warn", recorder("warning", None))
    monkeypatch.setattr(messages, "critical", recorder("critical", None))
    monkeypatch.setattr(messages, "ask", recorder("question", False))
    monkeypatch.setattr(messages, "inform", recorder("information", None))
    for name in ("warning", "critical", "question", "information"):
        monkeypatch.setattr(QMessageBox, name, recorder(f"qt-{name}",
                                                        QMessageBox.StandardButton.No))
    monkeypatch.setattr(QInputDialog, "getText", recorder("getText", ("", False)))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        recorder("getOpenFileNames", ([], "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        recorder("getExistingDirectory", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", recorder("getSaveFileName", ("", "")))
    return shown


def make_settings(path: Path) -> Settings:
    """Settings kept in their own ini file, never the user's."""
    return Settings(QSettings(str(path), QSettings.Format.IniFormat))


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    return tmp_path / "settings.ini"


@pytest.fixture
def reread_settings(settings_file: Path) -> Callable[[], Settings]:
    """New Settings on the same file, as the next run of the app would read them."""
    return lambda: make_settings(settings_file)


@pytest.fixture
def settings(settings_file: Path) -> Settings:
    settings = make_settings(settings_file)
    settings.set(keys.ANNOTATOR, ANNOTATOR)
    settings.sync()
    return settings


@pytest.fixture
def open_window(qtbot, db_path: Path, settings: Settings) -> Iterator[Callable[..., MainWindow]]:
    """Builds, shows and activates a main window on ``db_path``; closes it afterwards.

    The windows are not handed to ``qtbot.addWidget``: pytest-qt would delete them before
    this fixture's teardown, while an import or export thread might still be ending. The
    teardown lets every job thread end first, then closes and deletes the window.
    """
    made: list[MainWindow] = []

    def make(with_settings: Settings | None = None) -> MainWindow:
        window = build_main_window(db_path, with_settings or settings)
        made.append(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
        return window

    yield make
    for window in made:
        if not shiboken6.isValid(window):
            continue
        library = window.library
        threads = window.findChildren(QThread)
        qtbot.waitUntil(lambda threads=threads: all(
            not shiboken6.isValid(t) or t.isFinished() for t in threads), timeout=5000)
        window.close()
        window.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QApplication.processEvents()
        library.close()


class Jobs:
    """Knows when the window's background jobs have done their work.

    ``wait()`` blocks the GUI thread, without running its event loop, until every job
    started so far has emitted ``finished`` or ``failed`` (and whatever the window connected
    to those signals ahead of this has run). What the window does on the GUI thread in
    reply then happens in the test's next ``qtbot.waitUntil``.
    """

    def __init__(self) -> None:
        self.done: list[threading.Event] = []

    def wait(self, timeout: float = 5.0) -> None:
        assert self.done, "no job was started"
        for event in self.done:
            assert event.wait(timeout), "a job did not finish in time"


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> Jobs:
    record = Jobs()
    real_start = transfer_module.start

    def start(job: object, parent: object) -> object:
        done = threading.Event()
        job.finished.connect(lambda *_args: done.set())  # type: ignore[attr-defined]
        job.failed.connect(lambda *_args: done.set())  # type: ignore[attr-defined]
        record.done.append(done)
        return real_start(job, parent)  # type: ignore[arg-type]

    monkeypatch.setattr(transfer_module, "start", start)  # where run_job starts every job
    return record


@pytest.fixture
def window(open_window: Callable[..., MainWindow]) -> MainWindow:
    return open_window()


@pytest.fixture
def emoji_article(tmp_path: Path, db_path: Path) -> str:
    """Imports EMOJI_ARTICLE through a connection of its own; its id.

    Asked for after ``window``, the library also has the samples; before, it has only this
    article (a library that exists is not given the samples).
    """
    path = tmp_path / "in" / "harbour-notes.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EMOJI_ARTICLE, encoding="utf-8")
    with Library(db_path) as library:
        report = import_paths(library, [path])
        assert len(report.imported) == 1, report.summary()
        return report.imported[0].article.id  # type: ignore[union-attr]


@pytest.fixture
def article_window(window: MainWindow, emoji_article: str) -> MainWindow:
    """The window (with the samples) with the emoji article, imported since, open."""
    window.watcher.poll()  # the article came in through another connection
    assert window.open_article(emoji_article)
    return window


# --- helpers -------------------------------------------------------------------------------


def qt_position(text: str, offset: int) -> int:
    """The UTF-16 position of code point ``offset`` of ``text``, worked out independently."""
    return len(text[:offset].encode("utf-16-le")) // 2


class Helpers:
    """Small things most tests need: selecting words, reading the library afresh."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path

    @staticmethod
    def reader(window: MainWindow) -> QTextBrowser:
        reader = window.findChild(QTextBrowser, "reader")
        assert reader is not None
        return reader

    def span(self, window: MainWindow, words: str, nth: int = 0) -> tuple[int, int]:
        """Code point offsets of the ``nth`` occurrence of ``words`` in the open article."""
        text = self.text(window)
        start = -1
        for _ in range(nth + 1):
            start = text.index(words, start + 1)
        return start, start + len(words)

    def text(self, window: MainWindow) -> str:
        with Library(self.db_path) as library:
            return library.articles.text(window.article_id)

    def select(self, window: MainWindow, start: int, end: int) -> QTextCursor:
        """Selects code points ``start``..``end`` in the reader through Qt (UTF-16) positions."""
        text = self.text(window)
        reader = self.reader(window)
        cursor = QTextCursor(reader.document())
        cursor.setPosition(qt_position(text, start))
        cursor.setPosition(qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
        reader.setTextCursor(cursor)
        return cursor

    def select_words(self, window: MainWindow, words: str, nth: int = 0) -> tuple[int, int]:
        start, end = self.span(window, words, nth)
        self.select(window, start, end)
        return start, end

    def reader_selection(self, window: MainWindow) -> tuple[int, int]:
        """The reader's selection, as Qt positions."""
        cursor = self.reader(window).textCursor()
        return cursor.selectionStart(), cursor.selectionEnd()

    def qt_span(self, window: MainWindow, start: int, end: int) -> tuple[int, int]:
        text = self.text(window)
        return qt_position(text, start), qt_position(text, end)

    def stored(self, **where: object) -> list[Annotation]:
        """The annotations as a fresh connection to the library file sees them."""
        from desktop.store.annotations import AnnotationFilter

        with Library(self.db_path) as library:
            return library.annotations.list(AnnotationFilter(**where) if where else None)

    def raw(self, annotation_id: str) -> dict[str, object] | None:
        """The annotation's row, deleted or not, straight from SQLite."""
        conn = sqlite3.connect(self.db_path)
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM annotations WHERE id = ?",
                               [annotation_id]).fetchone()
            return dict(row) if row else None
        finally:
            conn.close()


@pytest.fixture
def ui(db_path: Path) -> Helpers:
    return Helpers(db_path)


@pytest.fixture
def view(window, session, qtbot):
    """The review window of the module's ``session`` fixture, opened and shown; closed
    after the test unless the test closed it."""
    from desktop.ui.review_sessions import open_review

    opened = open_review(window, session)
    assert opened is not None
    qtbot.waitExposed(opened)
    yield opened
    if shiboken6.isValid(opened) and opened.isVisible():
        opened.close()
