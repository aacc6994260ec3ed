"""Importing articles through the CLI: formats, metadata, decoding, cleaning, re-import.

Every test writes small invented articles to real files in tmp_path and imports them into
a real library file with `closeread import`, then reads back what a user would see
(`articles --json`, `show --json`).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from support import write

from desktop.core.document import HEADING, Document
from desktop.store.library import Library

# --- invented articles -------------------------------------------------------------------

TXT_ARTICLE = (
    "Harbour plan splits the town council\n"
    "By Ann Lee | paper.example | Updated: 2024-02-03 08:15\n"
    "\n"
    "The council voted seven to four on Tuesday to widen the old harbour, after a debate "
    "that ran past midnight.\n"
    "\n"
    'Fishermen said the plan ignored the tides. "Our waters, our future," said one skipper.\n'
)

MD_ARTICLE = """Title: Gulls return to the pier
Author: Maya Ortiz
Outlet: Coastline Weekly
Published: 2023-06-14
URL: https://coast.example/news/gulls

# Gulls return to the pier

The **gulls** came back on *Monday*, in numbers nobody had seen for a decade.

## What changed

Fewer boats now use the inner basin, and the water is **warmer** than it was.
"""

HTML_ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lighthouse keeper retires after forty years</title>
<meta name="author" content="Ravi Kumar">
<meta property="og:site_name" content="Harbour Herald">
<meta property="og:title" content="Lighthouse keeper retires after forty years">
<meta property="article:published_time" content="2022-09-01T10:30:00Z">
<link rel="canonical" href="https://herald.example/news/lighthouse-keeper">
<script>document.title = "SCRIPTMARKER in the head";</script>
</head>
<body>
<nav><ul>
<li><a href="/">Home</a></li>
<li><a href="/sport">Sport section menu</a></li>
<li><a href="/weather">Weather section menu</a></li>
</ul></nav>
<article>
<h1>Lighthouse keeper retires after forty years</h1>
<p>Ellen Marsh climbed the one hundred and twelve steps of the north lighthouse every
evening for forty years, and on Friday she climbed them for the last time.</p>
<p>She said the lamp never once failed on her watch, though the storm of 1998 came close
to proving her wrong.</p>
<script>alert("SCRIPTMARKER in the body");</script>
<p>The harbour board will replace her with an automatic beacon next spring, a decision the
town has greeted with mixed feelings.</p>
</article>
<footer><p>Copyright footer notice: Harbour Herald, all rights reserved. Contact us.</p></footer>
</body>
</html>
"""

PARAGRAPHS = [
    "The new tram line opened on Saturday morning to long queues at every one of its "
    "eleven stops across the city.",
    "Officials said the line had cost less than planned, a claim the opposition disputed "
    "at length on Sunday afternoon.",
    "Riders praised the quiet carriages but complained that the timetable left long gaps "
    "in the evening hours.",
]
HEADER = "Tram line opens to queues\nBy Ann Lee | paper.example | Updated: 2024-02-03 08:15\n\n"


# --- helpers -----------------------------------------------------------------------------


def articles(run) -> list[dict]:
    return run.json("articles")


def show(run, article_id: str) -> dict:
    return json.loads(run("show", article_id, "--json").stdout)


def import_one(run, path: Path, *options: str) -> dict:
    """Imports ``path`` into an empty library; the article with its text."""
    result = run("import", *options, str(path))
    assert "Traceback" not in result.output
    found = articles(run)
    assert len(found) == 1, result.output
    return show(run, found[0]["id"])


def layout_of(db_path: Path, article_id: str, text: str) -> Document:
    library = Library(db_path)
    try:
        return Document.from_json(text, library.articles.layout(article_id))
    finally:
        library.close()


# --- plain text --------------------------------------------------------------------------


def test_text_file_title_and_byline_give_title_author_outlet_and_date(run, tmp_path):
    article = import_one(run, write(tmp_path / "harbour.txt", TXT_ARTICLE))
    assert article["title"] == "Harbour plan splits the town council"
    assert article["author"] == "Ann Lee"
    assert article["outlet"] == "paper.example"
    assert article["published"] == "2024-02-03T08:15"
    assert article["format"] == "text"
    assert article["url"] is None


def test_text_file_keeps_its_words_as_the_canonical_text(run, tmp_path):
    article = import_one(run, write(tmp_path / "harbour.txt", TXT_ARTICLE))
    # nothing in it is noise: the text is the file's, at most without the final newline
    assert article["text"] == TXT_ARTICLE.rstrip("\n")


