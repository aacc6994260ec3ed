"""A guard for the PySide6 6.12 crash on Python 3.11 (docs/architecture.md, platform
notes): many calls returning None must not bring the interpreter down."""

from PySide6.QtGui import QTextCursor, QTextDocument


def test_many_cursor_moves_do_not_crash(qapp):
    document = QTextDocument("a😀b " * 2000)
    cursor = QTextCursor(document)
    last = document.characterCount() - 1
    for i in range(20_000):
        cursor.setPosition(i % last)
        cursor.setPosition((i * 7) % last, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.hasSelection() or cursor.position() == cursor.anchor()
