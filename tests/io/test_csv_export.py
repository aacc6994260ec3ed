"""The CSV of tagged passages, as `closeread export --format csv` writes it.

A real library is filled through the CLI (import, annotate), exported to a file and to
standard output, and read back with the csv module.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from support import write

from desktop.io.csv_export import CSV_COLUMNS

URL = "https://coast.example/news/harbour-vote"

WITH_URL = (
    "Title: Harbour vote goes to the wire\n"
    "Author: Maya Ortiz\n"
    "Outlet: Coastline Weekly\n"
    "Published: 2023-06-14\n"
    f"URL: {URL}\n"
    "\n"
    "Councillors argued late into the night over the harbour plan, and the mayor said the "
    "sea was the town's only future.\n"
    "\n"
    "The opposition replied that the harbour plan would cost the town its beaches, and that "
    "nobody had asked the families who fish from the old pier every summer.\n"
    "\n"
    "Residents will vote on the plan in May, after three public meetings in the church hall.\n"
)

WITHOUT_URL = """Fishing fleet shrinks again
By Ann Lee | paper.example | Updated: 2024-02-03 08:15

The fleet lost four boats this year, the smallest it has been since records began.

- Fewer boats means fewer jobs on the quay.

=SUM(B2:B9) was the formula in the leaked council sheet.