def test_text_file_import_reports_the_file_and_the_title(run, tmp_path):
    path = write(tmp_path / "harbour.txt", TXT_ARTICLE)
    result = run("import", str(path))
    assert result.exit_code == 0
    assert "imported" in result.stdout
    assert str(path) in result.stdout
    assert "Harbour plan splits the town council" in result.stdout
    assert "1 imported" in result.stdout
    assert result.stderr == ""


def test_text_file_url_line_becomes_the_article_url(run, tmp_path):
    text = TXT_ARTICLE + "\nURL: https://paper.example/harbour-plan\n"
    article = import_one(run, write(tmp_path / "harbour.txt", text))
    assert article["url"] == "https://paper.example/harbour-plan"


def test_text_file_without_a_title_line_is_named_after_its_first_line(run, tmp_path):
    text = "Ferry timetable changes from Monday\n\nThe early boat now leaves at six.\n"
    article = import_one(run, write(tmp_path / "ferry-note.txt", text))
    assert article["title"] == "Ferry timetable changes from Monday"
    assert article["author"] is None


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_header_gives_title_author_outlet_date_and_url(run, tmp_path):
    article = import_one(run, write(tmp_path / "gulls.md", MD_ARTICLE))
    assert article["title"] == "Gulls return to the pier"
    assert article["author"] == "Maya Ortiz"
    assert article["outlet"] == "Coastline Weekly"
    assert article["published"] == "2023-06-14"
    assert article["url"] == "https://coast.example/news/gulls"
    assert article["format"] == "markdown"


def test_markdown_canonical_text_has_no_markdown_syntax(run, tmp_path):
    text = import_one(run, write(tmp_path / "gulls.md", MD_ARTICLE))["text"]
    assert "# " not in text
    assert "#" not in text
    assert "**" not in text
    assert "*Monday*" not in text
    assert "Title:" not in text and "Author:" not in text and "URL:" not in text
    assert "The gulls came back on Monday, in numbers nobody had seen for a decade." in text


def test_markdown_blocks_are_separated_by_one_blank_line(run, tmp_path):
    text = import_one(run, write(tmp_path / "gulls.md", MD_ARTICLE))["text"]
    assert text == (
        "Gulls return to the pier\n\n"
        "The gulls came back on Monday, in numbers nobody had seen for a decade.\n\n"
        "What changed\n\n"
        "Fewer boats now use the inner basin, and the water is warmer than it was."
    )
    assert "\n\n\n" not in text


def test_markdown_headings_are_headings_in_the_layout(run, tmp_path, db_path):
    article = import_one(run, write(tmp_path / "gulls.md", MD_ARTICLE))
    text = article["text"]
    document = layout_of(db_path, article["id"], text)
    headings = [(text[b.start:b.end], b.level) for b in document.blocks if b.kind == HEADING]
    assert headings == [("Gulls return to the pier", 1), ("What changed", 2)]
    # every block points into the canonical text, and no block is a heading by accident
    for block in document.blocks:
        assert 0 <= block.start < block.end <= len(text)
    assert any(text[b.start:b.end].startswith("The gulls came back") and b.kind != HEADING
               for b in document.blocks)


def test_markdown_bold_and_emphasis_become_spans_over_the_plain_words(run, tmp_path, db_path):
    article = import_one(run, write(tmp_path / "gulls.md", MD_ARTICLE))
    text = article["text"]
    document = layout_of(db_path, article["id"], text)
    marked = {text[s.start:s.end] for s in document.spans}
    assert {"gulls", "Monday", "warmer"} <= marked


def test_format_markdown_reads_a_txt_file_as_markdown(run, tmp_path):
    source = (
        "# Night market reopens\n\n"
        "Stalls returned to **Quay Street** on Friday after a *two-year* pause.\n"
    )
    article = import_one(run, write(tmp_path / "market.txt", source), "--format", "markdown")
    assert article["format"] == "markdown"
    assert article["title"] == "Night market reopens"
    assert article["text"] == (
        "Night market reopens\n\n"
        "Stalls returned to Quay Street on Friday after a two-year pause."
    )


def test_without_format_the_same_txt_keeps_its_markdown_characters(run, tmp_path):
    source = "# Night market reopens\n\nStalls returned to **Quay Street** on Friday.\n"
    article = import_one(run, write(tmp_path / "market.txt", source))
    assert article["format"] == "text"
    assert "**Quay Street**" in article["text"]


