"""Every edit of an annotation, as undoable commands that commit to the library at once.

``AnnotationEditor`` is the one path from the app to the store for annotation edits. The
``QUndoCommand`` classes hold old and new values, referring to passages and tags by id,
and call it; a command whose edit the library refused (locked, read-only, or a passage
deleted by another process meanwhile) is marked obsolete, so it never sits on the undo
stack pretending to be done. The views follow the library's change events, not the
commands.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from desktop.core.errors import AnnotationNotFoundError, ClosereadError
from desktop.core.model import Annotation, Tag, text_sha256
from desktop.core.selectors import Selection
from desktop.store.library import Library
from desktop.store.revisions import (
    Reanchored,
    Snapshot,
    edited_text,
    replace_text,
    restore,
    snapshot,
)


class AnnotationEditor(QObject):
    """Commits annotation edits for one annotator.

    The views learn of each edit from the library's change events (``LibraryWatcher``), as
    they learn of edits made by other processes: the editor only says whether it saved.
    Tags are given by id (or name or path); commands give ids, which survive a rename.
    """

    saved = Signal()  # the last edit is committed
    failed = Signal(str)  # a message for the user

    def __init__(self, library: Library, annotator: str, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.annotator = annotator

    def _done(self, annotation: Annotation) -> Annotation:
        self.saved.emit()
        return annotation

    def create(self, article_id: str, selection: Selection, tags: Sequence[str],
               note: str = "") -> Annotation:
        return self._done(self.library.annotations.create(article_id, selection, tags,
                                                          self.annotator, note))

    def delete(self, annotation_id: str) -> None:
        self.library.annotations.delete(annotation_id)
        self.saved.emit()

    def restore(self, annotation_id: str) -> Annotation:
        return self._done(self.library.annotations.restore(annotation_id))

    def set_tags(self, annotation_id: str, tags: Sequence[str]) -> Annotation:
        return self._done(self.library.annotations.set_tags(annotation_id, tags))

    def set_note(self, annotation_id: str, note: str) -> Annotation:
        return self._done(self.library.annotations.set_note(annotation_id, note))

    def set_bounds(self, annotation_id: str, selection: Selection) -> Annotation:
        return self._done(self.library.annotations.set_bounds(annotation_id, selection))

    def set_selectors(self, annotation: Annotation) -> Annotation:
        """Puts ``annotation``'s selectors and anchor state back as they are in it."""
        return self._done(self.library.annotations.set_selectors(
            annotation.id, annotation.start, annotation.end, annotation.exact,
            annotation.prefix, annotation.suffix, annotation.anchor_state))

    def add_tag(self, annotation_ids: Sequence[str], tag: str) -> list[str]:
        changed = self.library.annotations.add_tag(annotation_ids, tag)
        self.saved.emit()
        return changed

    def remove_tag(self, annotation_ids: Sequence[str], tag: str) -> None:
        self.library.annotations.remove_tag(annotation_ids, tag)
        self.saved.emit()


