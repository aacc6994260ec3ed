"""brat standoff documents (.txt and .ann) through the CLI: export, import, bad input.

The fixtures in tests/fixtures/brat are invented for this project; their README says what
each one holds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import FIXTURES, dump, write

BRAT = FIXTURES / "brat"
CORPUS = BRAT / "corpus"
LETTER = CORPUS / "harbour-letter.txt"
REVIEW = CORPUS / "unicode" / "cafe-review.txt"


def exact_text(path: Path) -> str:
    """A .txt file as brat reads it: UTF-8, no line-end translation."""
    return path.read_bytes().decode("utf-8")


def t_lines(ann: Path) -> list[tuple[str, str, list[tuple[int, int]], str]]:
    """The T lines of an .ann file: id, type, fragments, text field."""
    found = []
    for line in exact_text(ann).split("\n"):
        if line.startswith("T"):
            t_id, data, text = line.split("\t", 2)
            kind, offsets = data.split(" ", 1)
            fragments = [(int(a), int(b)) for a, b in (f.split() for f in offsets.split(";"))]
            found.append((t_id, kind, fragments, text))
    return found


def note_lines(ann: Path) -> dict[str, str]:
    """The AnnotatorNotes of an .ann file, by the T id they are on."""
    found = {}
    for line in exact_text(ann).split("\n"):
        if line.startswith("#"):
            _, data, note = line.split("\t", 2)
            kind, target = data.split()
            assert kind == "AnnotatorNotes"
            found[target] = note
    return found


def assert_offsets_point_at_the_text(folder: Path) -> int:
    """Every T line's fragments, joined by a space, are its text field; returns how many."""
    count = 0
    for ann in folder.glob("*.ann"):
        text = exact_text(ann.with_suffix(".txt"))
        for _, _, fragments, field in t_lines(ann):
            assert " ".join(text[s:e] for s, e in fragments) == field
            assert not any(c in text[s:e] for s, e in fragments for c in "\r\n")
            count += 1
    return count


def passages(run) -> set[tuple[str, int, int, tuple[str, ...], str]]:
    """Every annotation as (article text hash, start, end, tag paths, note)."""
    hashes = {a["id"]: a["text_sha256"] for a in run.json("articles")}
    return {(hashes[a["article_id"]], a["start"], a["end"], tuple(sorted(a["tag_paths"])),
             a["note"]) for a in run.json("annotations")}


def article_ids(run) -> dict[str, str]:
    """Article ids by the name of the file they were imported from."""
    return {Path(a["source_path"]).name: a["id"] for a in run.json("articles")}


def one_article(run, tmp_path: Path, raw: bytes, name: str = "doc") -> dict:
    """Imports ``raw`` as a brat text without annotations; returns the article."""
    run("import", "--format", "brat", str(write(tmp_path / "in" / f"{name}.txt", raw)))
    (article,) = [a for a in run.json("articles") if a["source_path"].endswith(f"{name}.txt")]
    return article


# --- export ------------------------------------------------------------------------------


def test_export_offsets_are_code_points_of_the_exact_text_with_emoji_marks_and_crlf(
        run, tmp_path):
    raw = ("Caf\u00e9 \U0001F41F report\r\n\r\nThe cafe\u0301 \U0001F41F\U0001F41F sells "
           "\"fresh\" fish.\r\nIt arrives frozen.\r\n").encode()
    article = one_article(run, tmp_path, raw)
    run("annotate", article["id"], "--quote", "\U0001F41F report", "--tag", "evidence")
    run("annotate", article["id"], "--quote", "cafe\u0301 \U0001F41F\U0001F41F sells",
        "--tag", "opinion")
    run("annotate", article["id"], "--quote", "fish.\r\nIt arrives", "--tag", "Doubt")
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    (txt,) = out.glob("*.txt")
    assert txt.read_bytes() == raw  # no line-end translation, no byte-order mark
    assert assert_offsets_point_at_the_text(out) == 3
    text = raw.decode()
    lines = {kind: (fragments, field) for _, kind, fragments, field in t_lines(
        txt.with_suffix(".ann"))}
    start = text.index("\U0001F41F report")
    assert start == 5  # five code points before the emoji; UTF-16 would count the same
    assert lines["evidence"] == ([(5, 5 + len("\U0001F41F report"))], "\U0001F41F report")
    assert lines["opinion"][1] == "cafe\u0301 \U0001F41F\U0001F41F sells"
    fish = text.index("fish.\r\n")
    assert lines["Doubt"] == ([(fish, fish + 5), (fish + 7, fish + 17)], "fish. It arrives")


