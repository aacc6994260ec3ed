"""An article with thousands of passages opens by reading only what shows: the reader's
highlighter reads the passages of a part of the text when it comes on screen, the
sidebar's model counts the passages and reads a page of rows when a view shows them.
What the user sees and does is the same as with everything read: these tests compare
the lazy window with the library at every step."""

from __future__ import annotations

import random
import re

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextFormat
from PySide6.QtWidgets import QComboBox
from test_ui_undo import tag

from desktop.core.document import plain_document
from desktop.core.model import ANCHORED, ORPHAN, Annotation
from desktop.core.selectors import select_range
from desktop.store.annotations import AnnotationFilter, NewAnnotation
from desktop.store.articles import NewArticle
from desktop.store.library import Library
from desktop.ui import main_window as main_window_module
from desktop.ui.annotation_model import (
    ANNOTATION_ROLE,
    AnnotationListModel,
    LazyPassages,
    filter_pattern,
    filter_text,
)

WORDS = ("harbour", "council", "the", "plan", "vote", "fleet", "said", "again", "minister",
         "port", "of", "and")
TAGS = ("evidence", "opinion", "Loaded_Language")


def dense_article(window, words: int = 2500, seed: int = 3) -> str:
    """An article of ``words`` words with a passage on most of them (some on two words,
    some with two tags, two annotators); its id."""
    rng = random.Random(seed)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(60)) + "."
                  for _ in range(words // 60)]
    text = "A dense report\n\n" + "\n\n".join(paragraphs)
    library = window.library
    article, _ = library.articles.add(NewArticle(title="A dense report", text=text,
                                                 format="text",
                                                 layout=plain_document(text).to_json()))
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    mine, theirs = [], []
    for index, (start, end) in enumerate(spans):
        if rng.random() < 0.2:
            continue
        if rng.random() < 0.1 and index + 1 < len(spans):
            end = spans[index + 1][1]
        tags = [rng.choice(TAGS)] + ([rng.choice(TAGS)] if rng.random() < 0.15 else [])
        item = NewAnnotation(article.id, select_range(text, start, end), list(dict.fromkeys(tags)))
        (mine if rng.random() < 0.7 else theirs).append(item)
    library.annotations.create_many(mine, "tester")
    library.annotations.create_many(theirs, "colleague")
    return article.id


def anchored(window, article_id: str) -> list[Annotation]:
    """The article's anchored passages in the sidebar's order, as the library has them."""
    found = window.library.annotations.list(AnnotationFilter(article_id=article_id))
    return sorted((a for a in found if a.anchor_state == ANCHORED),
                  key=lambda a: (a.start, a.end, a.id))


def rows(window) -> list[Annotation]:
    model = window.sidebar.model
    return [model.index(row, 0).data(ANNOTATION_ROLE) for row in range(model.rowCount())]


def opened_dense(window, qtbot) -> tuple[str, list[Annotation]]:
    article_id = dense_article(window)
    expected = anchored(window, article_id)
    assert len(expected) > main_window_module.PROGRESSIVE_PASSAGES
    assert window.open_article(article_id)
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() == len(expected), timeout=3000)
    return article_id, expected


def test_a_dense_article_lists_every_passage_reading_only_what_shows(window, qtbot):
    _, expected = opened_dense(window, qtbot)
    assert window.sidebar.count_label.text() == f"{len(expected)} passages"
    # the reader read the passages of its first screen, not all of them
    shown = window.reader.highlighter.annotations
    assert 0 < len(shown) < len(expected)
    lo, hi = window.reader.highlighter.visible_range()
    assert {a.id for a in expected if a.start < hi and a.end > lo} <= set(shown)
    # every row, read as it is asked for, is the library's passage in text order
    assert rows(window) == expected
    assert window.sidebar.model.annotations() == expected
    combo = window.findChild(QComboBox, "sidebarAnnotatorFilter")
    assert [combo.itemText(i) for i in range(combo.count())] == ["Any", "colleague", "tester"]


