"""The main window's menus and their actions, with shortcuts."""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from desktop.ui import settings as keys
from desktop.ui.theme import THEMES

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


def _action(window: MainWindow, text: str, name: str, slot: object,
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None) -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> dict[str, QAction]:
    """Creates the menu bar; returns the actions by object name."""
    from desktop.ui.dialogs import (
        ask_annotator,
        edit_article_text,
        edit_preferences,
        edit_tag_sets,
    )
    from desktop.ui.formats import choose_annotation_files, export_dialog
    from desktop.ui.jobs import choose_import_files, choose_import_folder
    from desktop.ui.team import choose_bundles

    menu = window.menuBar()
    found: dict[str, QAction] = {}

    def add(menu_, *args: object) -> QAction:
        action = _action(window, *args)  # type: ignore[arg-type]
        menu_.addAction(action)
        found[action.objectName()] = action
        return action

    file_menu = menu.addMenu("&File")
    add(file_menu, "&Import files…", "actionImportFiles", lambda: choose_import_files(window),
        QKeySequence.StandardKey.Open)
    add(file_menu, "Import &folder…", "actionImportFolder",
        lambda: choose_import_folder(window), "Ctrl+Shift+O")
    add(file_menu, "Import from &link…", "actionImportLink",
        lambda: _import_link().open_import_link(window), "Ctrl+L")
    file_menu.addSeparator()
    add(file_menu, "Import &annotations…", "actionImportAnnotations",
        lambda: choose_annotation_files(window))
    file_menu.addSeparator()
    add(file_menu, "&Export…", "actionExport", lambda: export_dialog(window), "Ctrl+E")
    file_menu.addSeparator()
    add(file_menu, "Export &bundle…", "actionExportBundle",
        lambda: export_dialog(window, "bundle"))
    add(file_menu, "&Merge bundles…", "actionMergeBundles",
        lambda: choose_bundles(window))
    add(file_menu, "Connect to &team server…", "actionConnectServer",
        lambda: window.sync_status.connect_dialog())
    window.passage_sharing.build_menu(file_menu)
    file_menu.addSeparator()
    add(file_menu, "&Quit", "actionQuit", window.close, QKeySequence.StandardKey.Quit)

    edit_menu = menu.addMenu("&Edit")
    undo = window.undo_stack.createUndoAction(window, "&Undo")
    undo.setObjectName("actionUndo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.undo_stack.createRedoAction(window, "&Redo")
    redo.setObjectName("actionRedo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(QKeySequence.StandardKey.Redo)])
    edit_menu.addAction(undo)
    edit_menu.addAction(redo)
    found["actionUndo"], found["actionRedo"] = undo, redo
    edit_menu.addSeparator()
    add(edit_menu, "Edit &note", "actionEditNote", window.sidebar.focus_note, "Ctrl+Shift+N")
    add(edit_menu, "Move passage to &selection", "actionSetBounds",
        window.annotating.move_current_to_selection, "Ctrl+B")
    add(edit_menu, "&Delete passage", "actionDelete", window.annotating.delete_current)
    add(edit_menu, "Edit article &text…", "actionEditText", lambda: edit_article_text(window))
    edit_menu.addSeparator()
    add(edit_menu, "&Find in article…", "actionFind", window.find_bar.open_bar,
        QKeySequence.StandardKey.Find)
    add(edit_menu, "Find ne&xt", "actionFindNext", window.find_bar.find_next, "F3")
    add(edit_menu, "Find pre&vious", "actionFindPrevious", window.find_bar.find_previous,
        "Shift+F3")

    def search_library() -> None:
        window.left_tabs.setCurrentWidget(window.search_panel)
        window.search_panel.box.setFocus()
        window.search_panel.box.selectAll()

    add(edit_menu, "&Search the library…", "actionSearchLibrary", search_library,
        "Ctrl+Shift+F")
    edit_menu.addSeparator()
    add(edit_menu, "Change &annotator…", "actionAnnotator", lambda: ask_annotator(window))
    add(edit_menu, "&Preferences…", "actionPreferences", lambda: edit_preferences(window),
        QKeySequence.StandardKey.Preferences)

    view_menu = menu.addMenu("&View")
    add(view_menu, "&Larger text", "actionZoomIn", lambda: window.change_font_size(1),
        QKeySequence.StandardKey.ZoomIn)
    add(view_menu, "&Smaller text", "actionZoomOut", lambda: window.change_font_size(-1),
        QKeySequence.StandardKey.ZoomOut)
    theme_menu = view_menu.addMenu("&Theme")
    group = QActionGroup(window)
    current = window.settings.get(keys.THEME)
    for theme in THEMES:
        action = add(theme_menu, theme.capitalize(), f"actionTheme{theme.capitalize()}",
                     lambda t=theme: window.set_theme(t))
        action.setCheckable(True)
        action.setChecked(theme == current)
        group.addAction(action)

    review_menu = menu.addMenu("&Review")
    add(review_menu, "&New review session…", "actionReviewNew",
        lambda: _review_sessions().new_session(window))
    add(review_menu, "&Open review session…", "actionReviewOpen",
        lambda: _review_sessions().choose_session(window), "Ctrl+Shift+R")

    tags_menu = menu.addMenu("&Tags")
    add(tags_menu, "&Edit tags and tag sets…", "actionEditTags", lambda: edit_tag_sets(window),
        "Ctrl+T")
    for tag_set in window.library.tags.tag_sets():
        name = str(tag_set["name"])
        add(tags_menu, f"Use the {tag_set['title']} set", f"actionUseSet:{name}",
            lambda n=name: window_use_set(window, n))
    return found


def _import_link() -> ModuleType:
    """The link dialog, loaded when first opened: a start of the app does not load the
    HTTP client."""
    from desktop.ui import import_link

    return import_link


def _review_sessions() -> ModuleType:
    """The review windows, loaded when first opened: a start of the app does not pay for
    them (SVG, alignment, agreement)."""
    from desktop.ui import review_sessions

    return review_sessions


def window_use_set(window: MainWindow, name: str) -> None:
    from desktop.ui.tag_commands import UseTagSet

    window.undo_stack.push(UseTagSet(window.editor, name))
