"""Annotations: creating (both selectors, code point offsets), listing with filters,
deleting (recorded, not erased), and creating many at once atomically."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from desktop.core.errors import AnnotationNotFoundError, InvalidArgumentError, UnknownTagError
from desktop.core.model import Article
from desktop.core.selectors import CONTEXT_CHARS, select_quote, select_range
from desktop.store.annotations import AnnotationFilter, NewAnnotation
from desktop.store.articles import NewArticle
from desktop.store.library import Library

LONG = (
    "The ministry published its annual report on Tuesday morning. According to the figures, "
    "the catch fell by 12 percent. Officials called it plain and simple sabotage by foreign "
    "fleets, a claim no evidence supports. The report ends with a list of recommendations."
)

# astral characters (emoji with a skin-tone modifier, a flag) and combining marks
# (e + U+0301, n + U+0303) before and inside the passage
UNICODE = (
    "Fans 👍🏽 cheered; the cafe\u0301 owner 🇫🇷 said: \"Man\u0303ana is 😀 too late\". "
    "Then the crowd left."
)


def add(library: Library, text: str, title: str = "Article") -> Article:
    article, _ = library.articles.add(NewArticle(title=title, text=text, format="text"))
    return article


def count(library: Library, table: str) -> int:
    return int(library.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def stored_substring_matches(library: Library, annotation_id: str) -> bool:
    """SQLite's own substr (which counts characters) agrees with the stored exact text."""
    row = library.db.execute(
        'SELECT substr(a.text, n.start + 1, n."end" - n.start) = n.exact FROM annotations n '
        "JOIN articles a ON a.id = n.article_id WHERE n.id = ?", [annotation_id]).fetchone()
    return bool(row[0])


# --- creating --------------------------------------------------------------------------


def test_create_stores_both_selectors_tags_annotator_and_times(library: Library) -> None:
    article = add(library, LONG)
    before = datetime.now(UTC) - timedelta(seconds=1)
    made = library.annotations.create(article.id, select_quote(LONG, "plain and simple"),
                                      ["propaganda"], "alice", note="slogan-like")
    after = datetime.now(UTC) + timedelta(seconds=1)

    start = LONG.index("plain and simple")
    assert (made.start, made.end) == (start, start + len("plain and simple"))
    assert made.exact == LONG[made.start:made.end] == "plain and simple"
    assert made.prefix == LONG[start - CONTEXT_CHARS:start]
    assert len(made.prefix) == 32
    assert made.suffix == LONG[made.end:made.end + 32]
    assert len(made.suffix) == 32
    assert made.tags == ("propaganda",)
    assert made.tag_paths == ("propaganda",)
    assert made.annotator == "alice"
    assert made.note == "slogan-like"
    assert made.anchor_state == "anchored"
    created = datetime.fromisoformat(made.created)
    assert created.utcoffset() == timedelta(0)
    assert before <= created <= after
    assert made.updated == made.created

    stored = library.annotations.get(made.id)
    assert stored == made
    row = library.db.execute(
        'SELECT n.start, n."end", n.exact, n.prefix, n.suffix, n.note, r.name, n.created, '
        "n.updated, n.deleted FROM annotations n JOIN annotators r ON r.id = n.annotator_id "
        "WHERE n.id = ?", [made.id]).fetchone()
    assert row == (made.start, made.end, "plain and simple", made.prefix, made.suffix,
                   "slogan-like", "alice", made.created, made.created, None)


def test_context_is_shorter_at_the_edges_of_the_text(library: Library) -> None:
    article = add(library, LONG)
    first = library.annotations.create(article.id, select_range(LONG, 0, 3), ["evidence"], "a")
    assert (first.exact, first.prefix) == ("The", "")
    assert first.suffix == LONG[3:35]
    end = len(LONG)
    last = library.annotations.create(article.id, select_range(LONG, end - 16, end),
                                      ["evidence"], "a")
    assert last.exact == "recommendations."
    assert last.suffix == ""
    assert last.prefix == LONG[end - 48:end - 16]


def test_offsets_are_code_points_with_emoji_and_combining_marks(library: Library) -> None:
    article = add(library, UNICODE)
    quote = "Man\u0303ana is 😀 too late"
    made = library.annotations.create(article.id, select_quote(UNICODE, quote), ["opinion"],
                                      "alice")
    start = UNICODE.index(quote)
    # code points: 👍🏽 is 2, 🇫🇷 is 2, é as e + U+0301 is 2 (UTF-16 would count more)
    assert start == len(UNICODE[:start])
    assert start != len(UNICODE[:start].encode("utf-16-le")) // 2
    assert (made.start, made.end) == (start, start + len(quote))
    stored = library.annotations.get(made.id)
    assert stored.exact == quote == UNICODE[stored.start:stored.end]
    assert stored.prefix == UNICODE[start - 32:start]
    assert stored.suffix == UNICODE[stored.end:stored.end + 32]
    assert stored_substring_matches(library, made.id)


