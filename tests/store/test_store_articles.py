"""Articles: adding (re-adding is a no-op), finding by id, prefix or external id, listing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.core.errors import AmbiguousArticleError, ArticleNotFoundError
from desktop.core.model import Article, text_sha256
from desktop.core.selectors import select_quote
from desktop.store import articles as articles_module
from desktop.store.articles import NewArticle
from desktop.store.library import Library


def new(text: str, title: str = "Title", **fields: object) -> NewArticle:
    return NewArticle(title=title, text=text, format="text", **fields)  # type: ignore[arg-type]


def add(library: Library, text: str, title: str = "Title", **fields: object) -> Article:
    article, added = library.articles.add(new(text, title, **fields))
    assert added
    return article


@pytest.fixture
def fixed_ids(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Makes the next article ids predictable, two of them sharing a prefix."""
    ids = [
        "abcd1111-0000-4000-8000-000000000001",
        "abcd2222-0000-4000-8000-000000000002",
        "ef015555-0000-4000-8000-000000000003",
    ]
    supply: Iterator[str] = iter(ids)
    monkeypatch.setattr(articles_module, "new_id", lambda: next(supply))
    return ids


# --- adding ----------------------------------------------------------------------------


def test_add_returns_the_new_article_and_true(library: Library) -> None:
    article, added = library.articles.add(new(
        "Body of the article.", "Headline", external_id="111", author="Li Zheng",
        outlet="chinawatch.cn", published="2019-10-31", url="https://example.org/a",
        language="en", source="raw source", source_path="/tmp/a.txt"))
    assert added is True
    assert article.title == "Headline"
    assert article.text == "Body of the article."
    assert article.format == "text"
    assert article.text_sha256 == text_sha256("Body of the article.")
    assert (article.external_id, article.author, article.outlet, article.published,
            article.url, article.language, article.source_path) == (
        "111", "Li Zheng", "chinawatch.cn", "2019-10-31", "https://example.org/a", "en",
        "/tmp/a.txt")
    assert article.imported_at and article.updated_at
    assert article.annotation_count == 0
    assert library.articles.count() == 1


def test_readding_the_same_text_returns_the_same_article_and_false(library: Library) -> None:
    first, added = library.articles.add(new("Same words.", "First title"))
    assert added
    again, added_again = library.articles.add(new("Same words.", "First title"))
    assert added_again is False
    assert again == first
    assert library.articles.count() == 1


def test_readding_the_same_text_under_another_title_changes_nothing(library: Library) -> None:
    first = add(library, "Same words.", "First title")
    again, added = library.articles.add(new("Same words.", "Another title", url="https://x"))
    assert added is False
    assert again.id == first.id
    assert library.articles.get(first.id).title == "First title"
    assert library.articles.get(first.id).url is None
    assert library.articles.count() == 1


def test_same_title_with_different_text_is_a_different_article(library: Library) -> None:
    one = add(library, "First text.", "Same title")
    two = add(library, "Second text.", "Same title")
    assert one.id != two.id
    assert library.articles.count() == 2


def test_readding_keeps_the_annotations_of_the_article(library: Library) -> None:
    article = add(library, "A passage worth noting.")
    library.annotations.create(article.id, select_quote(article.text, "worth noting"),
                               ["opinion"], "alice")
    again, added = library.articles.add(new("A passage worth noting."))
    assert not added
    assert again.id == article.id
    assert again.annotation_count == 1


# --- finding ---------------------------------------------------------------------------


def test_get_by_full_id(library: Library) -> None:
    article = add(library, "Text one.")
    add(library, "Text two.")
    found = library.articles.get(article.id)
    assert found.id == article.id
    assert found.text == "Text one."


def test_get_by_full_id_with_surrounding_spaces(library: Library) -> None:
    article = add(library, "Text one.")
    assert library.articles.get(f"  {article.id}\n").id == article.id


@pytest.mark.parametrize("length", [4, 5, 8, 13])
def test_get_by_unique_prefix(library: Library, fixed_ids: list[str], length: int) -> None:
    add(library, "Text one.")
    add(library, "Text two.")
    third = add(library, "Text three.")
    assert third.id == fixed_ids[2]
    assert library.articles.get(fixed_ids[2][:length]).id == third.id


def test_get_by_prefix_longer_than_the_shared_part(library: Library,
                                                   fixed_ids: list[str]) -> None:
    add(library, "Text one.")
    second = add(library, "Text two.")
    assert library.articles.get("abcd2").id == second.id
    assert library.articles.get("abcd2222").id == second.id


def test_get_by_a_prefix_shorter_than_four_characters_is_not_found(
        library: Library, fixed_ids: list[str]) -> None:
    add(library, "Text one.")
    add(library, "Text two.")
    add(library, "Text three.")
    with pytest.raises(ArticleNotFoundError):
        library.articles.get("ef0")


