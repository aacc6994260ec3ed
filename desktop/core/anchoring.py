"""Re-anchoring annotations when an article's text changes (docs/architecture.md,
invariant 4).

An annotation stores where it was (``start``, ``end``: code point offsets, end exclusive)
and what it was (``exact`` with about ``CONTEXT_CHARS`` of ``prefix`` and ``suffix``). When
the article's text changes from ``old_text`` to ``new_text``, :func:`reanchor` puts every
annotation back on the same words, or makes it an orphan: kept with its quote, without a
position. It never moves an annotation to unrelated text and never drops one.

How the old text became the new one is computed once per article (:class:`EditMap`): a
diff of words (each word with the whitespace after it) with ``rapidfuzz``'s Indel (LCS)
opcodes. Kept words no longer than the changes on both sides of them are dropped as a
coincidence (diff-match-patch's semantic cleanup): common words matched across a rewritten
paragraph are not "kept text", and a word matched to the wrong copy of itself is not
trusted. Every changed stretch is then diffed character by character when it is at most
``CHAR_DIFF_CELLS`` old x new characters (a typo fix, a word, a sentence); a larger
rewrite keeps nothing, so a passage moved out of it can still be found elsewhere.
Offsets are mapped through the result: a start to the first character after it that
survived (or the start of the text that replaced it), an end to just after the last one
(or the end of the replacement).

The attempts, in order; the first that succeeds wins (``Anchoring.method``):

1. ``unchanged``: the text did not change and ``text[start:end] == exact``. No diff at all.
2. ``position``: the passage lies in text the edit kept; its offsets are mapped.
3. ``quote`` in place: an exact occurrence of the quote at most ``len(exact)`` characters
   from where the passage went (the mapped range): one overlapping the range first, then
   the nearest the mapped start, prefix and suffix agreement breaking ties. An occurrence
   that the diff kept from another place of the old text (one not overlapping the passage)
   is those other words and is not taken, unless the diff kept none of the passage's
   characters (then it may have matched the passage to a neighbouring copy of it: "the
   the" -> "the").
4. ``fuzzy`` in place: the passage was edited where it stands: the substring of the new
   text closest to the quote within the mapped range widened by the allowed number of
   errors on each side (so it always overlaps the range), if it is close enough (below).
   Landing in place is what "the edited words" means. If this fails and the
   diff kept any of the passage's characters, the passage was edited beyond recognition
   where it stands: it is an orphan; the same words elsewhere are other words.
5. ``quote`` elsewhere (only for a passage none of whose characters the diff kept, deleted
   or moved away): an exact occurrence anywhere whose surroundings agree with the
   stored prefix and suffix (a moved passage); the nearest to the mapped start wins, ties
   go to the better context. An anchor whose stored offsets are out of range or do not
   hold the quote starts here, its clamped start mapped through the edit as the hint.
6. ``fuzzy`` elsewhere: the best approximate match near the mapped start (within
   ``NEAR_CHARS``) and in the whole text, each refined as in 4 and accepted only if close
   enough and its context agrees; the better by the ranking score below wins.
7. ``orphan``: nothing above held. An empty quote is always an orphan.

Rules and constants:

- Close enough: ``Levenshtein(exact, found) <= len(exact) * MAX_ERROR_PERCENT // 100``,
  that is at most 20 % of the quote's characters inserted, deleted or substituted,
  rounded down; so a quote shorter than 5 characters is only ever matched exactly.
- Context agreement: the mean of the normalized Levenshtein similarities of the stored
  prefix with the ``max(len(prefix), CONTEXT_CHARS)`` characters before the match (fewer
  at the start of the text) and of the stored suffix with those after it; a stored side
  shorter than ``CONTEXT_CHARS`` thus says the text began or ended there. It must be at least
  ``CONTEXT_MIN`` (0.5) for a match away from the passage's place (steps 5 and 6).
  Unrelated English runs of 32 characters score about 0.2-0.35; a passage moved with one
  side of its context intact scores at least 0.5.
- Ranking score of a fuzzy candidate (step 6): ``0.5 * quote similarity + 0.2 * prefix
  similarity + 0.2 * suffix similarity + 0.1 * proximity``, where quote similarity is
  ``1 - distance / len(exact)`` and proximity is ``1 / (1 + chars from the hint / 1000)``.
- Snapping a fuzzy match: rapidfuzz's ``partial_ratio_alignment`` (and the mapped range
  itself, in place) give a first window; its start and end then move by up to
  ``min(allowed errors + 2, REFINE_LIMIT)`` characters to the real range of the new text
  whose ends split no word (unless the stored passage's did) and part no character from
  its combining marks, joiners, variation selectors or skin tone (a match that does is
  never accepted), with the smallest Levenshtein distance to the quote; then the length
  nearest the quote's, then the nearest. Last, whitespace the match has at an edge where
  the quote has none is left out if the match stays close enough.
- ``Anchoring.score`` is how alike the found text is to the quote: 1.0 for the exact
  methods, ``1 - distance / len(exact)`` (so at least 0.8) for fuzzy, 0.0 for an orphan.

Carriage returns, emoji, combining marks and right-to-left text are ordinary code points
here; nothing is normalized, so offsets stay the ones the article's text has.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, Levenshtein

from desktop.core.model import ANCHORED, ORPHAN
from desktop.core.selectors import CONTEXT_CHARS, select_range

UNCHANGED = "unchanged"
POSITION = "position"
QUOTE = "quote"
FUZZY = "fuzzy"
METHODS = (UNCHANGED, POSITION, QUOTE, FUZZY, ORPHAN)

MAX_ERROR_PERCENT = 20
CONTEXT_MIN = 0.5
NEAR_CHARS = 2000
REFINE_LIMIT = 64
PROXIMITY_CHARS = 1000
WEIGHTS = {"quote": 0.5, "prefix": 0.2, "suffix": 0.2, "proximity": 0.1}
# a changed stretch bigger than this (old x new characters, about two sentences) is not
# diffed character by character: letters matched across a rewrite that large are
# coincidences, and they would tie a passage moved out of it to its old place
CHAR_DIFF_CELLS = 40_000

_TOKEN = re.compile(r"\S+\s*|\s+")
_JOINERS = {"\u200c", "\u200d", "\ufe0e", "\ufe0f"}


@dataclass(frozen=True, slots=True)
class Anchor:
    """An annotation's stored selectors: where it was and what it said."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Anchoring:
    """Where an annotation lands in the new text, or that it is an orphan.

    ``state`` is ``"anchored"`` or ``"orphan"``; an orphan has no ``start``/``end`` and keeps
    its stored quote and context. An anchored result has ``exact == new_text[start:end]``
    and its prefix and suffix taken from the new text.
    """

    state: str
    start: int | None
    end: int | None
    exact: str
    prefix: str
    suffix: str
    method: str
    score: float

    @property
    def anchored(self) -> bool:
        return self.state == ANCHORED


