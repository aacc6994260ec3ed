"""Who sees and who changes what: the author, a member of the group, another user and an
anonymous caller, against an annotation that is private, shared with a group, or shared
with __world__ (everyone with an account). What a caller may not see is a 404, on every
way of reaching it: the annotation, its JSON-LD, a search, the change feed."""

from __future__ import annotations

from pathlib import Path

import pytest
from server_support import AUTHORITY, Server, start_server, stop_server

from desktop.store.library import Library

URI = "https://news.example/bridge"
CALLERS = ("author", "member", "other", "anonymous")
USER_OF = {"author": "maya", "member": "li", "other": "sam", "anonymous": None}
VISIBILITIES = ("private", "group", "world")

# who reads what: Hypothesis's rules, with __world__ meaning everyone with an account
SEES = {
    ("author", "private"): True, ("author", "group"): True, ("author", "world"): True,
    ("member", "private"): False, ("member", "group"): True, ("member", "world"): True,
    ("other", "private"): False, ("other", "group"): False, ("other", "world"): True,
    ("anonymous", "private"): False, ("anonymous", "group"): False,
    ("anonymous", "world"): False,
}


@pytest.fixture(scope="module")
def made(server: Server) -> dict[str, dict]:
    """One annotation of maya's per visibility, and the journal's position before them."""
    maya = server.client("maya")
    with Library(server.db) as library:
        since = library.journal.last_seq()
    me = f"acct:maya@{AUTHORITY}"
    bodies = {
        "private": {"permissions": {"read": [me]}},
        "group": {"group": server.group, "permissions": {"read": [f"group:{server.group}"]}},
        "world": {},
    }
    found: dict[str, dict] = {"since": {"seq": since}}
    for visibility, extra in bodies.items():
        answer = maya.post("/api/annotations", json={
            "uri": URI, "text": f"{visibility} note", "tags": [f"matrix-{visibility}"],
            "target": [{"selector": [{"type": "TextQuoteSelector",
                                      "exact": "vanity project"}]}], **extra})
        assert answer.status_code == 200, answer.text
        found[visibility] = answer.json()
    return found


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("caller", CALLERS)
def test_who_reads_what(server: Server, made: dict[str, dict], caller: str,
                        visibility: str) -> None:
    client = server.client(USER_OF[caller])
    annotation = made[visibility]
    sees = SEES[(caller, visibility)]
    single = client.get(f"/api/annotations/{annotation['id']}")
    assert single.status_code == (200 if sees else 404)
    if sees:
        assert single.json()["permissions"]["read"] == (
            [f"acct:maya@{AUTHORITY}"] if visibility == "private"
            else [f"group:{server.group}"] if visibility == "group" else ["group:__world__"])
    else:
        assert single.json()["reason"] == f"no annotation {annotation['id']!r}"
    jsonld = client.get(f"/api/annotations/{annotation['id']}.jsonld")
    assert jsonld.status_code == (200 if sees else 404)
    found = client.get("/api/search", params={"tag": f"matrix-{visibility}"}).json()
    assert [row["id"] for row in found["rows"]] == ([annotation["id"]] if sees else [])
    assert found["total"] == (1 if sees else 0)
    changes = client.get("/api/changes", params={"since": made["since"]["seq"]}).json()
    assert (annotation["id"] in {c["id"] for c in changes["changes"]}) == sees


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("caller", CALLERS)
def test_only_the_author_changes_or_deletes(server: Server, made: dict[str, dict],
                                            caller: str, visibility: str) -> None:
    if caller == "author":
        return  # the author's own edits are test_server_annotations' business
    client = server.client(USER_OF[caller])
    path = f"/api/annotations/{made[visibility]['id']}"
    expected = 401 if caller == "anonymous" else 403 if SEES[(caller, visibility)] else 404
    assert client.patch(path, json={"text": "taken over"}).status_code == expected
    assert client.delete(path).status_code == expected
    assert server.client("maya").get(path).json()["text"] == f"{visibility} note"


def test_sharing_changes_with_a_patch(server: Server) -> None:
    maya, li, sam = (server.client(u) for u in ("maya", "li", "sam"))
    made = maya.post("/api/annotations", json={
        "uri": URI, "permissions": {"read": [f"acct:maya@{AUTHORITY}"]},
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "one engineer"}]}],
    }).json()
    path = f"/api/annotations/{made['id']}"
    assert li.get(path).status_code == 404
    shared = maya.patch(path, json={"group": server.group, "permissions": {
        "read": [f"group:{server.group}"]}}).json()
    assert shared["group"] == server.group and shared["updated"] > made["updated"]
    assert li.get(path).status_code == 200 and sam.get(path).status_code == 404
    assert maya.patch(path, json={"permissions": {"read": ["group:__world__"]}}).status_code \
        == 400  # the read permission names the annotation's own group
    assert maya.patch(path, json={"group": "__world__"}).json()["permissions"]["read"] == \
        ["group:__world__"]
    assert sam.get(path).status_code == 200
    # sam is in no group but __world__: he may not post to Readers
    assert sam.post("/api/annotations", json={
        "uri": URI, "group": server.group, "target": [{"selector": [
            {"type": "TextQuoteSelector", "exact": "one engineer"}]}]}).status_code == 400


def test_anonymous_reading_when_the_server_allows_it(server: Server, made: dict[str, dict],
                                                     tmp_path: Path) -> None:
    """``--anonymous-read``: callers without a token read __world__ and the articles, and
    still nothing private or of a group, and write nothing."""
    process, url = start_server(server.db, tmp_path / "open.log", "--authority", AUTHORITY,
                                "--anonymous-read")
    try:
        import httpx

        with httpx.Client(base_url=url) as anonymous:
            for visibility, expected in (("private", 404), ("group", 404), ("world", 200)):
                path = f"/api/annotations/{made[visibility]['id']}"
                assert anonymous.get(path).status_code == expected, visibility
            assert anonymous.get("/api/articles").json()["total"] >= 1
            assert anonymous.get("/api/groups").json()[0]["public"] is True
            assert anonymous.post("/api/annotations", json={"uri": URI}).status_code == 401
    finally:
        assert stop_server(process) == 0
