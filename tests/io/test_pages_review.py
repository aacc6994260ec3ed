"""The saved-page reader after review (issue 12): what it took out that was the article,
and what it took for the article that was not.

- a news stream is cut only at another story (a headline with its own link, or a byline
  or date line of its own), never inside a live blog, and the import report says what was
  cut;
- furniture class names never take words out of a sentence, nor prose (a subscriber's
  paywalled paragraphs, paragraphs set as <div>s);
- the standfirst is looked for between the headline and the text, not in a related list;
- a "most read" rail of linked headings does not make an article a list page;
- prose in <pre> keeps its "<", "&" and "<!--" as text;
- a photo's credit and a sentence opening with 记者 are not bylines.
"""

from __future__ import annotations

from pathlib import Path

from page_scoring import score_page
from support import FIXTURES, write

from desktop.io.importer import prepare

PAGES = FIXTURES / "pages"
FILLER = ("The harbour board met on Tuesday to discuss the dredging of the inner basin, "
          "which has narrowed since the winter floods and now limits the larger boats. ")


def page(tmp_path: Path, name: str, body: str, head: str = "") -> Path:
    return write(tmp_path / name, (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head>"
        f"<body>{body}</body></html>").encode())


def imported(path: Path) -> tuple[str, str, list[str]]:
    warnings: list[str] = []
    new, _ = prepare(path, warnings=warnings)
    return new.text, new.import_report, warnings


# --- the news-stream cut --------------------------------------------------------------------


def test_a_subheading_over_a_sentence_with_a_date_or_an_info_box_cuts_nothing():
    text, report, _ = imported(PAGES / "en-timeline-infobox.html")
    assert "The vote was first scheduled for 1 March, then moved" in text
    assert "The rest of the money, about £6 million, is held back" in text
    assert text.rstrip().endswith("taken inland for treatment.")
    assert "other stories" not in report


def test_a_live_blogs_entries_are_its_text():
    text, report, warnings = imported(PAGES / "en-liveblog-entries.html")
    for entry in ("About eighty residents", "Councillor Ines Barlow", "rent relief",
                  "approved the extension by 31 votes to 17"):
        assert entry in text
    assert "other stories" not in report and warnings == []


def test_entries_set_as_articles_beside_the_headline_are_kept_and_other_stories_cut(tmp_path):
    entry = "".join(f"<article class='post'><h3>Entry {n}</h3><p>Entry {n}: {FILLER}</p>"
                    "</article>" for n in range(3))
    other = ("<article class='teaser'><h3><a href='/other'>Bakery closes after forty years</a>"
             "</h3><p>Owners of the Quay Street bakery said they would retire in the "
             "spring and had found no buyer for the business.</p></article>")
    path = page(tmp_path, "live.html",
                "<article class='live-header'><h1>Harbour board votes on dredging tonight</h1>"
                "<p class='standfirst'>Follow the vote as it happens in the chamber.</p>"
                f"</article><div class='feed'>{entry}</div>{other}",
                "<title>Harbour board votes on dredging tonight</title>"
                "<meta property='og:type' content='article'>")
    text, report, _ = imported(path)
    for n in range(3):
        assert f"Entry {n}: The harbour board met" in text
    assert "Bakery" not in text and "Quay Street bakery" not in text
    assert "1 paragraph from the heading 'Bakery closes after forty years' on taken for " \
           "other stories" in report


def test_the_import_report_says_what_of_a_news_stream_was_cut():
    text, report, _ = imported(PAGES / "en-stream-stories.html")
    assert "Harbour wall repairs" not in text
    assert ("5 paragraphs from the heading 'Harbour wall repairs to close the east quay for a "
            "month' on taken for other stories of a news stream and left out") in report


# --- furniture names ------------------------------------------------------------------------


