"""Names a user reads on one line: tag names and annotator names.

A name comes from outside as often as from the user (a bundle, a JSON-LD file, a label
file, an environment variable), and it is shown in lists, dialogs and terminals, and
written into tab-separated files. So it holds no character that breaks a line or a
listing, moves the terminal's cursor or reorders the text around it, and none that is
invisible, which would make two names look the same ("evidence" and "\\ufeffevidence"):

- control characters (C0, DEL and C1: a tab, a line feed, ESC, BEL, NUL…);
- line and paragraph separators (U+2028, U+2029);
- lone surrogates (a file name's undecodable byte, a JSON "\\ud800");
- format characters (Unicode category Cf): direction controls such as U+202E
  RIGHT-TO-LEFT OVERRIDE, zero-width spaces, the byte-order mark, the soft hyphen. Only
  the zero-width joiner (U+200D, inside emoji sequences) and non-joiner (U+200C, between
  letters in Persian and Indic scripts) are kept, and only between two characters
  that are not spaces, where they join or part something, or after a virama, where they
  shape the letter before them (Malayalam's chillu letters); and the
  TAG characters only in an emoji tag sequence (a subdivision's flag: England's).

A name that is empty once spaces and other invisible characters (fillers, variation
selectors) are left aside is refused too.
"""

from __future__ import annotations

import re
import unicodedata

from desktop.core.errors import InvalidArgumentError

MAX_TAG_NAME = 80
MAX_ANNOTATOR_NAME = 100

ZWNJ = "\u200c"
ZWJ = "\u200d"
_JOINERS = {ZWNJ: "zero width non-joiner", ZWJ: "zero width joiner"}

_NOT_IN_NAMES = {"Cc": "a control character", "Zl": "a line break", "Zp": "a line break",
                 "Cs": "a character that is not valid text"}
# the direction controls: marks, embeddings, overrides and isolates
_DIRECTION = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2066\u2067\u2068\u2069")
# characters that show as nothing but are not format characters (Default_Ignorable_Code_Point
# and blank letters): left aside when asking whether a name is empty
_BLANK = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f"
                   "\u2800\u3164\uffa0" + "".join(chr(c) for c in range(0xFE00, 0xFE10)))

_BLANK_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in _BLANK}


def name_problem(name: str) -> str | None:
    """What makes ``name`` (already stripped) unfit as a one-line name, or None."""
    for index, character in enumerate(name):
        category = unicodedata.category(character)
        what = _NOT_IN_NAMES.get(category)
        if what:
            return f"contains {what} (U+{ord(character):04X})"
        if category != "Cf":
            continue
        if character in _JOINERS:
            before = name[index - 1] if index else ""
            after = name[index + 1] if index + 1 < len(name) else ""
            # after a virama it shapes the letter before it (Malayalam's
            # chillu letters, Devanagari's half forms), even at the end of a word
            if (_joinable(before) and _joinable(after)) or _is_virama(before):
                continue
            return (f"contains a {_JOINERS[character]} (U+{ord(character):04X}) that joins "
                    "nothing: it may stand only between two characters that are not spaces")
        if _TAGS_START <= character <= _CANCEL_TAG and _in_emoji_tag_sequence(name, index):
            continue
        if character in _DIRECTION:
            return (f"contains a direction control ({_code(character)}), which reorders "
                    "the text shown around it")
        return f"contains an invisible formatting character ({_code(character)})"
    if not any(_visible(c) for c in name):
        return "shows nothing (only spaces and invisible characters)"
    return None


# the TAG characters, which follow an emoji to name a subdivision's flag (England:
# U+1F3F4 then "gbeng" in tags then CANCEL TAG)
_BLACK_FLAG = "\U0001f3f4"  # the only base of the subdivision flags Unicode defines
_TAGS_START = "\U000e0020"
_CANCEL_TAG = "\U000e007f"


def _in_emoji_tag_sequence(name: str, index: int) -> bool:
    """Whether the TAG character at ``index`` belongs to an emoji tag sequence: a run of
    TAG characters after the black flag, ended by CANCEL TAG."""
    start = index
    while start > 0 and _TAGS_START <= name[start - 1] <= _CANCEL_TAG:
        start -= 1
    end = index
    while end < len(name) and _TAGS_START <= name[end] < _CANCEL_TAG:
        end += 1
    return (start > 0 and name[start - 1] == _BLACK_FLAG
            and end < len(name) and name[end] == _CANCEL_TAG and end > start)


def _is_virama(character: str) -> bool:
    """A virama (canonical combining class 9), after which a joiner shapes the letter."""
    return bool(character) and unicodedata.combining(character) == 9


def _joinable(character: str) -> bool:
    """A character a joiner may stand beside: not a space, a control or a format
    character (a variation selector is one: an emoji's "🏳️" before a joiner)."""
    return bool(character) and not character.isspace() \
        and unicodedata.category(character) not in ("Cf", "Cc", "Zl", "Zp", "Cs")


def _visible(character: str) -> bool:
    return bool(character) and not character.isspace() and character not in _BLANK \
        and unicodedata.category(character) not in ("Cf", "Cc", "Zl", "Zp", "Cs")


def _code(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def checked_name(name: str, what: str, longest: int) -> str:
    """``name`` stripped, or ``InvalidArgumentError`` saying why it cannot be ``what``
    (``"tag name"``, ``"annotator name"``); the name is shown as ``repr`` shows it, with
    every unprintable character as an escape."""
    stripped = name.strip()
    if not stripped:
        raise InvalidArgumentError(f"{what} must not be empty")
    problem = name_problem(stripped)
    if problem:
        raise InvalidArgumentError(f"{what} {shown(stripped)} {problem}; {what}s are one "
                                   "line of text")
    if len(stripped) > longest:
        raise InvalidArgumentError(
            f"{what} {stripped[:20]!r}… is longer than {longest} characters")
    return stripped


def shown(name: str, longest: int = 40) -> str:
    """``name`` quoted as ``repr`` quotes it (unprintable characters as escapes), blank
    letters escaped too, cut at ``longest`` characters."""
    cut = name if len(name) <= longest else name[:longest - 1] + "…"
    return repr(cut).translate(_BLANK_ESCAPES)


def validate_annotator_name(name: str) -> str:
    """The annotator's name, stripped; refused as ``name_problem`` says."""
    return checked_name(name, "annotator name", MAX_ANNOTATOR_NAME)


# --- one-line fields ---------------------------------------------------------------------

# a line break or a tab in a one-line field stands between two words: a space
_BREAK = "\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029"
_BREAKS = re.compile(f" *[{_BREAK}][ {_BREAK}]*")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def one_line(value: str) -> tuple[str, int]:
    """``value`` (a title, an author, an outlet) as one line: line breaks and tabs become
    a space, every other control character (C0, DEL, C1: NUL, ESC, BEL…) is removed, and
    the ends are stripped; with how many control characters there were. The import
    pipeline removes control characters from an article's title and metadata alike."""
    count = len(_CONTROLS.findall(value))
    if count:
        value = _CONTROLS.sub("", value)
    if _BREAKS.search(value):
        count += sum(len(run.strip(" ")) for run in _BREAKS.findall(value))
        value = _BREAKS.sub(" ", value)
    return value.strip(), count
