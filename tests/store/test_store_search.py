"""Full-text search of articles and of passages and notes.

A search gives every article (or annotation) that contains all its words, in any order;
words in double quotes must occur together, in that order. Punctuation and FTS5 syntax
typed by a user are searched as text, never run, and never raise.
"""

from __future__ import annotations

import pytest

from desktop.core.model import Article
from desktop.store.articles import NewArticle
from desktop.store.library import Library

CORPUS = {
    "Alpha": "Officials called it plain and simple sabotage. Don't ask why; 100% sure.",
    "Bravo": "You must choose a or b today.",
    "Charlie": "A quiet village near the coast.",
    "Delta": "We concatenate files. The cat sat on the x and y axes.",
    "Echo": "Le café était fermé ce matin.",
}

# (what a user types, the titles it must find)
CASES: list[tuple[str, set[str]]] = [
    ("%", set()),
    ("_", set()),
    ("'", set()),
    ('"', set()),
    ('""', set()),
    ("*", set()),
    ("", set()),
    ("   ", set()),
    ("\t\n", set()),
    ("a OR b", {"Bravo"}),            # OR is a word here, not an operator
    ("NEAR(x y)", set()),             # NEAR is a word here: no text has near, x and y
    ("x AND y", {"Delta"}),
    ("AND", {"Alpha", "Delta"}),
    ("NOT", set()),
    ("plai*", set()),                 # not a prefix query
    ("text:plain", set()),            # not a column filter
    ("^plain", {"Alpha"}),
    ("-plain", {"Alpha"}),
    ("plain + simple", {"Alpha"}),
    ("(plain)", {"Alpha"}),
    ("plain and simple", {"Alpha"}),  # several words
    ("simple and plain", {"Alpha"}),  # every word, in any order
    ('"plain and simple"', {"Alpha"}),
    ('"simple and plain"', set()),    # a quoted phrase keeps its order
    ('"plain and', {"Alpha"}),        # an unclosed quote is just words
    ("don't", {"Alpha"}),
    ("100%", {"Alpha"}),
    ("cafe", {"Echo"}),               # diacritics do not matter
    ("CAFÉ", {"Echo"}),
    ("etait ferme", {"Echo"}),
    ("village coast", {"Charlie"}),
    ("village sabotage", set()),      # words in two different articles
    ("'; DROP TABLE articles; --", set()),
]


def add(library: Library, title: str, text: str) -> Article:
    article, _ = library.articles.add(NewArticle(title=title, text=text, format="text"))
    return article


@pytest.fixture
def corpus(library: Library) -> dict[str, Article]:
    from desktop.core.selectors import select_range

    made = {title: add(library, title, text) for title, text in CORPUS.items()}
    for article in made.values():
        # one annotation over the whole text, so passage search sees the same words
        library.annotations.create(article.id, select_range(article.text, 0,
                                                            len(article.text)),
                                   ["opinion"], "alice")
    return made


@pytest.mark.parametrize(("words", "titles"), CASES, ids=[repr(c[0]) for c in CASES])
def test_article_search_with_user_input(library: Library, corpus: dict[str, Article],
                                        words: str, titles: set[str]) -> None:
    hits = library.search.articles(words)
    assert {h.article_title for h in hits} == titles
    assert all(h.kind == "article" and h.annotation_id is None for h in hits)
    assert library.articles.count() == len(CORPUS)


@pytest.mark.parametrize(("words", "titles"), CASES, ids=[repr(c[0]) for c in CASES])
def test_annotation_search_with_user_input(library: Library, corpus: dict[str, Article],
                                           words: str, titles: set[str]) -> None:
    hits = library.search.annotations(words)
    assert {h.article_title for h in hits} == titles
    assert all(h.kind == "annotation" and h.annotation_id for h in hits)


def test_a_phrase_finds_the_article_and_points_at_the_words(library: Library,
                                                            corpus: dict[str, Article]) -> None:
    [hit] = library.search.articles('"plain and simple"')
    article = corpus["Alpha"]
    assert hit.article_id == article.id
    assert hit.article_title == "Alpha"
    assert hit.start is not None and hit.end is not None
    assert article.text[hit.start:hit.end] == "plain and simple"
    assert hit.start == article.text.index("plain and simple")
    assert "[" in hit.snippet and "]" in hit.snippet


