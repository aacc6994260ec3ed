"""Snapping a rough selection to whole words, as an analyst means it.

A drag that starts or ends inside a word takes the whole word; whitespace and punctuation
at either edge are trimmed ("the plan," becomes "the plan"), except a closing quote or
bracket that pairs with an opening one inside the passage.
"""

from __future__ import annotations

import unicodedata

_TRIM = set(" \t\n\r\u00a0\u2028\u2029.,;:!?\"'“”‘’«»()[]{}<>—–-…/\\|*_~`")
_PAIRS = {")": "(", "]": "[", "}": "{", "”": "“", "’": "‘", "»": "«", '"': '"'}
_INNER = set("'’-")  # inside a word: don't, full-time


def _is_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def _word_at(text: str, index: int) -> bool:
    """True when ``text[index]`` belongs to a word (letters, digits, marks, inner '-)."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    if _is_word(char):
        return True
    return (char in _INNER and 0 < index < len(text) - 1
            and _is_word(text[index - 1]) and _is_word(text[index + 1]))


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` widened to whole words and trimmed of edge whitespace and punctuation.

    A selection with no word in it is returned unchanged.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    if start == end:
        return start, end
    s, e = start, end
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    if s == e:
        return start, end
    while s > 0 and _word_at(text, s - 1) and _word_at(text, s):
        s -= 1
    while e < len(text) and _word_at(text, e) and _word_at(text, e - 1):
        e += 1
    # keep a closing mark whose opening mark is inside the passage: "(the plan)"
    if e < len(text) and text[e] in _PAIRS and _PAIRS[text[e]] in text[s:e]:
        opened = text[s:e].count(_PAIRS[text[e]])
        closed = text[s:e].count(text[e]) if text[e] != _PAIRS[text[e]] else opened - 1
        if opened > closed:
            e += 1
    return s, e
