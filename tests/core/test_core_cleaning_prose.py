"""Cleaning leaves an article's own short lines alone: a timeline's years, a media story's
"Advertising" and "Print" sections, a quoted slogan that begins "Read more:", "Up next" in
a running story. The noise rules stay in force around them."""

from pathlib import Path

import pytest

from desktop.core.cleaning import clean_text, noise_reason

# An invented media story, as the extractor gives it (Markdown), full of short lines that
# look like page furniture.
ARTICLE = """\
# How the Harbour Gazette kept its presses running

For ninety years the Harbour Gazette printed six days a week in a shed by the quay.

## 1998

The paper bought its second press, a machine that still runs on Thursdays.

## 2024

The owners moved the newsroom upstairs and let the ground floor to a bakery.

2019

That was the year the council first asked to buy the shed.

## Advertising

Advertising paid for two thirds of the paper until the classifieds went online.

## Print

Print runs fell from 9,000 copies to 2,400, the editor said.

The poster above her desk said only:

> Read more: learn more: live more.

Read more: learn more: live more.

Up next

The council votes on the sale of the shed in June.

## Comments

Comments on the paper's website are read by a volunteer each morning.
"""


def test_an_articles_short_lines_are_all_kept():
    result = clean_text(ARTICLE)
    assert result.removed == []
    assert result.text == ARTICLE


@pytest.mark.parametrize("line", [
    "## 2024", "2024", "1998", "## Advertising", "### Print", "## Share", "## Comments",
    "> Read more: learn more: live more.", "Read more: learn more: live more.",
    "Share this story with a neighbour today.", "Print the form and bring it to the hall.",
])
def test_headings_quotes_sentences_and_years_are_text(line):
    assert noise_reason(line) is None


@pytest.mark.parametrize(("line", "reason"), [
    ("16", "share or comment count"),
    ("- 941 comments", "share or comment count"),
    ("1.2K shares", "share or comment count"),
    ("Advertisement", "advertisement"),
    ("Advertising", "advertisement"),
    ("Print", "share or comment button"),
    ("- [Share on Twitter](https://social.example/share)", "share or comment button"),
    ("Read more: Council approves harbour plan", "read-more link"),
    ("Loading comments...", "share or comment button"),
    ("Now watching", "video player"),
    ("Unfortunately, this video is not available in your region.", "video player"),
])
def test_noise_lines_are_still_noise(line, reason):
    assert noise_reason(line) == reason


def test_up_next_goes_only_beside_a_video_player():
    player = "Now watching\nUnfortunately, this video is not available in your region\nUp next\n"
    text = "The council met on Monday.\n" + player + "The vote is in June.\n"
    result = clean_text(text)
    assert result.text == "The council met on Monday.\nThe vote is in June.\n"
    assert [r.reason for r in result.removed] == ["video player"] * 3
    story = "The council met on Monday.\n\nUp next\n\nThe vote is in June.\n"
    assert clean_text(story).text == story


def test_noise_among_the_short_lines_is_removed_and_the_article_kept():
    noisy = ARTICLE.replace("## 1998\n", "## 1998\n\n- 941 comments\n\nAdvertisement\n")
    noisy = noisy.replace("## Print\n", "## Print\n\nShare on Twitter\n\n16\n")
    result = clean_text(noisy)
    assert result.text == ARTICLE
    assert sorted(r.text for r in result.removed) == sorted(
        ["- 941 comments", "Advertisement", "Share on Twitter", "16"])


def test_a_saved_page_of_short_lines_imports_whole(tmp_path: Path):
    from desktop.io.importer import prepare

    page = tmp_path / "gazette.html"
    page.write_text(
        "<!doctype html><html lang='en'><head><title>How the Gazette kept printing</title>"
        "<meta property='og:type' content='article'></head><body><article>"
        "<h1>How the Gazette kept printing</h1>"
        + "".join(f"<p>In {year} the Harbour Gazette changed again: the paper's owners "
                  f"took stock of the presses, the staff and the readers, and the editor "
                  f"wrote a long note about it for the Saturday edition of {year}.</p>"
                  f"<h2>{year}</h2>" for year in (1998, 2008, 2024))
        + "<p>The poster on the wall said only:</p>"
          "<blockquote><p>Read more: learn more: live more.</p></blockquote>"
          "<p>Up next</p><p>The council votes on the sale of the shed in June, and the "
          "editor expects a long meeting with many speakers from the quay.</p>"
          "<h2>Advertising</h2><p>Advertising paid for two thirds of the paper until the "
          "classifieds went online, the former manager of the paper recalled.</p>"
          "</article></body></html>", encoding="utf-8")
    article, note = prepare(page)
    for kept in ("1998", "2008", "2024", "Read more: learn more: live more.", "Up next",
                 "Advertising"):
        assert kept in article.text.split("\n") or f"## {kept}" in article.text, kept
    assert "removed" not in (note or "")
