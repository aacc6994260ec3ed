"""`closeread import URL...`: links and paths in one command, against a real HTTP server on
127.0.0.1 (never the internet)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from link_server import HARBOUR_PAGE, LinkServer, page, redirect, serving
from support import REPO, dump, write


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with serving() as running:
        running.answers["/news/harbour-vote.html"] = page(HARBOUR_PAGE)
        running.answers["/go"] = redirect("/news/harbour-vote.html", 301)
        running.answers["/chart"] = page(b"GIF89a" + b"\0" * 32, "image/gif")
        yield running


def test_links_and_files_import_together_and_each_failure_names_its_url(run, tmp_path,
                                                                        server):
    note = write(tmp_path / "ferry.txt", "Ferry fares rise\n\nFares rise by ten percent "
                                         "in May, the operator said.\n")
    go, chart, gone = server.url("/go"), server.url("/chart"), server.url("/gone")
    result = run("import", go, str(note), chart, gone, ok=False)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"imported  {go} -> ")
    assert lines[0].endswith(" Harbour board delays the dredging vote (fetched from "
                             f"{server.url('/news/harbour-vote.html')})")
    assert lines[1].startswith(f"imported  {note} -> ")
    assert lines[-1] == "2 imported, 0 already in the library, 0 skipped, 2 failed"
    assert result.stderr.splitlines() == [
        f"Error: {chart}: the link gives an image (image/gif), not an article; Closeread "
        "imports web pages, plain text, Markdown, PDF and Word documents",
        f"Error: {gone}: the server answered 404 Not Found"]
    [article] = [a for a in run.json("articles") if a["title"].startswith("Harbour")]
    assert run.json("show", article["id"])["url"] == server.url("/news/harbour-vote.html")


def test_a_failed_link_leaves_the_library_as_it_was(run, db_path, server):
    run("import", server.url("/news/harbour-vote.html"))
    before = dump(db_path)
    result = run("import", "ftp://127.0.0.1/news.html", server.url("/chart"), ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Error: ftp://127.0.0.1/news.html: only http:// and https:// links can be " \
           "imported (this is a ftp: link)" in result.stderr
    assert dump(db_path) == before


def test_a_changed_page_re_imported_replaces_the_text_and_keeps_the_passages(run, server):
    url = server.url("/news/harbour-vote.html")
    run("import", url)
    article = run.json("articles")[0]["id"]
    passage = run("annotate", article, "--quote", "a reckless gamble with public money",
                  "--tag", "propaganda").stdout.strip()
    server.answers["/news/harbour-vote.html"] = page(HARBOUR_PAGE.replace(
        "<p>Critics called", "<p>Correction: the vote was postponed, not cancelled.</p>\n"
                             "<p>Critics called"))
    result = run("import", url)
    assert f"replaced  {url} -> {article[:8]}" in result.stdout
    assert "1 replaced" in result.stdout
    shown = run.json("show", article)
    assert "Correction: the vote was postponed" in shown["text"]
    [annotation] = shown["annotations"]
    assert annotation["id"] == passage and annotation["anchor_state"] == "anchored"
    assert shown["text"][annotation["start"]:annotation["end"]] == \
        "a reckless gamble with public money"


def test_replace_takes_a_link(run, tmp_path, server):
    run("import", str(write(tmp_path / "draft.txt", "Harbour draft\n\nThe board met.\n")))
    article = run.json("articles")[0]["id"]
    result = run("import", server.url("/news/harbour-vote.html"), "--replace", article)
    assert result.stdout.startswith("replaced ")
    shown = run.json("show", article)
    assert "silt in the outer channel" in shown["text"]


def test_the_command_as_a_process_fetches_with_its_user_agent(tmp_path, server):
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    env.pop("DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(tmp_path / "lib.db"), "import",
         server.url("/news/harbour-vote.html")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "1 imported" in done.stdout
    [agent] = server.user_agents()
    assert agent.startswith("Closeread/") and "no scripts run" in agent
