"""W3C Web Annotation JSON-LD: `closeread export --format jsonld` and
`closeread import-annotations --format jsonld`, with real files and real libraries."""

from __future__ import annotations

import copy
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import Cli, write

from desktop.store.library import Library

URL = "https://coast.example/news/harbour-vote"
WITH_URL = (
    "Title: Harbour vote goes to the wire\n"
    f"URL: {URL}\n"
    "\n"
    "Councillors argued late into the night over the harbour plan, and the mayor said the "
    "sea was the town's only future.\n"
    "\n"
    "The opposition replied that the harbour plan would cost the town its beaches.\n"
)
WITHOUT_URL = (
    "Fishing fleet shrinks again\n\n"
    "The fleet lost four boats \U0001F6A2 this year, the smallest since records began.\n\n"
    "Skippers call the quotas unfair, unfair and unworkable.\n"
)
NOTE = 'He said, "no, never"\nthen **left**.'
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
HASH = "urn:closeread:text-sha256"


@dataclass
class Filled:
    with_url: str
    without_url: str
    blank: Path  # a copy of the library before any annotation: same articles, same ids


def copy_library(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    dst.close()
    src.close()


@pytest.fixture
def filled(run: Cli, tmp_path: Path) -> Filled:
    run("import", str(write(tmp_path / "in" / "harbour.md", WITH_URL)),
        str(write(tmp_path / "in" / "fleet.txt", WITHOUT_URL)))
    ids = {a["title"]: a["id"] for a in run.json("articles")}
    with_url, without_url = ids["Harbour vote goes to the wire"], ids["Fishing fleet shrinks again"]
    blank = tmp_path / "blank.db"
    copy_library(run.db, blank)
    run("tags", "add", "framing", "--parent", "propaganda")
    run("tags", "add", "sourcing")
    run("annotate", with_url, "--quote", "the harbour plan", "--occurrence", "2",
        "--tag", "propaganda", "--tag", "opinion", "--note", NOTE)
    run("annotate", with_url, "--quote", "the town's only future", "--tag", "framing",
        "--tag", "Loaded_Language", "--annotator", "maya")
    run("annotate", without_url, "--quote", "four boats \U0001F6A2", "--tag", "evidence",
        "--tag", "sourcing")
    run("annotate", without_url, "--quote", "unfair", "--occurrence", "2", "--tag", "opinion",
        "--annotator", "li")
    return Filled(with_url, without_url, blank)


def export(run: Cli, tmp_path: Path, *options: str, name: str = "notes.jsonld") -> dict:
    out = tmp_path / name
    run("export", "--format", "jsonld", "-o", str(out), *options)
    return json.loads(out.read_text(encoding="utf-8"))


def comparable(annotations: list[dict]) -> list[dict]:
    """Annotations without the annotator's id (each library numbers its annotators)."""
    return sorted(({k: v for k, v in a.items() if k != "annotator_id"} for a in annotations),
                  key=lambda a: a["id"])


def snapshot(run: Cli) -> tuple[str, ...]:
    return (run("articles", "--json").stdout, run("annotations", "--json").stdout,
            run("tags", "list", "--all", "--json").stdout)


# --- the shape -----------------------------------------------------------------------------


def test_export_is_a_w3c_annotation_collection(run, filled, tmp_path):
    data = export(run, tmp_path)
    assert data["@context"] == CONTEXT
    assert data["type"] == "AnnotationCollection"
    assert data["id"].startswith("urn:uuid:")
    page = data["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert data["total"] == len(page["items"]) == 4
    stored = {a["id"]: a for a in run.json("annotations")}
    hashes = {a["id"]: a["text_sha256"] for a in run.json("articles")}
    for item in page["items"]:
        assert item["@context"] == CONTEXT
        assert item["type"] == "Annotation"
        assert item["motivation"] == "tagging"
        mine = stored[item["id"].removeprefix("urn:uuid:")]
        tags = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
        assert tags == mine["tag_paths"]
        assert all(b["type"] == "TextualBody" for b in item["body"])
        position, quote = item["target"]["selector"]
        assert position == {"type": "TextPositionSelector", "start": mine["start"],
                            "end": mine["end"]}
        assert quote == {"type": "TextQuoteSelector", "exact": mine["exact"],
                         "prefix": mine["prefix"], "suffix": mine["suffix"]}
        assert item["creator"] == {"type": "Person", "name": mine["annotator"]}
        assert (item["created"], item["modified"]) == (mine["created"], mine["updated"])
        expected_source = (URL if mine["article_id"] == filled.with_url
                           else f"urn:closeread:article:{filled.without_url}")
        assert item["target"]["source"] == expected_source
        # the text hash: a property whose key is an absolute IRI, no term in @context
        assert item["target"][HASH] == hashes[mine["article_id"]]
        assert list(item["target"]) == ["source", HASH, "selector"]


def test_note_is_a_markdown_commenting_body_and_tag_values_are_paths(run, filled, tmp_path):
    items = export(run, tmp_path)["first"]["items"]
    (noted,) = [i for i in items if any(b["purpose"] == "commenting" for b in i["body"])]
    assert noted["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "opinion"},
        {"type": "TextualBody", "purpose": "tagging", "value": "propaganda"},
        {"type": "TextualBody", "purpose": "commenting", "value": NOTE,
         "format": "text/markdown"},
    ]
    framed = next(i for i in items if i["creator"]["name"] == "maya")
    assert [b["value"] for b in framed["body"]] == ["propaganda/framing",
                                                    "propaganda/Loaded_Language"]


def test_motivation_follows_the_bodies(run, filled, tmp_path):
    run("tags", "remove", "opinion", "--force")
    run("tags", "remove", "propaganda", "--force")
    items = {i["creator"]["name"] + str(len(i.get("body", []))): i
             for i in export(run, tmp_path)["first"]["items"]}
    assert items["tester1"]["motivation"] == "commenting"  # the note is all that is left
    assert items["li0"]["motivation"] == "highlighting"
    assert "body" not in items["li0"]


def test_export_to_standard_output_and_with_filters(run, filled, tmp_path):
    everything = json.loads(run("export", "--format", "jsonld").stdout)
    assert everything["total"] == 4
    assert export(run, tmp_path, "--annotator", "li", name="li.jsonld")["total"] == 1
    only = export(run, tmp_path, "--tag", "propaganda", name="p.jsonld")["first"]["items"]
    assert len(only) == 2  # propaganda and its child tags; all the tags of each are kept
    assert export(run, tmp_path, "--article", filled.without_url, name="a.jsonld")["total"] == 2
    empty = export(run, tmp_path, "--tag", "Slogans", name="e.jsonld")
    assert empty["total"] == 0 and empty["first"]["items"] == []


# --- round trips ---------------------------------------------------------------------------


def test_round_trip_into_a_library_with_the_same_articles_loses_nothing(run, filled, tmp_path):
    export(run, tmp_path)
    other = Cli(filled.blank)
    assert other.json("annotations") == []
    result = other("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"))
    assert "4 annotations added" in result.stdout
    assert "new tags: propaganda/framing, sourcing" in result.stdout
    assert comparable(other.json("annotations")) == comparable(run.json("annotations"))
    # and back out again: the same annotations, word for word
    again = export(other, tmp_path, name="again.jsonld")
    first = export(run, tmp_path, name="first.jsonld")
    assert again["first"]["items"] == first["first"]["items"]


def test_articles_imported_separately_are_matched_by_url(run, filled, tmp_path):
    export(run, tmp_path, "--article", filled.with_url)
    other = Cli(tmp_path / "other.db")
    other("import", str(tmp_path / "in" / "harbour.md"))
    other("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"))
    theirs = comparable(other.json("annotations"))
    ours = comparable(run.json("annotations", "--article", filled.with_url))
    (article,) = other.json("articles")
    for annotation in ours:
        annotation["article_id"] = article["id"]
    assert theirs == ours


