"""The open article's annotations as a Qt list model, in text order, and its filter.

The model can be given the passages themselves (``reset``) or only how to read them
(``reset_lazily``): how many there are, a page of rows at a time in text order, and every
row's place when an edit needs it. An article with thousands of passages then opens by
counting them and reading the few rows a view shows.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)

from desktop.core.model import Annotation
from desktop.ui import messages

Index = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ANNOTATION_ROLE = Qt.ItemDataRole.UserRole + 2
TAGS_ROLE = Qt.ItemDataRole.UserRole + 3
ANNOTATOR_ROLE = Qt.ItemDataRole.UserRole + 4
FILTER_ROLE = Qt.ItemDataRole.UserRole + 5  # what the filter model matches (see there)

Key = tuple[int, int, str]  # (start, end, id): a row's place in text order

PAGE = 32  # rows read at once by a lazy model (a screenful of rows is about ten)


@dataclass(frozen=True)
class LazyPassages:
    """How a lazy model reads an article's passages."""

    count: int  # how many rows there are
    page: Callable[[int, int], list[Annotation]]  # rows offset..offset+limit, in order
    keys: Callable[[], list[Key]]  # every row's place, in order
    by_id: Callable[[Sequence[str]], dict[str, Annotation]]  # those that still exist


def _order(annotation: Annotation) -> Key:
    return (annotation.start, annotation.end, annotation.id)


