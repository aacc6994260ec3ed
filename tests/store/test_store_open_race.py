"""Several processes opening one library at the same instant: a new file, an older schema
and the first run's samples. Each process is real and they are released together (each
waits for a file the test makes once all of them are ready), so the openings overlap."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from desktop.core.selectors import select_quote
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.store.schema import SCHEMA_VERSION

# Waits at the barrier, then opens the library and prints whether this process made it.
OPENER = textwrap.dedent("""
    import os, sys, time
    from desktop.core.errors import ClosereadError
    from desktop.store.library import Library

    path, ready, go = sys.argv[1:4]
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.0005)
    try:
        with Library(path, busy_timeout=60) as library:
            print("ok", library.schema_version, library.created)
    except ClosereadError as error:
        print("error", error.message)
""")

# Waits at the barrier, then runs `closeread ARGS...` in this process.
COMMAND = textwrap.dedent("""
    import os, sys, time
    from desktop.cli import cli

    ready, go = sys.argv[1:3]
    open(ready, "w").close()
    while not os.path.exists(go):
        time.sleep(0.0005)
    sys.argv = ["closeread", *sys.argv[3:]]
    cli()
""")


def _together(tmp_path: Path, commands: list[list[str]]) -> list[tuple[int, str, str]]:
    """Starts the commands (each a script and its arguments after the barrier's two
    files), releases them at once when every one is waiting, returns (code, out, err)."""
    go = tmp_path / "go"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["CLOSEREAD_ANNOTATOR"] = "tester"
    # what is tested is that no process is refused by another's migration ('table
    # articles already exists'), not how long one waits for its turn: on a machine loaded
    # by the rest of the suite, SQLite's busy handler can leave one waiting past the 5 s
    # default while the others migrate and load samples (seen once in CI)
    env["CLOSEREAD_BUSY_TIMEOUT"] = "60"
    procs = []
    readies = []
    for n, (script, *args) in enumerate(commands):
        ready = tmp_path / f"ready{n}"
        readies.append(ready)
        if script is OPENER:
            argv = [args[0], str(ready), str(go), *args[1:]]
        else:
            argv = [str(ready), str(go), *args]
        procs.append(subprocess.Popen([sys.executable, "-c", script, *argv], env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in readies):
        assert time.monotonic() < deadline, "the processes did not start"
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.005)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        results.append((proc.returncode, out, err))
    return results


def _tag_set_rows(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        return (conn.execute("SELECT count(*) FROM tag_sets").fetchone()[0],
                conn.execute("SELECT count(*) FROM tags").fetchone()[0])
    finally:
        conn.close()


def test_four_processes_making_one_new_library_at_once_all_open_it(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    results = _together(tmp_path, [[OPENER, str(path)] for _ in range(4)])
    outs = [out.split() for _, out, _ in results]
    assert all(code == 0 for code, _, _ in results), results
    # none refused ("table articles already exists"), every one on the current schema
    assert [o[:2] for o in outs] == [["ok", str(SCHEMA_VERSION)]] * 4, results
    # exactly one made the library, so exactly one would load the samples
    assert sorted(o[2] for o in outs) == ["False", "False", "False", "True"]
    with Library(path) as library:
        expected = _tag_set_rows(path)
        assert library.tags.active_set == "default"
    with Library(tmp_path / "alone.db"):
        pass
    assert expected == _tag_set_rows(tmp_path / "alone.db")  # tag sets installed once


def _schema_4_library(path: Path) -> tuple[str, str]:
    """A library as Closeread wrote it at schema 4 (before the change journal)."""
    with Library(path) as library:
        article, _ = library.articles.add(NewArticle(
            title="Harbour dues", text="The port board raised harbour dues by a tenth on "
            "Monday, and the fishers' union called the rise a tax on the small boats.",
            format="text"))
        note = library.annotations.create(
            article.id, select_quote(article.text, "a tax on the small boats"),
            ["opinion"], "alice")
    conn = sqlite3.connect(path)
    for (trigger,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name LIKE 'journal%'").fetchall():
        conn.execute(f"DROP TRIGGER {trigger}")
    for table in ("changes", "journal_state", "review_decisions", "review_reviewers",
                  "review_annotators", "review_articles", "reviews", "replies",
                  "annotation_access", "team_group_members", "team_groups", "api_tokens",
                  "users", "sync_state", "sync_articles", "sync_access"):
        conn.execute(f"DROP TABLE {table}")
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()
    return article.id, note.id


def test_three_processes_upgrading_an_older_library_at_once_all_open_it(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    article_id, note_id = _schema_4_library(path)
    results = _together(tmp_path, [[OPENER, str(path)] for _ in range(3)])
    # none refused ("table changes already exists"); an upgrade is no creation
    assert [out.split() for _, out, _ in results] == [
        ["ok", str(SCHEMA_VERSION), "False"]] * 3, results
    with Library(path) as library:
        assert library.annotations.get(note_id).tags == ("opinion",)
        assert library.articles.get(article_id).annotation_count == 1
        # the journal the upgrade brought works: it records the next change
        library.tags.add("framing")
        assert "tag" in {c.entity for c in library.journal.after(0)}


def _titles(path: Path) -> list[str]:
    with Library(path) as library:
        return [a.title for a in library.articles.list()]


def _sample_count(tmp_path: Path) -> int:
    from desktop.io.samples import load_samples

    with Library(tmp_path / "alone.db") as alone:
        return len(load_samples(alone).imported)


def test_first_runs_started_together_load_the_samples_once(tmp_path: Path) -> None:
    path = tmp_path / "first.db"
    results = _together(tmp_path, [[COMMAND, "--db", str(path)] for _ in range(3)])
    assert all(code == 0 for code, _, _ in results), results
    # the one that made the library loaded the samples; the others found it made
    made = [out for _, out, _ in results if "New library" in out]
    count = _sample_count(tmp_path)
    assert len(made) == 1, results
    assert f"with {count} sample articles" in made[0]
    titles = _titles(path)
    assert len(titles) == count == len(set(titles))


def test_sample_loading_beside_another_command_on_a_new_library(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    results = _together(tmp_path, [
        [COMMAND, "--db", str(path), "samples"],
        [COMMAND, "--db", str(path), "samples"],
        [COMMAND, "--db", str(path), "tags"],
    ])
    assert all(code == 0 and not err for code, _, err in results), results
    count = _sample_count(tmp_path)
    # between them the two imports brought each sample in once, and neither failed
    reports = sorted(out.strip() for _, out, _ in results[:2])
    assert all(report.endswith(" 0 skipped, 0 failed") for report in reports), reports
    imported = sum(int(report.split()[0]) for report in reports)
    assert imported == count
    assert "propaganda" in results[2][1]
    titles = _titles(path)
    assert len(titles) == count == len(set(titles))
