"""Accounts, tokens, groups, profiles, articles and the change feed, with the command line
writing into the same library file while the server runs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from server_support import ARTICLE_TEXT, AUTHORITY, Server
from support import Cli

URI = "https://news.example/bridge"


@pytest.fixture
def cli(server: Server) -> Cli:
    """The command line on the server's library, in this process, as a user types it."""
    return Cli(server.db)


def test_a_token_from_the_command_line_works_until_revoked(server: Server, cli: Cli) -> None:
    made = cli("token", "create", "--user", "ana", "--label", "laptop")
    lines = made.stdout.strip().splitlines()
    token = lines[-1]
    assert token.startswith("cr_") and token not in lines[0]
    ana = server.client(token=token)
    profile = ana.get("/api/profile").json()
    assert profile["userid"] == f"acct:ana@{AUTHORITY}"
    listed = cli("token", "list", "--user", "ana").stdout
    assert "laptop" in listed and token not in listed
    cli("token", "revoke", token)
    refused = ana.get("/api/profile")
    assert refused.status_code == 401 and "revoked" in refused.json()["reason"]
    # revoking by id works as well, and a second token of the same user is unaffected
    second = cli("token", "create", "--user", "ana").stdout.strip().splitlines()[-1]
    assert server.client(token=second).get("/api/profile").status_code == 200
    token_id = cli.json("token", "list", "--user", "ana")[-1]["id"]
    cli("token", "revoke", token_id[:8])
    assert server.client(token=second).get("/api/profile").status_code == 401


def test_a_write_from_the_command_line_shows_in_the_api(server: Server, cli: Cli) -> None:
    maya = server.client("maya")
    since = maya.get("/api/changes", params={"since": 0, "limit": 1000}).json()["last"]
    cli("annotate", server.article, "--quote", "residents said", "--tag", "evidence",
        "--note", "from the terminal")
    found = maya.get("/api/search", params={"uri": URI, "user": "tester",
                                            "text": "terminal"}).json()
    assert found["total"] == 1
    row = found["rows"][0]
    assert row["user"] == f"acct:tester@{AUTHORITY}" and row["group"] == "__world__"
    assert row["target"][0]["selector"][1]["exact"] == "residents said"
    changes = maya.get("/api/changes", params={"since": since}).json()
    assert [(c["entity"], c["id"], c["op"]) for c in changes["changes"]] == \
        [("annotation", row["id"], "added")]
    assert changes["changes"][0]["url"].endswith(f"/api/annotations/{row['id']}")
    assert changes["last"] > since
    # and the other way round: what the API writes, the command line lists
    maya.delete(f"/api/annotations/{row['id']}")  # refused: tester's, not maya's
    assert cli.json("annotations", "--article", server.article, "--search", "terminal")


def test_the_change_feed_after_n(server: Server) -> None:
    maya, li = server.client("maya"), server.client("li")
    start = maya.get("/api/changes", params={"since": 0, "limit": 1000}).json()
    assert all(set(c) == {"seq", "entity", "id", "op", "time", "url"}
               for c in start["changes"])
    since = start["last"]
    made = maya.post("/api/annotations", json={
        "uri": URI, "text": "feed", "target": [{"selector": [
            {"type": "TextQuoteSelector", "exact": "one engineer"}]}]}).json()
    maya.patch(f"/api/annotations/{made['id']}", json={"text": "feed, edited"})
    maya.delete(f"/api/annotations/{made['id']}")
    group = maya.post("/api/groups", json={"name": "Feeders"}).json()
    mine = maya.get("/api/changes", params={"since": since}).json()
    assert [(c["entity"], c["op"]) for c in mine["changes"]] == [
        ("annotation", "added"), ("annotation", "updated"), ("annotation", "removed"),
        ("group", "added")]
    assert mine["changes"][3]["url"].endswith(f"/api/groups/{group['id']}")
    # li reads the annotation (world) but is not in Feeders
    theirs = li.get("/api/changes", params={"since": since}).json()
    assert [c["entity"] for c in theirs["changes"]] == ["annotation"] * 3
    assert theirs["last"] == mine["last"]
    # limit counts journal rows (some of which the caller may not see); last says where
    # to ask from next, and an answer whose last is the since asked is up to date
    paged, at = [], since
    while True:
        page = maya.get("/api/changes", params={"since": at, "limit": 2}).json()
        assert len(page["changes"]) <= 2
        paged += page["changes"]
        if page["last"] == at:
            break
        at = page["last"]
    assert paged == mine["changes"]
    assert maya.get("/api/changes", params={"since": mine["last"]}).json() == \
        {"changes": [], "last": mine["last"]}
    assert maya.get("/api/changes", params={"since": -1}).status_code == 400
    assert maya.get("/api/changes", params={"limit": 1001}).status_code == 400
    anonymous = server.client().get("/api/changes", params={"since": since}).json()
    assert anonymous["changes"] == [] and anonymous["last"] == mine["last"]
    # asked from past the journal's end (another server's number), last is the end: the
    # next change written is then in the next answer, not skipped (last was the since)
    ahead = maya.get("/api/changes", params={"since": mine["last"] + 1000}).json()
    assert ahead == {"changes": [], "last": mine["last"]}
    later = maya.post("/api/groups", json={"name": "Later"}).json()
    assert [c["id"] for c in maya.get("/api/changes", params={"since": ahead["last"]}
                                      ).json()["changes"]] == [later["id"]]


