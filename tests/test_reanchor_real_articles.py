"""Re-anchoring on real articles: the PTC sample with its labels, and the scraped seeds.

The articles are read from ../shared at test time (never copied here); the tests skip
where it is absent. The edits are the ones outlets make: an editor's note on top, a word
corrected, a paragraph cut, scraper noise removed.
"""

from __future__ import annotations

import json
import re

import pytest
from support import SHARED

from desktop.core.model import ANCHORED, ORPHAN
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.store.revisions import replace_text

PTC = SHARED / "corpora" / "ptc-sample"
SEEDS = SHARED / "seeds"
NOTE = "Editor's note: this article was updated to correct a figure.\n\n"


def ptc_library(run) -> list[str]:
    if not (PTC / "train-articles").is_dir():
        pytest.skip("../shared/corpora/ptc-sample is not here")
    run("import", "--format", "ptc", str(PTC / "train-articles"), "--labels",
        str(PTC / "train-labels-task2-technique-classification"), "--annotator", "ptc")
    return [a["id"] for a in run.json("articles")]


def passages(library: Library, article_id: str) -> list[tuple[str, int, int, str]]:
    return [(a.id, a.start, a.end, a.exact) for a in library.annotations.iterate()
            if a.article_id == article_id]


def free(spans: list[tuple[str, int, int, str]], start: int, end: int) -> bool:
    """True when no passage overlaps or touches start..end."""
    return all(end < s or start > e for _, s, e, _ in spans)


def edited_outside(text: str, spans: list[tuple[str, int, int, str]]) -> str:
    """The text with an editor's note after the title, a word changed and a paragraph
    cut, each where no passage is."""
    lines = text.split("\n")
    title_end = len(lines[0]) + 1
    assert free(spans, title_end, title_end)
    cut = next(((m.start(), m.end()) for m in re.finditer(r"[^\n]+\n", text[title_end:])
                if free(spans, m.start() + title_end, m.end() + title_end)), None)
    word = next(((m.start(), m.end()) for m in re.finditer(r"\b[a-z]{5,}\b", text)
                 if m.start() > title_end and free(spans, m.start(), m.end())
                 and (cut is None or not cut[0] + title_end <= m.start() <= cut[1] + title_end)),
                None)
    assert word is not None
    edits = [(title_end, title_end, NOTE), (word[0], word[1], "corrected")]
    if cut is not None:
        edits.append((cut[0] + title_end, cut[1] + title_end, ""))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def test_ptc_labels_survive_an_editors_note_a_corrected_word_and_a_cut_paragraph(run,
                                                                               db_path):
    ids = ptc_library(run)
    total = 0
    with Library(db_path) as library:
        for article_id in ids:
            article = library.articles.get(article_id)
            before = passages(library, article_id)
            text = edited_outside(article.text, before)
            report = replace_text(library, article_id, NewArticle(
                title=article.title, text=text, format="ptc"))
            assert report.changed and report.orphaned == []
            after = {a.id: a for a in library.annotations.iterate() if a.article_id == article_id}
            for annotation_id, _, _, exact in before:
                moved = after[annotation_id]
                assert moved.anchor_state == ANCHORED
                assert moved.exact == exact
                assert text[moved.start:moved.end] == exact
            total += len(before)
    lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in
                (PTC / "train-labels-task2-technique-classification").glob("*.labels"))
    assert total == lines  # every label of the sample


def test_ptc_labels_in_a_cut_paragraph_become_orphans_and_never_land_elsewhere(run, db_path):
    ids = ptc_library(run)
    orphans = 0
    with Library(db_path) as library:
        for article_id in ids:
            article = library.articles.get(article_id)
            before = passages(library, article_id)
            # cut the paragraph holding the most labels
            paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+\n?", article.text)]
            start, end = max(paragraphs[1:], key=lambda p: sum(
                1 for _, s, e, _ in before if p[0] <= s and e <= p[1]))
            inside = {i for i, s, e, _ in before if start <= s and e <= end}
            text = article.text[:start] + article.text[end:]
            replace_text(library, article_id, NewArticle(title=article.title, text=text,
                                                         format="ptc"))
            for annotation in library.annotations.iterate():
                if annotation.article_id != article_id:
                    continue
                if annotation.anchor_state == ORPHAN:
                    assert annotation.id in inside
                    orphans += 1
                else:  # wherever it is, it is on its own words
                    assert text[annotation.start:annotation.end] == annotation.exact
                    original = next(b for b in before if b[0] == annotation.id)
                    assert annotation.exact == original[3]
    assert orphans > 0


@pytest.mark.parametrize("name", ["scmp-2021-chinese-tech-trust.txt",
                                  "chinawatch-2019-10-31-tech-blockade.txt"])
def test_a_seed_annotated_with_its_noise_keeps_every_passage_when_cleaned(run, name):
    seed = SEEDS / name
    if not seed.is_file():
        pytest.skip("../shared/seeds is not here")
    run("import", "--no-clean", str(seed))
    article_id = run.json("articles")[0]["id"]
    text = json.loads(run("show", article_id, "--json").stdout)["text"]
    # a passage in every second paragraph, in both copies of a body printed twice
    paragraphs = [m for m in re.finditer(r"[^\n]{80,}", text)]
    chosen = paragraphs[1::2]
    assert len(chosen) >= 3
    for match in chosen:
        words = re.search(r"\b\w+(?:\W+\w+){5}", match.group())
        assert words is not None
        start = match.start() + words.start()
        run("annotate", article_id, "--start", str(start), "--end",
            str(start + len(words.group())), "--tag", "evidence")
    before = {a["id"]: a["exact"] for a in run.json("annotations")}
    result = run("import", str(seed), "--replace", article_id)
    assert "0 orphaned" in result.stdout
    cleaned = json.loads(run("show", article_id, "--json").stdout)["text"]
    assert len(cleaned) < len(text)
    for annotation in run.json("annotations"):
        assert annotation["anchor_state"] == "anchored"
        assert annotation["exact"] == before[annotation["id"]]
        assert cleaned[annotation["start"]:annotation["end"]] == annotation["exact"]