_SET_STATE, _SET_START, _SET_END, _SET_EXACT, _SET_PREFIX, _SET_SUFFIX, _SET_METHOD, _SET_SCORE = (
    getattr(Anchoring, name).__set__ for name in Anchoring.__slots__
)


def _unchanged(start: int, end: int, exact: str, prefix: str, suffix: str) -> Anchoring:
    """``Anchoring(ANCHORED, start, end, exact, prefix, suffix, UNCHANGED, 1.0)``, 3x faster.

    A frozen dataclass's ``__init__`` costs about 1.7 µs (an ``object.__setattr__`` call
    per field); the unchanged-text path builds one per annotation, 10,000 for a long
    article, so it fills the slots directly.
    """
    result = object.__new__(Anchoring)
    _SET_STATE(result, ANCHORED)
    _SET_START(result, start)
    _SET_END(result, end)
    _SET_EXACT(result, exact)
    _SET_PREFIX(result, prefix)
    _SET_SUFFIX(result, suffix)
    _SET_METHOD(result, UNCHANGED)
    _SET_SCORE(result, 1.0)
    return result


def max_errors(length: int) -> int:
    """The most characters a fuzzy match of a quote this long may differ by."""
    return length * MAX_ERROR_PERCENT // 100


def reanchor(old_text: str, new_text: str, anchors: Sequence[Anchor]) -> list[Anchoring]:
    """Where each of ``anchors`` (stored against ``old_text``) lands in ``new_text``.

    Results are in the order of ``anchors``. Nothing is raised for a bad anchor: one whose
    offsets are out of range or do not hold its quote is located by its quote, or orphaned.
    """
    if old_text == new_text:
        results: list[Anchoring] = []
        size = len(new_text)
        locator: _Locator | None = None
        for anchor in anchors:
            start, end, exact = anchor.start, anchor.end, anchor.exact
            if exact and 0 <= start < end <= size and new_text[start:end] == exact:
                prefix = new_text[max(0, start - CONTEXT_CHARS) : start]
                suffix = new_text[end : end + CONTEXT_CHARS]
                results.append(_unchanged(start, end, exact, prefix, suffix))
            else:
                locator = locator or _Locator(old_text, new_text, EditMap.identity(size))
                results.append(locator.locate(anchor))
        return results
    locator = _Locator(old_text, new_text, EditMap.between(old_text, new_text))
    return [locator.locate(anchor) for anchor in anchors]


