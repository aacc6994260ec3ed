"""Bad input through `closeread import`: one clear line naming the file, a non-zero exit
code, no traceback, and the library exactly as it was (docs/architecture.md, invariant 8).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
import time
from pathlib import Path

import pytest
from support import write

GOOD = (
    "Harbour plan splits the town council\n"
    "By Ann Lee | paper.example | Updated: 2024-02-03 08:15\n"
    "\n"
    "The council voted seven to four on Tuesday to widen the old harbour, after a debate "
    "that ran past midnight.\n"
)

SECOND_GOOD = (
    "Ferry timetable changes from Monday\n"
    "By Tom Reyes | isles.example\n"
    "\n"
    "The early boat to the islands will leave at six instead of half past five, the "
    "operator said on Thursday.\n"
)


# --- helpers -----------------------------------------------------------------------------


def library_state(db_path: Path) -> str:
    """A hash of every row of every table of the library file."""
    connection = sqlite3.connect(db_path)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            rows = connection.execute(f'SELECT * FROM "{table}"').fetchall()
            digest.update(table.encode())
            for row in sorted(repr(r) for r in rows):
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        connection.close()


@pytest.fixture
def populated(run, tmp_path, db_path):
    """A library with one article and one annotation in it; returns a snapshot function."""
    path = write(tmp_path / "existing" / "harbour.txt", GOOD)
    run("import", str(path))
    article_id = run.json("articles")[0]["id"]
    run("annotate", article_id, "--quote", "ran past midnight", "--tag", "evidence",
        "--note", "check the minutes")

    def snapshot() -> tuple[str, str, str]:
        listing = run("articles", "--json").stdout
        notes = run("annotations", "--json").stdout
        return listing, notes, library_state(db_path)

    return snapshot


def assert_refused(result, path: Path | str, *problem_words: str) -> str:
    """Non-zero exit, one line on stderr naming the file and the problem, no traceback."""
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert str(path) in line, line
    for word in problem_words:
        assert word.lower() in line.lower(), line
    return line


def import_refused(run, populated, path: Path | str, *problem_words: str) -> str:
    before = populated()
    result = run("import", str(path), ok=False)
    line = assert_refused(result, path, *problem_words)
    assert populated() == before
    assert "0 imported" in result.stdout
    return line


# --- one bad file ------------------------------------------------------------------------


def test_empty_file_is_refused_and_the_library_is_unchanged(run, populated, tmp_path):
    path = write(tmp_path / "empty.txt", b"")
    import_refused(run, populated, path, "empty")


def test_whitespace_only_file_is_refused_and_the_library_is_unchanged(run, populated, tmp_path):
    path = write(tmp_path / "blank.txt", "   \n\t\n  \r\n   ")
    import_refused(run, populated, path, "whitespace")


def test_whitespace_only_markdown_is_refused(run, populated, tmp_path):
    path = write(tmp_path / "blank.md", "\n\n    \n")
    import_refused(run, populated, path)


def test_png_image_is_refused_as_binary(run, populated, tmp_path):
    data = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    path = write(tmp_path / "photo.txt", data)
    import_refused(run, populated, path, "PNG")


def test_random_bytes_with_nul_bytes_are_refused_as_binary(run, populated, tmp_path):
    rng = random.Random(20240203)
    data = bytearray(rng.getrandbits(8) for _ in range(4096))
    data[:2] = b"xy"  # no byte-order mark or magic number by chance
    data[100] = 0
    path = write(tmp_path / "dump.txt", bytes(data))
    import_refused(run, populated, path, "binary")


def test_binary_file_named_html_is_refused(run, populated, tmp_path):
    path = write(tmp_path / "page.html", b"<html>\x00\x01\x02\x00" + bytes(200))
    import_refused(run, populated, path, "binary")


def test_latin1_text_is_refused_with_the_offset_of_the_bad_byte(run, populated, tmp_path):
    data = "Le caf\u00e9 du port ferme ses portes.\n".encode("latin-1")
    path = write(tmp_path / "cafe.txt", data)
    line = import_refused(run, populated, path, "UTF-8")
    offset = data.index(b"\xe9")
    assert f"offset {offset}" in line
    assert "0xe9" in line


def test_latin1_markdown_is_refused(run, populated, tmp_path):
    data = "# Caf\u00e9\n\nLe caf\u00e9 du port.\n".encode("latin-1")
    path = write(tmp_path / "cafe.md", data)
    import_refused(run, populated, path, "UTF-8")


def test_web_page_without_article_text_is_refused(run, populated, tmp_path):
    page = (
        "<!DOCTYPE html><html><head><title>Harbour Herald</title></head><body>"
        "<nav><ul><li><a href=\"/\">Home</a></li><li><a href=\"/news\">News</a></li>"
        "<li><a href=\"/sport\">Sport</a></li></ul></nav>"
        "<main></main></body></html>"
    )
    path = write(tmp_path / "menu.html", page)
    import_refused(run, populated, path, "no article text")


def test_web_page_with_an_empty_body_is_refused(run, populated, tmp_path):
    page = "<!DOCTYPE html><html><head><title>Nothing here</title></head><body></body></html>"
    path = write(tmp_path / "nothing.html", page)
    import_refused(run, populated, path, "no article text")


def test_web_page_with_only_a_script_is_refused(run, populated, tmp_path):
    page = ("<html><head><title>App</title></head><body>"
            "<script>document.body.innerHTML = 'Loaded later by the page';</script>"
            "</body></html>")
    path = write(tmp_path / "app.html", page)
    import_refused(run, populated, path)


def test_100_mb_file_is_refused_quickly(run, populated, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(100 * 1024 * 1024)
    before = populated()
    started = time.monotonic()
    result = run("import", str(path), ok=False)
    elapsed = time.monotonic() - started
    assert_refused(result, path, "MB")
    assert elapsed < 5, f"refusing a 100 MB file took {elapsed:.1f} s"
    assert populated() == before


def test_too_large_message_states_a_limit_below_the_file_size(run, populated, tmp_path):
    # just over the 16 MB limit the README gives: the message must not claim a limit
    # larger than the file it refuses
    path = tmp_path / "just-over.txt"
    with path.open("wb") as f:
        f.truncate(16 * 1024 * 1024 + 1)
    line = import_refused(run, populated, path, "MB")
    size, limit = (float(x) for x in re.findall(r"(\d+(?:\.\d+)?) MB", line)[:2])
    assert size > limit, line


def test_path_that_does_not_exist_is_refused(run, populated, tmp_path):
    path = tmp_path / "no-such-article.txt"
    import_refused(run, populated, path, "no such file")


def test_folder_that_does_not_exist_is_refused(run, populated, tmp_path):
    path = tmp_path / "no-such-folder"
    import_refused(run, populated, path, "no such file")


def test_unknown_extension_named_directly_is_refused(run, populated, tmp_path):
    path = write(tmp_path / "article.rtf", "{\\rtf1 Harbour plan}")
    import_refused(run, populated, path, ".rtf")


def test_bad_file_never_half_imports_with_format_forced(run, populated, tmp_path):
    path = write(tmp_path / "blank.txt", "\n\n")
    before = populated()
    result = run("import", "--format", "markdown", str(path), ok=False)
    assert_refused(result, path)
    assert populated() == before


# --- a folder mixing good and bad files --------------------------------------------------


def test_folder_with_good_and_bad_files_imports_the_good_and_reports_the_bad(
        run, populated, tmp_path):
    folder = tmp_path / "incoming"
    good_one = write(folder / "ferry.txt", SECOND_GOOD)
    good_two = write(folder / "sub" / "gulls.md",
                     "Title: Gulls return to the pier\n\n"
                     "The gulls came back on Monday, in numbers nobody had seen for a decade.\n")
    empty = write(folder / "empty.txt", b"")
    binary = write(folder / "sub" / "photo.html", b"\x89PNG\r\n\x1a\n" + bytes(64))
    latin = write(folder / "cafe.txt", "Le caf\u00e9 du port.\n".encode("latin-1"))
    skipped = write(folder / "budget.xlsx", b"PK\x03\x04 not an article")
    before_count = len(run.json("articles"))

    result = run("import", str(folder), ok=False)

    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    titles = {a["title"] for a in run.json("articles")}
    assert len(titles) == before_count + 2
    assert {"Ferry timetable changes from Monday", "Gulls return to the pier"} <= titles
    assert str(good_one) in result.stdout and str(good_two) in result.stdout

    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 3, result.stderr
    for bad, word in ((empty, "empty"), (binary, "PNG"), (latin, "UTF-8")):
        matching = [line for line in errors if str(bad) in line]
        assert len(matching) == 1, (bad, errors)
        assert word.lower() in matching[0].lower()
    assert any(str(skipped) in line and line.startswith("skipped")
               for line in result.stdout.splitlines())
    assert "2 imported" in result.stdout and "3 failed" in result.stdout
    assert "1 skipped" in result.stdout


def test_missing_path_beside_a_good_one_still_imports_the_good_one(run, populated, tmp_path):
    good = write(tmp_path / "ferry.txt", SECOND_GOOD)
    missing = tmp_path / "gone.txt"
    result = run("import", str(good), str(missing), ok=False)
    assert result.exit_code == 1
    assert_refused(result, missing, "no such")
    assert "Ferry timetable changes from Monday" in {a["title"] for a in run.json("articles")}


def test_bad_files_leave_an_empty_new_library_empty(run, tmp_path):
    folder = tmp_path / "junk"
    write(folder / "empty.txt", b"")
    write(folder / "blank.md", "   \n")
    result = run("import", str(folder), ok=False)
    assert result.exit_code == 1
    assert run.json("articles") == []
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 2


def test_library_still_answers_normally_after_a_failed_import(
        run, populated, tmp_path):
    path = write(tmp_path / "empty.txt", b"")
    run("import", str(path), ok=False)
    # the library still answers normally afterwards
    listing = json.loads(run("articles", "--json").stdout)
    assert len(listing) == 1