def test_get_by_ambiguous_prefix_is_refused(library: Library, fixed_ids: list[str]) -> None:
    add(library, "Text one.")
    add(library, "Text two.")
    with pytest.raises(AmbiguousArticleError) as info:
        library.articles.get("abcd")
    assert "abcd" in str(info.value)


def test_get_by_external_id(library: Library) -> None:
    add(library, "Text one.", external_id="article111111")
    two = add(library, "Text two.", external_id="article222222")
    found = library.articles.get("article222222")
    assert found.id == two.id
    assert found.text == "Text two."


def test_external_id_shared_by_two_articles_is_ambiguous(library: Library) -> None:
    add(library, "Text one.", external_id="dup")
    add(library, "Text two.", external_id="dup")
    with pytest.raises(AmbiguousArticleError):
        library.articles.get("dup")


@pytest.mark.parametrize("ref", ["nope", "00000000-0000-0000-0000-000000000000", "", "   ",
                                 "%%%%", "____", "%", "abc"])
def test_get_unknown_article_is_not_found(library: Library, ref: str) -> None:
    add(library, "Text one.")
    add(library, "Text two.", external_id="ext-1")
    with pytest.raises(ArticleNotFoundError) as info:
        library.articles.get(ref)
    assert repr(ref.strip()) in str(info.value)


def test_get_returns_text_and_counts(library: Library) -> None:
    article = add(library, "One two three four.")
    library.annotations.create(article.id, select_quote(article.text, "two"), ["opinion"], "a")
    found = library.articles.get(article.id[:6])
    assert found.text == "One two three four."
    assert found.annotation_count == 1
    assert library.articles.text(article.id) == "One two three four."


def test_text_of_unknown_article_is_not_found(library: Library) -> None:
    with pytest.raises(ArticleNotFoundError):
        library.articles.text("missing")


def test_find_by_hash(library: Library) -> None:
    article = add(library, "Hash me.")
    assert library.articles.find_by_hash(text_sha256("Hash me.")) == article
    assert library.articles.find_by_hash(text_sha256("Other.")) is None


# --- listing ---------------------------------------------------------------------------


def test_list_counts_annotations_and_excludes_deleted_ones(library: Library) -> None:
    one = add(library, "Alpha beta gamma delta.", "One")
    add(library, "Nothing tagged here.", "Two")
    made = [library.annotations.create(one.id, select_quote(one.text, word), ["opinion"],
                                       "alice") for word in ("Alpha", "beta", "gamma")]
    library.annotations.delete(made[1].id)
    listed = {a.title: a for a in library.articles.list()}
    assert listed["One"].annotation_count == 2
    assert listed["Two"].annotation_count == 0
    assert listed["One"].orphan_count == 0
    assert library.articles.get(one.id).annotation_count == 2


def test_list_leaves_out_the_texts(library: Library) -> None:
    add(library, "A long body of text.", "One")
    [listed] = library.articles.list()
    assert listed.title == "One"
    assert listed.text == ""


def test_list_of_an_empty_library_is_empty(library: Library) -> None:
    assert library.articles.list() == []
    assert library.articles.count() == 0


@pytest.fixture
def shelf(library: Library) -> Library:
    add(library, "Text b.", "banana", published="2020-01-05", outlet="Zeta News")
    add(library, "Text a.", "Apple", published=None, outlet=None)
    add(library, "Text c.", "cherry", published="2021-03-01", outlet="alpha times")
    add(library, "Text d.", "date", published="2019-07-30", outlet="Alpha Times")
    return library


def test_list_sorted_by_import_order(shelf: Library) -> None:
    assert [a.title for a in shelf.articles.list()] == ["banana", "Apple", "cherry", "date"]
    assert [a.title for a in shelf.articles.list("imported")] == [
        "banana", "Apple", "cherry", "date"]


def test_list_sorted_by_title_ignores_case(shelf: Library) -> None:
    assert [a.title for a in shelf.articles.list("title")] == [
        "Apple", "banana", "cherry", "date"]


def test_list_sorted_by_published_newest_first_undated_last(shelf: Library) -> None:
    assert [a.title for a in shelf.articles.list("published")] == [
        "cherry", "banana", "date", "Apple"]


def test_list_sorted_by_outlet_then_title_unknown_outlet_last(shelf: Library) -> None:
    assert [a.title for a in shelf.articles.list("outlet")] == [
        "cherry", "date", "banana", "Apple"]


def test_the_library_list_builds_the_same_articles_as_get(library) -> None:
    from desktop.store.articles import NewArticle

    for number in range(3):
        library.articles.add(NewArticle(title=f"T{number}", text=f"Text {number}\n",
                                        format="text", url=f"https://x.example/{number}",
                                        author="Ann", outlet="Paper", external_id=str(number)))
    for listed in library.articles.list():
        got = library.articles.get(listed.id)
        # the list leaves out the text and the source, and has everything else
        assert listed == type(got)(**{**got.__dict__, "text": "", "source": None})
        assert hash(listed) == hash(type(got)(**{**got.__dict__, "text": "", "source": None}))
