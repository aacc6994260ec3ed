"""Agreement measures (desktop/core/agreement.py, docs/agreement.md).

Published figures first (the SemEval-2020 Task 11 scorer's example, Krippendorff's
unitizing examples, a textbook Fleiss table), then hand-worked cases whose arithmetic is in
the comments, the degenerate cases, and property tests that hold each fast interval
computation against a slow one that looks at every character (or every pair of sections).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.agreement import (
    NO_ANALYSTS,
    NO_TEXT,
    NOBODY_USED_TAG,
    ONLY_ONE_ANALYST,
    UNTAGGED,
    Measure,
    Span,
    agreement_report,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha_u,
    span_scores,
    span_scores_tagged,
    spans_from_annotations,
)
from desktop.core.errors import InvalidArgumentError
from desktop.core.model import ORPHAN, Annotation

# --- span precision, recall, F1 -------------------------------------------------------------

PTC = "736757214"


def test_the_shared_task_scorer_example_is_reproduced():
    # The example that ships with the SemEval-2020 Task 11 scorers (tools/README of the
    # shared task: data/submission-task-SI.tsv against data/article736757214.task-SI.labels,
    # run with -m): Precision=1.929825/2=0.964912 Recall=1.947458/4=0.486864 F1=0.647181.
    submitted = [Span(PTC, 0, 50), Span(PTC, 161, 172), Span(PTC, 0, 10), Span(PTC, 115, 167)]
    gold = [Span(PTC, 0, 59), Span(PTC, 171, 181), Span(PTC, 0, 9), Span(PTC, 115, 167),
            Span(PTC, 740, 759)]
    scores = span_scores(submitted, gold)
    # submitted merges to 0-50 and 115-172 (2 spans); gold to 0-59, 115-167, 171-181, 740-759
    assert scores.precision.units == 2
    assert scores.recall.units == 4
    assert scores.f1.units == 6
    assert round(scores.precision.value * 2, 6) == 1.929825
    assert round(scores.recall.value * 4, 6) == 1.947458
    assert round(scores.precision.value, 6) == 0.964912
    assert round(scores.recall.value, 6) == 0.486864
    assert round(scores.f1.value, 6) == 0.647181


def test_spans_sharing_a_character_merge_and_touching_spans_do_not():
    # 0-5 and 5-10 touch without sharing a character: two spans; 0-6 and 5-10 merge to 0-10
    touching = span_scores([Span("a", 0, 5), Span("a", 5, 10)], [Span("a", 0, 10)])
    assert touching.precision.units == 2
    assert touching.precision.value == 1.0
    assert touching.recall.value == 1.0
    overlapping = span_scores([Span("a", 0, 6), Span("a", 5, 10)], [Span("a", 0, 10)])
    assert overlapping.precision.units == 1
    assert overlapping.f1.value == 1.0


def test_recall_counts_reference_spans_in_articles_the_other_side_left_out():
    # the submission only covers article a: b's reference span still divides recall
    scores = span_scores([Span("a", 0, 10)], [Span("a", 0, 10), Span("b", 0, 10)])
    assert scores.precision.value == 1.0
    assert scores.recall.value == 0.5
    assert scores.f1.value == pytest.approx(2 / 3)


def test_no_submitted_spans_give_zero_and_nothing_on_either_side_is_not_applicable():
    nothing = span_scores([], [Span("a", 0, 10)])
    assert (nothing.precision.value, nothing.recall.value, nothing.f1.value) == (0, 0, 0)
    assert nothing.precision.units == 0
    no_reference = span_scores([Span("a", 0, 10)], [])
    assert (no_reference.precision.value, no_reference.recall.value) == (0, 0)
    empty = span_scores([], [])
    assert empty.f1.value is None
    assert empty.f1.reason == "n/a: no text annotated by either analyst"


TAGGED_SUB = [Span("a", 0, 10, "X"), Span("a", 5, 20, "Y"), Span("a", 30, 40, "X")]
TAGGED_REF = [Span("a", 0, 10, "X"), Span("a", 30, 35, "Y"), Span("a", 50, 60, "X")]


def test_plain_span_scores_ignore_tags():
    # tags ignored: submitted 0-20, 30-40; reference 0-10, 30-35, 50-60
    # P = (10/20 + 5/10) / 2 = 0.5; R = (10/10 + 5/5 + 0) / 3 = 2/3
    # F1 = 2 * 0.5 * 2/3 / (0.5 + 2/3) = 4/7
    scores = span_scores(TAGGED_SUB, TAGGED_REF)
    assert scores.precision.value == pytest.approx(0.5)
    assert scores.recall.value == pytest.approx(2 / 3)
    assert scores.f1.value == pytest.approx(4 / 7)


def test_tag_aware_span_scores_credit_only_same_tag_overlaps():
    # X: submitted 0-10, 30-40; reference 0-10, 50-60.  Y: submitted 5-20; reference 30-35
    # (covered by the submitted X 30-40: wrong tag, no credit). 3 spans a side.
    # P = (10/10 + 0 + 0) / 3 = 1/3; R = (10/10 + 0 + 0) / 3 = 1/3; F1 = 1/3
    scores = span_scores_tagged(TAGGED_SUB, TAGGED_REF)
    assert (scores.precision.units, scores.recall.units) == (3, 3)
    assert scores.precision.value == pytest.approx(1 / 3)
    assert scores.recall.value == pytest.approx(1 / 3)
    assert scores.f1.value == pytest.approx(1 / 3)
    # one tag at a time: X has P = R = 1/2; Y has nothing in common
    assert span_scores(TAGGED_SUB, TAGGED_REF, tag="X").f1.value == pytest.approx(0.5)
    assert span_scores(TAGGED_SUB, TAGGED_REF, tag="Y").f1.value == 0
    assert span_scores(TAGGED_SUB, TAGGED_REF, tag="Z").f1.reason == NOBODY_USED_TAG


# --- Cohen's kappa --------------------------------------------------------------------------


def test_cohen_kappa_on_krippendorff_1995_first_pair_digitized():
    # Krippendorff (1995), example A cut into 24 characters: Bertha 2-10 and 14-20, Bill
    # 4-8 and 15-17. Bertha marks 14, Bill 6, both 6, neither 10.
    # p_o = (6 + 10)/24 = 2/3; p_e = (14*6 + 10*18)/24² = 264/576
    # κ = (384/576 - 264/576) / (312/576) = 120/312 = 0.3846 (0.385 there)
    bertha = [Span("t", 2, 10, "A"), Span("t", 14, 20, "A")]
    bill = [Span("t", 4, 8, "A"), Span("t", 15, 17, "A")]
    kappa = cohen_kappa(bertha, bill, {"t": 24}, tag="A")
    assert kappa.value == pytest.approx(120 / 312)
    assert round(kappa.value, 3) == 0.385
    assert (kappa.units, kappa.unit) == (24, "characters")


OVERALL_A = [Span("a", 0, 4, "X"), Span("a", 2, 6, "Y")]
OVERALL_B = [Span("a", 0, 4, "X"), Span("a", 6, 8, "Y")]


def test_cohen_kappa_over_all_tags_takes_each_characters_set_of_tags_as_its_category():
    # characters 0-9. A: 01 {X}, 23 {X,Y}, 45 {Y}, 6-9 {}. B: 0-3 {X}, 45 {}, 67 {Y}, 89 {}.
    # agree on 0, 1 ({X}) and 8, 9 ({}): p_o = 4/10
    # A's marginals {X}:2 {X,Y}:2 {Y}:2 {}:4; B's {X}:4 {Y}:2 {}:4
    # p_e = (2*4 + 2*0 + 2*2 + 4*4)/100 = 0.28; κ = (0.4 - 0.28)/0.72 = 1/6
    kappa = cohen_kappa(OVERALL_A, OVERALL_B, {"a": 10})
    assert kappa.value == pytest.approx(1 / 6)
    assert kappa.units == 10


def test_cohen_kappa_per_tag():
    lengths = {"a": 10}
    # X: both mark 0-3, every character agrees
    assert cohen_kappa(OVERALL_A, OVERALL_B, lengths, tag="X").value == 1.0
    # Y: A marks 2-5 (4), B marks 6-7 (2), none in common, 4 out for both
    # p_o = 4/10; p_e = 0.4*0.2 + 0.6*0.8 = 0.56; κ = (0.4 - 0.56)/0.44 = -4/11
    assert cohen_kappa(OVERALL_A, OVERALL_B, lengths, tag="Y").value == pytest.approx(-4 / 11)


def test_cohen_kappa_of_analysts_with_no_overlap():
    # A 0-10, B 20-30 of 100: p_o = 80/100; p_e = 0.1*0.1 + 0.9*0.9 = 0.82
    # κ = (0.8 - 0.82)/0.18 = -1/9
    kappa = cohen_kappa([Span("a", 0, 10, "X")], [Span("a", 20, 30, "X")], {"a": 100},
                        tag="X")
    assert kappa.value == pytest.approx(-1 / 9)


def test_identical_annotations_have_kappa_one_unless_expected_agreement_is_one():
    spans = [Span("a", 3, 9, "X"), Span("b", 0, 2, "Y")]
    lengths = {"a": 20, "b": 5}
    assert cohen_kappa(spans, spans, lengths).value == 1.0
    assert cohen_kappa(spans, spans, lengths, tag="X").value == 1.0
    everything = [Span("a", 0, 20, "X")]
    full = cohen_kappa(everything, everything, {"a": 20}, tag="X")
    assert full.value is None
    assert full.reason.startswith("n/a: expected agreement is 1")
    nothing = cohen_kappa([], [], {"a": 20})
    assert nothing.value is None
    assert nothing.reason == "n/a: no text annotated by either analyst"
    assert cohen_kappa([], [], {"a": 20}, tag="X").reason == NOBODY_USED_TAG


# --- Fleiss' kappa --------------------------------------------------------------------------

# The worked example of Wikipedia's article on Fleiss' kappa: 10 subjects, 14 raters,
# 5 categories, P̄ = 0.378, P̄_e = 0.213, κ = 0.210. Row i: how many raters chose each
# category for subject i.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_reproduces_the_textbook_table():
    # each subject is one character; a rater's category is the one tag they put on it
    raters: dict[str, list[Span]] = {f"r{r}": [] for r in range(14)}
    for subject, row in enumerate(FLEISS_TABLE):
        choices = [category for category, n in enumerate(row) for _ in range(n)]
        for rater, category in enumerate(choices):
            raters[f"r{rater}"].append(Span("w", subject, subject + 1, f"c{category}"))
    kappa = fleiss_kappa(raters, {"w": 10})
    assert round(kappa.value, 3) == 0.210
    assert kappa.units == 10


def test_fleiss_kappa_per_tag_hand_worked():
    # 4 characters, 3 raters: R1 0-2, R2 0-1, R3 1-3
    # char 0: 2 in 1 out; char 1: 2 in 1 out; char 2: 1 in 2 out; char 3: 3 out
    # P_i = (Σ n² - 3)/6: 1/3, 1/3, 1/3, 1 -> P̄ = 1/2
    # p_in = 5/12, p_out = 7/12 -> P̄_e = 74/144; κ = (72 - 74)/(144 - 74) = -1/35
    raters = {"r1": [Span("a", 0, 2, "X")], "r2": [Span("a", 0, 1, "X")],
              "r3": [Span("a", 1, 3, "X")]}
    kappa = fleiss_kappa(raters, {"a": 4}, tag="X")
    assert kappa.value == pytest.approx(-1 / 35)
    assert fleiss_kappa(raters, {"a": 4}, tag="Z").reason == NOBODY_USED_TAG


# --- Krippendorff's alpha_u ----------------------------------------------------------------


def _shifted(begin: int, length: int, tag: str) -> Span:
    # the textbook's continuum runs from 150 to 450; ours starts at 0
    return Span("k", begin - 150, begin - 150 + length, tag)


# Krippendorff (2004), Content Analysis 2nd ed., the unitizing example (p. 254 as cited by
# DKPro Statistics' test of it): coders i and j, categories c and k, a continuum of 300.
KRIPP_I = [_shifted(225, 70, "c"), _shifted(370, 30, "c"), _shifted(180, 60, "k"),
           _shifted(300, 50, "k")]
KRIPP_J = [_shifted(220, 80, "c"), _shifted(355, 20, "c"), _shifted(400, 20, "c"),
           _shifted(180, 60, "k"), _shifted(300, 50, "k")]


def test_krippendorff_2004_unitizing_example():
    from desktop.core import agreement

    lengths = {"k": 300}
    coders = {"i": KRIPP_I, "j": KRIPP_J}
    layers = [agreement._Layer.of(KRIPP_I, lengths), agreement._Layer.of(KRIPP_J, lengths)]
    article_lengths = agreement._article_lengths(lengths)
    c = agreement._alpha_pair(*layers, "c", lengths, article_lengths, 300)
    k = agreement._alpha_pair(*layers, "k", lengths, article_lengths, 300)
    # published: cD_o = .0144, cD_e = .0532, cα_u = .7286; kD_o = 0, kD_e = .0490, kα_u = 1
    assert round(float(c.observed), 4) == 0.0144
    assert round(float(c.expected), 4) == 0.0532
    assert round(float(k.observed), 4) == 0.0
    assert round(float(k.expected), 4) == 0.0490
    assert round(krippendorff_alpha_u(coders, lengths, tag="c").value, 4) == 0.7286
    assert krippendorff_alpha_u(coders, lengths, tag="k").value == 1.0
    # over both categories, published α_u = .8591 = 1 - .0144/(.0532 + .0490) from the
    # rounded figures; unrounded it is 0.85867
    overall = krippendorff_alpha_u(coders, lengths)
    assert round(1 - 0.0144 / (0.0532 + 0.0490), 4) == 0.8591
    assert overall.value == pytest.approx(0.8591, abs=0.0005)
    assert overall.value == pytest.approx(1 - float(c.observed / (c.expected + k.expected)))
    assert (overall.units, overall.unit) == (9, "spans")


@pytest.mark.parametrize(("first", "second", "observed"), [
    # Krippendorff (1995), the four pairs of coders on a continuum of 24 (its p. 57, as
    # DKPro Statistics' test transcribes them), observed disagreement D_o of each.
    # A: Bertha 2-10, 14-20; Bill 4-8, 15-17. Overlapping units: (2-4)² + (10-8)² = 8 and
    #    (14-15)² + (20-17)² = 10; both orders of the pair: 36 / (2 * 1 * 24²) = 0.03125
    ([(2, 10), (14, 20)], [(4, 8), (15, 17)], 0.03125),
    # B: John 0-18; Jill 0-2, 2-3, 3-4, 4-5, 5-6, 6-9, 9-10 (touching units stay apart):
    #    256 + 229 + 205 + 185 + 169 + 117 + 145 = 1306; 2612 / 1152 = 2.26736
    ([(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)], 2.26736),
    # C: Gerret 2-8, 10-12, 14-18, 20-22; Gill 0-2, 4-8, 10-14, 16-18, 20-22.
    #    4 + 4 + 4 + 0, and Gill's 0-2 lies in Gerret's gap: 2² = 4; 32 / 1152 = 0.02778
    ([(2, 8), (10, 12), (14, 18), (20, 22)], [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)],
     0.02778),
    # D: Heather 0-2, 2-10, 10-14, 14-20, 20-24; Hill 0-4, 4-8, 8-15, 15-17, 17-24:
    #    4 + 40 + 8 + 61 + 5 + 61 + 10 + 25 + 9 = 223; 446 / 1152 = 0.38715
    ([(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)],
     [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)], 0.38715),
])
def test_krippendorff_1995_observed_disagreements(first, second, observed):
    from desktop.core import agreement

    lengths = {"t": 24}
    layers = [agreement._Layer.of([Span("t", s, e, "C") for s, e in side], lengths)
              for side in (first, second)]
    parts = agreement._alpha_pair(*layers, "C", lengths, agreement._article_lengths(lengths),
                                  24)
    assert round(float(parts.observed), 5) == observed


def test_alpha_u_of_units_in_each_others_gaps():
    # A 0-10, B 20-30 of L = 100: each unit lies in the other's gap, δ² = 10² for each,
    # both orders: D_o = 2 * 200 / (2 * 1 * 100²) = 1/50.
    # Gaps: A's 10-100 (90), B's 0-20 (20) and 30-100 (70); N_c = 2 units of 10.
    # Per unit: (2 - 1)(2*1000 - 3*100 + 10)/3 = 570, plus 10² * (81 + 11 + 61) = 15300.
    # D_e = (2/100) * 2 * 15870 / (2*100*199 - 2*10*9) = 634.8 / 39620
    # α_u = 1 - (1/50) / (634.8/39620) = 1 - 3962/3174 = -788/3174
    alpha = krippendorff_alpha_u({"a": [Span("a", 0, 10, "X")], "b": [Span("a", 20, 30, "X")]},
                                 {"a": 100})
    assert alpha.value == pytest.approx(-788 / 3174)
    assert alpha.units == 2


# --- degenerate cases -----------------------------------------------------------------------


def test_one_analyst():
    spans = {"ann": [Span("a", 0, 5, "X")]}
    lengths = {"a": 10}
    assert fleiss_kappa(spans, lengths).reason == ONLY_ONE_ANALYST
    assert krippendorff_alpha_u(spans, lengths).reason == ONLY_ONE_ANALYST
    report = agreement_report(spans, lengths)
    assert report["pairs"] == []
    assert report["group"]["overall"]["fleiss_kappa"]["reason"] == ONLY_ONE_ANALYST
    assert report["group"]["tags"]["X"]["krippendorff_alpha_u"]["value"] is None
    # against a reference layer there is a pair again
    with_reference = agreement_report(spans, lengths, reference=[Span("a", 0, 5, "X")])
    (pair,) = with_reference["pairs"]
    assert (pair["first"], pair["second"]) == ("ann", "reference")
    assert pair["overall"]["cohen_kappa"]["value"] == 1.0


def test_an_absent_analyst_is_listed_with_the_reason_and_every_pair_of_theirs_is_na():
    gone = "n/a: cyd was deleted from the library"
    ann = [Span("a", 0, 10, "X")]
    bob = [Span("a", 2, 10, "X")]
    report = agreement_report({"bob": bob, "ann": ann}, {"a": 40},
                              reference=[Span("a", 0, 10, "X")], reference_name="final",
                              absent={"cyd": gone})
    assert report["analysts"] == ["ann", "bob"] and report["absent"] == {"cyd": gone}
    assert [(p["first"], p["second"]) for p in report["pairs"]] == [
        ("ann", "bob"), ("ann", "cyd"), ("bob", "cyd"),
        ("ann", "final"), ("bob", "final"), ("cyd", "final")]
    for pair in report["pairs"]:
        if "cyd" not in (pair["first"], pair["second"]):
            continue
        assert set(pair["tags"]) == {"X"}
        for table in (pair["overall"], pair["tags"]["X"]):
            assert {k: (m["value"], m["units"], m["reason"]) for k, m in table.items()} == {
                k: (None, 0, gone) for k in ("span_precision", "span_recall", "span_f1",
                                             "span_f1_tagged", "cohen_kappa",
                                             "krippendorff_alpha_u")}
            assert table["cohen_kappa"]["unit"] == "characters"
    # the group is the analysts present: the same figures as without cyd
    without = agreement_report({"bob": bob, "ann": ann}, {"a": 40})
    assert report["group"] == without["group"]
    assert report["pairs"][0] == without["pairs"][0]
    json.dumps(report)
    # an analyst present is not also absent; the reference's name cannot be absent
    assert agreement_report({"ann": ann}, {"a": 40}, absent={"ann": gone})["absent"] == {}
    with pytest.raises(InvalidArgumentError, match="absent analyst"):
        agreement_report({"ann": ann}, {"a": 40}, reference=[], reference_name="cyd",
                         absent={"cyd": gone})


def test_empty_input():
    report = agreement_report({}, {})
    assert report["analysts"] == []
    assert report["pairs"] == []
    assert report["tags"] == []
    assert report["group"]["overall"]["fleiss_kappa"]["reason"] == NO_ANALYSTS
    json.dumps(report)
    assert cohen_kappa([], [], {}).reason == NO_TEXT
    assert fleiss_kappa({"a": [], "b": []}, {}).reason == NO_TEXT
    assert krippendorff_alpha_u({"a": [], "b": []}, {}).reason == NO_TEXT
    assert krippendorff_alpha_u({}, {}).reason == NO_ANALYSTS
    assert span_scores([], []).precision.value is None


def test_analysts_who_marked_nothing():
    report = agreement_report({"ann": [], "bob": []}, {"a": 50})
    overall = report["pairs"][0]["overall"]
    for key in ("span_precision", "span_f1", "span_f1_tagged", "cohen_kappa",
                "krippendorff_alpha_u"):
        assert overall[key]["value"] is None
        assert overall[key]["reason"] == "n/a: no text annotated by either analyst"
    report = agreement_report({"ann": [], "bob": [], "cyd": []}, {"a": 50})
    group = report["group"]["overall"]
    assert group["fleiss_kappa"]["reason"] == "n/a: no text annotated by any analyst"
    assert group["krippendorff_alpha_u"]["reason"] == "n/a: no text annotated by any analyst"


def test_an_article_nobody_annotated_counts_as_text_everyone_left_unmarked():
    ann = [Span("a", 0, 10, "X")]
    bob = [Span("a", 5, 15, "X")]
    alone = agreement_report({"ann": ann, "bob": bob}, {"a": 20})["pairs"][0]["overall"]
    more = agreement_report({"ann": ann, "bob": bob},
                            {"a": 20, "quiet": 80})["pairs"][0]["overall"]
    # span measures stand on spans, and no span is in the quiet article
    assert more["span_f1"] == alone["span_f1"]
    assert (alone["cohen_kappa"]["units"], more["cohen_kappa"]["units"]) == (20, 100)
    # 20 characters: both in 5, one only 10, both out 5: p_o = .5, p_e = .5, κ = 0
    assert alone["cohen_kappa"]["value"] == pytest.approx(0.0)
    # 100 characters: p_o = 90/100; p_e = .1*.1 + .9*.9 = .82; κ = (.9 - .82)/.18 = 4/9
    assert more["cohen_kappa"]["value"] == pytest.approx(4 / 9)


def test_a_tag_nobody_used_is_listed_and_not_applicable():
    report = agreement_report({"ann": [Span("a", 0, 5, "X")], "bob": [Span("a", 0, 5, "X")]},
                              {"a": 10}, tags=["Z"])
    assert report["tags"] == ["X", "Z"]
    unused = report["pairs"][0]["tags"]["Z"]
    for key, measure in unused.items():
        assert measure["value"] is None, key
        assert measure["reason"] == NOBODY_USED_TAG, key
    assert report["group"]["tags"]["Z"]["fleiss_kappa"]["reason"] == NOBODY_USED_TAG


def test_identical_annotations_agree_fully_everywhere():
    spans = [Span("a", 0, 5, "X"), Span("a", 3, 9, "Y"), Span("b", 2, 4, "X")]
    lengths = {"a": 30, "b": 10}
    report = agreement_report({"ann": spans, "bob": spans, "cyd": spans}, lengths)
    for pair in report["pairs"]:
        for table in (pair["overall"], *pair["tags"].values()):
            for key, measure in table.items():
                assert measure["value"] == pytest.approx(1.0), key
    for table in (report["group"]["overall"], *report["group"]["tags"].values()):
        for key, measure in table.items():
            assert measure["value"] == pytest.approx(1.0), key


# --- the report -----------------------------------------------------------------------------


def test_the_report_serialises_to_json_with_every_key():
    ann = [Span("a", 0, 10, "X"), Span("a", 20, 30, "Y")]
    bob = [Span("a", 2, 12, "X"), Span("b", 0, 5, "Y")]
    cyd = [Span("a", 0, 10, "Y")]
    report = agreement_report({"cyd": cyd, "ann": ann, "bob": bob}, {"a": 40, "b": 10},
                              reference=[Span("a", 0, 10, "X")], reference_name="final")
    decoded = json.loads(json.dumps(report))
    assert decoded["analysts"] == ["ann", "bob", "cyd"]
    assert decoded["reference"] == "final"
    assert (decoded["articles"], decoded["characters"]) == (2, 50)
    assert [(p["first"], p["second"]) for p in decoded["pairs"]] == [
        ("ann", "bob"), ("ann", "cyd"), ("bob", "cyd"),
        ("ann", "final"), ("bob", "final"), ("cyd", "final")]
    pair_keys = {"span_precision", "span_recall", "span_f1", "span_f1_tagged", "cohen_kappa",
                 "krippendorff_alpha_u"}
    for pair in decoded["pairs"]:
        assert set(pair["overall"]) == pair_keys
        assert set(pair["tags"]) == {"X", "Y"}
        for table in pair["tags"].values():
            assert set(table) == pair_keys
    assert set(decoded["group"]["overall"]) == {"fleiss_kappa", "krippendorff_alpha_u"}
    for measure in decoded["group"]["overall"].values():
        assert set(measure) == {"value", "units", "unit", "reason"}
    # the group is the analysts, not the reference
    assert decoded["group"]["analysts"] == 3
    # the report's figures are the single functions' figures
    ann_bob = decoded["pairs"][0]
    lengths = {"a": 40, "b": 10}
    assert ann_bob["overall"]["cohen_kappa"]["value"] == pytest.approx(
        cohen_kappa(ann, bob, lengths).value)
    assert ann_bob["tags"]["X"]["span_recall"]["value"] == pytest.approx(
        span_scores(ann, bob, tag="X").recall.value)
    assert ann_bob["overall"]["span_f1_tagged"]["value"] == pytest.approx(
        span_scores_tagged(ann, bob).f1.value)
    group = {"ann": ann, "bob": bob, "cyd": cyd}
    assert decoded["group"]["overall"]["fleiss_kappa"]["value"] == pytest.approx(
        fleiss_kappa(group, lengths).value)
    assert decoded["group"]["tags"]["Y"]["krippendorff_alpha_u"]["value"] == pytest.approx(
        krippendorff_alpha_u(group, lengths, tag="Y").value)


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(InvalidArgumentError, match="0 <= start < end"):
        Span("a", 5, 5)
    with pytest.raises(InvalidArgumentError, match="runs past its 10 characters"):
        cohen_kappa([Span("a", 5, 11)], [], {"a": 10})
    with pytest.raises(InvalidArgumentError, match="not among the articles"):
        agreement_report({"ann": [Span("b", 0, 1)]}, {"a": 10})
    with pytest.raises(InvalidArgumentError, match="also an analyst"):
        agreement_report({"reference": []}, {"a": 10}, reference=[])


def test_spans_from_annotations():
    def annotation(annotator, start, end, tags=(), paths=(), state="anchored"):
        return Annotation(id=f"{annotator}{start}", article_id="a", annotator=annotator,
                          start=start, end=end, exact="", prefix="", suffix="", tags=tags,
                          tag_paths=paths, anchor_state=state)

    spans = spans_from_annotations([
        annotation("ann", 0, 5, ("Fear", "Doubt"), ("p/Fear", "p/Doubt")),
        annotation("ann", 7, 9),
        annotation("bob", 1, 4, ("Fear",)),
        annotation("bob", 2, 3, ("Fear",), state=ORPHAN),
    ])
    assert spans == {
        "ann": [Span("a", 0, 5, "p/Fear"), Span("a", 0, 5, "p/Doubt"), Span("a", 7, 9, UNTAGGED)],
        "bob": [Span("a", 1, 4, "Fear")],
    }


def test_measure_as_dict():
    assert Measure(None, 0, "spans", NOBODY_USED_TAG).as_dict() == {
        "value": None, "units": 0, "unit": "spans", "reason": NOBODY_USED_TAG}


# --- slow references, one character (or one pair of sections) at a time --------------------

TAGS = ("X", "Y", "Z")


@st.composite
def team(draw, min_analysts=2, max_analysts=4):
    lengths = {f"art{n}": draw(st.integers(0, 30)) for n in range(draw(st.integers(1, 3)))}
    usable = [a for a, length in lengths.items() if length > 0]
    analysts = {}
    for n in range(draw(st.integers(min_analysts, max_analysts))):
        spans = []
        if usable:
            for _ in range(draw(st.integers(0, 6))):
                article = draw(st.sampled_from(usable))
                start = draw(st.integers(0, lengths[article] - 1))
                end = draw(st.integers(start + 1, lengths[article]))
                spans.append(Span(article, start, end, draw(st.sampled_from(TAGS))))
        analysts[f"an{n}"] = spans
    return analysts, lengths


def _characters(spans, lengths):
    """For each character of each article, the set of tags the spans put on it."""
    marks = {a: [set() for _ in range(n)] for a, n in lengths.items()}
    for span in spans:
        for position in range(span.start, span.end):
            marks[span.article_id][position].add(span.tag)
    return [frozenset(tags) for article in sorted(marks) for tags in marks[article]]


def _category(tags, tag):
    return tags if tag is None else (tag in tags)


def _slow_cohen(first, second, lengths, tag):
    a = [_category(c, tag) for c in _characters(first, lengths)]
    b = [_category(c, tag) for c in _characters(second, lengths)]
    n = len(a)
    if n == 0:
        return None
    p_o = Fraction(sum(x == y for x, y in zip(a, b, strict=True)), n)
    count_a, count_b = Counter(a), Counter(b)
    p_e = sum(Fraction(count_a[k] * count_b[k], n * n) for k in count_a)
    return None if p_e == 1 else float((p_o - p_e) / (1 - p_e))


def _slow_fleiss(analysts, lengths, tag):
    ratings = [[_category(c, tag) for c in _characters(spans, lengths)]
               for spans in analysts.values()]
    raters, subjects = len(ratings), len(ratings[0])
    if subjects == 0:
        return None
    per_subject = [Counter(column) for column in zip(*ratings, strict=True)]
    p_bar = sum(Fraction(sum(n * n for n in c.values()) - raters, raters * (raters - 1))
                for c in per_subject) / subjects
    totals = Counter()
    for c in per_subject:
        totals.update(c)
    p_e = sum(Fraction(t, subjects * raters) ** 2 for t in totals.values())
    return None if p_e == 1 else float((p_bar - p_e) / (1 - p_e))


def _merged(intervals):
    # the shared task's way: join character sets that intersect until none do
    sets = []
    for start, end in intervals:
        current = set(range(start, end))
        for other in [s for s in sets if s & current]:
            sets.remove(other)
            current |= other
        sets.append(current)
    return sets


def _slow_span_scores(submitted, reference, tag):
    sub, ref = {}, {}
    for side, spans in ((sub, submitted), (ref, reference)):
        for span in spans:
            if tag is None or span.tag == tag:
                side.setdefault(span.article_id, []).append((span.start, span.end))
    sub = {a: _merged(ivs) for a, ivs in sub.items()}
    ref = {a: _merged(ivs) for a, ivs in ref.items()}
    n_sub = sum(len(s) for s in sub.values())
    n_ref = sum(len(s) for s in ref.values())
    p = sum(len(s & t) / len(s) for a in sub for s in sub[a] for t in ref.get(a, []))
    r = sum(len(s & t) / len(t) for a in sub for s in sub[a] for t in ref.get(a, []))
    return (p / n_sub if n_sub else 0.0), (r / n_ref if n_ref else 0.0), n_sub, n_ref


def _sections(spans, lengths, tag):
    """Krippendorff's sections of one coder on the articles laid end to end: (begin,
    length, is_unit), gaps cut at the end of each article."""
    sections = []
    offset = 0
    for article in sorted(lengths):
        units = sorted(
            (s.start, s.end) for s in spans if s.article_id == article and s.tag == tag)
        joined = []
        for start, end in units:  # a coder's units of one category must not overlap
            if joined and start < joined[-1][1]:
                joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
            else:
                joined.append((start, end))
        cursor = 0
        for start, end in joined:
            if start > cursor:
                sections.append((offset + cursor, start - cursor, False))
            sections.append((offset + start, end - start, True))
            cursor = end
        if lengths[article] > cursor:
            sections.append((offset + cursor, lengths[article] - cursor, False))
        offset += lengths[article]
    return sections


def _delta2(g, h):
    (bg, lg, ug), (bh, lh, uh) = g, h
    if ug and uh and -lg < bg - bh < lh:
        return (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
    if ug and not uh and bh <= bg and bg + lg <= bh + lh:
        return lg * lg
    if uh and not ug and bg <= bh and bh + lh <= bg + lg:
        return lh * lh
    return 0


def _slow_alpha_parts(first, second, lengths, tag):
    """D_o and D_e of Krippendorff (2004) for two coders, every pair of sections looked at."""
    total = sum(lengths.values())
    coders = [_sections(first, lengths, tag), _sections(second, lengths, tag)]
    m = 2
    observed = Fraction(
        sum(_delta2(g, h) for i, j in itertools.permutations(range(m), 2)
            for g in coders[i] for h in coders[j]), m * (m - 1) * total * total)
    units = [length for sections in coders for _, length, unit in sections if unit]
    gaps = [length for sections in coders for _, length, unit in sections if not unit]
    n_c = len(units)
    numerator = sum(
        Fraction((n_c - 1) * (2 * u ** 3 - 3 * u ** 2 + u), 3)
        + u * u * sum(g - u + 1 for g in gaps if g >= u)
        for u in units)
    denominator = m * total * (m * total - 1) - sum(u * (u - 1) for u in units)
    expected = Fraction(2, total) * numerator / denominator if units else Fraction(0)
    return observed, expected, n_c


def _slow_alpha(analysts, lengths, tag):
    if sum(lengths.values()) == 0:
        return None
    tags = [tag] if tag is not None else TAGS
    observed = expected = Fraction(0)
    for a, b in itertools.combinations(analysts.values(), 2):
        for t in tags:
            o, e, _ = _slow_alpha_parts(a, b, lengths, t)
            observed += o
            expected += e
    return None if expected == 0 else float(1 - observed / expected)


def _same(fast: Measure, slow):
    if slow is None:
        assert fast.value is None
        assert fast.reason.startswith("n/a:")
    else:
        assert fast.value == pytest.approx(slow, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(team(max_analysts=2), st.sampled_from([None, *TAGS]))
def test_cohen_kappa_matches_a_character_by_character_count(data, tag):
    (first, second), lengths = data[0].values(), data[1]
    _same(cohen_kappa(first, second, lengths, tag=tag),
          _slow_cohen(first, second, lengths, tag))


@settings(max_examples=150, deadline=None)
@given(team(), st.sampled_from([None, *TAGS]))
def test_fleiss_kappa_matches_a_character_by_character_count(data, tag):
    analysts, lengths = data
    _same(fleiss_kappa(analysts, lengths, tag=tag), _slow_fleiss(analysts, lengths, tag))


@settings(max_examples=150, deadline=None)
@given(team(max_analysts=2), st.sampled_from([None, *TAGS]))
def test_span_scores_match_the_scorers_set_arithmetic(data, tag):
    (submitted, reference), _ = data[0].values(), data[1]
    p, r, n_sub, n_ref = _slow_span_scores(submitted, reference, tag)
    scores = span_scores(submitted, reference, tag=tag)
    if n_sub == n_ref == 0:
        assert scores.f1.value is None
        return
    assert scores.precision.value == pytest.approx(p)
    assert scores.recall.value == pytest.approx(r)
    assert (scores.precision.units, scores.recall.units) == (n_sub, n_ref)
    # the sides swapped: precision becomes recall
    swapped = span_scores(reference, submitted, tag=tag)
    assert swapped.recall.value == pytest.approx(scores.precision.value)
    assert swapped.f1.value == pytest.approx(scores.f1.value)


@settings(max_examples=150, deadline=None)
@given(team(max_analysts=2))
def test_tag_aware_scores_match_the_scorers_set_arithmetic(data):
    (submitted, reference), _ = data[0].values(), data[1]
    per_tag = [_slow_span_scores(submitted, reference, t) for t in TAGS]
    n_sub = sum(x[2] for x in per_tag)
    n_ref = sum(x[3] for x in per_tag)
    scores = span_scores_tagged(submitted, reference)
    if n_sub == n_ref == 0:
        assert scores.f1.value is None
        return
    assert scores.precision.value == pytest.approx(
        sum(x[0] * x[2] for x in per_tag) / n_sub if n_sub else 0.0)
    assert scores.recall.value == pytest.approx(
        sum(x[1] * x[3] for x in per_tag) / n_ref if n_ref else 0.0)


@settings(max_examples=100, deadline=None)
@given(team(max_analysts=3), st.sampled_from([None, *TAGS]))
def test_alpha_u_matches_the_formula_applied_section_by_section(data, tag):
    analysts, lengths = data
    _same(krippendorff_alpha_u(analysts, lengths, tag=tag), _slow_alpha(analysts, lengths, tag))


@settings(max_examples=50, deadline=None)
@given(team(max_analysts=3))
def test_the_report_agrees_with_the_single_functions(data):
    analysts, lengths = data
    report = agreement_report(analysts, lengths)
    for pair in report["pairs"]:
        a, b = analysts[pair["first"]], analysts[pair["second"]]
        assert pair["overall"]["cohen_kappa"] == cohen_kappa(a, b, lengths).as_dict()
        for t, table in pair["tags"].items():
            assert table["cohen_kappa"] == cohen_kappa(a, b, lengths, tag=t).as_dict()
            assert table["krippendorff_alpha_u"] == krippendorff_alpha_u(
                {"a": a, "b": b}, lengths, tag=t).as_dict()
    group = report["group"]
    assert group["overall"]["fleiss_kappa"] == fleiss_kappa(analysts, lengths).as_dict()
    assert group["overall"]["krippendorff_alpha_u"] == krippendorff_alpha_u(
        analysts, lengths).as_dict()
