"""The main window: library, reader and sidebar, wired to the library through undo commands."""

from __future__ import annotations

import contextlib
import getpass
import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.anchoring import EditMap
from desktop.core.bundle import LayoutError, checked_layout
from desktop.core.document import Document, plain_document
from desktop.core.errors import ClosereadError
from desktop.core.model import Annotation, Article
from desktop.core.names import name_problem, validate_annotator_name
from desktop.store.annotations import AnnotationFilter
from desktop.store.library import Library
from desktop.ui import messages
from desktop.ui import settings as keys
from desktop.ui.actions import build_actions
from desktop.ui.annotating import AnnotationController
from desktop.ui.editing import AnnotationEditor
from desktop.ui.find_bar import FindBar
from desktop.ui.following import ViewFollower
from desktop.ui.jobs import Transfers, import_paths
from desktop.ui.library_events import LibraryWatcher
from desktop.ui.library_pane import LibraryPane
from desktop.ui.passage_sharing import PassageSharing
from desktop.ui.reader import Reader
from desktop.ui.search_panel import SearchPanel
from desktop.ui.settings import Settings
from desktop.ui.sidebar import Sidebar
from desktop.ui.sync_status import SyncController
from desktop.ui.tag_bar import TagBar
from desktop.ui.theme import apply_theme
from desktop.ui.transfer import JobThread

PROGRESSIVE_PASSAGES = 1000  # articles with more passages open in two steps
_PLAIN_NOTICE = "Shown as plain text"
REMEMBER_LAST_MS = 2000  # the open article is written to the settings this long after