Skippers call the quotas unfair, unfair and unworkable.
"""

MULTILINE_NOTE = 'He said, "no, never"\nthen left, again.\n\nEnd of "quote", really'
LONG_QUOTE = "nobody had asked the families who fish from the old pier every summer"
# a text directive: [prefix-,]textStart[,textEnd][,-suffix], each part percent-encoded
DIRECTIVE = re.compile(r"(?:[^,\-\s]+-,)?[^,\-\s]+(?:,[^,\-\s]+)?(?:,-[^,\-\s]+)?")


@dataclass
class Exported:
    header: list[str]
    rows: list[dict[str, str]]
    raw: bytes


@dataclass
class Fixture:
    with_url: str  # article ids
    without_url: str
    annotations: dict[str, str]  # name -> annotation id


def parse_csv(data: bytes) -> Exported:
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    records = list(csv.reader(io.StringIO(text, newline="")))
    header, body = records[0], records[1:]
    return Exported(header, [dict(zip(header, r, strict=True)) for r in body], data)


def export_file(run, tmp_path: Path, *options: str) -> Exported:
    out = tmp_path / "passages.csv"
    if out.exists():
        out.unlink()
    result = run("export", "--format", "csv", "-o", str(out), *options)
    assert "Traceback" not in result.output
    return parse_csv(out.read_bytes())


def article_text(run, article_id: str) -> str:
    return json.loads(run("show", article_id, "--json").stdout)["text"]


def annotate(run, article: str, *args: str) -> str:
    return run("annotate", article, *args).stdout.strip()


@pytest.fixture
def filled(run, tmp_path) -> Fixture:
    run("import", str(write(tmp_path / "in" / "harbour-vote.md", WITH_URL)),
        str(write(tmp_path / "in" / "fleet.txt", WITHOUT_URL)))
    ids = {a["title"]: a["id"] for a in run.json("articles")}
    with_url = ids["Harbour vote goes to the wire"]
    without_url = ids["Fishing fleet shrinks again"]
    notes = {
        "repeated": annotate(run, with_url, "--quote", "the harbour plan", "--occurrence", "2",
                             "--tag", "propaganda", "--tag", "opinion",
                             "--note", MULTILINE_NOTE),
        "unique": annotate(run, with_url, "--quote", "cost the town its beaches",
                           "--tag", "evidence", "--note", '=HYPERLINK("http://x")'),
        "long": annotate(run, with_url, "--quote", LONG_QUOTE, "--tag", "opinion"),
        "dash": annotate(run, without_url, "--quote", "- Fewer boats", "--tag", "opinion",
                         "--note", "+1", "--annotator", "other"),
        "formula": annotate(run, without_url, "--quote", "=SUM(B2:B9)", "--tag", "evidence",
                            "--note", "-2"),
        "unfair": annotate(run, without_url, "--quote", "unfair", "--occurrence", "1",
                           "--tag", "propaganda", "--note", "@SUM(A1)"),
    }
    return Fixture(with_url, without_url, notes)


def rows_of(exported: Exported, annotation_id: str) -> list[dict[str, str]]:
    return [r for r in exported.rows if r["annotation_id"] == annotation_id]


def directive(link: str) -> str:
    assert "#:~:text=" in link, link
    return link.split("#:~:text=", 1)[1]


# --- shape -------------------------------------------------------------------------------


def test_header_is_exactly_the_documented_columns(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    assert exported.header == list(CSV_COLUMNS)
    assert exported.header == [
        "article_id", "article_title", "outlet", "url", "published", "annotation_id",
        "annotator", "tag", "tag_path", "start", "end", "quote", "note", "created",
        "updated", "link",
    ]


def test_empty_library_exports_only_the_header(run, tmp_path):
    exported = export_file(run, tmp_path)
    assert exported.header == list(CSV_COLUMNS)
    assert exported.rows == []


def test_one_row_per_passage_and_tag(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    assert len(exported.rows) == 7
    two = rows_of(exported, filled.annotations["repeated"])
    assert sorted(r["tag"] for r in two) == ["opinion", "propaganda"]
    # the two rows describe the same passage
    assert len({(r["start"], r["end"], r["quote"], r["note"]) for r in two}) == 1
    for name in ("unique", "long", "dash", "formula", "unfair"):
        assert len(rows_of(exported, filled.annotations[name])) == 1


def test_rows_carry_the_article_fields(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    row = rows_of(exported, filled.annotations["unique"])[0]
    assert row["article_id"] == filled.with_url
    assert row["article_title"] == "Harbour vote goes to the wire"
    assert row["outlet"] == "Coastline Weekly"
    assert row["url"] == URL
    assert row["published"] == "2023-06-14"
    assert row["annotator"] == "tester"
    assert row["tag"] == "evidence" and row["tag_path"] == "evidence"
    assert row["created"] and row["updated"]
    other = rows_of(exported, filled.annotations["dash"])[0]
    assert other["annotator"] == "other"
    assert other["url"] == ""
    assert other["published"] == "2024-02-03T08:15"


def test_csv_uses_crlf_line_ends(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    first_line = exported.raw.split(b"\n", 1)[0]
    assert first_line.endswith(b"\r")
    assert exported.raw.endswith(b"\r\n")


def test_export_to_stdout_is_the_same_csv(run, filled, tmp_path):
    to_file = export_file(run, tmp_path)
    result = run("export", "--format", "csv")
    assert result.stdout_bytes == to_file.raw
    parsed = parse_csv(result.stdout_bytes)
    assert parsed.header == list(CSV_COLUMNS)
    assert len(parsed.rows) == 7


def test_export_to_a_file_says_how_many_rows(run, filled, tmp_path):
    out = tmp_path / "passages.csv"
    result = run("export", "--format", "csv", "-o", str(out))
    assert "wrote 7 rows" in result.stderr
    assert result.stdout == ""
    assert not list(tmp_path.glob("*.partial"))


def test_deleted_annotation_is_not_exported(run, filled, tmp_path):
    run("delete", filled.annotations["unique"])
    exported = export_file(run, tmp_path)
    assert rows_of(exported, filled.annotations["unique"]) == []
    assert len(exported.rows) == 6


# --- cell contents -----------------------------------------------------------------------


def test_note_with_newlines_commas_and_quotes_survives_exactly(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    for row in rows_of(exported, filled.annotations["repeated"]):
        assert row["note"] == MULTILINE_NOTE


def test_every_quote_is_the_article_text_from_start_to_end(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    texts = {i: article_text(run, i) for i in (filled.with_url, filled.without_url)}
    for row in exported.rows:
        raw = texts[row["article_id"]][int(row["start"]):int(row["end"])]
        if raw[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert row["quote"] == "'" + raw, row
        else:
            assert row["quote"] == raw, row


def test_quote_starting_with_a_dash_or_equals_is_neutralised(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    assert rows_of(exported, filled.annotations["dash"])[0]["quote"] == "'- Fewer boats"
    assert rows_of(exported, filled.annotations["formula"])[0]["quote"] == "'=SUM(B2:B9)"


@pytest.mark.parametrize(("name", "raw"), [
    ("unique", '=HYPERLINK("http://x")'),
    ("dash", "+1"),
    ("formula", "-2"),
    ("unfair", "@SUM(A1)"),
])
def test_formula_like_notes_are_neutralised_with_an_apostrophe(run, filled, tmp_path, name,
                                                               raw):
    exported = export_file(run, tmp_path)
    row = rows_of(exported, filled.annotations[name])[0]
    assert row["note"] == "'" + raw
    assert row["note"].startswith("'")


def test_json_annotations_keep_the_raw_note(run, filled):
    notes = {a["id"]: a for a in run.json("annotations")}
    assert notes[filled.annotations["unique"]]["note"] == '=HYPERLINK("http://x")'
    assert notes[filled.annotations["dash"]]["note"] == "+1"
    assert notes[filled.annotations["formula"]]["note"] == "-2"
    assert notes[filled.annotations["unfair"]]["note"] == "@SUM(A1)"
    assert notes[filled.annotations["dash"]]["exact"] == "- Fewer boats"
    assert notes[filled.annotations["repeated"]]["note"] == MULTILINE_NOTE


def test_note_with_tab_or_carriage_return_first_is_neutralised(run, filled, tmp_path):
    tab = annotate(run, filled.with_url, "--quote", "three public meetings", "--tag",
                   "evidence", "--note", "\tindented")
    exported = export_file(run, tmp_path)
    assert rows_of(exported, tab)[0]["note"] == "'\tindented"
    assert {a["id"]: a for a in run.json("annotations")}[tab]["note"] == "\tindented"


def test_ordinary_note_is_not_changed(run, filled, tmp_path):
    plain = annotate(run, filled.with_url, "--quote", "church hall", "--tag", "evidence",
                     "--note", "ordinary note, with a comma")
    exported = export_file(run, tmp_path)
    assert rows_of(exported, plain)[0]["note"] == "ordinary note, with a comma"


def test_accented_text_survives_the_round_trip(run, tmp_path):
    source = ("Caf\u00e9 owners protest\n\nThe caf\u00e9 owners in Gda\u0144sk say "
              "\u201cenough\u201d \U0001f30a and march on Friday.\n")
    run("import", str(write(tmp_path / "cafe.txt", source)))
    article_id = run.json("articles")[0]["id"]
    annotate(run, article_id, "--quote", "\u201cenough\u201d \U0001f30a", "--tag", "opinion",
             "--note", "na\u00efve \u2014 d\u00e9j\u00e0 vu")
    row = export_file(run, tmp_path).rows[0]
    assert row["quote"] == "\u201cenough\u201d \U0001f30a"
    assert row["note"] == "na\u00efve \u2014 d\u00e9j\u00e0 vu"
    text = article_text(run, article_id)
    assert text[int(row["start"]):int(row["end"])] == row["quote"]


# --- Excel byte-order mark ---------------------------------------------------------------


def test_excel_option_writes_a_utf8_bom_first(run, filled, tmp_path):
    exported = export_file(run, tmp_path, "--excel")
    assert exported.raw.startswith(b"\xef\xbb\xbf")
    assert not exported.raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    assert exported.header == list(CSV_COLUMNS)


def test_without_excel_there_is_no_bom(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    assert not exported.raw.startswith(b"\xef\xbb\xbf")
    assert exported.raw.startswith(b"article_id,")


def test_excel_option_on_stdout_writes_a_bom_too(run, filled):
    with_bom = run("export", "--format", "csv", "--excel").stdout_bytes
    without = run("export", "--format", "csv").stdout_bytes
    assert with_bom.startswith(b"\xef\xbb\xbf")
    assert with_bom[3:] == without
    assert not without.startswith(b"\xef\xbb\xbf")


def test_excel_file_reads_back_with_utf8_sig(run, filled, tmp_path):
    out = tmp_path / "excel.csv"
    run("export", "--format", "csv", "--excel", "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header == list(CSV_COLUMNS)


# --- filters -----------------------------------------------------------------------------


def test_tag_filter_keeps_only_that_tags_rows(run, filled, tmp_path):
    exported = export_file(run, tmp_path, "--tag", "propaganda")
    assert {r["tag"] for r in exported.rows} == {"propaganda"}
    assert {r["annotation_id"] for r in exported.rows} == {
        filled.annotations["repeated"], filled.annotations["unfair"]}
    assert len(exported.rows) == 2


def test_tag_filter_includes_child_tags(run, filled, tmp_path):
    run("tags", "use", "ptc")
    child = annotate(run, filled.with_url, "--quote", "the sea was the town's only future",
                     "--tag", "Loaded_Language")
    exported = export_file(run, tmp_path, "--tag", "propaganda")
    row = rows_of(exported, child)[0]
    assert row["tag"] == "Loaded_Language"
    assert row["tag_path"] == "propaganda/Loaded_Language"
    only_child = export_file(run, tmp_path, "--tag", "Loaded_Language")
    assert [r["annotation_id"] for r in only_child.rows] == [child]


def test_annotator_filter_keeps_only_that_annotators_rows(run, filled, tmp_path):
    exported = export_file(run, tmp_path, "--annotator", "other")
    assert [r["annotation_id"] for r in exported.rows] == [filled.annotations["dash"]]
    tester = export_file(run, tmp_path, "--annotator", "tester")
    assert len(tester.rows) == 6
    assert {r["annotator"] for r in tester.rows} == {"tester"}


def test_article_filter_keeps_only_that_articles_rows(run, filled, tmp_path):
    exported = export_file(run, tmp_path, "--article", filled.without_url[:8])
    assert {r["article_id"] for r in exported.rows} == {filled.without_url}
    assert len(exported.rows) == 3


def test_filters_combine(run, filled, tmp_path):
    exported = export_file(run, tmp_path, "--article", filled.with_url, "--tag", "opinion")
    assert sorted(r["annotation_id"] for r in exported.rows) == sorted(
        [filled.annotations["repeated"], filled.annotations["long"]])
    assert {r["tag"] for r in exported.rows} == {"opinion"}


def test_unknown_tag_is_a_clear_error(run, filled, tmp_path):
    out = tmp_path / "passages.csv"
    result = run("export", "--format", "csv", "--tag", "no-such-tag", "-o", str(out), ok=False)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "no-such-tag" in lines[0]
    assert "tag" in lines[0].lower()
    assert not out.exists()


def test_unknown_tag_to_stdout_writes_no_csv(run, filled):
    result = run("export", "--format", "csv", "--tag", "no-such-tag", ok=False)
    assert result.exit_code != 0
    assert "article_id" not in result.stdout
    assert "no-such-tag" in result.stderr


def test_unknown_article_is_a_clear_error(run, filled):
    result = run("export", "--format", "csv", "--article", "zzzzzzzz", ok=False)
    assert result.exit_code != 0
    assert "zzzzzzzz" in result.stderr
    assert "Traceback" not in result.output


# --- links -------------------------------------------------------------------------------


def test_link_is_empty_when_the_article_has_no_url(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    for row in exported.rows:
        if row["article_id"] == filled.without_url:
            assert row["link"] == ""


def test_link_for_a_unique_quote_has_no_context(run, filled, tmp_path):
    row = rows_of(export_file(run, tmp_path), filled.annotations["unique"])[0]
    assert row["link"] == URL + "#:~:text=cost%20the%20town%20its%20beaches"
    assert "-," not in row["link"] and ",-" not in row["link"]


def test_link_starts_with_the_url_and_is_percent_encoded(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    for row in exported.rows:
        if row["article_id"] != filled.with_url:
            continue
        assert row["link"].startswith(URL + "#:~:text=")
        text = directive(row["link"])
        # [prefix-,]start[,end][,-suffix]: raw '-' and ',' only as the syntax, no spaces
        assert DIRECTIVE.fullmatch(text), text


def test_link_for_a_repeated_quote_has_prefix_and_suffix_context(run, filled, tmp_path):
    exported = export_file(run, tmp_path)
    text = article_text(run, filled.with_url)
    rows = rows_of(exported, filled.annotations["repeated"])
    assert text.count("the harbour plan") == 2
    for row in rows:
        link = row["link"]
        assert link.startswith(URL + "#:~:text=")
        parts = directive(link).split(",")
        assert len(parts) == 3, link
        prefix, quote, suffix = parts
        assert prefix.endswith("-") and suffix.startswith("-")
        assert "-," in link and ",-" in link
        assert unquote(quote) == "the harbour plan"
        before = unquote(prefix[:-1])
        after = unquote(suffix[1:])
        assert before and after
        start, end = int(row["start"]), int(row["end"])
        # the context is the words right around this occurrence
        assert text[:start].rstrip().endswith(before)
        assert text[end:].lstrip().startswith(after)
        assert text.count(before + " the harbour plan") == 1


def test_link_for_a_long_quote_uses_its_first_and_last_words(run, filled, tmp_path):
    row = rows_of(export_file(run, tmp_path), filled.annotations["long"])[0]
    words = LONG_QUOTE.split()
    assert len(words) > 10
    assert row["link"] == (URL + "#:~:text=" + "%20".join(words[:4]) + ","
                           + "%20".join(words[-4:]))


def test_link_encodes_commas_in_the_quote(run, filled, tmp_path):
    quoted = annotate(run, filled.with_url, "--quote",
                      "the harbour plan would cost the town its beaches, and that",
                      "--tag", "evidence")
    row = rows_of(export_file(run, tmp_path), quoted)[0]
    text = directive(row["link"])
    assert "%2C" in text
    assert DIRECTIVE.fullmatch(text), text
    # the quote is 11 words: start and end phrases, the comma inside the end phrase encoded
    assert text == ("the%20harbour%20plan%20would,its%20beaches%2C%20and%20that")


def test_link_for_a_quote_with_a_hyphen_encodes_it(run, tmp_path):
    source = (f"Title: Sea-wall plan\nURL: {URL}\n\n"
              "The long-awaited sea-wall will be finished next year, officials said.\n")
    run("import", str(write(tmp_path / "wall.md", source)))
    article_id = run.json("articles")[0]["id"]
    note = annotate(run, article_id, "--quote", "long-awaited sea-wall", "--tag", "evidence")
    row = rows_of(export_file(run, tmp_path), note)[0]
    assert row["link"] == URL + "#:~:text=long%2Dawaited%20sea%2Dwall"


def test_unwritable_output_is_a_clear_error_and_leaves_nothing(run, filled, tmp_path):
    out = tmp_path / "no-such-folder" / "passages.csv"
    result = run("export", "--format", "csv", "-o", str(out), ok=False)
    assert result.exit_code != 0
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(out) in lines[0]
    assert not out.exists()
    assert not (tmp_path / "no-such-folder").exists()
