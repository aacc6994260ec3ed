"""JSON-LD: 100,000 annotations exported as W3C Web Annotations and imported again.

Data: 1,000 articles of about 800 words, each with a url, and 100 annotations on each
(one tag each, default-set tags and propaganda techniques, a note on six in ten, four
annotators), built once per process with raw SQL (see corpus.py). The import goes into a
byte copy of the same 1,000 articles without any annotation (same ids, same urls, same
texts), made fresh for every run.

Store, export: ``desktop.io.jsonld.export_jsonld_file(library, path)``: the annotation
query, one ``annotation_jsonld`` dictionary per annotation (with the article's url and
text hash), ``json.dumps`` with indent 2 of each, streamed into a ``.partial`` file
renamed at the end.
Store, import: ``desktop.io.jsonld.import_jsonld(library, path, annotator)`` of that
file: decoding, ``json.loads``, every annotation's shape, its article (by text hash), the
offsets checked against the article's text and the quote against ``text[start:end]``,
prefix and suffix recomputed, tags and annotators resolved, timestamps normalised, each
id looked up in the library; then both inserts in one transaction (the FTS triggers
index passage and note).

Baseline, export: the same annotation dictionaries (made beforehand with
``annotation_jsonld``, untimed) in the same collection, written with one plain
``json.dump(collection, file, ensure_ascii=False, indent=2)``: the same document, so
about the same bytes, without the database read.
Baseline, import: ``json.load`` of the store's file, then each annotation's fields taken
out as they stand (article by url from a dict, tag ids by path from a dict, annotators
inserted by name) and inserted with plain ``sqlite3`` ``executemany`` into
``annotators``, ``annotations`` and ``annotation_tags`` of another copy of the same
library file - same schema, same FTS triggers, same pragmas, one transaction. No check:
the ratio is what checking every annotation costs.

Goal: the store takes at most 3 times the baseline's time, for the export and for the
import each. Median of 3 runs each, alternating.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

from benchmarks.corpus import annotated_library, articles_library
from benchmarks.harness import (
    Result,
    Timer,
    compare,
    copy_db,
    log,
    median,
    number,
    raw_connect,
    remove_db,
    seconds_text,
    workdir,
)
from desktop import __version__
from desktop.core.model import new_id, now_iso
from desktop.io.jsonld import (
    ARTICLE_URN,
    CONTEXT,
    UUID_URN,
    annotation_jsonld,
    article_source,
    export_jsonld_file,
    import_jsonld,
)
from desktop.store.library import Library

NAME = "jsonld"
ARTICLES = 1000
WORDS = 800
PER_ARTICLE = 100
RUNS = 3
GOAL_RATIO = 3.0
ANNOTATOR = "bench"

_INSERT_ANNOTATIONS = (
    'INSERT INTO annotations (id, article_id, annotator_id, start, "end", exact, prefix,'
    " suffix, note, anchor_state, created, updated) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
)
_INSERT_TAGS = "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) VALUES (?, ?)"


def collection(library: Library) -> dict[str, object]:
    """The collection ``write_jsonld`` writes, as one dictionary (the baseline's input)."""
    targets = {a.id: (article_source(a.id, a.url), a.text_sha256)
               for a in library.articles.list()}
    items = [annotation_jsonld(a, *targets[a.article_id])
             for a in library.annotations.iterate()]
    return {
        "@context": CONTEXT,
        "id": UUID_URN + new_id(),
        "type": "AnnotationCollection",
        "label": "Closeread annotations",
        "generator": {"type": "Software", "name": f"Closeread {__version__}"},
        "generated": now_iso(),
        "first": {"id": UUID_URN + new_id(), "type": "AnnotationPage", "startIndex": 0,
                  "items": items},
        "total": len(items),
    }


def baseline_export(data: dict[str, object], path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)


def baseline_import(conn: sqlite3.Connection, path: Path) -> int:
    """The file's annotations inserted as they stand; returns how many."""
    with open(path, encoding="utf-8") as stream:
        items = json.load(stream)["first"]["items"]
    articles = {url: article_id for article_id, url in
                conn.execute("SELECT id, url FROM articles WHERE url IS NOT NULL")}
    tags = dict(conn.execute(
        "SELECT coalesce(p.name || '/', '') || t.name, t.id FROM tags t "
        "LEFT JOIN tags p ON p.id = t.parent_id"))
    annotators: dict[str, str] = {}
    rows: list[tuple[object, ...]] = []
    links: list[tuple[str, str]] = []
    for item in items:
        annotation_id = item["id"][len(UUID_URN):]
        target = item["target"]
        source = target["source"]
        article_id = (source[len(ARTICLE_URN):] if source.startswith(ARTICLE_URN)
                      else articles[source])
        position, quote = target["selector"]
        note = ""
        for body in item.get("body", ()):
            if body["purpose"] == "tagging":
                links.append((annotation_id, tags[body["value"]]))
            else:
                note = body["value"]
        name = item["creator"]["name"]
        if name not in annotators:
            annotators[name] = str(uuid.uuid4())
        rows.append((annotation_id, article_id, annotators[name], position["start"],
                     position["end"], quote["exact"], quote["prefix"], quote["suffix"], note,
                     "anchored", item["created"], item["modified"]))
    with conn:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO annotators (id, name) VALUES (?, ?)",
                         [(i, n) for n, i in annotators.items()])
        conn.executemany(_INSERT_ANNOTATIONS, rows)
        conn.executemany(_INSERT_TAGS, links)
    return len(rows)