def test_scrolling_down_highlights_the_passages_there(window, qtbot):
    _, expected = opened_dense(window, qtbot)
    last = expected[-1]
    assert last.id not in window.reader.highlighter.annotations

    def at_the_end() -> bool:
        # Qt lays a long text out in the background, which moves what a scroll showed:
        # scroll to the end again until it stays there
        window.reader.show_range(last.start, last.end)
        qtbot.wait(20)
        return last.id in window.reader.highlighter.annotations

    qtbot.waitUntil(at_the_end, timeout=5000)
    probe = QTextCursor(window.reader.document())
    probe.setPosition(window.reader.positions.to_qt(last.start) + 1)
    assert probe.charFormat().hasProperty(QTextFormat.Property.BackgroundBrush)
    assert probe.charFormat().background().style() != Qt.BrushStyle.NoBrush


def test_edits_of_a_dense_article_keep_the_sidebar_in_step_with_the_library(window, qtbot,
                                                                           ui):
    article_id, expected = opened_dense(window, qtbot)
    before = window.sidebar.model.rowCount()
    made = tag(qtbot, ui, window, "A dense")  # words no passage has yet
    assert window.sidebar.model.rowCount() == before + 1
    assert rows(window) == anchored(window, article_id)
    window.sidebar.select(expected[5].id)
    window.annotating.delete_current()
    assert rows(window) == anchored(window, article_id)
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert made not in {a.id for a in rows(window)}
    assert rows(window) == anchored(window, article_id)
    assert [a.id for a in rows(window)] == [a.id for a in expected]


def test_a_passage_another_process_adds_before_any_edit_takes_its_place(window, qtbot,
                                                                        db_path):
    article_id, expected = opened_dense(window, qtbot)
    assert rows(window)[:3] == expected[:3]  # the first page read, by position
    text = window.reader.text
    with Library(db_path) as other:
        # a passage at the very start: every row after it moves down one
        other.annotations.create(article_id, select_range(text, 0, 1), ["evidence"], "else")
        # and one gone
        other.annotations.delete(expected[1].id)
    window.watcher.poll()
    now = anchored(window, article_id)
    assert len(now) == len(expected)
    assert window.sidebar.model.rowCount() == len(now)
    assert rows(window) == now


def test_a_change_found_before_the_window_hears_of_it_starts_the_list_again(window, qtbot,
                                                                            db_path):
    article_id, expected = opened_dense(window, qtbot)
    text = window.reader.text
    with Library(db_path) as other:
        other.annotations.create(article_id, select_range(text, 0, 1), ["evidence"], "else")
    # the window looks a row up by id before the poll brings the change: it reads every
    # row's place, finds one more than it listed, and lists them again
    assert window.sidebar.model.row_of(expected[0].id) == 1
    assert window.sidebar.model.rowCount() == len(expected) + 1
    window.watcher.poll()
    assert rows(window) == anchored(window, article_id)


def test_the_sidebar_filters_a_dense_article(window, qtbot):
    _, expected = opened_dense(window, qtbot)
    proxy = window.sidebar.proxy
    window.findChild(QComboBox, "sidebarTagFilter").setCurrentText("evidence")
    wanted = [a for a in expected if "evidence" in a.tags]
    assert [proxy.index(r, 0).data(ANNOTATION_ROLE) for r in range(proxy.rowCount())] == wanted
    window.findChild(QComboBox, "sidebarAnnotatorFilter").setCurrentText("colleague")
    wanted = [a for a in wanted if a.annotator == "colleague"]
    assert [proxy.index(r, 0).data(ANNOTATION_ROLE) for r in range(proxy.rowCount())] == wanted
    assert window.sidebar.count_label.text() == f"{len(wanted)} of {len(expected)} passages"


def test_reading_the_passages_again_keeps_the_current_one(window, qtbot):
    article_id, expected = opened_dense(window, qtbot)
    window.sidebar.select(expected[40].id)
    window.reload_passages()
    assert window.sidebar.current_id() == expected[40].id
    assert rows(window) == anchored(window, article_id)
    lo, hi = window.reader.highlighter.visible_range()
    assert {a.id for a in expected if a.start < hi and a.end > lo} <= \
        set(window.reader.highlighter.annotations)


def test_orphans_of_a_dense_article_are_listed_apart(window, qtbot):
    article_id = dense_article(window)
    victim = anchored(window, article_id)[3]
    window.library.db.conn.execute("UPDATE annotations SET anchor_state = ? WHERE id = ?",
                                   [ORPHAN, victim.id])
    window.library.db.conn.commit()
    assert window.open_article(article_id)
    qtbot.waitUntil(lambda: window.sidebar.model.rowCount() > 0, timeout=3000)
    assert set(window.sidebar.orphans) == {victim.id}
    assert victim.id not in {a.id for a in rows(window)}
    assert window.library.annotations.orphans(article_id)[0].id == victim.id


