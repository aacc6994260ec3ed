"""Hostile text that reaches an article by a route other than its raw bytes: control
characters written as entities in Markdown and HTML (and met in PDF and DOCX text, page
titles and links), Markdown whose brackets and emphasis would take the renderer a time
growing with the square of their number, encodings whose text reads as ASCII (UTF-7, an
EBCDIC charset a page declares), and a bad ``CLOSEREAD_IMPORT_WORKERS``. Each ends in
one message naming the file (or the variable) and the library unchanged, or in the input
read as what it is, in bounded time (docs/architecture.md, invariant 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import Cli, dump, refused_import, write

from desktop.store.library import Library

ARTICLE = ("# Harbour plan splits the town council\n\nThe council voted seven to four on "
           "Tuesday to widen the old harbour, after a debate that ran past midnight.\n\n"
           "Fishing crews said the works would close the north quay for a season.\n")


@pytest.fixture
def populated(run: Cli, tmp_path: Path) -> Cli:
    run("import", str(write(tmp_path / "seed" / "first.md", ARTICLE)))
    return run


def imported(run: Cli, path: Path) -> tuple[dict[str, object], str]:
    """Imports ``path`` as a new article: the article as ``show --json`` gives it, and
    the import's line about it."""
    result = run("import", str(path))
    line = next(line for line in result.stdout.split("\n") if line.startswith("imported"))
    article_id = line.split(" -> ")[1].split()[0]
    article = json.loads(run("show", article_id, "--json").stdout)
    with Library(run.db) as library:
        layout = library.articles.layout(article["id"])
    article["layout"] = json.loads(layout) if layout else None
    return article, line


# --- E. CLOSEREAD_IMPORT_WORKERS ----------------------------------------------------------


def _many(folder: Path, count: int = 70) -> Path:
    """``count`` small articles: past the number from which workers read the files."""
    for n in range(count):
        write(folder / f"{n:03d}-notice.txt",
              f"Ferry notice {n}\n\nThe ferry to the north quay leaves at {n % 12 + 1} "
              f"o'clock on day {n} while the harbour works go on.\n")
    return folder


def _closeread(db: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), *args],
        env={**os.environ, "CLOSEREAD_ANNOTATOR": "tester", **env},
        capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("value", [
    "99999999999999999999",  # overflowed a C int: "Error: unexpected OverflowError"
    "9" * 5000,  # past int()'s 4,300 digits: "unexpected ValueError"
    "abc", "-1", "nan", "0", "1000", "2.5", "٣",  # were ignored (or taken: 1000)
])
def test_a_bad_import_workers_value_is_refused_naming_the_variable(populated, tmp_path,
                                                                   value):
    folder = _many(tmp_path / "many")
    before = dump(populated.db)
    done = _closeread(populated.db, "import", str(folder),
                      env={"CLOSEREAD_IMPORT_WORKERS": value})
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""  # nothing was read, let alone imported
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and "unexpected" not in errors[0]
    assert errors[0].startswith("Error: CLOSEREAD_IMPORT_WORKERS='")
    assert errors[0].endswith("a whole number from 1 to 64")
    assert len(errors[0]) < 200  # 5,000 digits are not printed back
    assert dump(populated.db) == before


def test_a_value_that_is_not_utf8_is_refused_naming_the_variable(populated, tmp_path):
    before = dump(populated.db)
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    env_bytes = {k.encode(): v.encode("utf-8", "surrogateescape") for k, v in env.items()}
    env_bytes[b"CLOSEREAD_IMPORT_WORKERS"] = b"\xff"
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(populated.db), "import",
         str(write(tmp_path / "one.md", ARTICLE.replace("seven", "eight")))],
        env=env_bytes, capture_output=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.decode() == ("Error: CLOSEREAD_IMPORT_WORKERS='\\xff': give how many "
                                    "processes read the files of a large import, a whole "
                                    "number from 1 to 64\n")
    assert dump(populated.db) == before


def test_a_good_import_workers_value_reads_with_that_many_workers(tmp_path):
    folder = _many(tmp_path / "many")
    db = tmp_path / "workers.db"
    done = _closeread(db, "import", str(folder), env={"CLOSEREAD_IMPORT_WORKERS": " 2 "})
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(
        "70 imported, 0 already in the library, 0 skipped, 0 failed")
    with Library(db) as library:
        titles = [row[0] for row in library.db.execute(
            "SELECT title FROM articles WHERE source_path IS NOT NULL ORDER BY rowid")]
    assert titles == [f"Ferry notice {n}" for n in range(70)]