# --- saved web pages ---------------------------------------------------------------------


def test_web_page_metadata_gives_title_author_outlet_date_and_url(run, tmp_path):
    article = import_one(run, write(tmp_path / "lighthouse.html", HTML_ARTICLE))
    assert article["title"] == "Lighthouse keeper retires after forty years"
    assert article["author"] == "Ravi Kumar"
    assert article["outlet"] == "Harbour Herald"
    assert article["published"] is not None
    assert article["published"].startswith("2022-09-01")
    assert article["url"] == "https://herald.example/news/lighthouse-keeper"
    assert article["format"] == "html"


def test_web_page_text_is_the_article_without_scripts(run, tmp_path):
    text = import_one(run, write(tmp_path / "lighthouse.html", HTML_ARTICLE))["text"]
    assert "SCRIPTMARKER" not in text
    assert "alert(" not in text
    assert "document.title" not in text
    assert "<" not in text and ">" not in text
    assert "Ellen Marsh climbed the one hundred and twelve steps" in text
    assert "a decision the town has greeted with mixed feelings." in text


def test_web_page_navigation_and_footer_are_not_in_the_text(run, tmp_path):
    text = import_one(run, write(tmp_path / "lighthouse.html", HTML_ARTICLE))["text"]
    assert "Sport section menu" not in text
    assert "Weather section menu" not in text
    assert "Copyright footer notice" not in text


def test_web_page_paragraphs_are_blocks_separated_by_a_blank_line(run, tmp_path):
    text = import_one(run, write(tmp_path / "lighthouse.html", HTML_ARTICLE))["text"]
    paragraphs = text.split("\n\n")
    assert any(p.startswith("Ellen Marsh climbed") and p.endswith("for the last time.")
               for p in paragraphs)
    assert any(p.startswith("She said the lamp") and p.endswith("proving her wrong.")
               for p in paragraphs)
    # the page's own line break inside a paragraph is only a space in the text
    assert "every evening for forty years" in text
    assert "\n\n\n" not in text


def test_web_page_in_a_declared_charset_is_decoded_as_declared(run, tmp_path):
    page = (
        '<html><head><meta charset="windows-1252"><title>Caf\u00e9 owners protest rent</title>'
        "</head><body><article><h1>Caf\u00e9 owners protest rent</h1>"
        "<p>The owners of the caf\u00e9 on the quay say their rent has doubled in a year, "
        "and that the landlord has refused every request for a meeting since March.</p>"
        "<p>A protest is planned for Saturday outside the caf\u00e9, with a petition that "
        "already carries more than two thousand names from across the town.</p>"
        "</article></body></html>"
    )
    article = import_one(run, write(tmp_path / "cafe.html", page, encoding="cp1252"))
    assert "caf\u00e9 on the quay" in article["text"]


# --- folders -----------------------------------------------------------------------------


def test_folder_import_is_recursive(run, tmp_path):
    folder = tmp_path / "articles"
    write(folder / "harbour.txt", TXT_ARTICLE)
    write(folder / "2023" / "june" / "gulls.md", MD_ARTICLE)
    write(folder / "2022" / "lighthouse.html", HTML_ARTICLE)
    result = run("import", str(folder))
    titles = sorted(a["title"] for a in articles(run))
    assert titles == [
        "Gulls return to the pier",
        "Harbour plan splits the town council",
        "Lighthouse keeper retires after forty years",
    ]
    assert "3 imported" in result.stdout


