"""A corrected article replaces the old text; its annotations re-anchor or become orphans."""

from __future__ import annotations

import csv
import sqlite3

from support import write

ORIGINAL = """Harbour Board Delays Vote
By Ann Lee | harbour.example | Updated: 2024-03-01 09:00

The harbour board delayed its vote on the dredging contract until April.

Critics called the plan a reckless gamble with public money.

The chair said the silt survey would be published next week.
"""

# a paragraph added at the top, a typo fixed inside one passage, one sentence cut
CORRECTED = """Harbour Board Delays Vote
By Ann Lee | harbour.example | Updated: 2024-03-02 10:00

Update: this article was corrected on 2 March.

The harbour board delayed its vote on the dredging contract until April.

Critics called the plan a reckles gamble with public money.
"""


def _setup(run, tmp_path):
    run("import", str(write(tmp_path / "v1.txt", ORIGINAL)))
    article = run.json("articles")[0]["id"]
    ids = {
        "vote": run("annotate", article, "--quote", "delayed its vote", "--tag",
                    "evidence").stdout.strip(),
        "gamble": run("annotate", article, "--quote", "a reckless gamble", "--tag",
                      "propaganda").stdout.strip(),
        "survey": run("annotate", article, "--quote", "the silt survey", "--tag",
                      "evidence").stdout.strip(),
    }
    return article, ids


def test_replace_re_anchors_moves_fuzzy_matches_and_orphans(run, tmp_path, db_path):
    article, ids = _setup(run, tmp_path)
    result = run("import", str(write(tmp_path / "v2.txt", CORRECTED)), "--replace", article)
    assert "1 orphaned" in result.stdout
    shown = run.json("show", article)
    text = shown["text"]
    assert text.startswith("Harbour Board Delays Vote") and "Update:" in text
    by_id = {a["id"]: a for a in shown["annotations"]}
    vote, gamble, survey = by_id[ids["vote"]], by_id[ids["gamble"]], by_id[ids["survey"]]
    assert vote["anchor_state"] == "anchored" and vote["exact"] == "delayed its vote"
    assert text[vote["start"]:vote["end"]] == "delayed its vote"
    assert gamble["anchor_state"] == "anchored"
    assert text[gamble["start"]:gamble["end"]] == gamble["exact"] == "a reckles gamble"
    assert survey["anchor_state"] == "orphan" and survey["exact"] == "the silt survey"
    assert run.json("articles")[0]["orphan_count"] == 1
    with sqlite3.connect(db_path) as conn:
        methods = dict(conn.execute(
            "SELECT annotation_id, method FROM annotation_history").fetchall())
        revisions = conn.execute("SELECT old_text FROM article_revisions").fetchall()
    assert methods[ids["gamble"]] == "fuzzy" and methods[ids["survey"]] == "orphan"
    assert revisions == [(ORIGINAL.strip("\n"),)]  # the old text, kept


def test_orphans_stay_out_of_the_csv_and_every_row_still_matches_the_text(run, tmp_path):
    article, ids = _setup(run, tmp_path)
    run("import", str(write(tmp_path / "v2.txt", CORRECTED)), "--replace", article)
    out = tmp_path / "out.csv"
    run("export", "-o", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    text = run.json("show", article)["text"]
    assert {r["annotation_id"] for r in rows} == {ids["vote"], ids["gamble"]}
    assert all(text[int(r["start"]):int(r["end"])] == r["quote"] for r in rows)


def test_a_new_version_with_a_known_url_replaces_the_article(run, tmp_path):
    header = "Title: Ferry fares rise\nURL: https://harbour.example/ferry\n\n"
    run("import", str(write(tmp_path / "a.md", header + "Fares rise by ten percent in May.\n")))
    article = run.json("articles")[0]["id"]
    run("annotate", article, "--quote", "ten percent", "--tag", "evidence")
    result = run("import", str(write(tmp_path / "b.md",
                                     header + "Fares rise by twelve percent in May.\n")))
    assert "replaced" in result.stdout and "1 replaced" in result.stdout
    listed = run.json("articles")
    assert [a["id"] for a in listed] == [article]
    (annotation,) = run.json("annotations")
    assert annotation["anchor_state"] == "orphan"  # "ten" became "twelve": other words


def test_replace_with_the_same_text_changes_nothing(run, tmp_path):
    article, _ids = _setup(run, tmp_path)
    result = run("import", str(write(tmp_path / "again.txt", ORIGINAL)), "--replace", article)
    assert "unchanged" in result.stdout
    assert all(a["anchor_state"] == "anchored" for a in run.json("annotations"))


def test_replace_needs_one_file_and_a_known_article(run, tmp_path):
    article, _ids = _setup(run, tmp_path)
    folder = tmp_path / "many"
    folder.mkdir()
    bad = run("import", str(folder), "--replace", article, ok=False)
    assert bad.exit_code == 1 and "exactly one file" in bad.stderr
    missing = run("import", str(write(tmp_path / "x.txt", CORRECTED)), "--replace", "zzzz",
                  ok=False)
    assert missing.exit_code == 1 and "no article 'zzzz'" in missing.stderr


def test_history_shows_where_each_passage_went_and_which_was_orphaned(run, tmp_path):
    article, ids = _setup(run, tmp_path)
    quiet = run("history", ids["vote"][:8])
    assert "no re-anchoring yet" in quiet.stdout
    run("import", str(write(tmp_path / "v2.txt", CORRECTED)), "--replace", article)
    survey = run.json("history", ids["survey"])
    assert survey["annotation"] == ids["survey"]
    [step] = survey["history"]
    assert (step["method"], step["old_exact"], step["new_state"]) == \
        ("orphan", "the silt survey", "orphan")
    lines = run("history", ids["gamble"]).stdout.splitlines()
    assert len(lines) == 1 and "fuzzy" in lines[0] and "-> " in lines[0]
    assert "'a reckles gamble'" in lines[0]
    assert "orphan" in run("history", ids["survey"]).stdout.split("->")[1]
