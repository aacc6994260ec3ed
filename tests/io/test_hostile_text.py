"""Hostile text files through `closeread import`: control characters, byte-order marks of
other encodings, charsets that are Python codecs but not text encodings, and nesting
deep enough to break a recursive parser. Each ends in one message naming the file and
the library unchanged, or in the text read as what it is (docs/architecture.md,
invariant 8).
"""

from __future__ import annotations

import codecs
import json
import time
from pathlib import Path

import pytest
from support import Cli, dump, refused_import, write

from desktop.core.document import (
    MAX_MARKDOWN_NESTING,
    cap_markdown_nesting,
    render_html_fragment,
    render_markdown,
)
from desktop.io.decoding import decode

BODY = ("Harbour plan splits the town council\n\nThe council voted seven to four on "
        "Tuesday to widen the old harbour, after a debate that ran past midnight.\n")


@pytest.fixture
def populated(run: Cli, tmp_path: Path) -> Cli:
    run("import", str(write(tmp_path / "seed" / "first.txt", BODY)))
    return run


def imported_text(run: Cli, path: Path) -> tuple[str, str]:
    """Imports ``path`` as a new article; its text and the import line."""
    result = run("import", str(path))
    line = next(line for line in result.stdout.split("\n") if line.startswith("imported"))
    article = json.loads(run("articles", "--json").stdout)[-1]
    return json.loads(run("show", article["id"], "--json").stdout)["text"], line


# --- 1. NUL and other control characters ---------------------------------------------------


@pytest.mark.parametrize("name", ["nul.txt", "nul.md", "nul.html"])
def test_a_nul_early_in_a_text_file_is_refused_as_binary(populated, tmp_path, name):
    path = write(tmp_path / name, b"Title\n\nHello\x00world and more words\n")
    refused_import(populated, path, "NUL")


def test_a_nul_far_into_a_utf8_file_is_refused_naming_its_place(populated, tmp_path):
    # the binary sniff reads the first 8 kB; the NUL check after decoding reads all of it
    text = "Title\n\n" + "word " * 3000 + "\x00 tail\n"
    path = write(tmp_path / "late.txt", text)
    message = refused_import(populated, path, "NUL character at character 15007", "line 3")
    assert "another encoding" in message


def test_a_nul_in_a_utf16_file_is_refused(populated, tmp_path):
    path = write(tmp_path / "nul16.txt",
                 codecs.BOM_UTF16_LE + "Title\n\nHello\x00world\n".encode("utf-16-le"))
    refused_import(populated, path, "NUL")


def test_other_control_characters_are_removed_and_reported(populated, tmp_path):
    # ESC starts a terminal command, BEL rings, DEL and C1 (CSI U+009B) drive terminals
    # too; tab, form feed and line ends stay
    path = write(tmp_path / "controls.txt",
                 "Title\n\nHello\x01\x07 world\x1b[31m red\x7f and\x9b more\tcolumns\x0c"
                 "page\r\nend\n")
    text, line = imported_text(populated, path)
    assert text == "Title\n\nHello world[31m red and more\tcolumns\x0cpage\nend"
    assert "(5 control characters removed)" in line


def test_control_characters_are_removed_from_markdown_and_html(populated, tmp_path):
    md = write(tmp_path / "c.md", "# Heading\x1b]0;pwned\x07\n\nBody \x08words here.\n")
    text, line = imported_text(populated, md)
    assert "\x1b" not in text and "\x07" not in text and "\x08" not in text
    assert "Heading]0;pwned" in text and "control characters removed" in line
    html = write(tmp_path / "c.html", "<html><body><article><p>"
                 + "Harbour \x1bwords and more words. " * 20 + "</p></article></body></html>")
    text, line = imported_text(populated, html)
    assert "\x1b" not in text and "Harbour words" in text


def test_decode_keeps_controls_for_a_caller_whose_parser_judges_them():
    decoded = decode(Path("x.json"), b'{"a": "\x01"}', strip_controls=False)
    assert decoded.text == '{"a": "\x01"}' and decoded.note == ""


