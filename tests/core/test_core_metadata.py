import pytest

from desktop.core.metadata import parse_byline, parse_date, text_metadata


def test_pipe_byline_gives_author_outlet_and_date():
    found = parse_byline("By Li Zheng | chinawatch.cn | Updated: 2019-10-31 17:44")
    assert found is not None
    assert (found.author, found.outlet, found.published) == (
        "Li Zheng", "chinawatch.cn", "2019-10-31T17:44")


@pytest.mark.parametrize(("value", "iso"), [
    ("2019-10-31", "2019-10-31"),
    ("October 31, 2019", "2019-10-31"),
    ("31 Oct 2019 08:05", "2019-10-31T08:05"),
    ("Updated: 2019-10-31 17:44", "2019-10-31T17:44"),
    ("no date here", None),
    ("", None),
])
def test_dates_become_iso_8601(value, iso):
    assert parse_date(value) == iso


def test_kicker_above_the_headline_is_not_the_title():
    text = "Exclusive\nWhen the bridge fell\nBy Ann Lee | paper.example | 2024-01-02\n\nBody."
    found = text_metadata(text)
    assert found.title == "When the bridge fell"
    assert found.title_line == 1
    assert found.author == "Ann Lee"
    assert found.published == "2024-01-02"


def test_a_short_headline_above_a_first_sentence_is_the_title():
    found = text_metadata("Harbour news\n\nThe council voted for the dredging plan on "
                          "Monday night.\n\nFishermen said the plan would ruin the bay.\n")
    assert found.title == "Harbour news"
    assert found.title_line == 0


def test_first_line_is_the_title_and_urls_are_found():
    found = text_metadata("A long headline about council budgets\nBody text.\n"
                          "Source: https://paper.example/a?id=3")
    assert found.title == "A long headline about council budgets"
    assert found.url == "https://paper.example/a?id=3"


@pytest.mark.parametrize("line", [
    "By 2030 the plan will be finished, the mayor said.",
    "By and large the council agreed with the proposal put forward by the mayor today",
    "Nothing here",
])
def test_sentences_are_not_bylines(line):
    assert parse_byline(line) is None
