"""One-line names (desktop.core.names): what a tag or annotator name may hold, and one-line
fields (titles, outlets, authors) without control characters."""

from __future__ import annotations

import pytest

from desktop.core.errors import InvalidArgumentError
from desktop.core.names import name_problem, one_line, validate_annotator_name
from desktop.core.tagsets import validate_tag_name


@pytest.mark.parametrize(("name", "words"), [
    ("\u202eevil", "a direction control (U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("ev\u2066il\u2069", "a direction control (U+2066 LEFT-TO-RIGHT ISOLATE)"),
    ("right\u200fmark", "a direction control (U+200F RIGHT-TO-LEFT MARK)"),
    ("\u200b", "an invisible formatting character (U+200B ZERO WIDTH SPACE)"),
    ("\ufeff", "an invisible formatting character (U+FEFF ZERO WIDTH NO-BREAK SPACE)"),
    ("\ufeffevidence", "an invisible formatting character (U+FEFF"),
    ("soft\u00adhyphen", "an invisible formatting character (U+00AD SOFT HYPHEN)"),
    ("word\u2060joiner", "(U+2060 WORD JOINER)"),
    ("\u200dx", "a zero width joiner (U+200D) that joins nothing"),
    ("x\u200d", "a zero width joiner (U+200D) that joins nothing"),
    ("a \u200cb", "a zero width non-joiner (U+200C) that joins nothing"),
    ("\u3164", "shows nothing"),
    ("\ufe0f\u034f", "shows nothing"),
    ("a\tb", "a control character (U+0009)"),
    ("a\x85b", "a control character (U+0085)"),
    ("a\u2029b", "a line break (U+2029)"),
    # TAG characters outside an emoji's tag sequence are invisible
    ("a\U000e0067b", "an invisible formatting character (U+E0067 TAG LATIN SMALL LETTER G)"),
    ("\U0001f3f4\U000e0067\U000e0062", "(U+E0067"),  # no CANCEL TAG to end it
    ("x\U000e007f", "(U+E007F CANCEL TAG)"),
    # a joiner after a mark that is no virama (Arabic tanween, an accent) joins nothing:
    # 'كتابٌ' and 'كتابٌ' + ZWJ would look the same
    ("كتابٌ\u200d", "a zero width joiner (U+200D) that joins nothing"),
    ("evidence\u0301\u200d", "a zero width joiner (U+200D) that joins nothing"),
    # TAG letters follow only the black flag
    ("\u2605\U000e0067\U000e007f", "(U+E0067"),
])
def test_names_with_invisible_or_reordering_characters_are_refused(name, words):
    for validate, what in ((validate_tag_name, "tag name"),
                           (validate_annotator_name, "annotator name")):
        with pytest.raises(InvalidArgumentError) as caught:
            validate(name)
        message = caught.value.message
        assert message.startswith(f"{what} '") and words in message, message
        assert f"{what}s are one line of text" in message
        # the message itself is safe to print: every unprintable character is an escape
        assert message.isprintable(), message


@pytest.mark.parametrize("name", [
    "evidence", "Loaded_Language", "  padded  ", "Ана Ивановна", "ناصر", "张伟",
    "می\u200cخواهم",  # Persian: a non-joiner between letters
    "क्\u200dष",  # Devanagari: a joiner between letters
    "👩\u200d💻", "🏳️\u200d🌈",  # emoji sequences
    # England's and Scotland's flags: a flag and TAG letters ended by CANCEL TAG
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "Scots \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f desk",
    # a joiner after a virama ends a word in older Malayalam (chillu) and Devanagari
    "അവന്\u200d", "क्\u200d",
    "O'Neil", "<b>bold<b>",  # markup is text: shown as text, never interpreted
])
def test_names_of_any_script_and_emoji_sequences_are_kept(name):
    assert name_problem(name.strip()) is None
    assert validate_annotator_name(name) == name.strip()
    assert validate_tag_name(name) == name.strip()


def test_lengths_and_emptiness():
    assert validate_annotator_name("a" * 100) == "a" * 100
    with pytest.raises(InvalidArgumentError, match="longer than 100"):
        validate_annotator_name("a" * 101)
    with pytest.raises(InvalidArgumentError, match="longer than 80"):
        validate_tag_name("a" * 81)
    for blank in ("", "   ", "\u3000"):
        with pytest.raises(InvalidArgumentError, match="must not be empty"):
            validate_annotator_name(blank)


@pytest.mark.parametrize(("value", "expected", "count"), [
    ("Harbour plan", "Harbour plan", 0),
    ("Title \x1b]0;PWN\x07 here", "Title ]0;PWN here", 2),
    ("nul\x00in\x00side", "nulinside", 2),
    ("two\nlines", "two lines", 1),
    ("two \r\n lines", "two lines", 2),
    ("tab\tand\u2028separator", "tab and separator", 2),
    ("C1\x9b31m", "C131m", 1),
    ("\x07  edges \x07", "edges", 2),
])
def test_one_line_removes_controls_and_joins_lines(value, expected, count):
    assert one_line(value) == (expected, count)
