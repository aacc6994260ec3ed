"""Annotations through a real server: create, read, update, delete, JSON-LD, anchoring,
orphans, replies, and the refusals a client gets for what it may not do."""

from __future__ import annotations

import sqlite3
import uuid

import httpx
from server_support import ARTICLE_TEXT, AUTHORITY, Server

URI = "https://news.example/bridge"


def _quote(exact: str, prefix: str | None = None, suffix: str | None = None) -> dict:
    selector = {"type": "TextQuoteSelector", "exact": exact}
    if prefix is not None:
        selector["prefix"] = prefix
    if suffix is not None:
        selector["suffix"] = suffix
    return selector


def _new(server: Server, user: str = "maya", **fields: object) -> dict:
    body = {"uri": URI, "text": "a note",
            "target": [{"source": URI, "selector": [_quote("a triumph of engineering")]}]}
    body.update(fields)
    answer = server.client(user).post("/api/annotations", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_create_read_update_delete(server: Server) -> None:
    maya = server.client("maya")
    made = _new(server, tags=["propaganda", "Bridge talk"])
    start = ARTICLE_TEXT.index("a triumph of engineering")
    assert made["user"] == f"acct:maya@{AUTHORITY}"
    assert made["uri"] == URI and made["group"] == "__world__"
    assert made["document"] == {"title": ["Bridge"]}
    assert made["permissions"]["read"] == ["group:__world__"]
    assert made["permissions"]["update"] == [f"acct:maya@{AUTHORITY}"]
    # the server anchored the quote and added the position
    position, quote = made["target"][0]["selector"]
    assert position == {"type": "TextPositionSelector", "start": start, "end": start + 24}
    assert quote["exact"] == "a triumph of engineering"
    assert quote["prefix"] == ARTICLE_TEXT[max(0, start - 32):start]
    assert sorted(made["tags"]) == ["Bridge talk", "propaganda"]  # a new tag was made
    assert made["closeread"] == {"article_id": server.article, "anchor_state": "anchored"}
    assert made["links"]["json"].endswith(f"/api/annotations/{made['id']}")
    assert made["hidden"] is False and made["flagged"] is False and made["references"] == []

    fetched = maya.get(f"/api/annotations/{made['id']}")
    assert fetched.status_code == 200 and fetched.json() == made
    assert fetched.headers["hypothesis-media-type"] == "application/vnd.hypothesis.v1+json"

    changed = maya.patch(f"/api/annotations/{made['id']}", json={
        "text": "slogan", "tags": ["opinion"],
        "target": [{"selector": [_quote("the cost doubled")]}]}).json()
    assert changed["text"] == "slogan" and changed["tags"] == ["opinion"]
    assert changed["target"][0]["selector"][0]["start"] == ARTICLE_TEXT.index("the cost doubled")
    assert changed["updated"] > made["updated"] and changed["created"] == made["created"]
    put = maya.put(f"/api/annotations/{made['id']}", json={"text": "slogan, again"})
    assert put.status_code == 200 and put.json()["tags"] == ["opinion"]

    gone = maya.delete(f"/api/annotations/{made['id']}")
    assert gone.status_code == 200 and gone.json() == {"id": made["id"], "deleted": True}
    assert maya.get(f"/api/annotations/{made['id']}").status_code == 404
    assert maya.delete(f"/api/annotations/{made['id']}").status_code == 404


def test_jsonld_is_the_w3c_shape_of_the_export(server: Server) -> None:
    made = _new(server, tags=["evidence"], text="a **note**")
    answer = server.client("li").get(f"/api/annotations/{made['id']}.jsonld")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/ld+json")
    data = answer.json()
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["id"] == f"urn:uuid:{made['id']}" and data["type"] == "Annotation"
    assert data["motivation"] == "tagging" and data["creator"]["name"] == "maya"
    assert data["target"]["source"] == URI
    assert {"type": "TextualBody", "purpose": "tagging", "value": "evidence"} in data["body"]
    assert [s["type"] for s in data["target"]["selector"]] == ["TextPositionSelector",
                                                               "TextQuoteSelector"]
    assert server.client().get(f"/api/annotations/{made['id']}.jsonld").status_code == 404


def test_placing_by_position_by_quote_with_context_and_refusals(server: Server) -> None:
    maya = server.client("maya")
    second = ARTICLE_TEXT.index("bridge was")
    # the word occurs twice: the prefix tells which
    made = _new(server, target=[{"selector": [_quote("bridge", prefix="The ", suffix=" was")]}])
    assert made["target"][0]["selector"][0]["start"] == second
    # a position alone: the server adds the quote
    made = _new(server, target=[{"selector": [
        {"type": "TextPositionSelector", "start": 4, "end": 14}, {"type": "RangeSelector"}]}])
    assert made["target"][0]["selector"][1]["exact"] == ARTICLE_TEXT[4:14]
    # a position the quote is not at: the quote wins, nearest the position
    made = _new(server, target=[{"selector": [
        {"type": "TextPositionSelector", "start": second - 2, "end": second + 4},
        _quote("bridge")]}])
    assert made["target"][0]["selector"][0]["start"] == second
    ambiguous = maya.post("/api/annotations", json={
        "uri": URI, "target": [{"selector": [_quote("bridge")]}]})
    assert ambiguous.status_code == 400 and "occurs 2 times" in ambiguous.json()["reason"]
    no_selector = maya.post("/api/annotations", json={"uri": URI, "text": "page note"})
    assert no_selector.status_code == 400 and "selector" in no_selector.json()["reason"]
    out_of_range = maya.post("/api/annotations", json={"uri": URI, "target": [{"selector": [
        {"type": "TextPositionSelector", "start": 5, "end": 99999}]}]})
    assert out_of_range.status_code == 400 and "out of range" in out_of_range.json()["reason"]
    elsewhere = maya.post("/api/annotations", json={
        "uri": URI, "target": [{"source": "https://other.example/", "selector": [
            _quote("bridge", prefix="The ", suffix=" was")]}]})
    assert elsewhere.status_code == 400
    for uri in ("urn:x-nowhere:1", "ftp://nowhere.example/a", "javascript:alert(1)"):
        unknown = maya.post("/api/annotations", json={
            "uri": uri, "target": [{"selector": [_quote("x")]}]})
        assert unknown.status_code == 400 and unknown.json()["status"] == "failure"


def test_a_quote_not_in_the_text_is_refused_or_kept_as_an_orphan(server: Server) -> None:
    maya = server.client("maya")
    body = {"uri": URI, "text": "from an older version",
            "target": [{"selector": [_quote("the tunnel was cheap", prefix="said ")]}]}
    refused = maya.post("/api/annotations", json=body)
    assert refused.status_code == 422
    assert "not in the article" in refused.json()["reason"]
    kept = maya.post("/api/annotations", params={"orphan": "keep"}, json=body)
    assert kept.status_code == 200
    orphan = kept.json()
    assert orphan["closeread"]["anchor_state"] == "orphan"
    assert orphan["target"][0]["selector"] == [
        {"type": "TextQuoteSelector", "exact": "the tunnel was cheap", "prefix": "said ",
         "suffix": ""}]
    # attached again by a PATCH with a quote that is there
    attached = maya.patch(f"/api/annotations/{orphan['id']}", json={
        "target": [{"selector": [_quote("vanity project")]}]}).json()
    assert attached["closeread"]["anchor_state"] == "anchored"


def test_replies_hang_from_the_thread_and_take_its_group(server: Server) -> None:
    root = _new(server, group=server.group)
    li = server.client("li")
    reply = li.post("/api/annotations", json={
        "uri": URI, "text": "Why?", "references": [root["id"]], "group": "__world__"})
    assert reply.status_code == 200, reply.text
    first = reply.json()
    assert first["group"] == server.group  # a reply is in its thread's group
    assert first["references"] == [root["id"]]
    assert first["target"] == [{"source": URI}]
    assert first["permissions"]["read"] == [f"group:{server.group}"]
    answer = server.client("maya").post("/api/annotations", json={
        "uri": URI, "text": "Because.", "references": [root["id"], first["id"]]}).json()
    assert answer["references"] == [root["id"], first["id"]]
    edited = li.patch(f"/api/annotations/{first['id']}", json={"text": "Why so?"})
    assert edited.status_code == 200 and edited.json()["text"] == "Why so?"
    assert li.patch(f"/api/annotations/{first['id']}",
                    json={"tags": ["x"]}).status_code == 400
    jsonld = li.get(f"/api/annotations/{answer['id']}.jsonld").json()
    assert jsonld["motivation"] == "replying" and jsonld["target"] == f"urn:uuid:{first['id']}"
    assert li.post("/api/annotations", json={"text": "tagged", "tags": ["x"],
                                             "references": [root["id"]]}).status_code == 400
    # sam is not in the group: he sees no thread to answer
    sam = server.client("sam").post("/api/annotations", json={
        "text": "me too", "references": [root["id"]]})
    assert sam.status_code == 400 and "no annotation" in sam.json()["reason"]


def test_what_a_client_may_not_do(server: Server) -> None:
    made = _new(server)
    path = f"/api/annotations/{made['id']}"
    # anonymous: no writing, and nothing to read of the team's annotations
    anonymous = server.client()
    assert anonymous.post("/api/annotations", json={"uri": URI}).status_code == 401
    assert anonymous.get(path).status_code == 404
    refused = anonymous.patch(path, json={"text": "x"})
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    # another user reads a world annotation but may not change it
    li = server.client("li")
    assert li.get(path).status_code == 200
    assert li.patch(path, json={"text": "mine now"}).status_code == 403
    assert li.delete(path).status_code == 403
    # a token that is not one, a header that is not Bearer
    assert server.client(token="cr_nonsense").get(path).status_code == 401
    basic = anonymous.get(path, headers={"Authorization": "Basic bWF5YTp4"})
    assert basic.status_code == 401
    # permissions Closeread does not keep, a group maya is not in, a malformed body
    maya = server.client("maya")
    for permissions in ({"read": ["acct:li@team.example"]}, {"read": ["group:other"]},
                        {"update": ["acct:li@team.example"]}):
        bad = maya.post("/api/annotations", json={
            "uri": URI, "permissions": permissions,
            "target": [{"selector": [_quote("vanity project")]}]})
        assert bad.status_code == 400, permissions
    assert "member" in maya.post("/api/annotations", json={
        "uri": URI, "group": "nosuchgrp",
        "target": [{"selector": [_quote("vanity project")]}]}).json()["reason"]
    malformed = maya.post("/api/annotations", json={"uri": URI, "tags": "not a list"})
    assert malformed.status_code == 400
    assert malformed.json()["status"] == "failure" and "tags" in malformed.json()["reason"]
    not_json = maya.post("/api/annotations", content=b"{nope",
                         headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400
    assert maya.get("/api/annotations/no-such-id").status_code == 404
    assert maya.get("/api/nothing-here").json() == {"status": "failure", "reason": "Not Found"}


def test_a_page_the_library_does_not_have_is_annotated_and_placed_when_its_text_comes(
        server: Server) -> None:
    """What a Hypothesis client does: annotate any web page by its url. The server keeps
    the passages by their quotes on a pending page, and places them when the page's text
    arrives (here through POST /api/articles; an import of the url does the same)."""
    maya, li = server.client("maya"), server.client("li")
    page = f"https://elsewhere.example/news/{uuid.uuid4()}"
    made = maya.post("/api/annotations", json={
        "uri": page, "text": "a claim", "tags": ["evidence"],
        "document": {"title": ["Dam report ", "ignored"]},
        "target": [{"source": page, "selector": [
            # the context as a browser reads the page: its own whitespace
            _quote("the dam leaks", prefix="Dam report The engineers say ",
                   suffix=" every spring, and the council says"),
            {"type": "TextPositionSelector", "start": 40, "end": 53}]}]})
    assert made.status_code == 200, made.text
    first = made.json()
    assert first["uri"] == page and first["closeread"]["anchor_state"] == "orphan"
    assert first["document"]["title"] == ["Dam report"]
    again = maya.post("/api/annotations", json={
        "uri": page, "target": [{"selector": [_quote("a second quote")]}]}).json()
    assert again["closeread"]["article_id"] == first["closeread"]["article_id"]
    found = li.get("/api/search", params={"uri": page}).json()
    assert {row["id"] for row in found["rows"]} == {first["id"], again["id"]}

    text = ("Dam report\n\nThe engineers say the dam leaks every spring, and the council "
            "says it does not.")
    posted = maya.post("/api/articles", json={"text": text, "format": "text", "url": page,
                                             "title": "Dam report: leaks every spring"})
    assert posted.status_code == 200 and posted.json()["id"] == first["closeread"]["article_id"]
    placed = li.get(f"/api/annotations/{first['id']}").json()
    assert placed["closeread"]["anchor_state"] == "anchored"
    position = next(s for s in placed["target"][0]["selector"]
                    if s["type"] == "TextPositionSelector")
    assert text[position["start"]:position["end"]] == "the dam leaks"
    article = li.get(f"/api/articles/{posted.json()['id']}").json()
    assert article["text"] == text and article["title"] == "Dam report"
    assert li.get(f"/api/annotations/{again['id']}").json()["closeread"]["anchor_state"] \
        == "orphan"  # its quote is not in the page: kept, never dropped


def test_a_pending_page_is_seen_only_by_those_who_may_read_an_annotation_on_it(
        server: Server) -> None:
    maya, li = server.client("maya"), server.client("li")
    page = f"https://intranet.example/doc?token=s3cr3t-{uuid.uuid4()}"
    since = li.get("/api/changes", params={"since": 0, "limit": 1000}).json()["last"]
    while True:  # to the end of the feed
        more = li.get("/api/changes", params={"since": since, "limit": 1000}).json()
        if more["last"] == since:
            break
        since = more["last"]
    private = maya.post("/api/annotations", json={
        "uri": page, "document": {"title": "Confidential merger memo"},
        "permissions": {"read": [f"acct:maya@{AUTHORITY}"]},
        "target": [{"selector": [_quote("the merger")]}]})
    assert private.status_code == 200, private.text
    article_id = private.json()["closeread"]["article_id"]

    def listed(client: httpx.Client) -> bool:
        rows, offset = [], 0
        while True:
            answer = client.get("/api/articles", params={"limit": 200, "offset": offset})
            batch = answer.json()["rows"]
            rows += batch
            if len(batch) < 200:
                return any(r["id"] == article_id for r in rows)
            offset += 200

    assert listed(maya) and not listed(li)
    assert maya.get(f"/api/articles/{article_id}").status_code == 200
    assert li.get(f"/api/articles/{article_id}").status_code == 404
    feed = li.get("/api/changes", params={"since": since, "limit": 1000}).json()
    assert article_id not in {c["id"] for c in feed["changes"]}
    assert "s3cr3t" not in str(feed) and "merger" not in str(feed)
    # shared with li's group: now li sees the page too
    maya.post("/api/annotations", json={
        "uri": page, "group": server.group, "target": [{"selector": [_quote("the board")]}]})
    assert listed(li) and li.get(f"/api/articles/{article_id}").status_code == 200


def test_a_refused_annotation_on_a_new_page_leaves_no_page_behind(server: Server) -> None:
    maya = server.client("maya")
    page = f"https://elsewhere.example/refused/{uuid.uuid4()}"
    for body in ({"uri": page, "text": "a page note"},
                 {"uri": page, "target": [{"selector": [
                     {"type": "TextPositionSelector", "start": 1, "end": 5}]}]},
                 {"uri": page, "id": "not-a-uuid", "target": [{"selector": [_quote("x")]}]},
                 {"uri": page, "target": [{"source": "https://other.example/",
                                           "selector": [_quote("x")]}]},
                 {"uri": page, "group": "nogroup1", "target": [{"selector": [_quote("x")]}]}):
        answer = maya.post("/api/annotations", json=body)
        assert answer.status_code == 400, (body, answer.text)
    conn = sqlite3.connect(server.db)
    try:
        assert conn.execute("SELECT count(*) FROM articles WHERE url = ?",
                            [page]).fetchone() == (0,)
    finally:
        conn.close()
