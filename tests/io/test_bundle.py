"""Bundles: `closeread export --format bundle` and `closeread merge`, between real libraries.

Two analysts (two library files) work on the same articles; a lead merges their bundles.
"""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pytest
from support import Cli, dump, write

FERRY = (
    "Ferry fares rise for the third year\n\n"
    "The island ferry company will raise fares by nine percent in April, its third rise in "
    "three years. Islanders call the increase a disgrace and a tax on living here.\n\n"
    "The company says fuel costs \U0001F6E2 doubled since 2023 and that the crossing loses "
    "money every winter.\n\n"
    "A petition against the rise has 4,200 signatures.\n"
)
# the same article after the outlet corrected it: a new second paragraph, a changed figure
FERRY_CORRECTED = FERRY.replace(
    "A petition against", "The council will debate the fares on Monday.\n\nA petition against"
).replace("nine percent", "eight percent")
SCHOOL = (
    "New school opens on the hill\n\n"
    "Pupils moved into the new school on Monday. The head teacher said the building was "
    "the best thing to happen to the town in decades.\n"
)


def wait_a_tick() -> None:
    """Times are stored to the millisecond: make the next change clearly later."""
    time.sleep(0.005)


def articles(cli: Cli) -> dict[str, dict]:
    return {a["title"]: a for a in cli.json("articles")}


def annotations(cli: Cli) -> dict[str, dict]:
    return {a["id"]: a for a in cli.json("annotations")}


def annotate(cli: Cli, article: str, quote: str, *tags: str, note: str = "",
             annotator: str = "maya") -> str:
    args = ["annotate", article, "--quote", quote, "--annotator", annotator]
    for tag in tags:
        args += ["--tag", tag]
    if note:
        args += ["--note", note]
    return cli(*args).stdout.strip()


@pytest.fixture
def maya(tmp_path: Path) -> Cli:
    """Maya's library: two articles, three passages, one custom child tag."""
    cli = Cli(tmp_path / "maya.db")
    cli("import", str(write(tmp_path / "in" / "ferry.txt", FERRY)),
        str(write(tmp_path / "in" / "school.txt", SCHOOL)))
    cli("tags", "add", "outrage", "--parent", "propaganda", "--color", "#aa0044",
        "--description", "Words meant to anger")
    ferry = articles(cli)["Ferry fares rise for the third year"]["id"]
    school = articles(cli)["New school opens on the hill"]["id"]
    annotate(cli, ferry, "a disgrace and a tax on living here", "outrage", "opinion",
             note="Quoted without a name.\nWho says so?")
    annotate(cli, ferry, "fuel costs \U0001F6E2 doubled since 2023", "evidence")
    annotate(cli, school, "the best thing to happen to the town in decades", "opinion")
    return cli


@pytest.fixture
def lead(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "lead.db")


def export(cli: Cli, path: Path, *args: str) -> Path:
    cli("export", "--format", "bundle", "-o", str(path), *args)
    return path


def merged(cli: Cli, *bundles: Path, ok: bool = True) -> dict:
    result = cli("merge", "--json", *map(str, bundles), ok=ok)
    return json.loads(result.stdout) if ok else {"result": result}


# --- the round trip ------------------------------------------------------------------------


def test_a_bundle_carries_articles_tags_annotators_and_annotations_whole(maya, lead,
                                                                         tmp_path):
    bundle = export(maya, tmp_path / "maya.bundle.json")
    report = merged(lead, bundle)["bundles"][0]
    assert len(report["articles"]["added"]) == 2
    assert len(report["annotations"]["added"]) == 3
    assert report["new_tags"] == ["propaganda/outrage"]
    assert report["new_annotators"] == ["maya"]
    assert articles(lead).keys() == articles(maya).keys()
    for title, article in articles(maya).items():
        theirs = articles(lead)[title]
        assert theirs["id"] == article["id"]
        assert theirs["text_sha256"] == article["text_sha256"]
        local = ("source_path", "imported_at")  # where and when this library got it
        shown = [{k: v for k, v in json.loads(cli("show", article["id"], "--json").stdout
                                              ).items() if k not in local}
                 for cli in (maya, lead)]
        assert shown[0] == shown[1]
    mine, theirs = annotations(maya), annotations(lead)
    assert theirs.keys() == mine.keys()
    for key, annotation in mine.items():
        assert theirs[key] == annotation  # ids, offsets, quote, tags, note, times, annotator
    tag = next(t for t in lead.json("tags", "list", "--all") if t["name"] == "outrage")
    assert (tag["color"].lower(), tag["parent"], tag["description"]) == \
        ("#aa0044", "propaganda", "Words meant to anger")


