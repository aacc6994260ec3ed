"""Starting and opening review sessions from the main window (the Review menu)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
)

from desktop.core.errors import ClosereadError
from desktop.ui import messages
from desktop.ui.review_view import ReviewView

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow


class NewSessionDialog(QDialog):
    """A session's name, its analysts (in lane order: the order ticked) and tolerance."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("newReviewDialog")
        self.setWindowTitle("New review session")
        self.name = QLineEdit(objectName="reviewName")
        self.name.setPlaceholderText("e.g. harbour-week-47 (the reconciled layer's name)")
        self.analysts = QListWidget(objectName="reviewAnalysts")
        for annotator in window.library.annotations.annotators():
            item = QListWidgetItem(annotator.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.analysts.addItem(item)
        self.tolerance = QSpinBox(objectName="reviewTolerance")
        self.tolerance.setRange(0, 50)
        self.tolerance.setValue(2)
        self.tolerance.setSuffix(" characters")
        self.tolerance.setToolTip("Passages whose boundaries differ by at most this much "
                                  "count as the same span")
        form = QFormLayout(self)
        form.addRow("Name", self.name)
        form.addRow("Analysts", self.analysts)
        form.addRow("Tolerance", self.tolerance)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def chosen(self) -> list[str]:
        return [self.analysts.item(row).text() for row in range(self.analysts.count())
                if self.analysts.item(row).checkState() == Qt.CheckState.Checked]


def new_session(window: MainWindow) -> ReviewView | None:
    """Asks for a session and opens it."""
    dialog = NewSessionDialog(window)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return create_session(window, dialog.name.text(), dialog.chosen(),
                              dialog.tolerance.value())
    finally:
        dialog.deleteLater()


def create_session(window: MainWindow, name: str, analysts: list[str],
                   tolerance: int) -> ReviewView | None:
    try:
        session = window.library.reviews.create(name, analysts, tolerance=tolerance,
                                                reviewers=[window.editor.annotator])
    except ClosereadError as error:
        messages.warn(window, "New review session", error.message)
        return None
    return open_review(window, session.name)


def choose_session(window: MainWindow) -> ReviewView | None:
    """Opens one of the library's sessions, chosen from a list."""
    names = [s.name for s in window.library.reviews.list()]
    if not names:
        messages.inform(window, "Review sessions",
                        "There is no review session yet: Review ▸ New review session starts "
                        "one.")
        return None
    name, ok = QInputDialog.getItem(window, "Open review session", "Session:", names, 0,
                                    False)
    return open_review(window, name) if ok and name else None


def open_review(window: MainWindow, name: str) -> ReviewView | None:
    """The session's review window, shown (one window a session)."""
    for view in window.findChildren(ReviewView):
        if view.session.name == name and view.isVisible():
            view.raise_()
            view.activateWindow()
            return view
    try:
        view = ReviewView(window, name)
    except ClosereadError as error:
        messages.warn(window, "Review", error.message)
        return None
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return view
