"""What the sync tests share: desks (a library file with the user's own connection,
``client="app"`` as the window writes, and a sync engine on a connection of its own,
``client="sync"``) and team servers started as tests/server starts them.

Kept out of conftest.py so that test modules import it by a name no other conftest has
(as tests/support.py and tests/server/server_support.py are).
"""

from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

# the server tests' helpers, imported by their own name (see server_support's docstring)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

import server_support
from server_support import ARTICLE_TEXT, AUTHORITY, Server, seed, start_server, stop_server

from desktop.core.selectors import select_quote
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.sync.engine import SyncEngine, open_for_sync
from desktop.sync.status import SyncReport

__all__ = ["ARTICLE_TEXT", "STORY", "Desk", "Server", "restart_team", "start_team", "stop_server"]

STORY = (
    "Harbour vote delayed again\n\n"
    "The council delayed the harbour vote for a third time on Tuesday, citing a missing "
    "survey of the silt.\n\n"
    "A vanity project, one fisherman called it, while the mayor promised a new era of "
    "prosperity for the whole bay.\n\n"
    "The survey is due in May."
)


@dataclass
class Desk:
    """One analyst's library and its sync engine."""

    path: Path
    user: str
    mine: Library  # the user's own edits, as the app makes them
    engine: SyncEngine
    opened: list[Library] = field(default_factory=list)

    def sync(self) -> SyncReport:
        report = self.engine.sync()
        self.mine.journal.poll()
        return report

    def add_article(self, text: str | None = None, title: str = "Harbour vote") -> str:
        """A new article; by default the story with a line of its own, so that no other
        test's library (the server is shared) has the same text."""
        text = text if text is not None else f"{STORY}\n\nFile {uuid.uuid4()}."
        article, _ = self.mine.articles.add(NewArticle(title=title, text=text,
                                                       format="text"))
        return article.id

    def mark(self, article_id: str, quote: str, tags: tuple[str, ...] = ("evidence",),
             note: str = "") -> str:
        text = self.mine.articles.text(article_id)
        return self.mine.annotations.create(article_id, select_quote(text, quote), tags,
                                            self.user, note).id

    def restart(self) -> None:
        """Closes both connections and opens the file again, as a new run of the app."""
        self.engine.close()
        self.engine.library.close()
        self.mine.close()
        self.mine = Library(self.path, client="app")
        self.engine = SyncEngine(open_for_sync(str(self.path)))
        self.opened += [self.mine, self.engine.library]

    def close(self) -> None:
        self.engine.close()
        for library in [self.mine, self.engine.library, *self.opened]:
            library.close()


def start_team(folder: Path) -> Server:
    """A team server of its own on a new library (seeded as tests/server seeds one)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "team.db"
    tokens, group, article = seed(db)
    log = folder / "server.log"
    process, url = start_server(db, log, "--authority", AUTHORITY)
    return Server(process, url, db, log, tokens, group, article)


def restart_team(server: Server) -> None:
    """Starts a stopped server again on its library and its port (a server back up)."""
    port = int(server.url.rsplit(":", 1)[1])
    chosen = server_support.free_port
    server_support.free_port = lambda: port  # start_server's choice of port, for once
    try:
        server.process, url = start_server(server.db, server.log.with_suffix(".2.log"),
                                           "--authority", AUTHORITY)
    finally:
        server_support.free_port = chosen
    assert url == server.url
