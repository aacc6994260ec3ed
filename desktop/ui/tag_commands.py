"""Tag and tag-set edits as undoable commands, on the same undo stack as passage edits.

Each command refers to its tag by id, so an undo still finds the tag after it was renamed
(here or by another process). A command whose edit the library refuses says why through
the editor's ``failed`` signal, keeps the message in ``error`` for the dialog that pushed
it, and marks itself obsolete so it never sits on the stack pretending to be done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from desktop.store.tags import TagRemoval
from desktop.ui.editing import AnnotationEditor, LibraryCommand


class _TagCommand(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, text: str) -> None:
        super().__init__(editor, text)
        self.tags = editor.library.tags


class AddTag(_TagCommand):
    """A new tag at the end of the active set (under ``parent_id`` when given)."""

    def __init__(self, editor: AnnotationEditor, name: str, parent_id: str | None = None,
                 color: str | None = None) -> None:
        super().__init__(editor, f"Add the tag {name.strip()}")
        self.name = name
        self.parent_id = parent_id
        self.color = color
        self.tag_id = ""
        self.removal: TagRemoval | None = None

    def redo(self) -> None:
        if self.removal is not None:
            self._attempt(lambda: self.tags.restore(self.removal))  # type: ignore[arg-type]
            return

        def add() -> None:
            self.tag_id = self.tags.add(self.name, color=self.color, parent=self.parent_id).id
        self._attempt(add)

    def undo(self) -> None:
        def take_back() -> None:
            self.removal = self.tags.remove_undoably(self.tag_id)
        self._attempt(take_back)


class _ChangeTag(_TagCommand):
    """Takes one of a tag's values from ``old`` to ``new`` through ``change(tag_id, value)``
    (a store method: rename, recolor, move); undo takes it back."""

    def __init__(self, editor: AnnotationEditor, text: str,
                 change: Callable[[str, Any], object], tag_id: str, old: Any,
                 new: Any) -> None:
        super().__init__(editor, text)
        self.change = change
        self.tag_id = tag_id
        self.old = old
        self.new = new

    def redo(self) -> None:
        self._attempt(lambda: self.change(self.tag_id, self.new))

    def undo(self) -> None:
        self._attempt(lambda: self.change(self.tag_id, self.old))


class RenameTag(_ChangeTag):
    def __init__(self, editor: AnnotationEditor, tag_id: str, old: str, new: str) -> None:
        super().__init__(editor, f"Rename the tag {old} to {new.strip()}",
                         editor.library.tags.rename, tag_id, old, new)


class RecolorTag(_ChangeTag):
    def __init__(self, editor: AnnotationEditor, tag_id: str, name: str, old: str,
                 new: str) -> None:
        super().__init__(editor, f"Recolour the tag {name}", editor.library.tags.recolor,
                         tag_id, old, new)


class MoveTag(_ChangeTag):
    """Moves a tag in the active set from ``old`` to ``new`` (1-based): its key follows."""

    def __init__(self, editor: AnnotationEditor, tag_id: str, name: str, old: int,
                 new: int) -> None:
        super().__init__(editor, f"Move the tag {name}", editor.library.tags.move, tag_id,
                         old, new)


class RemoveTag(_TagCommand):
    """Removes a tag and its child tags, from every passage too; undo puts all back."""

    def __init__(self, editor: AnnotationEditor, tag_id: str, name: str) -> None:
        super().__init__(editor, f"Remove the tag {name}")
        self.tag_id = tag_id
        self.removal: TagRemoval | None = None

    def redo(self) -> None:
        def remove() -> None:
            self.removal = self.tags.remove_undoably(self.tag_id)
        self._attempt(remove)

    def undo(self) -> None:
        if self.removal is not None:
            self._attempt(lambda: self.tags.restore(self.removal))  # type: ignore[arg-type]


class UseTagSet(_TagCommand):
    """Makes another tag set the active one (its order gives the keys 1–9)."""

    def __init__(self, editor: AnnotationEditor, name: str) -> None:
        super().__init__(editor, f"Use the tag set {name}")
        self.old = self.tags.active_set
        self.new = name

    def redo(self) -> None:
        self._attempt(lambda: self.tags.use_set(self.new))

    def undo(self) -> None:
        self._attempt(lambda: self.tags.use_set(self.old))
