"""Tagging in the reader: select words, press a tag key; highlights; overlaps; tag sets."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QListView, QTextBrowser, QToolBar

from desktop.ui.actions import window_use_set


def qt_position(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def tag_bar_paths(window) -> list[str]:
    """The tags of the tag bar's buttons, in order."""
    bar = window.findChild(QToolBar, "tagBar")
    assert bar is not None
    return [a.objectName().split(":", 1)[1] for a in bar.actions()
            if a.objectName().startswith("tagAction:")]


def sidebar_quotes(window) -> list[str]:
    view = window.findChild(QListView, "annotationList")
    model = view.model()
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def painted_background(reader: QTextBrowser, qt_position: int) -> QColor:
    """The colour the reader paints behind the character at ``qt_position``, as on screen.

    Read from a grab of the viewport (the most common colour of the character's cell, so
    the glyph's ink does not count), whatever mechanism the highlights use.
    """
    document_cursor = QTextCursor(reader.document())
    document_cursor.setPosition(qt_position)
    reader.setTextCursor(document_cursor)
    reader.ensureCursorVisible()
    left = reader.cursorRect(document_cursor)
    document_cursor.setPosition(qt_position + 1)
    right = reader.cursorRect(document_cursor)
    # no selection or caret over the text while it is read
    away = QTextCursor(reader.document())
    reader.setTextCursor(away)
    image = reader.viewport().grab().toImage()
    ratio = image.devicePixelRatio()
    counts: Counter[int] = Counter()
    x_end = right.left() if right.top() == left.top() and right.left() > left.left() + 2 \
        else left.left() + 4
    for x in range(left.left() + 1, x_end):
        for y in range(left.top() + 1, left.bottom()):
            counts[image.pixelColor(int(x * ratio), int(y * ratio)).rgb()] += 1
    assert counts, "the character is not on screen"
    return QColor.fromRgb(counts.most_common(1)[0][0])


def page_color(reader: QTextBrowser, text: str, words: str) -> QColor:
    """The background behind ``words``, which no passage covers."""
    return painted_background(reader, qt_position(text, text.index(words)))


def clear_current(window) -> None:
    """No passage current: every highlight drawn alike."""
    window.findChild(QListView, "annotationList").selectionModel().clearCurrentIndex()


def press(qtbot, ui, window, key: Qt.Key) -> None:
    reader = ui.reader(window)
    reader.setFocus()
    qtbot.keyClick(reader, key)


def test_key_1_tags_the_words_selected_after_an_emoji_with_the_first_tag(
        article_window, qtbot, ui):
    window = article_window
    start, end = ui.select_words(window, "cheered loudly")
    text = ui.text(window)
    assert ui.qt_span(window, start, end) != (start, end)  # the emoji shifts Qt positions
    assert ui.reader(window).textCursor().selectedText() == "cheered loudly"

    press(qtbot, ui, window, Qt.Key.Key_1)

    stored = ui.stored()
    assert len(stored) == 1
    annotation = stored[0]
    assert annotation.exact == "cheered loudly"
    assert (annotation.start, annotation.end) == (start, end)
    assert text[annotation.start:annotation.end] == "cheered loudly"
    assert annotation.tag_paths == (tag_bar_paths(window)[0],)
    assert annotation.annotator == "tester"
    assert sidebar_quotes(window) == ["cheered loudly"]


def test_the_first_tag_bar_button_is_key_1(window):
    bar = window.findChild(QToolBar, "tagBar")
    first = bar.actions()[0]
    assert first.text().startswith("1")
    assert tag_bar_paths(window)[:3] == ["propaganda", "evidence", "opinion"]


def test_a_selection_snaps_to_whole_words_without_the_trailing_comma(
        article_window, qtbot, ui):
    window = article_window
    start, end = ui.span(window, "cheered loudly,")
    ui.select(window, start + 3, end)  # "ered loudly," : part of a word and a comma
    press(qtbot, ui, window, Qt.Key.Key_1)
    [annotation] = ui.stored()
    assert annotation.exact == "cheered loudly"
    assert (annotation.start, annotation.end) == (start, end - 1)


def test_a_selection_ending_inside_a_word_takes_the_whole_word(article_window, qtbot, ui):
    window = article_window
    start, _ = ui.span(window, "spoke about the harbour")
    ui.select(window, start, start + len("spoke about the harb"))
    press(qtbot, ui, window, Qt.Key.Key_2)
    [annotation] = ui.stored()
    assert annotation.exact == "spoke about the harbour"
    assert annotation.tag_paths == (tag_bar_paths(window)[1],)


def test_key_2_on_the_same_words_adds_a_second_tag(article_window, qtbot, ui):
    window = article_window
    ui.select_words(window, "cheered loudly")
    press(qtbot, ui, window, Qt.Key.Key_1)
    first = ui.stored()[0]
    ui.select_words(window, "cheered loudly")
    press(qtbot, ui, window, Qt.Key.Key_2)
    stored = ui.stored()
    assert len(stored) == 1
    assert stored[0].id == first.id
    assert set(stored[0].tag_paths) == set(tag_bar_paths(window)[:2])
    assert sidebar_quotes(window) == ["cheered loudly"]


def test_a_tag_key_without_a_selection_creates_nothing(article_window, qtbot, ui):
    window = article_window
    reader = ui.reader(window)
    cursor = reader.textCursor()
    cursor.clearSelection()
    reader.setTextCursor(cursor)
    press(qtbot, ui, window, Qt.Key.Key_1)
    assert ui.stored() == []
    assert sidebar_quotes(window) == []


