"""The review session's charts on degenerate sessions: an analyst deleted from the
library, and a session nobody marked anything in. Not a zero bar and not a blank: n/a
with the reason."""

from __future__ import annotations

from desktop.core.agreement import Span, agreement_report
from desktop.core.alignment import Passage, ReportData, ReviewedUnit, align
from desktop.core.review_charts import agreement_per_tag, review_charts, tags_per_analyst

GONE = "n/a: cyd was deleted from the library after review session 'S' named them"


def report(absent: bool) -> ReportData:
    passages = [Passage("p1", "A", 0, 10, frozenset({"opinion"})),
                Passage("p2", "B", 1, 10, frozenset({"opinion"})),
                Passage("p3", "B", 20, 30, frozenset({"evidence"}))]
    units = align("art", passages, ["A", "B", "C"], 2)
    return ReportData(
        name="S", status="open", tolerance=2,
        analysts=(("A", "ann"), ("B", "bob"), ("C", "cyd (deleted)" if absent else "cyd")),
        reviewers=("lead",), articles=(("art", "Title"),),
        units=tuple(ReviewedUnit(u, "disagreeing") for u in units),
        absent={"C": GONE} if absent else {})


def test_a_deleted_analyst_has_no_bars_but_the_reason():
    chart = tags_per_analyst(report(absent=True))
    assert chart.series == ("ann", "bob", "cyd (deleted)")
    assert dict(chart.rows) == {"evidence": (0.0, 1.0, None), "opinion": (1.0, 1.0, None)}
    assert chart.notes == {t: "n/a: cyd deleted from the library, with their passages"
                           for t in ("evidence", "opinion")}
    svg = chart.svg(640)
    assert "cyd deleted from the library" in svg
    # an analyst who is there and marked nothing is a zero, as before
    present = tags_per_analyst(report(absent=False))
    assert dict(present.rows)["opinion"] == (1.0, 1.0, 0.0) and not present.notes


def test_agreement_of_a_session_nobody_marked_says_why():
    agreement = agreement_report({"ann": [], "bob": [], "cyd": []}, {"art": 100})
    chart = agreement_per_tag(agreement)
    assert chart.rows == (("all tags", (None, None)),)
    assert chart.notes == {"all tags": "n/a: no text annotated by any analyst"}
    assert "no text annotated by any analyst" in chart.svg(640)
    assert "nothing to show" not in chart.svg(640)


def test_agreement_per_tag_is_unchanged_when_there_are_tags():
    agreement = agreement_report({"ann": [Span("art", 0, 10, "X")],
                                  "bob": [Span("art", 0, 10, "X")]}, {"art": 100})
    (row,) = agreement_per_tag(agreement).rows
    assert row == ("X", (1.0, 1.0))
    assert len(review_charts(report(absent=True), agreement)) == 3