def test_merging_the_same_bundle_twice_changes_nothing(maya, lead, tmp_path):
    bundle = export(maya, tmp_path / "maya.bundle.json")
    merged(lead, bundle)
    before = dump(lead.db)
    report = merged(lead, bundle)["bundles"][0]
    assert dump(lead.db) == before
    assert report["annotations"]["added"] == report["annotations"]["updated"] == []
    assert report["annotations"]["skipped"] == {"unchanged": 3}
    assert len(report["articles"]["unchanged"]) == 2
    text = lead("merge", str(bundle)).stdout
    assert "annotations: 3 skipped (3 unchanged)" in text


def test_a_compressed_bundle_merges_the_same(maya, lead, tmp_path):
    bundle = export(maya, tmp_path / "maya.bundle.json.gz")
    assert gzip.decompress(bundle.read_bytes()).startswith(b"{")
    merged(lead, bundle)
    assert annotations(lead) == annotations(maya)


def test_a_dry_run_reports_and_changes_nothing(maya, lead, tmp_path):
    bundle = export(maya, tmp_path / "maya.bundle.json")
    lead("articles")  # the library file exists
    before = dump(lead.db)
    result = lead("merge", "--dry-run", str(bundle))
    assert "annotations: 3 added" in result.stdout
    assert "dry run: nothing was changed" in result.stdout
    assert dump(lead.db) == before


# --- matching articles ---------------------------------------------------------------------


def test_articles_imported_separately_are_matched_by_their_text(maya, lead, tmp_path):
    lead("import", str(write(tmp_path / "lead-in" / "ferry-copy.txt", FERRY)))
    lead_ferry = articles(lead)["Ferry fares rise for the third year"]["id"]
    assert lead_ferry != articles(maya)["Ferry fares rise for the third year"]["id"]
    report = merged(lead, export(maya, tmp_path / "maya.bundle.json"))["bundles"][0]
    assert report["articles"]["matched_by_text"] == [lead_ferry]
    assert len(articles(lead)) == 2  # the school article was added, the ferry not twice
    on_ferry = [a for a in annotations(lead).values() if a["article_id"] == lead_ferry]
    assert sorted(a["exact"] for a in on_ferry) == [
        "a disgrace and a tax on living here", "fuel costs \U0001F6E2 doubled since 2023"]


def test_a_text_changed_here_keeps_and_the_bundles_passages_re_anchor(maya, lead, tmp_path):
    merged(lead, export(maya, tmp_path / "first.json"))
    ferry = articles(lead)["Ferry fares rise for the third year"]["id"]
    wait_a_tick()
    lead("import", str(write(tmp_path / "corrected.txt", FERRY_CORRECTED)), "--replace", ferry)
    annotate(maya, ferry, "petition against the rise", "evidence")
    annotate(maya, ferry, "nine percent", "evidence", annotator="li")
    report = merged(lead, export(maya, tmp_path / "second.json"))["bundles"][0]
    assert report["articles"]["text_kept"] == [ferry]
    assert articles(lead)["Ferry fares rise for the third year"]["text_sha256"] != \
        articles(maya)["Ferry fares rise for the third year"]["text_sha256"]
    text = lead("show", ferry, "--json").stdout
    text = json.loads(text)["text"]
    landed = {a["exact"]: a for a in annotations(lead).values() if a["article_id"] == ferry}
    petition = landed["petition against the rise"]
    assert petition["anchor_state"] == "anchored"
    assert text[petition["start"]:petition["end"]] == "petition against the rise"
    assert petition["start"] > FERRY.index("petition against the rise")  # it moved down
    [step] = lead.json("history", petition["id"])["history"]
    assert step["method"].startswith("merge: ") and step["new_start"] == petition["start"]
    # "nine percent" is gone from the corrected text: an orphan, reported, never misplaced
    assert landed["nine percent"]["anchor_state"] == "orphan"
    assert len(report["annotations"]["orphaned"]) == 1
    assert len(report["annotations"]["added"]) == 1
    again = merged(lead, export(maya, tmp_path / "second.json"))["bundles"][0]
    assert again["annotations"]["added"] == again["annotations"]["orphaned"] == []