class EditMap:
    """How ``old`` became ``new``: the stretches of text the edit kept, to map offsets."""

    def __init__(self, old_len: int, new_len: int, kept: list[tuple[int, int, int]]) -> None:
        # kept: (old start, old end, new start) of each kept stretch, in order, disjoint
        self.old_len = old_len
        self.new_len = new_len
        self._old_starts = [block[0] for block in kept]
        self._old_ends = [block[1] for block in kept]
        self._new_starts = [block[2] for block in kept]

    @classmethod
    def identity(cls, length: int) -> EditMap:
        """The map of a text that did not change."""
        return cls(length, length, [(0, length, 0)] if length else [])

    @classmethod
    def between(cls, old: str, new: str) -> EditMap:
        """The map from ``old`` to ``new``: a word diff refined to characters where changed."""
        if old == new:
            return cls.identity(len(old))
        old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
        old_at = list(accumulate(map(len, old_tokens), initial=0))
        new_at = list(accumulate(map(len, new_tokens), initial=0))
        words: list[tuple[int, int, int]] = []
        for op in Indel.opcodes(old_tokens, new_tokens):
            if op.tag == "equal":
                _keep(words, old_at[op.src_start], old_at[op.src_end], new_at[op.dest_start])
        # a word or two matched between changes may be matched to the wrong copy (LCS has
        # many equal answers); the characters of the whole changed stretch decide instead
        words = _without_strays(words, len(old), len(new))
        words = _slid_to_their_copies(old, new, words)
        kept: list[tuple[int, int, int]] = []
        old_from = new_from = 0
        for old_start, old_end, new_start in [*words, (len(old), len(old), len(new))]:
            _diff_chars(old, new, old_from, old_start, new_from, new_start, kept)
            _keep(kept, old_start, old_end, new_start)
            old_from, new_from = old_end, new_start + old_end - old_start
        return cls(len(old), len(new), kept)

    def keeps(self, start: int, end: int) -> bool:
        """True when ``old[start:end]`` is wholly in one stretch the edit kept."""
        k = bisect_right(self._old_starts, start) - 1
        return k >= 0 and end <= self._old_ends[k]

    def keeps_any(self, start: int, end: int) -> bool:
        """True when the edit kept at least one character of ``old[start:end]``."""
        k = bisect_right(self._old_starts, start) - 1
        if k >= 0 and start < self._old_ends[k]:
            return True
        return k + 1 < len(self._old_starts) and self._old_starts[k + 1] < end

    def source(self, start: int, end: int) -> int | None:
        """Where ``new[start:end]`` was in the old text, if the edit kept it in one piece."""
        k = bisect_right(self._new_starts, start) - 1
        if k < 0:
            return None
        offset = start - self._new_starts[k]
        if end - self._new_starts[k] > self._old_ends[k] - self._old_starts[k]:
            return None
        return self._old_starts[k] + offset

    def map_start(self, offset: int) -> int:
        """Where a passage starting at ``offset`` in the old text starts in the new one."""
        k = bisect_right(self._old_starts, offset) - 1
        if k >= 0 and offset < self._old_ends[k]:
            return self._new_starts[k] + offset - self._old_starts[k]
        # inside changed text: from the start of what replaced it
        if k < 0:
            return 0
        return self._new_starts[k] + self._old_ends[k] - self._old_starts[k]

    def map_end(self, offset: int) -> int:
        """Where a passage ending at ``offset`` (exclusive) in the old text ends in the new."""
        last = offset - 1
        k = bisect_right(self._old_starts, last) - 1
        if k >= 0 and last < self._old_ends[k]:
            return self._new_starts[k] + offset - self._old_starts[k]
        # inside changed text: to the end of what replaced it
        return self._new_starts[k + 1] if k + 1 < len(self._new_starts) else self.new_len