def test_a_passage_across_lines_is_written_as_fragments_split_at_the_line_breaks(run, tmp_path):
    raw = b"Title\n\nFirst paragraph ends here.   \n\n  Second one starts\nand goes on.\n"
    article = one_article(run, tmp_path, raw)
    text = raw.decode()
    start, end = text.index("ends here"), text.index(" goes on")
    run("annotate", article["id"], "--start", str(start), "--end", str(end), "--tag",
        "opinion")
    out = tmp_path / "out"
    result = run("export", "--format", "brat", "-o", str(out))
    assert "1 text-bound annotation" in result.stderr
    (ann,) = out.glob("*.ann")
    ((_, kind, fragments, field),) = t_lines(ann)
    assert kind == "opinion"
    assert [text[s:e] for s, e in fragments] == ["ends here.", "Second one starts", "and"]
    assert field == "ends here. Second one starts and"
    assert (fragments[0][0], fragments[-1][1]) == (start, end)


def test_a_line_break_at_the_end_of_a_passage_is_left_out_and_counted(run, tmp_path):
    raw = b"Title\n\nOne line.\nNext line.\n"
    article = one_article(run, tmp_path, raw)
    start = raw.decode().index("One")
    run("annotate", article["id"], "--start", str(start), "--end", str(start + 10), "--tag",
        "opinion")
    out = tmp_path / "out"
    result = run("export", "--format", "brat", "-o", str(out))
    assert "1 passage written without the line breaks at the start or end" in result.stderr
    (ann,) = out.glob("*.ann")
    assert t_lines(ann) == [("T1", "opinion", [(start, start + 9)], "One line.")]


def test_annotation_conf_declares_the_types_with_child_tags_indented_under_their_parent(
        run, tmp_path):
    run("import", "--format", "brat", str(CORPUS))
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    conf = exact_text(out / "annotation.conf")
    entities = conf.split("[entities]\n", 1)[1].split("\n\n", 1)[0].split("\n")
    assert entities == ["Claim", "evidence", "\tAnecdote", "framing", "\tScapegoating",
                        "opinion", "propaganda", "\tAppeal_to_fear-prejudice", "\tDoubt",
                        "\tLoaded_Language", "\tName_Calling_Labeling"]
    for section in ("[relations]", "[events]", "[attributes]"):
        assert f"\n{section}\n" in conf
    used = {kind for ann in out.glob("*.ann") for _, kind, _, _ in t_lines(ann)}
    assert used == {e.strip() for e in entities} - {"evidence", "framing", "propaganda"}


def test_one_t_line_per_tag_and_the_note_on_the_first(run, tmp_path):
    run("import", "--format", "brat", str(CORPUS))
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out), "--article", article_ids(run)[LETTER.name])
    (ann,) = out.glob("*.ann")
    lines = t_lines(ann)
    rip = [(t_id, kind) for t_id, kind, _, field in lines if field == "rip up the seabed"]
    assert rip == [("T1", "Appeal_to_fear-prejudice"), ("T2", "Loaded_Language")]
    assert note_lines(ann)["T1"] == ("Vivid verb for routine maintenance works. Also plays "
                                     "on the fear of losing the bay.")


