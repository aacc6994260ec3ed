import pytest

from desktop.core.errors import AmbiguousQuoteError, OffsetError, QuoteNotFoundError
from desktop.core.selectors import is_unique, quote_occurrences, select_quote, select_range

TEXT = "Café 😀 owners said the plan\u0301 was bad. The plan was bad, they said."


def test_offsets_are_code_points_with_astral_and_combining_characters():
    start = TEXT.index("owners")
    selection = select_range(TEXT, start, start + 6)
    assert selection.exact == "owners"
    assert start == 7  # 'Café ' is 5, the emoji is one code point, then a space


def test_context_is_32_characters_each_side():
    text = "x" * 50 + "target" + "y" * 50
    selection = select_range(text, 50, 56)
    assert selection.prefix == "x" * 32 and selection.suffix == "y" * 32


@pytest.mark.parametrize(("start", "end", "message"), [
    (-1, 3, "negative"), (3, 1000, "out of range"), (10, 5, "reversed"), (4, 4, "empty"),
])
def test_bad_offsets_are_refused_clearly(start, end, message):
    with pytest.raises(OffsetError, match=message):
        select_range(TEXT, start, end)


def test_ambiguous_quote_names_the_number_of_matches():
    with pytest.raises(AmbiguousQuoteError, match="occurs 2 times") as caught:
        select_quote(TEXT, "was bad")
    assert caught.value.count == 2
    second = select_quote(TEXT, "was bad", occurrence=2)
    assert second.start == TEXT.rindex("was bad")


def test_missing_quote_and_bad_occurrence_are_refused():
    with pytest.raises(QuoteNotFoundError, match="not found"):
        select_quote(TEXT, "nowhere")
    with pytest.raises(QuoteNotFoundError, match="out of range"):
        select_quote(TEXT, "was bad", occurrence=3)


def test_overlapping_occurrences_are_counted():
    assert quote_occurrences("aaaa", "aa") == [0, 1, 2]
    assert is_unique("abcabc", "bca", 1)
    assert not is_unique("abcabc", "abc", 0)
