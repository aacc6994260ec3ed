"""Text position and text quote selectors over an article's canonical text.

Offsets are Unicode code point indices into ``article.text``, 0-based, end exclusive
(docs/architecture.md, invariant 1), as in the W3C TextPositionSelector.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.errors import AmbiguousQuoteError, OffsetError, QuoteNotFoundError

CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Selection:
    """A passage of a text: both selectors at once."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def select_range(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Selection:
    """The selectors of ``text[start:end]``; refuses empty, reversed or out-of-range offsets."""
    length = len(text)
    if start < 0 or end < 0:
        raise OffsetError(f"offsets must not be negative (got --start {start} --end {end})")
    if start > length or end > length:
        raise OffsetError(
            f"offsets {start}..{end} are out of range: the article has {length} characters"
        )
    if end < start:
        raise OffsetError(f"offsets are reversed: --start {start} is after --end {end}")
    if end == start:
        raise OffsetError(f"the passage {start}..{end} is empty")
    return Selection(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def w3c_selectors(start: int | None, end: int | None, exact: str | None,
                  prefix: str | None, suffix: str | None,
                  anchored: bool = True) -> list[dict[str, object]]:
    """A passage's W3C selectors, as JSON: its TextPositionSelector (when it is anchored:
    an orphan has no place) and its TextQuoteSelector."""
    found: list[dict[str, object]] = []
    if anchored:
        found.append({"type": "TextPositionSelector", "start": start, "end": end})
    found.append({"type": "TextQuoteSelector", "exact": exact, "prefix": prefix,
                  "suffix": suffix})
    return found


def quote_occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``text``, overlapping ones included."""
    if not quote:
        return []
    found = []
    at = text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def select_quote(
    text: str, quote: str, occurrence: int | None = None, context: int = CONTEXT_CHARS
) -> Selection:
    """The selectors of ``quote`` in ``text``.

    ``occurrence`` is 1-based; without it the quote must occur exactly once.
    """
    if not quote:
        raise QuoteNotFoundError("the quote is empty")
    starts = quote_occurrences(text, quote)
    if not starts:
        raise QuoteNotFoundError(f"quote not found in the article: {_short(quote)!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise AmbiguousQuoteError(
                f"the quote {_short(quote)!r} occurs {len(starts)} times; "
                f"choose one with --occurrence 1..{len(starts)}",
                count=len(starts),
            )
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise QuoteNotFoundError(
            f"--occurrence {occurrence} is out of range: the quote {_short(quote)!r} "
            f"occurs {len(starts)} time{'s' if len(starts) != 1 else ''}"
        )
    start = starts[occurrence - 1]
    return select_range(text, start, start + len(quote), context)


def is_unique(text: str, quote: str, start: int) -> bool:
    """True when ``quote`` occurs in ``text`` only at ``start``."""
    return text.find(quote) == start and text.find(quote, start + 1) == -1


def _short(quote: str, limit: int = 60) -> str:
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"
