"""passage_rows: the rows of the CSV of tagged passages, one per passage and tag."""

from __future__ import annotations

import pytest

from desktop.core.model import Annotation, Article
from desktop.core.selectors import select_quote
from desktop.store.annotations import PASSAGE_COLUMNS, AnnotationFilter, passage_rows
from desktop.store.articles import NewArticle
from desktop.store.library import Library

TEXT_ONE = ("Our waters, our future. The catch fell by 12 percent, the ministry said. "
            "This is a disgrace, said one fisher.")
TEXT_TWO = "Fans 👍🏽 cheered; \"cafe\u0301\" owners said: =SUM(1,2) is not a slogan."


def rows(library: Library, where: AnnotationFilter | None = None) -> list[dict[str, object]]:
    return [dict(zip(PASSAGE_COLUMNS, row, strict=True)) for row in passage_rows(library, where)]


@pytest.fixture
def data(library: Library) -> dict[str, object]:
    library.tags.use_set("ptc")
    one, _ = library.articles.add(NewArticle(
        title="Fish", text=TEXT_ONE, format="text", outlet="Harbour News",
        url="https://example.org/fish", published="2020-05-01"))
    two, _ = library.articles.add(NewArticle(title="Crowd", text=TEXT_TWO, format="text"))
    c = library.annotations.create
    return {
        "one": one,
        "two": two,
        "slogan": c(one.id, select_quote(TEXT_ONE, "Our waters, our future"),
                    ["Slogans", "opinion"], "alice", note="line one\nline two, \"quoted\""),
        "figure": c(one.id, select_quote(TEXT_ONE, "fell by 12 percent"), ["evidence"], "bob"),
        "disgrace": c(one.id, select_quote(TEXT_ONE, "This is a disgrace"),
                      ["Loaded_Language", "Doubt", "propaganda"], "alice"),
        "formula": c(two.id, select_quote(TEXT_TWO, "=SUM(1,2)"), ["evidence"], "bob"),
        "emoji": c(two.id, select_quote(TEXT_TWO, "👍🏽 cheered; \"cafe\u0301\""), [], "alice"),
    }


def test_one_row_per_passage_and_tag(library: Library, data: dict) -> None:
    got = rows(library)
    per_annotation: dict[str, list[str]] = {}
    for row in got:
        per_annotation.setdefault(str(row["annotation_id"]), []).append(str(row["tag_path"]))
    assert sorted(per_annotation[data["slogan"].id]) == ["opinion", "propaganda/Slogans"]
    assert per_annotation[data["figure"].id] == ["evidence"]
    assert sorted(per_annotation[data["disgrace"].id]) == [
        "propaganda", "propaganda/Doubt", "propaganda/Loaded_Language"]
    assert per_annotation[data["formula"].id] == ["evidence"]
    assert len(got) == 2 + 1 + 3 + 1 + 1


def test_an_annotation_without_tags_gives_one_row_with_an_empty_tag(library: Library,
                                                                    data: dict) -> None:
    [row] = [r for r in rows(library) if r["annotation_id"] == data["emoji"].id]
    assert row["tag"] == "" and row["tag_path"] == ""


def test_rows_carry_the_article_and_the_annotation(library: Library, data: dict) -> None:
    one: Article = data["one"]
    slogan: Annotation = data["slogan"]
    got = [r for r in rows(library) if r["annotation_id"] == slogan.id]
    assert {r["tag"] for r in got} == {"opinion", "Slogans"}
    for row in got:
        assert row["article_id"] == one.id
        assert row["article_title"] == "Fish"
        assert row["outlet"] == "Harbour News"
        assert row["url"] == "https://example.org/fish"
        assert row["published"] == "2020-05-01"
        assert row["annotator"] == "alice"
        assert (row["start"], row["end"]) == (slogan.start, slogan.end)
        assert row["quote"] == "Our waters, our future"
        assert row["note"] == "line one\nline two, \"quoted\""
        assert row["created"] == slogan.created
        assert row["updated"] == slogan.updated
        assert row["prefix"] == slogan.prefix
        assert row["suffix"] == slogan.suffix
        assert row["anchor_state"] == "anchored"


def test_every_quote_is_the_text_between_start_and_end(library: Library, data: dict) -> None:
    texts = {data["one"].id: TEXT_ONE, data["two"].id: TEXT_TWO}
    for row in rows(library):
        text = texts[str(row["article_id"])]
        assert row["quote"] == text[int(row["start"]):int(row["end"])]  # type: ignore[arg-type]
    [formula] = [r for r in rows(library) if r["annotation_id"] == data["formula"].id]
    assert formula["quote"] == "=SUM(1,2)"  # the raw value; neutralising is the CSV's job


