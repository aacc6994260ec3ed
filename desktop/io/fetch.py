"""Fetching an article from a link: one GET, bounded in every way a server could abuse.

What a link may do, and what it may not (README, "Importing from a link"):

- only ``http`` and ``https``, and redirects only to those, at most ``max_redirects`` of
  them, each checked before it is followed;
- the connection must be made within ``connect_timeout`` seconds, the server may not fall
  silent for ``read_timeout`` seconds, and the whole download (redirects included) ends
  after ``total_timeout`` seconds however slowly a server trickles its bytes;
- an answer over ``max_bytes`` is refused: from its Content-Length before a byte is
  read, else as soon as the bytes read (unpacked, when the server compressed them) pass
  the limit;
- the Content-Type decides how the bytes are read (``CONTENT_TYPES``); anything else (an
  image, JSON, an archive) is refused naming the type;
- every request says who asks (``USER_AGENT``); nothing a page holds is run: its bytes go
  to the same readers as a saved file's.

Every failure is a ``FetchError`` naming the url as it was given, and nothing is written
anywhere: the caller imports what ``fetch`` returns, or nothing.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import re
import socket
import ssl
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import httpx

from desktop import __version__
from desktop.core.errors import FetchError, readable
from desktop.io.decoding import MAX_FILE_BYTES

USER_AGENT = f"Closeread/{__version__} (article import from a link; no scripts run)"
SCHEMES = frozenset({"http", "https"})

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# media type -> the importer's format
CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/pdf": "pdf",
    DOCX_TYPE: "docx",
}
# types that say nothing about the content: the url's file extension decides
_UNTYPED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_ACCEPT = ("text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,"
           f"application/pdf;q=0.8,{DOCX_TYPE};q=0.8")

# schemes that are links without "//" (data:, javascript:...): refused, never read as a path
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+):")
_OPAQUE_SCHEMES = frozenset({"data", "javascript", "vbscript", "mailto", "about", "blob",
                             "file", "ftp", "ftps", "sftp", "ws", "wss", "view-source"})


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much a fetch may take (seconds, bytes)."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = MAX_FILE_BYTES
    max_redirects: int = 5


DEFAULT_LIMITS = FetchLimits()


@dataclass(frozen=True)
class Fetched:
    """A fetched answer: its bytes, the importer's format for them, the server's charset
    (None when it gave none), and the url it came from after redirects."""

    url: str
    data: bytes
    fmt: str
    media_type: str
    charset: str | None = None
    redirects: int = 0

    @property
    def name(self) -> str:
        """A name for the fetched bytes: the url's last path segment, else its host."""
        url = httpx.URL(self.url)
        segment = url.path.rstrip("/").rpartition("/")[2]  # httpx decodes the path
        return segment or url.host or "page"


def is_link(text: str) -> bool:
    """Whether a command-line argument or a typed line is a link rather than a path: it
    starts with a scheme and ``//`` (``https://``, ``ftp://``), or with a scheme that
    takes no ``//`` (``data:``, ``javascript:``). A one-letter scheme is a Windows drive."""
    match = _SCHEME.match(text.strip())
    if match is None:
        return False
    rest = text.strip()[match.end():]
    return rest.startswith("//") or match.group(1).lower() in _OPAQUE_SCHEMES


def check_url(url: str) -> httpx.URL:
    """``url`` as a link Closeread may fetch; a ``FetchError`` naming it otherwise."""
    shown = readable(url.strip())
    match = _SCHEME.match(shown)
    scheme = match.group(1).lower() if match else ""
    if scheme not in SCHEMES:
        what = f" (this is a {scheme}: link)" if scheme else ""
        raise FetchError(shown, f"only http:// and https:// links can be imported{what}")
    try:
        parsed = httpx.URL(shown)
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchError(shown, f"not a valid link ({error})") from None
    if not parsed.host:
        raise FetchError(shown, "not a valid link (it names no host)")
    return parsed


def fetch(url: str, limits: FetchLimits = DEFAULT_LIMITS,
          transport: httpx.BaseTransport | None = None) -> Fetched:
    """GETs ``url`` within ``limits`` (module docstring); raises ``FetchError``."""
    shown = readable(url.strip())
    target = check_url(shown)
    deadline = _Deadline(limits.total_timeout)
    try:
        with httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT,
                     "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
            follow_redirects=False, transport=transport,
        ) as client:
            return _follow(client, shown, target, limits, deadline)
    except FetchError:
        raise
    except (httpx.TransportError, ssl.SSLError, OSError) as error:
        raise FetchError(shown, _transport_problem(error, target, limits, deadline)) from None
    finally:
        deadline.cancel()