@pytest.mark.parametrize("quote", ["👍🏽", "🇫🇷", "cafe\u0301", "\u0303ana", "😀",
                                   "Fans 👍🏽 cheered"])
def test_passages_of_astral_and_combining_characters_round_trip(library: Library,
                                                                quote: str) -> None:
    article = add(library, UNICODE)
    made = library.annotations.create(article.id, select_quote(UNICODE, quote), ["opinion"],
                                      "alice")
    stored = library.annotations.get(made.id)
    assert stored.exact == quote
    assert UNICODE[stored.start:stored.end] == quote
    assert stored.start == UNICODE.index(quote)
    assert stored_substring_matches(library, made.id)


def test_several_tags_on_one_passage(library: Library) -> None:
    library.tags.use_set("ptc")
    article = add(library, LONG)
    made = library.annotations.create(
        article.id, select_quote(LONG, "no evidence supports"),
        ["opinion", "Doubt", "evidence", "doubt"], "alice")
    assert set(made.tags) == {"Doubt", "evidence", "opinion"}
    stored = library.annotations.get(made.id)
    assert set(stored.tags) == {"Doubt", "evidence", "opinion"}
    assert len(stored.tags) == 3
    assert set(stored.tag_paths) == {"propaganda/Doubt", "evidence", "opinion"}
    assert stored.tags == made.tags
    assert stored.tag_paths == made.tag_paths
    assert count(library, "annotation_tags") == 3


def test_create_with_a_tag_path(library: Library) -> None:
    article = add(library, LONG)
    made = library.annotations.create(article.id, select_quote(LONG, "plain and simple"),
                                      ["propaganda/Slogans"], "alice")
    assert made.tag_paths == ("propaganda/Slogans",)
    assert library.annotations.get(made.id).tags == ("Slogans",)


def test_create_with_an_unknown_tag_stores_nothing(library: Library) -> None:
    article = add(library, LONG)
    with pytest.raises(UnknownTagError):
        library.annotations.create(article.id, select_quote(LONG, "plain and simple"),
                                   ["propaganda", "nope"], "alice")
    assert count(library, "annotations") == 0
    assert count(library, "annotation_tags") == 0
    assert count(library, "annotators") == 0


@pytest.mark.parametrize("who", ["", "   "])
def test_create_without_an_annotator_is_refused(library: Library, who: str) -> None:
    article = add(library, LONG)
    with pytest.raises(InvalidArgumentError):
        library.annotations.create(article.id, select_quote(LONG, "plain and simple"),
                                   ["opinion"], who)
    assert count(library, "annotations") == 0


def test_an_annotator_is_recorded_once(library: Library) -> None:
    article = add(library, LONG)
    for quote in ("plain and simple", "12 percent"):
        library.annotations.create(article.id, select_quote(LONG, quote), ["opinion"], "alice")
    library.annotations.create(article.id, select_quote(LONG, "Tuesday"), ["opinion"], "bob")
    assert [a.name for a in library.annotations.annotators()] == ["alice", "bob"]
    ids = {a.annotator_id for a in library.annotations.list() if a.annotator == "alice"}
    assert len(ids) == 1


def test_create_many_stores_all_in_one_go(library: Library) -> None:
    article = add(library, LONG)
    made = library.annotations.create_many([
        NewAnnotation(article.id, select_quote(LONG, quote), ["evidence"], note=f"n{i}")
        for i, quote in enumerate(["Tuesday", "12 percent", "foreign"])], "alice")
    assert [m.exact for m in made] == ["Tuesday", "12 percent", "foreign"]
    assert [a.exact for a in library.annotations.list()] == ["Tuesday", "12 percent",
                                                             "foreign"]
    assert [a.note for a in library.annotations.list()] == ["n0", "n1", "n2"]


def test_create_many_is_atomic(library: Library) -> None:
    article = add(library, LONG)
    items = [
        NewAnnotation(article.id, select_quote(LONG, "Tuesday"), ["evidence"]),
        NewAnnotation(article.id, select_quote(LONG, "12 percent"), ["evidence", "opinion"]),
        NewAnnotation(article.id, select_quote(LONG, "foreign"), ["no-such-tag"]),
        NewAnnotation(article.id, select_quote(LONG, "recommendations"), ["opinion"]),
    ]
    with pytest.raises(UnknownTagError):
        library.annotations.create_many(items, "alice")
    assert library.annotations.list() == []
    assert count(library, "annotations") == 0
    assert count(library, "annotation_tags") == 0
    assert count(library, "annotators") == 0
    assert library.articles.get(article.id).annotation_count == 0


# --- reading ---------------------------------------------------------------------------


