"""The window as a sync client: File → Connect to team server…, the status bar's
``syncStatus`` label, and another analyst's passage appearing in the open window within
5 s, pulled by the window's own rounds against a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit
from sync_support import restart_team, start_team, stop_server

from desktop.ui import build_main_window, messages
from desktop.ui import settings as keys
from desktop.ui.settings import Settings

WITHIN = 5000  # ms: what the issue promises


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda _parent, _title, text: shown.append(text))
    return shown


def test_the_window_syncs_on_its_own_and_says_how_it_stands(qtbot, tmp_path: Path, desks,
                                                            warnings):
    own = start_team(tmp_path / "own")
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(keys.ANNOTATOR, "li on the train")
    window = build_main_window(tmp_path / "li.db", settings)
    try:
        window.show()
        qtbot.waitExposed(window)
        label = window.sync_status.label
        assert label.objectName() == "syncStatus" and label.text() == "not connected"

        window.menu_actions["actionConnectServer"].trigger()
        dialog = window.findChild(QDialog, "connectDialog")
        assert dialog is not None and dialog.isVisible()
        dialog.findChild(QLineEdit, "serverUrl").setText(own.url)
        dialog.findChild(QLineEdit, "serverToken").setText(own.tokens["li"])
        dialog.accept()
        qtbot.waitUntil(lambda: label.text() == "connected", timeout=WITHIN)
        assert window.editor.annotator == "li"  # the name the server knows li by
        assert warnings == []

        # maya, at another desk, marks a passage and syncs once: li's open window shows
        # it within 5 s, through its own rounds and its watcher
        maya = desks("maya", server=own)
        article = maya.add_article()
        first = maya.mark(article, "A vanity project", note="a slur")
        maya.sync()
        qtbot.waitUntil(lambda: window.library_pane.model.row_of(article) is not None,
                        timeout=WITHIN)
        assert window.open_article(article)
        assert window.shows_passage(first)
        second = maya.mark(article, "a new era of prosperity")
        maya.sync()
        qtbot.waitUntil(lambda: window.shows_passage(second), timeout=WITHIN)

        # the server goes away: li's passage waits, and the label says so
        assert stop_server(own.process) == 0
        text = window.library.articles.text(article)
        start = text.index("third time")
        hers = window.library.annotations.create(
            article, _selection(text, start, start + len("third time")), ["evidence"],
            window.editor.annotator).id
        qtbot.waitUntil(lambda: label.text() == "offline (1 unsent)", timeout=WITHIN)
        assert "cannot reach" in label.toolTip()

        restart_team(own)
        qtbot.waitUntil(lambda: label.text() == "connected", timeout=WITHIN)
        assert hers in maya.sync().received
    finally:
        window.close()
        QApplication.processEvents()
        if own.process.poll() is None:
            assert stop_server(own.process) == 0
    assert window.sync_status._thread is None  # stopped with the window
    window.library.close()


def _selection(text: str, start: int, end: int):
    from desktop.core.selectors import select_range

    return select_range(text, start, end)
