"""Desktop libraries syncing through a real team server on 127.0.0.1.

The server is started as tests/server starts it (``server_support``): ``closeread serve``
in a process of its own, on a library seeded with the users maya, li and sam. Each test
makes its own libraries ("desks", ``sync_support.Desk``) connected to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_support import Desk, Server, start_team, stop_server

from desktop.store.library import Library
from desktop.sync.engine import SyncEngine, open_for_sync


@pytest.fixture(scope="session")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One team server for the session's sync tests."""
    running = start_team(tmp_path_factory.mktemp("team"))
    try:
        yield running
    finally:
        for client in running.clients:
            client.close()
        status = stop_server(running.process)
    assert status == 0, running.log.read_text(errors="replace")[-3000:]
    text = running.log.read_text(errors="replace")
    assert '"status": 500' not in text, text[-3000:]
    for token in running.tokens.values():
        assert token not in text, "a token was written to the server's log"


@pytest.fixture
def desks(tmp_path: Path, team: Server) -> Iterator[Callable[..., Desk]]:
    """Makes desks connected to ``team`` (or to ``server=`` another one)."""
    made: list[Desk] = []

    def make(name: str, user: str = "maya", server: Server | None = None) -> Desk:
        server = server or team
        path = tmp_path / f"{name}.db"
        mine = Library(path, client="app")
        engine = SyncEngine(open_for_sync(str(path)))
        engine.connect(server.url, server.tokens[user])
        desk = Desk(path, user, mine, engine)
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.close()