# --- the lazy model on its own -------------------------------------------------------------


def passages(count: int, seed: int) -> list[Annotation]:
    rng = random.Random(seed)
    made = []
    for number in range(count):
        start = rng.randrange(0, 300)
        made.append(Annotation(f"id{number:04}", "a", rng.choice(("ann", "bob")), start,
                               start + rng.randrange(1, 6), "x", "", "",
                               tags=(rng.choice(TAGS),), tag_paths=(rng.choice(TAGS),)))
    return sorted(made, key=lambda a: (a.start, a.end, a.id))


def source(library: list[Annotation], reads: list[str]) -> LazyPassages:
    """A lazy source over ``library`` (the truth, which a test may change)."""
    def page(offset: int, limit: int) -> list[Annotation]:
        reads.append(f"page {offset}")
        return sorted(library, key=lambda a: (a.start, a.end, a.id))[offset:offset + limit]

    def keys() -> list[tuple[int, int, str]]:
        reads.append("keys")
        return sorted((a.start, a.end, a.id) for a in library)

    def by_id(ids: object) -> dict[str, Annotation]:
        reads.append("ids")
        return {a.id: a for a in library if a.id in ids}  # type: ignore[operator]

    return LazyPassages(len(library), page, keys, by_id)


def test_a_lazy_model_reads_only_the_pages_asked_for(qtmodeltester):
    library = passages(300, 1)
    reads: list[str] = []
    model = AnnotationListModel()
    model.reset_lazily(source(library, reads))
    assert model.rowCount() == 300 and reads == []
    assert model.index(70, 0).data(ANNOTATION_ROLE) == library[70]
    assert reads == ["page 64"]
    assert model.row_of(library[10].id) == 10
    assert reads == ["page 64", "keys"]
    assert model.annotation(library[200].id) == library[200]
    assert reads[-1] == "ids"
    qtmodeltester.check(model)
    assert model.annotations() == library


def test_puts_and_drops_on_a_lazy_model_keep_text_order(qtmodeltester):
    rng = random.Random(9)
    library = passages(200, 2)
    model = AnnotationListModel()
    model.reset_lazily(source(library, []))
    for step in range(300):
        if rng.random() < 0.3 and library:
            gone = library.pop(rng.randrange(len(library)))
            model.drop(gone.id)
        else:
            start = rng.randrange(0, 300)
            new = Annotation(f"new{step:04}", "a", "ann", start, start + 2, "y", "", "")
            library.append(new)
            model.put(new)
        library.sort(key=lambda a: (a.start, a.end, a.id))
    qtmodeltester.check(model)
    assert model.annotations() == library


@given(st.text(alphabet="aB/.*+?()[]|\\^$ \x1e", max_size=8),
       st.text(alphabet="aB.*+?()[]|\\^$ \x1d", max_size=6),
       st.lists(st.tuples(st.text(alphabet="aAbB/.*+( ", min_size=1, max_size=5),
                          st.text(alphabet="aAbB.*(", max_size=4)), max_size=3),
       st.text(alphabet="aB.*+?()[]|\\^$ ", max_size=6))
def test_the_filter_pattern_matches_what_the_python_filter_did(tag: str, annotator: str,
                                                               names: list[tuple[str, str]],
                                                               who: str) -> None:
    tags = tuple(name for name, _ in names)
    paths = tuple(f"{parent}/{name}" if parent else name for name, parent in names)
    annotation = Annotation("i", "a", who, 0, 1, "x", "", "", tags=tags, tag_paths=paths)
    wanted = tag.lower()
    expected = (not tag or any(wanted in (name.lower(), path.lower(), path.lower().split("/")[0])
                               for name, path in zip(tags, paths, strict=False))) and \
        (not annotator or who == annotator)
    if "\x1e" in tag or "\x1d" in annotator:
        return  # the separators: see annotation_model
    match = filter_pattern(tag, annotator).match(filter_text(annotation)).hasMatch()
    assert match == expected


def test_every_block_of_the_page_has_the_reading_block_format(article_window):
    reader = article_window.reader
    block = reader.document().begin()
    seen = 0
    while block.isValid():
        fmt = block.blockFormat()
        assert fmt.lineHeight() == 135 and fmt.lineHeightType() == 1
        seen += 1
        block = block.next()
    assert seen > 3
