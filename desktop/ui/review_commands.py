"""Review decisions as undoable commands, on the window's one undo stack.

A command runs its decision once (accept a version, accept an edited version, reject,
reopen, or a rule over the whole session) and keeps what the store says it changed
(``DecisionChange``); undo and redo hand that back to ``library.reviews``, which refuses
(and says why) when the unit was decided again since, by this window or another process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop.store.reviews import AutoResult, DecisionChange
from desktop.ui.editing import AnnotationEditor, LibraryCommand


class _ReviewCommand(LibraryCommand):
    def __init__(self, editor: AnnotationEditor, text: str) -> None:
        super().__init__(editor, text)
        self.reviews = editor.library.reviews
        self.changes: list[DecisionChange] | None = None

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
                 decide: Callable[[], DecisionChange]) -> None:
        super().__init__(editor, text)
        self._run = decide

    def _decide(self) -> Sequence[DecisionChange]:
        return [self._run()]


class AutoDecide(_ReviewCommand):
    """A rule over a session (unanimous, majority): one undo step for every unit it
    settled."""

    def __init__(self, editor: AnnotationEditor, session: str, rule: str, reviewer: str,
                 min_votes: int | None = None, redo_decided: bool = False) -> None:
        super().__init__(editor, f"Accept the {rule} units of {session}")
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
