"""Every setting the app keeps between runs, declared once with its type and default.

Backed by QSettings (per user, organisation "Closeread"). Nothing else in the app reads
or writes QSettings: it goes through ``Settings``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Key(Generic[T]):
    name: str
    type: type
    default: Any
    description: str


GEOMETRY: Key[QByteArray] = Key("window/geometry", QByteArray, QByteArray(),
                                "main window position and size")
WINDOW_STATE: Key[QByteArray] = Key("window/state", QByteArray, QByteArray(),
                                    "toolbars and docks")
SPLITTER: Key[QByteArray] = Key("window/splitter", QByteArray, QByteArray(),
                                "widths of the library, reader and sidebar")
FONT_SIZE: Key[int] = Key("reader/font_size", int, 13, "reader font size in points")
THEME: Key[str] = Key("reader/theme", str, "system", "system, light or dark")
SNAP_TO_WORDS: Key[bool] = Key("reader/snap_to_words", bool, True,
                               "widen selections to whole words and trim punctuation")
LAST_ARTICLE: Key[str] = Key("library/last_article", str, "", "the article open at exit")
ANNOTATOR: Key[str] = Key("user/annotator", str, "", "the name on new annotations")

ALL_KEYS = (GEOMETRY, WINDOW_STATE, SPLITTER, FONT_SIZE, THEME, SNAP_TO_WORDS, LAST_ARTICLE,
            ANNOTATOR)


class Settings:
    """Typed access to the app's settings."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.qsettings = qsettings or QSettings("Closeread", "Closeread")

    def get(self, key: Key[T]) -> T:
        value = self.qsettings.value(key.name, key.default)
        if value is None:
            return key.default  # type: ignore[no-any-return]
        if key.type is bool and isinstance(value, str):
            return (value.lower() in ("true", "1", "yes"))  # type: ignore[return-value]
        if key.type is QByteArray:
            return value if isinstance(value, QByteArray) else QByteArray()  # type: ignore[return-value]
        try:
            return key.type(value)  # type: ignore[no-any-return]
        except (TypeError, ValueError):
            return key.default  # type: ignore[no-any-return]

    def set(self, key: Key[T], value: T) -> None:
        self.qsettings.setValue(key.name, value)

    def has(self, key: Key[Any]) -> bool:
        return bool(self.qsettings.contains(key.name))

    def sync(self) -> None:
        self.qsettings.sync()
