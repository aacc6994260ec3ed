"""Properties of re-anchoring over random texts, annotations and edits (hypothesis).

Texts mix Latin words, Arabic and Hebrew, emoji (with skin tones and joiners), letters with
combining marks, CRLF and LF line ends, and sometimes runs of a few characters (repetitive
texts, where a quote occurs many times). Offsets are code points throughout. Passages are
drags snapped to whole words, as the app makes them.

- Edits outside the passages (not overlapping any, insertions at their edges allowed): every
  passage is anchored on the same words (``exact`` unchanged, ``new[start:end] == exact``).
  These edits write characters that the texts never contain: an edit that writes a second
  copy of a passage next to it makes "the same words" undecidable from the two texts
  ("the the" -> "the": which one went?), and the inside property covers copies. For the
  same reason a deletion that begins (ends) with a copy of the passage and everything up
  to it is left out: "A B A" -> "A" is the same edit whichever A went.
- One edit strictly inside a passage (its first and last characters stay): the result
  overlaps the edited passage's new place, or is an orphan. "Unrelated text" is any range
  that does not overlap that place, an identical copy of the quote nearby included.
- Any edit, any anchor (offsets out of range, empty or foreign quotes): no exception, and
  every result keeps invariant 1 and the documented score and fuzzy-distance rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from desktop.core.anchoring import METHODS, Anchor, max_errors, reanchor
from desktop.core.selectors import CONTEXT_CHARS, select_range
from desktop.core.snapping import snap_to_words

WORDS = [
    "the",
    "plan",
    "was",
    "bad",
    "council",
    "vote",
    "harbour",
    "Zürich",
    "naïve",
    "cafe\u0301",
    "re\u0301sume\u0301",
    "e\u0301\u0301",
    "قال",
    "الوزير",
    "الخطة",
    "سيئة",
    "שלום",
    "עולם",
    "ממשלה",
    "😀",
    "👍🏽",
    "👩\u200d👩\u200d👧",
    "🇫🇷",
    "x",
    "1,000",
]
SEPARATORS = [" ", " ", " ", ". ", ", ", "\r\n", "\n", "\r\n\r\n", "\n\n", " — ", "\t"]
CHARS = ["a", "b", " ", "\r", "\n", "é", "\u0301", "😀", "\u200d", "ש", "ق", "."]
# what the edits outside the passages write: no character of these is in a drawn text, so
# an edit never writes a second copy of a passage's words next to it (with copies around,
# which copy is "the same words" is not decided by the texts; see the inside property)
FOREIGN = ["Ж", "Ω", "中", "🌍", "\u3000", "¿", "\u0323", "\u00a0", "\u2029", "ё"]

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def texts(draw: st.DrawFn, min_size: int = 1) -> str:
    if draw(st.integers(0, 3)) == 0:  # raw characters: repetitive, marks on anything
        return draw(st.text(st.sampled_from(CHARS), min_size=min_size, max_size=120))
    pieces = draw(
        st.lists(
            st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=40
        )
    )
    text = "".join(word + separator for word, separator in pieces)
    return text if len(text) >= min_size else text + "end" * min_size


@st.composite
def spans(draw: st.DrawFn, text: str, min_length: int = 1) -> tuple[int, int]:
    """A passage as the app makes one: a drag snapped to whole words (when it has any)."""
    start = draw(st.integers(0, len(text) - min_length))
    end = draw(st.integers(start + min_length, min(len(text), start + min_length + 60)))
    snapped = snap_to_words(text, start, end)
    return snapped if snapped[1] - snapped[0] >= min_length else (start, end)


def anchor_of(text: str, start: int, end: int) -> Anchor:
    s = select_range(text, start, end)
    return Anchor(s.start, s.end, s.exact, s.prefix, s.suffix)


@dataclass(frozen=True)
class Edit:
    start: int  # in the old text
    end: int
    replacement: str


def apply(text: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def outside(edit: Edit, start: int, end: int) -> bool:
    """True when ``edit`` leaves ``text[start:end]`` and its place in the text intact."""
    if edit.start == edit.end:  # an insertion: at an edge of the span, or away from it
        return not start < edit.start < end
    return edit.end <= start or edit.start >= end


def copies_the_passage(edit: Edit, text: str, start: int, end: int) -> bool:
    """True when a deletion next to the passage could as well have removed the passage:
    the deleted text begins with everything from its end through the passage (or ends
    with everything from the passage to its start), so "A B A" -> "A" is the same edit
    whichever A went, and which one is "the same words" is not decided by the texts."""
    if edit.replacement or edit.start == edit.end:
        return False
    if edit.end <= start:
        reach = end - edit.end
        return text[edit.start:edit.start + reach] == text[edit.end:end]
    if edit.start >= end:
        reach = edit.start - start
        return text[edit.end - reach:edit.end] == text[start:edit.start]
    return False


def separate(edits: list[Edit]) -> list[Edit]:
    """The edits that neither overlap nor touch an earlier one (applied to the old text)."""
    kept: list[Edit] = []
    for edit in edits:
        if all(edit.end < other.start or edit.start > other.end for other in kept):
            kept.append(edit)
    return kept


def check_result_invariants(new: str, anchors: list[Anchor], results: list) -> None:
    assert len(results) == len(anchors)
    for anchor, result in zip(anchors, results, strict=True):
        assert result.method in METHODS
        if result.state == "orphan":
            assert (result.start, result.end, result.method, result.score) == (
                None,
                None,
                "orphan",
                0.0,
            )
            assert (result.exact, result.prefix, result.suffix) == (
                anchor.exact,
                anchor.prefix,
                anchor.suffix,
            )
            continue
        assert result.state == "anchored"
        assert 0 <= result.start < result.end <= len(new)
        assert new[result.start : result.end] == result.exact
        assert result.prefix == new[max(0, result.start - CONTEXT_CHARS) : result.start]
        assert result.suffix == new[result.end : result.end + CONTEXT_CHARS]
        if result.method == "fuzzy":
            distance = Levenshtein.distance(anchor.exact, result.exact)
            assert distance <= max_errors(len(anchor.exact))
            assert result.score == 1 - distance / len(anchor.exact)
        else:
            assert result.exact == anchor.exact and result.score == 1.0


@PROPERTY_SETTINGS
@given(st.data())
def test_edits_outside_the_passages_keep_every_passage_on_the_same_words(data):
    old = data.draw(texts())
    anchors = [anchor_of(old, *data.draw(spans(old))) for _ in range(data.draw(st.integers(1, 5)))]
    drawn = data.draw(
        st.lists(
            st.builds(
                lambda i, length, replacement: Edit(i, min(len(old), i + length), replacement),
                st.integers(0, len(old)),
                st.integers(0, 12),
                st.text(st.sampled_from(FOREIGN), max_size=12),
            ),
            max_size=6,
        )
    )
    edits = separate(
        [
            e
            for e in drawn
            if e.replacement != old[e.start : e.end]
            and all(outside(e, a.start, a.end) for a in anchors)
            and not any(copies_the_passage(e, old, a.start, a.end) for a in anchors)
        ]
    )
    if not edits:
        edits = [
            Edit(
                len(old),
                len(old),
                data.draw(st.text(st.sampled_from(FOREIGN), min_size=1, max_size=12)),
            )
        ]
    new = apply(old, edits)

    results = reanchor(old, new, anchors)

    check_result_invariants(new, anchors, results)
    for anchor, result in zip(anchors, results, strict=True):
        assert result.state == "anchored", (anchor, result)
        assert result.exact == anchor.exact
        assert new[result.start : result.end] == anchor.exact


@PROPERTY_SETTINGS
@given(st.data())
def test_an_edit_inside_a_passage_lands_on_the_edited_words_or_orphans_it(data):
    old = data.draw(texts(min_size=3))
    start, end = data.draw(spans(old, min_length=3))
    anchor = anchor_of(old, start, end)
    # strictly inside: the passage's first and last characters stay
    edit_start = data.draw(st.integers(start + 1, end - 1))
    edit_end = data.draw(st.integers(edit_start, end - 1))
    replacement = data.draw(texts(min_size=0).map(lambda t: t[:30]))
    if replacement == old[edit_start:edit_end]:
        replacement += "☃"
    # text put before the article; none of its characters are in the texts drawn, so it
    # cannot be taken for a copy of the passage
    before = data.draw(st.sampled_from(["", "[UPDATE]\u3000", "☎\u2028"]))
    new = before + apply(old, [Edit(edit_start, edit_end, replacement)])
    # where the edited passage is now
    new_start = start + len(before)
    new_end = end + len(before) + len(replacement) - (edit_end - edit_start)

    (result,) = reanchor(old, new, [anchor])

    check_result_invariants(new, [anchor], [result])
    if result.state == "anchored":
        # never unrelated text: it overlaps the edited passage's new place
        assert result.start < new_end and result.end > new_start, (anchor, result, new)


@PROPERTY_SETTINGS
@given(st.data())
def test_any_edit_and_any_anchor_gives_a_valid_result_and_never_raises(data):
    old = data.draw(texts())
    new = data.draw(
        st.one_of(
            st.just(old),
            texts(min_size=0),
            st.builds(
                lambda a, b: old[:a] + b + old[a:], st.integers(0, len(old)), texts(min_size=0)
            ),
        )
    )
    good = [anchor_of(old, *data.draw(spans(old))) for _ in range(data.draw(st.integers(0, 3)))]
    bad = data.draw(
        st.lists(
            st.builds(
                Anchor,
                st.integers(-50, 300),
                st.integers(-50, 300),
                st.text(max_size=20),
                st.text(max_size=5),
                st.text(max_size=5),
            ),
            max_size=3,
        )
    )
    anchors = good + bad

    results = reanchor(old, new, anchors)

    check_result_invariants(new, anchors, results)
    if new == old:
        for anchor, result in zip(good, results[: len(good)], strict=True):
            assert (result.method, result.start, result.end) == (
                "unchanged",
                anchor.start,
                anchor.end,
            )