class AnnotationListModel(QAbstractListModel):
    """One row per annotation of the open article, ordered by position in the text.

    A lazy model (``reset_lazily``) reads rows a page at a time, when a view shows them or
    a caller asks for them. Until something needs the rows' places (an edit, finding a
    row by id) it reads pages by their position in the text, and knows only how many rows
    there are; then it reads every row's place, once, and pages by id. Should the library
    have changed in between (another process's edit, not followed yet), the places read
    are the truth and the model starts again from them.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # the annotation of each row; None for a row not read yet (a lazy model)
        self._rows: list[Annotation | None] = []
        # beside the rows, so that finding a row is a bisection, not a scan: an article
        # can have thousands of passages and every edit looks its row up; None while a
        # lazy model has not needed them
        self._keys: list[Key] | None = []
        self._key_of: dict[str, Key] | None = {}  # by id; None until first needed
        self._source: LazyPassages | None = None
        self._unread = 0  # rows not read yet
        self._gone: set[str] = set()  # rows the loader no longer found (deleted since)

    # --- Qt ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = index.row()
        if role == ID_ROLE and self._keys is not None:
            return self._keys[row][2]
        annotation = self._rows[row] or self._read(row)
        if annotation is None:
            return None  # deleted since it was listed: its removal is on its way
        if role == Qt.ItemDataRole.DisplayRole:
            return annotation.exact
        if role == Qt.ItemDataRole.ToolTipRole:
            tags = ", ".join(annotation.tag_paths) or "(no tag)"
            return messages.plain_tip(f"{tags} — {annotation.annotator}\n"
                                      f"{annotation.note}".strip())
        if role == ID_ROLE:
            return annotation.id
        if role == ANNOTATION_ROLE:
            return annotation
        if role == TAGS_ROLE:
            return list(annotation.tags)
        if role == ANNOTATOR_ROLE:
            return annotation.annotator
        if role == FILTER_ROLE:
            return filter_text(annotation)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- changes -------------------------------------------------------------------------

    def reset(self, annotations: list[Annotation]) -> None:
        """Shows exactly ``annotations``."""
        self.beginResetModel()
        rows = sorted(annotations, key=_order)
        self._rows = list(rows)
        self._keys = [_order(a) for a in rows]
        self._key_of = {a.id: key for a, key in zip(rows, self._keys, strict=True)}
        self._source = None
        self._unread = 0
        self._gone = set()
        self.endResetModel()

    def reset_lazily(self, source: LazyPassages) -> None:
        """Shows ``source.count`` passages, read from ``source`` when asked for."""
        self.beginResetModel()
        self._rows = [None] * source.count
        self._keys = None
        self._key_of = None
        self._source = source
        self._unread = source.count
        self._gone = set()
        self.endResetModel()

    def put(self, annotation: Annotation) -> None:
        """Adds or replaces ``annotation``, keeping text order.

        A change that keeps its place (a note, a tag) updates the row in place, so a view's
        current row and selection stay where they are.
        """
        keys = self._places()
        self._gone.discard(annotation.id)
        row = self.row_of(annotation.id)
        key = _order(annotation)
        if row is not None:
            before = keys[row - 1] if row > 0 else None
            after = keys[row + 1] if row + 1 < len(keys) else None
            if (before is None or before <= key) and (after is None or key <= after):
                if self._rows[row] is None:
                    self._unread -= 1
                self._rows[row] = annotation
                keys[row] = key
                self._ids()[annotation.id] = key
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)
                return
        self.drop(annotation.id)
        row = bisect_left(keys, key)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, annotation)
        keys.insert(row, key)
        self._ids()[annotation.id] = key
        self.endInsertRows()

    def drop(self, annotation_id: str) -> None:
        row = self.row_of(annotation_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        if self._rows[row] is None:
            self._unread -= 1
        del self._rows[row]
        del self._places()[row]
        del self._ids()[annotation_id]
        self._gone.discard(annotation_id)
        self.endRemoveRows()

    def row_of(self, annotation_id: str) -> int | None:
        key = self._ids().get(annotation_id)
        if key is None:
            return None
        return bisect_left(self._places(), key)  # keys are unique: the id is in

    def annotation(self, annotation_id: str) -> Annotation | None:
        row = self.row_of(annotation_id)
        if row is None:
            return None
        return self._rows[row] or self._read(row)

    def at_span(self, start: int, end: int) -> list[Annotation]:
        """The annotations of exactly ``start``..``end``, in id order."""
        keys = self._places()
        first = bisect_left(keys, (start, end, ""))
        found = []
        for row in range(first, len(self._rows)):
            if keys[row][:2] != (start, end):
                break
            annotation = self._rows[row] or self._read(row)
            if annotation is not None:
                found.append(annotation)
        return found

    def annotations(self) -> list[Annotation]:
        """Every annotation, in text order (a lazy model reads those it has not yet)."""
        if self._unread:
            for row in range(0, len(self._rows), PAGE):
                if None in self._rows[row:row + PAGE]:
                    self._read(row)
        return [a for a in self._rows if a is not None]

    # --- reading a lazy model's rows -----------------------------------------------------

    def _places(self) -> list[Key]:
        """Every row's place, read first if a lazy model has not yet. Not from ``data``:
        a model that finds the library changed starts again, which a view must not see
        while it paints."""
        if self._keys is None:
            assert self._source is not None
            keys = self._source.keys()
            if len(keys) == len(self._rows) and all(
                    a is None or _order(a) == key for a, key in zip(self._rows, keys,
                                                                    strict=True)):
                self._keys = keys
            else:
                self.beginResetModel()
                self._rows = [None] * len(keys)
                self._keys = keys
                self._unread = len(keys)
                self._gone = set()
                self.endResetModel()
        return self._keys

    def _ids(self) -> dict[str, Key]:
        if self._key_of is None:
            self._key_of = {key[2]: key for key in self._places()}
        return self._key_of

    def _read(self, row: int) -> Annotation | None:
        """Reads the page of rows around ``row`` that are not read yet; returns ``row``'s
        annotation (None if it no longer exists)."""
        source = self._source
        if source is None or not self._unread:
            return self._rows[row]
        first = row - row % PAGE
        last = min(first + PAGE, len(self._rows))
        if self._keys is None:  # by position in the text: nothing has needed places yet
            for at, read in enumerate(source.page(first, last - first), first):
                if at < last and self._rows[at] is None:
                    self._rows[at] = read
                    self._unread -= 1
            return self._rows[row]
        if self._keys[row][2] in self._gone:
            return None
        wanted = [(at, self._keys[at][2]) for at in range(first, last)
                  if self._rows[at] is None and self._keys[at][2] not in self._gone]
        found = source.by_id([annotation_id for _, annotation_id in wanted])
        for at, annotation_id in wanted:
            annotation = found.get(annotation_id)
            if annotation is None:
                self._gone.add(annotation_id)
            else:  # (moved since it was listed: shown where it was until its change comes)
                self._rows[at] = annotation
                self._unread -= 1
        return self._rows[row]


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
    """Shows the annotations with a tag and by an annotator; empty means any.

    The filter is a regular expression over each row's ``FILTER_ROLE`` text, matched by
    Qt: with no filter set, Qt lets every row in without asking the model anything (a
    Python ``filterAcceptsRow`` would be called for each of thousands of rows at every
    opening, and would make a lazy model read them all).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.tag = ""
        self.annotator = ""
        self.setFilterRole(FILTER_ROLE)

    def set_filter(self, tag: str = "", annotator: str = "") -> None:
        self.tag = tag
        self.annotator = annotator
        self.setFilterRegularExpression(filter_pattern(tag, annotator))


# FILTER_ROLE's text: the annotator between two _A, then for each tag its name, its path
# and its path's first part, each lower-cased between two _T. Names do not hold these
# control characters in practice; one that did could only match too little, never a
# passage it should not.
_A = "\x1d"
_T = "\x1e"


def filter_text(annotation: Annotation) -> str:
    """What the filter model matches of ``annotation`` (see ``filter_pattern``)."""
    parts = [_A, annotation.annotator, _A]
    for name, path in zip(annotation.tags, annotation.tag_paths, strict=False):
        lowered = path.lower()
        parts += [_T, name.lower(), _T, lowered, _T, lowered.split("/")[0], _T]
    return "".join(parts)


def filter_pattern(tag: str, annotator: str) -> QRegularExpression:
    """The rows with ``tag`` (its name, its path or its parent's name, in any case) and by
    ``annotator`` (exactly); the empty pattern, which lets every row in, for neither."""
    pattern = ""
    if annotator:
        pattern += "^" + QRegularExpression.escape(_A + annotator + _A)
    if tag:
        pattern += "(?=[\\s\\S]*" + QRegularExpression.escape(_T + tag.lower() + _T) + ")"
    return QRegularExpression(pattern)
