"""Links that open a web page at a passage: URL text fragments (``#:~:text=``).

The syntax is ``#:~:text=[prefix-,]textStart[,textEnd][,-suffix]`` (WICG Scroll To Text
Fragment), supported by Chromium-based browsers and Safari; others open the page top.
Long quotes use a start and end phrase; a quote that occurs more than once in the article
gets the words around it as prefix and suffix so the browser finds the right one.
"""

from __future__ import annotations

import re
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
