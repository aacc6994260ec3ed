"""A guard for the PySide6 6.12 crash on Python 3.11 (docs/architecture.md, platform
notes): many calls returning None must not bring the interpreter down.

The crash is a fatal error of the interpreter (``none_dealloc``), at the loop or at exit,
so the loop runs in a process of its own and the test reads how that process ended.
"""

import os
import subprocess
import sys

LOOP = """
from PySide6.QtGui import QTextCursor, QTextDocument

document = QTextDocument("a\\U0001F600b " * 2000)
cursor = QTextCursor(document)
last = document.characterCount() - 1
for i in range(20_000):
    cursor.setPosition(i % last)
    cursor.setPosition((i * 7) % last, QTextCursor.MoveMode.KeepAnchor)
print(cursor.anchor(), cursor.position(), last)
"""


def test_many_cursor_moves_do_not_crash_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Fatal Python error" not in done.stderr
    # "a", an emoji (two UTF-16 units), "b" and a space: 5 units a repeat, and the end
    last = 5 * 2000
    assert done.stdout.split() == [str(19_999 % last), str(19_999 * 7 % last), str(last)]
