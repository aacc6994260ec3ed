"""The open article's annotations as a Qt list model, in text order, and its filter."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop.core.model import Annotation

Index = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ANNOTATION_ROLE = Qt.ItemDataRole.UserRole + 2
TAGS_ROLE = Qt.ItemDataRole.UserRole + 3
ANNOTATOR_ROLE = Qt.ItemDataRole.UserRole + 4


def _order(annotation: Annotation) -> tuple[int, int, str]:
    return (annotation.start, annotation.end, annotation.id)


class AnnotationListModel(QAbstractListModel):
    """One row per annotation of the open article, ordered by position in the text."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Annotation] = []
        # beside the rows, so that finding a row is a bisection, not a scan: an article
        # can have thousands of passages and every edit looks its row up
        self._keys: list[tuple[int, int, str]] = []
        self._by_id: dict[str, Annotation] = {}

    # --- Qt ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        annotation = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return annotation.exact
        if role == Qt.ItemDataRole.ToolTipRole:
            tags = ", ".join(annotation.tag_paths) or "(no tag)"
            return f"{tags} — {annotation.annotator}\n{annotation.note}".strip()
        if role == ID_ROLE:
            return annotation.id
        if role == ANNOTATION_ROLE:
            return annotation
        if role == TAGS_ROLE:
            return list(annotation.tags)
        if role == ANNOTATOR_ROLE:
            return annotation.annotator
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- changes -------------------------------------------------------------------------

    def reset(self, annotations: list[Annotation]) -> None:
        self.beginResetModel()
        self._rows = sorted(annotations, key=_order)
        self._keys = [_order(a) for a in self._rows]
        self._by_id = {a.id: a for a in self._rows}
        self.endResetModel()

    def put(self, annotation: Annotation) -> None:
        """Adds or replaces ``annotation``, keeping text order.

        A change that keeps its place (a note, a tag) updates the row in place, so a view's
        current row and selection stay where they are.
        """
        row = self.row_of(annotation.id)
        if row is not None:
            before = _order(self._rows[row - 1]) if row > 0 else None
            after = _order(self._rows[row + 1]) if row + 1 < len(self._rows) else None
            key = _order(annotation)
            if (before is None or before <= key) and (after is None or key <= after):
                self._rows[row] = annotation
                self._keys[row] = key
                self._by_id[annotation.id] = annotation
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
                return
        self.drop(annotation.id)
        key = _order(annotation)
        row = bisect_left(self._keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, annotation)
        self._keys.insert(row, key)
        self._by_id[annotation.id] = annotation
        self.endInsertRows()

    def drop(self, annotation_id: str) -> None:
        row = self.row_of(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        del self._keys[row]
        del self._by_id[annotation_id]
        self.endRemoveRows()

    def row_of(self, annotation_id: str) -> int | None:
        annotation = self._by_id.get(annotation_id)
        if annotation is None:
            return None
        return bisect_left(self._keys, _order(annotation))  # keys are unique: the id is in

    def annotation(self, annotation_id: str) -> Annotation | None:
        return self._by_id.get(annotation_id)

    def at_span(self, start: int, end: int) -> list[Annotation]:
        """The annotations of exactly ``start``..``end``, in id order."""
        first = bisect_left(self._keys, (start, end, ""))
        found = []
        for row in range(first, len(self._rows)):
            if self._keys[row][:2] != (start, end):
                break
            found.append(self._rows[row])
        return found

    def annotations(self) -> list[Annotation]:
        return list(self._rows)


@contextmanager
def filter_change(proxy: QSortFilterProxyModel) -> Iterator[None]:
    """Wraps a change of a proxy's filter criteria (Qt 6.9+ API, older fallback)."""
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        yield
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        yield
        proxy.invalidateRowsFilter()


class AnnotationFilterModel(QSortFilterProxyModel):
    """Shows the annotations with a tag and by an annotator; empty means any."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.tag = ""
        self.annotator = ""

    def set_filter(self, tag: str = "", annotator: str = "") -> None:
        with filter_change(self):
            self.tag = tag
            self.annotator = annotator

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if self.tag:
            annotation: Annotation = model.data(index, ANNOTATION_ROLE)
            wanted = self.tag.lower()
            if not any(wanted in (name.lower(), path.lower(), path.lower().split("/")[0])
                       for name, path in zip(annotation.tags, annotation.tag_paths,
                                             strict=False)):
                return False
        return not (self.annotator and model.data(index, ANNOTATOR_ROLE) != self.annotator)
