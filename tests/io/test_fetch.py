"""Importing from a link: a real HTTP server on 127.0.0.1 answers as web servers do, and
as they misbehave. Small limits keep the slow cases fast."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from link_server import (
    HARBOUR_PAGE,
    LinkServer,
    closed_port,
    endless,
    gzipped,
    page,
    redirect,
    serving,
    silent,
    trickle,
)
from support import dump

from desktop import __version__
from desktop.core.selectors import select_quote
from desktop.io.fetch import DOCX_TYPE, FetchLimits, fetch, is_link
from desktop.io.importer import import_paths
from desktop.store.library import Library

FAST = FetchLimits(connect_timeout=2, read_timeout=0.5, total_timeout=1.5,
                   max_bytes=200_000, max_redirects=5)


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with serving() as running:
        running.answers["/news/harbour-vote.html"] = page(HARBOUR_PAGE)
        yield running


def failure(library: Library, url: str, limits: FetchLimits = FAST) -> str:
    """The one message an import of ``url`` fails with; the library is left as it was."""
    before = dump(library.path)
    report = import_paths(library, [url], limits=limits)
    assert [o.status for o in report.outcomes] == ["failed"]
    assert dump(library.path) == before
    outcome = report.outcomes[0]
    assert outcome.path == url  # the report names the link as it was given
    return outcome.message


# --- a page comes in ---------------------------------------------------------------------


def test_a_link_imports_the_page_as_an_article_with_the_url(library, server):
    url = server.url("/news/harbour-vote.html")
    report = import_paths(library, [url], limits=FAST)
    [outcome] = report.imported
    assert outcome.path == url and outcome.name == url
    article = library.articles.get(outcome.article.id)
    assert article.title == "Harbour board delays the dredging vote"
    assert article.url == url
    assert article.format == "html"
    assert "postponed its vote on the dredging contract" in article.text
    # the page's script is data: never run, never in the text
    assert "changed by a script" not in article.text and "window.location" not in article.text
    [(path, headers)] = server.requests
    assert path == "/news/harbour-vote.html"
    assert headers["User-Agent"].startswith(f"Closeread/{__version__} ")
    assert "text/html" in headers["Accept"]


def test_links_and_files_mix_in_one_import_in_the_order_given(library, server, tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Ferry fares rise\n\nFares rise by ten percent in May, the operator said.\n",
                    encoding="utf-8")
    url = server.url("/news/harbour-vote.html")
    missing = server.url("/news/gone.html")
    report = import_paths(library, [note, url, missing], limits=FAST)
    assert [(o.path, o.status) for o in report.outcomes] == [
        (note, "imported"), (url, "imported"), (missing, "failed")]
    assert report.outcomes[2].message == "the server answered 404 Not Found"


def test_redirects_are_followed_and_the_final_url_becomes_the_articles(library, server):
    server.answers["/short/1"] = redirect("/short/2", 301)
    server.answers["/short/2"] = redirect(server.url("/news/harbour-vote.html"), 307)
    report = import_paths(library, [server.url("/short/1")], limits=FAST)
    [outcome] = report.imported
    assert outcome.path == server.url("/short/1")
    assert outcome.article.url == server.url("/news/harbour-vote.html")
    assert f"fetched from {server.url('/news/harbour-vote.html')}" in outcome.cleaning


def test_more_redirects_than_the_limit_are_refused(library, server):
    for hop in range(7):
        server.answers[f"/hop/{hop}"] = redirect(f"/hop/{hop + 1}")
    server.answers["/hop/7"] = page(HARBOUR_PAGE)
    message = failure(library, server.url("/hop/0"))
    assert message.startswith("more than 5 redirects (the last to ")
    assert len(server.requests) == 6  # the first request and five redirects, no more
    server.answers["/loop"] = redirect("/loop")
    assert failure(library, server.url("/loop")).startswith("more than 5 redirects")


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/article.html",
                                      "data:text/html,<p>hi</p>", "javascript:alert(1)"])
def test_a_redirect_to_another_scheme_is_refused(library, server, location):
    server.answers["/moved"] = redirect(location)
    message = failure(library, server.url("/moved"))
    assert message == (f"redirected to {location}; only http:// and https:// links are "
                       "followed")


@pytest.mark.parametrize(("url", "problem"), [
    ("file:///etc/hostname",
     "only http:// and https:// links can be imported (this is a file: link)"),
    ("ftp://127.0.0.1/news.html",
     "only http:// and https:// links can be imported (this is a ftp: link)"),
    ("data:text/html,<h1>Hi</h1>",
     "only http:// and https:// links can be imported (this is a data: link)"),
    ("javascript:alert(document.cookie)",
     "only http:// and https:// links can be imported (this is a javascript: link)"),
    ("http://", "not a valid link (it names no host)"),
    ("http://news.example:eighty/", "not a valid link (Invalid port: 'eighty')"),
])
def test_links_that_are_not_http_or_not_valid_are_refused_without_a_request(
        library, server, url, problem):
    assert failure(library, url) == problem
    assert server.requests == []


def test_a_path_is_not_taken_for_a_link():
    assert is_link("https://news.example/a") and is_link("HTTP://news.example")
    assert is_link("file:///tmp/a.html") and is_link("data:text/plain,hi")
    assert not is_link("articles/harbour.html")
    assert not is_link("C:/articles/harbour.html")  # a Windows drive, not a scheme
    assert not is_link("notes:draft.txt")


# --- bad answers: one clear message each, nothing changed ----------------------------------


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (410, "Gone"),
                                                (403, "Forbidden"),
                                                (500, "Internal Server Error"),
                                                (503, "Service Unavailable")])
def test_http_errors_name_the_status_and_reason(library, server, status, reason):
    server.answers["/broken"] = page("<p>Sorry.</p>", status=status)
    assert failure(library, server.url("/broken")) == \
        f"the server answered {status} {reason}"


def test_an_error_after_a_redirect_says_where(library, server):
    server.answers["/old"] = redirect("/new")
    message = failure(library, server.url("/old"))
    assert message == (f"the server answered 404 Not Found (at {server.url('/new')}, after "
                       "1 redirect)")


@pytest.mark.parametrize(("content_type", "body", "what"), [
    ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "an image (image/png)"),
    ("application/json", b'{"title": "Harbour"}', "JSON data (application/json)"),
    ("application/zip", b"PK\x03\x04" + b"\x00" * 64, "an archive (application/zip)"),
    ("video/mp4", b"\x00\x00\x00\x18ftypmp42", "a video (video/mp4)"),
    ("text/css", b"body { color: red }", "a style sheet (text/css)"),
])
def test_a_link_to_something_other_than_an_article_is_refused_naming_the_type(
        library, server, content_type, body, what):
    server.answers["/thing"] = page(body, content_type)
    assert failure(library, server.url("/thing")) == (
        f"the link gives {what}, not an article; Closeread imports web pages, plain text, "
        "Markdown, PDF and Word documents")


def test_a_page_that_is_not_what_its_type_says_is_refused(library, server):
    server.answers["/photo.html"] = page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "text/html")
    assert failure(library, server.url("/photo.html")) == \
        "this is a PNG image, not a text article"


def test_a_page_too_big_by_its_content_length_is_refused_before_reading(library, server):
    server.answers["/long.html"] = page(b"<p>" + b"word " * 100_000 + b"</p>")
    assert failure(library, server.url("/long.html")) == (
        "the page is 0.5 MB (its Content-Length); links to more than 0.2 MB are refused")


def test_a_page_without_a_length_is_stopped_past_the_limit(library, server):
    server.answers["/stream.html"] = endless()
    started = time.monotonic()
    message = failure(library, server.url("/stream.html"))
    assert message == ("the page is larger than 0.2 MB; links to more than that are refused "
                       "(is it really one article?)")
    assert time.monotonic() - started < 1  # stopped, not read to its 64 MB


def test_a_compressed_page_is_unpacked_and_a_bomb_is_stopped_at_the_limit(library, server):
    server.answers["/zipped.html"] = gzipped(HARBOUR_PAGE.encode("utf-8"))
    [outcome] = import_paths(library, [server.url("/zipped.html")], limits=FAST).imported
    assert "silt in the outer channel" in outcome.article.text
    server.answers["/bomb.html"] = gzipped(b"<p>" + b" " * 50_000_000 + b"</p>")
    assert failure(library, server.url("/bomb.html")).startswith(
        "the page is larger than 0.2 MB;")


def test_a_server_that_answers_nothing_times_out(library, server):
    server.answers["/silent"] = silent(3)
    started = time.monotonic()
    assert failure(library, server.url("/silent")) == \
        "the server sent nothing for 0.5 s; the download was stopped"
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_server_that_trickles_is_stopped_at_the_total_time(library, server, headers_too):
    # a byte every 0.1 s: no read waits 0.5 s, but the whole would take 20 s
    server.answers["/trickle"] = trickle(0.1, headers_too=headers_too)
    started = time.monotonic()
    assert failure(library, server.url("/trickle")) == \
        "the download took longer than 1.5 s and was stopped"
    assert 1.4 < time.monotonic() - started < 2.5


def test_a_refused_connection_is_named(library):
    port = closed_port()
    assert failure(library, f"http://127.0.0.1:{port}/news.html") == \
        f"127.0.0.1 refused the connection on port {port} (no web server there?)"


def test_a_host_name_that_does_not_resolve_is_named(library, monkeypatch):
    # the system resolver answers as it does for a name no DNS server knows; asking a
    # real one would leave the machine
    def no_such_name(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    assert failure(library, "https://newsroom.invalid/story") == \
        "the host name newsroom.invalid does not resolve (no such server, or no network)"


def test_an_empty_answer_is_refused(library, server):
    server.answers["/empty"] = page(b"")
    assert failure(library, server.url("/empty")) == "the server sent an empty page"


# --- types and charsets --------------------------------------------------------------------


def test_the_servers_charset_decodes_a_page_that_declares_none(library, server):
    body = ("<html><head><title>Новости порта</title></head><body><article>"
            "<h1>Новости порта</h1><p>Совет гавани отложил голосование по договору о "
            "дноуглублении до апреля, сообщила председатель.</p></article></body></html>")
    server.answers["/ru.html"] = page(body.encode("cp1251"), "text/html; charset=windows-1251")
    [outcome] = import_paths(library, [server.url("/ru.html")], limits=FAST).imported
    assert outcome.article.title == "Новости порта"
    assert "отложил голосование" in outcome.article.text
    assert "decoded as cp1251, as the server declares" in outcome.cleaning


def test_plain_text_and_markdown_links_are_read_as_their_types_say(library, server):
    server.answers["/notes"] = page(
        "Ferry fares rise\n\nFares on the island ferry rise by ten percent in May, said "
        "the operator, Søren Dahl.\n".encode("latin-1"), "text/plain; charset=ISO-8859-1")
    server.answers["/brief"] = page(
        "# Quay repairs finish early\n\nThe **north quay** reopened on Monday.\n",
        "text/markdown; charset=utf-8")
    report = import_paths(library, [server.url("/notes"), server.url("/brief")], limits=FAST)
    notes, brief = (o.article for o in report.imported)
    assert notes.format == "text" and "Søren Dahl" in notes.text
    assert brief.format == "markdown" and brief.title == "Quay repairs finish early"
    assert "The north quay reopened on Monday." in brief.text


def test_an_untyped_answer_is_read_by_the_urls_extension_or_refused(library, server):
    server.answers["/files/brief.md"] = page("# Brief\n\nThe quay reopened.\n",
                                             "application/octet-stream")
    server.answers["/files/blob"] = page(b"something", "application/octet-stream")
    report = import_paths(library, [server.url("/files/brief.md"),
                                    server.url("/files/blob")], limits=FAST)
    assert report.imported[0].article.format == "markdown"
    assert report.failed[0].message == (
        "the server sent a file untyped (application/octet-stream) whose name does not say "
        "what it is; save it and import the file with --format")


def test_pdf_and_word_types_go_to_the_document_readers(server):
    server.answers["/print.pdf"] = page(b"%PDF-1.4\n%test\n", "application/pdf")
    server.answers["/column"] = page(b"PK\x03\x04docx", DOCX_TYPE)
    assert fetch(server.url("/print.pdf"), FAST).fmt == "pdf"
    assert fetch(server.url("/column"), FAST).fmt == "docx"


def test_a_pdf_and_a_word_document_by_link_are_read_as_documents(library, server):
    from document_support import RESERVOIR, flowing_pdf, plain, scanned_pdf, word_document

    server.answers["/print/reservoir.pdf"] = page(
        flowing_pdf(RESERVOIR, title="Reservoir at its lowest in eleven years"),
        "application/pdf")
    server.answers["/desk/reservoir"] = page(word_document(RESERVOIR), DOCX_TYPE)
    server.answers["/print/scan.pdf"] = page(scanned_pdf(1), "application/pdf")
    links = [server.url(p) for p in ("/print/reservoir.pdf", "/desk/reservoir",
                                     "/print/scan.pdf")]
    report = import_paths(library, links, limits=FAST)
    pdf, docx = (o.article for o in report.imported)
    assert (pdf.format, pdf.url) == ("pdf", links[0])
    assert (docx.format, docx.url) == ("docx", links[1])
    first_words = plain(RESERVOIR)[0][:60]
    assert first_words in pdf.text and first_words in docx.text
    assert pdf.title == docx.title == "Reservoir at its lowest in eleven years"
    [scan] = report.failed
    assert scan.path == links[2] and "no text layer" in scan.message


def test_the_format_asked_for_overrides_the_type(library, server):
    server.answers["/raw"] = page("<p>Shown as it is</p>\n", "text/html")
    [outcome] = import_paths(library, [server.url("/raw")], fmt="text", limits=FAST).imported
    assert outcome.article.format == "text" and outcome.article.text == "<p>Shown as it is</p>"


# --- a new version of a page ---------------------------------------------------------------


def test_re_importing_a_changed_page_replaces_its_text_and_re_anchors(library, server):
    url = server.url("/news/harbour-vote.html")
    [first] = import_paths(library, [url], limits=FAST).imported
    article = first.article
    quote = "a survey of silt in the outer channel"
    start = article.text.index(quote)
    passage = library.annotations.create(article.id, select_quote(article.text, quote),
                                         ["evidence"], annotator="tester")
    server.answers["/news/harbour-vote.html"] = page(HARBOUR_PAGE.replace(
        "<p>The chair,", "<p>Update: the vote is now set for 14 April.</p>\n<p>The chair,"))
    report = import_paths(library, [url], limits=FAST)
    [replaced] = report.replaced
    assert replaced.article.id == article.id
    assert [a.id for a in library.articles.list()] == [article.id]
    text = library.articles.get(article.id).text
    assert "set for 14 April" in text
    moved = library.annotations.get(passage.id)
    assert moved.anchor_state == "anchored"
    assert text[moved.start:moved.end] == quote and moved.start > start
    again = import_paths(library, [url], limits=FAST)
    assert [o.status for o in again.outcomes] == ["unchanged"]


def test_a_public_link_is_not_followed_into_this_machines_network(library, server,
                                                                 monkeypatch):
    import desktop.io.fetch as fetching

    # here 127.0.0.1 stands for a public address, and "localhost" for this machine
    monkeypatch.setattr(fetching, "private_address", lambda host: host == "localhost")
    port = server.url("/").split(":")[2].split("/")[0]
    server.answers["/moved"] = redirect(f"http://localhost:{port}/news/harbour-vote.html")
    message = failure(library, server.url("/moved"))
    assert message.startswith("redirected from a public address to localhost, an address "
                              "of this machine or its local network")
    assert len(server.requests) == 1


def test_what_counts_as_a_private_address():
    from desktop.io.fetch import private_address

    for host in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1",
                 "[::1]", "fc00::1", "0.0.0.0", "localhost"):
        assert private_address(host), host
    for host in ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"):
        assert not private_address(host), host