def test_articles_imported_separately_are_matched_by_text_hash(run, filled, tmp_path):
    """A colleague's library imported the same files itself: other article ids, and the
    fleet article has no url, so only the text hash can tell which article is meant."""
    export(run, tmp_path)
    other = Cli(tmp_path / "other.db")
    other("import", str(tmp_path / "in" / "fleet.txt"), str(tmp_path / "in" / "harbour.md"))
    theirs_ids = {a["title"]: a["id"] for a in other.json("articles")}
    ours_ids = {a["id"]: a["title"] for a in run.json("articles")}
    assert not set(theirs_ids.values()) & set(ours_ids)
    result = other("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"))
    assert "4 annotations added" in result.stdout
    expected = comparable(run.json("annotations"))
    for annotation in expected:
        annotation["article_id"] = theirs_ids[ours_ids[annotation["article_id"]]]
    assert comparable(other.json("annotations")) == expected
    # on the fleet article, at the same offsets
    fleet = other.json("annotations", "--article", theirs_ids["Fishing fleet shrinks again"])
    assert sorted((a["start"], a["end"], a["exact"]) for a in fleet) == sorted(
        (a["start"], a["end"], a["exact"])
        for a in run.json("annotations", "--article", filled.without_url))


def _retarget(path: Path, source: str, digest: str | None) -> Path:
    """The exported file with every fleet annotation's source and hash replaced."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["first"]["items"]:
        if item["target"]["source"].startswith("urn:closeread:article:"):
            item["target"]["source"] = source
            if digest is None:
                del item["target"][HASH]
            else:
                item["target"][HASH] = digest
    return write(path.with_name("retargeted.jsonld"), json.dumps(data))


def test_an_id_naming_another_text_yields_to_the_hash(run, filled, tmp_path):
    export(run, tmp_path)
    harbour = f"urn:closeread:article:{filled.with_url}"
    fleet_hash = next(a["text_sha256"] for a in run.json("articles")
                      if a["id"] == filled.without_url)
    file = _retarget(tmp_path / "notes.jsonld", harbour, fleet_hash)
    other = Cli(filled.blank)
    other("import-annotations", "--format", "jsonld", str(file))
    assert comparable(other.json("annotations")) == comparable(run.json("annotations"))


def test_an_id_naming_another_text_without_a_hash_match_is_checked_as_before(
        run, filled, tmp_path):
    export(run, tmp_path)
    harbour = f"urn:closeread:article:{filled.with_url}"
    other = Cli(filled.blank)
    before = snapshot(other)
    for digest in ("0" * 64, None):  # a hash no article has, or none at all
        file = _retarget(tmp_path / "notes.jsonld", harbour, digest)
        result = other("import-annotations", "--format", "jsonld", str(file), ok=False)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: {file}: annotation ")
        assert "not the quote 'four boats" in result.stderr
        assert snapshot(other) == before


def test_a_url_is_still_enough_without_a_hash(run, filled, tmp_path):
    data = export(run, tmp_path, "--article", filled.with_url)
    for item in data["first"]["items"]:
        del item["target"][HASH]
    file = write(tmp_path / "nohash.jsonld", json.dumps(data))
    other = Cli(tmp_path / "other.db")
    other("import", str(tmp_path / "in" / "harbour.md"))
    assert "2 annotations added" in other("import-annotations", "--format", "jsonld",
                                          str(file)).stdout


def test_importing_the_same_file_again_changes_nothing(run, filled, tmp_path):
    export(run, tmp_path)
    other = Cli(filled.blank)
    other("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"))
    before = snapshot(other)
    result = other("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"))
    assert "0 annotations added, 4 already in the library" in result.stdout
    assert snapshot(other) == before
    # into the library it came from, too
    assert "4 already" in run("import-annotations", "--format", "jsonld",
                              str(tmp_path / "notes.jsonld")).stdout


def test_a_deleted_annotation_is_not_brought_back(run, filled, tmp_path):
    export(run, tmp_path)
    victim = run.json("annotations")[0]["id"]
    run("delete", victim)
    result = run("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"))
    assert "1 deleted in the library (not restored)" in result.stdout
    assert victim not in {a["id"] for a in run.json("annotations")}


def test_annotations_from_other_programs_are_read(run, filled, tmp_path):
    """A Hypothesis-like annotation: a quote only, an https id, no creator, a new tag."""
    foreign = {
        "@context": CONTEXT,
        "id": "https://annotations.example/a/Xy12",
        "type": "Annotation",
        "body": [{"type": "TextualBody", "value": "worth checking"},
                 {"type": "TextualBody", "purpose": "tagging", "value": "needs-source"}],
        "target": {"source": URL, "selector": {
            "type": "TextQuoteSelector", "exact": "the harbour plan", "prefix": "replied that "}},
        "created": "2024-03-01T09:30:00Z",
    }
    file = write(tmp_path / "one.json", json.dumps(foreign))
    result = run("import-annotations", "--format", "jsonld", str(file), "--annotator", "guest")
    assert "new tags: needs-source" in result.stdout
    (found,) = [a for a in run.json("annotations") if a["annotator"] == "guest"]
    text = json.loads(run("show", filled.with_url, "--json").stdout)["text"]
    assert text[found["start"]:found["end"]] == "the harbour plan"
    assert text[:found["start"]].endswith("replied that ")
    assert found["note"] == "worth checking"
    assert found["tags"] == ["needs-source"]
    assert found["created"] == found["updated"] == "2024-03-01T09:30:00.000+00:00"
    # the same IRI gives the same id: a second import adds nothing
    again = run("import-annotations", "--format", "jsonld", str(file), "--annotator", "guest")
    assert "0 annotations added, 1 already" in again.stdout


def test_an_orphan_travels_as_an_orphan_and_comes_back_the_same(run, filled, tmp_path):
    """An orphan is exported with its quote only; a library with the same text takes it
    as an orphan (never refused, never placed on other words), and a second import, or an
    import into the library it came from, adds nothing."""
    fleet = json.loads(run("show", filled.without_url, "--json").stdout)
    changed = fleet["text"].replace("four boats \U0001F6A2 this year", "a bad year")
    run("import", str(write(tmp_path / "fleet-v2.txt", changed)), "--replace",
        filled.without_url)
    orphans = [a for a in run.json("annotations") if a["anchor_state"] == "orphan"]
    assert [a["exact"] for a in orphans] == ["four boats \U0001F6A2"]
    file = tmp_path / "with-orphan.jsonld"
    run("export", "--format", "jsonld", "-o", str(file), "--article", filled.without_url)
    other = Cli(tmp_path / "other.db")
    other("import", str(write(tmp_path / "fleet-mine.txt", changed)))
    result = other("import-annotations", "--format", "jsonld", str(file))
    assert "1 of them kept as orphans" in result.stdout
    (arrived,) = [a for a in other.json("annotations") if a["id"] == orphans[0]["id"]]
    assert arrived["anchor_state"] == "orphan"
    assert (arrived["exact"], arrived["prefix"], arrived["suffix"], arrived["tags"]) == (
        orphans[0]["exact"], orphans[0]["prefix"], orphans[0]["suffix"], orphans[0]["tags"])
    assert other.json("articles")[0]["orphan_count"] == 1
    again = other("import-annotations", "--format", "jsonld", str(file))
    assert "0 annotations added" in again.stdout
    home = run("import-annotations", "--format", "jsonld", str(file))
    assert "0 annotations added" in home.stdout


def test_a_quote_from_another_program_that_is_not_in_the_text_is_kept_as_an_orphan(
        run, filled, tmp_path):
    foreign = {
        "@context": CONTEXT, "id": "https://annotations.example/a/gone", "type": "Annotation",
        "target": {"source": URL, "selector": {"type": "TextQuoteSelector",
                                               "exact": "words the outlet took out"}},
    }
    file = write(tmp_path / "gone.json", json.dumps(foreign))
    result = run("import-annotations", "--format", "jsonld", str(file), "--annotator", "guest")
    assert "1 annotation added" in result.stdout and "kept as orphans" in result.stdout
    (found,) = [a for a in run.json("annotations") if a["annotator"] == "guest"]
    assert (found["anchor_state"], found["exact"]) == ("orphan", "words the outlet took out")
    rows = run("export").stdout
    assert "words the outlet took out" not in rows  # the CSV has anchored passages only


def test_a_bare_list_and_a_page_are_read_too(run, filled, tmp_path):
    items = export(run, tmp_path)["first"]["items"]
    other = Cli(filled.blank)
    other("import-annotations", "--format", "jsonld",
          str(write(tmp_path / "list.json", json.dumps(items[:2]))))
    page = {"type": "AnnotationPage", "items": items[2:]}
    other("import-annotations", "--format", "jsonld",
          str(write(tmp_path / "page.json", json.dumps(page))))
    assert comparable(other.json("annotations")) == comparable(run.json("annotations"))


# --- bad input -----------------------------------------------------------------------------


def _break(data: dict, how: str, without_url: str) -> str | dict:
    """The exported collection with one thing wrong."""
    items = data["first"]["items"]
    first = items[0]
    if how == "truncated":
        return json.dumps(data)[:200]
    if how == "not annotations":
        return {"hello": "world"}
    if how == "missing id":
        del first["id"]
    elif how == "missing target":
        del first["target"]
    elif how == "no selectors":
        first["target"]["selector"] = []
    elif how == "out of range":
        first["target"]["selector"][0]["end"] = 100_000
    elif how == "reversed":
        first["target"]["selector"][0]["start"] = first["target"]["selector"][0]["end"]
    elif how == "quote mismatch":
        first["target"]["selector"][1]["exact"] = "something else"
    elif how == "string offsets":
        first["target"]["selector"][0]["start"] = "12"
    elif how == "unknown urn":  # and no hash (an older file): nothing else names it
        first["target"]["source"] = "urn:closeread:article:0000"
        del first["target"][HASH]
    elif how == "unknown url":
        first["target"]["source"] = "https://nowhere.example/"
        del first["target"][HASH]
    elif how == "unknown hash":
        first["target"]["source"] = "urn:closeread:article:0000"
        first["target"][HASH] = "ab" * 32
    elif how == "unknown url and hash":
        first["target"]["source"] = "https://nowhere.example/"
        first["target"][HASH] = "AB" * 32
    elif how == "bad hash":
        first["target"][HASH] = "not-a-hash"
    elif how == "empty quote":
        first["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": ""}]
    elif how == "duplicate id":
        items.append(copy.deepcopy(first))
    elif how == "bad time":
        first["created"] = "yesterday"
    elif how == "bad body":
        first["body"] = [{"type": "SpecificResource", "source": "http://x"}]
    elif how == "late error":
        items[-1]["target"]["selector"][0]["end"] = 100_000
    return data


BAD = {
    "truncated": "not valid JSON",
    "not annotations": "not W3C Web Annotations",
    "missing id": "annotation 1: missing \"id\"",
    "missing target": "missing \"target\"",
    "no selectors": "no TextPositionSelector or TextQuoteSelector",
    "out of range": "is out of range: the article has",
    "reversed": "is empty or reversed",
    "quote mismatch": "not the quote 'something else'",
    "string offsets": "\"start\" is not a whole number",
    "unknown urn": "unknown article urn:closeread:article:0000",
    "unknown url": "unknown article https://nowhere.example/",
    "unknown hash": ("unknown article urn:closeread:article:0000: no article with this id "
                     "or this text (sha256 abababababab…) is in the library"),
    "unknown url and hash": ("unknown article https://nowhere.example/: no article in the "
                             "library has this url or this text (sha256 abababababab…)"),
    "bad hash": "the target's \"urn:closeread:text-sha256\" is not a SHA-256",
    "empty quote": "the quote is empty",
    "duplicate id": "occurs twice in the input",
    "bad time": "created time 'yesterday' is not an ISO 8601",
    "bad body": "a body must be a TextualBody",
    "late error": "annotation 4",
}


@pytest.mark.parametrize("how", list(BAD))
def test_bad_files_give_one_error_line_and_change_nothing(run, filled, tmp_path, how):
    data = export(run, tmp_path)
    broken = _break(data, how, filled.without_url)
    bad = write(tmp_path / "bad.jsonld", broken if isinstance(broken, str) else json.dumps(broken))
    other = Cli(filled.blank)
    before = snapshot(other)
    result = other("import-annotations", "--format", "jsonld", str(bad), ok=False)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {bad}: ")
    assert result.stderr.count("\n") == 1
    assert BAD[how] in result.stderr
    assert snapshot(other) == before


def test_an_id_the_library_has_with_other_content_is_refused(run, filled, tmp_path):
    export(run, tmp_path)
    annotation = run.json("annotations")[0]
    with Library(run.db) as library:
        library.annotations.set_note(annotation["id"], "changed since the export")
    before = snapshot(run)
    result = run("import-annotations", "--format", "jsonld", str(tmp_path / "notes.jsonld"),
                 ok=False)
    assert result.exit_code == 1
    assert f"already has annotation {annotation['id']} with a different note" in result.stderr
    assert snapshot(run) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"[1, 2]", "annotation 1: an annotation must be a JSON object"),
    (b'{"type": "AnnotationCollection", "total": 3, "first": "https://x.example/p1"}',
     "only pages written into the file can be read"),
])
def test_files_that_are_not_annotations_are_refused(run, filled, tmp_path, content, message):
    bad = write(tmp_path / "bad.json", content)
    result = run("import-annotations", "--format", "jsonld", str(bad), ok=False)
    assert result.exit_code == 1 and f"{bad}: " in result.stderr and message in result.stderr


def test_a_tag_path_that_clashes_with_an_existing_tag_is_refused(run, filled, tmp_path):
    data = export(run, tmp_path)
    data["first"]["items"][0]["body"][0]["value"] = "evidence/Loaded_Language"
    bad = write(tmp_path / "clash.jsonld", json.dumps(data))
    other = Cli(filled.blank)
    result = other("import-annotations", "--format", "jsonld", str(bad), ok=False)
    assert result.exit_code == 1
    assert "the tag 'Loaded_Language' exists under 'propaganda'" in result.stderr
    assert other.json("annotations") == []


def test_excel_is_for_csv_only(run, filled):
    result = run("export", "--format", "jsonld", "--excel", ok=False)
    assert result.exit_code == 1 and "--excel applies to --format csv only" in result.stderr