def test_file_names_are_a_slug_of_the_title_and_the_id(run, tmp_path):
    run("import", "--format", "brat", str(CORPUS))
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    ids = article_ids(run)
    letter = f"letter-the-dredging-plan-will-drown-kest-{ids[LETTER.name][:8]}"
    review = f"cafe-rsted-the-freshest-catch-in-town-{ids[REVIEW.name][:8]}"  # Ø has no ASCII
    names = sorted(f.name for f in out.iterdir())
    assert names == sorted(["annotation.conf", f"{letter}.ann", f"{letter}.txt",
                            f"{review}.ann", f"{review}.txt"])
    again = tmp_path / "again"
    run("export", "--format", "brat", "-o", str(again))
    assert sorted(f.name for f in again.iterdir()) == names
    for file in out.iterdir():
        assert (again / file.name).read_bytes() == file.read_bytes()


def test_notes_are_written_on_one_line(run, tmp_path):
    article = one_article(run, tmp_path, b"Title\n\nA claim without a source.\n")
    run("annotate", article["id"], "--quote", "without a source", "--tag", "evidence",
        "--note", "First line.\n\nSecond\tline,\r\nthird.")
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    (ann,) = out.glob("*.ann")
    assert note_lines(ann) == {"T1": "First line. Second line, third."}
    assert exact_text(ann).count("\n") == 2


def test_untagged_orphaned_and_line_break_passages_are_left_out_and_counted(run, tmp_path):
    article = one_article(run, tmp_path, b"Title\n\nOne.\n\nTwo words here.\n")
    run("tags", "add", "draft")
    run("annotate", article["id"], "--quote", "Two words", "--tag", "draft")
    run("tags", "remove", "draft", "--force")  # the passage keeps no tag
    run("annotate", article["id"], "--quote", "One.", "--tag", "opinion")
    run("annotate", article["id"], "--start", "11", "--end", "13", "--tag", "evidence")  # \n\n
    run("annotate", article["id"], "--quote", "here", "--tag", "evidence")
    other = one_article(run, tmp_path, b"Another\n\nA passage that will vanish.\n", "other")
    run("annotate", other["id"], "--quote", "will vanish", "--tag", "opinion")
    run("import", str(write(tmp_path / "new.txt", "Another\n\nSomething else entirely.\n")),
        "--replace", other["id"])
    assert run.json("articles")[-1]["orphan_count"] == 1
    out = tmp_path / "out"
    result = run("export", "--format", "brat", "-o", str(out))
    assert "wrote 1 article with 2 text-bound annotations and 0 notes" in result.stderr
    assert "1 orphaned passage left out" in result.stderr
    assert "1 passage without tags left out" in result.stderr
    assert "1 passage of only line breaks left out" in result.stderr
    (ann,) = out.glob("*.ann")
    assert [field for _, _, _, field in t_lines(ann)] == ["One.", "here"]


def test_export_filters_by_tag_and_annotator(run, tmp_path):
    run("import", "--format", "brat", str(CORPUS))
    out = tmp_path / "propaganda"
    run("export", "--format", "brat", "-o", str(out), "--tag", "propaganda")
    kinds = {kind for ann in out.glob("*.ann") for _, kind, _, _ in t_lines(ann)}
    assert kinds == {"Loaded_Language", "Appeal_to_fear-prejudice", "Doubt",
                     "Name_Calling_Labeling"}
    nobody = tmp_path / "nobody"
    result = run("export", "--format", "brat", "-o", str(nobody), "--annotator", "nobody")
    assert "wrote 0 articles" in result.stderr
    assert [f.name for f in nobody.iterdir()] == ["annotation.conf"]


def test_a_tag_name_with_spaces_is_written_with_underscores(run, tmp_path):
    article = one_article(run, tmp_path, b"Title\n\nThe so-called experts.\n")
    run("tags", "add", "wording choice")
    run("annotate", article["id"], "--quote", "so-called", "--tag", "wording choice")
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    (ann,) = out.glob("*.ann")
    assert [kind for _, kind, _, _ in t_lines(ann)] == ["wording_choice"]
    assert "\nwording_choice\n" in exact_text(out / "annotation.conf")


