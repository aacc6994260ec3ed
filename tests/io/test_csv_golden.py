"""The CSV export, byte for byte, on passages whose quotes repeat in their articles.

Written before the export was made faster (links computed per article, not per row), to
prove that the faster export writes exactly the same bytes: a golden file made by the
export as it was, and a reference that builds every row as the export did then (one
``is_unique`` and one ``text_fragment_link`` per row), compared on fixed and on random
libraries where most quotes occur several times.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import Cli

from desktop.core.fragments import text_fragment_link
from desktop.core.model import ANCHORED, ORPHAN, text_sha256
from desktop.core.selectors import is_unique, select_range
from desktop.io.csv_export import CSV_COLUMNS, neutralise, write_passages_csv
from desktop.store.annotations import AnnotationFilter, insert_rows, passage_rows
from desktop.store.library import Library

GOLDEN = Path(__file__).resolve().parent / "golden" / "export_repeated_quotes.csv"

# texts where short quotes occur many times: word runs, overlapping repeats ("na na na"),
# punctuation and characters a text fragment must escape, astral characters, a passage at
# the very start and one at the very end
HANDWRITTEN = (
    "The plan, the plan and the plan again. Nobody \u2014 nobody \u2014 asked. \U0001f600 "
    "caf\u00e9, re-run; the long-awaited sea-wall & the port.\n\n"
    "na na na na batman. =SUM(A1) the plan! -the plan- +the plan+ @the plan\n\n"
    "The council said that the plan was bad and the plan was late, the plan."
)
VOCABULARY = ("the", "plan", "harbour", "vote", "na", "re-run", "sea-wall", "caf\u00e9",
              "\U0001f30a", "fish,", "chips", "&", "=1+1", "said.", "\u2014", "port")
NOTES = ("", "", "slogan", "=SUM(A1:A9)", "- see above", "+1", "@ana", "\tindented",
         "two\nlines", 'a "quoted" word, and a comma')
TAGS = ((), ("evidence",), ("propaganda/Loaded_Language",), ("opinion", "evidence"),
        ("propaganda", "propaganda/Doubt"), ("propaganda/Flag-Waving",))
ANNOTATORS = ("ana", "=bob", "li")


def generated_text(rng: random.Random, words: int) -> str:
    """Paragraphs of words from a small vocabulary, so most words recur many times."""
    paragraphs = []
    for _ in range(max(1, words // 40)):
        paragraphs.append(" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(10, 70))))
    return "\n\n".join(paragraphs)


def spans_of(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """Passages of one or two words mostly, a few long ones, the text's first and last word,
    and a whitespace-only one (its link is the bare url)."""
    words = [(m.start(), m.end()) for m in _words(text)]
    spans = [(words[0][0], words[0][1]), (words[-1][0], words[-1][1])]
    gap = next((w[1], w[1] + 1) for w in words if text[w[1]:w[1] + 1] == " ")
    spans.append(gap)
    for _ in range(count):
        length = rng.choice((1, 1, 1, 2, 2, 3, 12, 15))
        first = rng.randrange(max(1, len(words) - length + 1))
        last = min(len(words) - 1, first + length - 1)
        spans.append((words[first][0], words[last][1]))
    return spans


def _words(text: str) -> Iterator[re.Match[str]]:
    return re.finditer(r"\S+", text)


def _uuid(kind: int, number: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{number:012x}"


def build_library(path: Path, seed: int, articles: int, per_article: int) -> Library:
    """A library with fixed ids and times, so its export is the same bytes every time."""
    rng = random.Random(seed)
    library = Library(path)
    tag_ids = {t.path: t.id for t in library.tags.all(usage=False)}
    # a url with a fragment, none, an empty one, one with spaces and accents, one whose
    # cell csv must quote (a quote, a comma, a line break), one a spreadsheet would run,
    # and a bare fragment (its links have no page before the directive)
    urls = ("https://paper.example/news/harbour-vote#comments", None, "",
            "https://caf\u00e9.example/a b?x=1&y=\u00e9",
            'https://paper.example/"quoted",\npath#top', "=HYPERLINK(1)", "#top")
    with library.transaction():
        conn = library.db.conn
        annotator_ids = []
        for number, name in enumerate(ANNOTATORS):
            annotator_ids.append(_uuid(1, number))
            conn.execute("INSERT INTO annotators (id, name) VALUES (?, ?)",
                         [annotator_ids[-1], name])
        rows: list[tuple[object, ...]] = []
        links: list[tuple[str, str]] = []
        for index in range(articles):
            text = HANDWRITTEN if index == 0 else generated_text(rng, 300)
            article_id = _uuid(2, index)
            moment = f"2024-06-01T00:00:{index:02d}.000+00:00"
            conn.execute(
                "INSERT INTO articles (id, title, outlet, url, published, format, text, "
                "text_sha256, imported_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [article_id, f"=Article {index}, the plan" if index % 2 else f"Article {index}",
                 "-outlet" if index % 3 == 1 else "paper.example", urls[index % len(urls)],
                 "2024-05-01" if index % 2 else None, "text", text, text_sha256(text),
                 moment, moment])
            for number, (start, end) in enumerate(spans_of(rng, text, per_article)):
                selection = select_range(text, start, end)
                annotation_id = _uuid(3, index * 10_000 + number)
                created = f"2024-07-01T00:{index:02d}:{number % 60:02d}.{number:03d}+00:00"
                state = ORPHAN if number % 17 == 5 else ANCHORED
                rows.append((annotation_id, article_id, rng.choice(annotator_ids),
                             selection.start, selection.end, selection.exact,
                             selection.prefix, selection.suffix, rng.choice(NOTES), state,
                             created, created))
                links.extend((annotation_id, tag_ids[tag]) for tag in rng.choice(TAGS))
        insert_rows(library, rows, links)
        # a deleted passage is not exported
        conn.execute("UPDATE annotations SET deleted = '2024-08-01T00:00:00.000+00:00' "
                     "WHERE id = ?", [_uuid(3, 7)])
    return library


def reference_csv(library: Library, where: AnnotationFilter | None = None,
                  excel: bool = False) -> bytes:
    """The export as it was written before it was made faster: one ``is_unique`` and one
    ``text_fragment_link`` per row."""
    out = io.StringIO(newline="")
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for (article_id, title, outlet, url, published, annotation_id, annotator, tag, tag_path,
         start, end, quote, note, created, updated, prefix, suffix, state) in passage_rows(
            library, where):
        if state == ORPHAN:
            continue
        link = ""
        if url:
            text = library.articles.text(article_id)
            link = text_fragment_link(url, quote, prefix, suffix, is_unique(text, quote, start))
        writer.writerow((
            article_id, neutralise(title or ""), neutralise(outlet or ""), neutralise(url or ""),
            published or "", annotation_id, neutralise(annotator), neutralise(tag),
            neutralise(tag_path), start, end, neutralise(quote), neutralise(note), created,
            updated, neutralise(link),
        ))
    return out.getvalue().encode("utf-8")


def exported(library: Library, where: AnnotationFilter | None = None,
             excel: bool = False) -> bytes:
    out = io.StringIO(newline="")
    write_passages_csv(library, out, where, excel=excel)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def fixed(tmp_path: Path) -> Iterator[Library]:
    library = build_library(tmp_path / "golden.db", seed=4, articles=8, per_article=60)
    yield library
    library.close()


def test_the_export_is_the_golden_file_byte_for_byte(fixed: Library) -> None:
    assert exported(fixed) == GOLDEN.read_bytes()


def test_the_golden_file_has_the_cases_it_is_for(fixed: Library) -> None:
    rows = list(csv.reader(io.StringIO(GOLDEN.read_text(encoding="utf-8"), newline="")))
    links = [row[-1] for row in rows[1:]]
    assert len(rows) > 300
    assert sum("-," in link or ",-" in link for link in links) > 100  # context needed
    assert any(link.startswith("https") and "-," not in link for link in links)  # unique
    assert any(link == "" for link in links)  # no url
    assert any(row[6] == "'=bob" for row in rows)  # neutralised cells


def test_the_cli_writes_the_golden_file(fixed: Library, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    Cli(fixed.path)("export", "--format", "csv", "-o", str(out))
    assert out.read_bytes() == GOLDEN.read_bytes()


@pytest.mark.parametrize("where", [
    AnnotationFilter(tag="propaganda"),
    AnnotationFilter(tag="evidence", annotator="ana"),
    AnnotationFilter(article_id=_uuid(2, 0)),
    AnnotationFilter(article_id=_uuid(2, 3)),
])
def test_filtered_exports_are_what_the_per_row_export_wrote(fixed: Library,
                                                            where: AnnotationFilter) -> None:
    assert exported(fixed, where) == reference_csv(fixed, where)


def test_the_excel_export_is_what_the_per_row_export_wrote(fixed: Library) -> None:
    assert exported(fixed, excel=True) == reference_csv(fixed, excel=True)


@pytest.mark.parametrize("seed", range(6))
def test_random_repetitive_libraries_export_as_before(tmp_path: Path, seed: int) -> None:
    library = build_library(tmp_path / f"random-{seed}.db", seed=100 + seed, articles=5,
                            per_article=80)
    try:
        assert exported(library) == reference_csv(library)
    finally:
        library.close()
