"""PTC (SemEval-2020 Task 11) articles and labels through the CLI.

The fixtures in tests/fixtures/ptc are invented for this project: three articles (one
starting with a byte-order mark, one with an emoji, one without a final newline) and their
TC and SI label files, with stacked spans and technique names that contain commas.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from support import FIXTURES, SHARED, write

from desktop.store.library import Library

PTC = FIXTURES / "ptc"
ARTICLES = PTC / "articles"
TC = PTC / "labels-tc"
SI = PTC / "labels-si"
SAMPLE = SHARED / "corpora" / "ptc-sample"


def label_lines(folder: Path, pattern: str = "*.labels") -> Counter[str]:
    """Every label line of the files in ``folder``, as a multiset."""
    lines: Counter[str] = Counter()
    for file in folder.glob(pattern):
        lines.update(line for line in file.read_text(encoding="utf-8").split("\n") if line)
    return lines


def texts_by_ptc_id(run) -> dict[str, dict]:
    found = {}
    for article in run.json("articles"):
        found[article["external_id"]] = json.loads(run("show", article["id"], "--json").stdout)
    return found


def snapshot(run) -> tuple[object, ...]:
    """Everything an import could change."""
    return (run("articles", "--json").stdout, run("annotations", "--json").stdout,
            run("tags", "list", "--all", "--json").stdout)


# --- import ------------------------------------------------------------------------------


def test_import_keeps_every_character_and_every_label_points_at_its_span(run):
    result = run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    assert "3 imported" in result.stdout
    assert "14 annotations added" in result.stdout
    articles = texts_by_ptc_id(run)
    assert set(articles) == {"1001", "1002", "1003"}
    for ptc_id, article in articles.items():
        raw = (ARTICLES / f"article{ptc_id}.txt").read_bytes().decode("utf-8")
        assert article["text"] == raw
        assert article["format"] == "ptc"
        assert article["title"] == raw.split("\n", 1)[0].lstrip("\ufeff")
    assert articles["1002"]["text"].startswith("\ufeff")  # the BOM is offset 0
    annotations = run.json("annotations")
    by_span = Counter()
    for a in annotations:
        ptc_id = next(k for k, v in articles.items() if v["id"] == a["article_id"])
        assert articles[ptc_id]["text"][a["start"]:a["end"]] == a["exact"]
        assert a["annotator"] == "tester"
        assert len(a["tags"]) == 1 and a["tag_paths"][0].startswith("propaganda/")
        by_span[f"{ptc_id}\t{a['tags'][0]}\t{a['start']}\t{a['end']}"] += 1
    assert by_span == label_lines(TC)


def test_technique_names_with_commas_map_to_the_shipped_tags(run):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    paths = {p for a in run.json("annotations") for p in a["tag_paths"]}
    assert "propaganda/Exaggeration,Minimisation" in paths
    assert "propaganda/Whataboutism,Straw_Men,Red_Herring" in paths
    assert "propaganda/Bandwagon,Reductio_ad_hitlerum" in paths
    # no tag was invented for them
    assert "new tags" not in run("import", "--format", "ptc", str(ARTICLES), "--labels",
                                 str(TC)).stdout


def test_si_labels_are_tagged_propaganda(run):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(SI))
    annotations = run.json("annotations")
    assert len(annotations) == sum(label_lines(SI).values())
    assert {tuple(a["tag_paths"]) for a in annotations} == {("propaganda",)}


def test_importing_the_same_articles_and_labels_again_changes_nothing(run):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    before = snapshot(run)
    again = run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    assert "0 imported, 3 already in the library" in again.stdout
    assert "0 annotations added, 14 already in the library" in again.stdout
    assert snapshot(run) == before


def test_import_annotations_adds_labels_to_articles_already_in_the_library(run):
    run("import", "--format", "ptc", str(ARTICLES))
    assert run.json("annotations") == []
    result = run("import-annotations", "--format", "ptc", str(TC / "article1003.task2-TC.labels"),
                 "--annotator", "alice")
    assert "5 annotations added" in result.stdout
    annotations = run.json("annotations")
    assert {a["annotator"] for a in annotations} == {"alice"}
    # another annotator's identical labels are that annotator's own annotations
    run("import-annotations", "--format", "ptc", str(TC), "--annotator", "bob")
    assert len(run.json("annotations")) == 5 + 14


def test_an_unknown_technique_becomes_a_new_tag_under_propaganda(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES))
    labels = write(tmp_path / "x.labels", "1001\tObfuscation,Intentional_Vagueness,Confusion\t0"
                                          "\t7\n")
    result = run("import-annotations", "--format", "ptc", str(labels))
    assert "new tags: propaganda/Obfuscation,Intentional_Vagueness,Confusion" in result.stdout
    (annotation,) = run.json("annotations")
    assert annotation["tag_paths"] == ["propaganda/Obfuscation,Intentional_Vagueness,Confusion"]
    assert annotation["exact"] == "Harbour"


def test_a_crlf_article_is_stored_byte_for_byte(run, tmp_path):
    raw = "Title line\r\n\r\nBody with \u00e9 and \u2019 quotes.\r\n".encode()
    write(tmp_path / "in" / "article42.txt", raw)
    write(tmp_path / "labels" / "a.labels", "42\tLoaded_Language\t19\t25\r\n")
    run("import", "--format", "ptc", str(tmp_path / "in"), "--labels", str(tmp_path / "labels"))
    (article,) = texts_by_ptc_id(run).values()
    assert article["text"].encode("utf-8") == raw
    (annotation,) = run.json("annotations")
    assert annotation["exact"] == raw.decode()[19:25] == "with \u00e9"


# --- export ------------------------------------------------------------------------------


def test_export_writes_the_articles_byte_for_byte_and_every_label_line(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    out = tmp_path / "out"
    result = run("export", "--format", "ptc", "-o", str(out))
    assert "wrote 3 articles, 14 technique labels" in result.stderr
    for source in ARTICLES.glob("article*.txt"):
        assert (out / source.name).read_bytes() == source.read_bytes()
    assert label_lines(out, "*.task2-TC.labels") == label_lines(TC)
    assert not list(out.glob("*.task1-SI.labels"))


def test_export_writes_si_and_tc_files_when_both_were_imported(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    run("import-annotations", "--format", "ptc", str(SI))
    out = tmp_path / "out"
    run("export", "--format", "ptc", "-o", str(out))
    assert label_lines(out, "*.task2-TC.labels") == label_lines(TC)
    assert label_lines(out, "*.task1-SI.labels") == label_lines(SI)


def test_exported_folder_imports_into_a_new_library_unchanged(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    first = tmp_path / "first"
    run("export", "--format", "ptc", "-o", str(first))
    other = type(run)(tmp_path / "other.db")
    other("import", "--format", "ptc", str(first), "--labels", str(first))
    second = tmp_path / "second"
    other("export", "--format", "ptc", "-o", str(second))
    assert sorted(f.name for f in second.iterdir()) == sorted(f.name for f in first.iterdir())
    for file in first.iterdir():
        assert (second / file.name).read_bytes() == file.read_bytes()


def test_passages_made_here_exported_and_imported_back_are_not_doubled(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES))
    run("annotate", "1001", "--start", "0", "--end", "7", "--tag", "Doubt")
    before = run.json("annotations")
    out = tmp_path / "out"
    run("export", "--format", "ptc", "-o", str(out))
    result = run("import-annotations", "--format", "ptc", str(out), "--annotator", "tester")
    assert "0 annotations added, 1 already in the library" in result.stdout
    assert run.json("annotations") == before


def test_identical_label_lines_each_survive(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES))
    line = "1001\tRepetition\t0\t7\n"
    labels = write(tmp_path / "dup.labels", line + line + "1001\tDoubt\t0\t7\n")
    assert "3 annotations added" in run("import-annotations", "--format", "ptc",
                                        str(labels)).stdout
    out = tmp_path / "out"
    run("export", "--format", "ptc", "-o", str(out), "--article", "1001")
    assert label_lines(out) == Counter({line.strip("\n"): 2, "1001\tDoubt\t0\t7": 1})


def test_export_filters_by_annotator_and_tag(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    run("import-annotations", "--format", "ptc", str(SI), "--annotator", "si-team")
    out = tmp_path / "mine"
    run("export", "--format", "ptc", "-o", str(out), "--annotator", "si-team")
    assert label_lines(out, "*.task1-SI.labels") == label_lines(SI)
    assert label_lines(out, "*.task2-TC.labels") == Counter()
    slogans = tmp_path / "slogans"
    run("export", "--format", "ptc", "-o", str(slogans), "--tag", "Slogans")
    assert label_lines(slogans) == Counter({"1002\tSlogans\t198\t221": 1})


def test_export_of_other_articles_uses_their_id_and_canonical_text(run, tmp_path):
    write(tmp_path / "note.txt", "A plain title\n\nThe plan is a disaster, critics said.\n")
    run("import", str(tmp_path / "note.txt"))
    (article,) = run.json("articles")
    run("annotate", article["id"], "--quote", "a disaster", "--tag", "Loaded_Language")
    out = tmp_path / "out"
    run("export", "--format", "ptc", "-o", str(out))
    text = (out / f"article{article['id']}.txt").read_bytes().decode("utf-8")
    (line,) = label_lines(out)
    ptc_id, technique, start, end = line.split("\t")
    assert (ptc_id, technique) == (article["id"], "Loaded_Language")
    assert text[int(start):int(end)] == "a disaster"


def test_export_ptc_needs_a_folder(run, tmp_path):
    result = run("export", "--format", "ptc", ok=False)
    assert result.exit_code == 1
    assert "give -o FOLDER" in result.stderr
    file = write(tmp_path / "file.txt", "x")
    result = run("export", "--format", "ptc", "-o", str(file), ok=False)
    assert result.exit_code == 1 and "not a folder" in result.stderr


# --- bad input ---------------------------------------------------------------------------

BAD_LINES = [
    ("1001\t0\t5\textra\tcolumn\n", "line 1: expected 3 tab-separated columns"),
    ("1001 0 5\n", "line 1: expected 3 tab-separated columns"),
    ("1001\tDoubt\t0\tfive\n", "line 1: the end offset 'five' is not a whole number"),
    ("1001\tDoubt\t-1\t5\n", "line 1: the start offset '-1' is negative: offsets count "
                             "characters from 0"),
    ("1001\tDoubt\t0\t5\n1001\tDoubt\t10\t9999\n", "line 2: the passage 10..9999 is out of range"),
    ("1001\tDoubt\t9\t5\n", "line 1: the passage 9..5 is empty or reversed"),
    ("\n1001\tDoubt\t0\t5\n999\tDoubt\t0\t5\n", "line 3: no article with PTC id '999'"),
    ("1001\t\t0\t5\n", "line 1: bad technique ''"),
    # leading zeros are no digits of the number: 00…09999 is 9999, out of range
    ("1001\tDoubt\t0\t" + "0" * 40 + "9999\n", "line 1: the passage 0..9999 is out of range"),
]


@pytest.mark.parametrize(("content", "message"), BAD_LINES)
def test_bad_label_lines_are_refused_naming_file_and_line_and_change_nothing(
        run, tmp_path, content, message):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    before = snapshot(run)
    labels = write(tmp_path / "bad" / "article1001.task2-TC.labels", content)
    result = run("import-annotations", "--format", "ptc", str(labels), ok=False)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert f"{labels}: {message}" in result.stderr
    assert snapshot(run) == before


@pytest.mark.parametrize(("content", "message"), BAD_LINES[:3] + BAD_LINES[4:])
def test_a_bad_label_line_stops_the_articles_too(run, tmp_path, content, message):
    labels = write(tmp_path / "bad.labels", content)
    result = run("import", "--format", "ptc", str(ARTICLES), "--labels", str(labels), ok=False)
    assert result.exit_code == 1
    assert f"{labels}: {message}" in result.stderr
    assert run.json("articles") == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("article7.txt", b"", "the file is empty"),
    ("article7.txt", b"Title\n\nCaf\xe9\n", "not valid UTF-8: byte 0xe9 at offset 10 (line 3)"),
    ("article7.txt", b"Ti\x00tle\n", "binary file"),
])
def test_bad_article_files_import_nothing(run, tmp_path, name, content, message):
    folder = tmp_path / "in"
    shutil.copytree(ARTICLES, folder)
    bad = write(folder / name, content)
    result = run("import", "--format", "ptc", str(folder), ok=False)
    assert result.exit_code == 1
    assert f"{bad}: {message}" in result.stderr
    assert run.json("articles") == []


def test_other_files_in_the_articles_folder_are_skipped(run, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(ARTICLES, folder)
    write(folder / "notes.md", "not an article")
    result = run("import", "--format", "ptc", str(folder))
    assert "skipped" in result.stdout and "notes.md" in result.stdout
    assert len(run.json("articles")) == 3


def test_a_changed_text_under_the_same_ptc_id_is_refused(run, tmp_path):
    run("import", "--format", "ptc", str(ARTICLES))
    write(tmp_path / "in" / "article1001.txt", "Another text\n\nentirely.\n")
    result = run("import", "--format", "ptc", str(tmp_path / "in"), ok=False)
    assert result.exit_code == 1 and "external id '1001'" in result.stderr
    assert len(run.json("articles")) == 3


def test_labels_need_the_ptc_format(run, tmp_path):
    result = run("import", str(ARTICLES / "article1001.txt"), "--labels", str(TC), ok=False)
    assert result.exit_code == 1 and "--labels needs --format ptc" in result.stderr


def test_reimporting_labels_over_an_edited_annotation_is_refused(run):
    run("import", "--format", "ptc", str(ARTICLES), "--labels", str(TC))
    first = run.json("annotations")[0]
    run("tags", "add", "checked")
    run("annotate", first["article_id"], "--start", "0", "--end", "3", "--tag", "checked")
    with Library(run.db) as library:
        library.annotations.set_note(first["id"], "looked at this")
    before = snapshot(run)
    result = run("import-annotations", "--format", "ptc", str(TC), ok=False)
    assert result.exit_code == 1 and "with a different note" in result.stderr
    assert snapshot(run) == before


# --- the real corpus sample (kept outside the repository) --------------------------------


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="the PTC sample in ../shared is absent")
def test_the_ptc_sample_round_trips_with_exact_offsets(run, tmp_path):
    tc = SAMPLE / "train-labels-task2-technique-classification"
    run("import", "--format", "ptc", str(SAMPLE / "train-articles"), "--labels", str(tc))
    articles = texts_by_ptc_id(run)
    assert set(articles) == {"111111111", "735265649", "703056647", "705409419"}
    bom = articles["705409419"]
    raw = (SAMPLE / "train-articles" / "article705409419.txt").read_bytes().decode("utf-8")
    assert raw.startswith("\ufeff") and bom["text"] == raw
    for line in label_lines(tc, "article705409419.*"):
        _, technique, start, end = line.split("\t")
        (match,) = [a for a in bom["annotations"]
                    if (a["start"], a["end"], a["tags"][0]) == (int(start), int(end), technique)]
        assert match["exact"] == raw[int(start):int(end)]
    for article in articles.values():
        for a in article["annotations"]:
            assert article["text"][a["start"]:a["end"]] == a["exact"]

    out = tmp_path / "out"
    run("export", "--format", "ptc", "-o", str(out))
    for source in (SAMPLE / "train-articles").glob("article*.txt"):
        assert (out / source.name).read_bytes() == source.read_bytes()
    assert label_lines(out, "*.task2-TC.labels") == label_lines(tc)