# --- B. control characters by every route --------------------------------------------------

# every control character an article never holds, as a numeric entity: C0 but tab, line
# feed, form feed and carriage return; DEL. (The HTML parser reads &#x80;-&#x9f; as the
# windows-1252 characters browsers show for them, and &#0; as U+FFFD: text, not controls.)
C0_AND_DEL = [c for c in range(1, 32) if c not in (9, 10, 12, 13)] + [0x7F]
TERMINAL_TITLE = "&#x1b;]0;PWNED&#x07;"  # ESC ] 0 ; ... BEL retitles a terminal


def _no_controls(value: str) -> bool:
    return not any((ord(c) < 32 and c not in "\t\n\x0c") or 0x7F <= ord(c) <= 0x9F
                   for c in value)


def _layout_fits(article: dict[str, object]) -> None:
    """The stored layout's blocks and spans lie on the stored text's words."""
    text = str(article["text"])
    layout = article["layout"]
    assert isinstance(layout, dict)
    blocks = layout["blocks"]
    assert blocks and all(0 <= start < end <= len(text) for start, end, _, _ in blocks)
    for start, end, _, _ in blocks:
        words = text[start:end]
        assert words == words.strip() and "\n\n" not in words, words
    for start, end, _, _ in layout["spans"]:
        assert 0 <= start < end <= len(text)


def test_markdown_entities_of_control_characters_reach_neither_text_nor_title(
        populated, tmp_path):
    # the control characters of a file are removed before Markdown is rendered; the
    # renderer's parser decoded the entities after, and ESC and BEL reached the library
    path = write(tmp_path / "entities.md",
                 f"# Harbour{TERMINAL_TITLE} vote &#x1b;[2J\n\n"
                 "The council met on *Tues&#x7f;day* and voted [seven to four]"
                 "(https://example.org/vote&#x1b;]0;x&#x07;) for the plan.\n\n"
                 "&#x1b;&#x07;\n\n"  # a paragraph of nothing but controls
                 "Crews on the &#x08;north quay said little.\n")
    article, line = imported(populated, path)
    text = str(article["text"])
    assert text == ("Harbour]0;PWNED vote [2J\n\nThe council met on Tuesday and voted seven "
                    "to four for the plan.\n\nCrews on the north quay said little.")
    assert article["title"] == "Harbour]0;PWNED vote [2J"
    # counted in the text (the link's address loses its two as well)
    assert "(7 control characters removed)" in line and "\x1b" not in line
    _layout_fits(article)
    layout = article["layout"]
    assert isinstance(layout, dict)
    spans = {(kind, text[start:end], href) for start, end, kind, href in layout["spans"]}
    assert spans == {("emphasis", "Tuesday", None),
                     ("link", "seven to four", "https://example.org/vote]0;x")}
    listed = populated("articles").stdout
    assert "\x1b" not in listed and "\x07" not in listed


@pytest.mark.parametrize("code", C0_AND_DEL)
def test_each_control_entity_in_markdown_is_removed_and_counted(populated, tmp_path, code):
    path = write(tmp_path / f"c{code:02x}.md",
                 f"# Ferry timetable {code}\n\nThe first ferry&#x{code:x}; leaves at six "
                 f"and the last&#{code}; at ten.\n")
    article, line = imported(populated, path)
    assert article["text"] == (f"Ferry timetable {code}\n\nThe first ferry leaves at six "
                               "and the last at ten.")
    assert "(2 control characters removed)" in line


def _page(body: str, title: str = "Ferry timetable changes for the summer") -> str:
    return (f"<!doctype html><html><head><title>{title}</title>"
            f'<meta name="author" content="Dana&#x1b; Reyes"></head><body><article>'
            f"<h1>{title}</h1>{body}</article></body></html>")


PARAGRAPHS = ("<p>The harbour authority said on Monday that the first ferry to the north "
              "quay will leave at six from June, an hour earlier than last year.</p>"
              "<p>Crews asked for the change after the works on the old pier closed the "
              "evening berth, and the council agreed to pay for the extra sailings.</p>")


@pytest.mark.parametrize("code", C0_AND_DEL)
def test_a_control_entity_in_a_web_page_is_removed_not_the_page_refused(populated, tmp_path,
                                                                       code):
    # one &#x1b; in a paragraph made the page "no article text found": the extractor's
    # XML tree cannot hold the character
    body = PARAGRAPHS.replace("said on", f"said&#x{code:x}; on")
    article, line = imported(populated, write(tmp_path / f"p{code:02x}.html", _page(body)))
    text = str(article["text"])
    assert "The harbour authority said on Monday" in text and _no_controls(text)
    assert article["author"] == "Dana Reyes"
    assert "control character" in line
    _layout_fits(article)


