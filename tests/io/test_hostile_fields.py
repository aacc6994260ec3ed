"""Hostile values inside well-formed files: numbers too long to read, dates out of range,
lone surrogates that UTF-8 cannot hold, and tag names with line breaks or control
characters, in PTC labels, brat files, JSON-LD and bundles, and on the command line.
Each is refused with one message naming the file (and the line or record) and leaves
the library as it was (docs/architecture.md, invariant 8).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from support import Cli, refused, write

BODY = ("Harbour plan splits the town council\n\nThe council voted seven to four on "
        "Tuesday to widen the old harbour, after a debate that ran past midnight.\n")
PTC_TEXT = "Harbour plan\n\nThe council voted seven to four.\n"
HUGE = "9" * 5000  # past Python's 4,300-digit limit for int()


@pytest.fixture
def article(run: Cli, tmp_path: Path) -> str:
    """A library with one article and one passage tagged evidence; the article's id."""
    run("import", str(write(tmp_path / "seed" / "first.txt", BODY)))
    article_id = json.loads(run("articles", "--json").stdout)[0]["id"]
    run("annotate", article_id, "--quote", "council voted", "--tag", "evidence")
    return str(article_id)


# --- PTC labels ----------------------------------------------------------------------------


@pytest.fixture
def ptc(run: Cli, tmp_path: Path) -> Path:
    folder = tmp_path / "ptc"
    write(folder / "article111.txt", PTC_TEXT)
    run("import", "--format", "ptc", str(folder))
    return folder


@pytest.mark.parametrize(("line", "words"), [
    (f"111\t{HUGE}\t5\n", ["line 1", "start offset 99999999999999999999999…", "5,000 digits"]),
    (f"111\tLoaded_Language\t3\t{HUGE}\n", ["line 1", "end offset", "5,000 digits"]),
    ("111\t0\t10000000000000000000\n", ["line 1", "20 digits"]),
    ("111\tBad\x1btag\t3\t6\n", ["line 1", "bad technique", "control character (U+001B)"]),
    ("111\tBad\x0btag\t3\t6\n", ["line 1", "control character (U+000B)"]),
    ("111\tBad\u2028tag\t3\t6\n", ["line 1", "a line break (U+2028)"]),
])
def test_ptc_labels_with_endless_numbers_or_control_characters_are_refused(
        run, ptc, tmp_path, line, words):
    labels = write(tmp_path / "bad.labels", line)
    refused(run, ["import-annotations", "--format", "ptc", str(labels)], str(labels), *words)


def test_ptc_offsets_of_18_digits_are_read_and_refused_as_out_of_range(run, ptc, tmp_path):
    labels = write(tmp_path / "far.labels", "111\t0\t999999999999999999\n")
    refused(run, ["import-annotations", "--format", "ptc", str(labels)], "out of range")


def test_a_ptc_title_line_keeps_no_control_characters(run, tmp_path):
    folder = tmp_path / "esc"
    write(folder / "article5.txt", "Title \x1b[2J cleared\n\nBody text of the article.\n")
    run("import", "--format", "ptc", str(folder))
    listed = json.loads(run("articles", "--json").stdout)
    assert listed[0]["title"] == "Title [2J cleared"
    # the text stays exactly as the file has it: the labels' offsets count every character
    text = json.loads(run("show", listed[0]["id"], "--json").stdout)["text"]
    assert text.startswith("Title \x1b[2J")


# --- brat ----------------------------------------------------------------------------------


def _brat(folder: Path, ann: str, conf: str | None = None) -> Path:
    write(folder / "doc.txt", PTC_TEXT)
    if conf is not None:
        write(folder / "annotation.conf", conf)
    return write(folder / "doc.ann", ann)


@pytest.mark.parametrize(("ann", "words"), [
    (f"T1\tClaim 0 {HUGE}\tHarbour\n", ["line 1", "more than 18 digits"]),
    ("T1\tClaim 0 10000000000000000000\tHarbour\n", ["line 1", "more than 18 digits"]),
    ("T1\tCla\x1bim 0 7\tHarbour\n", ["line 1", "not a tag name", "U+001B"]),
    ("T1\tCla\x0cim 0 7\tHarbour\n", ["line 1", "U+000C"]),
])
def test_brat_lines_with_endless_offsets_or_control_characters_are_refused(
        run, article, tmp_path, ann, words):
    ann_path = _brat(tmp_path / "brat", ann)
    refused(run, ["import", "--format", "brat", str(tmp_path / "brat")], str(ann_path), *words)


