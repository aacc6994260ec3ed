"""Tag and annotator names at every door of the command line (issue 10): `tags add` and
`tags rename`, `annotate` with --annotator or CLOSEREAD_ANNOTATOR, JSON-LD creators and
tags, PTC labels, brat imports. A name with a line break, a control character, a
direction control or an invisible character is refused with one message and the library
is left exactly as it was; names in other scripts and emoji sequences are kept."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from support import Cli, dump, write

from desktop.cli import cli

BODY = ("Ferry timetable kept\n\nThe harbour board voted on Thursday to keep the winter "
        "ferry, after islanders filled the hall.\n")


def _run(run: Cli, args: list[str], annotator: str = "tester") -> Result:
    return run.runner.invoke(cli, ["--db", str(run.db), *args],
                             env={"CLOSEREAD_ANNOTATOR": annotator}, catch_exceptions=False)


def refused(run: Cli, args: list[str], *words: str, annotator: str = "tester") -> str:
    before = dump(run.db)
    result = _run(run, args, annotator)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "unexpected" not in lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    assert dump(run.db) == before
    return lines[0]


@pytest.fixture
def article(run: Cli, tmp_path: Path) -> str:
    run("import", str(write(tmp_path / "in" / "ferry.txt", BODY)))
    return str(json.loads(run("articles", "--json").stdout)[0]["id"])


HOSTILE_TAGS = ["\u202eevil", "\u200b", "\ufeff", "\ufeffevidence", "evi\u2066dence",
                "\u200dx", "\u3164"]


@pytest.mark.parametrize("name", HOSTILE_TAGS)
def test_tags_with_direction_or_invisible_characters_are_refused(run, article, name):
    refused(run, ["tags", "add", name], "tag name", "tag names are one line of text")
    refused(run, ["tags", "rename", "evidence", name], "tag name")
    refused(run, ["tags", "add", f"evidence/{name}"], "tag name")


def test_tags_in_other_scripts_and_emoji_are_added(run, article):
    for name in ("می\u200cخواهم", "👩\u200d💻", "証拠"):
        run("tags", "add", name)
    listed = run("tags", "list").stdout
    assert all(name in listed for name in ("می\u200cخواهم", "👩\u200d💻", "証拠"))


@pytest.mark.parametrize(("annotator", "words"), [
    ("a\nb", "annotator name 'a\\nb' contains a control character (U+000A)"),
    ("zed\x1b[1m", "annotator name 'zed\\x1b[1m' contains a control character (U+001B)"),
    ("\u202eeve", "a direction control (U+202E"),
    ("bo\u200bb", "an invisible formatting character (U+200B"),
])
def test_annotate_refuses_an_annotator_name_from_the_option_or_the_variable(
        run, article, annotator, words):
    # the message says where the name came from
    refused(run, ["annotate", article, "--quote", "winter ferry", "--tag", "evidence",
                  "--annotator", annotator], "Error: --annotator: ", words)
    refused(run, ["annotate", article, "--quote", "winter ferry", "--tag", "evidence"],
            "Error: CLOSEREAD_ANNOTATOR: ", words, annotator=annotator)
    refused(run, ["autotag", "--pattern", "ferry", "--tag", "evidence"],
            "Error: CLOSEREAD_ANNOTATOR: ", words, annotator=annotator)
    refused(run, ["review", "create", "gold", "--annotators", "tester",
                  "--reviewer", annotator], "Error: --reviewer: ", words)


def test_an_annotator_of_another_script_annotates(run, article):
    result = _run(run, ["annotate", article, "--quote", "winter ferry", "--tag", "evidence"],
                  annotator="  Zoë Ødegård  ")
    assert result.exit_code == 0, result.output
    assert [a["annotator"] for a in run.json("annotations")] == ["Zoë Ødegård"]


# --- JSON-LD ---------------------------------------------------------------------------------


def _jsonld(tmp_path: Path, article: str, **changes: Any) -> Path:
    item: dict[str, Any] = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{uuid.uuid4()}", "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "evidence"}],
        "target": {"source": f"urn:closeread:article:{article}",
                   "selector": [{"type": "TextPositionSelector", "start": 0, "end": 5}]},
        "creator": {"type": "Person", "name": "maya"},
        "created": "2024-02-03T10:00:00Z",
    }
    item.update(changes)
    return write(tmp_path / "notes.jsonld", json.dumps([item]))


@pytest.mark.parametrize("creator", [
    {"type": "Person", "name": "Mallory\nalice 'fake line'"},
    {"type": "Person", "name": "alice\x1b]0;PWN\x07"},
    "\u202eecila",
])
def test_a_jsonld_creator_that_is_not_one_visible_line_is_refused_naming_the_annotation(
        run, article, tmp_path, creator):
    path = _jsonld(tmp_path, article, creator=creator)
    refused(run, ["import-annotations", "--format", "jsonld", str(path)],
            f"{path}: annotation 1", "the creator: annotator name")


def test_a_jsonld_tag_with_a_direction_control_is_refused(run, article, tmp_path):
    path = _jsonld(tmp_path, article, body=[
        {"type": "TextualBody", "purpose": "tagging", "value": "\u202eevidence"}])
    refused(run, ["import-annotations", "--format", "jsonld", str(path)],
            f"{path}: annotation 1", "direction control (U+202E")


def test_a_jsonld_default_annotator_is_checked_too(run, article, tmp_path):
    path = _jsonld(tmp_path, article)
    del_creator = json.loads(path.read_text())
    del del_creator[0]["creator"]
    path.write_text(json.dumps(del_creator))
    refused(run, ["import-annotations", "--format", "jsonld", str(path)],
            "annotator name 'a\\tb'", annotator="a\tb")


# --- PTC and brat ----------------------------------------------------------------------------


def test_ptc_labels_with_bidi_or_zero_width_techniques_are_refused(run, tmp_path):
    folder = tmp_path / "ptc"
    write(folder / "article7.txt", "Ferry kept\n\nThe board voted to keep it.\n")
    run("import", "--format", "ptc", str(folder))
    for technique in ("Loaded\u202eLanguage", "\u200bDoubt"):
        labels = write(tmp_path / "bad.labels", f"7\t{technique}\t0\t5\n")
        refused(run, ["import-annotations", "--format", "ptc", str(labels)],
                f"{labels}: line 1")
    labels = write(tmp_path / "ok.labels", "7\tDoubt\t0\t5\n")
    refused(run, ["import-annotations", "--format", "ptc", str(labels),
                  "--annotator", "ptc\nbot"], "annotator name 'ptc\\nbot'")


def test_brat_import_refuses_a_bad_annotator_before_reading_anything(run, tmp_path):
    run("articles")  # the library exists
    folder = tmp_path / "brat"
    write(folder / "ferry.txt", "Ferry kept by the board.\n")
    write(folder / "ferry.ann", "T1\tEvidence 0 10\tFerry kept\n")
    refused(run, ["import", "--format", "brat", str(folder), "--annotator", "\u2066x"],
            "annotator name", "direction control (U+2066")
    assert "1 imported" in run("import", "--format", "brat", str(folder), "--annotator",
                               "brat-reader").stdout


def test_a_plain_import_does_not_need_a_good_annotator_name(run, tmp_path):
    # the name goes on no annotation of a plain import: a bad one in the environment
    # (which annotate and autotag refuse) does not stop it
    article = write(tmp_path / "plain.txt", BODY)
    result = _run(run, ["import", str(article)], annotator="Ann\u202eSmith")
    assert result.exit_code == 0, result.stderr
    assert "Ferry timetable kept" in _run(run, ["articles"]).stdout
