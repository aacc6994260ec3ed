"""Aligning analysts' passages into units: grouping, classes, tolerance, keys, rules, the
report's escaping, and speed (docs/review.md)."""

from __future__ import annotations

import random
import time

import pytest

from desktop.core.alignment import (
    AGREE,
    AGREEING,
    BOUNDARIES,
    BOUNDARIES_AND_TAGS,
    DECISION_EDITED,
    DECISION_REJECTED,
    DISAGREEING,
    INCOMPLETE,
    PARTIAL,
    REJECTED,
    RULE_MANUAL,
    TAGS,
    Decision,
    Passage,
    ReportData,
    ReviewedUnit,
    align,
    majority_version,
    report_html,
    report_markdown,
    report_rows,
    state_of,
    unanimous_version,
    unit_key,
)
from desktop.core.errors import InvalidArgumentError

ABC = ("a", "b", "c")


def p(pid: str, who: str, start: int, end: int, *tags: str) -> Passage:
    return Passage(pid, who, start, end, frozenset(tags or ("x",)))


def kinds(passages: list[Passage], analysts: tuple[str, ...] = ABC,
          tolerance: int = 2) -> list[str]:
    return [u.kind for u in align("art", passages, analysts, tolerance)]


# --- classes, each by construction --------------------------------------------------------


def test_the_same_passage_by_everyone_agrees() -> None:
    units = align("art", [p("1", "a", 10, 20), p("2", "b", 10, 20), p("3", "c", 10, 20)], ABC)
    assert [(u.kind, u.start, u.end) for u in units] == [(AGREE, 10, 20)]
    assert [q.annotator for q in units[0].passages] == ["a", "b", "c"]  # lane order


def test_boundaries_within_tolerance_still_agree() -> None:
    assert kinds([p("1", "a", 10, 20), p("2", "b", 12, 18), p("3", "c", 11, 19)]) == [AGREE]


def test_boundaries_beyond_tolerance() -> None:
    assert kinds([p("1", "a", 10, 20), p("2", "b", 13, 20), p("3", "c", 10, 20)]) == [BOUNDARIES]
    assert kinds([p("1", "a", 10, 20), p("2", "b", 10, 23), p("3", "c", 10, 20)]) == [BOUNDARIES]


def test_tags_differ() -> None:
    assert kinds([p("1", "a", 10, 20, "x"), p("2", "b", 10, 20, "y"),
                  p("3", "c", 10, 20, "x")]) == [TAGS]
    # a tag set is compared whole: {x, y} is not {x}
    assert kinds([p("1", "a", 10, 20, "x", "y"), p("2", "b", 10, 20, "x"),
                  p("3", "c", 10, 20, "x", "y")]) == [TAGS]


def test_boundaries_and_tags_differ() -> None:
    assert kinds([p("1", "a", 10, 20, "x"), p("2", "b", 10, 30, "y"),
                  p("3", "c", 10, 20, "x")]) == [BOUNDARIES_AND_TAGS]


def test_a_missing_analyst_makes_a_partial_unit() -> None:
    assert kinds([p("1", "a", 10, 20), p("2", "b", 10, 20)]) == [PARTIAL]
    assert kinds([p("1", "a", 10, 20)]) == [PARTIAL]


def test_an_analyst_with_two_passages_is_present_but_never_agrees() -> None:
    # b split what a and c marked in one: present, so not partial; the boundaries differ
    passages = [p("1", "a", 10, 30), p("2", "b", 10, 19), p("3", "b", 21, 30),
                p("4", "c", 10, 30)]
    units = align("art", passages, ABC)
    assert [u.kind for u in units] == [BOUNDARIES]
    assert [q.id for q in units[0].versions("b")] == ["2", "3"]
    # and with c missing it is partial, b's two passages notwithstanding
    assert kinds(passages[:3]) == [PARTIAL]
    # two passages of b that are the same span: still not agree
    assert kinds([p("1", "a", 10, 30), p("2", "b", 10, 30), p("3", "b", 10, 30),
                  p("4", "c", 10, 30)]) == [BOUNDARIES]


# --- grouping and tolerance ---------------------------------------------------------------


def test_a_gap_of_exactly_the_tolerance_joins_one_more_does_not() -> None:
    assert len(align("art", [p("1", "a", 0, 10), p("2", "b", 12, 20)], ABC, 2)) == 1
    assert len(align("art", [p("1", "a", 0, 10), p("2", "b", 13, 20)], ABC, 2)) == 2


