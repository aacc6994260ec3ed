"""Two desktop libraries syncing through one team server: a passage travels with its id,
tags, note and article; edits come back; deletions are never undone; another analyst's
passages are read but not sent back in their name."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from desktop.sync.status import CONNECTED


def _rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_a_passage_reaches_the_other_desk_and_its_edit_comes_back(desks, team):
    laptop, office = desks("laptop"), desks("office")
    article = laptop.add_article()
    laptop.mine.tags.add("Name_Calling", parent="propaganda")  # new to the server and office
    mine = laptop.mark(article, "A vanity project", ("evidence", "Name_Calling"),
                       note="a slur")

    sent = laptop.sync()
    assert sent.sent == [mine] and sent.sent_articles == [article]
    assert sent.status.state == CONNECTED and sent.status.unsent == 0
    assert sent.status.text == "connected"

    got = office.sync()
    assert mine in got.received and article in got.received_articles
    theirs = office.mine.annotations.get(mine)
    here = laptop.mine.annotations.get(mine)
    assert (theirs.article_id, theirs.start, theirs.end, theirs.exact, theirs.note) == \
        (article, here.start, here.end, "A vanity project", "a slur")
    assert sorted(theirs.tag_paths) == sorted(here.tag_paths) \
        == ["evidence", "propaganda/Name_Calling"]
    assert theirs.updated == here.updated and theirs.created == here.created
    assert office.mine.articles.get(article).text == laptop.mine.articles.text(article)

    office.mine.annotations.set_note(mine, "a slur, said twice")
    assert office.engine.status().unsent == 1
    assert office.sync().sent == [mine]
    back = laptop.sync()
    assert back.received == [mine] and back.sent == []
    assert laptop.mine.annotations.get(mine).note == "a slur, said twice"

    # nothing more to do on either side, and nothing duplicated anywhere
    for desk in (laptop, office):
        again = desk.sync()
        assert again.sent == again.received == [] and again.conflicts == []
        assert _rows(desk.path, "SELECT count(*) FROM annotations WHERE id = ?", mine) \
            == [(1,)]
    assert _rows(team.db, "SELECT count(*) FROM annotations WHERE id = ?", mine) == [(1,)]


def _deleted(path: Path, annotation_id: str) -> bool:
    (row,) = _rows(path, "SELECT deleted IS NOT NULL FROM annotations WHERE id = ?",
                   annotation_id)
    return bool(row[0])


def test_a_deletion_is_never_undone_by_the_other_sides_edit(desks, team):
    laptop, office = desks("laptop"), desks("office")
    article = laptop.add_article()
    early = laptop.mark(article, "third time")
    late = laptop.mark(article, "missing survey")
    laptop.sync()
    office.sync()

    # the office edits first, the laptop deletes later and syncs first: the office's
    # edit is refused (410) and its copy deleted
    office.mine.annotations.set_note(early, "an edit older than the deletion")
    time.sleep(0.01)
    laptop.mine.annotations.delete(early)
    assert laptop.sync().sent_deletions == [early]
    report = office.sync()
    assert report.sent == [] and any(c.startswith(early) for c in report.conflicts)
    assert early not in office.mine.annotations.live([early])

    # the laptop deletes first (offline), the office edits later and syncs first: the
    # deletion still wins, on the server and then at the office
    laptop.mine.annotations.delete(late)
    time.sleep(0.01)
    office.mine.annotations.set_note(late, "an edit later than the deletion")
    assert office.sync().sent == [late]
    assert laptop.sync().sent_deletions == [late]
    assert office.sync().received_deletions == [late]
    for path in (laptop.path, office.path, team.db):
        assert _deleted(path, early) and _deleted(path, late)
    # and nothing brings them back: not another round, not an undo of the deletion
    for desk in (laptop, office):
        again = desk.sync()
        assert again.sent == again.received == again.sent_deletions == []
    laptop.mine.annotations.restore(late)  # Ctrl+Z of the delete, after it was sent
    undone = laptop.sync()
    assert undone.sent == [] and any(c.startswith(late) for c in undone.conflicts)
    assert _deleted(laptop.path, late) and _deleted(team.db, late)


def test_another_analysts_passage_is_read_but_never_sent_in_their_name(desks, team):
    maya, li = desks("maya"), desks("li", user="li")
    article = maya.add_article()
    hers = maya.mark(article, "a new era of prosperity", note="a promise")
    maya.sync()
    li.sync()
    assert li.mine.annotations.get(hers).annotator == "maya"

    # li edits maya's passage here: the server takes only its author's edits, so it is
    # held back, and not counted as unsent
    li.mine.annotations.set_note(hers, "li's reading")
    his = li.mark(article, "one fisherman called it", note="li's own")
    report = li.sync()
    assert report.held_back == [hers] and report.sent == [his]
    assert report.status.unsent == 0
    maya_got = maya.sync()
    assert maya_got.received == [his]
    assert maya.mine.annotations.get(his).annotator == "li"
    assert maya.mine.annotations.get(hers).note == "a promise"

    # maya's later edit of her passage is the one both keep
    maya.mine.annotations.set_note(hers, "a promise, kept")
    maya.sync()
    assert hers in li.sync().received
    assert li.mine.annotations.get(hers).note == "a promise, kept"
