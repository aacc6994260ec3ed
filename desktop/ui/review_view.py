"""The review window: one session's units, article by article, decided with the keyboard.

Left, the units of the article with their class and state; in the middle, the text with
one lane per analyst (``review_lanes``); right, the current unit's versions, its decision
and its discussion thread. Keys on the unit list or the text: 1–9 accept that analyst's
version, E accepts the selected text as an edited version (with the chosen version's
tags), R rejects, U reopens, N and P (or J and K) move to the next and previous unit.
Every decision is a command on the main window's undo stack (Ctrl+Z works here too). The
window follows the library's change events, so a colleague's decision or a new passage
shows at once. The Charts tab draws the session's charts; the Analyst tab shows one
analyst what the review did with each of their passages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QKeyEvent, QTextDocument
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alignment import ReviewedUnit
from desktop.core.changes import ANNOTATION, ARTICLE, REPLY, REVIEW, TAG, ChangeBatch
from desktop.core.errors import ClosereadError
from desktop.core.review_changes import analyst_changes
from desktop.ui import messages
from desktop.ui.review_commands import AutoDecide, DecideUnit
from desktop.ui.review_lanes import LaneGutter, LaneMark, ReviewText

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("#", "Passage", "Class", "State", "Decision")
STATE_COLORS = {"accepted": "#2e7d32", "rejected": "#8e8e8e", "agreeing": "#0072B2",
                "disagreeing": "#D55E00", "incomplete": "#CC79A7"}
CLASS_WORDS = {"agree": "all agree", "boundaries": "boundaries differ",
               "tags": "tags differ", "boundaries_and_tags": "both differ",
               "partial": "only some marked"}
# the roles UnitTableModel.data answers
_ROLES = frozenset({KEY_ROLE, Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.ToolTipRole})


class UnitTableModel(QAbstractTableModel):
    """The units of one article, in text order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.units: list[ReviewedUnit] = []
        self.text = ""
        self.names: dict[str, str] = {}

    def reset(self, units: list[ReviewedUnit], text: str, names: dict[str, str]) -> None:
        self.beginResetModel()
        self.units, self.text, self.names = units, text, names
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the view asks for a dozen roles a cell at each paint: those this model has no
        # answer for are turned away before anything is looked up
        if role not in _ROLES or not index.isValid() \
                or not 0 <= index.row() < len(self.units):
            return None
        reviewed = self.units[index.row()]
        unit = reviewed.unit
        column = index.column()
        if role == KEY_ROLE:
            return unit.key
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return index.row() + 1
            if column == 1:
                return " ".join(self.text[unit.start:unit.end].split())[:80]
            if column == 2:
                return CLASS_WORDS.get(unit.kind, unit.kind)
            if column == 3:
                return reviewed.state
            if column == 4:
                return decision_words(reviewed, self.names)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            return QColor(STATE_COLORS.get(reviewed.state, "#000000"))
        if role == Qt.ItemDataRole.ToolTipRole and column == 1:
            return messages.plain_tip(self.text[unit.start:unit.end])
        return None

    def row_of(self, key: str) -> int | None:
        return next((row for row, r in enumerate(self.units) if r.unit.key == key), None)


def decision_words(reviewed: ReviewedUnit, names: dict[str, str]) -> str:
    decision = reviewed.decision
    if decision is None:
        return "open"
    who = f" ({decision.rule})" if decision.rule != "manual" else ""
    if decision.decision == "accepted":
        return f"accepted {names.get(decision.analyst_id or '', '?')}'s{who}"
    return decision.decision + who


