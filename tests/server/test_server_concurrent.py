"""Concurrent writers on one server: every user's creates and updates, sent at the same
time from several threads, are answered, stored once each, and none is lost."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from server_support import USERS, Server

from desktop.store.library import Library

URI = "https://news.example/bridge"
EACH = 25  # creates per writer


def _write(server: Server, user: str, writer: int) -> list[str]:
    client = server.client(user)
    made = []
    for n in range(EACH):
        body = {"uri": URI, "text": f"{user}-{writer}-{n}", "tags": ["evidence"],
                "target": [{"source": URI, "selector": [
                    {"type": "TextQuoteSelector", "exact": "the cost doubled"}]}]}
        answer = client.post("/api/annotations", json=body)
        assert answer.status_code == 200, answer.text
        made.append(answer.json()["id"])
        if n % 5 == 0:  # and an update now and then, racing the others' creates
            changed = client.patch(f"/api/annotations/{made[-1]}",
                                   json={"text": f"{user}-{writer}-{n}-edited"})
            assert changed.status_code == 200, changed.text
    return made


def test_concurrent_writers_lose_and_double_nothing(server: Server) -> None:
    writers = [(user, number) for number in range(2) for user in USERS]  # 6 at once
    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        results = list(pool.map(lambda w: _write(server, *w), writers))
    ids = [i for made in results for i in made]
    assert len(ids) == len(set(ids)) == EACH * len(writers)
    with Library(server.db) as library:
        stored = {a.id: a.note for a in library.annotations.list()}
    for (user, number), made in zip(writers, results, strict=True):
        for n, annotation_id in enumerate(made):
            expected = f"{user}-{number}-{n}" + ("-edited" if n % 5 == 0 else "")
            assert stored[annotation_id] == expected
