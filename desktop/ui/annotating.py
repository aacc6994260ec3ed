"""What a user does to passages and tags, as undoable commands on one undo stack.

``AnnotationController`` owns the undo stack and the editor. It reads what the user points
at (the reader's selection, the sidebar's current passage, the tag bar's keys), decides
which command that is and pushes it. It does not update the views: they follow the
library's change events, for these edits as for everyone else's.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop.core.model import Annotation, Tag
from desktop.core.selectors import select_range
from desktop.store.library import Library
from desktop.ui.editing import (
    AnnotationEditor,
    AttachOrphan,
    BulkTag,
    CreateAnnotation,
    DeleteAnnotation,
    EditText,
    SetBounds,
    SetNote,
    SetTags,
)
from desktop.ui.reader import Reader
from desktop.ui.sidebar import Sidebar
from desktop.ui.tag_bar import TagBar


class AnnotationController(QObject):
    """Turns the user's gestures on passages and tags into commands on ``undo_stack``."""

    message = Signal(str)  # a hint for the status bar
    created = Signal(str)  # the id of a passage the user just made

    def __init__(self, library: Library, annotator: str, reader: Reader, sidebar: Sidebar,
                 tag_bar: TagBar, article_id: Callable[[], str],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.undo_stack = QUndoStack(self)
        self.editor = AnnotationEditor(library, annotator, self)
        self.reader = reader
        self.sidebar = sidebar
        self.tag_bar = tag_bar
        self._article_id = article_id

    def push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    # --- tagging -------------------------------------------------------------------------

    def tag_key(self, index: int) -> None:
        """Key ``index + 1`` in the reader: that tag of the tag bar."""
        tag = self.tag_bar.tag_at(index)
        if tag:
            self.tag_selection_or_current(tag.path)

    def tag_selection_or_current(self, tag_path: str) -> None:
        """Tags the selected text; with no text selected, toggles the tag on the current
        passage (the one highlighted in the reader and the sidebar)."""
        article_id = self._article_id()
        if not article_id:
            return
        tag = self._tag(tag_path)
        span = self.reader.selected_range()
        if span is None:
            current = self.current_annotation()
            if current:
                self.push(SetTags(self.editor, current, _toggled(current.tag_ids, tag.id)))
            else:
                self.message.emit("Select a passage first, then press its tag key.")
            return
        start, end = span
        same = next((a for a in self.sidebar.model.at_span(start, end)
                     if a.annotator == self.editor.annotator), None)
        if same:
            if tag.id not in same.tag_ids:
                self.push(SetTags(self.editor, same, [*same.tag_ids, tag.id]))
            self.sidebar.select(same.id)
            return
        command = CreateAnnotation(self.editor, article_id,
                                   select_range(self.reader.text, start, end), [tag])
        self.push(command)
        if command.annotation_id:
            self.created.emit(command.annotation_id)

    def bulk_tag(self, tag_path: str) -> None:
        """Puts a tag on every passage selected in the sidebar."""
        ids = self.sidebar.selected_ids()
        if ids:
            self.push(BulkTag(self.editor, ids, self._tag(tag_path)))

    def set_tags_of_current(self, tag_paths: list[str]) -> None:
        current = self.current_annotation()
        if current:
            self.push(SetTags(self.editor, current, [self._tag(p).id for p in tag_paths]))

    def _tag(self, path: str) -> Tag:
        known = next((t for t in self.tag_bar.tags if t.path == path), None)
        return known or self.library.tags.get(path)

    # --- other edits ---------------------------------------------------------------------

    def delete_current(self) -> None:
        """Deletes the passages selected in the sidebar (one undo step for all)."""
        annotations = [a for a in (self.sidebar.model.annotation(i)
                                   for i in self.sidebar.selected_ids()) if a]
        if not annotations:
            return
        if len(annotations) > 1:
            self.undo_stack.beginMacro(f"Delete {len(annotations)} passages")
        for annotation in annotations:
            self.push(DeleteAnnotation(self.editor, annotation))
        if len(annotations) > 1:
            self.undo_stack.endMacro()

    def move_current_to_selection(self) -> None:
        """Sets the current passage's bounds to the selected text."""
        current = self.current_annotation()
        span = self.reader.selected_range()
        if not current or not span:
            self.message.emit("Select a passage in the sidebar and new text in the reader.")
            return
        old = select_range(self.reader.text, current.start, current.end)
        new = select_range(self.reader.text, *span)
        self.push(SetBounds(self.editor, current, old, new))

    def attach_orphan(self, orphan_id: str) -> None:
        """Gives an orphan the text selected in the reader."""
        orphan = self.sidebar.orphans.get(orphan_id)
        span = self.reader.selected_range()
        if orphan is None or span is None:
            self.message.emit("Select the passage's new text in the reader first.")
            return
        self.push(AttachOrphan(self.editor, orphan, select_range(self.reader.text, *span)))

    def edit_text(self, text: str) -> None:
        """Replaces the open article's text (undoably); its annotations re-anchor."""
        article_id = self._article_id()
        if article_id and text != self.reader.text:
            self.push(EditText(self.editor, article_id, text))

    def edit_note(self, annotation_id: str, note: str) -> None:
        annotation = self.sidebar.model.annotation(annotation_id)
        if annotation and annotation.note != note:
            self.push(SetNote(self.editor, annotation, note))

    def current_annotation(self) -> Annotation | None:
        current = self.sidebar.current_id()
        return self.sidebar.model.annotation(current) if current else None


def _toggled(tag_ids: tuple[str, ...], tag_id: str) -> list[str]:
    return [t for t in tag_ids if t != tag_id] if tag_id in tag_ids else [*tag_ids, tag_id]