# --- 1. byte-order marks of UTF-32 and UTF-16 -------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be"])
def test_utf32_and_utf16_with_a_byte_order_mark_are_read_as_what_they_are(
        populated, tmp_path, codec):
    # a UTF-32 LE mark starts with the UTF-16 LE one: it was read as UTF-16 with NULs
    content = "Naïve title 🙂\n\nThe council voted on the harbour plan today.\n"
    mark = {"utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE,
            "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    path = write(tmp_path / f"{codec}.txt", mark + content.encode(codec))
    text, _ = imported_text(populated, path)
    assert text == content.rstrip("\n")


def test_damaged_utf32_is_refused_naming_the_offset(populated, tmp_path):
    path = write(tmp_path / "bad32.txt",
                 codecs.BOM_UTF32_LE + "Title\n".encode("utf-32-le") + b"\x00\x00\x11\x00")
    refused_import(populated, path, "not valid UTF-32-LE", "offset 28")


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-16-be"])
def test_a_ptc_article_in_utf32_or_utf16_is_refused_saying_which(populated, tmp_path, codec):
    run = populated
    mark = codecs.BOM_UTF32_LE if codec == "utf-32-le" else codecs.BOM_UTF16_BE
    folder = tmp_path / "ptc"
    path = write(folder / "article7.txt", mark + "Title\n\nText.\n".encode(codec))
    before = dump(run.db)
    result = run("import", "--format", "ptc", str(folder), ok=False)
    assert result.exit_code == 1
    assert f"{path}: the file is {codec[:6].upper()}" in result.stderr
    assert "must be UTF-8" in result.stderr
    assert dump(run.db) == before


# --- 2. charsets that are Python codecs, not text encodings ---------------------------------


def _page(charset: str) -> bytes:
    # Latin-1 é makes the page invalid UTF-8, so the declared charset is consulted
    return (b'<html><head><meta charset="' + charset.encode() + b'"></head><body><article>'
            + b"<p>Caf\xe9 words in a sentence of the article body.</p>" * 30
            + b"</article></body></html>")


@pytest.mark.parametrize("charset", ["hex", "rot13", "rot-13", "unicode_escape",
                                     "raw_unicode_escape", "base64", "zlib", "uu", "bz2",
                                     "quopri", "punycode", "idna", "utf-7", "utf-16",
                                     "utf-32-be", "undefined"])
def test_a_declared_codec_that_is_not_a_charset_is_refused_never_run(
        populated, tmp_path, charset):
    path = write(tmp_path / f"{charset}.html", _page(charset))
    refused_import(populated, path, f"declares charset '{charset}', which is not a text encoding")


def test_a_declared_latin1_page_is_read_as_windows_1252_as_browsers_do(populated, tmp_path):
    # 0x92 is a right quote in windows-1252 and a C1 control in Latin-1
    page = _page("iso-8859-1").replace(b"Caf\xe9", b"Caf\xe9 it\x92s")
    text, line = imported_text(populated, write(tmp_path / "latin1.html", page))
    assert "Café it’s words" in text
    assert "decoded as windows-1252, as the page declares" in line


def test_a_real_declared_charset_still_decodes(populated, tmp_path):
    page = (b'<html><head><meta charset="koi8-r"></head><body><article>'
            + "<p>Привет, это статья о гавани и городском совете.</p>".encode("koi8-r") * 30
            + b"</article></body></html>")
    text, line = imported_text(populated, write(tmp_path / "koi.html", page))
    assert "Привет, это статья" in text and "koi8-r" in line


# --- 3. deep nesting ----------------------------------------------------------------------


def test_ten_thousand_nested_divs_are_refused_quickly(populated, tmp_path):
    page = ("<html><body>" + "<div>" * 10_000 + "<p>" + "deep words " * 60 + "</p>"
            + "</div>" * 10_000 + "</body></html>")
    started = time.monotonic()
    refused_import(populated, write(tmp_path / "divs.html", page), "more than 255 levels deep")
    assert time.monotonic() - started < 5


def test_a_page_nested_200_deep_is_read_whole(populated, tmp_path):
    page = ("<html><body>" + "<div>" * 200 + "<article><p>" + "deep words here. " * 60
            + "</p></article>" + "</div>" * 200 + "</body></html>")
    text, _ = imported_text(populated, write(tmp_path / "deep200.html", page))
    assert text.count("deep words here.") == 60


@pytest.mark.parametrize(("name", "source"), [
    ("quotes", "# Deep\n\n" + ">" * 10_000 + " the deepest words\n"),
    ("quote-lines", "# Deep\n\n" + "".join(">" * i + f" line {i}\n" for i in range(1, 2000))),
    ("indented-list", "# Deep\n\n" + "".join("  " * i + f"- item {i}\n" for i in range(3000))),
    ("four-space-list", "# Deep\n\n" + "".join("    " * i + f"- item {i}\n"
                                                for i in range(400))),
    ("markers-on-one-line", "# Deep\n\n" + "- > " * 5000 + "the deepest words\n"),
])
def test_markdown_nested_thousands_deep_keeps_its_text_and_says_so(
        populated, tmp_path, name, source):
    # before: a RecursionError (400 four-space levels), minutes of parsing (3,000
    # items), or the text past 256 levels silently dropped (10,000 quotes)
    started = time.monotonic()
    text, line = imported_text(populated, write(tmp_path / f"{name}.md", source))
    assert time.monotonic() - started < 5
    last = source.rstrip("\n").rsplit("\n", 1)[-1].lstrip(" >-")
    assert last.split()[-1] in text, (name, text[-200:])
    assert f"nested deeper than {MAX_MARKDOWN_NESTING} levels flattened" in line


def test_every_item_of_a_deep_list_is_kept(populated, tmp_path):
    source = "# Deep\n\n" + "".join("  " * i + f"- item{i}\n" for i in range(500))
    text, _ = imported_text(populated, write(tmp_path / "all.md", source))
    assert all(f"item{i}" in text for i in range(500))


def test_ordinary_markdown_is_not_touched_by_the_nesting_cap():
    source = "# T\n\n> quote\n> > nested\n\n- a\n    - b\n        - c\n\n```\n" + " " * 200 \
             + "code\n```\n"
    assert cap_markdown_nesting(source) == (source, 0)


def test_the_renderer_reads_html_deeper_than_its_limit_flat_keeping_every_word():
    html = "<div>" * 1500 + "<p>first <b>bold</b> words</p><p>second</p>" + "</div>" * 1500
    document = render_html_fragment(html)
    assert document.text == "first bold words\n\nsecond"
    inline = "<p>" + "<b>" * 1500 + "inner words" + "</b>" * 1500 + " after</p>"
    assert render_html_fragment(inline).text == "inner words after"


def test_the_renderer_never_recurses_out_of_stack_on_deep_quotes():
    document, _ = render_markdown("> " * 3000 + "words")
    assert document.text == "words"
