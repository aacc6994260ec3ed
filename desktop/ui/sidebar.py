"""The annotation sidebar: the open article's passages, filters, and the note editor."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.model import Annotation, Tag
from desktop.ui import messages
from desktop.ui.annotation_model import (
    ANNOTATION_ROLE,
    ID_ROLE,
    AnnotationFilterModel,
    AnnotationListModel,
    Key,
    LazyPassages,
)

ANY = "Any"
PRIVATE_MARK = "private"  # on the row of a passage private to its author


class AnnotationDelegate(QStyledItemDelegate):
    """Paints a row: the quote, tag chips in their colours, the note, annotator and time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colors: dict[str, str] = {}
        # whether a passage is private to its author (passage_sharing); None: not asked,
        # as in a library that shares nothing with a team server
        self.private: Callable[[str], bool] | None = None
        # the fonts and metrics a row is painted with, made once per font of the list
        self._fonts: dict[str, tuple[QFontMetrics, QFont, QFontMetrics, QFont,
                                     QFontMetrics]] = {}

    def _fonts_for(self, font: QFont) -> tuple[QFontMetrics, QFont, QFontMetrics, QFont,
                                               QFontMetrics]:
        """The row's metrics, the chips' small font and its metrics, the note's italic
        font and its metrics."""
        key = font.key()
        made = self._fonts.get(key)
        if made is None:
            small = QFont(font)
            small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
            italic = QFont(font)
            italic.setItalic(True)
            made = self._fonts[key] = (QFontMetrics(font), small, QFontMetrics(small),
                                       italic, QFontMetrics(italic))
        return made

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        # chips, two lines of quote and a line of note: every row has the same height, so
        # the list lays out thousands of passages without measuring each
        return QSize(200, row_height(option.font))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        annotation: Annotation = index.data(ANNOTATION_ROLE)
        if annotation is None:
            return
        painter.save()
        style = option.widget.style() if option.widget else None
        if style:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected
                                   else QPalette.ColorRole.Text)
        muted = QColor(text_color)
        muted.setAlpha(160)
        rect = option.rect.adjusted(8, 6, -8, -6)
        metrics, small, small_metrics, italic, italic_metrics = self._fonts_for(option.font)
        line = metrics.height()

        # tag chips
        x = rect.left()
        painter.setFont(small)
        for name in annotation.tags or ("no tag",):
            width = small_metrics.horizontalAdvance(name) + 12
            chip = QRect(x, rect.top(), width, line)
            color = QColor(self.colors.get(name.lower(), "#999999"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(chip, 6, 6)
            painter.setPen(QColor("white") if color.lightness() < 150 else QColor("black"))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, name)
            x += width + 4
        right = rect.right()
        if self.private is not None and self.private(annotation.id):
            # an outlined chip at the end of the line: read at a glance, never elided
            width = small_metrics.horizontalAdvance(PRIVATE_MARK) + 12
            chip = QRect(right - width + 1, rect.top(), width, line)
            painter.setPen(text_color)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(chip.adjusted(0, 0, -1, -1), 6, 6)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, PRIVATE_MARK)
            right = chip.left() - 4
        stamp = f"{annotation.annotator} · {annotation.updated[:16].replace('T', ' ')}"
        painter.setPen(muted)
        painter.drawText(QRect(x + 4, rect.top(), right - x - 4, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                         small_metrics.elidedText(stamp, Qt.TextElideMode.ElideLeft,
                                                  max(0, right - x - 4)))

        # the quote, on up to two lines
        painter.setFont(option.font)
        painter.setPen(text_color)
        quote = " ".join(annotation.exact.split())
        quote_rect = QRect(rect.left(), rect.top() + line + 2, rect.width(), line * 2)
        first = metrics.elidedText(quote, Qt.TextElideMode.ElideNone, rect.width())
        painter.drawText(quote_rect, Qt.TextFlag.TextWordWrap,
                         metrics.elidedText(first, Qt.TextElideMode.ElideRight,
                                            rect.width() * 2 - 20))
        if annotation.note:
            painter.setFont(italic)
            painter.setPen(muted)
            note = " ".join(annotation.note.split())
            top = rect.top() + line * 3 + 4
            painter.drawText(QRect(rect.left(), top, rect.width(), line),
                             Qt.AlignmentFlag.AlignLeft,
                             italic_metrics.elidedText(note, Qt.TextElideMode.ElideRight,
                                                       rect.width()))
        painter.restore()


class Sidebar(QWidget):
    """The passages of the open article and the editor of the current one's note."""

    EMPTY_HINT = ("No passages yet. Select words in the text and press 1–9 to tag them; "
                  "they are listed here.")
    NONE = "No passages"

    currentAnnotationChanged = Signal(str)  # "" when none
    noteEdited = Signal(str, str)  # annotation id, new note
    attachRequested = Signal(str)  # an orphan's id: give it the selected text

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AnnotationListModel(self)
        self.proxy = AnnotationFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.tag_filter = QComboBox(objectName="sidebarTagFilter")
        self.tag_filter.setToolTip("Show only passages with this tag")
        self.annotator_filter = QComboBox(objectName="sidebarAnnotatorFilter")
        self.annotator_filter.setToolTip("Show only this annotator's passages")
        for combo in (self.tag_filter, self.annotator_filter):
            combo.addItem(ANY)
            combo.currentTextChanged.connect(self._filter_changed)
            # sized by a few characters, not by the longest tag (the technique names are
            # long): the pane keeps its width whatever the set or the theme
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)

        self.view = QListView(objectName="annotationList")
        self.view.setModel(self.proxy)
        self.delegate = AnnotationDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.view.setUniformItemSizes(True)
        self.view.setAccessibleName("Annotations of this article")
        self.view.selectionModel().currentChanged.connect(self._current_changed)

        self.count_label = QLabel(objectName="annotationCount")
        self.count_label.setWordWrap(True)
        # what an empty list says, in the list: the count above keeps its one line, so
        # the panes below it do not move (and repaint) when an article with passages
        # opens after one without
        self.empty_hint = QLabel(self.EMPTY_HINT, self.view.viewport(),
                                 objectName="sidebarHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.view.viewport().installEventFilter(self)
        self.note_editor = QPlainTextEdit(objectName="noteEditor")
        self.note_editor.setPlaceholderText("Note on the selected passage (Markdown)…")
        self.note_editor.setTabChangesFocus(True)
        self.note_preview = QTextBrowser(objectName="notePreview")
        self.note_preview.setOpenLinks(False)
        self.note_tabs = QTabWidget()
        self.note_tabs.addTab(self.note_editor, "Note")
        self.note_tabs.addTab(self.note_preview, "Preview")
        self.note_tabs.currentChanged.connect(self._show_preview)
        self.save_note = QPushButton("Save note", objectName="saveNote")
        self.save_note.setShortcut("Ctrl+Return")
        self.save_note.setToolTip("Save the note (Ctrl+Enter)")
        self.save_note.clicked.connect(self._save_note)
        self.note_editor.textChanged.connect(self._note_dirty)

        # passages whose words a new text no longer has: kept, listed, re-attachable
        self.orphans: dict[str, Annotation] = {}
        self.orphan_list = QListWidget(objectName="orphanList")
        self.orphan_list.setToolTip("Passages whose words are no longer in the text. Select "
                                    "text in the reader, then Attach here.")
        self.orphan_list.itemSelectionChanged.connect(self._orphan_selected)
        self.attach_button = QPushButton("Attach here", objectName="attachOrphan")
        self.attach_button.setToolTip("Give the chosen orphan the text selected in the reader")
        self.attach_button.setEnabled(False)
        self.attach_button.clicked.connect(self._attach)
        self.orphan_box = QWidget(objectName="orphanBox")
        orphan_layout = QVBoxLayout(self.orphan_box)
        orphan_layout.setContentsMargins(0, 0, 0, 0)
        self.orphan_label = QLabel(objectName="orphanLabel")
        orphan_layout.addWidget(self.orphan_label)
        orphan_layout.addWidget(self.orphan_list)
        orphan_layout.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignRight)
        self.orphan_box.hide()

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Tag"))
        filters.addWidget(self.tag_filter, 1)
        filters.addWidget(QLabel("By"))
        filters.addWidget(self.annotator_filter, 1)
        note_box = QWidget()
        note_layout = QVBoxLayout(note_box)
        note_layout.setContentsMargins(0, 0, 0, 0)
        self._note_layout = note_layout
        note_layout.addWidget(self.note_tabs)
        note_layout.addWidget(self.save_note, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.view)
        split.addWidget(note_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(split, 1)
        layout.addWidget(self.orphan_box)
        self._note_for = ""
        # where the annotator filter's names come from when the passages are not all
        # read (show_passages); None: from the passages listed
        self._annotator_names: Callable[[], list[str]] | None = None
        self._set_note_enabled(False)
        self._update_count()

    # --- content -------------------------------------------------------------------------

    def show_annotations(self, annotations: list[Annotation], tags: list[Tag]) -> None:
        self._annotator_names = None
        self.model.reset([a for a in annotations if a.anchor_state == "anchored"])
        self._bar_as_needed()
        self.orphans = {a.id: a for a in annotations if a.anchor_state != "anchored"}
        self._show_orphans()
        self.set_tags(tags)
        self._refresh_annotators()
        self._update_count()
        self._load_note("")

    def show_passages(self, count: int, page: Callable[[int, int], list[Annotation]],
                      keys: Callable[[], list[Key]],
                      by_id: Callable[[Sequence[str]], dict[str, Annotation]],
                      orphans: list[Annotation], tags: list[Tag],
                      annotator_names: Callable[[], list[str]]) -> None:
        """Lists ``count`` anchored passages, each read only when shown or asked for (see
        ``LazyPassages`` for ``page``, ``keys`` and ``by_id``), and ``orphans``; the
        annotator filter offers ``annotator_names()``. What an article with thousands of
        passages shows at once without reading them."""
        self._annotator_names = annotator_names
        self.model.reset_lazily(LazyPassages(count, page, keys, by_id))
        self.orphans = {a.id: a for a in orphans}
        self._show_orphans()
        self.set_tags(tags)
        self._refresh_annotators()
        self._update_count()
        self._load_note("")
        # the list laid out now, not on a timer after the first paint: its scroll bar
        # comes before it is painted, and it is painted once
        self.view.doItemsLayout()
        self._bar_as_needed()

    def _bar_as_needed(self) -> None:
        """The list's scroll bar shown only when needed again (``show_loading``)."""
        if self.view.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAsNeeded:
            self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

    def _show_orphans(self) -> None:
        if not self.orphans and not self.orphan_list.count() and self.orphan_box.isHidden():
            return  # none before, none now
        self.orphan_list.clear()
        for orphan in sorted(self.orphans.values(), key=lambda a: a.created):
            tags = ", ".join(orphan.tag_paths) or "no tag"
            private = self.delegate.private is not None and self.delegate.private(orphan.id)
            item = QListWidgetItem(f"“{' '.join(orphan.exact.split())}” — {tags}"
                                   + (" (private)" if private else ""))
            item.setData(ID_ROLE, orphan.id)
            item.setToolTip(messages.plain_tip(f"{orphan.annotator}: {orphan.note}"
                                               if orphan.note else orphan.annotator))
            self.orphan_list.addItem(item)
        count = len(self.orphans)
        self.orphan_label.setText(f"{count} orphan{'s' if count != 1 else ''}: words no "
                                  "longer in the text")
        self.orphan_box.setVisible(bool(count))
        self._orphan_selected()

    def add_passage_control(self, widget: QWidget) -> None:
        """Puts a control for the current passage above its note (passage_sharing's
        "Shared with")."""
        self._note_layout.insertWidget(0, widget)

    def set_private_marks(self, private: Callable[[str], bool] | None) -> None:
        """Marks private passages' rows "private", asking ``private(id)``; None: no marks."""
        self.delegate.private = private
        self.view.viewport().update()
        if self.orphans:
            self._show_orphans()

    def chosen_orphan(self) -> str:
        items = self.orphan_list.selectedItems()
        return items[0].data(ID_ROLE) if items else ""

    def _orphan_selected(self) -> None:
        self.attach_button.setEnabled(bool(self.chosen_orphan()))

    def _attach(self) -> None:
        if self.chosen_orphan():
            self.attachRequested.emit(self.chosen_orphan())

    def show_loading(self, count: int) -> None:
        """An empty list that says its passages are on their way."""
        self._annotator_names = None
        self.model.reset([])
        self._load_note("")
        self.count_label.setText(f"Loading {count:,} passages…")
        self.empty_hint.hide()
        if count * row_height(self.view.font()) > self.view.viewport().height():
            # the scroll bar the list will have, shown now: it narrows the list, which is
            # then laid out and painted once, at its width, when the passages come
            self.view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    def set_tags(self, tags: list[Tag]) -> None:
        colors = {t.name.lower(): t.color for t in tags}
        if colors != self.delegate.colors:
            self.delegate.colors = colors
            self.view.viewport().update()
        _set_choices(self.tag_filter, [t.path for t in tags])

    def put(self, annotation: Annotation) -> None:
        if annotation.anchor_state != "anchored":
            self.model.drop(annotation.id)
            self.orphans[annotation.id] = annotation
            self._show_orphans()
            self._update_count()
            return
        if self.orphans.pop(annotation.id, None):
            self._show_orphans()
        self.model.put(annotation)
        self._refresh_annotators()
        self._update_count()
        if annotation.id == self._note_for:
            self._load_note(annotation.id)

    def drop(self, annotation_id: str) -> None:
        if self.orphans.pop(annotation_id, None):
            self._show_orphans()
        self.model.drop(annotation_id)
        self._update_count()
        if annotation_id == self._note_for:
            self._load_note("")

    def _refresh_annotators(self) -> None:
        names = (self._annotator_names() if self._annotator_names is not None
                 else sorted({a.annotator for a in self.model.annotations()}))
        _set_choices(self.annotator_filter, names)

    def _update_count(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        self.empty_hint.setVisible(not total)
        if not total:
            self.count_label.setText(self.NONE)
            return
        text = f"{total} passage{'s' if total != 1 else ''}"
        self.count_label.setText(text if shown == total else f"{shown} of {text}")

    def _filter_changed(self) -> None:
        tag = self.tag_filter.currentText()
        annotator = self.annotator_filter.currentText()
        self.proxy.set_filter("" if tag == ANY else tag, "" if annotator == ANY else annotator)
        self._update_count()

    def eventFilter(self, watched: object, event: object) -> bool:  # type: ignore[override]
        if watched is self.view.viewport() and isinstance(event, QResizeEvent):
            self._place_hint()
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _place_hint(self) -> None:
        """The empty list's hint, across the list's top."""
        margin = 8
        self.empty_hint.setFixedWidth(max(60, self.view.viewport().width() - 2 * margin))
        self.empty_hint.adjustSize()
        self.empty_hint.move(margin, margin)

    # --- selection -----------------------------------------------------------------------

    def current_id(self) -> str:
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else ""

    def selected_ids(self) -> list[str]:
        rows = self.view.selectionModel().selectedRows()
        ids = [index.data(ID_ROLE) for index in rows]
        return ids or ([self.current_id()] if self.current_id() else [])

    def select(self, annotation_id: str) -> None:
        """Makes ``annotation_id`` the current row (no signal loop: same id is ignored)."""
        row = self.model.row_of(annotation_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():  # filtered out: show everything so it can be seen
            self.tag_filter.setCurrentText(ANY)
            self.annotator_filter.setCurrentText(ANY)
            index = self.proxy.mapFromSource(self.model.index(row, 0))
        if self.view.currentIndex() != index:
            self.view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        annotation_id = current.data(ID_ROLE) if current.isValid() else ""
        self._load_note(annotation_id)
        self.currentAnnotationChanged.emit(annotation_id)

    # --- the note ------------------------------------------------------------------------

    def _load_note(self, annotation_id: str) -> None:
        self._note_for = annotation_id
        annotation = self.model.annotation(annotation_id) if annotation_id else None
        note = annotation.note if annotation else ""
        if note != self.note_editor.toPlainText():  # (an editor set again repaints)
            self.note_editor.blockSignals(True)
            self.note_editor.setPlainText(note)
            self.note_editor.blockSignals(False)
            self._show_preview()
        self._set_note_enabled(annotation is not None)
        self.save_note.setEnabled(False)

    def _set_note_enabled(self, enabled: bool) -> None:
        self.note_editor.setEnabled(enabled)
        self.note_tabs.setEnabled(enabled)

    def _note_dirty(self) -> None:
        annotation = self.model.annotation(self._note_for) if self._note_for else None
        self.save_note.setEnabled(annotation is not None
                                  and self.note_editor.toPlainText() != annotation.note)

    def _save_note(self) -> None:
        if self._note_for and self.save_note.isEnabled():
            self.noteEdited.emit(self._note_for, self.note_editor.toPlainText())
            self.save_note.setEnabled(False)

    def _show_preview(self, *_args: object) -> None:
        # Qt's own Markdown, with raw HTML off: a note can format text, never run anything
        self.note_preview.document().setMarkdown(
            self.note_editor.toPlainText(),
            QTextDocument.MarkdownFeature.MarkdownNoHTML)

    def focus_note(self) -> None:
        self.note_tabs.setCurrentIndex(0)
        self.note_editor.setFocus()


def row_height(font: QFont) -> int:
    """The height of every row of the list, in ``font``."""
    return QFontMetrics(font).height() * 4 + 14


def _set_choices(combo: QComboBox, names: list[str]) -> None:
    """``ANY`` and ``names`` as ``combo``'s items, keeping its choice if it is still
    there; without a signal, and without touching a combo that has them already (a combo
    filled again repaints, and the sidebar is filled at every opening)."""
    items = [ANY, *names]
    if [combo.itemText(i) for i in range(combo.count())] == items:
        return
    current = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    combo.addItems(items)
    combo.setCurrentText(current if current in names else ANY)
    combo.blockSignals(False)
