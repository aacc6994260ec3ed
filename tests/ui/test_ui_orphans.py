"""Editing an article's text in the app: passages re-anchor, lost ones become orphans
listed in the sidebar and re-attachable; undo puts everything back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QPushButton


def _tag(window, ui, qtbot, words: str) -> str:
    ui.select_words(window, words)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_1)
    return next(a.id for a in ui.stored() if a.exact == words)


def _edited(text: str) -> str:
    text = text.replace("Harbour Notes\n\n", "Harbour Notes\n\nA note added on top.\n\n")
    return text.replace("Evidence from the survey shows silt rising every year, said the "
                        "engineer 🚢 Ana.", "The engineer 🚢 Ana spoke last.")


def test_an_edit_re_anchors_and_orphans_and_undo_restores_everything(article_window, ui,
                                                                      qtbot):
    window = article_window
    cheered = _tag(window, ui, qtbot, "cheered loudly")
    silt = _tag(window, ui, qtbot, "silt rising")
    before = {a.id: (a.start, a.end, a.anchor_state) for a in ui.stored()}

    original = ui.text(window)
    window.annotating.edit_text(_edited(original))
    stored = {a.id: a for a in ui.stored()}
    assert stored[cheered].anchor_state == "anchored"
    assert ui.text(window)[stored[cheered].start:stored[cheered].end] == "cheered loudly"
    assert stored[silt].anchor_state == "orphan" and stored[silt].exact == "silt rising"
    orphans = window.findChild(QListWidget, "orphanList")
    assert orphans.count() == 1 and "silt rising" in orphans.item(0).text()
    assert orphans.isVisibleTo(window)
    assert silt not in window.reader.highlighter.annotations
    assert window.sidebar.model.rowCount() == 1

    window.undo_stack.undo()
    assert {a.id: (a.start, a.end, a.anchor_state) for a in ui.stored()} == before
    assert ui.text(window) == original
    assert orphans.count() == 0 and not orphans.isVisibleTo(window)

    window.undo_stack.redo()
    assert {a.id: a.anchor_state for a in ui.stored()}[silt] == "orphan"


def test_an_orphan_is_attached_to_selected_text_and_undo_orphans_it_again(article_window,
                                                                          ui, qtbot):
    window = article_window
    silt = _tag(window, ui, qtbot, "silt rising")
    window.annotating.edit_text(_edited(ui.text(window)))
    orphans = window.findChild(QListWidget, "orphanList")
    orphans.setCurrentRow(0)
    ui.select_words(window, "spoke last")
    qtbot.mouseClick(window.findChild(QPushButton, "attachOrphan"), Qt.MouseButton.LeftButton)
    (attached,) = [a for a in ui.stored() if a.id == silt]
    assert attached.anchor_state == "anchored" and attached.exact == "spoke last"
    assert orphans.count() == 0
    assert silt in window.reader.highlighter.annotations

    window.undo_stack.undo()
    (again,) = [a for a in ui.stored() if a.id == silt]
    assert again.anchor_state == "orphan" and again.exact == "silt rising"
    assert orphans.count() == 1