def test_control_entities_in_a_page_s_title_and_links_are_removed(populated, tmp_path):
    body = PARAGRAPHS.replace(
        "the council agreed", '<a href="https://example.org/pay&#x1b;[2J">the council</a> '
        "agreed")
    page = _page(body, title=f"Ferry timetable{TERMINAL_TITLE} changes for summer")
    article, line = imported(populated, write(tmp_path / "title.html", page))
    assert article["title"] == "Ferry timetable]0;PWNED changes for summer"
    assert _no_controls(str(article["text"])) and "control characters removed" in line
    layout = article["layout"]
    assert isinstance(layout, dict)
    hrefs = [href for _, _, kind, href in layout["spans"] if kind == "link"]
    assert hrefs == ["https://example.org/pay[2J"]


def test_c1_entities_in_a_page_are_read_as_browsers_read_them(populated, tmp_path):
    # &#x80;-&#x9f; name windows-1252's characters in HTML (&#x93; a quotation mark)
    body = PARAGRAPHS.replace("first ferry", "&#x93;first&#x94; ferry&#x85;")
    article, line = imported(populated, write(tmp_path / "c1.html", _page(body)))
    assert "\u201cfirst\u201d ferry\u2026" in str(article["text"])
    assert "control character" not in line


def test_control_characters_in_pdf_text_and_metadata_are_removed(populated, tmp_path):
    from document_support import flowing_pdf

    pdf = flowing_pdf(["The harbour \x1b]0;PWNED\x07authority said on Monday that the "
                       "first ferry will leave at six.",
                       "Crews asked for the change\x7f after the works on the old pier."],
                      title="Ferry\x1b timetable changes", author="Dana\x07 Reyes")
    article, line = imported(populated, write(tmp_path / "ferry.pdf", pdf))
    text = str(article["text"])
    assert "The harbour ]0;PWNEDauthority said" in text and "change after" in text
    assert _no_controls(text) and _no_controls(str(article["title"]))
    assert article["author"] == "Dana Reyes"
    assert "(" in line and "3 control characters removed" in line
    assert "control characters removed from the" in line
    _layout_fits(article)


def test_control_characters_in_word_text_are_removed(populated, tmp_path):
    from document_support import word_document

    # XML 1.0 holds DEL and the C1 controls (not the C0 ones): Word files can carry them
    docx = word_document(["The harbour authority\x9b said on Monday\x7f that the first "
                          "ferry will leave at six."], title="Ferry\x85 timetable")
    article, line = imported(populated, write(tmp_path / "ferry.docx", docx))
    assert article["title"] == "Ferry timetable"
    text = str(article["text"])
    assert "The harbour authority said on Monday that" in text and _no_controls(text)
    assert "3 control characters removed" in line
    _layout_fits(article)


def test_control_entities_in_a_page_from_a_link_are_removed(library, tmp_path):
    from link_server import page, serving

    from desktop.io.fetch import FetchLimits
    from desktop.io.importer import import_paths

    body = PARAGRAPHS.replace("said on", "said&#x1b;[2J on")
    with serving() as server:
        server.answers["/ferry.html"] = page(_page(body, f"Ferry{TERMINAL_TITLE} timetable"))
        report = import_paths(library, [server.url("/ferry.html")],
                              limits=FetchLimits(connect_timeout=2, read_timeout=2,
                                                 total_timeout=5, max_bytes=200_000,
                                                 max_redirects=2))
    [outcome] = report.imported
    assert outcome.article is not None
    assert outcome.article.title == "Ferry]0;PWNED timetable"
    assert "said[2J on Monday" in outcome.article.text
    assert _no_controls(outcome.article.text)
    assert "control characters removed" in outcome.cleaning


def test_a_text_file_s_control_characters_and_layout_agree(populated, tmp_path):
    path = write(tmp_path / "raw.txt", "Ferry \x1btimetable\n\n\x07\x08\n\nThe first "
                                       "ferry\x9b leaves at six.\n")
    article, line = imported(populated, path)
    assert article["text"] == "Ferry timetable\n\nThe first ferry leaves at six."
    assert "(4 control characters removed)" in line
    _layout_fits(article)


# --- D. encodings whose bytes pass for ASCII ---------------------------------------------

STORY = "Café owners on the quay say the ferry timetable cost them a summer of trade.\n"


