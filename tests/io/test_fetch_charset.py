"""The charset a server declares (Content-Type: ...; charset=...) decodes fetched bytes: as
in browsers it comes after a byte-order mark and before what the page itself declares;
files, which have no server, read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.errors import NotATextEncodingError, UndecodableFileError
from desktop.io.decoding import decode

NAME = Path("harbour.html")
CYRILLIC = "<p>Совет гавани отложил голосование до апреля.</p>"


def test_the_servers_charset_reads_a_page_that_declares_none():
    decoded = decode(NAME, CYRILLIC.encode("cp1251"), html=True, charset="windows-1251")
    assert decoded.text == CYRILLIC
    assert decoded.note == "decoded as cp1251, as the server declares"


def test_the_servers_charset_comes_before_the_pages_own():
    # the page says Latin-1, wrongly; the server says what the bytes are
    body = '<meta charset="iso-8859-1">' + CYRILLIC
    assert decode(NAME, body.encode("cp1251"), html=True, charset="cp1251").text == body
    # without the server's word the page's own declaration is used, as for a saved file
    assert decode(NAME, body.encode("cp1251"), html=True).encoding == "windows-1252"


def test_a_byte_order_mark_comes_before_the_servers_charset():
    data = b"\xef\xbb\xbf" + CYRILLIC.encode("utf-8")
    decoded = decode(NAME, data, html=True, charset="iso-8859-1")
    assert decoded.text == CYRILLIC and decoded.encoding == "utf-8-sig"


def test_latin_1_from_the_server_is_read_as_windows_1252_as_browsers_do():
    data = "Fares rise \u2013 the operator\u2019s plan".encode("cp1252")
    decoded = decode(Path("notes"), data, charset="ISO-8859-1")
    assert decoded.text == "Fares rise \u2013 the operator\u2019s plan"


def test_utf_16_from_the_server_needs_no_byte_order_mark():
    decoded = decode(NAME, CYRILLIC.encode("utf-16-le"), html=True, charset="utf-16le")
    assert decoded.text == CYRILLIC


def test_a_charset_python_does_not_know_is_passed_over():
    assert decode(NAME, CYRILLIC.encode("utf-8"), html=True,
                  charset="x-newsroom-custom").text == CYRILLIC


def test_utf_8_from_the_server_is_held_to_even_when_the_page_says_otherwise():
    body = '<meta charset="windows-1251">' + CYRILLIC
    with pytest.raises(UndecodableFileError, match="not valid UTF-8: byte 0x"):
        decode(NAME, body.encode("cp1251"), html=True, charset="utf-8")


@pytest.mark.parametrize("label", ["rot13", "hex", "unicode_escape", "utf-7"])
def test_a_codec_that_is_not_a_charset_is_refused_never_run(label):
    with pytest.raises(NotATextEncodingError) as refused:
        decode(NAME, b"<p>\\u0041 uryyb</p>", html=True, charset=label)
    assert refused.value.message == (
        f"harbour.html: the server declares charset {label!r}, which is not a text "
        "encoding web pages are written in")
