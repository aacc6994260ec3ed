"""The reader's context menu offers every tag: the active set, and the others too."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from desktop.ui.actions import window_use_set
from desktop.ui.library_pane import ID_ROLE


def _menu_texts(reader, qtbot) -> dict[str, list[str]]:
    """Opens the reader's context menu and reads every (sub)menu's entries."""
    found: dict[str, list[str]] = {}

    def read_and_close() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        for sub in [menu, *menu.findChildren(QMenu)]:
            found[sub.title() or "(top)"] = [a.text() for a in sub.actions() if a.text()]
        menu.close()

    QTimer.singleShot(100, read_and_close)
    point = QPoint(reader.viewport().width() // 2, 20)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point,
                              reader.viewport().mapToGlobal(point))
    reader.contextMenuEvent(event)
    return found


def test_context_menu_offers_the_active_set_and_the_other_tags(window, qtbot):
    library_view = window.library_pane.view
    window.open_article(library_view.model().index(0, 0).data(ID_ROLE))
    menus = _menu_texts(window.reader, qtbot)
    assert [t.split("\t")[0] for t in menus["Tag as"][:3]] == ["propaganda", "evidence",
                                                               "opinion"]
    assert "propaganda/Loaded_Language" in menus["Other tags"]


def test_with_the_ptc_set_techniques_sit_under_propaganda(window, qtbot):
    window_use_set(window, "ptc")
    library_view = window.library_pane.view
    window.open_article(library_view.model().index(0, 0).data(ID_ROLE))
    menus = _menu_texts(window.reader, qtbot)
    techniques = [t.split("\t")[0] for t in menus["propaganda"]]
    assert "Name_Calling,Labeling" in techniques
    assert "Whataboutism,Straw_Men,Red_Herring" in techniques
    assert "Other tags" not in menus
