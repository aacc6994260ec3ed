"""An open window and another process on the same library: the command line annotates,
autotags, imports, renames a tag or replaces a text while the user reads. Within a second
the window shows it, keeps the open article, the selection and the scroll position, and
undo still works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_ui_undo import sidebar_ids, tag

from desktop.store.library import Library

WITHIN = 1000  # ms: what the issue promises a user


def closeread(db_path: Path, *args: str, annotator: str = "colleague") -> str:
    """Runs the real `closeread` command line as a process of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["CLOSEREAD_ANNOTATOR"] = annotator
    result = subprocess.run([sys.executable, "-m", "desktop", "--db", str(db_path), *args],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def long_article(tmp_path: Path, db_path: Path, paragraphs: int = 120) -> str:
    """Imports an article long enough to scroll, through a connection of its own."""
    from desktop.io.importer import import_paths

    path = tmp_path / "in" / "long-report.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(f"Paragraph {n}: the harbour board met again and the minutes of "
                       f"meeting {n} were read aloud to the council." for n in range(paragraphs))
    path.write_text("The Long Report\n\n" + body + "\n", encoding="utf-8")
    with Library(db_path) as library:
        return import_paths(library, [path]).imported[0].article.id  # type: ignore[union-attr]


def open_long_article(window, qtbot, ui, tmp_path: Path, db_path: Path,
                      words: str) -> tuple[str, str]:
    """Opens a long article and makes the user's passage on ``words`` the current one."""
    article_id = long_article(tmp_path, db_path)
    window.watcher.poll()
    assert window.open_article(article_id)
    mine = tag(qtbot, ui, window, words)
    window.sidebar.select(mine)
    return article_id, mine


def test_a_passage_made_by_the_command_line_appears_and_the_reader_stays_put(
        window, qtbot, ui, tmp_path, db_path):
    article_id, mine = open_long_article(window, qtbot, ui, tmp_path, db_path,
                                         "meeting 40 were read")
    bar = ui.reader(window).verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled = bar.value()
    library_current = window.library_pane.current_id()
    before = len(sidebar_ids(window))

    closeread(db_path, "annotate", article_id[:8], "--quote", "meeting 97 were read",
              "--tag", "evidence")

    qtbot.waitUntil(lambda: len(sidebar_ids(window)) == before + 1, timeout=WITHIN)
    theirs = next(a for a in ui.stored() if a.annotator == "colleague")
    assert theirs.id in window.reader.highlighter.annotations  # highlighted in the text
    assert window.article_id == article_id
    assert window.sidebar.current_id() == mine
    assert bar.value() == scrolled
    assert window.library_pane.current_id() == library_current
    row = window.library_pane.model.row_of(article_id)
    assert window.library_pane.model.article(row).annotation_count == 2
    # the user's own edit is still the one Ctrl+Z takes back
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: mine not in sidebar_ids(window), timeout=WITHIN)
    assert theirs.id in sidebar_ids(window)


def test_autotag_and_an_import_from_the_command_line_reach_the_library_list(
        article_window, qtbot, tmp_path, db_path):
    window = article_window
    current = window.library_pane.current_id()
    rows = window.library_pane.model.rowCount()
    closeread(db_path, "autotag", "--pattern", "harbour", "-i", "--tag", "propaganda")
    model = window.library_pane.model

    def counted() -> bool:
        return model.article(model.row_of(window.article_id)).annotation_count > 0

    qtbot.waitUntil(counted, timeout=WITHIN)
    assert window.sidebar.model.rowCount() > 0
    new = tmp_path / "new" / "ferry-timetable.md"
    new.parent.mkdir()
    new.write_text("# Ferry timetable changes\n\nThe winter ferry leaves at seven.\n",
                   encoding="utf-8")
    closeread(db_path, "import", str(new))
    qtbot.waitUntil(lambda: model.rowCount() == rows + 1, timeout=WITHIN)
    assert window.library_pane.current_id() == current
    assert "Ferry timetable changes" in [model.article(r).title for r in range(rows + 1)]


def test_undo_after_the_command_line_renamed_the_tag_gives_back_the_renamed_tag(
        article_window, qtbot, ui, db_path, dialogs):
    """Select a phrase, press 3 (opinion); select it again, press 2 (opinion and
    evidence); rename opinion to view from the command line; Ctrl+Z gives {view}."""
    window = article_window
    made = tag(qtbot, ui, window, "cheered loudly", Qt.Key.Key_3)
    ui.select_words(window, "cheered loudly")
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_2)
    assert {t for a in ui.stored() for t in a.tags} == {"opinion", "evidence"}

    closeread(db_path, "tags", "rename", "opinion", "view")
    qtbot.waitUntil(lambda: any(t.name == "view" for t in window.tag_bar.tags), timeout=WITHIN)
    qtbot.waitUntil(lambda: window.sidebar.model.annotation(made).tags == ("evidence", "view"),
                    timeout=WITHIN)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    qtbot.keyClick(ui.reader(window), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [a.tags for a in ui.stored()] == [("view",)]
    assert window.sidebar.model.annotation(made).tags == ("view",)
    assert dialogs == []  # no "unknown tag" warning
    window.undo_stack.redo()
    assert [a.tags for a in ui.stored()] == [("evidence", "view")]
    window.undo_stack.undo()
    window.undo_stack.undo()  # the passage itself
    assert ui.stored() == []
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert [a.tags for a in ui.stored()] == [("evidence", "view")]


def test_a_text_replaced_by_another_process_reopens_where_the_reader_was(
        window, qtbot, ui, tmp_path, db_path):
    article_id, mine = open_long_article(window, qtbot, ui, tmp_path, db_path,
                                         "meeting 80 were read")
    reader = ui.reader(window)
    window.reader.scroll_to_offset(ui.span(window, "Paragraph 60:")[0])
    top = window.reader.offset_at(reader.viewport().rect().topLeft())
    edited = tmp_path / "edited.txt"
    with Library(db_path) as library:
        text = library.articles.text(article_id)
    # an editor's note at the start: every offset after it moves
    edited.write_text("The Long Report\n\nEditor's note: corrected on Tuesday.\n\n"
                      + text.split("\n\n", 1)[1], encoding="utf-8")

    closeread(db_path, "import", str(edited), "--replace", article_id[:8])

    qtbot.waitUntil(lambda: "Editor's note" in window.reader.text, timeout=WITHIN)
    assert window.article_id == article_id
    assert window.sidebar.current_id() == mine
    new_top = window.reader.offset_at(reader.viewport().rect().topLeft())
    shift = len("Editor's note: corrected on Tuesday.\n\n")
    # the same line is at the top: it moved by the note's length in the text (the old
    # offset scrolled to put the line above it there)
    assert new_top == top + shift, (top, new_top)
    assert window.reader.text[new_top:new_top + 400].count("Paragraph 60:") == 1


def test_a_tag_set_switch_from_the_command_line_changes_the_tag_bar(article_window, qtbot,
                                                                     db_path):
    window = article_window
    closeread(db_path, "tags", "use", "ptc")
    with Library(db_path) as library:
        wanted = [t.path for t in library.tags.list("ptc")]
    qtbot.waitUntil(lambda: [t.path for t in window.tag_bar.tags] == wanted, timeout=WITHIN)


def test_an_idle_window_reads_nothing(window, qtbot):
    statements: list[str] = []
    window.library.db.conn.set_trace_callback(statements.append)
    try:
        qtbot.wait(1100)
    finally:
        window.library.db.conn.set_trace_callback(None)
    assert statements and set(statements) == {"PRAGMA data_version"}
