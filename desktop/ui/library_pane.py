"""The library pane: every article with outlet, date and annotation count; sort and filter."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.core.model import Article
from desktop.ui import messages
from desktop.ui.annotation_model import filter_change

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = ("Title", "Published", "Passages")
OUTLET_ROLE = Qt.ItemDataRole.UserRole + 3
ANY = "Any"


class LibraryModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._articles: list[Article] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._articles)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._articles):
            return None
        article = self._articles[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if column == 0:
                return article.title
            if column == 1:
                return (article.published or "")[:10]
            if column == 2:
                return article.annotation_count if role == SORT_ROLE else (
                    str(article.annotation_count) if article.annotation_count else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            by = f"\nby {article.author}" if article.author else ""
            return messages.plain_tip(
                f"{article.title}{by}\n{article.outlet or ''} {article.published or ''}")
        if role == OUTLET_ROLE:
            return " · ".join(x for x in (article.outlet, article.author) if x)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return article.id
        return None

    def reset(self, articles: list[Article]) -> None:
        self.beginResetModel()
        self._articles = list(articles)
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorts the articles in Python: a proxy would ask for every cell many times."""
        keys = {
            0: lambda a: a.title.lower(),
            1: lambda a: a.published or "",
            2: lambda a: a.annotation_count,
        }
        if column not in keys:
            return
        self.layoutAboutToBeChanged.emit()
        # the views' selection and current row are persistent indexes: they must follow
        # their articles to the new rows, or the selection lands on another article
        before = self.persistentIndexList()
        ids = [self._articles[index.row()].id for index in before]
        self._articles.sort(key=keys[column],
                            reverse=order == Qt.SortOrder.DescendingOrder)
        rows = {article.id: row for row, article in enumerate(self._articles)}
        self.changePersistentIndexList(
            before, [self.index(rows[article_id], index.column())
                     for article_id, index in zip(ids, before, strict=True)])
        self.layoutChanged.emit()

    def set_counts(self, article_id: str, annotations: int, orphans: int) -> None:
        """New annotation counts for one article (after an edit), without a reload."""
        row = self.row_of(article_id)
        if row is None:
            return
        self._articles[row] = replace(self._articles[row], annotation_count=annotations,
                                      orphan_count=orphans)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def row_of(self, article_id: str) -> int | None:
        for row, article in enumerate(self._articles):
            if article.id == article_id:
                return row
        return None

    def article(self, row: int) -> Article:
        return self._articles[row]


class LibraryFilterModel(QSortFilterProxyModel):
    """Filters by words in title, outlet or author, and by a set of allowed article ids."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []
        self.allowed: set[str] | None = None
        # the source model sorts itself; the proxy keeps its order
        self.setDynamicSortFilter(False)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.allowed is None and not self.words:
            return True
        return self._accepts(source_row)

    def set_words(self, text: str) -> None:
        with filter_change(self):
            self.words = text.lower().split()

    def set_allowed(self, ids: set[str] | None) -> None:
        with filter_change(self):
            self.allowed = ids

    def _accepts(self, source_row: int) -> bool:
        model: LibraryModel = self.sourceModel()  # type: ignore[assignment]
        article = model.article(source_row)
        if self.allowed is not None and article.id not in self.allowed:
            return False
        haystack = " ".join(x for x in (article.title, article.outlet, article.author) if x)
        haystack = haystack.lower()
        return all(word in haystack for word in self.words)


class TitleDelegate(QStyledItemDelegate):
    """The title, and under it the outlet and author in a quieter colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        title = option.text
        option.text = ""
        widget = option.widget
        style = widget.style() if widget else None
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        color = option.palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(6, 4, -6, -4)
        metrics = option.fontMetrics
        line = metrics.height()
        painter.save()
        painter.setPen(color)
        painter.drawText(rect.adjusted(0, 0, 0, -line), Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width()))
        muted = QColor(color)
        muted.setAlpha(150)
        painter.setPen(muted)
        painter.drawText(rect.adjusted(0, line, 0, 0), Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(index.data(OUTLET_ROLE) or "",
                                            Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


class LibraryPane(QWidget):
    """The list of articles. Activating a row opens that article."""

    articleActivated = Signal(str)
    filtersChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = LibraryModel(self)
        self.proxy = LibraryFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.filter_box = QLineEdit(objectName="libraryFilter")
        self.filter_box.setPlaceholderText("Filter by title, outlet, author…")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.textChanged.connect(self.proxy.set_words)
        self.tag_filter = QComboBox(objectName="libraryTagFilter")
        self.tag_filter.setToolTip("Only articles with passages tagged so")
        self.annotator_filter = QComboBox(objectName="libraryAnnotatorFilter")
        self.annotator_filter.setToolTip("Only articles this annotator worked on")
        for combo in (self.tag_filter, self.annotator_filter):
            combo.addItem(ANY)
            combo.currentTextChanged.connect(lambda _text: self.filtersChanged.emit())
            # sized by a few characters, not by the longest tag (the technique names are
            # long): the pane keeps its width whatever the set or the theme
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)

        self.view = QTableView(objectName="libraryView")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setAlternatingRowColors(True)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.setItemDelegateForColumn(0, TitleDelegate(self.view))
        self.view.verticalHeader().setDefaultSectionSize(
            self.view.fontMetrics().height() * 2 + 10)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # fixed widths from the font: measuring every row's cells would cost a library of
        # thousands of articles seconds at start
        metrics = self.view.fontMetrics()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, metrics.horizontalAdvance("2025-12-31") + 28)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, metrics.horizontalAdvance("Passages") + 28)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.sortIndicatorChanged.connect(self.model.sort)
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.activated.connect(self._activated)
        self.view.clicked.connect(self._activated)
        self.view.setAccessibleName("Articles in the library")

        filters = QHBoxLayout()
        filters.addWidget(self.tag_filter, 1)
        filters.addWidget(self.annotator_filter, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter_box)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)

    def show_articles(self, articles: list[Article]) -> None:
        """Shows ``articles`` in the current order, keeping the selected article and the
        scroll position (the list changes under a user who is reading)."""
        current = self.current_id()
        scrolled = self.view.verticalScrollBar().value()
        self.model.reset(articles)
        header = self.view.horizontalHeader()
        self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if current:
            self.select(current, scroll=False)
        self.view.verticalScrollBar().setValue(scrolled)

    def set_filter_choices(self, tags: list[str], annotators: list[str]) -> None:
        for combo, items, label in ((self.tag_filter, tags, "Any tag"),
                                    (self.annotator_filter, annotators, "Any annotator")):
            current = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(ANY)
            combo.setItemText(0, label)
            combo.addItems(items)
            index = combo.findText(current)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    def chosen_tag(self) -> str:
        return self.tag_filter.currentText() if self.tag_filter.currentIndex() > 0 else ""

    def chosen_annotator(self) -> str:
        return (self.annotator_filter.currentText()
                if self.annotator_filter.currentIndex() > 0 else "")

    def current_id(self) -> str:
        index = self.view.currentIndex()
        return index.data(ID_ROLE) if index.isValid() else ""

    def select(self, article_id: str, scroll: bool = True) -> None:
        row = self.model.row_of(article_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.view.setCurrentIndex(index)
            if scroll:
                self.view.scrollTo(index)

    def _activated(self, index: QModelIndex) -> None:
        article_id = index.data(ID_ROLE)
        if article_id:
            self.articleActivated.emit(article_id)