def _keep(kept: list[tuple[int, int, int]], old_start: int, old_end: int, new_start: int) -> None:
    if old_end <= old_start:
        return
    if kept:
        last_start, last_end, last_new = kept[-1]
        if last_end == old_start and last_new + last_end - last_start == new_start:
            kept[-1] = (last_start, old_end, last_new)
            return
    kept.append((old_start, old_end, new_start))


def _without_strays(
    kept: list[tuple[int, int, int]], old_len: int, new_len: int
) -> list[tuple[int, int, int]]:
    """``kept`` without the stray matches inside rewritten text.

    A kept stretch no longer than the changes on both sides of it (the larger of what was
    removed and what was put in) is a coincidence of common words, not text the edit kept;
    it becomes part of the change (diff-match-patch's semantic cleanup).
    """

    def change(before: tuple[int, int, int] | None, after: tuple[int, int, int] | None) -> int:
        old_from, new_from = (before[1], before[2] + before[1] - before[0]) if before else (0, 0)
        old_to, new_to = (after[0], after[2]) if after else (old_len, new_len)
        return max(old_to - old_from, new_to - new_from)

    out: list[tuple[int, int, int]] = []
    for block in [*kept, None]:
        while out:
            last = out[-1]
            length = last[1] - last[0]
            previous = out[-2] if len(out) > 1 else None
            if length <= change(previous, last) and length <= change(last, block):
                out.pop()  # and look again at the one before, now next to a larger change
            else:
                break
        if block is not None:
            out.append(block)
    return out


