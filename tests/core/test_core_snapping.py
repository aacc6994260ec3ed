import pytest

from desktop.core.snapping import snap_to_words

TEXT = "Critics called it “a cold-blooded attack,” then left. Don't panic (yet) 😀 now."


def span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.mark.parametrize(("rough", "expected"), [
    ("itics call", "Critics called"),          # partial words widen
    (" called it ", "called it"),              # whitespace trimmed
    ("“a cold-blooded attack,” ", "a cold-blooded attack"),  # quotes and comma trimmed
    ("cold-blo", "cold-blooded"),              # a hyphen inside a word is part of it
    ("on't pan", "Don't panic"),               # so is an apostrophe
    ("panic (yet)", "panic (yet)"),            # a bracket closing inside is kept
    ("😀 no", "😀 now"),                        # emoji count as one character
])
def test_rough_selections_snap_to_whole_words(rough, expected):
    start, end = snap_to_words(TEXT, *span(rough))
    assert TEXT[start:end] == expected


def test_selection_of_only_punctuation_is_left_alone():
    start, end = span(",” ")
    assert snap_to_words(TEXT, start, end) == (start, end)


def test_reversed_and_out_of_range_inputs_are_clamped():
    start, end = snap_to_words(TEXT, 10, 2)
    assert TEXT[start:end] == "Critics called"
    assert snap_to_words(TEXT, len(TEXT) - 4, len(TEXT) + 10)[1] <= len(TEXT)