def test_get_by_unique_prefix(library: Library) -> None:
    article = add(library, LONG)
    made = library.annotations.create(article.id, select_quote(LONG, "Tuesday"), ["opinion"],
                                      "alice")
    assert library.annotations.get(made.id[:8]).id == made.id
    with pytest.raises(AnnotationNotFoundError):
        library.annotations.get(made.id[:3])


@pytest.mark.parametrize("ref", ["____", "%%%%", "%", "________-____", "nope"])
def test_get_does_not_treat_sql_wildcards_as_an_id_prefix(library: Library, ref: str) -> None:
    article = add(library, LONG)
    library.annotations.create(article.id, select_quote(LONG, "Tuesday"), ["opinion"], "alice")
    with pytest.raises(AnnotationNotFoundError):
        library.annotations.get(ref)


def test_delete_by_a_wildcard_id_deletes_nothing(library: Library) -> None:
    article = add(library, LONG)
    made = library.annotations.create(article.id, select_quote(LONG, "Tuesday"), ["opinion"],
                                      "alice")
    with pytest.raises(AnnotationNotFoundError):
        library.annotations.delete("%%%%")
    assert [a.id for a in library.annotations.list()] == [made.id]


@pytest.fixture
def populated(library: Library) -> dict[str, object]:
    library.tags.use_set("ptc")
    one = add(library, LONG, "Report")
    two = add(library, UNICODE, "Crowd")
    c = library.annotations.create
    made = {
        "slogan": c(one.id, select_quote(LONG, "plain and simple"), ["Slogans"], "alice",
                    note="a catchy slogan"),
        "doubt": c(one.id, select_quote(LONG, "a claim no evidence supports"), ["Doubt",
                   "opinion"], "bob"),
        "figure": c(one.id, select_quote(LONG, "the catch fell by 12 percent"), ["evidence"],
                    "alice", note="check the ministry's table"),
        "crowd": c(two.id, select_quote(UNICODE, "Then the crowd left."), ["propaganda"],
                   "bob", note="café owner quoted"),
    }
    return {"one": one, "two": two, **made}


def ids(annotations: list) -> list[str]:  # type: ignore[type-arg]
    return [a.id for a in annotations]


def test_list_everything_in_article_and_text_order(library: Library, populated: dict) -> None:
    listed = library.annotations.list()
    assert len(listed) == 4
    by_article: dict[str, list[int]] = {}
    for a in listed:
        by_article.setdefault(a.article_id, []).append(a.start)
    assert all(starts == sorted(starts) for starts in by_article.values())
    assert [a.article_id for a in listed] == sorted(a.article_id for a in listed)


def test_list_filters_by_article(library: Library, populated: dict) -> None:
    one = populated["one"]
    listed = library.annotations.list(AnnotationFilter(article_id=one.id))
    assert ids(listed) == [populated[k].id for k in ("figure", "slogan", "doubt")]
    two = library.annotations.list(AnnotationFilter(article_id=populated["two"].id))
    assert ids(two) == [populated["crowd"].id]


def test_list_filter_by_a_parent_tag_matches_its_children(library: Library,
                                                          populated: dict) -> None:
    listed = library.annotations.list(AnnotationFilter(tag="propaganda"))
    assert set(ids(listed)) == {populated[k].id for k in ("slogan", "doubt", "crowd")}


def test_list_filter_by_a_child_tag_matches_only_it(library: Library, populated: dict) -> None:
    listed = library.annotations.list(AnnotationFilter(tag="Doubt"))
    assert ids(listed) == [populated["doubt"].id]
    listed = library.annotations.list(AnnotationFilter(tag="propaganda/Slogans"))
    assert ids(listed) == [populated["slogan"].id]


def test_list_filter_by_tag_in_any_case(library: Library, populated: dict) -> None:
    assert ids(library.annotations.list(AnnotationFilter(tag="EVIDENCE"))) == [
        populated["figure"].id]


def test_list_filter_by_an_unknown_tag_is_refused(library: Library, populated: dict) -> None:
    with pytest.raises(UnknownTagError):
        library.annotations.list(AnnotationFilter(tag="nope"))


def test_list_filters_by_annotator(library: Library, populated: dict) -> None:
    assert set(ids(library.annotations.list(AnnotationFilter(annotator="alice")))) == {
        populated["slogan"].id, populated["figure"].id}
    assert set(ids(library.annotations.list(AnnotationFilter(annotator="bob")))) == {
        populated["doubt"].id, populated["crowd"].id}
    assert library.annotations.list(AnnotationFilter(annotator="carol")) == []


def test_list_search_finds_words_in_the_passage(library: Library, populated: dict) -> None:
    assert ids(library.annotations.list(AnnotationFilter(search="plain and simple"))) == [
        populated["slogan"].id]
    assert ids(library.annotations.list(AnnotationFilter(search="12 percent"))) == [
        populated["figure"].id]


