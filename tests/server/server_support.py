"""What the server tests share: starting and stopping a real ``closeread serve`` process,
the library it is seeded with, and clients speaking for its users.

Kept out of conftest.py so that test modules import it by a name no other conftest has
(as tests/support.py is).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from support import REPO

from desktop.store.articles import NewArticle
from desktop.store.library import Library

AUTHORITY = "team.example"
ORIGIN = "https://reader.team.example"  # the one origin the server lets browsers call from
USERS = ("maya", "li", "sam")  # maya made "Readers" and li is in it; sam is not
ARTICLE_TEXT = (
    "The new bridge is a triumph of engineering, the minister said on Monday.\n\n"
    "Critics say the cost doubled in two years and the contract went to a donor. "
    "The bridge was not consulted on, residents said.\n\n"
    "A vanity project, one engineer called it."
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running server and what the seeded library holds."""

    process: subprocess.Popen[bytes]
    url: str
    db: Path
    log: Path
    tokens: dict[str, str]
    group: str  # the id of "Readers"
    article: str  # the id of the seeded article
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, user: str | None = None, token: str | None = None) -> httpx.Client:
        """An HTTP client speaking for ``user`` (None: anonymous)."""
        headers = {"Accept": "application/vnd.hypothesis.v1+json"}
        if user is not None or token is not None:
            headers["Authorization"] = f"Bearer {token or self.tokens[str(user)]}"
        client = httpx.Client(base_url=self.url, headers=headers, timeout=10)
        self.clients.append(client)
        return client

    def userid(self, name: str) -> str:
        return f"acct:{name}@{AUTHORITY}"


def start_server(db: Path, log: Path, *options: str) -> tuple[subprocess.Popen[bytes], str]:
    """Starts ``closeread serve`` on a free port and waits until it answers."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--db", str(db), "serve", "--port", str(port),
             *options], cwd=REPO, stdout=sink, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            raise AssertionError(f"the server exited {process.returncode}:\n"
                                 + log.read_text(errors="replace"))
        try:
            if httpx.get(f"{url}/api/", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the server did not answer within 20 s:\n"
                                 + log.read_text(errors="replace"))
        time.sleep(0.05)


def stop_server(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM, as a service manager stops it; the exit status."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise AssertionError("the server did not stop within 15 s of SIGTERM") from None


def seed(db: Path) -> tuple[dict[str, str], str, str]:
    """Users with a token each, the group Readers (maya, li) and one article."""
    with Library(db) as library:
        accounts = library.accounts
        tokens = {name: accounts.create_token(name, "tests")[1] for name in USERS}
        group = accounts.create_group("Readers", creator="maya")
        accounts.add_member(group.id, "li")
        article, _ = library.articles.add(NewArticle(
            title="Bridge", text=ARTICLE_TEXT, format="text",
            url="https://news.example/bridge"))
    return tokens, group.id, article.id
