"""Review sessions in the store: sessions, units, decisions and the reconciled layer they
write, undo and redo, the automatic rules, replies, degenerate inputs and the journal."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from desktop.core.alignment import (
    AGREE,
    BOUNDARIES,
    BOUNDARIES_AND_TAGS,
    PARTIAL,
    TAGS,
    DecisionError,
    ReviewClosedError,
    ReviewExistsError,
    ReviewNotFoundError,
    UnitNotFoundError,
)
from desktop.core.changes import (
    ADDED,
    ANNOTATION,
    REMOVED,
    REPLY,
    REVIEW,
    UPDATED,
    ChangeBatch,
)
from desktop.core.errors import (
    InvalidArgumentError,
    NotFoundError,
    OffsetError,
    UnknownTagError,
)
from desktop.core.model import Article
from desktop.core.selectors import select_range
from desktop.store.annotations import AnnotationFilter, NewAnnotation
from desktop.store.articles import NewArticle
from desktop.store.library import Library

# word i of the text starts at 5 * i and ends at 5 * i + 4
TEXT = " ".join(f"w{i:03d}" for i in range(200))
OTHER = " ".join(f"x{i:03d}" for i in range(100))
ANALYSTS = ("maya", "li", "sam")


def add_article(library: Library, text: str = TEXT, title: str = "Bridge") -> Article:
    article, _ = library.articles.add(NewArticle(title=title, text=text, format="text"))
    return article


def mark(library: Library, article: Article, who: str, start: int, end: int,
         *tags: str, note: str = "") -> str:
    return library.annotations.create(article.id, select_range(article.text, start, end),
                                      list(tags or ("propaganda",)), who, note).id


@pytest.fixture
def article(library: Library) -> Article:
    return add_article(library)


@pytest.fixture
def classes(library: Library, article: Article) -> dict[str, str]:
    """One unit of each class, in text order; returns passage ids by a short label."""
    ids = {}
    # agree: within the tolerance of 2
    ids["agree_maya"] = mark(library, article, "maya", 0, 14, note="a slogan")
    ids["agree_li"] = mark(library, article, "li", 1, 14)
    ids["agree_sam"] = mark(library, article, "sam", 0, 15)
    # boundaries: li ends 10 characters later
    for who, end in (("maya", 64), ("li", 74), ("sam", 64)):
        ids[f"boundaries_{who}"] = mark(library, article, who, 50, end)
    # tags
    for who, tag in (("maya", "opinion"), ("li", "opinion"), ("sam", "evidence")):
        ids[f"tags_{who}"] = mark(library, article, who, 100, 114, tag)
    # boundaries and tags
    for who, end, tag in (("maya", 164, "opinion"), ("li", 174, "evidence"),
                          ("sam", 164, "opinion")):
        ids[f"both_{who}"] = mark(library, article, who, 150, end, tag)
    # partial: sam did not mark it
    ids["partial_maya"] = mark(library, article, "maya", 200, 214)
    ids["partial_li"] = mark(library, article, "li", 200, 214)
    return ids


@pytest.fixture
def session(library: Library, classes: dict[str, str]) -> str:
    library.reviews.create("gold", ANALYSTS, reviewers=["lead"])
    return "gold"


def units_by_class(library: Library, name: str = "gold") -> dict[str, str]:
    return {u.unit.kind: u.unit.key for u in library.reviews.units(name)}


def layer(library: Library, name: str = "gold") -> list[tuple[int, int, tuple[str, ...], str]]:
    return [(a.start, a.end, a.tags, a.note)
            for a in library.annotations.list(AnnotationFilter(annotator=name))]


# --- sessions ------------------------------------------------------------------------------


def test_a_session_defaults_to_the_articles_its_analysts_annotated(
        library: Library, article: Article, classes: dict[str, str]) -> None:
    untouched = add_article(library, OTHER, "Nobody read this")
    other = add_article(library, "Another text, marked by someone else.", "Else")
    mark(library, other, "zoe", 0, 7)
    made = library.reviews.create("gold", ANALYSTS, reviewers=["lead", "lead", "ana"])
    assert made.articles == (article.id,)
    assert [(a.name, a.lane, a.missing) for a in made.analysts] == [
        ("maya", 1, False), ("li", 2, False), ("sam", 3, False)]
    assert made.reviewers == ("lead", "ana")
    assert made.status == "open" and made.tolerance == 2
    assert {a.name for a in library.annotations.annotators()} >= {"gold"}
    # explicit articles, in the order given, an unannotated one included
    chosen = library.reviews.create("second", ["maya"], articles=[untouched.id, article.id[:8]],
                                    tolerance=5)
    assert chosen.articles == (untouched.id, article.id) and chosen.tolerance == 5
    assert [s.name for s in library.reviews.list()] == ["gold", "second"]
    assert library.reviews.get(made.id[:6]).name == "gold"


def test_bad_sessions_are_refused_and_change_nothing(
        library: Library, classes: dict[str, str]) -> None:
    library.reviews.create("gold", ANALYSTS)
    before = library.journal.last_seq()
    with pytest.raises(ReviewExistsError, match="exists already"):
        library.reviews.create("gold", ANALYSTS)
    with pytest.raises(ReviewExistsError, match="analysts"):
        library.reviews.create("maya", ANALYSTS)
    with pytest.raises(ReviewExistsError, match="has 5 passages"):
        library.reviews.create("li", ["maya", "sam"])
    with pytest.raises(NotFoundError, match="no annotator 'nobody'"):
        library.reviews.create("x", ["maya", "nobody"])
    with pytest.raises(InvalidArgumentError):
        library.reviews.create("x", [])
    with pytest.raises(InvalidArgumentError):
        library.reviews.create("  ", ANALYSTS)
    with pytest.raises(InvalidArgumentError):
        library.reviews.create("x", ANALYSTS, tolerance=-1)
    with pytest.raises(ReviewNotFoundError, match="sessions: gold"):
        library.reviews.get("nope")
    assert library.journal.last_seq() == before


# --- units -------------------------------------------------------------------------------


def test_units_of_every_class_and_their_states(library: Library, session: str,
                                               classes: dict[str, str]) -> None:
    units = library.reviews.units(session)
    assert [(u.unit.kind, u.state, u.unit.start, u.unit.end) for u in units] == [
        (AGREE, "agreeing", 0, 15),
        (BOUNDARIES, "disagreeing", 50, 74),
        (TAGS, "disagreeing", 100, 114),
        (BOUNDARIES_AND_TAGS, "disagreeing", 150, 174),
        (PARTIAL, "incomplete", 200, 214),
    ]
    first = units[0].unit
    assert [p.id for p in first.passages] == [classes["agree_maya"], classes["agree_li"],
                                              classes["agree_sam"]]
    assert first.passages[0].note == "a slogan"
    assert first.passages[0].tags == frozenset({"propaganda"})
    assert library.reviews.unit(session, first.key[:6]).unit == first
    progress = library.reviews.progress(session)
    assert (progress.units, progress.decided, progress.stale) == (5, 0, 0)
    assert progress.classes == {AGREE: 1, BOUNDARIES: 1, TAGS: 1, BOUNDARIES_AND_TAGS: 1,
                                PARTIAL: 1}


def test_units_of_one_article_and_an_article_outside_the_session(
        library: Library, session: str, article: Article) -> None:
    assert len(library.reviews.units(session, article.id[:8])) == 5
    outside = add_article(library, OTHER, "Outside")
    with pytest.raises(NotFoundError, match="not in session"):
        library.reviews.units(session, outside.id)
    with pytest.raises(UnitNotFoundError):
        library.reviews.unit(session, "zzzzzz")


def test_orphans_deleted_passages_and_other_annotators_take_no_part(
        library: Library, article: Article) -> None:
    mark(library, article, "maya", 0, 14)
    gone = mark(library, article, "li", 0, 14)
    orphan = mark(library, article, "sam", 0, 14)
    mark(library, article, "zoe", 0, 14)
    library.annotations.delete(gone)
    library.db.execute("UPDATE annotations SET anchor_state = 'orphan' WHERE id = ?", [orphan])
    library.reviews.create("gold", ANALYSTS)
    (unit,) = library.reviews.units("gold")
    assert unit.unit.kind == PARTIAL and len(unit.unit.passages) == 1


# --- deciding and the reconciled layer -----------------------------------------------------


def test_accept_copies_the_analysts_passage_into_the_layer(library: Library, session: str,
                                                         article: Article) -> None:
    keys = units_by_class(library)
    change = library.reviews.accept(session, keys[AGREE], "maya", reviewer="lead",
                                    comment="clear")
    assert change.before is None and change.after is not None
    assert change.after.decision == "accepted" and change.after.rule == "manual"
    assert layer(library) == [(0, 14, ("propaganda",), "a slogan")]
    made = library.annotations.get(change.after.annotation_id or "")
    assert made.annotator == "gold" and made.exact == article.text[0:14]
    unit = library.reviews.unit(session, keys[AGREE])
    assert unit.state == "accepted" and unit.decision == change.after
    assert unit.reconciled is not None and unit.reconciled.id == made.id
    assert library.reviews.get(session).analyst("maya").id == change.after.analyst_id
    # the reconciled layer is no analyst: its passages do not join the units
    assert library.reviews.units(session)[0].unit.kind == AGREE


def test_edit_and_reject_and_a_tag_nobody_used(library: Library, session: str) -> None:
    keys = units_by_class(library)
    library.reviews.edit(session, keys[BOUNDARIES], 50, 69, ["opinion", "evidence"],
                         reviewer="lead", note="cut")
    library.reviews.reject(session, keys[TAGS], reviewer="lead", comment="not a claim")
    library.tags.add("framing")
    library.reviews.edit(session, keys[PARTIAL], 200, 214, ["framing"], reviewer="lead")
    assert layer(library) == [(50, 69, ("evidence", "opinion"), "cut"),
                              (200, 214, ("framing",), "")]
    states = [u.state for u in library.reviews.units(session)]
    assert states == ["agreeing", "accepted", "rejected", "disagreeing", "accepted"]
    with pytest.raises(UnknownTagError):
        library.reviews.edit(session, keys[AGREE], 0, 14, ["nope"], reviewer="lead")
    with pytest.raises(OffsetError, match="the span 0-10000 is out of range"):
        library.reviews.edit(session, keys[AGREE], 0, 10_000, ["opinion"], reviewer="lead")
    # in words the window and the CLI can both show: no --start or --end
    for start, end, words in ((14, 3, "the span 14-3 is reversed"),
                              (3, 3, "the span 3-3 is empty"),
                              (-2, 3, "the span -2-3 has a negative offset")):
        with pytest.raises(OffsetError, match=words) as refused:
            library.reviews.edit(session, keys[AGREE], start, end, ["opinion"],
                                 reviewer="lead")
        assert "--" not in refused.value.message
    assert len(layer(library)) == 2  # the refused edits wrote nothing
    with pytest.raises(InvalidArgumentError, match="'maya' named more than once"):
        library.reviews.create("twice", ["maya", "li", "maya"])


def test_deciding_again_replaces_the_reconciled_passage(library: Library,
                                                        session: str) -> None:
    key = units_by_class(library)[BOUNDARIES]
    first = library.reviews.accept(session, key, "maya", reviewer="lead")
    second = library.reviews.accept(session, key, "li", reviewer="lead")
    assert second.before == first.after
    assert layer(library) == [(50, 74, ("propaganda",), "")]
    old = library.annotations.list(AnnotationFilter(annotator="gold", include_deleted=True))
    assert len(old) == 2  # the first passage is deleted, and the deletion recorded
    library.reviews.reject(session, key, reviewer="lead")
    assert layer(library) == []


def test_accepting_needs_a_version_of_that_analyst(library: Library, session: str,
                                                   classes: dict[str, str]) -> None:
    keys = units_by_class(library)
    with pytest.raises(DecisionError, match="sam has no passage"):
        library.reviews.accept(session, keys[PARTIAL], "sam", reviewer="lead")
    with pytest.raises(NotFoundError, match="not an analyst"):
        library.reviews.accept(session, keys[PARTIAL], "zoe", reviewer="lead")
    # a version named by its passage id alone
    change = library.reviews.accept(session, keys[PARTIAL], "",
                                    passage_id=classes["partial_li"][:8], reviewer="lead")
    assert change.after is not None
    assert change.after.analyst_id == library.reviews.get(session).analyst("li").id


def test_an_analyst_with_two_passages_chooses_by_id(library: Library, article: Article) -> None:
    mark(library, article, "maya", 0, 30)
    first = mark(library, article, "li", 0, 14)
    mark(library, article, "li", 16, 30)
    library.reviews.create("gold", ["maya", "li"])
    (unit,) = library.reviews.units("gold")
    assert unit.unit.kind == BOUNDARIES
    with pytest.raises(DecisionError, match="2 such passages"):
        library.reviews.accept("gold", unit.unit.key, "li", reviewer="lead")
    library.reviews.accept("gold", unit.unit.key, "li", passage_id=first, reviewer="lead")
    assert layer(library) == [(0, 14, ("propaganda",), "")]


def test_undo_and_redo_put_back_exactly_what_was(library: Library, session: str) -> None:
    key = units_by_class(library)[BOUNDARIES]
    first = library.reviews.accept(session, key, "maya", reviewer="lead")
    second = library.reviews.edit(session, key, 52, 60, ["opinion"], reviewer="lead")
    library.reviews.undo(second)
    assert layer(library) == [(50, 64, ("propaganda",), "")]
    assert library.reviews.unit(session, key).decision == first.after
    library.reviews.redo(second)
    assert layer(library) == [(52, 60, ("opinion",), "")]
    assert second.after is not None
    assert library.reviews.unit(session, key).reconciled.id == second.after.annotation_id  # type: ignore[union-attr]
    library.reviews.undo(second)
    library.reviews.undo(first)
    assert layer(library) == [] and library.reviews.unit(session, key).decision is None
    # an undo after the unit was decided again (here: by someone else) is refused
    library.reviews.redo(first)
    library.reviews.reject(session, key, reviewer="colleague")
    with pytest.raises(DecisionError, match="decided again since"):
        library.reviews.undo(first)
    assert library.reviews.unit(session, key).decision.decision == "rejected"  # type: ignore[union-attr]


def test_reopen_withdraws_a_decision(library: Library, session: str) -> None:
    key = units_by_class(library)[AGREE]
    library.reviews.accept(session, key, "li", reviewer="lead")
    change = library.reviews.reopen(session, key)
    assert layer(library) == [] and library.reviews.unit(session, key).state == "agreeing"
    library.reviews.undo(change)
    assert len(layer(library)) == 1
    with pytest.raises(DecisionError, match="not decided"):
        library.reviews.reopen(session, units_by_class(library)[TAGS])


def test_a_closed_session_takes_no_decision(library: Library, session: str) -> None:
    key = units_by_class(library)[AGREE]
    change = library.reviews.accept(session, key, "li", reviewer="lead")
    library.reviews.set_status(session, "closed")
    with pytest.raises(ReviewClosedError):
        library.reviews.reject(session, key, reviewer="lead")
    with pytest.raises(ReviewClosedError):
        library.reviews.auto(session, "unanimous", reviewer="lead")
    with pytest.raises(ReviewClosedError):
        library.reviews.undo(change)
    library.reviews.set_status(session, "open")
    library.reviews.undo(change)


# --- a unit whose passages change --------------------------------------------------------


def test_a_unit_whose_members_change_is_open_again_and_its_new_decision_supersedes(
        library: Library, session: str, article: Article, classes: dict[str, str]) -> None:
    keys = units_by_class(library)
    decided = library.reviews.accept(session, keys[PARTIAL], "maya", reviewer="lead")
    # editing a member keeps the key and the decision
    library.annotations.set_tags(classes["partial_li"], ["opinion"])
    assert units_by_class(library)[PARTIAL] == keys[PARTIAL]
    # sam's new passage joins the unit: a new key, open again, the old decision stale
    mark(library, article, "sam", 201, 214)
    fresh = library.reviews.units(session)[-1]
    assert fresh.unit.key != keys[PARTIAL] and fresh.decision is None
    assert fresh.unit.kind == TAGS
    assert library.reviews.progress(session).stale == 1
    assert [d.unit_key for d in library.reviews.stale(session)] == [keys[PARTIAL]]
    assert layer(library) == [(200, 214, ("propaganda",), "")]  # until decided again
    change = library.reviews.accept(session, fresh.unit.key, "li", reviewer="lead")
    assert change.superseded == (decided.after,)
    assert layer(library) == [(200, 214, ("opinion",), "")]
    assert library.reviews.stale(session) == []
    library.reviews.undo(change)
    assert layer(library) == [(200, 214, ("propaganda",), "")]
    assert [d.unit_key for d in library.reviews.stale(session)] == [keys[PARTIAL]]


def test_a_new_tolerance_joins_units(library: Library, article: Article) -> None:
    for who in ("maya", "li"):
        mark(library, article, who, 0, 14)
        mark(library, article, who, 20, 29)
    library.reviews.create("gold", ["maya", "li"])
    assert len(library.reviews.units("gold")) == 2
    library.reviews.set_tolerance("gold", 6)
    (joined,) = library.reviews.units("gold")
    assert joined.unit.kind == BOUNDARIES  # each analyst has two passages in it


# --- automatic rules ---------------------------------------------------------------------


def test_unanimous_accepts_the_agreeing_units_and_keeps_decisions_on_a_rerun(
        library: Library, session: str, classes: dict[str, str]) -> None:
    result = library.reviews.auto(session, "unanimous", reviewer="lead")
    assert [(a.analyst, a.start, a.end) for a in result.accepted] == [("maya", 0, 14)]
    assert result.accepted[0].supporters == ANALYSTS
    assert result.undecided == 4 and result.kept == 0
    decision = library.reviews.units(session)[0].decision
    assert decision is not None and decision.rule == "unanimous"
    assert "3 of 3 analysts" in decision.comment
    again = library.reviews.auto(session, "unanimous", reviewer="lead")
    assert again.accepted == [] and again.kept == 1
    assert layer(library) == [(0, 14, ("propaganda",), "a slogan")]
    # redo with nothing changed: the same decision, the same passage
    redone = library.reviews.auto(session, "unanimous", reviewer="lead", redo=True)
    assert redone.unchanged == 1 and redone.changes == []
    # redo after maya moved her passage: the copy follows
    library.annotations.set_bounds(classes["agree_maya"], select_range(TEXT, 1, 15))
    redone = library.reviews.auto(session, "unanimous", reviewer="lead", redo=True)
    assert len(redone.accepted) == 1 and layer(library) == [(1, 15, ("propaganda",),
                                                             "a slogan")]
    # redo after the unit stopped agreeing: the rule's decision is withdrawn
    library.annotations.set_tags(classes["agree_li"], ["opinion"])
    redone = library.reviews.auto(session, "unanimous", reviewer="lead", redo=True)
    assert redone.reopened == [library.reviews.units(session)[0].unit.key]
    assert library.reviews.units(session)[0].unit.kind == TAGS
    assert layer(library) == []
    library.reviews.undo(redone.changes)
    assert len(layer(library)) == 1


def test_majority_accepts_shared_versions_and_never_overrules_a_reviewer(
        library: Library, session: str) -> None:
    keys = units_by_class(library)
    library.reviews.reject(session, keys[BOUNDARIES], reviewer="lead")
    result = library.reviews.auto(session, "majority", reviewer="lead")
    assert result.min_votes == 2
    accepted = {a.unit_key: (a.analyst, a.supporters) for a in result.accepted}
    assert accepted == {
        keys[AGREE]: ("maya", ("maya", "li", "sam")),
        keys[TAGS]: ("maya", ("maya", "li")),
        keys[BOUNDARIES_AND_TAGS]: ("maya", ("maya", "sam")),
        keys[PARTIAL]: ("maya", ("maya", "li")),
    }
    assert result.kept == 1
    redone = library.reviews.auto(session, "majority", reviewer="lead", min_votes=3,
                                  redo=True)
    assert redone.unchanged == 1  # the agreeing unit
    assert len(redone.reopened) == 3  # the others lack a third vote now
    assert library.reviews.unit(session, keys[BOUNDARIES]).state == "rejected"
    # another rule's redo keeps this rule's decisions
    other = library.reviews.auto(session, "unanimous", reviewer="lead", redo=True)
    assert (other.kept, other.accepted, other.reopened) == (2, [], [])
    with pytest.raises(InvalidArgumentError, match="more than the session's 3"):
        library.reviews.auto(session, "majority", reviewer="lead", min_votes=4)
    with pytest.raises(InvalidArgumentError):
        library.reviews.auto(session, "unanimous", reviewer="lead", min_votes=2)
    with pytest.raises(InvalidArgumentError):
        library.reviews.auto(session, "dictator", reviewer="lead")


# --- degenerate input ------------------------------------------------------------------


def test_a_one_analyst_session(library: Library, article: Article) -> None:
    mark(library, article, "maya", 0, 14)
    mark(library, article, "maya", 50, 64, "opinion")
    library.reviews.create("solo", ["maya"])
    assert [u.unit.kind for u in library.reviews.units("solo")] == [AGREE, AGREE]
    result = library.reviews.auto("solo", "unanimous", reviewer="lead")
    assert len(result.accepted) == 2
    assert library.reviews.auto("solo", "majority", reviewer="lead").kept == 2


def test_an_article_nobody_annotated(library: Library, article: Article) -> None:
    empty = add_article(library, OTHER, "Empty")
    library.reviews.create("gold", ["maya"] if mark(library, article, "maya", 0, 4) else [],
                           articles=[empty.id])
    assert library.reviews.units("gold") == []
    assert library.reviews.units("gold", empty.id) == []
    progress = library.reviews.progress("gold")
    assert (progress.units, progress.decided) == (0, 0)
    assert library.reviews.auto("gold", "unanimous", reviewer="lead").accepted == []
    report = library.reviews.report("gold")
    assert report.articles == ((empty.id, "Empty"),) and report.units == ()


def test_an_analyst_removed_from_the_library(library: Library, session: str,
                                             db_path: Path) -> None:
    keys = units_by_class(library)
    library.reviews.accept(session, keys[PARTIAL], "li", reviewer="lead")
    # sam goes, passages and all, by another program
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM annotation_tags WHERE annotation_id IN (SELECT n.id FROM "
                 "annotations n JOIN annotators r ON r.id = n.annotator_id "
                 "WHERE r.name = 'sam')")
    conn.execute("DELETE FROM annotations WHERE annotator_id IN "
                 "(SELECT id FROM annotators WHERE name = 'sam')")
    conn.execute("DELETE FROM annotators WHERE name = 'sam'")
    conn.commit()
    conn.close()
    found = library.reviews.get(session)
    assert [(a.name, a.missing) for a in found.analysts] == [
        ("maya", False), ("li", False), ("sam", True)]
    units = library.reviews.units(session)
    # classed between maya and li now: the old partial unit agrees, and keeps its decision
    assert [u.unit.kind for u in units] == [AGREE, BOUNDARIES, AGREE, BOUNDARIES_AND_TAGS,
                                            AGREE]
    assert units[-1].state == "accepted"
    with pytest.raises(DecisionError, match="sam has no passage"):
        library.reviews.accept(session, units[0].unit.key, "sam", reviewer="lead")
    report = library.reviews.report(session, with_agreement=True)
    assert "sam (deleted)" in dict(report.analysts).values()
    sam = next(a.id for a in found.analysts if a.name == "sam")
    assert report.absent == {sam: "n/a: sam was deleted from the library after review "
                                  f"session {session!r} named them; their passages went "
                                  "with them"}
    # the session's agreement lists sam with that reason, not as an analyst on 0 spans
    assert report.agreement is not None
    assert report.agreement["analysts"] == ["li", "maya"]
    assert report.agreement["absent"] == {"sam": report.absent[sam]}
    with_sam = [p for p in report.agreement["pairs"] if "sam" in (p["first"], p["second"])]
    assert [(p["first"], p["second"]) for p in with_sam] == [("li", "sam"), ("maya", "sam"),
                                                             ("sam", session)]
    assert all(m == {"value": None, "units": 0, "unit": m["unit"],
                     "reason": report.absent[sam]}
               for p in with_sam for m in p["overall"].values())
    # asked for by name, a session's deleted analyst is n/a; a name never known an error
    asked = library.reviews.agreement_input(annotators=["maya", "li", "sam"]).report()
    assert asked["analysts"] == ["li", "maya"] and list(asked["absent"]) == ["sam"]
    with pytest.raises(NotFoundError, match="no annotator 'zed'"):
        library.reviews.agreement_input(annotators=["maya", "zed"])


def test_an_analyst_who_deleted_every_passage_makes_units_partial(
        library: Library, session: str, classes: dict[str, str]) -> None:
    for label, pid in classes.items():
        if label.endswith("_sam"):
            library.annotations.delete(pid)
    assert {u.unit.kind for u in library.reviews.units(session)} == {PARTIAL}


def test_a_session_whose_analysts_are_all_gone(library: Library, article: Article,
                                               db_path: Path) -> None:
    library.annotations.annotator("ghost")
    library.reviews.create("gold", ["ghost"], articles=[article.id])
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM annotators WHERE name = 'ghost'")
    conn.commit()
    conn.close()
    assert library.reviews.units("gold") == []
    assert library.reviews.auto("gold", "majority", reviewer="lead").accepted == []


# --- replies ---------------------------------------------------------------------------


def test_a_thread_of_replies_in_reading_order(library: Library, session: str,
                                              classes: dict[str, str]) -> None:
    root = classes["tags_sam"]
    replies = library.reviews.replies
    first = replies.add(root, "Why *evidence*?", "lead")
    answer = replies.add(first.id, "The figures are sourced.", "sam")
    second = replies.add(root[:8], "I read it as opinion.", "li")
    deeper = replies.add(answer.id[:8], "Sourced where?", "lead")
    assert first.references == (root,) and first.annotation_id == root
    assert answer.references == (root, first.id) and answer.parent == first.id
    assert deeper.references == (root, first.id, answer.id) and deeper.depth == 3
    assert [r.id for r in replies.thread(root)] == [first.id, answer.id, deeper.id, second.id]
    assert [r.id for r in replies.thread(deeper.id)] == [first.id, answer.id, deeper.id,
                                                         second.id]
    assert replies.counts([root, classes["tags_li"]]) == {root: 4}
    # a deleted reply with answers stays as a blank placeholder; one without goes
    replies.delete(first.id)
    replies.delete(second.id)
    thread = replies.thread(root)
    assert [(r.id, r.text) for r in thread] == [(first.id, ""), (answer.id, answer.text),
                                                (deeper.id, deeper.text)]
    replies.restore(second.id)
    assert replies.edit(second.id, "Opinion, surely.").text == "Opinion, surely."
    assert replies.thread(root)[-1].text == "Opinion, surely."
    with pytest.raises(InvalidArgumentError):
        replies.add(root, "   ", "lead")
    with pytest.raises(NotFoundError, match="no passage or reply"):
        replies.add("nope-nope", "hello", "lead")
    with pytest.raises(NotFoundError):
        replies.add(first.id, "to a deleted reply", "lead")


# --- the journal -------------------------------------------------------------------------


def test_the_journal_sees_sessions_decisions_and_replies(library: Library,
                                                         classes: dict[str, str]) -> None:
    start = library.journal.last_seq()
    made = library.reviews.create("gold", ANALYSTS)
    created = [(c.entity, c.op) for c in library.journal.after(start)]
    assert (REVIEW, ADDED) in created and created.count((REVIEW, ADDED)) == 1
    assert all(e != REVIEW or o == ADDED for e, o in created)  # one row for the session
    key = units_by_class(library)[AGREE]
    mark_seq = library.journal.last_seq()
    change = library.reviews.accept("gold", key, "maya", reviewer="lead")
    rows = [(c.entity, c.id, c.op) for c in library.journal.after(mark_seq)]
    assert (REVIEW, made.id, UPDATED) in rows
    assert change.after is not None
    assert (ANNOTATION, change.after.annotation_id, ADDED) in rows
    assert sum(1 for r in rows if r[0] == REVIEW) == 1
    mark_seq = library.journal.last_seq()
    library.reviews.reject("gold", key, reviewer="lead")
    rows = [(c.entity, c.id, c.op) for c in library.journal.after(mark_seq)]
    assert (ANNOTATION, change.after.annotation_id, REMOVED) in rows
    mark_seq = library.journal.last_seq()
    reply = library.reviews.replies.add(classes["agree_li"], "ok?", "lead")
    library.reviews.replies.delete(reply.id)
    library.reviews.replies.restore(reply.id)
    rows = [(c.entity, c.id, c.op) for c in library.journal.after(mark_seq)]
    assert [(e, o) for e, i, o in rows if e == REPLY] == [(REPLY, ADDED), (REPLY, REMOVED),
                                                          (REPLY, ADDED)]


def test_change_events_name_the_session(library: Library, session: str) -> None:
    heard: list[ChangeBatch] = []
    library.events.subscribe(heard.append)
    library.reviews.auto(session, "unanimous", reviewer="lead")
    assert heard[-1].ids(REVIEW) == {library.reviews.get(session).id}
    assert heard[-1].touches(ANNOTATION)


# --- speed -------------------------------------------------------------------------------


def test_units_of_three_analysts_with_500_passages_each(library: Library) -> None:
    article = add_article(library, " ".join(f"w{i:04d}" for i in range(5000)), "Long")
    for who in ANALYSTS:
        items = [NewAnnotation(article.id, select_range(article.text, i * 60, i * 60 + 20),
                               ["propaganda"]) for i in range(500)]
        library.annotations.create_many(items, who)
    library.reviews.create("big", ANALYSTS)
    start = time.perf_counter()
    units = library.reviews.units("big")
    elapsed = time.perf_counter() - start
    assert len(units) == 500 and all(u.unit.kind == AGREE for u in units)
    assert elapsed < 1.0, f"{elapsed * 1000:.0f} ms"


# --- the input of the agreement measures -------------------------------------------------


def test_agreement_input_gives_spans_by_analyst_and_lengths_in_code_points(
        library: Library, session: str, article: Article) -> None:
    library.reviews.auto(session, "unanimous", reviewer="lead")  # the layer "gold" has one
    emoji = add_article(library, "😀 Flags 🇫🇷 and words.", "Emoji")
    mark(library, emoji, "maya", 2, 7, "opinion")
    data = library.reviews.agreement_input()
    # the reconciled layer of a session is no analyst unless asked for
    assert sorted(data.spans) == ["li", "maya", "sam"]
    assert data.lengths == {article.id: len(TEXT), emoji.id: len("😀 Flags 🇫🇷 and words.")}
    assert data.lengths[emoji.id] == 21
    assert sorted((s.start, s.end, s.tag) for s in data.spans["sam"]) == [
        (0, 15, "propaganda"), (50, 64, "propaganda"), (100, 114, "evidence"),
        (150, 164, "opinion")]
    assert data.reference is None
    report = data.report()
    assert report["analysts"] == ["li", "maya", "sam"]
    assert json.loads(json.dumps(report)) == report


def test_agreement_input_filters_and_a_reference_layer(library: Library, session: str,
                                                       article: Article) -> None:
    library.reviews.auto(session, "unanimous", reviewer="lead")
    library.tags.use_set("ptc")
    loaded = library.tags.get("Loaded_Language")
    mark(library, article, "li", 300, 310, loaded.name)
    data = library.reviews.agreement_input(annotators=["maya", "li"], tags=["propaganda"],
                                           reference="gold")
    assert sorted(data.spans) == ["li", "maya"]
    assert data.tags == ["propaganda"]
    assert {s.tag for s in data.spans["li"]} == {"propaganda", "propaganda/Loaded_Language"}
    assert data.reference is not None and [(s.start, s.end) for s in data.reference] == [
        (0, 14)]
    assert data.report()["reference"] == "gold"
    unused = library.reviews.agreement_input(tags=["Doubt"])
    assert unused.tags == ["propaganda/Doubt"] and all(not s for s in unused.spans.values())
    pairs = unused.report()["pairs"]
    assert pairs[0]["tags"]["propaganda/Doubt"]["cohen_kappa"]["value"] is None  # type: ignore[index]
    with pytest.raises(InvalidArgumentError, match="reference layer"):
        library.reviews.agreement_input(annotators=["maya", "gold"], reference="gold")
    with pytest.raises(NotFoundError):
        library.reviews.agreement_input(reference="nobody")
    with pytest.raises(UnknownTagError):
        library.reviews.agreement_input(tags=["nope"])


def test_agreement_of_a_session_and_of_nobody(library: Library, session: str,
                                              article: Article) -> None:
    library.reviews.auto(session, "unanimous", reviewer="lead")
    quiet = add_article(library, OTHER, "Quiet")
    data = library.reviews.session_agreement_input(session)
    assert sorted(data.spans) == ["li", "maya", "sam"] and data.reference_name == "gold"
    assert list(data.lengths) == [article.id]
    # an article nobody annotated counts as text everyone left unmarked
    wider = library.reviews.agreement_input(articles=[article.id, quiet.id])
    assert wider.lengths[quiet.id] == len(OTHER)
    empty = library.reviews.agreement_input(articles=[quiet.id])
    assert empty.spans == {} and empty.report()["analysts"] == []