def test_groups_and_their_members(server: Server, cli: Cli) -> None:
    maya, li, sam = (server.client(u) for u in ("maya", "li", "sam"))
    made = li.post("/api/groups", json={"name": "Night desk", "description": "late"})
    assert made.status_code == 200
    group = made.json()
    assert group["type"] == "private" and group["public"] is False
    assert group["name"] == "Night desk" and group["links"]["json"].endswith(group["id"])
    path = f"/api/groups/{group['id']}"
    assert li.get(path).json() == group
    assert maya.get(path).status_code == 404  # not a member: not there for her
    assert li.post(f"{path}/members/acct:maya@{AUTHORITY}").status_code == 204
    assert maya.get(path).status_code == 200
    assert [m["username"] for m in maya.get(f"{path}/members").json()] == ["li", "maya"]
    assert maya.get(f"{path}/members").json()[0] == {
        "authority": AUTHORITY, "userid": f"acct:li@{AUTHORITY}", "username": "li",
        "display_name": None}
    # only the creator changes the group or adds and removes others
    assert maya.patch(path, json={"name": "Day desk"}).status_code == 403
    assert maya.post(f"{path}/members/sam").status_code == 403
    renamed = li.patch(path, json={"name": "Day desk"}).json()
    assert renamed["name"] == "Day desk" and renamed["description"] == "late"
    assert li.post(f"{path}/members/acct:nobody@{AUTHORITY}").status_code == 404
    assert li.post(f"{path}/members/acct:sam@elsewhere.example").status_code == 404
    assert sam.delete(f"{path}/members/me").status_code == 404
    assert maya.delete(f"{path}/members/me").status_code == 204
    assert maya.get(path).status_code == 404
    assert li.post(f"{path}/members/sam").status_code == 204
    assert li.delete(f"{path}/members/acct:sam@{AUTHORITY}").status_code == 204
    # names: 3 to 25 characters, unique; only private groups; __world__ stays as it is
    assert li.post("/api/groups", json={"name": "ab"}).status_code == 400
    assert li.post("/api/groups", json={"name": "x", "type": "open"}).status_code == 400
    assert li.post("/api/groups", json={"name": "day desk"}).status_code == 409
    assert li.patch("/api/groups/__world__", json={"name": "All"}).status_code == 403
    assert li.delete("/api/groups/__world__/members/me").status_code == 403
    assert server.client().post("/api/groups", json={"name": "Anon"}).status_code == 401
    # the command line sees the same groups
    listed = cli("group", "list").stdout
    assert "Day desk" in listed and group["id"] in listed
    cli("group", "add-member", "Day desk", "sam")
    assert sam.get(path).status_code == 200
    cli("group", "remove-member", group["id"], "sam")
    assert sam.get(path).status_code == 404
    # everyone's group lists: li sees __world__, Readers and her own
    names = [g["name"] for g in li.get("/api/groups").json()]
    assert names[0] == "Everyone" and {"Readers", "Day desk"} <= set(names)
    assert li.get("/api/profile/groups").json() == li.get("/api/groups").json()
    assert [g["id"] for g in sam.get("/api/groups").json()] == ["__world__"]
    assert server.client().get("/api/groups").json() == []