def _follow(client: httpx.Client, shown: str, target: httpx.URL, limits: FetchLimits,
            deadline: _Deadline) -> Fetched:
    """The answer at ``target``, following at most ``limits.max_redirects`` redirects."""
    current = target
    hop = 0

    def where(response: httpx.Response) -> str:
        return f" (at {response.url}, after {_redirects(hop)})" if hop else ""

    def check_redirect(response: httpx.Response) -> None:
        # before httpx reads the Location itself (it chokes on some, as data: links)
        if response.has_redirect_location:
            _redirect_target(shown, response, where(response))

    client.event_hooks = {"response": [check_redirect]}
    # a link to a public address is not followed into the machine's own network (a
    # page that sends the fetch to 127.0.0.1 or 169.254.169.254 would import what only
    # this machine may read, which the sync can then share); a link the user gives to a
    # private address is theirs to fetch
    public = not private_address(target.host)
    for hop in range(limits.max_redirects + 1):  # where() reads hop
        request = client.build_request("GET", current, extensions={"trace": deadline.trace})
        response = client.send(request, stream=True)
        try:
            if response.has_redirect_location:
                current = _redirect_target(shown, response, where(response))
                if public and private_address(current.host):
                    raise FetchError(shown, f"redirected from a public address to "
                                            f"{current.host}, an address of this machine "
                                            f"or its local network{where(response)}; not "
                                            "followed")
                continue
            if not response.is_success:
                reason = response.reason_phrase or httpx.codes.get_reason_phrase(
                    response.status_code)
                raise FetchError(shown, f"the server answered {response.status_code} "
                                        f"{reason}{where(response)}".rstrip())
            fmt, media_type, charset = _kind(shown, response, where(response))
            data = b"".join(_body(shown, response, limits, deadline))
        finally:
            response.close()
        if not data.strip():
            raise FetchError(shown, f"the server sent an empty page{where(response)}")
        return Fetched(str(response.url), data, fmt, media_type, charset, hop)
    raise FetchError(shown, f"more than {limits.max_redirects} redirects (the last to "
                            f"{current}); the link is not followed further")


def private_address(host: str) -> bool:
    """Whether ``host`` is, or resolves to, an address of this machine or of a private,
    link-local or reserved network; a name that does not resolve is not (the request
    will say so)."""
    try:
        addresses = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return False
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
                     for info in found]
    return any(a.is_private or a.is_loopback or a.is_link_local or a.is_reserved
               or a.is_multicast or a.is_unspecified for a in addresses)


def _redirects(count: int) -> str:
    return f"{count} redirect{'s' if count != 1 else ''}"


def _redirect_target(shown: str, response: httpx.Response, where: str) -> httpx.URL:
    """Where a redirect points, refused unless it is an http(s) link."""
    location = response.headers["location"].strip()
    try:
        url = response.url.join(location)
    except (httpx.InvalidURL, ValueError) as error:
        raise FetchError(shown, f"redirected to an invalid link {location!r} "
                                f"({error}){where}") from None
    if url.scheme not in SCHEMES:
        raise FetchError(shown, f"redirected to {readable(location)}{where}; only "
                                "http:// and https:// links are followed")
    if not url.host:
        raise FetchError(shown, f"redirected to a link without a host "
                                f"({readable(location)}){where}")
    return url


def _kind(shown: str, response: httpx.Response, where: str) -> tuple[str, str, str | None]:
    """The importer's format, the media type and the charset of an answer."""
    header = response.headers.get("content-type", "")
    media_type, _, parameters = header.partition(";")
    media_type = media_type.strip().lower()
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    fmt = CONTENT_TYPES.get(media_type)
    if fmt is None and media_type in _UNTYPED:
        from desktop.io.formats import EXTENSIONS

        fmt = EXTENSIONS.get(PurePosixPath(response.url.path).suffix.lower())
        if fmt is None:
            given = f"untyped ({media_type})" if media_type else "without a content type"
            raise FetchError(shown, f"the server sent a file {given} whose name does not "
                                    f"say what it is{where}; save it and import the file "
                                    "with --format")
    if fmt is None:
        raise FetchError(shown, f"the link gives {_what(media_type)} ({media_type}), not "
                                f"an article{where}; Closeread imports web pages, plain "
                                "text, Markdown, PDF and Word documents")
    return fmt, media_type or "(none)", charset