def test_folder_import_skips_a_non_article_file_and_says_why(run, tmp_path):
    folder = tmp_path / "articles"
    write(folder / "harbour.txt", TXT_ARTICLE)
    photo = write(folder / "photos" / "quay.jpg", b"\xff\xd8\xff\xe0 not really a photo")
    notes = write(folder / "budget.xlsx", b"PK\x03\x04 not really a spreadsheet")
    result = run("import", str(folder))
    assert result.exit_code == 0
    assert len(articles(run)) == 1
    skipped = [line for line in result.stdout.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2
    assert any(str(photo) in line and ".jpg" in line and "not an article file" in line
               for line in skipped)
    assert any(str(notes) in line and ".xlsx" in line for line in skipped)
    assert "2 skipped" in result.stdout


def test_folder_import_ignores_hidden_files_and_folders(run, tmp_path):
    folder = tmp_path / "articles"
    write(folder / "harbour.txt", TXT_ARTICLE)
    write(folder / ".draft.txt", "Secret draft headline\n\nA draft that must stay out.\n")
    write(folder / ".cache" / "gulls.md", MD_ARTICLE)
    write(folder / ".DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00")
    result = run("import", str(folder))
    assert result.exit_code == 0
    assert [a["title"] for a in articles(run)] == ["Harbour plan splits the town council"]
    assert ".draft" not in result.output
    assert ".cache" not in result.output
    assert ".DS_Store" not in result.output
    assert "0 skipped" in result.stdout and "0 failed" in result.stdout


def test_several_paths_on_one_command_line_are_all_imported(run, tmp_path):
    one = write(tmp_path / "a" / "harbour.txt", TXT_ARTICLE)
    two = write(tmp_path / "b" / "gulls.md", MD_ARTICLE)
    run("import", str(one), str(two))
    assert len(articles(run)) == 2


# --- decoding ----------------------------------------------------------------------------

ACCENTED = (
    "Caf\u00e9 owners on the quay protest\n"
    "By Zo\u00eb Brontë | paper.example | Updated: 2024-02-03 08:15\n"
    "\n"
    "The owners say their rent has risen by a third \u2014 \u201ctoo much, too fast\u201d.\n"
    "\n"
    "A petition in Gda\u0144sk and S\u00e3o Paulo gathered support \U0001f30a overnight.\n"
)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8-bom", codecs.BOM_UTF8 + ACCENTED.encode("utf-8")),
        ("utf16-le", codecs.BOM_UTF16_LE + ACCENTED.encode("utf-16-le")),
        ("utf16-be", codecs.BOM_UTF16_BE + ACCENTED.encode("utf-16-be")),
    ],
)
def test_bom_and_utf16_files_give_the_same_text_as_plain_utf8(run, tmp_path, name, data):
    plain = import_one(run, write(tmp_path / "plain" / "cafe.txt", ACCENTED.encode("utf-8")))
    other_run = type(run)(tmp_path / f"{name}.db")
    other = import_one(other_run, write(tmp_path / name / "cafe.txt", data))
    assert other["text"] == plain["text"]
    assert other["text_sha256"] == plain["text_sha256"]
    assert not other["text"].startswith("\ufeff")
    assert "\ufeff" not in other["text"]
    assert other["author"] == "Zo\u00eb Brontë"
    assert other["title"] == plain["title"] == "Caf\u00e9 owners on the quay protest"


def test_bom_file_is_the_same_article_as_plain_utf8(run, tmp_path):
    run("import", str(write(tmp_path / "plain.txt", ACCENTED)))
    result = run("import", str(write(tmp_path / "bom.txt",
                                     codecs.BOM_UTF8 + ACCENTED.encode("utf-8"))))
    assert "unchanged" in result.stdout
    assert len(articles(run)) == 1


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_crlf_line_ends_become_lf(run, tmp_path, suffix):
    source = {".txt": TXT_ARTICLE, ".md": MD_ARTICLE, ".html": HTML_ARTICLE}[suffix]
    lf = import_one(run, write(tmp_path / f"lf{suffix}", source))
    crlf_run = type(run)(tmp_path / "crlf.db")
    crlf = import_one(crlf_run, write(tmp_path / f"crlf{suffix}", source.replace("\n", "\r\n")))
    assert "\r" not in crlf["text"]
    assert crlf["text"] == lf["text"]
    assert crlf["title"] == lf["title"]


def test_old_mac_cr_line_ends_become_lf(run, tmp_path):
    article = import_one(run, write(tmp_path / "cr.txt", TXT_ARTICLE.replace("\n", "\r")))
    assert "\r" not in article["text"]
    assert article["text"] == TXT_ARTICLE.rstrip("\n")


# --- cleaning ----------------------------------------------------------------------------

NOISY = (
    HEADER
    + "Advertisement\n"
    + "Reading Time: 5 minutes\n"
    + "Why you can trust Paper Example\n"
    + "16\n"
    + "1.2K shares\n"
    + "\n"
    + "\n\n".join(PARAGRAPHS)
    + "\n\n"
    + "\n\n".join(PARAGRAPHS)
    + "\n"
)


def test_body_printed_twice_in_a_row_is_kept_once(run, tmp_path):
    text = import_one(run, write(tmp_path / "tram.txt", NOISY))["text"]
    for paragraph in PARAGRAPHS:
        assert text.count(paragraph) == 1