def test_a_brat_configuration_type_with_a_control_character_is_refused(run, article, tmp_path):
    folder = tmp_path / "conf"
    _brat(folder, "T1\tClaim 0 7\tHarbour\n", "[entities]\nTop\n\tCla\x1bim\n")
    refused(run, ["import", "--format", "brat", str(folder)],
            f"{folder / 'annotation.conf'}: line 3", "control character (U+001B)")


# --- JSON-LD ---------------------------------------------------------------------------------


def _annotation(article_id: str, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "evidence"}],
        "target": {"source": f"urn:closeread:article:{article_id}",
                   "selector": [{"type": "TextPositionSelector", "start": 0, "end": 7}]},
        "creator": {"type": "Person", "name": "maya"},
        "created": "2024-02-03T10:00:00Z",
    }
    item.update(changes)
    return item


def _jsonld(tmp_path: Path, text: str) -> Path:
    return write(tmp_path / "notes.jsonld", text)


@pytest.mark.parametrize("digits", [HUGE, "1" * 19, "-" + "1" * 30])
def test_jsonld_offsets_too_long_to_be_offsets_are_refused_naming_the_place(
        run, article, tmp_path, digits):
    text = json.dumps([_annotation(article)], indent=1).replace('"end": 7', f'"end": {digits}')
    path = _jsonld(tmp_path, text)
    refused(run, ["import-annotations", "--format", "jsonld", str(path)], str(path),
            "at line 19 column 13", f"{len(digits.lstrip('-')):,} digits")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_jsonld_nan_and_infinity_are_not_json(run, article, tmp_path, constant):
    text = json.dumps([_annotation(article)]).replace('"end": 7', f'"end": {constant}')
    path = _jsonld(tmp_path, text)
    refused(run, ["import-annotations", "--format", "jsonld", str(path)],
            f"not valid JSON: {constant} is not a JSON value")


