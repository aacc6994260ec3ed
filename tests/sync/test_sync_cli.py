"""`closeread sync` as a user runs it: real processes, a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support import REPO, write

from desktop.store.library import Library


def closeread(db: Path, *args: str, ok: bool = True,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CLOSEREAD_ANNOTATOR": "li", **(env or {})}
    environment.pop("CLOSEREAD_TOKEN", None)
    result = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db), *args],
                            cwd=REPO, capture_output=True, text=True, env=environment,
                            timeout=60)
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_closeread_sync_connects_sends_reports_and_disconnects(team, tmp_path):
    db = tmp_path / "li.db"
    story = write(tmp_path / "story.txt", "Harbour dredging\n\nThe dredging of the harbour "
                  f"will start in June, the board said. ({tmp_path.name})\n")
    closeread(db, "import", str(story))
    (article,) = json.loads(closeread(db, "articles", "--json").stdout)
    closeread(db, "annotate", article["id"], "--quote", "will start in June", "--tag",
              "evidence", "--note", "a promise")

    not_yet = closeread(db, "sync", ok=False)
    assert not_yet.returncode != 0 and "sync connect URL --token" in not_yet.stderr

    token = team.tokens["li"]
    connected = closeread(db, "sync", "connect", team.url + "/", "--token", token)
    assert f"to {team.url} as li" in connected.stdout
    status = json.loads(closeread(db, "sync", "status", "--json").stdout)
    assert status["status"] == "connected" and status["unsent"] == 1
    assert status["user"] == "li" and status["server"] == team.url

    first = closeread(db, "sync")
    assert "sent: 1 passage, 1 article" in first.stdout
    assert "status: connected" in first.stdout
    again = closeread(db, "sync", "--json")
    report = json.loads(again.stdout)
    assert report["sent"]["passages"] == [] and report["status"]["unsent"] == 0

    with Library(db) as library:  # the passage kept its id on the server
        (mine,) = library.annotations.list()
    assert team.client("li").get(f"/api/annotations/{mine.id}").json()["text"] == "a promise"

    text = closeread(db, "sync", "status").stdout
    assert "status: connected" in text and "unsent: 0" in text
    for output in (connected, first, again):
        assert token not in output.stdout + output.stderr
    assert token not in json.dumps(status)

    gone = closeread(db, "sync", "disconnect")
    assert f"disconnected from {team.url}" in gone.stdout
    assert closeread(db, "sync", "status").stdout.startswith("not connected")
    with Library(db) as library:
        assert library.db.execute("SELECT count(*) FROM sync_state WHERE key = 'token'"
                                  ).fetchone()[0] == 0


def test_closeread_sync_offline_exits_1_and_keeps_the_work(team, tmp_path):
    db = tmp_path / "li.db"
    closeread(db, "sync", "connect", team.url, "--token", team.tokens["li"])
    with Library(db) as library:  # the server goes away: the address of a closed port
        library.db.execute("UPDATE sync_state SET value = 'http://127.0.0.1:9' "
                           "WHERE key = 'server_url'")
        library.db.conn.commit()
    result = closeread(db, "sync", ok=False)
    assert result.returncode == 1
    assert "status: offline (0 unsent)" in result.stdout
    assert "cannot reach the server" in result.stderr
    refused = closeread(db, "sync", "connect", team.url, "--token", "cr_not-a-token", ok=False)
    assert refused.returncode == 1 and "refused the token" in refused.stderr