def test_scraper_noise_lines_are_removed(run, tmp_path):
    text = import_one(run, write(tmp_path / "tram.txt", NOISY))["text"]
    lines = [line.strip() for line in text.split("\n")]
    assert "Advertisement" not in lines
    assert not any(line.startswith("Reading Time") for line in lines)
    assert not any(line.startswith("Why you can trust") for line in lines)
    assert "16" not in lines
    assert "1.2K shares" not in lines
    assert text == (HEADER + "\n\n".join(PARAGRAPHS)).rstrip("\n")


def test_import_output_says_what_cleaning_removed(run, tmp_path):
    result = run("import", str(write(tmp_path / "tram.txt", NOISY)))
    line = next(x for x in result.stdout.splitlines() if x.startswith("imported"))
    assert "removed" in line
    assert "repeated copy of the body" in line
    assert "3 paragraphs" in line
    assert "1 advertisement line" in line
    assert "1 reading time line" in line
    assert "1 trust notice line" in line
    assert "2 share or comment count lines" in line


def test_each_noise_line_alone_is_removed(run, tmp_path):
    for index, noise in enumerate(["Advertisement", "Reading Time: 5 minutes",
                                   "Why you can trust Paper Example", "16", "1.2K shares"]):
        source = (HEADER + noise + "\n\n" + PARAGRAPHS[index % 3]
                  + f" Reported by desk number {index}.\n")
        result = run("import", str(write(tmp_path / f"noise{index}.txt", source)))
        assert "removed" in result.stdout, noise
    for article in articles(run):
        text = show(run, article["id"])["text"]
        lines = [line.strip() for line in text.split("\n")]
        assert not {"Advertisement", "16", "1.2K shares"} & set(lines)
        assert not any(line.startswith(("Reading Time", "Why you can trust")) for line in lines)


def test_no_clean_keeps_the_text_exactly(run, tmp_path):
    path = write(tmp_path / "tram.txt", NOISY.replace("\n", "\r\n"))
    result = run("import", "--no-clean", str(path))
    assert "removed" not in result.stdout
    article = show(run, articles(run)[0]["id"])
    assert article["text"] == path.read_bytes().decode("utf-8").replace("\r\n", "\n")
    assert article["text"] == NOISY


def test_no_clean_and_clean_imports_of_one_file_are_two_articles(run, tmp_path):
    path = write(tmp_path / "tram.txt", NOISY)
    run("import", str(path))
    run("import", "--no-clean", str(path))
    texts = sorted(len(show(run, a["id"])["text"]) for a in articles(run))
    assert len(texts) == 2 and texts[0] < texts[1]


def test_short_slogan_repeated_by_the_author_is_kept(run, tmp_path):
    source = (
        "Mayor repeats her slogan\n"
        "By Ann Lee | paper.example\n"
        "\n"
        "The mayor closed her speech the way she opened it.\n"
        "\n"
        "Build it now.\n"
        "\n"
        "Build it now.\n"
        "\n"
        "The crowd applauded politely.\n"
    )
    result = run("import", str(write(tmp_path / "slogan.txt", source)))
    assert "removed" not in result.stdout
    text = show(run, articles(run)[0]["id"])["text"]
    assert text.count("Build it now.") == 2
    assert text == source.rstrip("\n")


def test_short_repeated_passage_of_several_lines_is_kept(run, tmp_path):
    chant = ["Our waters.", "Our future.", "Our town."]
    source = ("Crowd chants at the quay\n\nThe crowd chanted:\n\n" + "\n".join(chant)
              + "\n\n" + "\n".join(chant) + "\n\nThen it went home.\n")
    text = import_one(run, write(tmp_path / "chant.txt", source))["text"]
    for line in chant:
        assert text.count(line) == 2


def test_html_page_noise_lines_are_removed(run, tmp_path):
    page = (
        "<html><head><title>Tram line opens to queues</title></head><body><article>"
        "<h1>Tram line opens to queues</h1>"
        f"<p>{PARAGRAPHS[0]}</p><p>Advertisement</p><p>{PARAGRAPHS[1]}</p>"
        f"<p>Reading Time: 5 minutes</p><p>{PARAGRAPHS[2]}</p>"
        "</article></body></html>"
    )
    result = run("import", str(write(tmp_path / "tram.html", page)))
    text = show(run, articles(run)[0]["id"])["text"]
    lines = [line.strip() for line in text.split("\n")]
    assert "Advertisement" not in lines
    assert not any(line.startswith("Reading Time") for line in lines)
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "removed" in result.stdout