def test_a_newer_text_in_the_bundle_replaces_the_librarys_and_its_passages_re_anchor(
        maya, lead, tmp_path):
    merged(lead, export(maya, tmp_path / "first.json"))
    ferry = articles(lead)["Ferry fares rise for the third year"]["id"]
    lead_note = annotate(lead, ferry, "A petition against the rise", "evidence",
                         annotator="lead")
    wait_a_tick()
    maya("import", str(write(tmp_path / "corrected.txt", FERRY_CORRECTED)), "--replace", ferry)
    report = merged(lead, export(maya, tmp_path / "second.json"))["bundles"][0]
    assert report["articles"]["text_replaced"] == [ferry]
    assert articles(lead)["Ferry fares rise for the third year"]["text_sha256"] == \
        articles(maya)["Ferry fares rise for the third year"]["text_sha256"]
    text = json.loads(lead("show", ferry, "--json").stdout)["text"]
    mine = annotations(lead)[lead_note]
    assert mine["anchor_state"] == "anchored"
    assert text[mine["start"]:mine["end"]] == "A petition against the rise"
    for annotation in annotations(lead).values():
        if annotation["anchor_state"] == "anchored" and annotation["article_id"] == ferry:
            assert text[annotation["start"]:annotation["end"]] == annotation["exact"]


# --- changes and deletions -----------------------------------------------------------------


def test_the_later_change_wins_and_an_older_one_is_skipped(maya, lead, tmp_path):
    merged(lead, export(maya, tmp_path / "first.json"))
    school = articles(maya)["New school opens on the hill"]["id"]
    passage = next(a for a in annotations(maya).values() if a["article_id"] == school)
    wait_a_tick()
    maya("annotations")  # nothing changes by listing
    from desktop.store.library import Library

    with Library(maya.db) as library:
        library.annotations.set_note(passage["id"], "The head teacher, not a parent.")
        library.annotations.set_tags(passage["id"], ["opinion", "evidence"])
    report = merged(lead, export(maya, tmp_path / "second.json"))["bundles"][0]
    assert report["annotations"]["updated"] == [passage["id"]]
    theirs = annotations(lead)[passage["id"]]
    assert theirs["note"] == "The head teacher, not a parent."
    assert sorted(theirs["tags"]) == ["evidence", "opinion"]
    wait_a_tick()
    with Library(lead.db) as library:
        library.annotations.set_note(passage["id"], "Lead: checked with the school.")
    report = merged(lead, export(maya, tmp_path / "second.json"))["bundles"][0]
    assert report["annotations"]["skipped"]["newer in the library"] == 1
    assert annotations(lead)[passage["id"]]["note"] == "Lead: checked with the school."


def test_a_deletion_in_the_bundle_deletes_here_and_is_never_undone(maya, lead, tmp_path):
    first = export(maya, tmp_path / "first.json")
    merged(lead, first)
    school = articles(maya)["New school opens on the hill"]["id"]
    passage = next(a["id"] for a in annotations(maya).values() if a["article_id"] == school)
    wait_a_tick()
    maya("delete", passage)
    report = merged(lead, export(maya, tmp_path / "second.json"))["bundles"][0]
    assert report["annotations"]["deleted"] == [passage]
    assert passage not in annotations(lead)
    # the first bundle still has it alive: merging it again does not bring it back
    report = merged(lead, first)["bundles"][0]
    assert report["annotations"]["skipped"]["deleted in the library"] == 1
    assert passage not in annotations(lead)


