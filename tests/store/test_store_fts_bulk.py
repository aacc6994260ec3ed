"""Many annotations at once are indexed for search together, and the index stays whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.core.errors import DatabaseError
from desktop.core.selectors import select_range
from desktop.store.annotations import AnnotationFilter, NewAnnotation
from desktop.store.articles import NewArticle
from desktop.store.fts import BULK_ROWS
from desktop.store.library import Library

WORDS = ["harbour", "council", "dredging", "vote", "quota", "fleet", "survey", "silt"]


def article(library: Library) -> tuple[str, str]:
    text = " ".join(WORDS[i % len(WORDS)] + str(i) for i in range(3 * BULK_ROWS))
    added, _ = library.articles.add(NewArticle(title="Long", text=text, format="text"))
    return added.id, text


def passages(article_id: str, text: str, count: int, note: str) -> list[NewAnnotation]:
    starts = [i for i, c in enumerate(text) if c != " " and (i == 0 or text[i - 1] == " ")]
    return [NewAnnotation(article_id, select_range(text, s, text.index(" ", s)),
                          ["evidence"], f"{note} {n}") for n, s in enumerate(starts[:count])]


def index_is_whole(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO annotations_fts(annotations_fts) VALUES('integrity-check')")
        triggers = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        assert {"annotations_ai", "annotations_ad", "annotations_au"} <= triggers
        rows = conn.execute("SELECT count(*) FROM annotations").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM annotations_fts").fetchone()[0]
        assert rows == indexed
    finally:
        conn.close()


def test_a_bulk_insert_is_searchable_and_the_trigger_is_back(library: Library,
                                                             db_path: Path) -> None:
    article_id, text = article(library)
    library.annotations.create_many(passages(article_id, text, BULK_ROWS + 20, "zebrafinch"),
                                    "bulk")
    found = library.annotations.list(AnnotationFilter(search="zebrafinch"))
    assert len(found) == BULK_ROWS + 20
    # a single passage after it goes through the trigger again
    one = library.annotations.create(article_id, select_range(text, 0, 8), ["opinion"],
                                     "single", "kingfisher")
    assert [a.id for a in library.annotations.list(AnnotationFilter(search="kingfisher"))] \
        == [one.id]
    index_is_whole(db_path)


def test_a_failed_bulk_insert_leaves_the_library_and_its_index_as_they_were(
        library: Library, db_path: Path) -> None:
    article_id, text = article(library)
    library.annotations.create_many(passages(article_id, text, 3, "before"), "first")
    items = passages(article_id, text, BULK_ROWS + 5, "doomed")
    # the last row names no article: the insert fails after the trigger was taken out
    items.append(NewAnnotation("no-such-article", select_range(text, 0, 8), ["evidence"]))
    with pytest.raises(DatabaseError, match="FOREIGN KEY"):
        library.annotations.create_many(items, "bulk")
    assert library.annotations.list(AnnotationFilter(search="doomed")) == []
    assert len(library.annotations.list()) == 3
    index_is_whole(db_path)


def test_a_big_merge_and_a_big_annotation_import_are_searchable(tmp_path: Path) -> None:
    from desktop.io.bundle import export_bundle_file, merge_bundle_files
    from desktop.io.jsonld import export_jsonld_file, import_jsonld

    with Library(tmp_path / "source.db") as source:
        article_id, text = article(source)
        source.annotations.create_many(passages(article_id, text, BULK_ROWS + 1, "osprey"),
                                       "maya")
        export_bundle_file(source, tmp_path / "b.json")
        export_jsonld_file(source, tmp_path / "a.jsonld")
    with Library(tmp_path / "merged.db") as merged:
        merge_bundle_files(merged, [tmp_path / "b.json"])
        assert len(merged.annotations.list(AnnotationFilter(search="osprey"))) == BULK_ROWS + 1
    index_is_whole(tmp_path / "merged.db")
    with Library(tmp_path / "imported.db") as imported:
        imported.articles.add(NewArticle(title="Long", text=text, format="text"))
        import_jsonld(imported, tmp_path / "a.jsonld", "guest")
        assert len(imported.annotations.list(AnnotationFilter(search="osprey"))) == \
            BULK_ROWS + 1
    index_is_whole(tmp_path / "imported.db")


def test_a_later_bundle_changing_what_an_earlier_one_added_keeps_the_index_whole(
        tmp_path: Path) -> None:
    import time

    from desktop.io.bundle import export_bundle_file, merge_bundle_files

    with Library(tmp_path / "source.db") as source:
        article_id, text = article(source)
        made = source.annotations.create_many(
            passages(article_id, text, BULK_ROWS + 1, "heron"), "maya")
        export_bundle_file(source, tmp_path / "first.json")
        time.sleep(0.005)
        source.annotations.set_note(made[0].id, "egret")
        source.annotations.delete(made[1].id)
        export_bundle_file(source, tmp_path / "second.json")
    with Library(tmp_path / "lead.db") as lead:
        reports = merge_bundle_files(lead, [tmp_path / "first.json", tmp_path / "second.json"])
        assert reports[1].updated == [made[0].id] and reports[1].deleted == [made[1].id]
        assert [a.id for a in lead.annotations.list(AnnotationFilter(search="egret"))] == \
            [made[0].id]
        assert len(lead.annotations.list(AnnotationFilter(search="heron"))) == BULK_ROWS - 1
    index_is_whole(tmp_path / "lead.db")

