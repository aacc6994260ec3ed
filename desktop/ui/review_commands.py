"""Review decisions as undoable commands, on the window's one undo stack.

A command runs its decision once (accept a version, accept an edited version, reject,
reopen, or a rule over the whole session) and keeps what the store says it changed
(``DecisionChange``); undo and redo hand that back to ``library.reviews``, which refuses
(and says why) when the unit was decided again since, by this window or another process.

A refusal (a unit decided again since, a closed session, a version that is not there) is
not a failed save: the command goes off the stack and ``refused`` says why, once; the
main window's save indicator is left alone. Only a library that cannot be written (locked,
read-only) is reported as the editor's ``failed``, which the main window shows as
"Not saved".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop.core.errors import ClosereadError, DatabaseError
from desktop.store.reviews import AutoResult, DecisionChange
from desktop.ui.editing import AnnotationEditor, LibraryCommand


class _ReviewCommand(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, text: str,
                 refused: Callable[[str], None] | None = None) -> None:
        super().__init__(editor, text)
        self.reviews = editor.library.reviews
        self.changes: list[DecisionChange] | None = None
        # who says why a step was refused (the review window); None: nobody, the caller
        # reads ``error``
        self.refused = refused

    def _attempt(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except ClosereadError as error:
            self.error = error.message
            self.setObsolete(True)
            if isinstance(error, DatabaseError):
                self.editor.failed.emit(error.message)  # could not be written: not saved
            elif self.refused is not None:
                self.refused(error.message)
            return False
        self.editor.saved.emit()
        return True

    def _decide(self) -> Sequence[DecisionChange]:
        raise NotImplementedError

    def redo(self) -> None:
        if self.changes is None:
            def decide() -> None:
                self.changes = list(self._decide())
            self._attempt(decide)
        else:
            changes = self.changes
            self._attempt(lambda: self.reviews.redo(changes))

    def undo(self) -> None:
        if self.changes:
            changes = self.changes
            self._attempt(lambda: self.reviews.undo(changes))


class DecideUnit(_ReviewCommand):
    """One unit's decision: ``decide`` runs it (``reviews.accept``/``edit``/``reject``/
    ``reopen`` with their arguments bound) and returns its ``DecisionChange``."""

    def __init__(self, editor: AnnotationEditor, text: str,
                 decide: Callable[[], DecisionChange],
                 refused: Callable[[str], None] | None = None) -> None:
        super().__init__(editor, text, refused)
        self._run = decide

    def _decide(self) -> Sequence[DecisionChange]:
        return [self._run()]


class AutoDecide(_ReviewCommand):
    """A rule over a session (unanimous, majority): one undo step for every unit it
    settled."""

    def __init__(self, editor: AnnotationEditor, session: str, rule: str, reviewer: str,
                 min_votes: int | None = None, redo_decided: bool = False,
                 refused: Callable[[str], None] | None = None) -> None:
        super().__init__(editor, f"Accept the {rule} units of {session}", refused)
        self.session = session
        self.rule = rule
        self.reviewer = reviewer
        self.min_votes = min_votes
        self.redo_decided = redo_decided
        self.result: AutoResult | None = None

    def _decide(self) -> Sequence[DecisionChange]:
        self.result = self.reviews.auto(self.session, self.rule, reviewer=self.reviewer,
                                        min_votes=self.min_votes, redo=self.redo_decided)
        return self.result.changes
