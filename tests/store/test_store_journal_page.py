"""Reading the journal page by page: `last` is the number to ask from next, and a client
that follows it never skips a change, whatever `--since` it started from."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from support import Cli

from desktop.store.library import Library


def _journal_of(library: Library, tags: int) -> int:
    for n in range(tags):
        library.tags.add(f"theme{n}")
    return library.journal.last_seq()


def test_a_since_beyond_the_end_answers_the_end_and_the_next_change_is_not_skipped(
        db_path: Path, run: Cli) -> None:
    with Library(db_path) as library:
        end = _journal_of(library, 3)
    assert end > 0
    answer = run.json("changes", "--since", "999")
    assert answer == {"last": end, "changes": []}
    with Library(db_path) as library:
        library.tags.add("harbour")
    after = run.json("changes", "--since", str(answer["last"]))
    # the change written after the answer is in the next page, not skipped
    assert [(c["entity"], c["op"]) for c in after["changes"]][:1] == [("tag", "added")]
    assert after["last"] == after["changes"][-1]["seq"] > end


def test_the_pages_of_a_client_following_last_hold_every_change_once(
        db_path: Path, run: Cli) -> None:
    with Library(db_path) as library:
        end = _journal_of(library, 7)
        every = [c.seq for c in library.journal.after(0)]
    since, seen = 0, []
    for _ in range(len(every) + 2):
        page = run.json("changes", "--since", str(since), "--limit", "3")
        seen += [c["seq"] for c in page["changes"]]
        assert page["last"] <= end
        since = page["last"]
    assert seen == every


def test_an_empty_journal_answers_since_zero(db_path: Path, run: Cli) -> None:
    Library(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM changes")  # a library older than the journal, upgraded
    conn.commit()
    conn.close()
    assert run.json("changes") == {"last": 0, "changes": []}
    assert run.json("changes", "--since", "50") == {"last": 0, "changes": []}


def test_the_json_names_each_field_as_the_documentation_does(db_path: Path,
                                                             run: Cli) -> None:
    with Library(db_path) as library:
        library.tags.add("harbour")
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO settings (key, value) VALUES ('from', 'the sqlite3 shell')")
    conn.commit()
    conn.close()
    answer = json.loads(run("changes", "--json").stdout)
    assert set(answer) == {"last", "changes"}
    assert all(set(c) == {"seq", "entity", "id", "op", "time", "origin"}
               for c in answer["changes"])
    # another program's change has no origin: null in JSON, '-' in the text
    assert answer["changes"][-1]["entity"] == "setting"
    assert answer["changes"][-1]["origin"] is None
    assert run("changes").stdout.splitlines()[-1].rstrip().endswith("-")