def test_boundaries_differing_by_exactly_the_tolerance_agree_one_more_do_not() -> None:
    base = [p("1", "a", 10, 20), p("3", "c", 10, 20)]
    assert kinds([*base, p("2", "b", 12, 22)], tolerance=2) == [AGREE]
    assert kinds([*base, p("2", "b", 13, 20)], tolerance=2) == [BOUNDARIES]
    # "within tolerance of each other": the spread counts, not the distance to one of them
    assert kinds([p("1", "a", 10, 20), p("2", "b", 12, 20), p("3", "c", 14, 20)],
                 tolerance=2) == [BOUNDARIES]


def test_tolerance_zero_joins_touching_passages_and_needs_exact_boundaries() -> None:
    assert len(align("art", [p("1", "a", 0, 10), p("2", "b", 10, 20)], ABC, 0)) == 1
    assert len(align("art", [p("1", "a", 0, 10), p("2", "b", 11, 20)], ABC, 0)) == 2
    assert kinds([p("1", "a", 0, 10), p("2", "b", 0, 10), p("3", "c", 0, 11)],
                 tolerance=0) == [BOUNDARIES]


def test_a_larger_tolerance_from_the_session() -> None:
    passages = [p("1", "a", 10, 20), p("2", "b", 15, 25), p("3", "c", 10, 20)]
    assert kinds(passages, tolerance=2) == [BOUNDARIES]
    assert kinds(passages, tolerance=5) == [AGREE]


def test_joining_is_transitive_through_a_chain() -> None:
    # 1 and 3 are far apart, 2 bridges them: one unit, spanning all three
    units = align("art", [p("1", "a", 0, 10), p("2", "b", 9, 30), p("3", "c", 29, 40)], ABC)
    assert [(u.start, u.end, len(u.passages)) for u in units] == [(0, 40, 3)]
    # a long passage reaches over a short one to a later one
    units = align("art", [p("1", "a", 0, 100), p("2", "b", 5, 8), p("3", "c", 90, 120)], ABC)
    assert len(units) == 1 and (units[0].start, units[0].end) == (0, 120)


def test_units_come_in_text_order_with_their_union_span() -> None:
    units = align("art", [p("4", "c", 100, 110), p("1", "a", 0, 10), p("2", "b", 3, 12),
                          p("3", "a", 50, 60)], ABC)
    assert [(u.start, u.end) for u in units] == [(0, 12), (50, 60), (100, 110)]


def test_passages_of_others_and_a_negative_tolerance() -> None:
    assert align("art", [p("1", "z", 0, 10)], ABC) == []
    assert align("art", [], ABC) == []
    with pytest.raises(InvalidArgumentError):
        align("art", [p("1", "a", 0, 10)], ABC, -1)


def test_one_analyst_session_agrees_with_itself() -> None:
    units = align("art", [p("1", "a", 0, 10), p("2", "a", 30, 40), p("3", "a", 35, 50)], ("a",))
    assert [u.kind for u in units] == [AGREE, BOUNDARIES]


def test_a_session_without_analysts_has_no_units() -> None:
    assert align("art", [p("1", "a", 0, 10)], ()) == []


# --- keys ---------------------------------------------------------------------------------


def test_the_key_hashes_the_article_and_the_sorted_member_ids() -> None:
    units = align("art", [p("1", "a", 0, 10), p("2", "b", 0, 10)], ABC)
    assert units[0].key == unit_key("art", ["2", "1"]) == unit_key("art", ["1", "2"])
    assert len(units[0].key) == 12
    assert unit_key("other", ["1", "2"]) != units[0].key
    # an edit of a member keeps the key; a new member changes it
    moved = align("art", [p("1", "a", 0, 12, "y"), p("2", "b", 0, 10)], ABC)
    assert moved[0].key == units[0].key
    grown = align("art", [p("1", "a", 0, 10), p("2", "b", 0, 10), p("3", "c", 5, 9)], ABC)
    assert grown[0].key != units[0].key


# --- states and rules ---------------------------------------------------------------------


def test_states_follow_the_class_until_decided() -> None:
    assert state_of(AGREE, None) == AGREEING
    assert state_of(PARTIAL, None) == INCOMPLETE
    for kind in (BOUNDARIES, TAGS, BOUNDARIES_AND_TAGS):
        assert state_of(kind, None) == DISAGREEING
    edited = Decision("k", "art", DECISION_EDITED, RULE_MANUAL, "lead")
    rejected = Decision("k", "art", DECISION_REJECTED, RULE_MANUAL, "lead")
    assert state_of(PARTIAL, edited) == "accepted"
    assert state_of(AGREE, rejected) == REJECTED


