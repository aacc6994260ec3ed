"""What the server benchmarks share: a server process on 127.0.0.1 started and always
stopped, its CPU time, and a lean HTTP/1.1 client for many concurrent connections.

Why a client of our own rather than httpx: measured on the 2-core development VM against
the bare FastAPI endpoint (benchmarks/bare_server.py) with 50 concurrent clients, httpx
cost the benchmark process 2.5 to 3 ms of CPU per request with one ``AsyncClient`` shared
by 50 tasks (its pool scans its connections on every request), 0.65 ms with an
``AsyncClient`` per task and 0.44 ms with 50 threads each holding an ``httpx.Client``;
every one of them saturated its core (64-79 %) while the server idled, so they measured
the client. The asyncio streams below cost about 0.03 to 0.06 ms a request (10-15 % of a
core at 2,300-3,300 requests/s), which leaves the server the bottleneck, as it must be.
It speaks only what the benchmark needs: keep-alive requests with a body of known
length, answers with a Content-Length or chunked, one request at a time per connection
(no pipelining), no retries (a retried write could be duplicated, which is what the
benchmark checks for).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"  # loopback only: nothing here listens on or talks to another address
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port free on 127.0.0.1 now (the server binds it a moment later)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start(command: list[str], log: Path, ready_url: str, cwd: Path,
          env: dict[str, str] | None = None,
          timeout: float = 30.0) -> subprocess.Popen[bytes]:
    """Starts a server process (output to ``log``) and waits until ``ready_url`` answers
    200; stops it again and raises when it exits or does not answer in time."""
    with open(log, "wb") as sink:
        process = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT,
                                   env={**(env or os.environ), "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + timeout
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[:4]} exited {process.returncode}:\n"
                                   + log.read_text(errors="replace")[-2000:])
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    return process
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{command[:4]} did not answer within {timeout:g} s:\n"
                                   + log.read_text(errors="replace")[-2000:])
            time.sleep(0.05)
    except BaseException:
        stop(process)
        raise


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> int | None:
    """SIGTERM, as a service manager stops a server; killed when it has not exited after
    ``timeout`` seconds. The exit status (None when it had to be killed)."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return None


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        # the fields after the command name, which may itself hold spaces and parentheses
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


class HttpError(Exception):
    """The connection broke, or the answer was not HTTP/1.1 as this client reads it."""


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1, sending as one bearer token."""

    def __init__(self, port: int, token: str | None) -> None:
        self.port = port
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        # the headers every request sends, encoded once
        self._head = (f"Host: {HOST}:{port}\r\n{auth}"
                      "Accept: application/json\r\n").encode("ascii")
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, target: str,
                      body: bytes | None = None) -> tuple[int, bytes]:
        """Sends one request and reads its whole answer: (status, body)."""
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(HOST, self.port)
        reader, writer = self._reader, self._writer
        assert reader is not None
        line = f"{method} {target} HTTP/1.1\r\n".encode("ascii")
        if body is None:
            writer.write(line + self._head + b"\r\n")
        else:
            writer.write(line + self._head + b"Content-Type: application/json\r\n"
                         + f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        try:
            return await self._answer(reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                ValueError, IndexError) as error:
            await self.close()
            raise HttpError(f"{method} {target}: no whole answer ({error!r})") from error

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[int, bytes]:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length: int | None = None
        chunked, keep = False, True
        for header in lines[1:]:
            name, _, value = header.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and value.strip().lower() == b"close":
                keep = False
        if chunked:
            content = await self._chunks(reader)
        elif length is not None:
            content = await reader.readexactly(length)
        else:  # no length: the body runs to the end of the connection
            content = await reader.read()
            keep = False
        if not keep:
            await self.close()
        return status, content

    @staticmethod
    async def _chunks(reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    async def close(self) -> None:
        writer, self._writer, self._reader = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()