def test_export_brat_needs_a_folder(run, tmp_path):
    result = run("export", "--format", "brat", ok=False)
    assert result.exit_code == 1 and "give -o FOLDER" in result.stderr
    file = write(tmp_path / "file.txt", "x")
    result = run("export", "--format", "brat", "-o", str(file), ok=False)
    assert result.exit_code == 1 and "not a folder" in result.stderr


# --- import ------------------------------------------------------------------------------


def test_import_keeps_the_text_exactly_and_every_annotation_points_at_its_span(run):
    result = run("import", "--format", "brat", str(CORPUS))
    assert "3 imported, 0 already in the library, 1 skipped" in result.stdout
    assert "reading-list.md: not a brat document" in result.stdout
    articles = {Path(a["source_path"]).name: a for a in run.json("articles")}
    for path in (LETTER, REVIEW, CORPUS / "ferry-notice.txt"):
        shown = run.json("show", articles[path.name]["id"])
        assert shown["text"] == exact_text(path)
        assert shown["external_id"] is None
        for a in shown["annotations"]:
            assert shown["text"][a["start"]:a["end"]] == a["exact"]
            assert a["annotator"] == "tester"
    assert articles["ferry-notice.txt"]["title"] == "Ferry timetable changes from Monday"
    assert articles["ferry-notice.txt"]["annotation_count"] == 0
    assert articles["harbour-letter.txt"]["title"] == exact_text(LETTER).split("\n")[0]


def test_t_lines_on_one_span_are_one_annotation_with_every_tag_and_note(run):
    result = run("import", "--format", "brat", str(LETTER))
    assert "5 annotations added" in result.stdout
    (rip,) = [a for a in run.json("annotations") if a["exact"] == "rip up the seabed"]
    assert rip["tag_paths"] == ["propaganda/Appeal_to_fear-prejudice",
                                "propaganda/Loaded_Language"]
    assert rip["note"] == ("Vivid verb for routine maintenance works.\n\n"
                           "Also plays on the fear of losing the bay.")


def test_other_brat_lines_are_ignored_and_counted(run):
    result = run("import", "--format", "brat", str(LETTER))
    assert ("ignored: 1 relation, 1 event, 1 attribute, 1 normalization, 1 equivalence, "
            "2 comments") in result.stdout


def test_a_discontinuous_span_across_a_line_break_is_one_passage(run):
    run("import", "--format", "brat", str(LETTER))
    (claim,) = [a for a in run.json("annotations") if a["tag_paths"] == ["Claim"]]
    assert claim["exact"] == "it was the council that let the\ntrawlers in"
    assert (claim["start"], claim["end"]) == (185, 228)


def test_new_types_go_under_the_parent_annotation_conf_gives(run):
    result = run("import", "--format", "brat", str(CORPUS))
    assert "new tags: Claim, evidence/Anecdote, framing, framing/Scapegoating" in result.stdout
    paths = {p for a in run.json("annotations") for p in a["tag_paths"]}
    assert {"framing/Scapegoating", "evidence/Anecdote", "Claim",
            "propaganda/Loaded_Language", "propaganda/Doubt",
            "propaganda/Name_Calling,Labeling", "opinion"} <= paths


def test_a_type_nested_deeper_goes_under_its_top_level_ancestor(run, tmp_path):
    shutil.copy(LETTER, tmp_path / "letter.txt")
    write(tmp_path / "annotation.conf", "[entities]\nsource\n  witness\n    photo\n")
    write(tmp_path / "letter.ann", "T1\tphoto 0 6\tLetter\n")
    run("import", "--format", "brat", str(tmp_path))
    (annotation,) = run.json("annotations")
    assert annotation["tag_paths"] == ["source/photo"]


