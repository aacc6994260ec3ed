"""Offline first: a server that is down, a restart with unsent work, a round cut short
after the server took what it was sent, a page of the feed cut short before it was
recorded. Nothing is lost and nothing is duplicated."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sync_support import restart_team, start_team, stop_server

from desktop.store.sync_state import SyncState
from desktop.sync.status import CONNECTED, OFFLINE


def _count(path: Path, sql: str, *params: object) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(sql, params).fetchone()[0])
    finally:
        conn.close()


def _copies(path: Path, annotation_id: str) -> int:
    return _count(path, "SELECT count(*) FROM annotations WHERE id = ?", annotation_id)


def test_both_edit_offline_and_converge_when_the_server_is_back(desks, tmp_path):
    own = start_team(tmp_path / "own")
    try:
        laptop, office = desks("laptop", server=own), desks("office", server=own)
        article = laptop.add_article()
        shared = laptop.mark(article, "citing a missing survey", note="first")
        laptop.sync()
        office.sync()

        assert stop_server(own.process) == 0
        laptop.mine.annotations.set_note(shared, "the laptop's edit")
        time.sleep(0.01)
        office.mine.annotations.set_note(shared, "the office's later edit")
        new = office.mark(article, "The survey is due in May", ("opinion",))
        down_l, down_o = laptop.sync(), office.sync()
        assert (down_l.status.state, down_l.status.text) == (OFFLINE, "offline (1 unsent)")
        assert down_o.status.text == "offline (2 unsent)"
        assert "cannot reach the server" in str(down_o.status.problem)

        # the unsent work survives closing the libraries (a restart of the app)
        laptop.restart()
        office.restart()
        assert laptop.engine.status(probe=True).text == "offline (1 unsent)"
        assert office.engine.status(probe=True).text == "offline (2 unsent)"

        restart_team(own)
        first = office.sync()  # the later edit reaches the server first
        assert sorted(first.sent) == sorted([shared, new]) and first.status.state == CONNECTED
        second = laptop.sync()  # the earlier one is refused as older, the later comes back
        assert second.sent == [] and any(c.startswith(shared) for c in second.conflicts)
        assert new in second.received and shared in second.received
        assert office.sync().received == []
        for desk in (laptop, office):
            assert desk.mine.annotations.get(shared).note == "the office's later edit"
            assert desk.mine.annotations.get(new).tag_paths == ("opinion",)
            assert _copies(desk.path, shared) == _copies(desk.path, new) == 1
            assert desk.engine.status().text == "connected"
            assert _count(desk.path, "SELECT count(*) FROM annotations WHERE deleted IS NULL"
                          " AND article_id = ?", article) == 2
        assert _copies(own.db, shared) == _copies(own.db, new) == 1
    finally:
        if own.process.poll() is None:
            assert stop_server(own.process) == 0


def test_a_push_cut_short_after_the_server_took_it_duplicates_nothing(desks, team,
                                                                      monkeypatch):
    laptop = desks("laptop")
    article = laptop.add_article()
    mine = laptop.mark(article, "A vanity project", note="sent, then a crash")

    class Crash(Exception):
        """The process dies between the server's answer and the pointer's move."""

    def crash(self: SyncState, seq: int) -> None:
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(SyncState, "set_pushed", crash)
        with pytest.raises(Crash):
            laptop.engine.push()
    assert _copies(team.db, mine) == 1  # the server has it
    assert laptop.engine.status().unsent == 1  # but it was never acknowledged here
    journal = _count(team.db, "SELECT count(*) FROM changes WHERE entity_id = ?", mine)

    laptop.restart()
    again = laptop.engine.push()
    assert again.sent == [mine] and again.sent_articles == [] and again.errors == []
    assert again.status.unsent == 0
    assert _copies(team.db, mine) == 1
    # the server found the same id and time: it wrote nothing the second time
    assert _count(team.db, "SELECT count(*) FROM changes WHERE entity_id = ?", mine) \
        == journal
    text = laptop.mine.articles.text(article)
    assert _count(team.db, "SELECT count(*) FROM articles WHERE text = ?", text) == 1


def test_an_article_sent_but_not_recorded_is_matched_by_its_text(desks, team, monkeypatch):
    laptop = desks("laptop")
    article = laptop.add_article()
    mine = laptop.mark(article, "the harbour vote")
    with monkeypatch.context() as patched:
        patched.setattr(SyncState, "link", lambda self, link: (_ for _ in ()).throw(
            KeyboardInterrupt))
        with pytest.raises(KeyboardInterrupt):
            laptop.engine.push()
    report = laptop.engine.push()
    assert report.sent == [mine] and report.sent_articles == []  # the server had it
    text = laptop.mine.articles.text(article)
    assert _count(team.db, "SELECT count(*) FROM articles WHERE text = ?", text) == 1
    assert _copies(team.db, mine) == 1


def test_a_page_of_the_feed_is_applied_whole_or_not_at_all(desks, monkeypatch):
    laptop, office = desks("laptop"), desks("office")
    article = laptop.add_article()
    marks = [laptop.mark(article, words) for words in ("third time", "the silt", "May")]
    laptop.sync()
    with monkeypatch.context() as patched:
        patched.setattr(SyncState, "set_pulled", lambda self, seq: (_ for _ in ()).throw(
            KeyboardInterrupt))
        with pytest.raises(KeyboardInterrupt):
            office.engine.pull()
    assert _count(office.path, "SELECT count(*) FROM annotations") == 0  # rolled back
    assert sorted(m for m in office.sync().received if m in marks) == sorted(marks)
    assert office.sync().received == []
    for mark in marks:
        assert _copies(office.path, mark) == 1