@pytest.mark.parametrize("mark", [b"+/v8-", b"+/v9", b"+/v+", b"+/v/"])
def test_a_utf7_file_is_refused_naming_the_encoding(populated, tmp_path, mark):
    # all ASCII: it was imported as "+/v8-Caf+AOk- owners …"
    body = "Ferry timetable\n\n" + STORY
    path = write(tmp_path / "utf7.txt", mark + body.encode("utf-7"))
    refused_import(populated, path, "the file is UTF-7", "not supported", "save it as UTF-8")
    md = write(tmp_path / "utf7.md", mark + ("# " + body).encode("utf-7"))
    refused_import(populated, md, "UTF-7")


def test_a_ptc_article_in_utf7_is_refused_saying_so(populated, tmp_path):
    folder = tmp_path / "ptc"
    path = write(folder / "article3.txt", b"+/v8-" + STORY.encode("utf-7"))
    before = dump(populated.db)
    result = populated("import", "--format", "ptc", str(folder), ok=False)
    assert result.exit_code == 1
    assert f"{path}: the file is UTF-7" in result.stderr
    assert dump(populated.db) == before


@pytest.mark.parametrize("codec", ["cp037", "cp500", "cp1140", "cp273", "cp875", "cp1026"])
def test_an_ebcdic_charset_declared_in_ascii_is_passed_over(populated, tmp_path, codec):
    # the declaration was read as ASCII, so the page cannot be in EBCDIC: it was decoded
    # as cp037 into a title of accented capitals
    page = (f'<html><head><meta charset="{codec}"><title>Ferry timetable</title></head>'
            f"<body><article><h1>Ferry timetable</h1><p>{STORY}</p>"
            f"<p>{STORY}</p></article></body></html>").encode("latin-1")
    path = write(tmp_path / f"{codec}.html", page)
    refused_import(populated, path, "not valid UTF-8",
                   f"offset {page.index('é'.encode('latin-1'))}")


def test_a_page_really_in_ebcdic_is_refused(populated, tmp_path):
    page = ('<html><head><meta charset="cp037"></head><body><p>' + STORY * 3
            + "</p></body></html>").encode("cp037")
    refused_import(populated, write(tmp_path / "ebcdic.html", page), "not valid UTF-8")


@pytest.mark.parametrize("codec", ["koi8-r", "windows-1251", "shift_jis", "iso-8859-15"])
def test_an_ascii_compatible_declared_charset_is_still_read(populated, tmp_path, codec):
    words = {"koi8-r": "Паром отходит в шесть", "windows-1251": "Паром отходит в шесть",
             "shift_jis": "フェリーは六時に出発します",
             "iso-8859-15": "Le ferry part à six heures €"}
    story = words[codec]
    page = (f'<html><head><meta charset="{codec}"><title>{story}</title></head><body>'
            f"<article><h1>{story}</h1>" + f"<p>{story}. {STORY}</p>" * 3
            + "</article></body></html>").encode(codec, "replace")
    article, line = imported(populated, write(tmp_path / f"{codec}.html", page))
    assert story in str(article["text"])
    assert "as the page declares" in line


# --- A. Markdown markup too costly to read --------------------------------------------------


@pytest.mark.parametrize("shape", [
    "[" * 100_000 + "]" * 100_000,  # 200 KB: over a minute before
    "[a" * 20_000 + "](u)" * 20_000,
    "<b>" * 50_000,  # 6 s, then refused as nested too deep
])
def test_a_markdown_article_of_costly_markup_imports_in_bounded_time(populated, tmp_path,
                                                                     shape):
    import time

    path = write(tmp_path / "costly.md", "# Ferry timetable\n\nThe first ferry leaves at "
                                         "*six*.\n\n" + shape + "\n\nCrews said little.\n")
    started = time.perf_counter()
    article, line = imported(populated, path)
    assert time.perf_counter() - started < 5
    assert shape in str(article["text"])  # read as written
    assert "read as plain text, as written" in line
    assert str(article["text"]).startswith("Ferry timetable\n\nThe first ferry leaves at six.")


def test_a_web_page_of_costly_markup_imports_in_bounded_time(populated, tmp_path):
    import time

    brackets = "[" * 60_000 + "]" * 60_000
    body = PARAGRAPHS + f"<p>{brackets}</p>" + PARAGRAPHS.replace("Monday", "Friday")
    started = time.perf_counter()
    article, line = imported(populated, write(tmp_path / "brackets.html", _page(body)))
    assert time.perf_counter() - started < 5
    assert brackets in str(article["text"])
    assert "read as plain text" in line
