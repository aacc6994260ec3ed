"""Library search (Ctrl+Shift+F): article texts, passages and notes through FTS."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.store.library import Library
from desktop.ui import messages

HIT_ROLE = Qt.ItemDataRole.UserRole + 1


class SearchPanel(QWidget):
    """A search box and its results; activating a result opens the article at the match."""

    openRequested = Signal(str, int, int)  # article id, start, end (-1 when unknown)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.box = QLineEdit(objectName="searchBox")
        self.box.setPlaceholderText('Search the library: words, or "a phrase"')
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self.run_search)
        self.summary = QLabel(objectName="searchSummary")
        self.results = QListWidget(objectName="searchResults")
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(self._open)
        self.results.itemClicked.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.box)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

    def run_search(self) -> None:
        words = self.box.text()
        self.results.clear()
        if not words.strip():
            self.summary.setText("")
            return
        hits = self.library.search.annotations(words) + self.library.search.articles(words)
        for hit in hits:
            label = "Passage" if hit.kind == "annotation" else "Article"
            snippet = " ".join(hit.snippet.split())
            item = QListWidgetItem(f"{label} · {hit.article_title}\n{snippet}")
            item.setData(HIT_ROLE, (hit.article_id, hit.start if hit.start is not None else -1,
                                    hit.end if hit.end is not None else -1))
            item.setToolTip(messages.plain_tip(snippet))
            self.results.addItem(item)
        self.summary.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''}"
                             if hits else "Nothing found")

    def _open(self, item: QListWidgetItem) -> None:
        article_id, start, end = item.data(HIT_ROLE)
        self.openRequested.emit(article_id, start, end)
