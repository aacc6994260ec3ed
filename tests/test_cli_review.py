"""`closeread review`: a three-analyst session driven end to end as a user types it, and
the reconciled layer exported like anyone's passages."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from support import Cli, dump, write

TEXT = ("The minister called the bridge a triumph of engineering. Critics said the cost "
        "doubled in two years. The opposition called it a vanity project. Records show the "
        "contract went to a donor. Residents were not consulted at all.")

# (quote, tag, analyst): one unit of each class
PASSAGES = [
    ("a triumph of engineering", "propaganda", "maya"),          # agree
    ("a triumph of engineering", "propaganda", "li"),
    ("triumph of engineering", "propaganda", "sam"),
    ("the cost doubled", "evidence", "maya"),                    # boundaries
    ("the cost doubled in two years", "evidence", "li"),
    ("the cost doubled", "evidence", "sam"),
    ("a vanity project", "opinion", "maya"),                     # tags
    ("a vanity project", "opinion", "li"),
    ("a vanity project", "propaganda", "sam"),
    ("the contract went to a donor", "evidence", "maya"),        # boundaries and tags
    ("contract went to a donor", "propaganda", "li"),
    ("the contract went to a donor", "evidence", "sam"),
    ("not consulted", "opinion", "maya"),                        # partial
    ("not consulted", "opinion", "li"),
]


@pytest.fixture
def article(run: Cli, tmp_path: Path) -> dict[str, Any]:
    run("import", str(write(tmp_path / "bridge.txt", "Bridge <b>opens</b>\n\n" + TEXT)))
    found = run.json("articles")[0]  # type: ignore[index]
    for quote, tag, who in PASSAGES:
        run("annotate", found["id"], "--quote", quote, "--tag", tag, "--annotator", who,
            *(["--note", "a slogan"] if who == "maya" and tag == "propaganda" else []))
    shown: dict[str, Any] = run.json("show", found["id"])  # type: ignore[assignment]
    return shown


def units(run: Cli, name: str = "gold") -> list[dict[str, Any]]:
    return run.json("review", "units", name)  # type: ignore[return-value]


def keys(run: Cli) -> dict[str, str]:
    return {u["class"]: u["unit"] for u in units(run)}


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_a_three_analyst_review_end_to_end(run: Cli, article: dict[str, Any],
                                           tmp_path: Path) -> None:
    text = article["text"]
    made = run("review", "create", "gold", "--annotators", "maya,li,sam", "--reviewer", "ana")
    assert "3 analysts, 1 article, 5 units" in made.stdout
    found = units(run)
    assert [u["class"] for u in found] == ["agree", "boundaries", "tags",
                                           "boundaries_and_tags", "partial"]
    assert [u["state"] for u in found] == ["agreeing", "disagreeing", "disagreeing",
                                           "disagreeing", "incomplete"]
    first = found[0]
    assert (first["start"], first["end"]) == span(text, "a triumph of engineering")
    assert [v["analyst"] for v in first["versions"]] == ["maya", "li", "sam"]
    assert first["versions"][2]["passages"][0]["quote"] == "triumph of engineering"
    assert found[4]["versions"][2]["passages"] == []
    assert first["decision"] is None
    listing = run("review", "units", "gold").stdout
    assert "agree" in listing and "3 sam" in listing and "—" in listing

    # unanimous settles the agreeing unit with the first analyst's version
    auto = run("review", "auto", "gold", "--rule", "unanimous", "--reviewer", "ana")
    assert "unanimous: accepted 1 unit; 4 left to decide" in auto.stdout
    k = keys(run)
    run("review", "decide", "gold", k["boundaries"][:6], "--accept", "li",
        "--comment", "the period matters", "--reviewer", "ana")
    vanity = span(text, "a vanity project")
    run("review", "decide", "gold", k["tags"], "--span", str(vanity[0]), str(vanity[1]),
        "--tag", "opinion", "--tag", "propaganda", "--reviewer", "ana")
    run("review", "decide", "gold", k["boundaries_and_tags"], "--reject", "--reviewer", "ana")
    assert [u["state"] for u in units(run)] == ["accepted", "accepted", "accepted",
                                                "rejected", "incomplete"]

    # a rerun keeps every decision; --redo takes the rule's own again, unchanged
    again = run.json("review", "auto", "gold", "--rule", "unanimous")
    assert again["accepted"] == [] and again["kept"] == 4  # type: ignore[index]
    redone = run.json("review", "auto", "gold", "--rule", "unanimous", "--redo")
    assert redone["unchanged"] == 1 and redone["kept"] == 3  # type: ignore[index]
    decided = units(run)
    assert decided[0]["decision"]["rule"] == "unanimous"
    assert decided[1]["decision"]["analyst"] == "li"
    assert decided[1]["decision"]["comment"] == "the period matters"
    assert decided[2]["decision"]["decision"] == "edited"
    assert decided[2]["reconciled"]["tags"] == ["opinion", "propaganda"]

    # the reconciled layer exports like any analyst's passages: exactly the decisions
    expected = {
        (*span(text, "a triumph of engineering"), "propaganda", "a slogan"),
        (*span(text, "the cost doubled in two years"), "evidence", ""),
        (*vanity, "opinion", ""),
        (*vanity, "propaganda", ""),
    }
    rows = list(csv.DictReader(io.StringIO(run("export", "--annotator", "gold").stdout)))
    assert {(int(r["start"]), int(r["end"]), r["tag"], r["note"]) for r in rows} == expected
    assert {r["annotator"] for r in rows} == {"gold"}
    ptc = tmp_path / "ptc"
    run("export", "--format", "ptc", "-o", str(ptc), "--annotator", "gold")
    (techniques,) = ptc.glob("*.task2-TC.labels")
    (spans,) = ptc.glob("*.task1-SI.labels")
    # the propaganda tag itself is a span-identification label, the others technique labels
    lines = {tuple(line.split("\t")[1:]) for line in techniques.read_text().splitlines()}
    lines |= {("propaganda", *line.split("\t")[1:])
              for line in spans.read_text().splitlines()}
    assert lines == {(tag, str(s), str(e)) for s, e, tag, _ in expected}

    shown = run.json("review", "show", "gold")
    assert shown["progress"]["decided"] == 4 and shown["progress"]["units"] == 5  # type: ignore[index]
    assert "4/5 decided" in run("review", "list").stdout


def test_majority_and_redo_through_the_cli(run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    result = run.json("review", "auto", "gold", "--rule", "majority")
    # maya's version of every unit is shared by at least one other analyst
    assert result["min_votes"] == 2 and len(result["accepted"]) == 5  # type: ignore[index]
    assert {a["analyst"] for a in result["accepted"]} == {"maya"}  # type: ignore[index]
    assert [a["supporters"] for a in result["accepted"]] == [  # type: ignore[index]
        ["maya", "li", "sam"], ["maya", "sam"], ["maya", "li"], ["maya", "sam"],
        ["maya", "li"]]
    strict = run.json("review", "auto", "gold", "--rule", "majority", "--min", "3", "--redo")
    assert len(strict["reopened"]) == 4 and strict["unchanged"] == 1  # type: ignore[index]
    assert [u["state"] for u in units(run)] == ["accepted", "disagreeing", "disagreeing",
                                                "disagreeing", "incomplete"]
    text = run("review", "auto", "gold", "--rule", "majority", "--min", "2").stdout
    assert "accepted 4 units; kept 1 decided before" in text
    too_many = run("review", "auto", "gold", "--rule", "majority", "--min", "4", ok=False)
    assert "more than the session's 3 analysts" in too_many.stderr


def test_decide_again_reopen_and_refusals(run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    k = keys(run)
    run("review", "decide", "gold", k["boundaries"], "--accept", "maya")
    again = run("review", "decide", "gold", k["boundaries"], "--accept", "li").stdout
    assert "replaces the earlier decision" in again
    rows = list(csv.DictReader(io.StringIO(run("export", "--annotator", "gold").stdout)))
    assert len(rows) == 1 and rows[0]["quote"] == "the cost doubled in two years"
    assert "open again" in run("review", "decide", "gold", k["boundaries"], "--reopen").stdout
    assert run("export", "--annotator", "gold").stdout.count("\n") == 1  # the header alone

    for args, message in [
        (["--accept", "maya", "--reject"], "give one of"),
        ([], "give one of"),
        (["--reject", "--tag", "opinion"], "--tag and --note go with --span"),
        (["--accept", "sam"], None),
        (["--span", "0", "99999", "--tag", "opinion"], "out of range"),
        (["--span", "0", "5", "--tag", "nope"], "unknown tag"),
    ]:
        unit = k["partial"]
        failed = run("review", "decide", "gold", unit, *args, ok=False)
        assert failed.exit_code == 1 and failed.stderr.startswith("Error: ")
        assert "Traceback" not in failed.output
        if message:
            assert message in failed.stderr
    assert "sam has no passage" in run("review", "decide", "gold", k["partial"], "--accept",
                                       "sam", ok=False).stderr
    assert "no unit 'ffffffff'" in run("review", "decide", "gold", "ffffffff", "--reject",
                                       ok=False).stderr
    assert "no review session 'nope'" in run("review", "show", "nope", ok=False).stderr
    assert "exists already" in run("review", "create", "gold", "--annotators", "maya",
                                   ok=False).stderr
    assert "no annotator 'zoe'" in run("review", "create", "x", "--annotators", "maya,zoe",
                                       ok=False).stderr
    run("review", "close", "gold")
    assert "closed" in run("review", "decide", "gold", k["tags"], "--reject", ok=False).stderr
    run("review", "open", "gold")
    run("review", "decide", "gold", k["tags"], "--reject")


def test_a_unit_whose_passages_changed_is_open_again(run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    k = keys(run)
    run("review", "decide", "gold", k["partial"], "--accept", "maya")
    run("annotate", article["id"], "--quote", "were not consulted", "--tag", "opinion",
        "--annotator", "sam")
    fresh = units(run)[-1]
    assert fresh["unit"] != k["partial"] and fresh["decision"] is None
    assert "1 decisions no longer match" in run("review", "show", "gold").stdout
    out = run("review", "decide", "gold", fresh["unit"], "--accept", "sam").stdout
    assert f"withdrew the stale decision on {k['partial']}" in out
    rows = list(csv.DictReader(io.StringIO(run("export", "--annotator", "gold").stdout)))
    assert [r["quote"] for r in rows] == ["were not consulted"]


def test_articles_option_and_an_article_nobody_annotated(run: Cli, article: dict[str, Any],
                                                         tmp_path: Path) -> None:
    run("import", str(write(tmp_path / "quiet.txt", "Quiet\n\nNothing happened here today.")))
    quiet = next(a for a in run.json("articles") if a["title"] == "Quiet")  # type: ignore[attr-defined]
    made = run("review", "create", "q", "--annotators", "maya", "--articles", quiet["id"][:8],
               "--tolerance", "0")
    assert "1 article, 0 units" in made.stdout
    assert "No units" in run("review", "units", "q").stdout
    assert run.json("review", "units", "q", "--article", quiet["id"]) == []
    assert "accepted 0 units" in run("review", "auto", "q", "--rule", "unanimous").stdout
    assert run.json("review", "show", "q")["tolerance"] == 0  # type: ignore[index]
    outside = run("review", "units", "q", "--article", article["id"], ok=False)
    assert "not in session" in outside.stderr
    # a one-analyst session settles itself
    run("review", "create", "solo", "--annotators", "sam")
    assert [u["class"] for u in units(run, "solo")] == ["agree"] * 4
    assert "accepted 4 units" in run("review", "auto", "solo", "--rule", "unanimous").stdout


def test_replies_and_threads(run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    k = keys(run)
    first = run("review", "reply", "gold", k["partial"], "Sam, did you *skip* this?",
                "--annotator", "ana").stdout.strip()
    answer = run("review", "reply", "gold", first[:8], "Yes: it is a quote",
                 "--annotator", "sam").stdout.strip()
    threads: list[dict[str, Any]] = run.json(  # type: ignore[assignment]
        "review", "thread", "gold", k["partial"])
    (thread,) = threads
    maya_passage = units(run)[-1]["versions"][0]["passages"][0]["id"]
    assert thread["annotation_id"] == maya_passage
    assert [r["id"] for r in thread["replies"]] == [first, answer]
    assert thread["replies"][1]["references"] == [maya_passage, first]
    text = run("review", "thread", "gold", answer).stdout
    assert "ana" in text and "    Yes: it is a quote" in text
    assert "No replies yet" in run("review", "thread", "gold", k["agree"]).stdout
    on_passage = run("review", "reply", "gold", maya_passage, "and maya?").stdout.strip()
    assert on_passage in json.dumps(run.json("review", "thread", "gold", maya_passage))
    assert "no passage or reply" in run("review", "reply", "gold", "zzzzzzzz", "hello",
                                        ok=False).stderr
    changes = run.json("changes")["changes"]  # type: ignore[index]
    assert {c["entity"] for c in changes} >= {"review", "reply", "annotation"}


def test_reports_in_three_formats_keep_analysts_words_as_data(
        run: Cli, article: dict[str, Any], tmp_path: Path) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    k = keys(run)
    run("review", "decide", "gold", k["tags"], "--reject",
        "--comment", "<script>alert('x')</script> =HYPERLINK(\"http://evil\")")
    run("review", "decide", "gold", k["agree"], "--accept", "sam")
    page = tmp_path / "report.html"
    run("review", "report", "gold", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>opens</b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "Bridge &lt;b&gt;opens&lt;/b&gt;" in html
    assert "decided: 2 of 5 units" in html
    # the charts, inline SVG: passages per tag and analyst, agreement per tag, open units
    assert html.count("<svg ") == 3 and "<h2>Charts</h2>" in html
    for title in ("Passages per tag and analyst", "Agreement per tag",
                  "Open disagreements per article"):
        assert f"<title>{title}</title>" in html
    assert "<script" not in html.split("<h2>Charts</h2>", 1)[1]
    markdown = tmp_path / "report.md"
    run("review", "report", "gold", "-o", str(markdown))
    md = markdown.read_text(encoding="utf-8")
    assert "## Bridge \\<b\\>opens\\</b\\>" in md and "\\<script\\>" in md
    table = tmp_path / "report.csv"
    run("review", "report", "gold", "-o", str(table))
    with table.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["state"] for r in rows] == ["accepted", "disagreeing", "rejected",
                                          "disagreeing", "incomplete"]
    assert rows[0]["accepted_analyst"] == "sam"
    assert rows[2]["comment"].startswith("<script>")
    assert rows[0]["versions"].startswith("maya: ")
    # a formula is neutralised in the CSV
    run("review", "decide", "gold", k["partial"], "--reject", "--comment", "=1+1")
    run("review", "report", "gold", "-o", str(table))
    assert "'=1+1" in table.read_text(encoding="utf-8")
    refused = run("review", "report", "gold", "-o", str(tmp_path / "report.pdf"), ok=False)
    assert ".html, .md or .csv" in refused.stderr


# --- closeread agreement -------------------------------------------------------------------


def test_agreement_prints_pairwise_tables_and_json(run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    run("review", "auto", "gold", "--rule", "unanimous")
    text = run("agreement").stdout
    assert text.startswith("analysts: li, maya, sam; 1 article")
    assert "li / maya" in text and "maya / sam" in text and "Fleiss κ" in text
    assert "tag propaganda" in text and "gold" not in text
    report: dict[str, Any] = run.json("agreement", "--reference", "gold")  # type: ignore[assignment]
    assert report["reference"] == "gold"
    assert [(p["first"], p["second"]) for p in report["pairs"]] == [
        ("li", "maya"), ("li", "sam"), ("maya", "sam"), ("li", "gold"), ("maya", "gold"),
        ("sam", "gold")]
    assert report["characters"] == len(article["text"])
    overall = report["pairs"][0]["overall"]
    assert set(overall) == {"span_precision", "span_recall", "span_f1", "span_f1_tagged",
                            "cohen_kappa", "krippendorff_alpha_u"}
    assert 0 < overall["span_f1"]["value"] <= 1


def test_agreement_filters_and_degenerate_input(run: Cli, article: dict[str, Any]) -> None:
    run("tags", "add", "framing")
    report: dict[str, Any] = run.json(  # type: ignore[assignment]
        "agreement", "--annotators", "maya,li", "--tags", "opinion,framing",
        "--articles", article["id"][:8])
    assert report["analysts"] == ["li", "maya"] and report["tags"] == ["framing", "opinion"]
    framing = report["pairs"][0]["tags"]["framing"]["span_f1"]
    assert framing["value"] is None and "nobody used" in framing["reason"]
    assert report["pairs"][0]["tags"]["opinion"]["span_f1"]["value"] == 1.0
    solo = run("agreement", "--annotators", "maya").stdout
    assert "n/a: only one analyst" in solo
    assert "no annotator 'zoe'" in run("agreement", "--annotators", "zoe", ok=False).stderr
    assert "unknown tag" in run("agreement", "--tags", "nope", ok=False).stderr


# --- after review (issue 9): a deleted analyst, the reports' agreement, wording ----------


def _delete_annotator(db: Path, name: str) -> None:
    """Removes an annotator and their passages, as another program might."""
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM annotation_tags WHERE annotation_id IN (SELECT n.id FROM "
                 "annotations n JOIN annotators r ON r.id = n.annotator_id WHERE r.name = ?)",
                 [name])
    conn.execute("DELETE FROM annotations WHERE annotator_id IN "
                 "(SELECT id FROM annotators WHERE name = ?)", [name])
    conn.execute("DELETE FROM annotators WHERE name = ?", [name])
    conn.commit()
    conn.close()


def test_agreement_names_a_sessions_deleted_analyst_n_a_with_the_reason(
        run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    _delete_annotator(run.db, "sam")
    text = run("agreement", "--annotators", "maya,li,sam").stdout
    assert text.startswith("analysts: li, maya; no figures for sam (deleted)")
    assert "li / maya" in text
    sam_rows = [line for line in text.splitlines() if "/ sam" in line]
    assert sam_rows and all(line.split()[3:] == ["n/a"] * 6 for line in sam_rows)
    assert ("n/a: sam was deleted from the library after review session 'gold' named them; "
            "their passages went with them") in text
    report: dict[str, Any] = run.json(  # type: ignore[assignment]
        "agreement", "--annotators", "maya,li,sam")
    assert list(report["absent"]) == ["sam"]
    assert report["pairs"][0]["overall"]["span_f1"]["value"] is not None  # li / maya
    # a name no session ever had is still an error
    assert "no annotator 'zoe'" in run("agreement", "--annotators", "maya,zoe",
                                       ok=False).stderr


def test_the_markdown_and_html_reports_carry_the_agreement_figures(
        run: Cli, article: dict[str, Any], tmp_path: Path) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    run("review", "auto", "gold", "--rule", "unanimous")
    figures: dict[str, Any] = run.json(  # type: ignore[assignment]
        "agreement", "--annotators", "maya,li,sam", "--reference", "gold",
        "--articles", article["id"])
    f1 = figures["pairs"][0]["overall"]["span_f1"]  # li / maya, over all tags
    alpha = figures["group"]["overall"]["krippendorff_alpha_u"]
    markdown = tmp_path / "report.md"
    run("review", "report", "gold", "-o", str(markdown))
    md = markdown.read_text(encoding="utf-8")
    assert "## Agreement" in md
    li_maya = next(line for line in md.splitlines()
                   if line.startswith("| all tags | li / maya |"))
    assert f"{f1['value']:.3f} ({f1['units']} spans)" in li_maya
    group = next(line for line in md.splitlines()
                 if line.startswith("| all tags | 3 analysts |"))
    assert f"{alpha['value']:.3f} ({alpha['units']} spans)" in group
    assert "| tag opinion | li / gold |" in md  # per tag, and against the reconciled layer
    page = tmp_path / "report.html"
    run("review", "report", "gold", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    assert "<h2>Agreement</h2>" in html
    assert f"<td>{f1['value']:.3f} ({f1['units']} spans)</td>" in html
    # a session whose analyst was deleted: n/a with the reason, in both
    _delete_annotator(run.db, "sam")
    run("review", "report", "gold", "-o", str(markdown))
    md = markdown.read_text(encoding="utf-8")
    assert "| all tags | maya / sam | n/a \\[1\\] |" in md
    assert "- \\[1\\] n/a: sam was deleted from the library" in md


def test_decide_with_a_bad_span_names_span_and_create_refuses_an_analyst_twice(
        run: Cli, article: dict[str, Any]) -> None:
    run("review", "create", "gold", "--annotators", "maya,li,sam")
    unit = keys(run)["partial"]
    for args, words in ((["5", "3"], "--span 5 3: the start is after the end"),
                        (["4", "4"], "--span 4 4: the span is empty"),
                        (["-1", "3"], "--span -1 3: offsets must not be negative")):
        failed = run("review", "decide", "gold", unit, "--span", *args, "--tag", "opinion",
                     ok=False).stderr
        assert words in failed and "--start" not in failed and "--end" not in failed
    refused = run("review", "create", "twice", "--annotators", "maya,li,maya", ok=False)
    assert refused.stderr.startswith("Error: 'maya' named more than once")
    assert "twice" not in run("review", "list").stdout


def test_reviewer_names_are_one_line_of_visible_text(run: Cli, article: dict[str, Any]) -> None:
    # a reviewer's name is shown in listings and reports like an analyst's: the same rule
    before = dump(run.db)
    for bad in ("ana\nforged line", "ana\x1b[2J", "\u202eana"):
        refused = run("review", "create", "gold", "--annotators", "maya,li",
                      "--reviewer", bad, ok=False)
        assert refused.exit_code == 1
        assert refused.stderr.startswith("Error: --reviewer: annotator name ")
    assert dump(run.db) == before
    run("review", "create", "gold", "--annotators", "maya,li,sam", "--reviewer", "ana")
    unit = keys(run)["partial"]
    before = dump(run.db)
    refused = run("review", "decide", "gold", unit, "--reject", "--reviewer", "ana\x07",
                  ok=False)
    assert refused.stderr.startswith("Error: --reviewer: annotator name ")
    assert dump(run.db) == before
