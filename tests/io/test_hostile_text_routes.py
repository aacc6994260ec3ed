"""Hostile text that reaches an article by a route other than its raw bytes: control
characters written as entities in Markdown and HTML (and met in PDF and DOCX text, page
titles and links), Markdown whose brackets and emphasis would take the renderer a time
growing with the square of their number, encodings whose text reads as ASCII (UTF-7, an
EBCDIC charset a page declares), and a bad ``CLOSEREAD_IMPORT_WORKERS``. Each ends in
one message naming the file (or the variable) and the library unchanged, or in the input
read as what it is, in bounded time (docs/architecture.md, invariant 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import Cli, dump, write

from desktop.store.library import Library

ARTICLE = ("# Harbour plan splits the town council\n\nThe council voted seven to four on "
           "Tuesday to widen the old harbour, after a debate that ran past midnight.\n\n"
           "Fishing crews said the works would close the north quay for a season.\n")


@pytest.fixture
def populated(run: Cli, tmp_path: Path) -> Cli:
    run("import", str(write(tmp_path / "seed" / "first.md", ARTICLE)))
    return run


def refused(run: Cli, path: Path, *words: str) -> str:
    """Imports ``path``, which must fail with one line naming it and every word, and
    leave the library as it was; returns the message."""
    before = dump(run.db)
    result = run("import", str(path), ok=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert str(path) in errors[0]
    for word in words:
        assert word in errors[0], errors[0]
    assert dump(run.db) == before
    return errors[0]


def imported(run: Cli, path: Path) -> tuple[dict[str, object], str]:
    """Imports ``path`` as a new article: the article as ``show --json`` gives it, and
    the import's line about it."""
    result = run("import", str(path))
    line = next(line for line in result.stdout.split("\n") if line.startswith("imported"))
    article_id = line.split(" -> ")[1].split()[0]
    return json.loads(run("show", article_id, "--json").stdout), line


# --- E. CLOSEREAD_IMPORT_WORKERS ----------------------------------------------------------


def _many(folder: Path, count: int = 70) -> Path:
    """``count`` small articles: past the number from which workers read the files."""
    for n in range(count):
        write(folder / f"{n:03d}-notice.txt",
              f"Ferry notice {n}\n\nThe ferry to the north quay leaves at {n % 12 + 1} "
              f"o'clock on day {n} while the harbour works go on.\n")
    return folder


def _closeread(db: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(db), *args],
        env={**os.environ, "CLOSEREAD_ANNOTATOR": "tester", **env},
        capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("value", [
    "99999999999999999999",  # overflowed a C int: "Error: unexpected OverflowError"
    "9" * 5000,  # past int()'s 4,300 digits: "unexpected ValueError"
    "abc", "-1", "nan", "0", "1000", "2.5", "٣",  # were ignored (or taken: 1000)
])
def test_a_bad_import_workers_value_is_refused_naming_the_variable(populated, tmp_path,
                                                                   value):
    folder = _many(tmp_path / "many")
    before = dump(populated.db)
    done = _closeread(populated.db, "import", str(folder),
                      env={"CLOSEREAD_IMPORT_WORKERS": value})
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""  # nothing was read, let alone imported
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and "unexpected" not in errors[0]
    assert errors[0].startswith("Error: CLOSEREAD_IMPORT_WORKERS='")
    assert errors[0].endswith("a whole number from 1 to 64")
    assert len(errors[0]) < 200  # 5,000 digits are not printed back
    assert dump(populated.db) == before


def test_a_value_that_is_not_utf8_is_refused_naming_the_variable(populated, tmp_path):
    before = dump(populated.db)
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    env_bytes = {k.encode(): v.encode("utf-8", "surrogateescape") for k, v in env.items()}
    env_bytes[b"CLOSEREAD_IMPORT_WORKERS"] = b"\xff"
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(populated.db), "import",
         str(write(tmp_path / "one.md", ARTICLE.replace("seven", "eight")))],
        env=env_bytes, capture_output=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.decode() == ("Error: CLOSEREAD_IMPORT_WORKERS='\\xff': give how many "
                                    "processes read the files of a large import, a whole "
                                    "number from 1 to 64\n")
    assert dump(populated.db) == before


def test_a_good_import_workers_value_reads_with_that_many_workers(tmp_path):
    folder = _many(tmp_path / "many")
    db = tmp_path / "workers.db"
    done = _closeread(db, "import", str(folder), env={"CLOSEREAD_IMPORT_WORKERS": " 2 "})
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(
        "70 imported, 0 already in the library, 0 skipped, 0 failed")
    with Library(db) as library:
        titles = [row[0] for row in library.db.execute(
            "SELECT title FROM articles WHERE source_path IS NOT NULL ORDER BY rowid")]
    assert titles == [f"Ferry notice {n}" for n in range(70)]