def test_a_deletion_travels_without_its_note_and_tags(maya, tmp_path):
    passage = next(a for a in annotations(maya).values() if a["note"])
    maya("delete", passage["id"])
    data = json.loads(export(maya, tmp_path / "b.json").read_text(encoding="utf-8"))
    (gone,) = [a for a in data["annotations"] if a["id"] == passage["id"]]
    assert gone["deleted"] and gone["note"] == "" and gone["tags"] == []


def test_a_deletion_here_is_not_undone_by_a_bundle(maya, lead, tmp_path):
    bundle = export(maya, tmp_path / "maya.json")
    merged(lead, bundle)
    passage = next(iter(annotations(lead)))
    lead("delete", passage)
    merged(lead, bundle)
    assert passage not in annotations(lead)


def test_a_deletion_the_library_never_saw_is_recorded_so_an_older_bundle_cannot_revive_it(
        maya, lead, tmp_path):
    old = export(maya, tmp_path / "old.json")
    passage = next(iter(annotations(maya)))
    wait_a_tick()
    maya("delete", passage)
    report = merged(lead, export(maya, tmp_path / "new.json"))["bundles"][0]
    assert report["annotations"]["skipped"]["deleted in the bundle"] == 1
    merged(lead, old)
    assert passage not in annotations(lead)
    assert len(annotations(lead)) == 2


# --- annotators, tags, selections ----------------------------------------------------------


def test_annotators_are_matched_by_name_and_team_bundles_combine(maya, lead, tmp_path):
    lead("import", str(write(tmp_path / "lead-in" / "ferry.txt", FERRY)))
    ferry = articles(lead)["Ferry fares rise for the third year"]["id"]
    annotate(lead, ferry, "its third rise in three years", "evidence", annotator="maya")
    li = Cli(tmp_path / "li.db")
    li("import", str(write(tmp_path / "li-in" / "ferry.txt", FERRY)))
    annotate(li, articles(li)["Ferry fares rise for the third year"]["id"],
             "a disgrace", "propaganda", annotator="li")
    merged(lead, export(maya, tmp_path / "maya.json"), export(li, tmp_path / "li.json"))
    by_annotator: dict[str, int] = {}
    for annotation in annotations(lead).values():
        by_annotator[annotation["annotator"]] = by_annotator.get(annotation["annotator"], 0) + 1
    assert by_annotator == {"maya": 4, "li": 1}
    ids = {a["annotator_id"] for a in annotations(lead).values() if a["annotator"] == "maya"}
    assert len(ids) == 1  # one maya, not two


def test_an_annotator_filter_exports_only_their_passages_and_articles(maya, tmp_path):
    school = articles(maya)["New school opens on the hill"]["id"]
    annotate(maya, school, "Pupils moved into the new school", "evidence", annotator="li")
    bundle = export(maya, tmp_path / "li.json", "--annotator", "li")
    data = json.loads(bundle.read_text(encoding="utf-8"))
    assert [a["title"] for a in data["articles"]] == ["New school opens on the hill"]
    assert [a["exact"] for a in data["annotations"]] == ["Pupils moved into the new school"]
    assert [a["name"] for a in data["annotators"]] == ["li"]
    assert data["selection"]["annotator"] == "li"