def test_a_link_with_a_furniture_class_stays_in_its_sentence():
    text, _, _ = imported(PAGES / "en-timeline-infobox.html")
    assert "The decision was welcomed by the fishermen's co-operative, which had" in text


def test_paywalled_paragraphs_and_prose_set_in_divs_are_the_article():
    text, _, _ = imported(PAGES / "en-paywall-divs.html")
    assert "Anglers found dead fish" in text
    assert "a larger pumping station and a storm tank" in text
    assert "Millford's social affairs committee said the fine" in text


def test_a_share_bar_and_a_paywall_notice_are_still_taken_out(tmp_path):
    body = (f"<article><h1>Harbour board approves dredging plan</h1><p>{FILLER * 3}</p>"
            "<div class='share-bar'><a href='/fb'>Facebook</a> <a href='/x'>X</a> "
            "<a href='/mail'>Email</a></div>"
            "<div class='paywall'>Subscribe to keep reading. Log in.</div>"
            f"<p>{FILLER}</p></article>")
    text, _, _ = imported(page(tmp_path, "bars.html", body,
                               "<title>Harbour board approves dredging plan</title>"))
    assert "Facebook" not in text and "Subscribe to keep reading" not in text
    assert text.count("The harbour board met on Tuesday") == 4


# --- standfirst, list pages, bylines ---------------------------------------------------------


def test_a_related_storys_summary_is_not_the_standfirst_and_a_rail_not_a_list_page():
    text, report, warnings = imported(PAGES / "en-rail-credit-summary.html")
    assert text.startswith("Library to open on Sundays after volunteers step in\n\n"
                           "Quay Street library will open")
    assert "leisure centre" not in text
    assert warnings == [] and "list of stories" not in report


def test_a_page_of_linked_headings_without_prose_is_still_a_list_page():
    _, _, warnings = imported(PAGES / "en-section-front.html")
    assert warnings and "not one article" in warnings[0]


def test_a_photo_credit_is_not_the_byline_nor_a_sentence_opening_with_the_label():
    assert score_page(PAGES / "en-rail-credit-summary.html").author == (
        "Callum Deverell", "Callum Deverell")
    assert score_page(PAGES / "zh-reporter-label.html").author == ("陈立新", "陈立新")


def test_no_author_is_made_of_a_chinese_sentence_opening_with_the_label(tmp_path):
    path = page(tmp_path, "zh.html",
                "<h1>港口预算获批</h1><p>记者从市政府获悉，港口预算已于昨日获批。</p>"
                + "<p>市政府今天宣布，新的港口预算将在未来五年内为城市青年创造数百个岗位。</p>"
                * 4,
                "<title>港口预算获批</title>")
    new, _ = prepare(path)
    assert new.author is None


# --- prose in <pre> ---------------------------------------------------------------------------


def test_wire_copy_in_pre_keeps_angle_brackets_and_markup_like_text_as_text(tmp_path):
    wire = ("NEW YORK, March 4 (Wire) - Shares of Apple &lt;AAPL.O&gt; rose 2% on Monday\n"
            "after the company said it would &amp; could ship the new phone early; traders\n"
            "noted that a tag such as &lt;/pre&gt; or &lt;script&gt; in a feed, or an opening\n"
            "&lt;!-- comment, is only text to them and never ends the story they read.\n\n"
            "The rise added about forty billion dollars to the company's market value, and\n"
            "analysts said the early date would help it in the holiday quarter.")
    path = page(tmp_path, "wire.html",
                f"<article><h1>Apple shares rise on early phone date</h1><pre>{wire}</pre>"
                "</article>", "<title>Apple shares rise on early phone date</title>")
    text, _, _ = imported(path)
    assert "Shares of Apple <AAPL.O> rose 2% on Monday after the company said it would & " \
           "could ship" in text
    assert "a tag such as </pre> or <script> in a feed, or an opening <!-- comment, is " \
           "only text" in text
    assert "analysts said the early date would help it in the holiday quarter." in text
