"""What changed in a library, and the hub that tells every front end about it.

Every committed write leaves rows in the library's change journal (see
``docs/architecture.md``); a ``Change`` is one such row, and a ``ChangeBatch`` is the rows a
reader of the journal picked up in one go, in sequence order. The ``EventHub`` hands each
batch to its subscribers: the window's Qt models, the command line, the server. It knows
nothing of Qt or SQL, so any front end can subscribe; Qt models are adapters over it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# the entities the journal names; a change names one of them and its id
ARTICLE = "article"
ANNOTATION = "annotation"
ANNOTATOR = "annotator"
TAG = "tag"
TAG_SET = "tag_set"
SETTING = "setting"
REVIEW = "review"  # a review session: its articles, analysts, reviewers and decisions
REPLY = "reply"  # a reply in a discussion thread on a passage
GROUP = "group"  # a team server's group and its members (docs/server.md)
ENTITIES = (ARTICLE, ANNOTATION, ANNOTATOR, TAG, TAG_SET, SETTING, REVIEW, REPLY, GROUP)

# what happened to it; an annotation marked deleted is "removed", one brought back "added"
ADDED = "added"
UPDATED = "updated"
REMOVED = "removed"
OPERATIONS = (ADDED, UPDATED, REMOVED)

_log = logging.getLogger("closeread.events")


@dataclass(frozen=True, slots=True)
class Change:
    """One row of the journal: ``entity`` ``id`` was ``op`` at ``time`` by ``origin``."""

    seq: int
    entity: str
    id: str
    op: str
    time: str
    origin: str | None  # the process or client that made it; None: a program not ours


class ChangeBatch:
    """Journal rows read together, in sequence order, with the questions views ask."""

    __slots__ = ("_by_entity", "changes")

    def __init__(self, changes: Iterable[Change]) -> None:
        self.changes = tuple(changes)
        self._by_entity: dict[str, dict[str, str]] = {}
        for change in self.changes:
            ops = self._by_entity.setdefault(change.entity, {})
            # what a view needs is where each thing ended up: added then updated is still
            # new, anything then removed is gone, removed then added is back
            before = ops.get(change.id)
            if change.op == UPDATED and before in (ADDED, REMOVED):
                continue  # an update of something new is still new, of something gone gone
            ops[change.id] = change.op

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[Change]:
        return iter(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def last_seq(self) -> int:
        return self.changes[-1].seq if self.changes else 0

    def touches(self, *entities: str) -> bool:
        """True when anything of one of ``entities`` changed."""
        return any(entity in self._by_entity for entity in entities)

    def ids(self, entity: str, *ops: str) -> set[str]:
        """The ids of ``entity`` that changed, with their last operation one of ``ops``
        (any operation when none is given)."""
        found = self._by_entity.get(entity, {})
        if not ops:
            return set(found)
        return {key for key, op in found.items() if op in ops}

    def origins(self) -> set[str | None]:
        return {change.origin for change in self.changes}

    def __repr__(self) -> str:
        counts = ", ".join(f"{entity}: {len(ids)}" for entity, ids in self._by_entity.items())
        return f"ChangeBatch({len(self.changes)} rows up to {self.last_seq}; {counts})"


Subscriber = Callable[[ChangeBatch], object]


class EventHub:
    """Hands each batch of changes to every subscriber, in the order they subscribed.

    A subscriber that fails is logged and the others still hear of the change: the write it
    describes is committed whatever a view makes of it.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Calls ``subscriber(batch)`` after each change; returns the way to stop."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    @property
    def has_subscribers(self) -> bool:
        return bool(self._subscribers)

    def publish(self, batch: ChangeBatch) -> None:
        if not batch:
            return
        for subscriber in list(self._subscribers):
            try:
                subscriber(batch)
            except Exception:
                _log.exception("a subscriber failed on %r", batch)
