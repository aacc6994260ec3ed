from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from desktop.ui.positions import TextPositions

TEXT = "a😀b e\u0301 👩🏽‍🔬 c\nd𝄞"


def test_conversion_matches_a_real_qt_document(qapp):
    document = QTextDocument()
    QTextCursor(document).insertText(TEXT)
    positions = TextPositions(TEXT)
    for offset in range(len(TEXT) + 1):
        qt = positions.to_qt(offset)
        cursor = QTextCursor(document)
        cursor.setPosition(0)
        cursor.setPosition(qt, QTextCursor.MoveMode.KeepAnchor)
        # Qt writes a block break as U+2029 in selectedText
        assert cursor.selectedText().replace("\u2029", "\n") == TEXT[:offset]
        assert positions.from_qt(qt) == offset
    assert positions.qt_length == document.characterCount() - 1


def test_a_position_inside_a_surrogate_pair_moves_past_the_character():
    positions = TextPositions("a😀b")
    assert positions.from_qt(2) == 2  # between the two halves of the emoji
    assert positions.to_qt(2) == 3


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_round_trip_for_any_text(text):
    positions = TextPositions(text)
    for offset in range(len(text) + 1):
        assert positions.from_qt(positions.to_qt(offset)) == offset