def test_technique_names_are_written_as_brat_keeps_them_and_read_back_as_they_were(
        run, tmp_path):
    article = one_article(run, tmp_path, b"Title\n\nThe so-called experts, always wrong.\n")
    run("tags", "add", "Émotion", "--parent", "propaganda")
    run("annotate", article["id"], "--quote", "so-called", "--tag", "Name_Calling,Labeling",
        "--tag", "Whataboutism,Straw_Men,Red_Herring")
    run("annotate", article["id"], "--quote", "always wrong", "--tag", "Émotion")
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    (ann,) = out.glob("*.ann")
    kinds = sorted(kind for _, kind, _, _ in t_lines(ann))
    assert kinds == ["Name_Calling_Labeling", "Whataboutism_Straw_Men_Red_Herring", "_motion"]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", kind) for kind in kinds)
    other = type(run)(tmp_path / "other.db")
    other("tags", "add", "Émotion", "--parent", "propaganda")
    result = other("import", "--format", "brat", str(out))
    assert "new tags" not in result.stdout
    assert sorted(p for a in other.json("annotations") for p in a["tag_paths"]) == [
        "propaganda/Name_Calling,Labeling", "propaganda/Whataboutism,Straw_Men,Red_Herring",
        "propaganda/Émotion"]


def test_a_type_with_underscores_finds_the_tag_with_spaces(run, tmp_path):
    run("tags", "add", "wording choice")
    shutil.copy(LETTER, tmp_path / "letter.txt")
    write(tmp_path / "letter.ann", "T1\twording_choice 0 6\tLetter\n")
    result = run("import", "--format", "brat", str(tmp_path))
    assert "new tags" not in result.stdout
    (annotation,) = run.json("annotations")
    assert annotation["tag_paths"] == ["wording choice"]


def test_importing_the_same_folder_twice_adds_nothing(run):
    run("import", "--format", "brat", str(CORPUS))
    before = dump(run.db)
    again = run("import", "--format", "brat", str(CORPUS))
    assert "0 imported, 3 already in the library" in again.stdout
    assert "0 annotations added, 9 already in the library" in again.stdout
    assert dump(run.db) == before


def test_exported_folder_imports_into_a_new_library_with_the_same_passages(run, tmp_path):
    run("import", "--format", "brat", str(CORPUS))
    article = one_article(run, tmp_path, b"Title\n\nOne paragraph.\n\nAnd the next one.\n")
    run("annotate", article["id"], "--quote", "paragraph.\n\nAnd", "--tag", "evidence",
        "--note", "Spans a paragraph break.")
    run("annotate", article["id"], "--quote", "the next", "--tag", "opinion", "--tag",
        "Slogans", "--tag", "Anecdote")
    first = tmp_path / "first"
    run("export", "--format", "brat", "-o", str(first))
    other = type(run)(tmp_path / "other.db")
    result = other("import", "--format", "brat", str(first))
    assert "new tags: Claim, evidence/Anecdote, framing, framing/Scapegoating" in result.stdout
    flattened = {(h, s, e, tags, re.sub(r"[\t\n]+", " ", note))
                 for h, s, e, tags, note in passages(run)}
    assert passages(other) == flattened
    second = tmp_path / "second"  # the same files, but for the new article ids in the names
    other("export", "--format", "brat", "-o", str(second))
    assert sorted(f.read_bytes() for f in second.iterdir()) == sorted(
        f.read_bytes() for f in first.iterdir())
    assert sorted(exact_text(f) for f in second.glob("*.ann")) == sorted(
        exact_text(f) for f in first.glob("*.ann"))


def test_an_export_imported_back_into_its_own_library_adds_nothing(run, tmp_path):
    article = one_article(run, tmp_path, b"Title\n\nOne paragraph.\n\nAnd the next one.\n")
    run("annotate", article["id"], "--quote", "One paragraph", "--tag", "evidence",
        "--note", "a note")
    run("annotate", article["id"], "--quote", "the next", "--tag", "opinion", "--tag",
        "Slogans")
    before = passages(run)
    out = tmp_path / "out"
    run("export", "--format", "brat", "-o", str(out))
    # edited in brat: one passage added beside the exported ones
    [ann] = out.glob("*.ann")
    text = exact_text(out / ann.name.replace(".ann", ".txt"))
    at = text.index("And")
    ann.write_text(ann.read_text(encoding="utf-8")
                   + f"T9\topinion {at} {at + 3}\tAnd\n", encoding="utf-8")
    result = run("import", "--format", "brat", str(out), "--annotator", "tester")
    assert "1 annotation added" in result.stdout
    after = passages(run)
    assert len(after) == len(before) + 1 and before <= after


