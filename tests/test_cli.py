"""The ``closeread`` command as a user types it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest
from support import REPO, write

from desktop.cli import cli
from desktop.store.schema import SCHEMA_VERSION

ARTICLE = """Bridge repairs to start in May
By Ann Lee | paper.example | Updated: 2024-02-03 08:15

The county will close the old bridge for six weeks, officials said.

Critics called the plan a disaster. The plan was approved anyway.
"""


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{prefix}{name} ")
    return found


def test_every_command_has_help_text_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in _commands(cli):
        assert (command.help or "").strip(), f"`closeread {name}` has no help text"
        top = name.split()[0]
        assert f"`closeread {top}" in readme, f"`closeread {top}` is not in the README"


def test_readme_opens_with_the_run_and_test_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("```", 2)[1].strip("\n").splitlines()
    assert len(block) == 2
    run_line, test_line = block
    assert "closeread" in run_line and "pytest" in test_line
    ci = subprocess.run(
        ["bash", "-c", "awk '/^```/{block++; next} block==1{n++; if (n==2) {print; exit}}' "
         "README.md"], cwd=REPO, capture_output=True, text=True, check=True)
    assert ci.stdout.strip() == test_line
    assert "README.md" in (REPO / ".ci" / "run").read_text()


@pytest.fixture
def article_id(run, tmp_path) -> str:
    run("import", str(write(tmp_path / "bridge.txt", ARTICLE)))
    return run.json("articles")[0]["id"]


def test_no_command_opens_a_new_library_with_the_samples(run):
    first = run()
    assert "No display" in first.stderr
    assert "sample articles" in first.stdout
    listed = run.json("articles")
    assert len(listed) >= 3
    assert all(a["title"] for a in listed)
    run()  # opening again adds nothing
    assert len(run.json("articles")) == len(listed)


def test_articles_json_has_the_documented_fields(run, article_id):
    (article,) = run.json("articles")
    assert {"id", "external_id", "title", "author", "outlet", "published", "url",
            "annotation_count"} <= set(article)
    assert article["title"] == "Bridge repairs to start in May"
    assert article["author"] == "Ann Lee"
    assert article["published"] == "2024-02-03T08:15"


def test_annotate_by_quote_and_by_offsets_then_show_and_list(run, article_id):
    text = run.json("show", article_id[:8])["text"]
    first = run("annotate", article_id[:8], "--quote", "a disaster", "--tag", "opinion",
                "--note", "loaded").stdout.strip()
    start = text.index("six weeks")
    second = run("annotate", article_id, "--start", str(start), "--end", str(start + 9),
                 "--tag", "evidence", "--tag", "propaganda", "--annotator", "maria").stdout.strip()
    shown = run.json("show", article_id)
    assert {a["id"] for a in shown["annotations"]} == {first, second}
    for a in shown["annotations"]:
        assert shown["text"][a["start"]:a["end"]] == a["exact"]
    listed = run.json("annotations", "--annotator", "maria")
    assert [a["id"] for a in listed] == [second]
    assert listed[0]["tags"] == ["evidence", "propaganda"]
    assert {"id", "article_id", "annotator", "tags", "start", "end", "exact", "prefix",
            "suffix", "note", "anchor_state", "created", "updated"} <= set(listed[0])
    plain = run("show", article_id, "--no-color").stdout
    assert "[1|six weeks|1]" in plain and "[2|a disaster|2]" in plain
    assert run.json("articles")[0]["annotation_count"] == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--quote", "plan", "--tag", "opinion"], "occurs 2 times"),
    (["--quote", "nowhere in it", "--tag", "opinion"], "not found"),
    (["--start", "10", "--end", "5", "--tag", "opinion"], "reversed"),
    (["--start", "0", "--end", "99999", "--tag", "opinion"], "out of range"),
    (["--quote", "a disaster", "--tag", "no-such-tag"], "unknown tag 'no-such-tag'"),
    (["--quote", "a disaster", "--start", "1", "--tag", "opinion"], "not both"),
])
def test_bad_annotate_arguments_are_refused_and_change_nothing(run, article_id, args, message):
    result = run("annotate", article_id, *args, ok=False)
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run.json("annotations") == []


def test_ambiguous_quote_is_taken_with_occurrence(run, article_id):
    run("annotate", article_id, "--quote", "plan", "--occurrence", "2", "--tag", "opinion")
    (annotation,) = run.json("annotations")
    assert annotation["exact"] == "plan"
    assert annotation["prefix"].endswith("a disaster. The ")


def test_unknown_article_is_a_clear_error(run, article_id):
    result = run("show", "zzzz-not-there", ok=False)
    assert result.exit_code == 1 and "no article 'zzzz-not-there'" in result.stderr


def test_autotag_tags_every_match_once(run, article_id):
    assert "tagged 2 passages" in run("autotag", "--pattern", r"[Tt]he plan", "--tag",
                                      "propaganda").stdout
    assert "tagged 0 passages" in run("autotag", "--pattern", r"[Tt]he plan", "--tag",
                                      "propaganda").stdout
    assert len(run.json("annotations", "--tag", "propaganda")) == 2
    bad = run("autotag", "--pattern", "(unclosed", "--tag", "propaganda", ok=False)
    assert bad.exit_code == 1 and "not a valid regular expression" in bad.stderr


def test_annotations_search_and_library_search(run, article_id):
    run("annotate", article_id, "--quote", "a disaster", "--tag", "opinion",
        "--note", "strong wording from critics")
    assert len(run.json("annotations", "--search", "wording critics")) == 1
    assert len(run.json("annotations", "--search", '"strong wording"')) == 1
    assert run.json("annotations", "--search", '"wording strong"') == []
    assert run.json("annotations", "--search", "%") == []
    hits = run.json("search", "old bridge")
    assert hits[0]["article_id"] == article_id and hits[0]["kind"] == "article"


def test_delete_hides_the_annotation(run, article_id):
    annotation = run("annotate", article_id, "--quote", "a disaster", "--tag",
                     "opinion").stdout.strip()
    run("delete", annotation[:8])
    assert run.json("annotations") == []
    assert run.json("articles")[0]["annotation_count"] == 0


def test_tags_commands_add_rename_recolor_move_remove(run, article_id):
    run("tags", "add", "framing", "--color", "#44aa99")
    run("annotate", article_id, "--quote", "a disaster", "--tag", "framing")
    run("tags", "rename", "framing", "frame")
    assert run.json("annotations")[0]["tags"] == ["frame"]
    run("tags", "recolor", "frame", "purple")
    run("tags", "move", "frame", "1")
    listed = run.json("tags", "list")
    assert listed[0] == {**listed[0], "name": "frame", "shortcut": "1", "color": "#AA4499"}
    refused = run("tags", "remove", "frame", ok=False)
    assert refused.exit_code == 1 and "--force" in refused.stderr
    run("tags", "remove", "frame", "--force")
    assert run.json("annotations")[0]["tags"] == []


def test_ptc_tag_set_can_be_enabled(run):
    run("tags", "use", "ptc")
    names = [t["path"] for t in run.json("tags", "list")]
    assert "propaganda/Name_Calling,Labeling" in names
    assert "propaganda/Exaggeration,Minimisation" in names
    assert len([n for n in names if n.startswith("propaganda/")]) == 14


def test_db_comes_from_the_environment(tmp_path, monkeypatch):
    from click.testing import CliRunner
    db = tmp_path / "elsewhere.db"
    result = CliRunner().invoke(cli, ["articles", "--json"], env={"CLOSEREAD_DB": str(db)})
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert db.exists()


def _closeread(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


def test_newer_library_is_refused_without_a_traceback(tmp_path):
    db = tmp_path / "annotations.db"
    sqlite3.connect(db).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}").connection.close()
    before = db.read_bytes()
    result = _closeread("articles", cwd=tmp_path)
    assert result.returncode == 1
    assert "newer Closeread" in result.stderr and str(db.name) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert db.read_bytes() == before


def test_default_library_is_annotations_db_in_the_working_folder(tmp_path):
    result = _closeread("articles", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "annotations.db").exists()


def test_locked_library_gives_a_clear_error(tmp_path, run, article_id):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
         "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(30)",
         str(run.db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = subprocess.run(
            [sys.executable, "-m", "desktop", "--db", str(run.db), "annotate", article_id,
             "--quote", "a disaster", "--tag", "opinion"],
            capture_output=True, text=True, timeout=60,
            env={**__import__("os").environ, "CLOSEREAD_BUSY_TIMEOUT": "0.3"})
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "locked by another program" in result.stderr
    assert "Traceback" not in result.stderr
    assert run.json("annotations") == []


def test_changes_lists_the_journal_after_a_sequence_number(run, article_id):
    first = run.json("changes")
    assert [c["entity"] for c in first["changes"]] == ["article"]
    assert first["changes"][0]["origin"].startswith("cli:")
    run("annotate", article_id, "--quote", "a disaster", "--tag", "propaganda")
    later = run.json("changes", "--since", str(first["last"]))
    assert [(c["entity"], c["op"]) for c in later["changes"]] == [
        ("annotator", "added"), ("annotation", "added")]
    assert later["last"] == later["changes"][-1]["seq"]
    assert run.json("changes", "--since", str(later["last"])) == {
        "last": later["last"], "changes": []}
    lines = run("changes", "--limit", "1").stdout.splitlines()
    assert len(lines) == 1 and "article" in lines[0] and "added" in lines[0]


def test_articles_lists_passage_counts_and_elides_long_outlets(run, tmp_path):
    long_outlet = "The Extremely Long Name of a Regional Weekly"
    run("import", str(write(tmp_path / "a.txt", ARTICLE.replace("paper.example", long_outlet))))
    lines = run("articles").stdout.splitlines()
    assert lines[0].split()[:2] == ["id", "passages"]
    assert "The Extremely Lon…" in lines[1] and long_outlet not in lines[1]


def test_the_first_run_hint_names_the_command_as_it_can_be_typed(tmp_path):
    """Run as .venv/bin/closeread (not on the PATH), the hint says that, not `closeread`."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).with_name("closeread")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                             "QT_QPA_PLATFORM")}
    env["PATH"] = "/usr/bin:/bin"  # the virtual environment is not activated
    done = subprocess.run([str(script), "--db", str(tmp_path / "new.db")], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"`{script} show ARTICLE`" in done.stdout
    moduled = subprocess.run([sys.executable, "-m", "desktop", "--db", str(tmp_path / "n.db")],
                             capture_output=True, text=True, env=env, timeout=120)
    assert "`python -m desktop show ARTICLE`" in moduled.stdout
