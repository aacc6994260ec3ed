"""The reader: an article rendered from its canonical text, with highlights.

The document holds ``article.text`` verbatim (each "\\n" a block break), formatted by the
article's layout, so a document position is a text offset up to UTF-16 (see positions).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QSizeF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QDesktopServices,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QLabel, QMenu, QTextBrowser, QToolTip, QWidget

from desktop.core.document import (
    CODE,
    HEADING,
    INLINE_CODE,
    ITEM,
    LINK,
    LINK_SCHEMES,
    QUOTE,
    Document,
)
from desktop.core.model import Annotation, Tag
from desktop.core.snapping import snap_to_words
from desktop.ui import messages
from desktop.ui.highlighter import MARGIN, Highlighter, Loader, Looks, screenful
from desktop.ui.positions import TextPositions, cursor_over, selected_span

HEADING_SCALE = {1: 1.6, 2: 1.35, 3: 1.2, 4: 1.1, 5: 1.0, 6: 1.0}
READING_WIDTH_EM = 38  # about 70 characters a line


class Reader(QTextBrowser):
    """A read-only view of one article. Offsets in and out are code points."""

    tagKeyPressed = Signal(int)  # 0-based position in the tag bar
    tagChosen = Signal(str)  # a tag name from the context menu
    annotationClicked = Signal(str)
    deleteRequested = Signal()
    editNoteRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setMouseTracking(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.anchorClicked.connect(self._open_link)
        # what a first start shows: no article yet, so say how to begin
        self.hint = QLabel("Pick an article in the library on the left to read it here.\n\n"
                           "Then select words and press 1–9 to tag them with the tags of "
                           "the bar above, or right-click for every tag.", self.viewport())
        self.hint.setObjectName("readerHint")
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.document().setUndoRedoEnabled(False)
        self.snap = True
        self.tags: list[Tag] = []
        self.other_tags: list[Tag] = []  # tags of the library outside the active set
        self.colors: dict[str, str] = {}
        self.text = ""
        self.positions = TextPositions("")
        self.looks: Looks = {}  # the highlight formats made, for every article shown here
        self.highlighter = Highlighter(self, self.document(), self.positions, looks=self.looks)
        self._catch_up = QTimer(self)
        self._catch_up.setSingleShot(True)
        self._catch_up.setInterval(0)
        self._catch_up.timeout.connect(lambda: self.highlighter.ensure_visible())
        self.font_size = 13
        self._apply_font()

    # --- showing an article --------------------------------------------------------------

    def show_article(self, document: Document, annotations: list[Annotation],
                     tags: list[Tag], colors: dict[str, str], loader: Loader | None = None,
                     loaded: tuple[int, int] | None = None) -> None:
        """Renders ``document`` and highlights ``annotations``.

        ``tags`` are offered in the context menu; ``colors`` maps every tag name in the
        library to its colour (an annotation may carry a tag of another set). With a
        ``loader``, ``annotations`` are those overlapping ``loaded`` and the others are
        read as their part of the text comes on screen (``Highlighter.reset``).
        """
        self.text = document.text
        self.hint.hide()
        self.positions = TextPositions(document.text)
        self.tags = tags
        self.colors = colors
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(24)
        cursor = QTextCursor(doc)
        # every block the text makes takes the first block's format: the common one is
        # set once, not merged into each block of the document afterwards
        cursor.setBlockFormat(self._common_block_format(document))
        cursor.insertText(document.text)
        self._format_blocks(doc, document)
        self._format_spans(doc, document)
        # highlights go in before the document is shown: formats on a document no view
        # lays out yet cost almost nothing
        links = [(s.start, s.end) for s in document.spans if s.kind == LINK]
        self.highlighter = Highlighter(self, doc, self.positions, links, self.looks)
        self.highlighter.reset(annotations, colors, self.page_color(), loader, loaded)
        # shown at the width it will have: a text longer than the screen will have a scroll
        # bar, which narrows the page; the bar is shown first, with the old text in the
        # view, so that Qt lays the new text out once (a bar coming after it, or page
        # margins fitted after it, lays it out again). The page has the view's width
        # before the view is given it: a document without one is laid out first without
        # a width (1.6 ms for the first part of a long article), then again at the view's
        bar_first = (not self.verticalScrollBar().isVisible()
                     and len(document.text) > screenful(self))
        if bar_first:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        width = self.viewport().width()
        self._fit_width(doc, width)
        doc.setPageSize(QSizeF(width, -1))  # as QTextEdit sets it (wrapping at its width)
        self._replace_document(doc)
        if bar_first:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def opening_range(self) -> tuple[int, int]:
        """The code points a newly opened article shows first (with a margin below)."""
        return 0, screenful(self) + MARGIN

    def clear_article(self) -> None:
        self.text = ""
        self.positions = TextPositions("")
        self._replace_document(QTextDocument(self))
        self._place_hint()
        self.highlighter = Highlighter(self, self.document(), self.positions, looks=self.looks)

    def _replace_document(self, doc: QTextDocument) -> None:
        """Shows ``doc`` and frees the article shown before: a view does not delete the
        documents it is given, and each one holds a whole article with its formats."""
        old = self.document()
        self.setDocument(doc)
        # (the view's own first document is deleted by setDocument itself)
        if old is not doc and shiboken6.isValid(old) and old.parent() is self:
            old.deleteLater()  # after this paint: freeing a long article takes a while

    def tag_colors(self) -> dict[str, str]:
        return self.colors

    def set_tags(self, tags: list[Tag], colors: dict[str, str]) -> None:
        """New tags or colours (a recolour, a rename, a theme): repaints every highlight."""
        self.tags = tags
        self.colors = colors
        self.highlighter.recolor(colors, self.page_color())

    def page_color(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Base)

    def changeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().changeEvent(event)
        # a theme reaches the view's palette after the call that changed it: the
        # highlights, blended over the page, follow the page's new colour then
        if event.type() == QEvent.Type.PaletteChange and \
                self.page_color() != self.highlighter.page:
            self.highlighter.recolor(self.colors, self.page_color())

    def _format_blocks(self, doc: QTextDocument, document: Document) -> None:
        """Block formats of the blocks that are not plain paragraphs (headings, list items,
        quotes, code), each on its own; every block has ``_common_block_format`` already."""
        positions = self.positions
        base = self.font().pointSizeF()
        for block in document.blocks:
            if block.kind not in (HEADING, QUOTE, ITEM, CODE):
                continue
            cursor = QTextCursor(doc)
            cursor.setPosition(positions.to_qt(block.start))
            cursor.setPosition(positions.to_qt(block.end), QTextCursor.MoveMode.KeepAnchor)
            block_format = QTextBlockFormat()
            char_format = QTextCharFormat()
            if block.kind == HEADING:
                char_format.setFontWeight(QFont.Weight.Bold)
                char_format.setFontPointSize(base * HEADING_SCALE.get(block.level, 1.0))
                block_format.setBottomMargin(4)
            elif block.kind == QUOTE:
                block_format.setLeftMargin(24 * block.level)
                char_format.setFontItalic(True)
            elif block.kind == ITEM:
                block_format.setLeftMargin(18 * block.level)
            else:
                char_format.setFontFamilies(["monospace"])
                char_format.setFontFixedPitch(True)
            cursor.mergeBlockFormat(block_format)
            cursor.mergeCharFormat(char_format)

    def _common_block_format(self, document: Document) -> QTextBlockFormat:
        """What every block of the page has: air between lines, and between paragraphs
        when the text has no blank lines."""
        common = QTextBlockFormat()
        common.setLineHeight(135, 1)  # ProportionalHeight
        if _paragraphs_on_consecutive_lines(document.text):
            # scraped text with a paragraph a line and no blank lines still gets air
            common.setBottomMargin(self.font().pointSizeF() * 0.6)
        return common

    def _format_spans(self, doc: QTextDocument, document: Document) -> None:
        positions = self.positions
        for span in document.spans:
            cursor = QTextCursor(doc)
            cursor.setPosition(positions.to_qt(span.start))
            cursor.setPosition(positions.to_qt(span.end), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            if span.kind == "emphasis":
                fmt.setFontItalic(True)
            elif span.kind == "strong":
                fmt.setFontWeight(QFont.Weight.Bold)
            elif span.kind == INLINE_CODE:
                fmt.setFontFamilies(["monospace"])
            elif span.kind == LINK and span.href:
                fmt.setAnchor(True)
                fmt.setAnchorHref(span.href)
                fmt.setForeground(self.palette().color(QPalette.ColorRole.Link))
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setToolTip(messages.plain_tip(span.href))
            cursor.mergeCharFormat(fmt)

    def _open_link(self, url: QUrl) -> None:
        # a link opens only on a click, in the user's browser or mail program, and only for
        # web and mail addresses
        if url.scheme() in LINK_SCHEMES:
            QDesktopServices.openUrl(url)

    # --- typography ----------------------------------------------------------------------

    def set_font_size(self, size: int) -> None:
        self.font_size = max(8, min(40, size))
        self._apply_font()

    def _apply_font(self) -> None:
        font = QFont(["Noto Serif", "DejaVu Serif", "Georgia", "serif"])
        font.setPointSize(self.font_size)
        self.setFont(font)
        self.document().setDefaultFont(font)
        self._fit_width()

    def resizeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_width()
        self._place_hint()

    def _place_hint(self) -> None:
        """The first-start hint, across the page's top, shown only without an article."""
        margin = 24
        width = max(100, min(self.viewport().width() - 2 * margin, 560))
        self.hint.setFixedWidth(width)
        self.hint.adjustSize()
        self.hint.move(margin, margin)
        self.hint.setVisible(not self.text)

    def paintEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().paintEvent(event)  # type: ignore[arg-type]
        # once Qt has laid out what it just painted, positions on screen are known: paint
        # the highlights of any part not painted yet (after scrolling to it)
        self._catch_up.start()

    def _fit_width(self, doc: QTextDocument | None = None, width: int | None = None) -> None:
        """Keeps lines about 70 characters long by widening the page's side margins (of
        ``doc``, by default the one shown, for a page ``width`` wide, by default the
        viewport's)."""
        em = self.fontMetrics().horizontalAdvance("m")
        spare = (self.viewport().width() if width is None else width) - READING_WIDTH_EM * em
        side = float(max(24, spare // 2))
        root = (doc or self.document()).rootFrame()
        frame = root.frameFormat()
        if frame.leftMargin() != side or frame.rightMargin() != side:
            frame.setLeftMargin(side)
            frame.setRightMargin(side)
            root.setFrameFormat(frame)

    # --- selection, in code points -------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selection as ``(start, end)`` offsets, snapped to words when snapping is on."""
        span = selected_span(self.textCursor(), self.positions)
        if span is None:
            return None
        start, end = span
        if self.snap:
            start, end = snap_to_words(self.text, start, end)
        return (start, end) if end > start else None

    def select_range(self, start: int, end: int) -> None:
        self.setTextCursor(cursor_over(self.document(), self.positions, start, end))
        self.ensureCursorVisible()

    def show_range(self, start: int, end: int) -> None:
        """Brings code points ``start``..``end`` into view without selecting them, so
        their highlight keeps its tag colour (a selection would paint over it)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.positions.to_qt(end))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        cursor.setPosition(self.positions.to_qt(start))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def clear_selection(self) -> None:
        """Collapses the selection to its end, so the highlight under it shows."""
        cursor = self.textCursor()
        cursor.setPosition(cursor.selectionEnd())
        self.setTextCursor(cursor)

    def offset_at(self, point: QPoint) -> int:
        return self.positions.from_qt(self.cursorForPosition(point).position())

    def scroll_to_offset(self, offset: int) -> None:
        """Scrolls so that the line with code point ``offset`` is at the top of the page."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.positions.to_qt(max(0, min(offset, len(self.text)))))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).top())

    # --- input ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # type: ignore[override]
        key = event.key()
        plain = not (event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                          | Qt.KeyboardModifier.AltModifier
                                          | Qt.KeyboardModifier.MetaModifier))
        if plain and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            # with text selected: tag it; without: toggle the tag on the current passage
            self.tagKeyPressed.emit(key - Qt.Key.Key_1)
            return
        if plain and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.deleteRequested.emit()
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # type: ignore[override]
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            under = self.highlighter.at(self.offset_at(event.position().toPoint()))
            if under:
                self.annotationClicked.emit(under[0].id)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # type: ignore[override]
        super().mouseMoveEvent(event)
        if event.buttons():
            return
        under = self.highlighter.at(self.offset_at(event.position().toPoint()))
        if under:
            QToolTip.showText(event.globalPosition().toPoint(), tooltip_for(under), self)
        else:
            QToolTip.hideText()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # type: ignore[override]
        menu = self.createStandardContextMenu(event.pos())
        menu.addSeparator()
        tag_menu = menu.addMenu("Tag as")
        tag_menu.setObjectName("tagMenu")
        has_selection = self.textCursor().hasSelection()
        children: dict[str, list[Tag]] = {}
        for tag in self.tags:
            if tag.parent_name:
                children.setdefault(tag.parent_name, []).append(tag)
        for tag in self.tags:
            if tag.parent_name:
                continue
            if tag.name in children:
                sub = tag_menu.addMenu(tag.name)
                self._tag_action(sub, tag, has_selection)
                sub.addSeparator()
                for child in children[tag.name]:
                    self._tag_action(sub, child, has_selection)
            else:
                self._tag_action(tag_menu, tag, has_selection)
        if self.other_tags:
            others = tag_menu.addMenu("Other tags")
            for tag in self.other_tags:
                self._tag_action(others, tag, has_selection, label=tag.path)
        under = self.highlighter.at(self.offset_at(event.pos()))
        if under:
            self.annotationClicked.emit(under[0].id)
            menu.addAction("Edit note…", self.editNoteRequested.emit)
            menu.addAction("Delete annotation", self.deleteRequested.emit)
        menu.exec(event.globalPos())

    def _tag_action(self, menu: QMenu, tag: Tag, enabled: bool,
                    label: str | None = None) -> QAction:
        label = label or (f"{tag.name}\t{tag.shortcut}" if tag.shortcut else tag.name)
        action = menu.addAction(label)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _=False, name=tag.path: self.tagChosen.emit(name))
        return action


def _paragraphs_on_consecutive_lines(text: str) -> bool:
    """True when most line breaks start a new paragraph directly, with no blank line."""
    breaks = text.count("\n")
    blank = text.count("\n\n")
    return breaks > 0 and breaks - 2 * blank > breaks / 2


def tooltip_for(annotations: list[Annotation]) -> str:
    parts = []
    for a in annotations:
        tags = ", ".join(a.tag_paths) or "(no tag)"
        line = f"<b>{_escape(tags)}</b> — {_escape(a.annotator)}"
        if a.note:
            note = a.note if len(a.note) < 300 else a.note[:299] + "…"
            line += f"<br><i>{_escape(note)}</i>"
        parts.append(line)
    return "<hr>".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace(
        "\n", "<br>")
