"""What the window keeps between runs (an isolated settings file per test)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QSplitter

from desktop.store.library import Library
from desktop.ui import settings as keys


def _sample_id(db_path, prefix: str) -> str:
    with Library(db_path) as library:
        return next(a.id for a in library.articles.list() if a.title.startswith(prefix))


def test_a_restart_restores_the_open_article_font_size_and_window_size(
        open_window, reread_settings, db_path, ui):
    first = open_window()
    article = _sample_id(db_path, "Offshore Wind Farm")
    assert first.open_article(article)
    size = first.reader.font_size
    first.change_font_size(2)
    assert first.reader.font_size == size + 2
    first.resize(760, 540)  # within the offscreen screen (800 x 600): nothing to clamp
    QApplication.processEvents()
    first.close()

    second = open_window(reread_settings())
    assert second.article_id == article
    assert ui.reader(second).toPlainText().startswith("Offshore Wind Farm")
    assert second.reader.font_size == size + 2
    assert second.reader.font().pointSize() == size + 2
    assert second.size() == QSize(760, 540)


def test_a_restart_restores_the_pane_widths(open_window, reread_settings):
    first = open_window()
    first.resize(760, 540)
    QApplication.processEvents()
    splitter = first.findChild(QSplitter, "mainSplitter")
    splitter.setSizes([150, 400, 200])
    QApplication.processEvents()
    widths = splitter.sizes()
    first.close()
    second = open_window(reread_settings())
    assert second.findChild(QSplitter, "mainSplitter").sizes() == widths


def test_a_restart_with_no_article_open_opens_none(open_window, reread_settings):
    first = open_window()
    assert first.article_id == ""
    first.close()
    second = open_window(reread_settings())
    assert second.article_id == ""


def test_a_last_article_no_longer_in_the_library_is_ignored_quietly(
        open_window, settings, dialogs):
    settings.set(keys.LAST_ARTICLE, "00000000-dead-beef-0000-000000000000")
    window = open_window()
    assert window.article_id == ""
    assert window.library_pane.model.rowCount() == 4
    assert not dialogs


def test_font_size_changes_show_at_once_and_are_kept(open_window, reread_settings, db_path):
    window = open_window()
    assert window.open_article(_sample_id(db_path, "Kestrel Bay"))
    before = window.reader.font_size
    window.change_font_size(-1)
    assert window.reader.font_size == before - 1
    assert window.reader.document().defaultFont().pointSize() == before - 1
    assert reread_settings().get(keys.FONT_SIZE) == before - 1


def test_the_annotator_from_the_settings_names_new_passages(article_window, qtbot, ui):
    window = article_window
    label = window.findChild(QLabel, "annotatorLabel")
    assert "tester" in label.text()
    ui.select_words(window, "cheered loudly")
    ui.reader(window).setFocus()
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_1)
    assert [a.annotator for a in ui.stored()] == ["tester"]


def test_a_changed_annotator_names_the_next_passages_and_is_kept(article_window, qtbot, ui,
                                                                 reread_settings):
    window = article_window
    window.set_annotator("  Maria  ")
    assert "Maria" in window.findChild(QLabel, "annotatorLabel").text()
    ui.select_words(window, "the harbour plan")
    ui.reader(window).setFocus()
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_2)
    assert [a.annotator for a in ui.stored()] == ["Maria"]
    assert reread_settings().get(keys.ANNOTATOR) == "Maria"


def test_with_snapping_off_the_selection_is_kept_as_it_is(settings, emoji_article,
                                                          open_window, qtbot, ui):
    settings.set(keys.SNAP_TO_WORDS, False)
    window = open_window()
    assert window.open_article(emoji_article)
    start, end = ui.span(window, "cheered loudly,")
    ui.select(window, start + 3, end)
    ui.reader(window).setFocus()
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_1)
    [annotation] = ui.stored()
    assert annotation.exact == "ered loudly,"


def test_an_annotator_name_that_is_not_one_visible_line_is_refused(
        article_window, qtbot, ui, reread_settings, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from desktop.ui import dialogs, messages

    window = article_window
    warned: list[str] = []
    monkeypatch.setattr(messages, "warn", lambda parent, title, text: warned.append(text))
    before = window.editor.annotator
    for bad in ("Maria\nforged", "Maria\x1b[2J", "\u202eairaM"):
        assert window.set_annotator(bad) is False
    assert window.editor.annotator == before
    assert reread_settings().get(keys.ANNOTATOR) != "Maria\nforged"
    assert len(warned) == 3 and all("annotator name" in w for w in warned)
    # Edit > Change annotator asks again, with what was typed, until the name is good
    typed = iter([("Maria\tTab", True), ("Maria", True)])
    offered: list[str] = []

    def get_text(parent, title, prompt, mode, text):
        offered.append(text)
        return next(typed)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    dialogs.ask_annotator(window)
    assert offered == [before, "Maria\tTab"]
    assert window.editor.annotator == "Maria"
    assert "Maria" in window.findChild(QLabel, "annotatorLabel").text()