def test_the_tag_bar_button_tags_the_selection(article_window, qtbot, ui):
    window = article_window
    ui.select_words(window, "silt rising every year")
    bar = window.findChild(QToolBar, "tagBar")
    action = next(a for a in bar.actions() if a.objectName() == "tagAction:opinion")
    qtbot.mouseClick(bar.widgetForAction(action), Qt.MouseButton.LeftButton)
    [annotation] = ui.stored()
    assert annotation.exact == "silt rising every year"
    assert annotation.tag_paths == ("opinion",)


def test_a_new_passage_is_highlighted_in_the_reader(article_window, qtbot, ui):
    window = article_window
    reader = ui.reader(window)
    text = ui.text(window)
    page = page_color(reader, text, "Evidence")
    start, end = ui.span(window, "the harbour plan")
    qt_start, qt_end = ui.qt_span(window, start, end)
    assert painted_background(reader, qt_start) == page
    ui.select(window, start, end)
    press(qtbot, ui, window, Qt.Key.Key_1)
    assert len(ui.stored()) == 1
    inside = painted_background(reader, qt_start)
    assert inside != page
    assert painted_background(reader, qt_start + 4) == inside  # "harbour"
    assert painted_background(reader, qt_end) == page  # the "." after it
    assert painted_background(reader, qt_start - 6) == page  # "about"


def test_overlapping_passages_both_exist_and_the_overlap_has_its_own_colour(
        article_window, qtbot, ui):
    window = article_window
    reader = ui.reader(window)
    a_start, a_end = ui.select_words(window, "the mayor 🎉 spoke about")
    press(qtbot, ui, window, Qt.Key.Key_1)
    b_start, b_end = ui.select_words(window, "spoke about the harbour plan")
    press(qtbot, ui, window, Qt.Key.Key_2)

    stored = ui.stored()
    assert sorted(a.exact for a in stored) == ["spoke about the harbour plan",
                                               "the mayor 🎉 spoke about"]
    assert sorted(sidebar_quotes(window)) == sorted(a.exact for a in stored)

    clear_current(window)
    page = page_color(reader, ui.text(window), "Evidence")
    only_a = painted_background(reader, ui.qt_span(window, a_start, a_end)[0])
    overlap = painted_background(reader, ui.qt_span(window, b_start, b_end)[0])
    only_b = painted_background(reader, ui.qt_span(window, b_start, b_end)[1] - 4)  # "plan"
    assert page not in (only_a, overlap, only_b)
    assert only_a != only_b
    assert overlap != only_a
    assert overlap != only_b


def test_overlapping_passages_with_the_same_tag_still_show_the_overlap(
        article_window, qtbot, ui):
    window = article_window
    reader = ui.reader(window)
    a_start, _ = ui.select_words(window, "crowd 😀 cheered")
    press(qtbot, ui, window, Qt.Key.Key_3)
    b_start, b_end = ui.select_words(window, "cheered loudly")
    press(qtbot, ui, window, Qt.Key.Key_3)
    assert len(ui.stored()) == 2
    clear_current(window)
    page = page_color(reader, ui.text(window), "Evidence")
    only_a = painted_background(reader, ui.qt_span(window, a_start, b_start)[0])
    overlap = painted_background(reader, ui.qt_span(window, b_start, b_end)[0])
    only_b = painted_background(reader, ui.qt_span(window, b_start, b_end)[1] - 6)  # "loudly"
    assert only_a == only_b != page
    assert overlap not in (only_a, page)


def test_the_current_passage_stands_out(article_window, qtbot, ui):
    window = article_window
    reader = ui.reader(window)
    a_start, a_end = ui.select_words(window, "cheered loudly")
    press(qtbot, ui, window, Qt.Key.Key_1)
    b_start, b_end = ui.select_words(window, "silt rising")
    press(qtbot, ui, window, Qt.Key.Key_1)
    clear_current(window)
    a_plain = painted_background(reader, ui.qt_span(window, a_start, a_end)[0])
    b_plain = painted_background(reader, ui.qt_span(window, b_start, b_end)[0])
    assert a_plain == b_plain
    [a_id] = [a.id for a in ui.stored() if a.exact == "cheered loudly"]
    window.reader.annotationClicked.emit(a_id)
    assert painted_background(reader, ui.qt_span(window, a_start, a_end)[0]) != a_plain


def test_using_the_ptc_set_puts_the_techniques_in_the_tag_bar(window):
    window_use_set(window, "ptc")
    paths = tag_bar_paths(window)
    assert paths[0] == "propaganda"
    assert "propaganda/Loaded_Language" in paths
    assert "propaganda/Flag-Waving" in paths
    assert "evidence" in paths and "opinion" in paths
    # the reader's context menu offers the same tags
    reader_paths = [t.path for t in window.reader.tags]
    assert reader_paths == paths


def test_the_reader_offers_the_techniques_and_tags_with_one(article_window, qtbot, ui):
    window = article_window
    window_use_set(window, "ptc")
    techniques = [t for t in ui.reader(window).tags if t.parent_name == "propaganda"]
    assert "Loaded_Language" in [t.name for t in techniques]
    ui.select_words(window, "cheered loudly")
    ui.reader(window).tagChosen.emit("propaganda/Loaded_Language")  # the menu's action
    [annotation] = ui.stored()
    assert annotation.tag_paths == ("propaganda/Loaded_Language",)
    assert annotation.exact == "cheered loudly"


def test_key_2_in_the_ptc_set_applies_its_second_tag(article_window, qtbot, ui):
    window = article_window
    window_use_set(window, "ptc")
    second = tag_bar_paths(window)[1]
    ui.select_words(window, "spoke about the harbour plan")
    press(qtbot, ui, window, Qt.Key.Key_2)
    [annotation] = ui.stored()
    assert annotation.tag_paths == (second,)
    assert second.startswith("propaganda/")