class MainWindow(QMainWindow):
    """Lays out the library list, the reader and the sidebar, and wires them: the
    annotation actions are the controller's (``annotating``), and the views follow the
    library's change events (``following``), whoever made the change."""

    def __init__(self, library: Library, settings: Settings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"Closeread — {library.path.name}")
        self.setAcceptDrops(True)
        self.library = library
        self.settings = settings
        self.article_id = ""
        self.transfers = Transfers(self)  # how its imports, exports and merges ended
        self._follow_sidebar = True  # choosing a passage in the sidebar selects it in the text
        self._remember_last = QTimer(self, singleShot=True, interval=REMEMBER_LAST_MS)
        self._remember_last.timeout.connect(self._remember_last_article)

        # panes
        self.library_pane = LibraryPane()
        self.library_pane.articleActivated.connect(self.open_article)
        self.library_pane.filtersChanged.connect(self._library_filters_changed)
        self.search_panel = SearchPanel(library)
        self.search_panel.openRequested.connect(self._open_search_hit)
        self.left_tabs = QTabWidget(objectName="leftTabs")
        self.left_tabs.addTab(self.library_pane, "Library")
        self.left_tabs.addTab(self.search_panel, "Search")

        self.reader = Reader()
        self.reader.annotationClicked.connect(self._highlight_clicked)
        self.reader.editNoteRequested.connect(self._edit_note)
        self.reader.snap = settings.get(keys.SNAP_TO_WORDS)
        self.reader.set_font_size(settings.get(keys.FONT_SIZE))
        self.find_bar = FindBar(self.reader)
        self.find_bar.hide()
        self.article_title = QLabel(objectName="articleTitle")
        self.article_title.setWordWrap(True)
        self.article_title.setTextFormat(Qt.TextFormat.RichText)
        self.article_title.setContentsMargins(12, 6, 12, 6)
        reader_box = QWidget()
        reader_layout = QVBoxLayout(reader_box)
        reader_layout.setContentsMargins(0, 0, 0, 0)
        reader_layout.setSpacing(0)
        reader_layout.addWidget(self.article_title)
        reader_layout.addWidget(self.reader, 1)
        reader_layout.addWidget(self.find_bar)

        self.sidebar = Sidebar()
        self.sidebar.currentAnnotationChanged.connect(self._sidebar_current)
        self.sidebar.view.installEventFilter(self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        self.splitter.addWidget(self.left_tabs)
        self.splitter.addWidget(reader_box)
        self.splitter.addWidget(self.sidebar)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([400, 680, 320])
        self.setCentralWidget(self.splitter)

        self.tag_bar = TagBar(self)
        self.addToolBar(self.tag_bar)

        # what the user does to passages and tags: undoable commands
        annotator = settings.get(keys.ANNOTATOR) or getpass.getuser()
        if name_problem(annotator):  # a settings file edited by hand: the user's name then
            annotator = getpass.getuser()
        self.annotating = AnnotationController(library, annotator, self.reader, self.sidebar,
                                               self.tag_bar, lambda: self.article_id, self)
        self.annotating.message.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.annotating.created.connect(self._created)
        self.editor.saved.connect(self._saved)
        self.editor.failed.connect(self._failed)
        self.reader.tagKeyPressed.connect(self.annotating.tag_key)
        self.reader.tagChosen.connect(self.annotating.tag_selection_or_current)
        self.reader.deleteRequested.connect(self.annotating.delete_current)
        self.tag_bar.tagTriggered.connect(self.annotating.tag_selection_or_current)
        self.sidebar.noteEdited.connect(self.annotating.edit_note)
        self.sidebar.attachRequested.connect(self.annotating.attach_orphan)

        self.save_state = QLabel("All changes saved", objectName="saveState")
        self.annotator_label = QLabel(objectName="annotatorLabel")
        self.statusBar().addPermanentWidget(self.save_state)
        self.statusBar().addPermanentWidget(self.annotator_label)
        self._show_annotator()
        self.sync_status = SyncController(self)  # the team server: rounds and their label
        # who reads the passages on the team server: the sidebar's "Shared with", the
        # default for new passages, the private marks
        self.passage_sharing = PassageSharing(self)
        self.sync_status.roundFinished.connect(self.passage_sharing.round_finished)

        self.menu_actions = build_actions(self)  # by objectName; not QWidget.actions()
        self.refresh_tags()
        self.library_pane.show_articles(self.library.articles.list())
        self.refresh_library_filters()

        # every change to the library, this window's or another process's, reaches the
        # views through the watcher
        self.follower = ViewFollower(self)
        self.watcher = LibraryWatcher(library, self)
        # first: the private marks of changed passages are forgotten before they repaint
        self.watcher.changed.connect(self.passage_sharing.follow)
        self.watcher.changed.connect(self.follower.apply)

    @property
    def undo_stack(self) -> QUndoStack:
        return self.annotating.undo_stack

    @property
    def editor(self) -> AnnotationEditor:
        return self.annotating.editor

    # --- library -------------------------------------------------------------------------

    def refresh_library_filters(self) -> None:
        """The library pane's tag and annotator choices, and the articles they let in."""
        tags = [t.path for t in self.library.tags.all(usage=False)]
        annotators = [a.name for a in self.library.annotations.annotators()]
        self.library_pane.set_filter_choices(tags, annotators)
        self.refilter_library()

    def refilter_library(self) -> None:
        """Lets in the articles the chosen tag and annotator filters allow (if any)."""
        if self.library_pane.chosen_tag() or self.library_pane.chosen_annotator():
            self._library_filters_changed()

    def _library_filters_changed(self) -> None:
        tag, annotator = self.library_pane.chosen_tag(), self.library_pane.chosen_annotator()
        ids = self.library.articles.ids_with(tag, annotator) if (tag or annotator) else None
        self.library_pane.proxy.set_allowed(ids)

    def refresh_tags(self) -> None:
        """The tag bar, the reader's colours and menu, and the sidebar's tag filter."""
        active = self.library.tags.list(usage=False)
        in_set = {t.id for t in active}
        everything = self.library.tags.all(usage=False)
        self.reader.other_tags = [t for t in everything if t.id not in in_set]
        self.tag_bar.set_tags(active)
        self.reader.set_tags(active, {t.name: t.color for t in everything})
        self.sidebar.set_tags(everything)

    def tag_colors(self) -> dict[str, str]:
        return {t.name: t.color for t in self.library.tags.all(usage=False)}

    def _annotations_of(self, article_id: str) -> list[Annotation]:
        return self.library.annotations.list(AnnotationFilter(article_id=article_id))

    # --- opening an article --------------------------------------------------------------

    def open_article(self, article_id: str, current: str = "") -> bool:
        """Shows the article; ``current`` is a passage to make current once it is listed
        (a reopened article keeps its current passage).

        Only what shows is read: the passages on the first screen for the reader (the
        highlighter reads the others as the reader scrolls to them), and for the sidebar
        how many there are (each read when its row shows). A densely annotated article
        lists its passages in a second step, right after this one."""
        try:
            article = self.library.articles.get(article_id)
        except ClosereadError as error:
            self._failed(error.message)
            return False
        document = self._document(article)
        self.article_id = article.id
        annotations = self.library.annotations

        def between(lo: int, hi: int) -> list[Annotation]:
            return annotations.list(AnnotationFilter(article_id=article.id, overlapping=(lo, hi)))

        opening = self.reader.opening_range()
        self.reader.show_article(document, between(*opening),
                                 self.library.tags.list(usage=False), self.tag_colors(),
                                 between, opening)
        # the article's counts say how many passages are anchored: not counted again
        counts = (article.annotation_count - article.orphan_count, article.orphan_count)
        if article.annotation_count > PROGRESSIVE_PASSAGES:
            self.sidebar.show_loading(article.annotation_count)
            QTimer.singleShot(0, lambda: self._finish_opening(article.id, current, counts))
        else:
            self._finish_opening(article.id, current, counts)
        self.show_heading(article)
        if self.library_pane.current_id() != article.id:  # (a click has selected it)
            self.library_pane.select(article.id)
        # remembered a moment later, when the user reads: QSettings writes its whole file
        # at each change, and an opening need not wait for that (closing writes it too)
        self._remember_last.start()
        return True

    def _remember_last_article(self) -> None:
        if self.article_id:
            self.settings.set(keys.LAST_ARTICLE, self.article_id)

    def _document(self, article: Article) -> Document:
        """The article as the reader shows it; a stored layout that cannot be read (a bundle
        merged before layouts were checked, a library edited by hand), whatever fails in
        reading it, is left aside with a notice in the status bar: the text opens plain
        rather than not at all."""
        status = self.statusBar()
        if status.currentMessage().startswith(_PLAIN_NOTICE):  # another article's
            status.clearMessage()
        layout = self.library.articles.layout(article.id)
        if not layout:
            return plain_document(article.text)
        try:
            return checked_layout(article.text, layout)
        except LayoutError as error:
            problem = str(error)
        except Exception as error:  # whatever else breaks in it, the text still opens
            # checked_layout refuses what it knows with LayoutError; anything else it
            # raises (a layout of a shape no check foresaw) leaves the text as readable
            problem = f"it is not a layout this Closeread reads ({type(error).__name__})"
        status.showMessage(f"{_PLAIN_NOTICE}: this article's stored layout cannot be "
                           f"read: {problem}")
        return plain_document(article.text)

    def show_heading(self, article: Article) -> None:
        heading = article_heading(article)
        self.article_title.setText(heading)
        self.article_title.setVisible(bool(heading))
        self.setWindowTitle(f"{article.title} — Closeread")

    def reopen_in_place(self) -> None:
        """Opens the open article again (its text changed) where the reader was: the same
        text at the top of the page and the same current passage."""
        top = self.reader.offset_at(QPoint(0, 0))
        old = self.reader.text
        current = self.sidebar.current_id()
        if not self.open_article(self.article_id, current=current):
            return
        # the place in the new text of what was at the top: text added or cut above it
        # moves it (the old offset would land a line or a paragraph off)
        self.reader.scroll_to_offset(EditMap.between(old, self.reader.text).map_start(top))

    def reload_passages(self) -> None:
        """Reads the open article's passages again (many changed at once), keeping the
        current one."""
        self.reader.highlighter.reload()
        self._finish_opening(self.article_id, self.sidebar.current_id())

    def close_article(self) -> None:
        self.article_id = ""
        self.reader.clear_article()
        self.sidebar.show_annotations([], self.library.tags.all(usage=False))
        self.article_title.setText("")

    def shows_passage(self, annotation_id: str) -> bool:
        """Whether the open article's reader or sidebar shows this passage (or orphan)."""
        return (annotation_id in self.reader.highlighter.annotations
                or self.sidebar.model.annotation(annotation_id) is not None
                or annotation_id in self.sidebar.orphans)

    def _select_quietly(self, annotation_id: str) -> None:
        """Makes a passage current in the sidebar without moving the reader to it."""
        if annotation_id:
            self._follow_sidebar = False
            self.sidebar.select(annotation_id)
            self._follow_sidebar = True

    def _finish_opening(self, article_id: str, current: str = "",
                        counts: tuple[int, int] | None = None) -> None:
        """Lists the article's passages in the sidebar, counted from an index and each
        read when it shows, and makes ``current`` current; ``counts`` are how many anchored
        passages and orphans there are, if known. Does nothing if another article opened
        meanwhile (the second step of a progressive opening)."""
        if article_id != self.article_id:
            return
        annotations = self.library.annotations
        anchored, orphans = counts or (annotations.passage_count(article_id), -1)
        self.sidebar.show_passages(
            anchored,
            lambda offset, limit: annotations.passage_page(article_id, offset, limit),
            lambda: annotations.passage_keys(article_id), annotations.live,
            annotations.orphans(article_id) if orphans else [],
            self.library.tags.all(usage=False),
            lambda: annotations.annotator_names(article_id))
        self._select_quietly(current)

    def _open_search_hit(self, article_id: str, start: int, end: int) -> None:
        if self.open_article(article_id) and start >= 0 and end > start:
            self.reader.select_range(start, end)
            self.reader.setFocus()

    # --- passages ------------------------------------------------------------------------

    def _created(self, annotation_id: str) -> None:
        """A passage the user just made becomes current, and the selection gives way to
        its colour."""
        self._select_quietly(annotation_id)
        self.reader.clear_selection()

    def _edit_note(self) -> None:
        self.sidebar.focus_note()

    # --- the reader and the sidebar follow each other -------------------------------------

    def _highlight_clicked(self, annotation_id: str) -> None:
        self.sidebar.select(annotation_id)

    def _sidebar_current(self, annotation_id: str) -> None:
        annotation = self.sidebar.model.annotation(annotation_id) if annotation_id else None
        self.reader.highlighter.set_current(annotation_id)
        if not self._follow_sidebar:
            return
        if annotation:
            # shown, not selected: the passage keeps its colour, and a number key toggles
            # that tag on it
            self.reader.show_range(annotation.start, annotation.end)

    def _saved(self) -> None:
        self.save_state.setText("All changes saved")
        self.save_state.setStyleSheet("")

    def _failed(self, message: str) -> None:
        self.save_state.setText("Not saved")
        self.save_state.setStyleSheet("color: #c0392b; font-weight: bold;")
        messages.warn(self, "Closeread", message)

    # --- annotator -----------------------------------------------------------------------

    def set_annotator(self, name: str) -> bool:
        """Puts ``name`` on new annotations; a name that is not one line of visible text
        (a line break, a control or direction character) is refused with a message and
        the name before it kept. False when refused or empty."""
        name = name.strip()
        if not name:
            return False
        try:
            name = validate_annotator_name(name)
        except ClosereadError as error:
            messages.warn(self, "Annotator", error.message)
            return False
        self.editor.annotator = name
        self.settings.set(keys.ANNOTATOR, name)
        self._show_annotator()
        self.passage_sharing.show_current()  # whose passages may be shared has changed
        return True

    def _show_annotator(self) -> None:
        self.annotator_label.setText(f"Annotator: {self.editor.annotator}")

    # --- import and export ---------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # type: ignore[override]
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            import_paths(self, paths)

    # --- keys in the sidebar -------------------------------------------------------------

    def eventFilter(self, watched: object, event: object) -> bool:  # type: ignore[override]
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if watched is self.sidebar.view and isinstance(event, QKeyEvent) and \
                event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not event.modifiers() & (
                    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
                tag = self.tag_bar.tag_at(key - Qt.Key.Key_1)
                if tag:
                    self.annotating.bulk_tag(tag.path)
                return True
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.annotating.delete_current()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    # --- appearance and state ------------------------------------------------------------

    def set_theme(self, theme: str) -> None:
        self.settings.set(keys.THEME, theme)
        apply_theme(theme)
        self.reader.set_tags(self.library.tags.list(usage=False), self.tag_colors())

    def change_font_size(self, step: int) -> None:
        self.reader.set_font_size(self.reader.font_size + step)
        self.settings.set(keys.FONT_SIZE, self.reader.font_size)
        if self.article_id:
            self.open_article(self.article_id)

    def restore_state(self) -> None:
        geometry = self.settings.get(keys.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)
        state = self.settings.get(keys.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        sizes = self.settings.get(keys.SPLITTER)
        if not sizes.isEmpty():
            self.splitter.restoreState(sizes)
        last = self.settings.get(keys.LAST_ARTICLE)
        if last and self.library.articles.count():
            with contextlib.suppress(ClosereadError):
                self.open_article(self.library.articles.get(last).id)

    def save_state_now(self) -> None:
        self._remember_last.stop()  # written here
        self.settings.set(keys.GEOMETRY, self.saveGeometry())
        self.settings.set(keys.WINDOW_STATE, self.saveState())
        self.settings.set(keys.SPLITTER, self.splitter.saveState())
        self.settings.set(keys.FONT_SIZE, self.reader.font_size)
        self.settings.set(keys.LAST_ARTICLE, self.article_id)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # type: ignore[override]
        # an import or export still running is cancelled (its batch in progress rolls
        # back) and waited for, so nothing is left half-written
        for thread in self.findChildren(JobThread):
            thread.stop()
        self.sync_status.stop()
        self.watcher.stop()
        self.save_state_now()
        super().closeEvent(event)


def build_main_window(db_path: str | Path, settings: Settings | None = None) -> MainWindow:
    """The ready main window on the library at ``db_path`` (a new one gets the samples)."""
    library = Library(db_path, client="app")
    if library.created:
        from desktop.io.samples import load_samples  # the import pipeline loads only if needed

        load_samples(library)
    settings = settings or Settings()
    apply_theme(settings.get(keys.THEME))
    window = MainWindow(library, settings)
    window.restore_state()
    return window


def article_heading(article: Article) -> str:
    """The reader's heading: outlet, author and date, as safe rich text, under the title
    unless the text itself opens with the title (then the page shows it already)."""
    published = ""
    if article.published:
        try:
            when = datetime.fromisoformat(article.published)
            published = when.strftime("%-d %B %Y") + (
                when.strftime(", %H:%M") if "T" in article.published else "")
        except ValueError:
            published = article.published
    details = " · ".join(html.escape(x) for x in (article.outlet, article.author, published)
                         if x)
    first_line = article.text.lstrip().split("\n", 1)[0].strip()
    if first_line and " ".join(first_line.split()) == " ".join(article.title.split()):
        return f"<span style='color: gray'>{details}</span>" if details else ""
    heading = f"<b>{html.escape(article.title)}</b>"
    return heading + (f"<br><span style='color: gray'>{details}</span>" if details else "")