def test_import_annotations_finds_the_articles_by_their_text(run, tmp_path):
    texts = tmp_path / "texts"
    for path in (LETTER, REVIEW):
        write(texts / path.name, path.read_bytes())
    run("import", "--format", "brat", str(texts))
    assert run.json("annotations") == []
    result = run("import-annotations", "--format", "brat", str(CORPUS), "--annotator",
                 "alice")
    assert "9 annotations added" in result.stdout
    assert "ignored: 1 relation" in result.stdout
    annotations = run.json("annotations")
    assert {a["annotator"] for a in annotations} == {"alice"}
    assert len({a["article_id"] for a in annotations}) == 2
    again = run("import-annotations", "--format", "brat", str(REVIEW.with_suffix(".ann")),
                "--annotator", "alice")
    assert "0 annotations added, 4 already in the library" in again.stdout


def test_a_text_matched_by_hash_gets_the_annotations_of_a_second_import(run, tmp_path):
    run("import", "--format", "brat", str(LETTER))
    ids = {a["id"] for a in run.json("articles")}
    copy = tmp_path / "copy"
    write(copy / "same-text.txt", LETTER.read_bytes())
    write(copy / "same-text.ann", "T1\tevidence 0 6\tLetter\n")
    result = run("import", "--format", "brat", str(copy))
    assert "0 imported, 1 already in the library" in result.stdout
    assert {a["id"] for a in run.json("articles")} == ids
    assert "1 annotation added" in result.stdout


# --- bad input ---------------------------------------------------------------------------

GOOD = "T1\tClaim 0 6\tLetter\n"
BAD_ANN = [
    ("T1 Claim 0 6 Letter\n", "line 1: malformed line"),
    (GOOD + "T2\tClaim 0 6\n", "line 2: malformed text-bound line"),
    ("T1\tClaim zero 6\tLetter\n", "line 1: T1: bad offsets 'zero 6'"),
    (GOOD + "\nT2\tClaim 10 99999\tx\n", "line 3: T2: the span 10..99999 is out of range"),
    ("T1\tClaim 6 0\tLetter\n", "line 1: T1: the span 6..0 is reversed"),
    ("T1\tClaim 0 6\tLetters\n", "line 1: T1: the text field 'Letters' is not the text at "
                                 "0 6 ('Letter')"),
    ("T1\t 0 6\tLetter\n", "line 1: T1: the type is empty"),
    (GOOD + "#1\tAnnotatorNotes T9\tlost\n", "line 2: AnnotatorNotes on T9, which is not in "
                                             "the file"),
    (GOOD + "T1\tClaim 8 11\tThe\n", "line 2: T1 is defined twice (first on line 1)"),
    ("T1\tClaim 0 6;8 11\tLetter The\n", "line 1: T1: a discontinuous span with ': ' between "
                                         "its fragments"),
    ("X1\tsomething\n", "line 1: unknown annotation id 'X1'"),
    ("T1\tClaim 0 6\tLetter\n#1\tAnnotatorNotes\tno target\n",
     "line 2: malformed AnnotatorNotes line"),
]


@pytest.fixture
def library_with_corpus(run):
    run("import", "--format", "brat", str(CORPUS))
    return dump(run.db)


def assert_refused(result, path: Path, message: str) -> None:
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"Error: {path}: {message}"), result.stderr


@pytest.mark.parametrize(("content", "message"), BAD_ANN)
def test_a_bad_ann_line_imports_nothing_not_even_the_good_documents(
        run, tmp_path, library_with_corpus, content, message):
    bad = tmp_path / "bad"
    write(bad / "fresh.txt", "A fresh article\n\nNot yet in the library.\n")
    write(bad / "fresh.ann", "T1\tClaim 2 7\tfresh\n")
    shutil.copy(LETTER, bad / "letter.txt")
    ann = write(bad / "letter.ann", content)
    assert_refused(run("import", "--format", "brat", str(bad), ok=False), ann, message)
    assert dump(run.db) == library_with_corpus


