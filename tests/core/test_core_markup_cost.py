"""Markdown whose markup would take Python-Markdown a time growing with the square of its
amount (nested or unclosed brackets, parentheses and tags, thousands of escapes) renders
in linear time: the costly markup is read as text, as written, and the document says
so; markup any article holds renders exactly as before (core/document.py)."""

from __future__ import annotations

import time

import pytest

from desktop.core.cleaning import clean_text
from desktop.core.document import (
    EMPHASIS,
    LINK,
    STRONG,
    inline_cost,
    render_markdown,
    tag_cost,
)

SIZE = 200_000  # characters of hostile markup, about the size of a long article

HEAD = "# Harbour vote\n\nThe council met on *Tuesday* and voted [seven to four](https://example.org/vote).\n\n"
TAIL = "\n\nCrews on the **north quay** said little.\n"

# each took Python-Markdown from 12 s to over a minute at this size (measured before the
# budget: nested "[" "]" and unclosed "[" over 30 s, escapes 11.6 s, "<a" over 30 s)
SHAPES = {
    "nested brackets": "[" * (SIZE // 2) + "]" * (SIZE // 2),
    "unclosed brackets": "[" * SIZE,
    "nested links": "[a" * (SIZE // 6) + "](u)" * (SIZE // 6),
    "unclosed link addresses": "[a](" * (SIZE // 4),
    "images in brackets": "![" * (SIZE // 2),
    "reference links": "[a][" * (SIZE // 4),
    "escaped brackets": "\\[" * (SIZE // 2),
    "brackets on lines": "[\n" * (SIZE // 2),
    "unclosed tags": "<a " * (SIZE // 3),
    "unclosed quoted attributes": '<a "' * (SIZE // 4),
    "unclosed autolinks": "<http://a " * (SIZE // 10),
    "unclosed CDATA": "<![CDATA[ " * (SIZE // 10),
    "unclosed bold tags": "<b>" * (SIZE // 3),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_costly_markup_renders_in_linear_time_read_as_written(shape):
    source = HEAD + SHAPES[shape] + TAIL
    started = time.perf_counter()
    document, _ = render_markdown(source)
    took = time.perf_counter() - started
    assert took < 3.0, f"{shape}: {took:.1f} s"  # 0.01-0.25 s here; minutes before
    assert document.notes and "read as" in " ".join(document.notes)
    # the blocks around keep their markup; the costly one is its own words
    text = document.text
    assert text.startswith("Harbour vote\n\nThe council met on Tuesday and voted seven to four.")
    assert text.endswith("Crews on the north quay said little.")
    kinds = {(span.kind, text[span.start:span.end]) for span in document.spans}
    assert {(EMPHASIS, "Tuesday"), (LINK, "seven to four"), (STRONG, "north quay")} <= kinds


def test_a_block_of_brackets_is_shown_as_written():
    brackets = "[" * 30_000 + "]" * 30_000
    document, _ = render_markdown(HEAD + brackets + TAIL)
    assert brackets in document.text
    unclosed = "Motion [amended" * 3000
    document, _ = render_markdown(HEAD + unclosed + TAIL)
    assert unclosed in document.text
    # a backslash escape still means its character (the page reader escapes brackets)
    document, _ = render_markdown(HEAD + "\\[" * 50_000 + TAIL)
    assert "[" * 50_000 in document.text and "\\" not in document.text
    tags = "<a title=x " * 20_000
    document, _ = render_markdown(HEAD + tags + TAIL)
    assert tags.strip() in document.text


def test_the_cost_grows_linearly_with_the_size():
    # twice the markup takes about twice the time, not four times (ratios of medians)
    def timed(size: int) -> float:
        source = HEAD + "[" * size + "<a " * (size // 3) + TAIL
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            render_markdown(source)
            runs.append(time.perf_counter() - started)
        return sorted(runs)[1]

    small, large = timed(100_000), timed(400_000)
    assert large < 10 * small, (small, large)  # quadratic: 16 times


def test_markup_an_article_holds_renders_as_markup():
    # a long paragraph heavy with links, emphasis and code, a few stray brackets and a
    # comparison sign: far inside the budget, nothing is read as text
    sentence = ("The [harbour plan](https://example.org/news/harbour_plan?id=12&x=3) "
                "(the *second* in a decade) passed after a `motion` [sic] from the floor, "
                "with costs < 4 million; see [the minutes](https://example.org/m(1)). ")
    source = "# Council\n\n" + sentence * 60 + "\n\n- " + sentence + "\n"
    document, _ = render_markdown(source)
    assert document.notes == ()
    links = [s for s in document.spans if s.kind == LINK]
    assert len(links) == 122
    assert "[sic]" in document.text and "costs < 4 million" in document.text


def test_cost_estimates():
    assert inline_cost("[a](u) " * 10) < 1_000
    assert inline_cost("[" * 10_000) > 10_000 * 10_000 // 3
    assert inline_cost("(" * 5_000 + ")" * 5_000) >= 5_000 * 5_000
    assert tag_cost("<b>x</b> " * 1_000) < 10_000
    assert tag_cost("<a " * 10_000) > 10_000 * 10_000
    assert tag_cost("<![CDATA[ " * 1_000 + "]]>") > 1_000 * 5_000


def test_cleaning_reads_a_line_of_brackets_in_linear_time():
    # the noise rules' link pattern followed every "[" to the line's end: 19 s here
    for line in ("[" * (SIZE // 2) + "]" * (SIZE // 2), "![" * (SIZE // 2), "[a](" * (SIZE // 4)):
        started = time.perf_counter()
        result = clean_text("Harbour vote\n\n" + line + "\n")
        assert time.perf_counter() - started < 1.0
        assert line in result.text