def test_rows_are_in_article_and_text_order(library: Library, data: dict) -> None:
    got = rows(library)
    articles = list(dict.fromkeys(r["article_id"] for r in got))
    # each article's rows come together (the order of the articles themselves is
    # checked, without a timing race, by the same-millisecond test below)
    assert sorted(articles) == sorted([data["one"].id, data["two"].id])
    order = [r["annotation_id"] for r in got]
    by_article = {data["one"].id: ["slogan", "figure", "disgrace"],
                  data["two"].id: ["emoji", "formula"]}
    expected = [data[k].id for article in articles for k in by_article[str(article)]]
    assert list(dict.fromkeys(order)) == expected


def test_articles_imported_in_the_same_millisecond_keep_import_order(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.store import articles as articles_module

    ids = iter(["ffff0000-0000-4000-8000-000000000001", "0000ffff-0000-4000-8000-000000000002"])
    monkeypatch.setattr(articles_module, "new_id", lambda: next(ids))
    monkeypatch.setattr(articles_module, "now_iso", lambda: "2024-01-01T00:00:00.000+00:00")
    first, _ = library.articles.add(NewArticle(title="First", text="First text.", format="text"))
    second, _ = library.articles.add(NewArticle(title="Second", text="Second text.",
                                                format="text"))
    for article in (first, second):
        library.annotations.create(article.id, select_quote(article.text, "text"),
                                   ["opinion"], "alice")
    assert [a.title for a in library.articles.list()] == ["First", "Second"]
    assert [r["article_title"] for r in rows(library)] == ["First", "Second"]


def test_tag_filter_restricts_the_rows_to_that_tag(library: Library, data: dict) -> None:
    got = rows(library, AnnotationFilter(tag="evidence"))
    assert {r["annotation_id"] for r in got} == {data["figure"].id, data["formula"].id}
    assert {r["tag"] for r in got} == {"evidence"}
    assert len(got) == 2


def test_tag_filter_leaves_out_the_other_tags_of_the_same_passage(library: Library,
                                                                  data: dict) -> None:
    got = rows(library, AnnotationFilter(tag="opinion"))
    assert [(r["annotation_id"], r["tag"]) for r in got] == [(data["slogan"].id, "opinion")]


def test_parent_tag_filter_gives_the_rows_of_its_children(library: Library,
                                                          data: dict) -> None:
    got = rows(library, AnnotationFilter(tag="propaganda"))
    pairs = sorted((str(r["annotation_id"]), str(r["tag_path"])) for r in got)
    assert pairs == sorted([
        (data["slogan"].id, "propaganda/Slogans"),
        (data["disgrace"].id, "propaganda"),
        (data["disgrace"].id, "propaganda/Doubt"),
        (data["disgrace"].id, "propaganda/Loaded_Language"),
    ])


def test_child_tag_filter_gives_only_that_child(library: Library, data: dict) -> None:
    got = rows(library, AnnotationFilter(tag="propaganda/Doubt"))
    assert [(r["annotation_id"], r["tag_path"]) for r in got] == [
        (data["disgrace"].id, "propaganda/Doubt")]


def test_annotator_and_article_filters(library: Library, data: dict) -> None:
    got = rows(library, AnnotationFilter(annotator="bob"))
    assert {r["annotation_id"] for r in got} == {data["figure"].id, data["formula"].id}
    got = rows(library, AnnotationFilter(article_id=data["two"].id))
    assert {r["annotation_id"] for r in got} == {data["formula"].id, data["emoji"].id}
    got = rows(library, AnnotationFilter(article_id=data["one"].id, annotator="alice",
                                         tag="propaganda"))
    assert {r["annotation_id"] for r in got} == {data["slogan"].id, data["disgrace"].id}
    assert {r["tag"] for r in got} == {"Slogans", "propaganda", "Doubt", "Loaded_Language"}


def test_deleted_annotations_give_no_rows(library: Library, data: dict) -> None:
    library.annotations.delete(data["disgrace"].id)
    got = rows(library)
    assert data["disgrace"].id not in {r["annotation_id"] for r in got}
    assert rows(library, AnnotationFilter(tag="propaganda/Doubt")) == []


def test_renamed_tags_show_in_the_rows(library: Library, data: dict) -> None:
    library.tags.rename("propaganda", "persuasion")
    paths = {r["tag_path"] for r in rows(library, AnnotationFilter(tag="persuasion"))}
    assert paths == {"persuasion/Slogans", "persuasion", "persuasion/Doubt",
                     "persuasion/Loaded_Language"}


def test_no_annotations_give_no_rows(library: Library) -> None:
    assert rows(library) == []