class ReviewView(QWidget):
    """One review session, in a window of its own beside the main window."""

    def __init__(self, window: MainWindow, session: str) -> None:
        super().__init__(window, Qt.WindowType.Window)
        self.setObjectName("reviewView")
        self.window_ = window
        self.library = window.library
        self.reviews = window.library.reviews
        self.session = self.reviews.get(session)
        self.setWindowTitle(f"Review — {self.session.name}")
        self.names = {a.id: a.name for a in self.session.analysts}
        self.article_id = ""
        self.current_key = ""
        self._units_shown = 0  # _show_unit's calls, counted
        self._refusal = _refusal_shower(self)
        self._build()
        self._bind_keys()
        window.watcher.changed.connect(self._library_changed)
        self.refresh_articles()

    # --- layout --------------------------------------------------------------------------

    def _build(self) -> None:
        # plain text in a bold font: a session's name is data, and a rich-text label lays
        # its text out again after its first paint, which asked for the whole window's
        # layout and a second paint of it
        self.title = QLabel(objectName="reviewTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.title.font()
        bold.setBold(True)
        self.title.setFont(bold)
        self.article_choice = QComboBox(objectName="reviewArticle")
        self.article_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.article_choice.setMinimumContentsLength(24)
        self.article_choice.currentIndexChanged.connect(self._article_chosen)
        self.progress = QProgressBar(objectName="reviewProgress")
        self.progress.setFormat("%v of %m units decided")
        settle = QPushButton("Settle unanimous", objectName="autoUnanimous")
        settle.setToolTip("Accept every unit on which all analysts agree (undoable)")
        settle.clicked.connect(lambda: self.auto("unanimous"))
        self.majority_min = QSpinBox(objectName="reviewMajorityMin")
        self.majority_min.setRange(2, max(2, len(self.session.analysts)))
        self.majority_min.setValue(max(2, len(self.session.analysts) // 2 + 1))
        self.majority_min.setPrefix("at least ")
        majority = QPushButton("Settle majority", objectName="autoMajority")
        majority.clicked.connect(lambda: self.auto("majority", self.majority_min.value()))
        top = QHBoxLayout()
        for widget in (self.title, self.article_choice, self.progress, settle,
                       self.majority_min, majority):
            top.addWidget(widget)
        top.setStretch(2, 1)

        self.model = UnitTableModel(self)
        self.unit_list = QTableView(objectName="unitList")
        self.unit_list.setModel(self.model)
        self.unit_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.unit_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.unit_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.unit_list.verticalHeader().hide()
        self.unit_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.unit_list.setWordWrap(False)
        self.unit_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        # widths from the font, not from measuring every row: a session has thousands
        header = self.unit_list.horizontalHeader()
        metrics = self.unit_list.fontMetrics()
        for column, sample in ((0, "999"), (2, "boundaries differ"),
                               (3, "disagreeing"), (4, "accepted maya's (majority)")):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        rows = self.unit_list.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(metrics.height() + 8)
        self.unit_list.selectionModel().currentRowChanged.connect(self._row_changed)

        self.text = ReviewText()
        self.lanes = LaneGutter(self.text)
        self.lanes.unitClicked.connect(self.select_unit)
        self.lane_names = QLabel(objectName="reviewLaneNames")
        self.lane_names.setTextFormat(Qt.TextFormat.PlainText)  # analysts' names are data
        self.lane_names.setWordWrap(True)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.lane_names)
        text_row = QHBoxLayout()
        text_row.setSpacing(0)
        text_row.addWidget(self.lanes)
        text_row.addWidget(self.text, 1)
        middle_layout.addLayout(text_row, 1)

        self.unit_heading = QLabel(objectName="unitHeading")
        self.unit_heading.setWordWrap(True)
        self.versions = QListWidget(objectName="unitVersions")
        self.versions.setWordWrap(True)
        self.versions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.decision_label = QLabel(objectName="unitDecision")
        self.decision_label.setWordWrap(True)
        self.comment = QLineEdit(objectName="decisionComment")
        self.comment.setPlaceholderText("Comment on the decision (optional)")
        buttons = QHBoxLayout()
        for label, name, slot in (("Accept", "acceptVersion", self.accept_chosen),
                                  ("Edited (E)", "editVersion", self.accept_edited),
                                  ("Reject (R)", "rejectUnit", self.reject),
                                  ("Reopen (U)", "reopenUnit", self.reopen)):
            button = QPushButton(label, objectName=name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        self.thread_view = QTextBrowser(objectName="unitThread")
        self.thread_view.setOpenLinks(False)
        self.reply_editor = QPlainTextEdit(objectName="replyEditor")
        self.reply_editor.setPlaceholderText("Reply on this unit (Markdown)…")
        self.reply_editor.setMaximumHeight(80)
        send = QPushButton("Reply", objectName="replySend")
        send.clicked.connect(self.send_reply)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.unit_heading, self.versions, self.decision_label, self.comment):
            side_layout.addWidget(widget)
        side_layout.addLayout(buttons)
        side_layout.addWidget(QLabel("Discussion"))
        side_layout.addWidget(self.thread_view, 1)
        side_layout.addWidget(self.reply_editor)
        side_layout.addWidget(send, 0, Qt.AlignmentFlag.AlignRight)

        split = QSplitter(Qt.Orientation.Horizontal, objectName="reviewSplitter")
        split.addWidget(self.unit_list)
        split.addWidget(middle)
        split.addWidget(side)
        split.setSizes([640, 460, 300])

        # the Charts and Analyst's view tabs are built when first opened (_tab_changed):
        # the window opens without their widgets, and their reports are read then
        self.charts_page = QWidget(objectName="reviewChartsPage")
        self.charts_holder = QVBoxLayout(self.charts_page)
        self.charts_holder.setContentsMargins(0, 0, 0, 0)
        self.analyst_page = QWidget(objectName="reviewAnalystPage")
        self.analyst_holder = QVBoxLayout(self.analyst_page)
        self.analyst_holder.setContentsMargins(0, 0, 0, 0)

        self.tabs = QTabWidget(objectName="reviewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(split, "Units")
        self.tabs.addTab(self.charts_page, "Charts")
        self.tabs.addTab(self.analyst_page, "Analyst's view")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.resize(1400, 860)

    def _build_charts(self) -> None:
        """The Charts tab's widgets, when it is first opened."""
        if self.charts_holder.count():
            return
        self.charts = QWidget(objectName="reviewCharts")
        self.charts_layout = QVBoxLayout(self.charts)
        charts_scroll = QScrollArea()
        charts_scroll.setWidgetResizable(True)
        charts_scroll.setWidget(self.charts)
        self.charts_holder.addWidget(charts_scroll)
        charts_scroll.show()  # at once, not on the next pass of the event loop

    def _build_analyst(self) -> None:
        """The Analyst's view tab's widgets, when it is first opened."""
        if self.analyst_holder.count():
            return
        self.analyst_choice = QComboBox(objectName="analystChoice")
        for analyst in self.session.analysts:
            self.analyst_choice.addItem(analyst.name, analyst.id)
        self.analyst_choice.currentIndexChanged.connect(self.show_analyst)
        self.analyst_table = QTableWidget(0, 4, objectName="analystChanges")
        self.analyst_table.setHorizontalHeaderLabels(
            ["Article", "Your passage", "Decision", "What changed"])
        analyst_header = self.analyst_table.horizontalHeader()
        analyst_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        analyst_header.resizeSection(0, 240)
        analyst_header.resizeSection(2, 220)
        analyst_header.resizeSection(3, 320)
        self.analyst_table.setWordWrap(True)
        self.analyst_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.analyst_note = QLabel(objectName="analystNote")
        self.analyst_note.setWordWrap(True)
        self.analyst_note.hide()
        analyst_tab = QWidget()
        analyst_layout = QVBoxLayout(analyst_tab)
        analyst_layout.addWidget(self.analyst_choice)
        analyst_layout.addWidget(self.analyst_note)
        analyst_layout.addWidget(self.analyst_table, 1)
        self.analyst_holder.addWidget(analyst_tab)
        analyst_tab.show()  # at once, not on the next pass of the event loop

    def _bind_keys(self) -> None:
        for widget in (self.unit_list, self.text, self.versions):
            widget.installEventFilter(self)
        for action in (self.window_.menu_actions["actionUndo"],
                       self.window_.menu_actions["actionRedo"]):
            self.addAction(action)  # Ctrl+Z and Ctrl+Shift+Z here too

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # type: ignore[override]
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier):
            return super().eventFilter(watched, event)
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.accept_lane(key - Qt.Key.Key_1 + 1)
        elif key == Qt.Key.Key_E:
            self.accept_edited()
        elif key in (Qt.Key.Key_R, Qt.Key.Key_0):
            self.reject()
        elif key == Qt.Key.Key_U:
            self.reopen()
        elif key in (Qt.Key.Key_N, Qt.Key.Key_J):
            self.step_unit(1)
        elif key in (Qt.Key.Key_P, Qt.Key.Key_K):
            self.step_unit(-1)
        else:
            return super().eventFilter(watched, event)
        return True

    # --- content -------------------------------------------------------------------------

    def refresh_articles(self) -> None:
        self.article_choice.blockSignals(True)
        self.article_choice.clear()
        for article_id in self.session.articles:
            self.article_choice.addItem(self.library.articles.get(article_id).title,
                                        article_id)
        self.article_choice.blockSignals(False)
        self.title.setText(self.session.name)
        self._article_chosen()

    def _article_chosen(self, *_args: object) -> None:
        article_id = self.article_choice.currentData() or ""
        if article_id != self.article_id:
            self.article_id = article_id
            self.text.show_text(self.library.articles.text(article_id) if article_id else "")
            self.current_key = ""
        self.reload()

    def reload(self) -> None:
        """The article's units, lanes and progress as the library has them now; the
        current unit stays current if it still exists."""
        self.session = self.reviews.get(self.session.id)
        self.names = {a.id: a.name for a in self.session.analysts}
        # the units read once: the article's for the list and the lanes, the session's for
        # the progress bar (the store's progress() read and aligned them all again); a
        # session of one article, the article's alone (read by the article, not by the
        # session, which looks through every article of the library)
        if self.article_id and list(self.session.articles) == [self.article_id]:
            every = units = self.reviews.units(self.session.id, self.article_id)
        else:
            every = self.reviews.units(self.session.id)
            units = [r for r in every if r.unit.article_id == self.article_id] \
                if self.article_id else []
        self.model.reset(units, self.text.text, self.names)
        self._show_lanes(units)
        decided = sum(1 for r in every if r.decision is not None)
        self.progress.setMaximum(max(1, len(every)))
        self.progress.setValue(decided)
        self.progress.setFormat(f"{decided} of {len(every)} units decided")
        key = self.current_key
        row = self.model.row_of(key) if key else None
        if row is None and units:
            row = 0
        if row is not None:
            shown = self._units_shown
            self.unit_list.selectRow(row)  # shows the unit (currentRowChanged)
            # (shown once: again only when the row was current already, without a signal)
            if self._units_shown == shown and self.unit_list.currentIndex().row() == row:
                self._show_unit(self.model.units[row])
        else:
            self._show_unit(None)

    def _show_lanes(self, units: list[ReviewedUnit]) -> None:
        colors = {t.name: t.color for t in self.library.tags.all(usage=False)}
        lanes: dict[str, list[LaneMark]] = {a.id: [] for a in self.session.analysts}
        reconciled: list[LaneMark] = []
        for reviewed in units:
            for passage in reviewed.unit.passages:
                tag = min(passage.tags, default="")  # its first tag by name
                lanes.setdefault(passage.annotator, []).append(LaneMark(
                    reviewed.unit.key, passage.start, passage.end, colors.get(tag, "#999999")))
            if reviewed.reconciled is not None:
                passage = reviewed.reconciled
                tag = min(passage.tags, default="")
                reconciled.append(LaneMark(reviewed.unit.key, passage.start, passage.end,
                                           colors.get(tag, "#999999")))
        names = [f"{a.lane} {a.name}" + (" (deleted)" if a.missing else "")
                 for a in self.session.analysts] + ["✓ reconciled"]
        self.lanes.set_lanes(names, [lanes[a.id] for a in self.session.analysts]
                             + [reconciled])
        self.lane_names.setText("Lanes: " + " · ".join(names))

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._show_unit(self.model.units[current.row()])

    def select_unit(self, key: str) -> None:
        row = self.model.row_of(key)
        if row is not None:
            self.unit_list.selectRow(row)

    def step_unit(self, step: int) -> None:  # not move(): that is QWidget.move()
        row = self.unit_list.currentIndex().row()
        target = max(0, min(self.model.rowCount() - 1, row + step))
        if self.model.rowCount():
            self.unit_list.selectRow(target)

    def _show_unit(self, reviewed: ReviewedUnit | None) -> None:
        self._units_shown += 1
        self.versions.clear()
        if reviewed is None:
            self.current_key = ""
            self.unit_heading.setText("No units in this article: nobody marked it.")
            self.decision_label.setText("")
            self.thread_view.clear()
            self.lanes.set_current("")
            self.text.mark(0, 0)
            return
        unit = reviewed.unit
        self.current_key = unit.key
        self.unit_heading.setText(
            f"Unit {(self.model.row_of(unit.key) or 0) + 1} · {CLASS_WORDS.get(unit.kind)} · "
            f"{reviewed.state}")
        decision, made = reviewed.decision, reviewed.reconciled
        for analyst in self.session.analysts:
            versions = unit.versions(analyst.id)
            if not versions:
                gone = "deleted from the library" if analyst.missing else "not marked"
                item = QListWidgetItem(f"{analyst.lane} · {analyst.name}: — ({gone})")
                item.setData(KEY_ROLE, "")
                self.versions.addItem(item)
            for passage in versions:
                tags = ", ".join(sorted(passage.tags)) or "no tag"
                quote = " ".join(self.text.text[passage.start:passage.end].split())
                # the version the decision took (of an analyst's several, the one whose
                # span and tags the reconciled passage has)
                taken = (decision is not None and made is not None
                         and decision.analyst_id == analyst.id
                         and (made.start, made.end, made.tags)
                         == (passage.start, passage.end, passage.tags))
                item = QListWidgetItem(f"{'✓ ' if taken else ''}{analyst.lane} · "
                                       f"{analyst.name}: [{tags}] “{quote}” "
                                       f"({passage.start}–{passage.end})")
                item.setData(KEY_ROLE, passage.id)
                self.versions.addItem(item)
        self.decision_label.setText("Decision: " + decision_words(reviewed, self.names)
                                    + (f" — {reviewed.decision.comment}"
                                       if reviewed.decision and reviewed.decision.comment
                                       else ""))
        self.lanes.set_current(unit.key)
        self.text.mark(unit.start, unit.end)
        self._show_thread()

    def _show_thread(self) -> None:
        if not self.current_key:
            self.thread_view.clear()
            return
        parts = []
        for replies in self._threads():
            for reply in replies:
                if reply.deleted:
                    continue
                indent = "> " * (reply.depth - 1)
                when = reply.created[:16].replace("T", " ")
                head = f"**{_markdown_text(reply.author)}** · {when}"
                body = "\n".join(indent + line for line in reply.text.splitlines())
                parts.append(f"{indent}{head}\n\n{body}")
        # Qt's Markdown with raw HTML off: a reply formats text, never runs anything
        self.thread_view.document().setMarkdown(
            "\n\n---\n\n".join(parts) or "*No discussion yet.*",
            QTextDocument.MarkdownFeature.MarkdownNoHTML)

    def _threads(self) -> list[list[Any]]:
        """The current unit's threads: one under each of its passages and its reconciled
        passage that has replies (read from the unit shown, not from every unit)."""
        row = self.model.row_of(self.current_key)
        if row is None:
            return []
        reviewed = self.model.units[row]
        roots = [p.id for p in reviewed.unit.passages]
        if reviewed.decision is not None and reviewed.decision.annotation_id:
            roots.append(reviewed.decision.annotation_id)
        counted = self.reviews.replies.counts(roots)
        return [self.reviews.replies.thread(root) for root in roots if counted.get(root)]

    # --- decisions -----------------------------------------------------------------------

    @property
    def reviewer(self) -> str:
        return self.window_.editor.annotator

    def _push(self, command: DecideUnit | AutoDecide) -> bool:
        """Runs ``command`` on the main window's undo stack; False when the library
        refused it (said once, by ``_refusal``; a refused command leaves the stack)."""
        self.window_.undo_stack.push(command)
        return not command.error

    def _decide(self, text: str, decide: Any, step: bool = True) -> bool:
        """One unit's decision; on success the comment is cleared and, with ``step``, the
        next unit becomes current. A refused decision leaves the unit current."""
        if not self.current_key:
            return False
        if not self._push(DecideUnit(self.window_.editor, text, decide, self._refusal)):
            return False
        self.comment.clear()
        if step:
            self.step_unit(1)
        return True

    def accept_lane(self, lane: int) -> None:
        """The key ``lane`` (1–9): that analyst's version. When they have several
        passages in the unit, the one chosen in the versions list if it is theirs, else
        their first, and the unit stays current so the lead sees which was taken (press
        the key again with another of theirs chosen to take that one instead)."""
        analyst = next((a for a in self.session.analysts if a.lane == lane), None)
        unit = self._current_unit()
        if analyst is None or unit is None:
            return
        status = self.window_.statusBar()
        if analyst.missing:
            status.showMessage(f"{analyst.name} was deleted from the library with their "
                               "passages: nothing of theirs to accept.", 6000)
            return
        mine = unit.versions(analyst.id)
        if not mine:
            status.showMessage(f"{analyst.name} did not mark this unit: nothing to accept.",
                               4000)
            return
        item = self.versions.currentItem()
        chosen_id = item.data(KEY_ROLE) if item is not None else ""
        passage = next((p for p in mine if p.id == chosen_id), None)
        guessed = passage is None and len(mine) > 1
        if passage is None:
            passage = mine[0]
        key, comment, passage_id = unit.key, self.comment.text(), passage.id
        if not self._decide(f"Accept {analyst.name}'s version",
                            lambda: self.reviews.accept(self.session.id, key, analyst.id,
                                                        passage_id=passage_id,
                                                        reviewer=self.reviewer,
                                                        comment=comment),
                            step=not guessed):
            return
        if len(mine) > 1:
            quote = _short(self.text.text[passage.start:passage.end])
            which = "the first" if guessed else "the chosen one"
            message = (f"Accepted {which} of {analyst.name}'s {len(mine)} passages in this "
                       f"unit: {passage.start}–{passage.end} “{quote}”.")
            if guessed:
                message += (f" To take another of theirs, choose it in the versions list "
                            f"and press {lane}.")
                self._choose_version(passage.id)
            status.showMessage(message, 12000)

    def _choose_version(self, passage_id: str) -> None:
        for row in range(self.versions.count()):
            if self.versions.item(row).data(KEY_ROLE) == passage_id:
                self.versions.setCurrentRow(row)
                return

    def accept_chosen(self) -> None:
        item = self.versions.currentItem()
        passage_id = item.data(KEY_ROLE) if item is not None else ""
        if not passage_id:
            return
        key, comment = self.current_key, self.comment.text()
        self._decide("Accept a version",
                     lambda: self.reviews.accept(self.session.id, key, "",
                                                 passage_id=passage_id,
                                                 reviewer=self.reviewer, comment=comment))

    def accept_edited(self) -> None:
        """The text selected in the middle pane as the unit's passage, with the tags of
        the version chosen on the right (the first version if none is chosen)."""
        unit = self._current_unit()
        span = self.text.selected_range()
        if unit is None or span is None:
            self.window_.statusBar().showMessage(
                "Select the passage's text in the middle pane, then press E.", 4000)
            return
        item = self.versions.currentItem()
        chosen = next((p for p in unit.passages
                       if item is not None and p.id == item.data(KEY_ROLE)), unit.passages[0])
        key, comment, tags = unit.key, self.comment.text(), sorted(chosen.tags)
        self._decide("Accept an edited version",
                     lambda: self.reviews.edit(self.session.id, key, span[0], span[1], tags,
                                               reviewer=self.reviewer, comment=comment))

    def reject(self) -> None:
        key, comment = self.current_key, self.comment.text()
        self._decide("Reject a unit", lambda: self.reviews.reject(
            self.session.id, key, reviewer=self.reviewer, comment=comment))

    def reopen(self) -> None:
        key = self.current_key
        row = self.model.row_of(key) if key else None
        if row is None:
            return
        if self.model.units[row].decision is None:
            self.window_.statusBar().showMessage("This unit is open: nothing to reopen.", 4000)
            return
        self._push(DecideUnit(self.window_.editor, "Reopen a unit",
                              lambda: self.reviews.reopen(self.session.id, key),
                              self._refusal))

    def auto(self, rule: str, min_votes: int | None = None) -> None:
        command = AutoDecide(self.window_.editor, self.session.name, rule, self.reviewer,
                             min_votes, refused=self._refusal)
        if self._push(command) and command.result is not None:
            self.window_.statusBar().showMessage(command.result.summary(), 8000)

    def _current_unit(self) -> Any:
        row = self.model.row_of(self.current_key) if self.current_key else None
        return self.model.units[row].unit if row is not None else None

    def send_reply(self) -> None:
        text = self.reply_editor.toPlainText()
        if not self.current_key or not text.strip():
            return
        try:
            root = self.reviews.thread_root(self.session.id, self.current_key)
            self.reviews.replies.add(root, text, self.reviewer)
        except ClosereadError as error:
            messages.warn(self, "Reply", error.message)
            return
        self.reply_editor.clear()

    # --- following the library -----------------------------------------------------------

    def _library_changed(self, batch: ChangeBatch) -> None:
        if batch.touches(ANNOTATION, REVIEW, TAG, ARTICLE):
            if batch.touches(ARTICLE) and self.article_id in batch.ids(ARTICLE):
                self.text.show_text(self.library.articles.text(self.article_id))
            self.reload()
        elif batch.touches(REPLY):
            self._show_thread()

    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.show_charts()
        elif index == 2:
            self.show_analyst()

    def show_charts(self) -> None:
        from desktop.core.review_charts import review_charts

        self._build_charts()
        while self.charts_layout.count():
            item = self.charts_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        report = self.reviews.report(self.session.id, with_agreement=True)
        for chart in review_charts(report, report.agreement or {}):
            svg = chart.svg(760)
            widget = QSvgWidget(objectName="reviewChart")
            widget.load(svg.encode("utf-8"))
            widget.setFixedSize(widget.sizeHint())
            widget.setToolTip(messages.plain_tip(chart.title))
            self.charts_layout.addWidget(widget)
        self.charts_layout.addStretch(1)

    def show_analyst(self, *_args: object) -> None:
        self._build_analyst()
        analyst_id = self.analyst_choice.currentData()
        analyst = next((a for a in self.session.analysts if a.id == analyst_id), None)
        rows = analyst_changes(self.reviews.units(self.session.id), analyst_id,
                               self.reviews.report(self.session.id)) \
            if analyst is not None and not analyst.missing else []
        note = ""
        if analyst is not None and analyst.missing:
            note = (f"{analyst.name} was deleted from the library after this session was "
                    "made, and their passages with them: there is nothing of theirs to "
                    "show. The units are classed among the analysts that remain.")
        elif analyst is not None and not rows:
            note = (f"{analyst.name} has no passages in this session's articles: the review "
                    "changed nothing of theirs.")
        self.analyst_note.setText(note)
        self.analyst_note.setVisible(bool(note))
        self.analyst_table.setRowCount(len(rows))
        for row, change in enumerate(rows):
            for column, value in enumerate((change.article_title, change.passage,
                                            change.decision, change.change)):
                item = QTableWidgetItem(value)
                item.setToolTip(messages.plain_tip(value))
                self.analyst_table.setItem(row, column, item)

    def showEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        # the text goes in once the window has its size: laid out once, at its width
        self.text.show_pending()

    def closeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        self.window_.watcher.changed.disconnect(self._library_changed)
        super().closeEvent(event)  # type: ignore[arg-type]


def _refusal_shower(view: ReviewView) -> Any:
    """What says why the library refused a review command: one warning, over the review
    window while it is open, else over the main window (an undo of a review decision may
    come after the window was closed); the save indicator is not touched."""
    window = view.window_

    def show(message: str) -> None:
        parent = view if shiboken6.isValid(view) and view.isVisible() else window
        messages.warn(parent, "Review", message)

    return show


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _markdown_text(text: str) -> str:
    """A name inside Markdown, its markup characters escaped."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!<>|~" else c for c in text)