def test_several_words_point_at_them_when_they_stand_together(
        library: Library, corpus: dict[str, Article]) -> None:
    [hit] = library.search.articles("PLAIN and Simple")
    text = corpus["Alpha"].text
    assert hit.start is not None and hit.end is not None
    assert text[hit.start:hit.end] == "plain and simple"


def test_position_in_text_with_astral_characters_counts_code_points(library: Library) -> None:
    text = "👍🏽 Fans 🇫🇷 cheered: plain and simple."
    article = add(library, "Emoji", text)
    [hit] = library.search.articles('"plain and simple"')
    assert hit.article_id == article.id
    assert (hit.start, hit.end) == (text.index("plain"), text.index("plain") + 16)


def test_a_word_points_at_the_whole_word_not_inside_a_longer_one(
        library: Library, corpus: dict[str, Article]) -> None:
    [hit] = library.search.articles("cat")
    text = corpus["Delta"].text
    assert hit.article_title == "Delta"
    assert (hit.start, hit.end) == (text.index(" cat ") + 1, text.index(" cat ") + 4), (
        f"points at {text[hit.start:hit.end]!r} inside "
        f"{text[max(0, (hit.start or 0) - 3):(hit.end or 0) + 5]!r}")


def test_diacritics_insensitive_search_finds_the_accented_word(
        library: Library, corpus: dict[str, Article]) -> None:
    hits = library.search.articles("cafe")
    assert [h.article_title for h in hits] == ["Echo"]
    assert [h.article_title for h in library.search.annotations("cafe")] == ["Echo"]


def test_diacritics_insensitive_match_points_at_the_accented_word(
        library: Library, corpus: dict[str, Article]) -> None:
    [hit] = library.search.articles("cafe")
    text = corpus["Echo"].text
    assert (hit.start, hit.end) == (text.index("café"), text.index("café") + 4)


def test_decomposed_accents_are_found_too(library: Library) -> None:
    add(library, "Decomposed", "Le cafe\u0301 e\u0301tait ferme\u0301.")
    assert [h.article_title for h in library.search.articles("café")] == ["Decomposed"]
    assert [h.article_title for h in library.search.articles("cafe")] == ["Decomposed"]


def test_search_matches_titles(library: Library, corpus: dict[str, Article]) -> None:
    add(library, "Harbour blockade announced", "Nothing in the body mentions it.")
    hits = library.search.articles("blockade")
    assert [h.article_title for h in hits] == ["Harbour blockade announced"]


def test_annotation_search_finds_notes(library: Library, corpus: dict[str, Article]) -> None:
    from desktop.core.selectors import select_quote

    article = corpus["Charlie"]
    made = library.annotations.create(article.id, select_quote(article.text, "quiet village"),
                                      ["evidence"], "bob", note="Checked on the map, 2019")
    hits = library.search.annotations("checked map")
    assert [h.annotation_id for h in hits] == [made.id]
    assert (hits[0].start, hits[0].end) == (made.start, made.end)
    assert hits[0].article_id == article.id


def test_annotation_search_leaves_out_deleted_annotations(
        library: Library, corpus: dict[str, Article]) -> None:
    [hit] = library.search.annotations("village")
    library.annotations.delete(hit.annotation_id or "")
    assert library.search.annotations("village") == []
    assert [h.article_title for h in library.search.articles("village")] == ["Charlie"]


def test_search_respects_the_limit(library: Library) -> None:
    for n in range(5):
        add(library, f"Report {n}", f"The harbour report number {n}.")
    assert len(library.search.articles("harbour", limit=3)) == 3
    assert len(library.search.articles("harbour")) == 5


def test_search_of_an_empty_library_finds_nothing(library: Library) -> None:
    assert library.search.articles("anything") == []
    assert library.search.annotations("anything") == []