def test_unanimous_takes_the_first_lanes_version_of_an_agreeing_unit() -> None:
    agree, tags = align("art", [p("1", "a", 0, 10), p("2", "b", 1, 10), p("3", "c", 0, 11),
                                p("4", "a", 50, 60, "x"), p("5", "b", 50, 60, "y"),
                                p("6", "c", 50, 60, "x")], ("b", "a", "c"))
    vote = unanimous_version(agree, ("b", "a", "c"))
    assert vote is not None and vote.passage.id == "2" and vote.supporters == ("b", "a", "c")
    assert unanimous_version(tags, ABC) is None


def test_majority_needs_k_analysts_sharing_a_version() -> None:
    (unit,) = align("art", [p("1", "a", 0, 10, "x"), p("2", "b", 1, 11, "x"),
                            p("3", "c", 0, 10, "y")], ABC)
    vote = majority_version(unit, ABC, 2, 2)
    assert vote is not None and vote.passage.id == "1" and vote.supporters == ("a", "b")
    assert majority_version(unit, ABC, 2, 3) is None
    with pytest.raises(InvalidArgumentError):
        majority_version(unit, ABC, 2, 0)


def test_majority_of_a_partial_unit_and_a_tie() -> None:
    (partial,) = align("art", [p("1", "a", 0, 10), p("2", "b", 0, 10)], ABC)
    vote = majority_version(partial, ABC, 2, 2)
    assert vote is not None and vote.supporters == ("a", "b")
    (tie,) = align("art", [p("1", "a", 0, 10, "x"), p("2", "b", 0, 10, "y")], ("a", "b"))
    assert majority_version(tie, ("a", "b"), 2, 1) is None  # x or y: no majority


# --- speed --------------------------------------------------------------------------------


def test_three_analysts_with_500_passages_each_align_well_under_100_ms() -> None:
    rng = random.Random(7)
    passages = []
    for who in ABC:
        for i in range(500):
            start = i * 40 + rng.randint(0, 4)
            passages.append(Passage(f"{who}{i}", who, start, start + 20 + rng.randint(0, 4),
                                    frozenset({rng.choice(["x", "y"])})))
    best = min(_timed(lambda: align("art", passages, ABC, 2)) for _ in range(5))
    assert len(align("art", passages, ABC, 2)) == 500
    assert best < 0.05, f"{best * 1000:.1f} ms"


def _timed(run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    return time.perf_counter() - start


# --- the report ---------------------------------------------------------------------------


def _report() -> ReportData:
    text = "<script>alert(1)</script> | # Heading [link](http://x) =SUM(A1)"
    end = len(text)
    units = align("art", [p("1", "a", 0, end, "<b>"), p("2", "b", 0, end, "<b>")], ("a", "b"))
    decision = Decision(units[0].key, "art", "accepted", RULE_MANUAL, "<lead>",
                        comment="<img src=x onerror=alert(1)>", analyst_id="a")
    return ReportData(
        name="<team>", status="open", tolerance=2, analysts=(("a", "<i>ana</i>"), ("b", "bo")),
        reviewers=("<lead>",), articles=(("art", "<h1>Title</h1>"), ("empty", "Nobody")),
        units=(ReviewedUnit(units[0], "accepted", decision, units[0].passages[0]),),
        texts={"art": text})


def test_the_html_report_escapes_everything_from_the_library() -> None:
    page = report_html(_report())
    for raw in ("<script>", "<i>ana</i>", "<h1>Title</h1>", "<img", "<b>", "<lead>", "<team>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "No passages by the session" in page  # the article nobody annotated
    assert "decided: 1 of 1 units" in page


def test_the_markdown_report_escapes_markup_and_table_bars() -> None:
    text = report_markdown(_report())
    assert "\\<script\\>" in text and "\\| # Heading \\[link\\](http://x)" in text
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(table) == 1 and table[0].count(" | ") == 7  # 8 cells, no stray bar


def test_report_rows_carry_the_raw_values() -> None:
    (row,) = report_rows(_report())
    assert row[2] == _report().units[0].unit.key
    assert row[7] == "accepted" and row[9] == "<i>ana</i>"
    assert row[15].startswith("<script>alert(1)</script> | # Heading")  # type: ignore[attr-defined]
