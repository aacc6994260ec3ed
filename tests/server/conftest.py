"""A real team server on 127.0.0.1 for the tests: ``python -m desktop --db X serve`` in a
process of its own, on a library seeded with users, tokens, a group and articles.

One server serves every test of the session (starting one takes about a second); each
test makes its own annotations. At the end the server is stopped with SIGTERM and must
exit 0, and its log must not hold any token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from server_support import AUTHORITY, ORIGIN, Server, seed, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    db = folder / "team.db"
    tokens, group, article = seed(db)
    log = folder / "server.log"
    process, url = start_server(db, log, "--authority", AUTHORITY, "--cors-origin", ORIGIN)
    running = Server(process, url, db, log, tokens, group, article)
    try:
        yield running
    finally:
        for client in running.clients:
            client.close()
        status = stop_server(process)
    text = log.read_text(errors="replace")
    assert status == 0, f"the server exited {status} on SIGTERM:\n{text[-3000:]}"
    assert "Finished server process" in text
    for token in tokens.values():
        assert token not in text, "a token was written to the server's log"
    assert "Bearer" not in text and "authorization" not in text.lower()
