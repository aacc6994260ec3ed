"""The desktop app (PySide6): the only package that imports Qt."""

from desktop.ui.main_window import MainWindow, build_main_window

__all__ = ["MainWindow", "build_main_window"]
