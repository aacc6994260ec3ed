"""Unit cases of the text-fragment links that the CSV's `link` column carries."""

from __future__ import annotations

from urllib.parse import unquote

from desktop.core.fragments import text_fragment_link

URL = "https://paper.example/news/harbour-vote"


def parts(link: str) -> str:
    base, directive = link.split("#:~:text=", 1)
    assert base == URL
    return directive


def test_unique_short_quote_is_the_whole_quote_encoded():
    assert text_fragment_link(URL, "the harbour plan") == URL + "#:~:text=the%20harbour%20plan"


def test_hyphen_in_the_quote_is_encoded_as_2d():
    link = text_fragment_link(URL, "long-awaited sea-wall")
    assert link == URL + "#:~:text=long%2Dawaited%20sea%2Dwall"
    assert "-" not in parts(link)


def test_comma_and_ampersand_in_the_quote_are_encoded():
    link = text_fragment_link(URL, "fish, chips & peas")
    assert parts(link) == "fish%2C%20chips%20%26%20peas"
    assert unquote(parts(link)) == "fish, chips & peas"


def test_accents_and_emoji_are_percent_encoded_utf8():
    link = text_fragment_link(URL, "caf\u00e9 \U0001f30a")
    assert parts(link) == "caf%C3%A9%20%F0%9F%8C%8A"
    assert unquote(parts(link)) == "caf\u00e9 \U0001f30a"


def test_existing_fragment_of_the_url_is_replaced():
    assert text_fragment_link(URL + "#comments", "harbour") == URL + "#:~:text=harbour"


def test_runs_of_whitespace_become_one_encoded_space():
    link = text_fragment_link(URL, "  the   harbour\n\nplan \t")
    assert parts(link) == "the%20harbour%20plan"


def test_ten_word_quote_is_given_whole():
    quote = "one two three four five six seven eight nine ten"
    assert parts(text_fragment_link(URL, quote)) == "%20".join(quote.split())


def test_long_quote_uses_its_first_and_last_four_words():
    quote = "one two three four five six seven eight nine ten eleven"
    assert parts(text_fragment_link(URL, quote)) == (
        "one%20two%20three%20four,eight%20nine%20ten%20eleven")


def test_long_quote_start_and_end_phrases_are_encoded_too():
    quote = "well-known fact: the sea-wall, built in 1998, has never once failed, officials say"
    directive = parts(text_fragment_link(URL, quote))
    start, end = directive.split(",")
    assert unquote(start) == "well-known fact: the sea-wall,"
    assert unquote(end) == "once failed, officials say"


def test_unique_quote_gets_no_context_even_when_given():
    link = text_fragment_link(URL, "the plan", prefix="the council said that ",
                              suffix=" was bad for the town", unique=True)
    assert parts(link) == "the%20plan"


def test_repeated_quote_gets_three_words_of_context_each_side():
    link = text_fragment_link(URL, "the plan", prefix="r the whole council said that ",
                              suffix=" was bad for the whole town", unique=False)
    assert parts(link) == "council%20said%20that-,the%20plan,-was%20bad%20for"


def test_context_word_cut_at_the_edge_of_the_context_is_dropped():
    link = text_fragment_link(URL, "the plan", prefix="ouncil said that ",
                              suffix=" was bad an", unique=False)
    directive = parts(link)
    prefix, rest = directive.split("-,")
    quote, suffix = rest.split(",-")
    assert unquote(prefix) == "said that"
    assert unquote(quote) == "the plan"
    assert unquote(suffix) == "was bad"


def test_repeated_quote_without_context_is_just_the_quote():
    assert parts(text_fragment_link(URL, "the plan", "", "", unique=False)) == "the%20plan"


def test_repeated_long_quote_has_context_around_start_and_end_phrases():
    quote = "one two three four five six seven eight nine ten eleven"
    link = text_fragment_link(URL, quote, prefix=" said that ", suffix=" and more. ",
                              unique=False)
    assert parts(link) == ("said%20that-,one%20two%20three%20four,"
                           "eight%20nine%20ten%20eleven,-and%20more.")


def test_context_with_hyphens_is_encoded():
    link = text_fragment_link(URL, "plan", prefix=" the well-known ", suffix=" re-run today ",
                              unique=False)
    assert parts(link) == "the%20well%2Dknown-,plan,-re%2Drun%20today"


def test_empty_quote_gives_the_page_itself():
    assert text_fragment_link(URL + "#top", "   ") == URL
