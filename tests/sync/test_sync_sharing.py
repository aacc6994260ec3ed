"""Who reads a desk's passages on the team server: private ones stay with their author,
group ones reach the group's members only, and each desk keeps what the server says
(a passage private on one desk is private on the author's other desk, and stays so when
edited there). Also: a page of the change feed brings its passages with it, so a first
sync does not ask for each one."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path

import httpx

from desktop.store.accounts import WORLD
from desktop.store.library import Library
from desktop.sync.engine import SyncEngine, open_for_sync


def _access(db: Path, annotation_id: str) -> tuple[object, ...] | None:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT group_id, shared FROM annotation_access "
                            "WHERE annotation_id = ?", [annotation_id]).fetchone()
    finally:
        conn.close()


def test_connecting_brings_the_users_groups_into_the_library(desks, team):
    maya, sam = desks("maya-groups"), desks("sam-groups", user="sam")
    assert {g.id for g in maya.mine.accounts.groups()} == {WORLD, team.group}
    assert {g.name for g in maya.mine.accounts.groups()} >= {"Readers"}
    assert {g.id for g in sam.mine.accounts.groups()} == {WORLD}


def test_a_private_passage_reaches_only_its_authors_other_desk_and_stays_private(
        desks, team):
    laptop, office = desks("laptop-p"), desks("office-p")
    li = desks("li-p", user="li")
    article = laptop.add_article()
    laptop.mine.accounts.sharing.set_default_access(WORLD, shared=False)
    private = laptop.mark(article, "A vanity project", note="my hunch")
    laptop.mine.accounts.sharing.set_default_access(WORLD, shared=True)
    public = laptop.mark(article, "The survey is due in May")
    assert laptop.mine.accounts.sharing.item(private).shared is False

    sent = laptop.sync()
    assert sorted(sent.sent) == sorted([private, public])
    assert _access(team.db, private) == (WORLD, 0)

    seen_by_li = li.sync()
    assert public in seen_by_li.received and private not in seen_by_li.received
    assert li.mine.annotations.live([private]) == {}

    mine_elsewhere = office.sync()
    assert private in mine_elsewhere.received
    assert office.mine.accounts.sharing.item(private).shared is False

    # edited on the other desk, it goes up private again
    office.mine.annotations.set_note(private, "my hunch, checked")
    assert office.sync().sent == [private]
    assert _access(team.db, private) == (WORLD, 0)
    assert private not in li.sync().received
    anonymous_view = team.client("li").get(f"/api/annotations/{private}")
    assert anonymous_view.status_code == 404


def test_a_passage_shared_with_a_group_reaches_its_members_only(desks, team):
    maya, li, sam = desks("maya-g"), desks("li-g", user="li"), desks("sam-g", user="sam")
    article = maya.add_article()
    passage = maya.mark(article, "A vanity project")
    maya.mine.accounts.sharing.share(passage, team.group, shared=True)
    assert maya.sync().sent == [passage]
    assert _access(team.db, passage) == (team.group, 1)

    assert passage in li.sync().received
    assert li.mine.accounts.sharing.item(passage).group_id == team.group
    assert passage not in sam.sync().received
    assert sam.mine.annotations.live([passage]) == {}

    # made private later: it goes up private (li's copy stays: docs/server.md, "Sync")
    maya.mine.accounts.sharing.share(passage, team.group, shared=False)
    assert maya.sync().sent == [passage]
    assert _access(team.db, passage) == (team.group, 0)
    assert team.client("li").get(f"/api/annotations/{passage}").status_code == 404


class _Counting(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


def test_a_first_sync_takes_the_passages_from_the_feed_without_asking_for_each(
        desks, team, tmp_path):
    laptop = desks("laptop-bulk")
    articles = [laptop.add_article() for _ in range(3)]
    made = [laptop.mark(article, quote) for article in articles
            for quote in ("A vanity project", "The survey is due in May",
                          "citing a missing survey")]
    assert sorted(laptop.sync().sent) == sorted(made)

    path = tmp_path / "fresh.db"
    Library(path, client="app").close()
    counting = _Counting()
    engine = SyncEngine(open_for_sync(str(path)), transport=counting)
    try:
        engine.connect(team.url, team.tokens["maya"])
        report = engine.sync(pages=None)
        assert set(made) <= set(report.received)
        assert not [p for p in counting.paths if p.startswith("GET /api/annotations/")]
        assert sum(p.startswith("GET /api/changes") for p in counting.paths) >= 1
        live = engine.library.annotations.live(made)
        assert {a.exact for a in live.values()} == {"A vanity project",
                                                    "The survey is due in May",
                                                    "citing a missing survey"}
        assert len(live) == len(made)
    finally:
        engine.close()
        engine.library.close()


def test_a_change_of_who_reads_a_passage_alone_reaches_the_authors_other_desk(desks, team):
    laptop, office = desks("laptop-r"), desks("office-r")
    article = laptop.add_article()
    passage = laptop.mark(article, "A vanity project")
    laptop.sync()
    assert passage in office.sync().received
    assert office.mine.accounts.sharing.item(passage).shared is True

    laptop.mine.accounts.sharing.share(passage, team.group, shared=False)
    assert laptop.sync().sent == [passage]
    got = office.sync()
    assert got.received == [passage] and got.conflicts == []
    here = office.mine.accounts.sharing.item(passage)
    there = laptop.mine.accounts.sharing.item(passage)
    assert (here.group_id, here.shared, here.updated) == (team.group, False, there.updated)
    # the window's views hear of it: the journal names the passage
    assert office.mine.journal.after(0, 100_000)[-1].id == passage
    again = office.sync()
    assert again.received == [] and again.sent == []


def test_editing_a_passage_never_changes_who_reads_it_unless_chosen_on_this_desk(
        desks, team):
    laptop, office = desks("laptop-k"), desks("office-k")
    article = laptop.add_article()
    passage = laptop.mark(article, "A vanity project")
    laptop.mine.accounts.sharing.share(passage, team.group, shared=False)
    laptop.sync()
    assert passage in office.sync().received

    # a desk that pulled before groups travelled has no record of who reads the passage
    conn = sqlite3.connect(office.path)
    conn.execute("DELETE FROM annotation_access")
    conn.commit()
    conn.close()
    office.mine.annotations.set_note(passage, "edited on a desk that knows nothing of it")
    assert office.sync().sent == [passage]
    assert _access(team.db, passage) == (team.group, 0)

    # made shared on the server (the web) while the laptop, offline, edits the note
    maya = team.client("maya")
    assert maya.patch(f"/api/annotations/{passage}", json={
        "permissions": {"read": [f"group:{team.group}"]}}).status_code == 200
    time.sleep(0.01)  # later than the server's change, by the clock (ms resolution)
    laptop.mine.annotations.set_note(passage, "edited offline")
    laptop.sync()
    assert _access(team.db, passage) == (team.group, 1)
    assert maya.get(f"/api/annotations/{passage}").json()["text"] == "edited offline"


def test_a_pending_pages_text_reaches_the_desks_and_places_their_passages(desks, team):
    desk = desks("desk-page")
    maya = team.client("maya")
    page = f"https://elsewhere.example/page/{uuid.uuid4()}"
    made = maya.post("/api/annotations", json={
        "uri": page, "document": {"title": ["Flood defences"]},
        "target": [{"selector": [{"type": "TextQuoteSelector", "exact": "the wall held",
                                  "prefix": "Flood defences Engineers said ",
                                  "suffix": " through the night."}]}]}).json()
    assert made["closeread"]["anchor_state"] == "orphan"
    assert made["id"] in desk.sync().received
    here = desk.mine.annotations.get(made["id"])
    assert here.anchor_state == "orphan"

    text = "Flood defences\n\nEngineers said the wall held through the night."
    assert maya.post("/api/articles", json={"text": text, "url": page}).status_code == 200
    desk.sync()
    article = desk.mine.articles.get(here.article_id)
    assert article.text == text and article.title == "Flood defences"
    placed = desk.mine.annotations.get(made["id"])
    assert placed.anchor_state == "anchored" and text[placed.start:placed.end] == "the wall held"