@pytest.mark.parametrize(("content", "message"), BAD_ANN)
def test_a_bad_ann_line_adds_no_annotations(run, tmp_path, library_with_corpus, content,
                                            message):
    bad = tmp_path / "bad"
    write(bad / "review.txt", REVIEW.read_bytes())
    write(bad / "review.ann", "T1\tDoubt 0 4\tCaf\u00e9\n")
    shutil.copy(LETTER, bad / "letter.txt")
    ann = write(bad / "letter.ann", content)
    result = run("import-annotations", "--format", "brat", str(bad), "--annotator", "eve",
                 ok=False)
    assert_refused(result, ann, message)
    assert dump(run.db) == library_with_corpus


def test_an_ann_without_its_txt_is_refused(run, tmp_path, library_with_corpus):
    ann = write(tmp_path / "bad" / "orphan.ann", GOOD)
    shutil.copy(LETTER, tmp_path / "bad" / "letter.txt")
    for args in (("import", "--format", "brat"), ("import-annotations", "--format", "brat")):
        result = run(*args, str(tmp_path / "bad"), ok=False)
        assert_refused(result, ann, "no orphan.txt beside it")
        result = run(*args, str(ann), ok=False)
        assert_refused(result, ann, "no orphan.txt beside it")
    assert dump(run.db) == library_with_corpus


@pytest.mark.parametrize(("content", "message"), [
    (b"Caf\xe9 review\n", "not valid UTF-8: byte 0xe9 at offset 3 (line 1)"),
    (b"", "the file is empty"),
    (b"Ti\x00tle\n", "binary file"),
    (b" \n\t\n", "the file has no text (only whitespace)"),
])
def test_a_bad_txt_imports_nothing(run, tmp_path, library_with_corpus, content, message):
    folder = tmp_path / "in"
    shutil.copytree(CORPUS, folder)
    bad = write(folder / "zz-bad.txt", content)
    assert_refused(run("import", "--format", "brat", str(folder), ok=False), bad, message)
    write(folder / "zz-bad.ann", "")
    assert_refused(run("import-annotations", "--format", "brat", str(folder), ok=False), bad,
                   message)
    assert dump(run.db) == library_with_corpus


def test_import_annotations_refuses_a_text_the_library_lacks(run, tmp_path, library_with_corpus):
    folder = tmp_path / "in"
    shutil.copytree(CORPUS, folder)
    write(folder / "unknown.txt", "A text no one imported\n")
    ann = write(folder / "unknown.ann", "T1\tClaim 2 6\ttext\n")
    result = run("import-annotations", "--format", "brat", str(folder), ok=False)
    assert_refused(result, ann, "no article in the library has the text of unknown.txt")
    assert dump(run.db) == library_with_corpus


def test_a_path_that_is_no_brat_file_is_refused(run, tmp_path):
    note = write(tmp_path / "notes.md", "text")
    assert_refused(run("import", "--format", "brat", str(note), ok=False), note,
                   "not a brat file")
    missing = tmp_path / "missing"
    assert_refused(run("import", "--format", "brat", str(missing), ok=False), missing,
                   "no such file or folder")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_refused(run("import-annotations", "--format", "brat", str(empty), ok=False), empty,
                   "no .ann files in this folder")
    assert run.json("articles") == []


def test_brat_import_takes_neither_labels_nor_replace(run):
    result = run("import", "--format", "brat", str(CORPUS), "--labels", str(CORPUS), ok=False)
    assert result.exit_code == 1 and "--labels needs --format ptc" in result.stderr
    result = run("import", "--format", "brat", str(LETTER), "--replace", "abcd", ok=False)
    assert result.exit_code == 1 and "--replace does not apply" in result.stderr
