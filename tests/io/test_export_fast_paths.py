"""The pieces that make the CSV export fast give what the slow ones gave.

- ``FragmentLinks`` (one article's links, each quote worked out once) against one
  ``text_fragment_link`` and ``is_unique`` per passage, on texts full of repeats, odd
  whitespace, characters a directive escapes and passages at the edges.
- ``ArticlePassages`` against ``passage_rows``: the same anchored rows in the same order,
  for every filter.
- ``csv_export._cell`` and the split row against ``csv.writer``.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.fragments import FragmentLinks, text_fragment_link
from desktop.core.model import ANCHORED
from desktop.core.selectors import is_unique, select_range
from desktop.io.csv_export import _cell
from desktop.store.annotations import (
    PASSAGE_COLUMNS,
    AnnotationFilter,
    ArticlePassages,
    NewAnnotation,
    passage_rows,
)
from desktop.store.articles import NewArticle
from desktop.store.library import Library

# few letters, so quotes repeat; whitespace of every kind str.split and the regex of
# text_fragment_link know (a no-break space, a line separator, \x1c); characters a
# directive escapes; an astral character
ALPHABET = "aab ,-&\u00e9\U0001f30a\n\t\u00a0\u2028\x1c.\"'%#"
URLS = ("https://paper.example/a#b", "https://x.example/", "#only-fragment", "=1+1")


def links_by_row(url: str, text: str, spans: list[tuple[int, int]]) -> tuple[list[str],
                                                                             list[str]]:
    """The links of ``spans`` by FragmentLinks and by the per-row functions."""
    links = FragmentLinks()
    links.article(url, text)
    fast, slow = [], []
    for start, end in spans:
        selection = select_range(text, start, end)
        fast.append(links.link(selection.exact, start, selection.prefix, selection.suffix))
        slow.append(text_fragment_link(url, selection.exact, selection.prefix,
                                       selection.suffix,
                                       is_unique(text, selection.exact, start)))
    return fast, slow


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=300), st.sampled_from(URLS),
       st.randoms(use_true_random=False))
def test_fragment_links_are_the_per_row_links(text: str, url: str,
                                              rng: random.Random) -> None:
    spans = []
    for _ in range(40):
        start = rng.randrange(len(text))
        spans.append((start, min(len(text), start + rng.choice((1, 2, 3, 5, 40)))))
    spans.sort()
    fast, slow = links_by_row(url, text, spans)
    assert fast == slow


def test_fragment_links_of_words_that_repeat_many_times() -> None:
    rng = random.Random(7)
    words = ["the", "plan", "re-run", "caf\u00e9", "fish,", "\u2014", "a", "an"]
    text = " ".join(rng.choice(words) for _ in range(3000))
    starts = [i for i, c in enumerate(text) if c != " " and (i == 0 or text[i - 1] == " ")]
    spans = []
    for start in sorted(rng.sample(starts, 400)):
        end = text.find(" ", start)
        spans.append((start, len(text) if end == -1 else end))
    fast, slow = links_by_row("https://paper.example/news", text, spans)
    assert fast == slow
    assert sum("-," in link for link in fast) > 300


def test_one_fragment_links_serves_many_articles_in_turn() -> None:
    links = FragmentLinks()
    for text in ("the plan and the plan", "a plan", "plan plan plan"):
        links.article("https://x.example/", text)
        start = text.index("plan")
        selection = select_range(text, start, start + 4)
        assert links.link("plan", start, selection.prefix, selection.suffix) == \
            text_fragment_link("https://x.example/", "plan", selection.prefix,
                               selection.suffix, is_unique(text, "plan", start))


# --- the grouped passage query -------------------------------------------------------------


def _library(tmp_path: Path) -> Library:
    from test_csv_golden import build_library

    return build_library(tmp_path / "grouped.db", seed=11, articles=7, per_article=50)


def flattened(library: Library, where: AnnotationFilter | None = None
              ) -> list[tuple[object, ...]]:
    """ArticlePassages's rows as passage_rows gives them."""
    grouped = ArticlePassages(library, where)
    rows = []
    for article, passages in grouped:
        assert passages, "an article is listed only with rows"
        for (annotation_id, annotator, tag, start, end, quote, note, created, updated, prefix,
             suffix) in passages:
            rows.append((*article, annotation_id, grouped.annotators[annotator],
                         *grouped.tags[tag], start, end, quote, note, created, updated,
                         prefix, suffix, ANCHORED))
    return rows


def anchored_rows(library: Library, where: AnnotationFilter | None = None
                  ) -> list[tuple[object, ...]]:
    return [row for row in passage_rows(library, where)
            if row[PASSAGE_COLUMNS.index("anchor_state")] == ANCHORED]


def test_grouped_rows_are_the_anchored_passage_rows_for_every_filter(tmp_path: Path) -> None:
    library = _library(tmp_path)
    article_id = library.articles.list()[2].id
    try:
        assert len(anchored_rows(library)) < len(list(passage_rows(library)))  # orphans
        for where in (None, AnnotationFilter(tag="propaganda"),
                      AnnotationFilter(tag="evidence", annotator="li"),
                      AnnotationFilter(article_id=article_id),
                      AnnotationFilter(annotator="=bob"),
                      AnnotationFilter(overlapping=(10, 200)),
                      AnnotationFilter(search="plan")):
            assert flattened(library, where) == anchored_rows(library, where), where
    finally:
        library.close()


def test_a_passage_with_several_tags_has_its_rows_in_the_order_of_their_names(
        tmp_path: Path) -> None:
    # names whose order differs by case and by id: "b" < "C" only without case
    library = Library(tmp_path / "tags.db")
    try:
        text = "one two three"
        article, _ = library.articles.add(NewArticle("T", text, "text"))
        for name in ("C", "b", "a_", "A"):
            if not any(t.name.lower() == name.lower() for t in library.tags.all(usage=False)):
                library.tags.add(name)
        made = library.annotations.create_many(
            [NewAnnotation(article.id, select_range(text, 4, 7), ["C", "b", "A"]),
             NewAnnotation(article.id, select_range(text, 4, 7), ["a_", "b"]),
             NewAnnotation(article.id, select_range(text, 0, 3), [])], "ana")
        assert len(made) == 3
        assert flattened(library) == anchored_rows(library)
        # a tag made after the grouped reader read its tags still finds its place
        grouped = ArticlePassages(library)
        library.tags.add("B2")
        library.annotations.add_tag([made[0].id], "B2")
        rows = [(*article_values, *row) for article_values, rows in grouped for row in rows]
        assert [grouped.tags[row[7]][0] for row in rows if row[5] == made[0].id] == \
            ["A", "b", "B2", "C"]
    finally:
        library.close()


# --- cells as csv.writer writes them -------------------------------------------------------


def written(*cells: str) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(cells)
    return out.getvalue()


@given(st.text(alphabet=',"\r\n a\'=\x00\u00e9\U0001f30a'))
def test_a_cell_is_what_csv_writer_writes(value: str) -> None:
    assert written("x", value) == f"x,{_cell(value)}\r\n"


@given(st.lists(st.text(alphabet=',"\r\n ab'), min_size=4, max_size=8),
       st.integers(min_value=2, max_value=6))
def test_a_row_written_in_two_parts_is_the_row(cells: list[str], cut: int) -> None:
    # as the export writes it: an article's five cells, then the rest; each part has
    # two cells or more (csv.writer writes a row of one empty cell as "")
    cut = min(cut, len(cells) - 2)
    first, rest = written(*cells[:cut]), written(*cells[cut:])
    assert written(*cells) == first[:-2] + "," + rest
