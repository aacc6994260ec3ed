"""What the server adds for the sync: an annotation or an article stored under the id its
client chose (``POST /api/annotations`` and ``POST /api/articles`` with ``id``), with the
merge rules of bundles: the later update wins, sending again changes nothing, a deletion
is never undone, another's id is refused."""

from __future__ import annotations

import sqlite3
import uuid

from sync_support import ARTICLE_TEXT, Server

URI = "https://news.example/bridge"


def _body(annotation_id: str, updated: str, text: str = "a note", **more: object) -> dict:
    return {"id": annotation_id, "uri": URI, "text": text, "tags": ["evidence"],
            "created": "2026-01-05T10:00:00.000+00:00", "updated": updated,
            "target": [{"selector": [{"type": "TextQuoteSelector",
                                      "exact": "a triumph of engineering"}]}], **more}


def _journal(server: Server, item_id: str) -> int:
    conn = sqlite3.connect(server.db)
    try:
        return int(conn.execute("SELECT count(*) FROM changes WHERE entity_id = ?",
                                [item_id]).fetchone()[0])
    finally:
        conn.close()


def test_an_annotation_under_the_clients_id_later_wins_and_again_is_nothing(team):
    maya = team.client("maya")
    mine = str(uuid.uuid4())
    made = maya.post("/api/annotations", json=_body(mine, "2026-01-05T10:00:00.000+00:00"))
    assert made.status_code == 200, made.text
    data = made.json()
    assert data["id"] == mine and data["updated"] == "2026-01-05T10:00:00.000+00:00"
    assert data["created"] == "2026-01-05T10:00:00.000+00:00"
    start = ARTICLE_TEXT.index("a triumph of engineering")
    assert data["target"][0]["selector"][0] == {"type": "TextPositionSelector",
                                                "start": start, "end": start + 24}
    written = _journal(team, mine)

    again = maya.post("/api/annotations", json=_body(mine, "2026-01-05T10:00:00.000+00:00"))
    assert again.status_code == 200 and again.json() == data
    assert _journal(team, mine) == written  # nothing written the second time

    older = maya.post("/api/annotations",
                      json=_body(mine, "2026-01-05T09:00:00.000+00:00", "an older note"))
    assert older.status_code == 200 and older.json()["text"] == "a note"

    # the same instant in another zone is not later: the version here stays
    same_time = maya.post("/api/annotations", json=_body(
        mine, "2026-01-05T11:00:00+01:00", "a note at the same time"))
    assert same_time.status_code == 200 and same_time.json()["text"] == "a note"
    later = maya.post("/api/annotations", json=_body(
        mine, "2026-01-05T12:00:00+00:00", "a later note", tags=["opinion"]))
    assert later.json()["text"] == "a later note" and later.json()["tags"] == ["opinion"]
    assert later.json()["updated"] == "2026-01-05T12:00:00.000+00:00"  # kept, in UTC
    assert later.json()["created"] == "2026-01-05T10:00:00.000+00:00"
    assert maya.get(f"/api/annotations/{mine}").json() == later.json()

    # not maya's to write: li cannot take the id
    taken = team.client("li").post("/api/annotations",
                                   json=_body(mine, "2026-06-01T00:00:00.000+00:00"))
    assert taken.status_code == 409
    # deleted: never brought back, whatever its time
    assert maya.delete(f"/api/annotations/{mine}").status_code == 200
    gone = maya.post("/api/annotations", json=_body(mine, "2026-06-01T00:00:00.000+00:00"))
    assert gone.status_code == 410 and "never undone" in gone.json()["reason"]


def test_ids_that_cannot_be_taken(team):
    maya = team.client("maya")
    bad = maya.post("/api/annotations", json=_body("not-a-uuid-but-36-characters-long-xx",
                                                   "2026-01-05T10:00:00.000+00:00"))
    assert bad.status_code == 400 and bad.json()["reason"].startswith("id:")
    when = maya.post("/api/annotations", json=_body(str(uuid.uuid4()), "yesterday"))
    assert when.status_code == 400 and when.json()["reason"].startswith("updated:")
    parent = maya.post("/api/annotations", json=_body(str(uuid.uuid4()),
                                                      "2026-01-05T10:00:00.000+00:00")).json()
    reply = maya.post("/api/annotations", json={"id": str(uuid.uuid4()), "text": "yes",
                                                "references": [parent["id"]]})
    assert reply.status_code == 400 and reply.json()["reason"].startswith("id:")


def test_an_article_under_the_clients_id_or_the_one_with_its_text(team):
    maya = team.client("maya")
    mine = str(uuid.uuid4())
    text = f"A story sent by the sync.\n\nIts own line: {mine}."
    made = maya.post("/api/articles", json={"id": mine, "text": text, "title": "Sent"})
    assert made.status_code == 201 and made.json()["id"] == mine
    assert made.json()["text"] == text
    # the same text under another id is the article already there
    same = maya.post("/api/articles", json={"id": str(uuid.uuid4()), "text": text})
    assert same.status_code == 200 and same.json()["id"] == mine
    # an id that is taken by another text gets a new one
    other = maya.post("/api/articles", json={"id": mine, "text": text + " More."})
    assert other.status_code == 201 and other.json()["id"] != mine
    assert maya.post("/api/articles", json={"id": "x" * 36, "text": "t"}).status_code == 400


def test_a_time_far_in_the_future_is_refused_so_it_cannot_win_every_later_edit(team):
    maya = team.client("maya")
    mine = str(uuid.uuid4())
    for far in ("9999-12-31T23:59:59.999+00:00", "2999-01-01T00:00:00+00:00"):
        refused = maya.post("/api/annotations", json=_body(mine, far))
        assert refused.status_code == 400 and "future" in refused.json()["reason"]
    assert maya.get(f"/api/annotations/{mine}").status_code == 404
    # a clock a few minutes fast is fine
    from datetime import UTC, datetime, timedelta
    soon = (datetime.now(UTC) + timedelta(minutes=5)).isoformat(timespec="milliseconds")
    assert maya.post("/api/annotations", json=_body(mine, soon)).status_code == 200