def test_list_search_finds_words_in_the_note(library: Library, populated: dict) -> None:
    assert ids(library.annotations.list(AnnotationFilter(search="catchy"))) == [
        populated["slogan"].id]
    assert ids(library.annotations.list(AnnotationFilter(search="ministry's table"))) == [
        populated["figure"].id]


def test_list_search_words_in_any_order_unless_quoted(library: Library,
                                                       populated: dict) -> None:
    assert ids(library.annotations.list(AnnotationFilter(search="simple plain"))) == [
        populated["slogan"].id]
    assert library.annotations.list(AnnotationFilter(search='"simple and plain"')) == []
    assert ids(library.annotations.list(AnnotationFilter(search='"plain and simple"'))) == [
        populated["slogan"].id]


def test_list_search_ignores_diacritics(library: Library, populated: dict) -> None:
    assert ids(library.annotations.list(AnnotationFilter(search="cafe"))) == [
        populated["crowd"].id]


@pytest.mark.parametrize("words", ["", "   ", "%", "_", "*", '"', "'", "NEAR(a b)", "a OR b",
                                   '"simple and plain"', 'plai*', '"unclosed'])
def test_list_search_with_odd_input_does_not_fail(library: Library, populated: dict,
                                                  words: str) -> None:
    listed = library.annotations.list(AnnotationFilter(search=words))
    if words.strip():
        assert listed == []
    else:
        assert len(listed) == 4


def test_list_filters_combine(library: Library, populated: dict) -> None:
    where = AnnotationFilter(article_id=populated["one"].id, tag="propaganda", annotator="bob")
    assert ids(library.annotations.list(where)) == [populated["doubt"].id]
    where = AnnotationFilter(tag="propaganda", search="slogan")
    assert ids(library.annotations.list(where)) == [populated["slogan"].id]
    assert library.annotations.list(AnnotationFilter(tag="evidence", annotator="bob")) == []


# --- deleting --------------------------------------------------------------------------


def test_delete_hides_it_but_keeps_the_row_marked_deleted(library: Library,
                                                          populated: dict) -> None:
    doomed = populated["doubt"]
    removed = library.annotations.delete(doomed.id)
    assert removed.id == doomed.id
    assert doomed.id not in ids(library.annotations.list())
    assert doomed.id not in ids(library.annotations.list(AnnotationFilter(tag="Doubt")))
    assert doomed.id not in ids(library.annotations.list(AnnotationFilter(annotator="bob")))
    with pytest.raises(AnnotationNotFoundError):
        library.annotations.get(doomed.id)
    row = library.db.execute(
        "SELECT exact, deleted, updated, created FROM annotations WHERE id = ?",
        [doomed.id]).fetchone()
    assert row is not None
    exact, deleted, updated, created = row
    assert exact == "a claim no evidence supports"
    assert deleted is not None
    assert datetime.fromisoformat(deleted).utcoffset() == timedelta(0)
    assert updated == deleted
    assert updated >= created
    # its tags stay recorded too
    assert library.db.execute("SELECT count(*) FROM annotation_tags WHERE annotation_id = ?",
                              [doomed.id]).fetchone()[0] == 2


def test_delete_twice_is_not_found(library: Library, populated: dict) -> None:
    library.annotations.delete(populated["slogan"].id)
    with pytest.raises(AnnotationNotFoundError):
        library.annotations.delete(populated["slogan"].id)


def test_delete_by_prefix(library: Library, populated: dict) -> None:
    library.annotations.delete(populated["figure"].id[:8])
    assert populated["figure"].id not in ids(library.annotations.list())
    assert len(library.annotations.list()) == 3


def test_deleted_annotations_are_not_searched(library: Library, populated: dict) -> None:
    library.annotations.delete(populated["slogan"].id)
    assert library.annotations.list(AnnotationFilter(search="plain and simple")) == []
    assert library.search.annotations("plain and simple") == []


def test_every_edit_makes_a_passage_newer_even_when_the_clock_does_not_move(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sync keeps the later of two versions: an edit within the same millisecond, or
    after the clock was set back, must still be later than what it replaces."""
    import desktop.core.model as model

    article = add(library, "The bridge is a triumph of engineering.")
    made = library.annotations.create(article.id, select_range(article.text, 4, 10),
                                      ["evidence"], "maya")
    monkeypatch.setattr(model, "now_iso", lambda: "2001-01-01T00:00:00.000+00:00")
    times = [made.updated]
    for note in ("one", "two", "three"):
        times.append(library.annotations.set_note(made.id, note).updated)
    times.append(library.annotations.set_tags(made.id, ["opinion"]).updated)
    library.annotations.delete(made.id)
    times.append(library.annotations.restore(made.id).updated)
    assert times == sorted(set(times)), times
    assert all(t.endswith("+00:00") for t in times)
