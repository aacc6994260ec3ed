"""What every request goes through before and after the API: the access log, the body size
limit and the media type Hypothesis's clients ask for. Plain ASGI, so a body too large
is refused before any of it is read into memory.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import HTTPException

from desktop.server.shapes import MEDIA_TYPE

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

access_log = logging.getLogger("closeread.server.access")

# what a client may ask for: Hypothesis's v1 media type, JSON, JSON-LD, or anything
_ACCEPTABLE = {"*/*", "application/*", "application/json", MEDIA_TYPE,
               "application/ld+json"}


async def _send_json(send: Send, status: int, body: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(data)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": data})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class AccessLog:
    """One JSON line per request: method, path (never the query string), status, time
    taken, the client's address and the user the token spoke for. Never a header: the
    Authorization header carries the token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: the handler failed before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client")
            state = scope.get("state") or {}
            access_log.info("request", extra={"fields": {
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "client": client[0] if client else None,
                "user": state.get("user"),
            }})


class BodyLimit:
    """Refuses a request body over ``limit`` bytes with 413: at once when its
    Content-Length says so, else as soon as the bytes received pass the limit."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.limit
            except ValueError:
                await _send_json(send, 400, {"status": "failure",
                                             "reason": "the Content-Length is not a number"})
                return
            if too_large:
                await _send_json(send, 413, self._refusal())
                return
        seen = 0

        async def receiving() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    # raised inside the handler's reading of the body: the API's error
                    # handling answers it like any other refusal
                    raise HTTPException(413, self._refusal()["reason"])
            return message

        await self.app(scope, receiving, send)

    def _refusal(self) -> dict[str, str]:
        return {"status": "failure",
                "reason": f"the request body is larger than {self.limit:,} bytes"}


class MediaType:
    """Hypothesis's versioning: the API answers ``Accept`` headers it knows (its v1 media
    type, JSON, anything) and refuses others with 406; every answer says which version
    answered in ``Hypothesis-Media-Type``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        version = (b"hypothesis-media-type", MEDIA_TYPE.encode())
        accept = _header(scope, b"accept")
        if accept is not None and accept.strip() and scope.get("method") != "OPTIONS":
            wanted = {part.split(";")[0].strip().lower() for part in accept.split(",")}
            if not wanted & _ACCEPTABLE:
                await _send_json(send, 406, {
                    "status": "failure",
                    "reason": f"not acceptable: this server answers {MEDIA_TYPE} (or "
                              "application/json); ask for one of them in Accept"},
                    [version])
                return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), version]
            await send(message)

        await self.app(scope, receive, sending)
