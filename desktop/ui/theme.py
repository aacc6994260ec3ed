"""Light and dark themes; "system" follows the desktop's colour scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")


def is_dark(theme: str) -> bool:
    if theme == "dark":
        return True
    if theme == "light":
        return False
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def palette_for(dark: bool) -> QPalette:
    palette = QPalette()
    if dark:
        colors = {
            QPalette.ColorRole.Window: "#26282b", QPalette.ColorRole.WindowText: "#e6e6e6",
            QPalette.ColorRole.Base: "#1d1f21", QPalette.ColorRole.AlternateBase: "#25272a",
            QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#303236",
            QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d6fb4",
            QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#8ab4f8",
            QPalette.ColorRole.ToolTipBase: "#303236", QPalette.ColorRole.ToolTipText: "#e6e6e6",
            QPalette.ColorRole.PlaceholderText: "#8a8d91", QPalette.ColorRole.Mid: "#44474b",
        }
    else:
        colors = {
            QPalette.ColorRole.Window: "#f3f2ef", QPalette.ColorRole.WindowText: "#1f1f1f",
            QPalette.ColorRole.Base: "#fffdf8", QPalette.ColorRole.AlternateBase: "#f6f4ee",
            QPalette.ColorRole.Text: "#1f1f1f", QPalette.ColorRole.Button: "#ebe9e4",
            QPalette.ColorRole.ButtonText: "#1f1f1f", QPalette.ColorRole.Highlight: "#2f6db5",
            QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#1a5fb4",
            QPalette.ColorRole.ToolTipBase: "#fffff0", QPalette.ColorRole.ToolTipText: "#1f1f1f",
            QPalette.ColorRole.PlaceholderText: "#80807c", QPalette.ColorRole.Mid: "#c9c7c1",
        }
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    disabled = QColor("#6c6f73" if dark else "#a4a29c")
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_theme(theme: str) -> bool:
    """Applies ``theme`` to the whole app; returns True when it is dark."""
    app = QApplication.instance()
    dark = is_dark(theme)
    if isinstance(app, QApplication):
        app.setStyle("Fusion")
        app.setPalette(palette_for(dark))
    return dark
