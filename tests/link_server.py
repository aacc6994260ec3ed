"""A real HTTP server on 127.0.0.1 for the tests of importing from a link.

It runs ``http.server`` in a thread and answers each path with what a test put in
``LinkServer.answers``: a page, a redirect, or a misbehaving server (silent, trickling,
endless). Nothing here reaches outside the machine. The pages are written for these tests.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = Callable[[BaseHTTPRequestHandler], None]

HARBOUR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour board delays the dredging vote</title>
<meta name="author" content="Ines Moraga">
<script>document.title = "changed by a script"; window.location = "/elsewhere";</script>
</head><body>
<article>
<h1>Harbour board delays the dredging vote</h1>
<p>By Ines Moraga</p>
<p>The harbour board postponed its vote on the dredging contract until April, after
fishermen filled the council chamber on Tuesday evening to object to the plan.</p>
<p>The chair, Rosa Lindqvist, said a survey of silt in the outer channel would be
published next week and that the board would not decide before reading it.</p>
<p>Critics called the contract a reckless gamble with public money, while the port's
operators warned that larger ships would soon be unable to dock at low tide.</p>
</article>
</body></html>
"""


def page(body: str | bytes, content_type: str = "text/html; charset=utf-8",
         status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    """An answer with ``body`` and its Content-Length."""
    data = body.encode("utf-8") if isinstance(body, str) else body

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def gzipped(body: bytes, content_type: str = "text/html; charset=utf-8") -> Answer:
    """``body`` compressed, as servers send pages (Content-Encoding: gzip)."""
    return page(gzip.compress(body), content_type, headers={"Content-Encoding": "gzip"})


def redirect(location: str, status: int = 302) -> Answer:
    return page(b"", "", status, {"Location": location})


def silent(seconds: float) -> Answer:
    """Reads the request, then sends nothing for ``seconds``."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)

    return answer


def trickle(interval: float, count: int = 200, headers_too: bool = False) -> Answer:
    """Sends a byte every ``interval`` seconds: of the body (headers sent at once), or of
    the headers themselves; each read is in time, the whole download is not."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
        if headers_too:
            stream = head + b"X-Padding: " + b"a" * count + b"\r\n\r\n<p>late</p>"
        else:
            handler.wfile.write(head + b"\r\n")
            stream = b"<p>" + b"a" * count + b"</p>"
        for i in range(len(stream)):
            try:
                handler.wfile.write(stream[i:i + 1])
                handler.wfile.flush()
            except OSError:
                return  # the client hung up: what a bounded download does
            time.sleep(interval)
        handler.close_connection = True

    return answer


def endless(chunk: bytes = b"<p>" + b"words " * 2000 + b"</p>\n", limit: int = 64_000_000,
            content_type: str = "text/html") -> Answer:
    """A chunked page that goes on until ``limit`` bytes or until the client hangs up."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        sent = 0
        try:
            while sent < limit:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            handler.close_connection = True

    return answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hung up: fine
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LinkServer:
    """The server: ``answers`` maps a path (with its query) to an ``Answer``; ``requests``
    records (path, headers) of every request it received."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                owner.requests.append((self.path, dict(self.headers.items())))
                answer = owner.answers.get(self.path) or page("<p>No such page here.</p>",
                                                              status=404)
                try:
                    answer(self)
                except OSError:
                    # the client hung up before the answer was whole: what a client that
                    # refuses a type or a size does; not an error of the server
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass  # quiet tests

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        # a short poll: shutdown() waits for the loop's next look
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def user_agents(self) -> list[str]:
        return [headers.get("User-Agent", "") for _path, headers in self.requests]


@contextmanager
def serving() -> Iterator[LinkServer]:
    """A ``LinkServer`` running for the block, stopped and closed after it."""
    server = LinkServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        server.thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on (it was free a moment ago)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
