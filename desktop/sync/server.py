"""Talking to a team server over HTTP (httpx), and telling apart what waits from what is
refused.

A server that cannot be reached (down, no network, no answer in time), answers 5xx or
429, or refuses the token, stops the round: ``ServerUnavailable``, and the unsent work
waits for the next one. Any other answer, 4xx included, is returned: a 404, a 409 or a
410 says something about one passage, and the engine decides what it means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import httpx

from desktop import __version__
from desktop.core.errors import ClosereadError, InvalidArgumentError

CONNECT_TIMEOUT = 3.0  # seconds to reach the server: a closed port answers at once anyway
READ_TIMEOUT = 15.0  # seconds for an answer: an article's text can take a moment


class ServerUnavailable(ClosereadError):
    """The server cannot be reached now, or cannot serve this round: nothing is lost,
    the next round tries again."""


class TokenRefused(ServerUnavailable):
    """The server refused the token (unknown or revoked): connect again with a new one."""


@dataclass(frozen=True)
class Answer:
    status: int
    data: Any  # the JSON, or None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason(self) -> str:
        """The server's reason for a refusal (``{"status": "failure", "reason": …}``)."""
        if isinstance(self.data, dict) and isinstance(self.data.get("reason"), str):
            return f"{self.data['reason']} ({self.status})"
        return f"the server answered {self.status}"


def normalised_url(url: str) -> str:
    """The server's address as the sync keeps it: ``http(s)://host[:port][/prefix]``,
    without a trailing slash or ``/api``."""
    url = url.strip().rstrip("/")
    if url.endswith("/api"):
        url = url[: -len("/api")]
    if not url.startswith(("http://", "https://")) or len(url) <= len("https://"):
        raise InvalidArgumentError(
            f"the server address {url!r} must start with http:// or https:// "
            "(as http://127.0.0.1:5000)")
    return url


def user_name(userid: str) -> str:
    """The name in ``acct:NAME@AUTHORITY`` (the server percent-encodes odd names)."""
    local = userid.removeprefix("acct:").rpartition("@")[0]
    return unquote(local or userid)


class TeamServer:
    """One server, spoken to with one token; keeps its connections open between calls."""

    def __init__(self, url: str, token: str,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.url = url
        self.http = httpx.Client(
            base_url=url, transport=transport,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                     "User-Agent": f"Closeread/{__version__} sync"},
            timeout=httpx.Timeout(READ_TIMEOUT, connect=CONNECT_TIMEOUT))

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
             body: object = None) -> Answer:
        """One request; raises ``ServerUnavailable`` when it makes no sense to go on."""
        try:
            response = self.http.request(method, path, params=params, json=body)
        except httpx.TimeoutException:
            raise ServerUnavailable(f"{self.url}: no answer in time") from None
        except httpx.TransportError as error:
            raise ServerUnavailable(f"{self.url}: cannot reach the server "
                                    f"({_reason(error)})") from None
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
            if response.status_code < 300:
                raise ServerUnavailable(f"{self.url} does not answer as a Closeread team "
                                        "server (not JSON)") from None
        if response.status_code < 300 and response.content and not isinstance(data, dict):
            # every answer of the API is an object: anything else is not the API
            raise ServerUnavailable(f"{self.url} does not answer as a Closeread team server")
        answer = Answer(response.status_code, data)
        if answer.status == 401:
            raise TokenRefused(f"{self.url} refused the token (unknown or revoked): "
                               "connect again with a new one")
        if answer.status >= 500 or answer.status in (408, 429):
            raise ServerUnavailable(f"{self.url}: {answer.reason}")
        return answer

    # --- the calls the sync makes -----------------------------------------------------------

    def profile(self) -> Answer:
        return self.call("GET", "/api/profile")

    def changes(self, since: int, limit: int) -> Answer:
        """A page of the change feed, with the annotations it names (a server that does
        not know ``with_annotations`` leaves them out: the caller then asks for each)."""
        return self.call("GET", "/api/changes",
                         params={"since": since, "limit": limit, "with_annotations": "true"})

    def annotation(self, annotation_id: str) -> Answer:
        return self.call("GET", f"/api/annotations/{quote(annotation_id, safe='')}")

    def article(self, article_id: str) -> Answer:
        return self.call("GET", f"/api/articles/{quote(article_id, safe='')}")

    def post_article(self, body: dict[str, object]) -> Answer:
        return self.call("POST", "/api/articles", body=body)

    def put_annotation(self, body: dict[str, object]) -> Answer:
        """An annotation under its own id (create, or replace with a later version)."""
        return self.call("POST", "/api/annotations", params={"orphan": "keep"}, body=body)

    def delete_annotation(self, annotation_id: str) -> Answer:
        return self.call("DELETE", f"/api/annotations/{quote(annotation_id, safe='')}")


def _reason(error: httpx.TransportError) -> str:
    text = str(error) or type(error).__name__
    return text.splitlines()[0][:200]