def test_a_bundle_with_a_tag_whose_parent_is_itself_a_child_is_refused_whole(
        maya, lead, tmp_path):
    bundle = export(maya, tmp_path / "maya.json")
    data = json.loads(bundle.read_text(encoding="utf-8"))
    data["tags"].append({"path": "outrage/sarcasm", "color": "#112233"})
    data["annotations"][0]["tags"].append("outrage/sarcasm")
    bad = write(tmp_path / "bad.json", json.dumps(data))
    lead("tags", "add", "outrage", "--parent", "opinion")
    before = dump(lead.db)
    result = lead("merge", str(bad), ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: tag 'outrage/sarcasm': ")
    assert "nest one level" in result.stderr
    assert dump(lead.db) == before


# --- bad input -----------------------------------------------------------------------------


def _edit(data: dict, change: str) -> None:
    first = data["annotations"][0]
    if change == "newer version":
        data["version"] = 2
        data["generator"] = "Closeread 9.0"
    elif change == "not a bundle":
        data["format"] = "something-else"
    elif change == "duplicate annotation id":
        data["annotations"].append(dict(first))
    elif change == "duplicate article id":
        data["articles"].append(dict(data["articles"][0], text="Other text\n",
                                     text_sha256=__import__("hashlib").sha256(
                                         b"Other text\n").hexdigest()))
    elif change == "offsets out of range":
        first["end"] = 10_000
    elif change == "quote is not the text":
        first["exact"] = "something else entirely"
    elif change == "text does not match its hash":
        data["articles"][0]["text"] += "tampered"
    elif change == "unknown article":
        first["article_id"] = "00000000-0000-4000-8000-000000000000"
    elif change == "unknown annotator":
        first["annotator_id"] = "00000000-0000-4000-8000-000000000000"
    elif change == "undeclared tag":
        first["tags"] = ["no-such-tag"]
    elif change == "missing text":
        del data["articles"][0]["text"]
    elif change == "bad time":
        first["updated"] = "yesterday"
    elif change == "id not a uuid":
        first["id"] = "annotation-1"
    elif change == "start not a number":
        first["start"] = "12"
    elif change == "annotations not a list":
        data["annotations"] = {"oops": 1}


BAD_CASES = {
    "newer version": "written by a newer Closeread (Closeread 9.0, bundle version 2)",
    "not a bundle": "not a Closeread bundle",
    "duplicate annotation id": "occurs twice",
    "duplicate article id": "occurs twice",
    "offsets out of range": "out of range",
    "quote is not the text": "is not its quote",
    "text does not match its hash": "does not match its text_sha256",
    "unknown article": "is not in the bundle",
    "unknown annotator": "is not in the bundle",
    "undeclared tag": "is not among the bundle's tags",
    "missing text": "\"text\" must be text, and it is missing",
    "bad time": "'yesterday' is not an ISO 8601 date and time",
    "id not a uuid": "is not a UUID",
    "start not a number": "\"start\" must be a whole number",
    "annotations not a list": "\"annotations\" must be a list",
}


@pytest.mark.parametrize("change", sorted(BAD_CASES))
def test_a_bad_bundle_gets_one_clear_message_and_merges_nothing(maya, lead, tmp_path, change):
    data = json.loads(export(maya, tmp_path / "maya.json").read_text(encoding="utf-8"))
    _edit(data, change)
    bad = write(tmp_path / "bad.json", json.dumps(data))
    lead("articles")
    before = dump(lead.db)
    result = lead("merge", str(bad), ok=False)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"Error: {bad}: ")
    assert BAD_CASES[change] in lines[0]
    assert dump(lead.db) == before


@pytest.mark.parametrize("content, problem", [
    (b"{not json", "not valid JSON"),
    # json's "Unterminated string starting at" and the line after it: 'at' once
    (b'{"format": "closeread-bundle", "x": "open', "Unterminated string starting at line 1 "
                                                  "column 37"),
    (b"", "the file is empty"),
    (b"\x1f\x8b\x08\x00broken", "a damaged gzip file"),
    (b"[1, 2, 3]", "not a Closeread bundle"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
])
def test_a_file_that_is_not_a_bundle_is_refused(lead, tmp_path, content, problem):
    bad = write(tmp_path / "bad.json", content)
    lead("articles")
    before = dump(lead.db)
    result = lead("merge", str(bad), ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: ")
    assert problem in result.stderr
    assert dump(lead.db) == before


def test_a_bad_second_bundle_merges_nothing_of_the_first(maya, lead, tmp_path):
    good = export(maya, tmp_path / "good.json")
    bad = write(tmp_path / "bad.json", b"{not json")
    lead("articles")
    before = dump(lead.db)
    result = lead("merge", str(good), str(bad), ok=False)
    assert result.exit_code == 1 and str(bad) in result.stderr
    assert dump(lead.db) == before


def test_a_missing_bundle_and_a_bundle_to_the_terminal_are_refused(maya, tmp_path):
    result = maya("merge", str(tmp_path / "nowhere.json"), ok=False)
    assert result.exit_code == 1 and "no such file" in result.stderr
    result = maya("export", "--format", "bundle", ok=False)
    assert result.exit_code != 0 and "give -o FILE" in result.stderr
