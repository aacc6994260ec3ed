"""Links that open a web page at a passage: URL text fragments (``#:~:text=``).

The syntax is ``#:~:text=[prefix-,]textStart[,textEnd][,-suffix]`` (WICG Scroll To Text
Fragment), supported by Chromium-based browsers and Safari; others open the page top.
Long quotes use a start and end phrase; a quote that occurs more than once in the article
gets the words around it as prefix and suffix so the browser finds the right one.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote as _percent

_SPACE = re.compile(r"\s+")
_EDGE_WORDS = 4  # words of a long quote's start and end phrases
_CONTEXT_WORDS = 3  # words of prefix and suffix context
_LONG_QUOTE_WORDS = 10


def _encode(text: str) -> str:
    # '-', ',' and '&' are syntax inside a text directive, so they are escaped as well
    return _percent(text, safe="").replace("-", "%2D")


def _words(text: str) -> list[str]:
    return _SPACE.sub(" ", text).strip().split(" ")


def text_fragment_link(url: str, quote: str, prefix: str = "", suffix: str = "",
                       unique: bool = True) -> str:
    """``url`` with a text fragment selecting ``quote``; context added when not ``unique``."""
    base = url.split("#", 1)[0]
    words = [w for w in _words(quote) if w]
    if not words:
        return base
    if len(words) > _LONG_QUOTE_WORDS:
        directive = (_encode(" ".join(words[:_EDGE_WORDS])) + ","
                     + _encode(" ".join(words[-_EDGE_WORDS:])))
    else:
        directive = _encode(" ".join(words))
    if not unique:
        before = [w for w in _words(prefix) if w][-_CONTEXT_WORDS:]
        after = [w for w in _words(suffix) if w][:_CONTEXT_WORDS]
        # a context cut mid-word would not match; drop the partial word at the far edge
        if before and prefix and not prefix[0].isspace() and len(before) == len(_words(prefix)):
            before = before[1:]
        if after and suffix and not suffix[-1].isspace() and len(after) == len(_words(suffix)):
            after = after[:-1]
        if before:
            directive = _encode(" ".join(before)) + "-," + directive
        if after:
            directive = directive + ",-" + _encode(" ".join(after))
    return f"{base}#:~:text={directive}"


class _EncodedWords(dict[str, str]):
    """Each word's ``_encode``, computed once: percent-encoding works character by
    character, so a run of words encodes as its words' encodings joined by ``%20``, and
    the words of an article's passages and their context recur many times."""

    def __missing__(self, word: str) -> str:
        encoded = self[word] = _encode(word)
        return encoded


class FragmentLinks:
    """The text-fragment links of many passages, as ``text_fragment_link`` makes them
    with ``is_unique`` deciding on context, at a fraction of the cost: what depends only
    on the quote (where it occurs in the article, its directive) is worked out once per
    article and quote, and each word is encoded once.

    ``article(url, text)`` starts an article; ``link(quote, start, prefix, suffix)`` is then
    the link to that article's passage. An export makes one and feeds it its articles in
    turn; it holds one article's quotes and the words seen so far.
    """

    _MAX_WORDS = 200_000  # the word cache starts again past this many words

    def __init__(self) -> None:
        self._encoded = _EncodedWords()
        self._base = ""  # the url without its fragment
        self._head = ""  # and with the directive's start
        self._text = ""
        # by quote: where it first occurs in the text, where next (_UNSEEN until asked),
        # and its directive without context
        self._quotes: dict[str, list[Any]] = {}

    def article(self, url: str, text: str) -> None:
        """The article whose passages ``link`` gives links to from now on."""
        self._base = url.split("#", 1)[0]
        self._head = f"{self._base}#:~:text="
        self._text = text
        self._quotes = {}
        if len(self._encoded) > self._MAX_WORDS:
            self._encoded.clear()

    @property
    def base(self) -> str:
        """The current article's url without its fragment: every link starts with it."""
        return self._base

    def link(self, quote: str, start: int, prefix: str, suffix: str) -> str:
        """``text_fragment_link(url, quote, prefix, suffix, is_unique(text, quote, start))``
        for the current article's ``url`` and ``text``."""
        known = self._quotes.get(quote)
        if known is None:
            known = self._quotes[quote] = self._quote(quote)
        first, second, directive = known
        if not directive:
            return self._base
        if first == start:
            # is_unique: the first occurrence is this one, and there is no other; where
            # the next one is matters only here, so it is looked for only here
            if second == _UNSEEN:
                second = known[1] = self._text.find(quote, first + 1)
            if second == -1:
                return self._head + directive
        # str.split splits on the whitespace _words does and drops the empty words that
        # text_fragment_link filters out; with a limit it splits off only the words wanted
        # (the rest, one more part, is not context)
        # A context cut mid-word would not match: the partial word at the far edge goes
        # (the context is cut when it has no more words than are wanted)
        before = prefix.rsplit(None, _CONTEXT_WORDS)
        if len(before) > _CONTEXT_WORDS or (before and not prefix[0].isspace()):
            before = before[1:]  # the rest before the words wanted, or the partial word
        if before:
            directive = self._words(before) + "-," + directive
        after = suffix.split(None, _CONTEXT_WORDS)
        if len(after) > _CONTEXT_WORDS or (after and not suffix[-1].isspace()):
            after = after[:-1]  # the rest after the words wanted, or the partial word
        if after:
            directive = directive + ",-" + self._words(after)
        return self._head + directive

    def _words(self, words: list[str]) -> str:
        """``_encode(" ".join(words))``: as they are when they are plain letters and digits
        (most are), else each word's encoding."""
        plain = "".join(words)
        if plain.isascii() and plain.isalnum():
            return "%20".join(words)
        return "%20".join(map(self._encoded.__getitem__, words))

    def _quote(self, quote: str) -> list[Any]:
        """Where ``quote`` first occurs in the text, that the next occurrence is not looked
        for yet, and the quote's directive without context ("" when it has no words)."""
        words = quote.split()
        if len(words) > _LONG_QUOTE_WORDS:
            directive = (self._words(words[:_EDGE_WORDS]) + ","
                         + self._words(words[-_EDGE_WORDS:]))
        else:
            directive = self._words(words) if words else ""
        return [self._text.find(quote), _UNSEEN, directive]


_UNSEEN = -2  # an occurrence not looked for yet
