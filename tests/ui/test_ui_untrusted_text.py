"""Text from outside (names, tags, quotes, notes, file names, messages quoting input) is
shown as text in every dialog, report and tooltip, never as markup: an annotator named
like a link in a bundle must not become a link in the merge preview."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from support import REPO

from desktop.ui import messages
from desktop.ui.transfer import show_report

LINK = '<a href="https://evil.example/">Click to confirm the merge</a>'


def _label(box: QMessageBox) -> QLabel:
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None
    return label


def test_a_message_box_shows_a_link_like_name_as_text(qtbot):
    for icon in (QMessageBox.Icon.Warning, QMessageBox.Icon.Question):
        box = messages.message_box(None, icon, "Merge bundles", f"annotator {LINK} added")
        qtbot.addWidget(box)
        label = _label(box)
        assert box.textFormat() == Qt.TextFormat.PlainText
        assert label.textFormat() == Qt.TextFormat.PlainText
        assert LINK in label.text()  # shown as typed, not rendered


def test_a_report_shows_a_link_like_name_as_text(window, qtbot):
    box = show_report(window, "mergeReport", "Merge bundles", f"• {LINK}: 2 added")
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert _label(box).textFormat() == Qt.TextFormat.PlainText
    box.close()


def test_the_merge_preview_asks_with_the_bundles_names_as_text(
        window, qtbot, tmp_path, monkeypatch):
    """A bundle whose file name is markup: the preview question receives it verbatim, and
    the question is a plain-text box."""
    from desktop.io.bundle import export_bundle_file
    from desktop.store.library import Library
    from desktop.ui.team import merge_bundles

    other = tmp_path / "other.db"
    with Library(other) as library:
        from desktop.io.samples import load_samples

        load_samples(library)
        article = library.articles.list()[0]
        text = library.articles.text(article.id)
        from desktop.core.selectors import select_range

        library.annotations.create(article.id, select_range(text, 0, 12), ["evidence"],
                                   LINK)
        bundle = tmp_path / "li.bundle.json"
        export_bundle_file(library, bundle)
    asked: list[str] = []
    built: list[QMessageBox] = []
    real_box = messages.message_box

    def ask(parent, title, text):
        asked.append(text)
        built.append(real_box(parent, QMessageBox.Icon.Question, title, text))
        return False

    monkeypatch.setattr(messages, "ask", ask)
    with qtbot.waitSignal(window.transfers.mergePreviewed, timeout=10000):
        merge_bundles(window, [bundle])
    assert asked and built
    assert built[0].textFormat() == Qt.TextFormat.PlainText


def test_tooltips_show_names_as_text(window):
    window.library.tags.add("<b>loud<b> & clear")
    window.watcher.poll()
    tip = next(a.toolTip() for a in window.tag_bar.actions() if "loud" in a.text())
    assert "&lt;b&gt;loud&lt;b&gt; &amp; clear" in tip
    assert "<b>loud<b>" not in tip
    assert messages.plain_tip("a <i>b</i>\nc") == (
        "<p style='white-space: pre-wrap'>a &lt;i&gt;b&lt;/i&gt;<br>c</p>")


def test_no_dialog_of_the_app_guesses_whether_its_text_is_markup():
    """Qt's static QMessageBox functions take text that looks like a tag for rich text;
    the app shows its messages through ui/messages.py, which does not guess."""
    static = re.compile(r"QMessageBox\.(warning|critical|question|information|about)\(")
    found = [f"{path.relative_to(REPO)}:{n}"
             for path in (REPO / "desktop" / "ui").glob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if static.search(line)]
    assert found == []


def test_the_passage_and_article_lists_show_notes_and_titles_as_text(window):
    from desktop.core.selectors import select_range
    from desktop.store.articles import NewArticle

    text = "The minister said the bridge is a triumph."
    article, _ = window.library.articles.add(NewArticle(
        title="<i>Bridge</i> & <img src='http://tracker.example/p.png'>", text=text,
        format="text", author="<b>Desk</b>"))
    window.library.annotations.create(article.id, select_range(text, 4, 12), ["evidence"],
                                      "<u>maya</u>", note="<img src='http://x.example/a.png'>")
    window.watcher.poll()
    assert window.open_article(article.id)
    model = window.sidebar.model
    tips = [model.index(row).data(Qt.ItemDataRole.ToolTipRole)
            for row in range(model.rowCount())]
    assert len(tips) == 1
    assert "&lt;img src=" in tips[0] and "&lt;u&gt;maya&lt;/u&gt;" in tips[0]
    assert "<img" not in tips[0] and "<u>" not in tips[0]
    library = window.library_pane.model
    row = next(r for r in range(library.rowCount())
               if "Bridge" in library.index(r, 0).data(Qt.ItemDataRole.DisplayRole))
    tip = library.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;i&gt;Bridge&lt;/i&gt; &amp; &lt;img" in tip and "by &lt;b&gt;Desk" in tip
    assert "<img" not in tip and "<i>" not in tip
