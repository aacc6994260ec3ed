"""The real scraped articles in ../shared/seeds import cleanly.

The files are read at test time from SHARED/seeds (never copied into the repository);
the tests are skipped where that folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import SHARED

SEEDS = SHARED / "seeds"
CHINAWATCH = SEEDS / "chinawatch-2019-10-31-tech-blockade.txt"
SCMP = SEEDS / "scmp-2021-chinese-tech-trust.txt"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not here")


def need(path: Path) -> Path:
    if not path.is_file():
        pytest.skip(f"{path.name} is not in {SEEDS}")
    return path


def import_seed(run, path: Path) -> tuple[dict, str]:
    """Imports one seed; the article and the import's output."""
    result = run("import", str(need(path)))
    assert "Traceback" not in result.output
    found = run.json("articles")
    assert len(found) == 1
    return json.loads(run("show", found[0]["id"], "--json").stdout), result.stdout


def source_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def test_chinawatch_seed_metadata_comes_from_its_kicker_title_and_byline(run):
    article, _ = import_seed(run, CHINAWATCH)
    assert article["title"] == "When a US tech blockade backfired"
    assert article["author"] == "Li Zheng"
    assert article["outlet"] == "chinawatch.cn"
    assert article["published"] == "2019-10-31T17:44"
    assert article["format"] == "text"


def test_chinawatch_seed_body_printed_twice_appears_once(run):
    article, output = import_seed(run, CHINAWATCH)
    text = article["text"]
    source = CHINAWATCH.read_text(encoding="utf-8")
    # the body's paragraphs: long lines of the file, each printed twice by the scraper
    paragraphs = [line for line in source_lines(CHINAWATCH) if len(line) > 120]
    repeated = [p for p in paragraphs if source.count(p) == 2]
    assert len(repeated) >= 10, "the seed no longer has a repeated body"
    for paragraph in repeated:
        assert text.count(paragraph) == 1, paragraph[:60]
    distinctive = next(p for p in repeated if p.startswith("One could say"))
    first_sentence = distinctive.split(". ")[0]
    assert source.count(first_sentence) == 2
    assert text.count(first_sentence) == 1
    assert "repeated copy of the body" in output


def test_chinawatch_seed_keeps_everything_that_is_not_the_second_copy(run):
    article, _ = import_seed(run, CHINAWATCH)
    text = article["text"]
    for line in source_lines(CHINAWATCH):
        if line:
            assert line in text, line[:60]


def test_scmp_seed_title_and_outlet(run):
    article, _ = import_seed(run, SCMP)
    assert article["title"].startswith("Chinese tech firms can\u2019t win trust in the West")
    assert article["outlet"] == "SCMP"


def test_scmp_seed_scraper_noise_is_removed_and_reported(run):
    article, output = import_seed(run, SCMP)
    lines = [line.strip() for line in article["text"].split("\n")]
    assert "Advertisement" not in lines
    assert not any(line.startswith("Reading Time") for line in lines)
    assert not any(line.startswith("Why you can trust") for line in lines)
    assert not any(line.isdigit() for line in lines)
    assert "removed" in output
    assert "advertisement line" in output


def test_scmp_seed_keeps_every_line_of_the_article(run):
    article, _ = import_seed(run, SCMP)
    text = article["text"]
    noise = {"Advertisement"}
    for line in source_lines(SCMP):
        if not line or line in noise or line.isdigit():
            continue
        if line.startswith(("Reading Time", "Why you can trust")):
            continue
        assert line in text, line[:60]
    assert text.startswith("Chinese tech firms can\u2019t win trust in the West")


def test_seeds_folder_imports_both_and_reimport_changes_nothing(run):
    need(CHINAWATCH)
    need(SCMP)
    first = run("import", str(SEEDS))
    assert "2 imported" in first.stdout
    before = run.json("articles")
    again = run("import", str(SEEDS))
    assert again.stdout.count("unchanged") == 2
    assert run.json("articles") == before


def test_seed_no_clean_keeps_the_file_exactly(run):
    result = run("import", "--no-clean", str(need(SCMP)))
    assert "removed" not in result.stdout
    article_id = run.json("articles")[0]["id"]
    text = json.loads(run("show", article_id, "--json").stdout)["text"]
    source = SCMP.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    assert text == source
