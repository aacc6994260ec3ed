"""GET /api/search with each of its parameters, on an article of this module's own."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from server_support import AUTHORITY, Server

TEXT = ("Dock workers struck at dawn. The harbour authority called the strike illegal. "
        "Union leaders said the harbour authority lied about wages. A spokesman for the "
        "port declined to comment on the strike.")
URL = "https://news.example/strike"


@pytest.fixture(scope="module")
def strike(server: Server) -> dict[str, dict]:
    """Five annotations and two replies on the strike article, made one after another."""
    maya, li = server.client("maya"), server.client("li")
    article = maya.post("/api/articles", json={"text": TEXT, "title": "Strike", "url": URL})
    assert article.status_code == 201, article.text

    def make(client, name: str, quote_text: str, **fields) -> dict:
        body = {"uri": URL, "target": [{"selector": [
            {"type": "TextQuoteSelector", "exact": quote_text}]}], **fields}
        answer = client.post("/api/annotations", json=body)
        assert answer.status_code == 200, answer.text
        time.sleep(0.003)  # distinct millisecond times, for sorting by them
        return answer.json()

    made = {
        "dawn": make(maya, "dawn", "struck at dawn", tags=["evidence"], text="timing"),
        "illegal": make(maya, "illegal", "called the strike illegal",
                        tags=["propaganda", "Name_Calling"], text="a loaded claim"),
        "lied": make(li, "lied", "lied about wages", tags=["propaganda"],
                     text="accusation of lying", group=server.group),
        "declined": make(li, "declined", "declined to comment", tags=["opinion"],
                         text="silence"),
        "port": make(maya, "port", "A spokesman for the port", text="who speaks"),
    }
    made["reply"] = li.post("/api/annotations", json={
        "text": "Is it loaded though?", "references": [made["illegal"]["id"]]}).json()
    made["reply2"] = maya.post("/api/annotations", json={
        "text": "Yes: illegal is a verdict.",
        "references": [made["illegal"]["id"], made["reply"]["id"]]}).json()
    return made


def _ids(answer) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [row["id"] for row in answer.json()["rows"]]


def _search(server: Server, **params) -> list[str]:
    return _ids(server.client("maya").get("/api/search", params={"uri": URL, **params}))


def _names(strike: dict[str, dict], ids: list[str]) -> list[str]:
    by_id = {item["id"]: name for name, item in strike.items()}
    return [by_id.get(i, i) for i in ids]


def test_uri_and_url(server: Server, strike: dict[str, dict]) -> None:
    maya = server.client("maya")
    answer = maya.get("/api/search", params={"uri": URL, "limit": 200}).json()
    assert answer["total"] == 7 and len(answer["rows"]) == 7
    assert _ids(maya.get("/api/search", params={"url": URL, "limit": 200})) == \
        [row["id"] for row in answer["rows"]]
    urn = f"urn:closeread:article:{strike['dawn']['closeread']['article_id']}"
    assert len(_ids(maya.get("/api/search", params={"uri": urn}))) == 7
    assert maya.get("/api/search", params={"uri": "https://none.example/"}).json() == \
        {"rows": [], "total": 0}


def test_user_group_and_tags(server: Server, strike: dict[str, dict]) -> None:
    assert sorted(_names(strike, _search(server, user=f"acct:li@{AUTHORITY}"))) == \
        ["declined", "lied", "reply"]
    assert sorted(_names(strike, _search(server, user="li"))) == ["declined", "lied", "reply"]
    assert _search(server, user="acct:li@elsewhere.example") == []
    assert _names(strike, _search(server, group=server.group)) == ["lied"]
    # a tag counts its child tags: Name_Calling sits under propaganda
    assert sorted(_names(strike, _search(server, tag="propaganda"))) == ["illegal", "lied"]
    assert _names(strike, _search(server, tag="Name_Calling")) == ["illegal"]
    assert _names(strike, _search(server, tags="propaganda,Name_Calling")) == ["illegal"]
    assert _names(strike, _search(server, tag="propaganda", tags="opinion")) == []
    assert _search(server, tag="no-such-tag") == []


def test_words_in_text_quote_and_any(server: Server, strike: dict[str, dict]) -> None:
    # text: any of the words, in notes and replies
    assert sorted(_names(strike, _search(server, text="timing silence"))) == \
        ["dawn", "declined"]
    assert _names(strike, _search(server, text="verdict")) == ["reply2"]
    # quote: any of the words of the passage
    assert sorted(_names(strike, _search(server, quote="wages dawn"))) == ["dawn", "lied"]
    assert _search(server, quote="!!!") == []  # no word: nothing
    # any: the quote, the note, a tag, a reply's text or the uri
    assert sorted(_names(strike, _search(server, any="spokesman opinion"))) == \
        ["declined", "port"]
    assert len(_search(server, any="strike", limit=200)) == 7  # the url has it
    assert _names(strike, _search(server, any="verdict")) == ["reply2"]
    # any matches inside a longer word, whatever the case of ASCII letters
    assert _names(strike, _search(server, any="VERDI")) == ["reply2"]
    assert _search(server, any="é" * 5_000) == []


def test_references_and_separate_replies(server: Server, strike: dict[str, dict]) -> None:
    assert _names(strike, _search(server, references=strike["illegal"]["id"], sort="created",
                                  order="asc")) == ["reply", "reply2"]
    assert _names(strike, _search(server, references=strike["reply"]["id"])) == ["reply2"]
    answer = server.client("maya").get("/api/search", params={
        "uri": URL, "_separate_replies": "true", "limit": 200}).json()
    assert answer["total"] == 5
    assert sorted(_names(strike, [r["id"] for r in answer["rows"]])) == \
        ["dawn", "declined", "illegal", "lied", "port"]
    assert _names(strike, [r["id"] for r in answer["replies"]]) == ["reply", "reply2"]


def test_limit_offset_sort_order_and_search_after(server: Server,
                                                  strike: dict[str, dict]) -> None:
    oldest_first = ["dawn", "illegal", "lied", "declined", "port", "reply", "reply2"]
    assert _names(strike, _search(server, sort="created", order="asc", limit=200)) == \
        oldest_first
    assert _names(strike, _search(server, sort="created", limit=200)) == oldest_first[::-1]
    assert _names(strike, _search(server, sort="created", order="asc", limit=2,
                                  offset=2)) == ["lied", "declined"]
    after = strike["lied"]["created"]
    assert _names(strike, _search(server, sort="created", order="asc",
                                  search_after=after)) == oldest_first[3:]
    assert _names(strike, _search(server, sort="created", order="desc",
                                  search_after=after)) == ["illegal", "dawn"]
    by_id = sorted(item["id"] for item in strike.values())
    assert _search(server, sort="id", order="asc", limit=200) == by_id
    assert _search(server, sort="id", order="asc", search_after=by_id[4]) == by_id[5:]
    by_user = _names(strike, _search(server, sort="user", order="asc", limit=200))
    assert set(by_user[:3]) == {"lied", "declined", "reply"}  # li before maya
    by_group = _names(strike, _search(server, sort="group", order="asc", limit=200))
    # "lied" is alone in Readers, whose random id sorts before or after __world__
    assert by_group.index("lied") == (0 if server.group < "__world__" else 6)
    assert _search(server, sort="updated", limit=0) == []
    # milliseconds since the epoch are taken too
    from datetime import datetime

    millis = int(datetime.fromisoformat(after).timestamp() * 1000)
    assert _names(strike, _search(server, sort="created", order="asc",
                                  search_after=str(millis))) == oldest_first[3:]


@pytest.mark.parametrize("params", [
    {"limit": 201}, {"limit": -1}, {"offset": 9801}, {"sort": "title"}, {"order": "up"},
    {"sort": "created", "search_after": "yesterday"},
])
def test_bad_parameters_are_400(server: Server, params: dict) -> None:
    answer = server.client("maya").get("/api/search", params=params)
    assert answer.status_code == 400
    assert answer.json()["status"] == "failure"


def test_the_links_of_an_article_search_its_annotations(server: Server,
                                                        strike: dict[str, dict]) -> None:
    maya = server.client("maya")
    article = maya.get(f"/api/articles/{strike['dawn']['closeread']['article_id']}").json()
    assert article["links"]["annotations"].endswith(f"/api/search?uri={quote(URL, safe='')}")
    assert maya.get(article["links"]["annotations"]).json()["total"] == 7


def test_wildcard_uri_and_uri_parts(server: Server, strike: dict[str, dict]) -> None:
    maya = server.client("maya")
    everything = {item["id"] for name, item in strike.items() if not name.startswith("reply")}

    def ids(**params) -> set[str]:
        answer = maya.get("/api/search", params={"limit": 200, **params})
        assert answer.status_code == 200, answer.text
        return {row["id"] for row in answer.json()["rows"]} & (everything | {
            strike["reply"]["id"], strike["reply2"]["id"]})

    assert ids(wildcard_uri="https://news.example/str*") >= everything
    assert ids(wildcard_uri="https://news.example/str_ke") >= everything
    assert ids(wildcard_uri="https://news.example/st_ke") == set()  # _ is one character
    assert ids(wildcard_uri="https://NEWS.example/strike") == set()  # case counts
    assert ids(wildcard_uri="https://news.example/strike?") == set()  # ? is itself
    assert ids(**{"uri.parts": "strike"}) >= everything
    assert ids(**{"uri.parts": "STRIKE"}) >= everything
    assert ids(**{"uri.parts": "strik"}) == set()  # a whole part, not a piece of one
    assert ids(**{"uri.parts": "news"}) >= everything
    # uri, url and wildcard_uri name pages: any of them (as Hypothesis); uri.parts holds too
    assert ids(uri="https://nowhere.example/", wildcard_uri="*/strike") >= everything
    assert ids(wildcard_uri=["https://nowhere.example/*", "*/strike"]) >= everything
    assert ids(uri=URL, **{"uri.parts": "elsewhere"}) == set()
    assert ids(wildcard_uri="*/strike", **{"uri.parts": "news"}) >= everything