def _what(media_type: str) -> str:
    top, _, sub = media_type.partition("/")
    if top in ("image", "audio", "video", "font"):
        return {"image": "an image", "audio": "audio", "video": "a video",
                "font": "a font"}[top]
    if sub == "json" or sub.endswith("+json"):
        return "JSON data"
    if sub in ("zip", "x-zip-compressed", "gzip", "x-tar", "x-7z-compressed", "x-rar"):
        return "an archive"
    if sub == "javascript" or media_type == "text/javascript":
        return "a script"
    if sub == "css":
        return "a style sheet"
    return "a file of another type"


def _body(shown: str, response: httpx.Response, limits: FetchLimits,
          deadline: _Deadline) -> Iterator[bytes]:
    """The answer's bytes, unpacked, stopped past ``limits.max_bytes`` or the deadline."""
    limit = limits.max_bytes
    too_big = (f"the page is larger than {_size(limit)}; links to more than that are "
               "refused (is it really one article?)")
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) > limit:
        raise FetchError(shown, f"the page is {_size(int(length))} (its Content-Length); "
                                f"links to more than {_size(limit)} are refused")
    unpack = _unpacker(shown, response.headers.get("content-encoding", ""))
    size = 0
    for raw in response.iter_raw():
        if deadline.expired:
            break  # _transport_problem says so
        while raw:
            chunk, raw = unpack(raw, limit - size + 1)
            size += len(chunk)
            if size > limit:
                raise FetchError(shown, too_big)
            yield chunk
    if deadline.expired:
        raise FetchError(shown, f"the download took longer than "
                                f"{limits.total_timeout:g} s and was stopped")
    tail, _ = unpack(b"", limit - size + 1)
    if size + len(tail) > limit:
        raise FetchError(shown, too_big)
    yield tail


def _unpacker(shown: str, encoding: str) -> Any:
    """A function (data, at_most) -> (unpacked, data left) for the Content-Encoding: the
    decompressor stops at ``at_most`` bytes, so a small compressed answer cannot unpack
    to gigabytes in memory before the limit is seen."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return lambda data, _at_most: (data, b"")
    if len(codings) > 1 or codings[0] not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(shown, f"the server compressed the page as {encoding!r}, which "
                                "Closeread does not unpack")
    # gzip, or zlib-wrapped deflate (the 32 lets zlib tell them apart by their header)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 32)

    def unpack(data: bytes, at_most: int) -> tuple[bytes, bytes]:
        try:
            if not data:
                return decompressor.flush(), b""
            return decompressor.decompress(data, at_most), decompressor.unconsumed_tail
        except zlib.error as error:
            raise FetchError(shown, f"the server's compressed page cannot be unpacked "
                                    f"({error})") from None

    return unpack


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 100_000 else f"{count:,} bytes"


def _transport_problem(error: BaseException, target: httpx.URL, limits: FetchLimits,
                       deadline: _Deadline) -> str:
    """What went wrong on the way, in words."""
    host = target.host
    if deadline.expired:
        return f"the download took longer than {limits.total_timeout:g} s and was stopped"
    if isinstance(error, httpx.ConnectTimeout):
        return f"{host} did not accept a connection within {limits.connect_timeout:g} s"
    if isinstance(error, httpx.TimeoutException):
        return f"the server sent nothing for {limits.read_timeout:g} s; the download was " \
               "stopped"
    causes = list(_causes(error))
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return f"the host name {host} does not resolve (no such server, or no network)"
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        port = target.port or (443 if target.scheme == "https" else 80)
        return f"{host} refused the connection on port {port} (no web server there?)"
    if any(isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH,
                                                          errno.EHOSTUNREACH)
           for cause in causes):
        return f"{host} cannot be reached (no route to it; is the network up?)"
    certificate = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)),
                       None)
    if certificate is not None:
        return f"the certificate of {host} is not valid ({certificate.verify_message})"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server's answer is not valid HTTP ({_first_line(error)})"
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect to {host} ({_first_line(error)})"
    return f"the download failed ({_first_line(error)})"


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _first_line(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:200]


class _Deadline:
    """Ends a download at ``seconds`` whatever the server does: when the time is up, the
    sockets the download opened are shut down, which wakes a read that is waiting (for a
    server that sends a byte now and then, each read is in time but the whole is not).
    The sockets are learnt from httpcore's trace of each request."""

    def __init__(self, seconds: float) -> None:
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed
        sock.shutdown(socket.SHUT_RDWR)
