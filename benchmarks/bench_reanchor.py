"""Re-anchoring: 1,000 annotations on a 100,000-character article after 50 edits.

Data: one article of news-like paragraphs (``TextMaker.clean_article``) cut to 100,000
characters, with 1,000 passages of 1 to 24 whole words (``passage_spans``) as anchors
(offsets, quote and 32 characters of context each side). The new text is the old one after
50 random edits at random places, each one of: a typo fixed or made in a word, a word
replaced, a few words deleted, a sentence inserted, a sentence deleted, a paragraph
inserted, a paragraph deleted.

Store: ``desktop.core.anchoring.reanchor(old, new, anchors)``: the word and character diff
of the article, then every anchor by position, quote, fuzzy quote or orphan.

Baseline: the naive approach, ``new.find(quote)`` for each anchor (the first occurrence,
right or wrong, and nothing for an edited quote); the ratio is the cost of doing it right.

5 runs each, alternating. Goal: at most 0.5 s. A second line times the fast path, the
same text saved again unchanged, for 10,000 anchors (goal at most 50 ms), against a loop
that only checks ``text[start:end] == quote``.
"""

from __future__ import annotations

import random
from collections import Counter

from benchmarks.data import TextMaker, passage_spans
from benchmarks.harness import Result, compare, log, median, seconds_text
from desktop.core.anchoring import Anchor, Anchoring, reanchor
from desktop.core.selectors import select_range

NAME = "reanchor"
CHARS = 100_000
ANCHORS = 1_000
EDITS = 50
FAST_ANCHORS = 10_000
RUNS = 5
SEED = 4
GOAL_SECONDS = 0.5
FAST_GOAL_SECONDS = 0.05


def article(chars: int, seed: int = SEED) -> str:
    """News-like paragraphs cut at a word boundary near ``chars`` characters."""
    maker = TextMaker(seed)
    text = maker.clean_article(chars // 5)
    while len(text) < chars:
        text += "\n\n" + maker.clean_article(chars // 10)
    cut = text.rfind(" ", 0, chars)
    return text[:cut] + "."


def anchors_in(text: str, count: int, rng: random.Random) -> list[Anchor]:
    anchors = []
    for start, end in passage_spans(rng, text, count):
        selection = select_range(text, start, end)
        anchors.append(Anchor(start, end, selection.exact, selection.prefix, selection.suffix))
    return anchors


def edited(text: str, edits: int, rng: random.Random) -> str:
    """``text`` after ``edits`` random edits of the kinds an editor makes."""
    maker = TextMaker(rng.randrange(1 << 30))
    for _ in range(edits):
        kind = rng.choice(
            (
                "typo",
                "word",
                "delete words",
                "insert sentence",
                "delete sentence",
                "insert paragraph",
                "delete paragraph",
            )
        )
        at = rng.randrange(len(text))
        space = text.find(" ", at)
        if space == -1:
            continue
        if kind == "typo":
            word_end = text.find(" ", space + 1)
            if word_end == -1:
                continue
            cut = rng.randrange(space + 1, word_end + 1)
            text = text[:cut] + rng.choice("aeiourst") + text[cut + 1 :]
        elif kind == "word":
            word_end = text.find(" ", space + 1)
            if word_end == -1:
                continue
            text = text[: space + 1] + maker.words(1)[0] + text[word_end:]
        elif kind == "delete words":
            stop = space
            for _ in range(rng.randint(1, 4)):
                following = text.find(" ", stop + 1)
                stop = following if following != -1 else stop
            text = text[:space] + text[stop:]
        elif kind == "insert sentence":
            stop = text.find(". ", at)
            if stop == -1:
                continue
            sentence = maker.sentence(maker.words(rng.randint(6, 20)))
            text = text[: stop + 2] + sentence + " " + text[stop + 2 :]
        elif kind == "delete sentence":
            first = text.find(". ", at)
            second = text.find(". ", first + 2)
            if first == -1 or second == -1:
                continue
            text = text[: first + 2] + text[second + 2 :]
        elif kind == "insert paragraph":
            stop = text.find("\n\n", at)
            if stop == -1:
                continue
            text = text[: stop + 2] + maker.paragraphs(60)[0] + "\n\n" + text[stop + 2 :]
        else:
            first = text.find("\n\n", at)
            second = text.find("\n\n", first + 2)
            if first == -1 or second == -1:
                continue
            text = text[: first + 2] + text[second + 2 :]
    return text


def naive(new: str, anchors: list[Anchor]) -> list[int]:
    return [new.find(anchor.exact) for anchor in anchors]


def check(new: str, results: list[Anchoring]) -> Counter[str]:
    """Invariant 1 on every anchored result; returns the count of each method."""
    for result in results:
        if result.anchored and new[result.start or 0 : result.end] != result.exact:
            raise AssertionError(f"reanchor: {result} is not the new text's range")
    return Counter(result.method for result in results)


def run(scale: float = 1.0) -> Result:
    rng = random.Random(SEED)
    chars = max(5_000, round(CHARS * scale))
    count = max(50, round(ANCHORS * scale))
    edits = max(5, round(EDITS * scale))
    fast_count = max(500, round(FAST_ANCHORS * scale))
    log(f"reanchor: {chars} characters, {count} anchors, {edits} edits")
    old = article(chars)
    anchors = anchors_in(old, count, rng)
    new = edited(old, edits, rng)
    methods = check(new, reanchor(old, new, anchors))  # warm-up, and checks

    store_times, baseline_times = compare(
        RUNS, lambda _: reanchor(old, new, anchors), lambda _: naive(new, anchors), progress=log
    )
    seconds, baseline = median(store_times), median(baseline_times)
    result = Result(
        name=NAME,
        work=f"{count} annotations, {len(old):,}-character article, {edits} edits",
        seconds=seconds,
        baseline_seconds=baseline,
        figure=f"{count / seconds:,.0f} annotations/s",
        goal=f"goal <= {GOAL_SECONDS:g} s",
        met=seconds <= GOAL_SECONDS,
        runs=RUNS,
        store_times=store_times,
        baseline_times=baseline_times,
        baseline_figure=f"{seconds_text(baseline)} (str.find of each quote)",
    )
    result.notes.append(
        "methods: "
        + ", ".join(f"{name} {methods[name]}" for name in ("position", "quote", "fuzzy", "orphan"))
    )

    fast_anchors = anchors_in(old, fast_count, rng)
    check(old, reanchor(old, old, fast_anchors))
    fast_times, check_times = compare(
        RUNS,
        lambda _: reanchor(old, old, fast_anchors),
        lambda _: [old[a.start : a.end] == a.exact for a in fast_anchors],
        progress=log,
    )
    fast, plain = median(fast_times), median(check_times)
    verdict = "met" if fast <= FAST_GOAL_SECONDS else "MISSED"
    result.notes.append(
        f"unchanged text, {fast_count} annotations: {seconds_text(fast)} "
        f"(goal <= {FAST_GOAL_SECONDS * 1000:g} ms: {verdict}) | baseline "
        f"{seconds_text(plain)} (slice == quote only), ratio {fast / plain:.1f}x "
        f"[median of {RUNS}]"
    )
    return result


if __name__ == "__main__":
    outcome = run()
    print(outcome.line())
    for note in outcome.notes:
        print(f"    {note}")