# --- re-import ---------------------------------------------------------------------------


@pytest.mark.parametrize("name,source", [("harbour.txt", TXT_ARTICLE), ("gulls.md", MD_ARTICLE),
                                         ("lighthouse.html", HTML_ARTICLE),
                                         ("tram.txt", NOISY)])
def test_reimporting_the_same_file_changes_nothing(run, tmp_path, name, source):
    path = write(tmp_path / name, source)
    run("import", str(path))
    before = articles(run)
    again = run("import", str(path))
    assert again.exit_code == 0
    assert "unchanged" in again.stdout
    assert before[0]["id"][:8] in again.stdout
    assert "0 imported, 1 already in the library" in again.stdout
    after = articles(run)
    assert after == before
    assert len(after) == 1


def test_reimporting_a_copy_under_another_name_is_the_same_article(run, tmp_path):
    run("import", str(write(tmp_path / "harbour.txt", TXT_ARTICLE)))
    before = articles(run)
    again = run("import", str(write(tmp_path / "elsewhere" / "copy-of-harbour.txt",
                                    TXT_ARTICLE)))
    assert "unchanged" in again.stdout
    assert articles(run) == before


def test_reimporting_a_folder_changes_nothing(run, tmp_path):
    folder = tmp_path / "articles"
    write(folder / "harbour.txt", TXT_ARTICLE)
    write(folder / "gulls.md", MD_ARTICLE)
    run("import", str(folder))
    before = articles(run)
    again = run("import", str(folder))
    assert again.stdout.count("unchanged") == 2
    assert "0 imported, 2 already in the library" in again.stdout
    assert articles(run) == before


def test_reimport_keeps_the_annotations(run, tmp_path):
    path = write(tmp_path / "harbour.txt", TXT_ARTICLE)
    run("import", str(path))
    article_id = articles(run)[0]["id"]
    run("annotate", article_id, "--quote", "Our waters, our future", "--tag", "propaganda")
    run("import", str(path))
    assert len(run.json("annotations")) == 1
    assert articles(run)[0]["annotation_count"] == 1


def test_markdown_with_a_bom_still_reads_its_header(run, tmp_path):
    article = import_one(run, write(tmp_path / "gulls.md",
                                    codecs.BOM_UTF8 + MD_ARTICLE.encode("utf-8")))
    assert article["title"] == "Gulls return to the pier"
    assert article["author"] == "Maya Ortiz"
    assert article["url"] == "https://coast.example/news/gulls"


def test_utf16_web_page_gives_the_same_text_as_utf8(run, tmp_path):
    utf8 = import_one(run, write(tmp_path / "utf8.html", HTML_ARTICLE))
    other_run = type(run)(tmp_path / "utf16.db")
    utf16 = import_one(other_run, write(tmp_path / "utf16.html",
                                        codecs.BOM_UTF16_LE + HTML_ARTICLE.encode("utf-16-le")))
    assert utf16["text"] == utf8["text"]
    assert utf16["title"] == utf8["title"]


def test_upper_case_extensions_are_recognised(run, tmp_path):
    folder = tmp_path / "caps"
    write(folder / "HARBOUR.TXT", TXT_ARTICLE)
    write(folder / "GULLS.MD", MD_ARTICLE)
    write(folder / "LIGHTHOUSE.HTM", HTML_ARTICLE)
    result = run("import", str(folder))
    assert "3 imported" in result.stdout
    formats = sorted(a["format"] for a in articles(run))
    assert formats == ["html", "markdown", "text"]


def test_format_html_reads_a_txt_file_as_a_web_page(run, tmp_path):
    article = import_one(run, write(tmp_path / "saved-page.txt", HTML_ARTICLE),
                         "--format", "html")
    assert article["format"] == "html"
    assert article["title"] == "Lighthouse keeper retires after forty years"
    assert "<p>" not in article["text"]
    assert "SCRIPTMARKER" not in article["text"]


def test_format_text_reads_an_md_file_as_plain_text(run, tmp_path):
    source = "# Night market reopens\n\nStalls returned to **Quay Street** on Friday.\n"
    article = import_one(run, write(tmp_path / "market.md", source), "--format", "text")
    assert article["format"] == "text"
    assert "**Quay Street**" in article["text"]