@pytest.mark.parametrize("moment", ["0000-01-01T00:00:00Z", "99999-01-01T00:00:00Z",
                                    "2020-13-01T00:00:00Z", "2020-02-30T00:00:00Z",
                                    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_jsonld_times_out_of_range_are_refused(run, article, tmp_path, moment):
    # the last two are in range as written and out of it in UTC: an OverflowError before
    path = _jsonld(tmp_path, json.dumps([_annotation(article, created=moment)]))
    refused(run, ["import-annotations", "--format", "jsonld", str(path)], "annotation 1",
            f"created time '{moment}'")


@pytest.mark.parametrize(("escape", "where"), [
    ('"note \\ud800 here"', "[0].body[1].value"),
    ('"\\udfff"', "[0].body[1].value"),
    ('"pair \\ud83d\\ude00 then lone \\ude00"', "[0].body[1].value"),
])
def test_jsonld_text_with_a_lone_surrogate_is_refused_naming_where(
        run, article, tmp_path, escape, where):
    item = _annotation(article)
    item["body"].append({"type": "TextualBody", "purpose": "commenting", "value": "NOTE"})
    path = _jsonld(tmp_path, json.dumps([item]).replace('"NOTE"', escape))
    refused(run, ["import-annotations", "--format", "jsonld", str(path)], str(path),
            f"at {where} holds a lone surrogate")


def test_jsonld_surrogate_pairs_are_text(run, article, tmp_path):
    item = _annotation(article)
    item["body"].append({"type": "TextualBody", "purpose": "commenting", "value": "NOTE"})
    path = _jsonld(tmp_path, json.dumps([item]).replace('"NOTE"', '"smile \\ud83d\\ude00"'))
    assert "1 annotation added" in run("import-annotations", "--format", "jsonld",
                                       str(path)).stdout
    notes = [a["note"] for a in json.loads(run("annotations", "--json").stdout)]
    assert "smile 😀" in notes


def test_jsonld_creator_or_tag_with_a_lone_surrogate_is_refused(run, article, tmp_path):
    path = _jsonld(tmp_path, json.dumps([_annotation(article)]).replace(
        '"maya"', '"ma\\udc80ya"'))
    refused(run, ["import-annotations", "--format", "jsonld", str(path)],
            "at [0].creator.name holds a lone surrogate (U+DC80)")


@pytest.mark.parametrize("tag", ["ev\nidence", "ev\tidence", "ev\x1bidence", "ev\x85x",
                                 "parent/chi\rld"])
def test_jsonld_tags_with_line_breaks_or_control_characters_are_refused(
        run, article, tmp_path, tag):
    item = _annotation(article, body=[{"type": "TextualBody", "purpose": "tagging",
                                       "value": tag}])
    path = _jsonld(tmp_path, json.dumps([item]))
    refused(run, ["import-annotations", "--format", "jsonld", str(path)], "annotation 1",
            "tag names are one line of text")


# --- bundles ---------------------------------------------------------------------------------


@pytest.fixture
def bundle(run: Cli, article: str, tmp_path: Path) -> dict[str, Any]:
    """A bundle of another library with the same article and a new passage."""
    other = Cli(tmp_path / "other.db")
    other("import", str(write(tmp_path / "seed2" / "first.txt", BODY)))
    other_id = json.loads(other("articles", "--json").stdout)[0]["id"]
    other("annotate", other_id, "--quote", "old harbour", "--tag", "opinion", "--note", "n")
    other("export", "--format", "bundle", "-o", str(tmp_path / "b.json"))
    return dict(json.loads((tmp_path / "b.json").read_text()))


def _merge_refused(run: Cli, tmp_path: Path, text: str, *words: str) -> str:
    path = write(tmp_path / "hostile.bundle.json", text)
    return refused(run, ["merge", str(path)], str(path), *words)


@pytest.mark.parametrize(("key", "value"), [
    ("start", HUGE), ("end", "1" * 19), ("start", "-" + "9" * 25)])
def test_bundle_numbers_too_long_are_refused(run, bundle, tmp_path, key, value):
    bundle["annotations"][0][key] = 123456789
    text = json.dumps(bundle).replace("123456789", value)
    _merge_refused(run, tmp_path, text, "digits; no offset or count needs more than 18")


def test_bundle_version_too_long_is_refused(run, bundle, tmp_path):
    text = json.dumps(bundle).replace('"version": 1', f'"version": {HUGE}')
    _merge_refused(run, tmp_path, text, "5,000 digits")


@pytest.mark.parametrize("moment", ["0000-01-01T00:00:00+00:00", "99999-01-01T00:00:00",
                                    "2020-13-01T00:00:00", "0001-01-01T00:00:00+01:00",
                                    "9999-12-31T23:59:59-01:00"])
@pytest.mark.parametrize("field", ["created", "updated", "deleted"])
def test_bundle_times_out_of_range_are_refused(run, bundle, tmp_path, moment, field):
    bundle["annotations"][0][field] = moment
    _merge_refused(run, tmp_path, json.dumps(bundle), "annotation 1", f'"{field}"', moment)


@pytest.mark.parametrize("published", ["99999-13-45", "2020-13-01", "0000-01-01", "soon"])
def test_bundle_published_dates_out_of_range_are_refused(run, bundle, tmp_path, published):
    bundle["articles"][0]["published"] = published
    _merge_refused(run, tmp_path, json.dumps(bundle), "article 1", f"'{published}'",
                   "not an ISO 8601 date")


def test_a_bundle_published_date_that_is_a_date_is_merged(run, bundle, tmp_path):
    bundle["articles"][0]["published"] = "2019-10-31T17:44"
    path = write(tmp_path / "good.json", json.dumps(bundle))
    assert "annotations: 1 added" in run("merge", str(path)).stdout


@pytest.mark.parametrize(("where", "escape"), [
    ("annotations[0].note", '"\\ud800"'), ("articles[0].title", '"T \\udcff"'),
    ("annotators[0].name", '"\\udbff"')])
def test_bundle_text_with_a_lone_surrogate_is_refused(run, bundle, tmp_path, where, escape):
    record, _, key = where.partition("].")
    name, _, index = record.partition("[")
    bundle[name][int(index)][key] = "MARK"
    text = json.dumps(bundle).replace('"MARK"', escape)
    _merge_refused(run, tmp_path, text, f"at {where} holds a lone surrogate")


@pytest.mark.parametrize("path", ["opin\nion", "opin\tion", "opin\x1bion",
                                  "propaganda/Lo\x00aded", "op\u2029x"])
def test_bundle_tags_with_line_breaks_or_control_characters_are_refused(
        run, bundle, tmp_path, path):
    bundle["tags"] = [{"path": path, "color": "#112233", "description": ""}]
    bundle["annotations"][0]["tags"] = [path]
    _merge_refused(run, tmp_path, json.dumps(bundle), "tag 1", "tag names are one line")


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a\tb", "a\nb", "a\x1b[31mb", "a\rb", "a\x7fb", "a\u2028b"])
def test_tag_names_with_control_characters_are_refused_everywhere(run, article, name):
    refused(run, ["tags", "add", name], "tag names are one line of text")
    refused(run, ["tags", "rename", "evidence", name], "tag names are one line of text")
    # annotate makes no tags: such a name is simply not one of them
    refused(run, ["annotate", article, "--quote", "Tuesday", "--tag", name], "unknown tag")
