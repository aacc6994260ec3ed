from urllib.parse import unquote

from desktop.core.fragments import text_fragment_link

URL = "https://paper.example/news/story"


def test_unique_quote_gives_a_plain_text_directive():
    link = text_fragment_link(URL + "#top", "harbour vote, re-run", unique=True)
    assert link == URL + "#:~:text=harbour%20vote%2C%20re%2Drun"


def test_repeated_quote_gets_prefix_and_suffix_words():
    link = text_fragment_link(URL, "the plan", prefix="ouncil said that ", suffix=" was bad and",
                              unique=False)
    directive = link.split("#:~:text=", 1)[1]
    prefix, rest = directive.split("-,", 1)
    quote, suffix = rest.split(",-", 1)
    assert unquote(prefix) == "said that"  # the cut word "ouncil" is dropped
    assert unquote(quote) == "the plan"
    assert unquote(suffix) == "was bad"


def test_long_quote_uses_start_and_end_phrases():
    quote = " ".join(f"w{i}" for i in range(30))
    link = text_fragment_link(URL, quote)
    assert link.endswith("#:~:text=w0%20w1%20w2%20w3,w26%20w27%20w28%20w29")


def test_line_breaks_in_the_quote_become_single_spaces():
    assert text_fragment_link(URL, "end of one.\n\nStart of") == (
        URL + "#:~:text=end%20of%20one.%20Start%20of")