class LibraryCommand(QUndoCommand):
    """An undoable edit of the library: ``_attempt`` runs one step of it; a step the library
    refuses says why (``failed``, and ``error`` for the dialog that pushed the command) and
    takes the command off the stack (obsolete), so it never pretends to be done."""

    def __init__(self, editor: AnnotationEditor, text: str) -> None:
        super().__init__(text)
        self.editor = editor
        self.error = ""

    def _attempt(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except ClosereadError as error:
            self.error = error.message
            self.editor.failed.emit(error.message)
            self.setObsolete(True)
            return False
        self.editor.saved.emit()
        return True


class CreateAnnotation(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, article_id: str, selection: Selection,
                 tags: Sequence[Tag], note: str = "") -> None:
        super().__init__(editor, f"Tag “{_short(selection.exact)}” as "
                                 f"{', '.join(t.name for t in tags)}")
        self.article_id = article_id
        self.selection = selection
        self.tag_ids = [t.id for t in tags]
        self.note = note
        self.annotation_id = ""

    def redo(self) -> None:
        if self.annotation_id:
            self._attempt(lambda: self.editor.restore(self.annotation_id))
        else:
            def create() -> None:
                made = self.editor.create(self.article_id, self.selection, self.tag_ids,
                                          self.note)
                self.annotation_id = made.id
            self._attempt(create)

    def undo(self) -> None:
        self._attempt(lambda: _delete(self.editor, self.annotation_id))


class DeleteAnnotation(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, annotation: Annotation) -> None:
        super().__init__(editor, f"Delete “{_short(annotation.exact)}”")
        self.annotation_id = annotation.id

    def redo(self) -> None:
        self._attempt(lambda: _delete(self.editor, self.annotation_id))

    def undo(self) -> None:
        self._attempt(lambda: self.editor.restore(self.annotation_id))


class SetTags(LibraryCommand):
    """Gives a passage other tags; old and new tags are held by id, so a tag renamed
    meanwhile (here or by another process) is still the tag an undo puts back."""

    def __init__(self, editor: AnnotationEditor, annotation: Annotation,
                 tag_ids: Sequence[str]) -> None:
        super().__init__(editor, f"Retag “{_short(annotation.exact)}”")
        self.annotation_id = annotation.id
        self.quote = annotation.exact
        self.old = list(annotation.tag_ids)
        self.new = list(tag_ids)

    def redo(self) -> None:
        self._attempt(_on_passage(self.quote, lambda: self.editor.set_tags(
            self.annotation_id, self._existing(self.new))))

    def undo(self) -> None:
        self._attempt(_on_passage(self.quote, lambda: self.editor.set_tags(
            self.annotation_id, self._existing(self.old))))

    def _existing(self, tag_ids: list[str]) -> list[str]:
        """``tag_ids`` less those removed meanwhile (elsewhere): the passage gets the rest
        of its tags back, not an error about a tag that is gone."""
        known = {tag.id for tag in self.editor.library.tags.all(usage=False)}
        return [tag_id for tag_id in tag_ids if tag_id in known]


class SetNote(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, annotation: Annotation, note: str) -> None:
        super().__init__(editor, f"Edit note on “{_short(annotation.exact)}”")
        self.annotation_id = annotation.id
        self.quote = annotation.exact
        self.old = annotation.note
        self.new = note

    def redo(self) -> None:
        self._attempt(_on_passage(self.quote, lambda: self.editor.set_note(
            self.annotation_id, self.new)))

    def undo(self) -> None:
        self._attempt(_on_passage(self.quote, lambda: self.editor.set_note(
            self.annotation_id, self.old)))


class SetBounds(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, annotation: Annotation,
                 old: Selection, new: Selection) -> None:
        super().__init__(editor, f"Change the passage “{_short(annotation.exact)}”")
        self.annotation_id = annotation.id
        self.quote = annotation.exact
        self.old = old
        self.new = new

    def redo(self) -> None:
        self._attempt(_on_passage(self.quote, lambda: self.editor.set_bounds(
            self.annotation_id, self.new)))

    def undo(self) -> None:
        self._attempt(_on_passage(self.quote, lambda: self.editor.set_bounds(
            self.annotation_id, self.old)))


class AttachOrphan(LibraryCommand):
    """Gives an orphan a place again: the selected text."""

    def __init__(self, editor: AnnotationEditor, orphan: Annotation, new: Selection) -> None:
        super().__init__(editor, f"Attach “{_short(orphan.exact)}” here")
        self.orphan = orphan
        self.new = new

    def redo(self) -> None:
        self._attempt(_on_passage(self.orphan.exact, lambda: self.editor.set_bounds(
            self.orphan.id, self.new)))

    def undo(self) -> None:
        self._attempt(_on_passage(self.orphan.exact, lambda: self.editor.set_selectors(
            self.orphan)))


class EditText(QUndoCommand):
    """Replaces the open article's text; its annotations re-anchor. Undo puts the text and
    every annotation back exactly as they were, as long as nobody changed the text since
    (then the undo is refused and leaves the stack); passages made since re-anchor."""

    def __init__(self, editor: AnnotationEditor, article_id: str, text: str) -> None:
        super().__init__("Edit the article's text")
        self.editor = editor
        self.article_id = article_id
        self.new_text = text  # not self.text: that is QUndoCommand.text()
        self.before: Snapshot | None = None
        self.after: Snapshot | None = None
        self.result: Reanchored | None = None

    def redo(self) -> None:
        library = self.editor.library
        try:
            if self.after is not None and self.before is not None:
                restore(library, self.after, text_sha256(self.before.text))
            else:
                self.before = snapshot(library, self.article_id)
                article = library.articles.get(self.article_id)
                self.result = replace_text(library, self.article_id,
                                           edited_text(article, self.new_text))
                self.after = snapshot(library, self.article_id)
        except ClosereadError as error:
            self.editor.failed.emit(error.message)
            self.setObsolete(True)
            return
        self.editor.saved.emit()

    def undo(self) -> None:
        if self.before is None:
            return
        try:
            # only over the text this edit made: a change made since (another process,
            # a merge) is not silently undone with it
            restore(self.editor.library, self.before,
                    text_sha256(self.after.text) if self.after is not None else None)
        except ClosereadError as error:
            self.editor.failed.emit(error.message)
            self.setObsolete(True)
            return
        self.editor.saved.emit()


class BulkTag(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, annotation_ids: Sequence[str], tag: Tag):
        super().__init__(editor, f"Tag {len(annotation_ids)} passages as {tag.name}")
        self.annotation_ids = list(annotation_ids)
        self.tag = tag.id
        self.changed: list[str] = []

    def redo(self) -> None:
        def add() -> None:
            self.changed = self.editor.add_tag(self.annotation_ids, self.tag)
        self._attempt(add)

    def undo(self) -> None:
        if self.changed:
            self._attempt(lambda: self.editor.remove_tag(self.changed, self.tag))


def _delete(editor: AnnotationEditor, annotation_id: str) -> None:
    """Deletes the passage; one deleted meanwhile elsewhere (the command line, another
    window) is as the step wants it, so that is no failure and nothing to say."""
    with contextlib.suppress(AnnotationNotFoundError):
        editor.delete(annotation_id)


def _on_passage(quote: str, action: Callable[[], object]) -> Callable[[], object]:
    """``action``, an edit of one passage; a passage deleted meanwhile elsewhere is named
    by its quote, in words, not by the store's id."""
    def run() -> object:
        try:
            return action()
        except AnnotationNotFoundError:
            raise AnnotationNotFoundError(
                f"The passage “{_short(quote, 40)}” was deleted elsewhere (by another window "
                "or the command line) since this edit, so it was not changed; it stays "
                "deleted.") from None
    return run


def _short(text: str, limit: int = 30) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