def test_profile_index_and_links(server: Server) -> None:
    profile = server.client("maya").get("/api/profile").json()
    assert profile["userid"] == f"acct:maya@{AUTHORITY}"
    assert profile["authority"] == AUTHORITY
    assert {"id": server.group, "name": "Readers", "public": False} in profile["groups"]
    assert profile["features"] == {} and profile["preferences"] == {}
    anonymous = server.client().get("/api/profile").json()
    assert anonymous["userid"] is None and anonymous["groups"] == []
    index = server.client().get("/api/").json()
    create = index["links"]["annotation"]["create"]
    assert create == {"method": "POST", "url": f"{server.url}/api/annotations",
                      "desc": "Create an annotation"}
    assert index["links"]["search"]["url"] == f"{server.url}/api/search"
    assert index["links"]["changes"]["read"]["method"] == "GET"
    links = server.client().get("/api/links").json()
    assert links["search.tag"] == f"{server.url}/api/search?tag=:tag"


def test_articles(server: Server) -> None:
    maya = server.client("maya")
    listing = maya.get("/api/articles").json()
    seeded = next(a for a in listing["rows"] if a["id"] == server.article)
    assert seeded["uri"] == URI and seeded["title"] == "Bridge" and "text" not in seeded
    full = maya.get(f"/api/articles/{server.article}").json()
    assert full["text"] == ARTICLE_TEXT and len(full["text_sha256"]) == 64
    # Markdown goes through the app's import: rendered, its header read
    markdown = ("Title: Harbour\nAuthor: Li Zheng\n\n# Harbour\n\nThe *harbour* is "
                "busy.\n")
    made = maya.post("/api/articles", json={"text": markdown, "format": "markdown",
                                            "outlet": "Port News"})
    assert made.status_code == 201, made.text
    article = made.json()
    assert article["title"] == "Harbour" and article["author"] == "Li Zheng"
    assert article["outlet"] == "Port News" and "*" not in article["text"]
    assert article["uri"] == f"urn:closeread:article:{article['id']}"
    again = maya.post("/api/articles", json={"text": markdown, "format": "markdown"})
    assert again.status_code == 200 and again.json()["id"] == article["id"]
    assert maya.get(f"/api/articles/{article['id'][:8]}").status_code == 404  # ids only
    for bad in ({"text": ""}, {"text": "x", "format": "pdf"}, {"text": "x", "url": "ftp://a"},
                {"text": "x", "published": "2019-13-45"}, {"text": "\x00binary"}):
        answer = maya.post("/api/articles", json=bad)
        assert answer.status_code == 400, (bad, answer.text)
        assert "article" not in answer.json()["reason"].split(":")[0]  # no temporary path
    anonymous = server.client()
    assert anonymous.get("/api/articles").status_code == 401
    assert anonymous.get(f"/api/articles/{server.article}").status_code == 404
    assert anonymous.post("/api/articles", json={"text": "x"}).status_code == 401


def test_the_change_feed_brings_the_annotations_its_reader_may_see(server: Server) -> None:
    maya, li, sam = server.client("maya"), server.client("li"), server.client("sam")
    since = maya.get("/api/changes", params={"since": 0, "limit": 1000}).json()["last"]

    def made(text: str, **extra: object) -> str:
        return str(maya.post("/api/annotations", json={
            "uri": URI, "text": text, **extra, "target": [{"selector": [
                {"type": "TextQuoteSelector", "exact": "one engineer"}]}]}).json()["id"])

    public = made("for everyone")
    private = made("for me", permissions={"read": [f"acct:maya@{AUTHORITY}"]})
    grouped = made("for the readers", group=server.group)
    gone = made("soon deleted")
    maya.patch(f"/api/annotations/{public}", json={"text": "for everyone, edited"})
    maya.delete(f"/api/annotations/{gone}")

    def page(client: httpx.Client) -> dict[str, Any]:
        answer = client.get("/api/changes", params={"since": since, "limit": 1000,
                                                    "with_annotations": "true"})
        assert answer.status_code == 200
        return dict(answer.json())

    mine, li_s, sam_s = page(maya), page(li), page(sam)
    assert {a["id"] for a in mine["annotations"]} == {public, private, grouped}
    assert {a["id"] for a in li_s["annotations"]} == {public, grouped}
    assert {a["id"] for a in sam_s["annotations"]} == {public}
    edited = next(a for a in sam_s["annotations"] if a["id"] == public)
    assert edited["text"] == "for everyone, edited"  # as it is now, once
    assert edited == maya.get(f"/api/annotations/{public}").json()
    # the changes are those of the feed without the annotations
    plain = sam.get("/api/changes", params={"since": since, "limit": 1000}).json()
    assert "annotations" not in plain and plain["changes"] == sam_s["changes"]
    assert server.client().get("/api/changes", params={
        "since": since, "with_annotations": "true"}).json()["annotations"] == []