def _slid_to_their_copies(
    old: str, new: str, kept: list[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    """``kept`` with each stretch moved onto the neighbouring copy of itself in the old
    text when that copy explains the edit better.

    When the old text has the same words twice in a row and the edit removed one copy,
    the word diff may keep either; the one it picks decides where passages on those words
    go. The copy whose choice leaves more characters kept in the changes on both sides
    (by a character diff, as ``_diff_chars`` will do) is the one the edit kept: "x A A"
    -> "x' A" removed the first A when the new text's "x'" still holds a character of it.
    """
    out = list(kept)
    for index, (start, end, new_start) in enumerate(out):
        length = end - start
        before = out[index - 1] if index else None
        after = out[index + 1] if index + 1 < len(out) else None
        old_from, new_from = (before[1], before[2] + before[1] - before[0]) if before \
            else (0, 0)
        old_to, new_to = (after[0], after[2]) if after else (len(old), len(new))

        best, best_kept = start, -1
        for at in (start - length, start + length):
            if old_from <= at and at + length <= old_to and old[at:at + length] == \
                    old[start:end]:
                if best_kept < 0:
                    best_kept = _kept_around(old, new, start, length, new_start,
                                             (old_from, new_from), (old_to, new_to))
                found = _kept_around(old, new, at, length, new_start, (old_from, new_from),
                                     (old_to, new_to))
                if found > best_kept:
                    best, best_kept = at, found
        out[index] = (best, best + length, new_start)
    return out


def _kept_around(old: str, new: str, at: int, length: int, new_start: int,
                 since: tuple[int, int], until: tuple[int, int]) -> int:
    """Characters the changes on both sides of a kept stretch at ``old[at:at+length]``
    (-> ``new[new_start:...]``) would keep, between the kept stretches ending at ``since``
    and starting at ``until`` (old, new offsets)."""
    return (_kept_chars(old, new, since[0], at, since[1], new_start)
            + _kept_chars(old, new, at + length, until[0], new_start + length, until[1]))


def _kept_chars(old: str, new: str, a1: int, a2: int, b1: int, b2: int) -> int:
    """How many characters ``_diff_chars`` would keep of old[a1:a2] -> new[b1:b2]."""
    if a1 >= a2 or b1 >= b2 or (a2 - a1) * (b2 - b1) > CHAR_DIFF_CELLS:
        return 0
    a, b = old[a1:a2], new[b1:b2]
    return (len(a) + len(b) - Indel.distance(a, b)) // 2


def _diff_chars(
    old: str, new: str, a1: int, a2: int, b1: int, b2: int, kept: list[tuple[int, int, int]]
) -> None:
    """Adds the characters kept inside a changed stretch of words."""
    if a1 == a2 or b1 == b2 or (a2 - a1) * (b2 - b1) > CHAR_DIFF_CELLS:
        return
    a, b = old[a1:a2], new[b1:b2]
    forward = [(op.src_start, op.src_end, op.dest_start)
               for op in Indel.opcodes(a, b) if op.tag == "equal"]
    # LCS has many equal answers and takes the first; the same characters aligned from
    # the other end, or by longest common runs first (Ratcliff/Obershelp), may keep as
    # many in fewer pieces, and fewer pieces is the edit the writer made ("x A y A" -> "A"
    # removed "x A y", not "x" and "y A", when the kept A comes with what follows it)
    backward = [(len(a) - op.src_end, len(a) - op.src_start, len(b) - op.dest_end)
                for op in reversed(Indel.opcodes(a[::-1], b[::-1])) if op.tag == "equal"]
    runs = [(block.a, block.a + block.size, block.b) for block in
            SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks() if block.size]
    best = min((forward, backward, runs),
               key=lambda blocks: (-sum(end - start for start, end, _ in blocks), len(blocks)))
    for start, end, new_start in best:
        _keep(kept, a1 + start, a1 + end, b1 + new_start)


def _is_word(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char)[0] == "M"


def _splits_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and _is_word(text[at - 1]) and _is_word(text[at])


def _splits_character(text: str, at: int) -> bool:
    """True when ``at`` parts a character from its combining marks, joiners or selectors."""
    if not 0 < at < len(text):
        return False
    after, before = text[at], text[at - 1]
    return (
        unicodedata.category(after)[0] == "M"
        or after in _JOINERS
        or before == "\u200d"
        or "\U0001f3fb" <= after <= "\U0001f3ff"
    )


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    distance: int
    penalty: int = 0  # ends that split a word or a character: never accepted
    score: float = 0.0

    def within(self, allowed: int) -> bool:
        return self.penalty == 0 and self.distance <= allowed


class _Locator:
    """Locates anchors of one article: the texts and their edit map, shared by all."""

    def __init__(self, old: str, new: str, edits: EditMap) -> None:
        self.old = old
        self.new = new
        self.edits = edits

    def locate(self, anchor: Anchor) -> Anchoring:
        exact, old, new = anchor.exact, self.old, self.new
        if not exact:
            return self._orphan(anchor)
        length = len(exact)
        valid = (
            0 <= anchor.start < anchor.end <= len(old) and old[anchor.start : anchor.end] == exact
        )
        if valid:
            start, end = self.edits.map_start(anchor.start), self.edits.map_end(anchor.end)
            if self.edits.keeps(anchor.start, anchor.end) and new[start:end] == exact:
                return self._anchored(start, end, POSITION, 1.0)
            hint = start
            at = self._quote_in_place(anchor, start, end)
            if at is not None:
                return self._anchored(at, at + length, QUOTE, 1.0)
            cuts = (_splits_word(old, anchor.start), _splits_word(old, anchor.end))
            match = self._fuzzy_in_place(exact, start, end, cuts)
            if match is not None:
                return self._fuzzy(match, length)
            if self.edits.keeps_any(anchor.start, anchor.end):
                # edited where it stands beyond recognition: the same words elsewhere are
                # other words, however alike their surroundings
                return self._orphan(anchor)
        else:
            hint = min(self.edits.map_start(min(max(anchor.start, 0), len(old))), len(new))
            cuts = (False, False)
        at = self._quote_elsewhere(anchor, hint)
        if at is not None:
            return self._anchored(at, at + length, QUOTE, 1.0)
        match = self._fuzzy_elsewhere(anchor, hint, cuts)
        if match is not None:
            return self._fuzzy(match, length)
        return self._orphan(anchor)

    # --- results ---------------------------------------------------------------------------

    def _anchored(self, start: int, end: int, method: str, score: float) -> Anchoring:
        selection = select_range(self.new, start, end)
        return Anchoring(
            ANCHORED, start, end, selection.exact, selection.prefix, selection.suffix, method, score
        )

    def _fuzzy(self, match: _Match, length: int) -> Anchoring:
        return self._anchored(match.start, match.end, FUZZY, 1 - match.distance / length)

    @staticmethod
    def _orphan(anchor: Anchor) -> Anchoring:
        return Anchoring(
            ORPHAN, None, None, anchor.exact, anchor.prefix, anchor.suffix, ORPHAN, 0.0
        )

    # --- context ---------------------------------------------------------------------------

    def _context(self, anchor: Anchor, start: int, end: int) -> tuple[float, float]:
        """Similarity of the stored prefix and suffix to the new text around a match."""
        new = self.new
        # a stored side shorter than CONTEXT_CHARS says the text began (ended) there: a
        # match with more text on that side disagrees
        before = new[max(0, start - max(len(anchor.prefix), CONTEXT_CHARS)) : start]
        after = new[end : end + max(len(anchor.suffix), CONTEXT_CHARS)]
        return (
            Levenshtein.normalized_similarity(anchor.prefix, before),
            Levenshtein.normalized_similarity(anchor.suffix, after),
        )

    def _agreement(self, anchor: Anchor, start: int, end: int) -> float:
        prefix, suffix = self._context(anchor, start, end)
        return (prefix + suffix) / 2

    # --- exact quotes ----------------------------------------------------------------------

    def _quote_in_place(self, anchor: Anchor, start: int, end: int) -> int | None:
        """An occurrence at most ``len(exact)`` from the mapped range [start, end).

        Those overlapping the range come first. One that the edit kept from another place
        of the old text (not overlapping the passage) is that place's words, unless none of
        the passage's characters were kept (then the diff may have matched the passage to
        its neighbouring copy).
        """
        exact, edits = anchor.exact, self.edits
        length = len(exact)
        present = edits.keeps_any(anchor.start, anchor.end)
        first, last = max(0, start - 2 * length), end + length
        found = []
        at = self.new.find(exact, first, last + length)
        while at != -1 and at <= last:
            source = edits.source(at, at + length)
            elsewhere = source is not None and not anchor.start - length < source < anchor.end
            if not (present and elsewhere):
                found.append(at)
            at = self.new.find(exact, at + 1, last + length)
        if not found:
            return None
        return min(
            found,
            key=lambda at: (
                not (at < end and at + length > start) or start == end,
                abs(at - start),
                -self._agreement(anchor, at, at + length),
            ),
        )

    def _quote_elsewhere(self, anchor: Anchor, hint: int) -> int | None:
        """The nearest occurrence anywhere whose context agrees with the stored one."""
        length = len(anchor.exact)
        found = []
        at = self.new.find(anchor.exact)
        while at != -1:
            if self._agreement(anchor, at, at + length) >= CONTEXT_MIN:
                found.append(at)
            at = self.new.find(anchor.exact, at + 1)
        return self._nearest(anchor, found, hint)

    def _nearest(self, anchor: Anchor, found: list[int], hint: int) -> int | None:
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        length = len(anchor.exact)
        return min(
            found, key=lambda at: (abs(at - hint), -self._agreement(anchor, at, at + length))
        )

    # --- fuzzy matches ---------------------------------------------------------------------

    def _fuzzy_in_place(
        self, exact: str, start: int, end: int, cuts: tuple[bool, bool]
    ) -> _Match | None:
        """The passage edited where it stands: a close match within the mapped range."""
        allowed = max_errors(len(exact))
        if not allowed:
            return None
        # a match is at least len(exact) - allowed long, so one that fits in
        # [start - allowed, end + allowed] overlaps [start, end)
        low, high = max(0, start - allowed), min(len(self.new), end + allowed)
        if high - low < len(exact) - allowed:
            return None
        seeds = [self._seed(exact, low, high)]
        if end - start > 0:
            seeds.append((start, end))
        best = min(
            (self._refine(exact, s, e, low, high, start, cuts) for s, e in seeds),
            key=lambda m: (m.penalty, m.distance),
        )
        return best if best.within(allowed) else None

    def _fuzzy_elsewhere(self, anchor: Anchor, hint: int, cuts: tuple[bool, bool]) -> _Match | None:
        """The best close match near the hint or anywhere, its context agreeing."""
        exact = anchor.exact
        allowed = max_errors(len(exact))
        if not allowed:
            return None
        size = len(self.new)
        near = max(NEAR_CHARS, 4 * len(exact))
        windows = [(max(0, hint - near), min(size, hint + near))]
        if windows[0] != (0, size):
            windows.append((0, size))
        best: _Match | None = None
        for low, high in windows:
            if high - low < len(exact) - allowed:
                continue
            seed = self._seed(exact, low, high)
            match = self._refine(exact, *seed, 0, size, hint, cuts)
            if not match.within(allowed):
                continue
            prefix, suffix = self._context(anchor, match.start, match.end)
            if (prefix + suffix) / 2 < CONTEXT_MIN:
                continue
            proximity = 1 / (1 + abs(match.start - hint) / PROXIMITY_CHARS)
            score = (
                WEIGHTS["quote"] * (1 - match.distance / len(exact))
                + WEIGHTS["prefix"] * prefix
                + WEIGHTS["suffix"] * suffix
                + WEIGHTS["proximity"] * proximity
            )
            if best is None or score > best.score:
                best = _Match(match.start, match.end, match.distance, 0, score)
        return best

    def _seed(self, exact: str, low: int, high: int) -> tuple[int, int]:
        """A first window for ``exact`` in ``new[low:high]``: rapidfuzz's best alignment."""
        if high - low <= len(exact):
            return low, high
        found = fuzz.partial_ratio_alignment(exact, self.new[low:high], processor=None)
        if found is None:  # no score_cutoff is given, so rapidfuzz always aligns
            return low, min(high, low + len(exact))
        return low + found.dest_start, low + found.dest_end

    def _refine(
        self,
        exact: str,
        start: int,
        end: int,
        low: int,
        high: int,
        hint: int,
        cuts: tuple[bool, bool],
    ) -> _Match:
        """Moves the ends of ``new[start:end]`` to the real range closest to ``exact``."""
        new = self.new
        reach = min(max_errors(len(exact)) + 2, REFINE_LIMIT)
        length = len(exact)

        def key(s: int, e: int) -> tuple[int, int, int, int]:
            penalty = (
                (_splits_word(new, s) and not cuts[0])
                + (_splits_word(new, e) and not cuts[1])
                + 2 * (_splits_character(new, s) + _splits_character(new, e))
            )
            return (
                penalty,
                Levenshtein.distance(exact, new[s:e]),
                abs(e - s - length),
                abs(s - hint),
            )

        start, end = max(low, start), min(high, end)
        if end <= start:
            end = min(high, start + 1)
            start = max(low, end - 1)
        for move_end in (True, False, True):
            if move_end:
                options = range(max(start + 1, end - reach), min(high, end + reach) + 1)
                end = min(options, key=lambda e: key(start, e))
            else:
                options = range(max(low, start - reach), min(end - 1, start + reach) + 1)
                start = min(options, key=lambda s: key(s, end))
        # a highlight does not gain whitespace at an edge where the quote has none, when
        # leaving it out keeps the match close enough
        trimmed_start, trimmed_end = start, end
        if not exact[0].isspace():
            while trimmed_start < trimmed_end - 1 and new[trimmed_start].isspace():
                trimmed_start += 1
        if not exact[-1].isspace():
            while trimmed_end - 1 > trimmed_start and new[trimmed_end - 1].isspace():
                trimmed_end -= 1
        penalty, distance, _, _ = key(start, end)
        if (trimmed_start, trimmed_end) != (start, end):
            trimmed = key(trimmed_start, trimmed_end)
            if trimmed[0] <= penalty and trimmed[1] <= max_errors(length):
                return _Match(trimmed_start, trimmed_end, trimmed[1], trimmed[0])
        return _Match(start, end, distance, penalty)