def _count(path: Path) -> tuple[int, ...]:
    """How many annotations, tag links and full-text index rows the file holds."""
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("annotations", "annotation_tags", "annotations_fts"))
    finally:
        conn.close()


def run(scale: float = 1.0) -> Result:
    articles = max(10, round(ARTICLES * scale))
    log(f"jsonld: building {articles} articles x {PER_ARTICLE} annotations (once)")
    with Timer() as build:
        annotated, total = annotated_library(articles, WORDS, PER_ARTICLE)
        blank = articles_library(articles, WORDS).path  # the same articles, no annotation
    log(f"jsonld: data ready in {build.seconds:.0f} s")
    root = workdir() / "jsonld"
    root.mkdir(parents=True, exist_ok=True)
    out_path = root / "export.jsonld"
    base_path = root / "baseline.jsonld"
    expected = _count(annotated)

    source = Library(annotated)
    try:
        held = [collection(source)]  # let go before the import runs
        # --- export ------------------------------------------------------------------
        sizes: list[int] = []

        def store_export(_: None) -> None:
            count = export_jsonld_file(source, out_path)
            if count != total:
                raise AssertionError(f"jsonld export: {count} annotations")
            sizes.append(out_path.stat().st_size)

        def base_export(_: None) -> None:
            baseline_export(held[0], base_path)

        export_times, export_base_times = compare(
            RUNS, store_export, base_export,
            progress=lambda message: log(f"jsonld export: {message}"))
        held.clear()
    finally:
        source.close()
    baseline_size = base_path.stat().st_size
    base_path.unlink(missing_ok=True)

    # --- import: the store's file, into fresh copies of the same articles ---------------
    def setup_store(index: int) -> Library:
        return Library(copy_db(blank, root / f"store-{index}.db"))

    def store_import(library: Library) -> None:
        report = import_jsonld(library, out_path, ANNOTATOR)
        if len(report.added) != total:
            raise AssertionError(f"jsonld import: {len(report.added)} annotations added")

    def setup_baseline(index: int) -> tuple[sqlite3.Connection, Path]:
        path = copy_db(blank, root / f"baseline-{index}.db")
        return raw_connect(path), path

    def base_import(state: tuple[sqlite3.Connection, Path]) -> None:
        count = baseline_import(state[0], out_path)
        if count != total:
            raise AssertionError(f"jsonld import baseline: {count} annotations")

    def teardown(state: Library | tuple[sqlite3.Connection, Path]) -> None:
        if isinstance(state, Library):
            state.close()
            path = state.path
        else:
            connection, path = state
            connection.close()
        if _count(path) != expected:
            raise AssertionError(f"jsonld import: {path.name} holds {_count(path)} "
                                 f"annotations, tag links, index rows; expected {expected}")
        remove_db(path)

    import_times, import_base_times = compare(
        RUNS, store_import, base_import, setup_store, setup_baseline, teardown,
        progress=lambda message: log(f"jsonld import: {message}"))
    out_path.unlink(missing_ok=True)

    seconds, baseline_seconds = median(export_times), median(export_base_times)
    import_seconds, import_baseline = median(import_times), median(import_base_times)
    export_ratio = seconds / baseline_seconds
    import_ratio = import_seconds / import_baseline
    import_met = import_ratio <= GOAL_RATIO
    result = Result(
        name=NAME,
        work=f"export of {total} annotations ({sizes[-1] / 1e6:.0f} MB JSON-LD)",
        seconds=seconds,
        baseline_seconds=baseline_seconds,
        figure=f"{number(total / seconds)} annotations/s",
        goal=f"goal ratio <= {GOAL_RATIO:g}x, export and import each",
        met=export_ratio <= GOAL_RATIO and import_met,
        runs=RUNS,
        store_times=export_times,
        baseline_times=export_base_times,
        baseline_figure=(f"{seconds_text(baseline_seconds)} = "
                         f"{number(total / baseline_seconds)} annotations/s "
                         f"(json.dump, {baseline_size / 1e6:.0f} MB)"),
    )
    result.notes.append(
        f"import of the same file into {articles} articles: "
        f"{seconds_text(import_seconds)} = {number(total / import_seconds)} annotations/s "
        f"(goal ratio <= {GOAL_RATIO:g}x: {'met' if import_met else 'MISSED'}) | baseline "
        f"{seconds_text(import_baseline)} = {number(total / import_baseline)} annotations/s "
        f"(json.load + sqlite3 executemany), ratio {import_ratio:.1f}x [median of {RUNS}]")
    return result


if __name__ == "__main__":
    outcome = run()
    print(outcome.line())
    for note in outcome.notes:
        print(f"    {note}")
