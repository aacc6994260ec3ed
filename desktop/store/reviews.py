"""Review sessions: analysts' passages aligned into units, a reviewer's decision on each,
the reconciled layer those decisions write, and discussion threads on passages.

A session names the articles and the analysts under review (in lane order), the reviewers
and the tolerance of the alignment (``core/alignment.py``, ``docs/review.md``). Its
reconciled layer is an ordinary annotator named after the session: deciding a unit writes
(or withdraws) that annotator's passage in the same transaction as the decision, so the
layer exports, filters and merges like anyone's passages. Every change of a session is
journalled as the entity ``review``, every reply as ``reply`` (schema 6).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.core.agreement import UNTAGGED, Span, agreement_report
from desktop.core.alignment import (
    AUTOMATIC_RULES,
    CLASSES,
    DECISION_ACCEPTED,
    DECISION_EDITED,
    DECISION_REJECTED,
    DEFAULT_TOLERANCE,
    RULE_MAJORITY,
    RULE_MANUAL,
    RULE_UNANIMOUS,
    STATES,
    Decision,
    DecisionError,
    Passage,
    ReportData,
    ReviewClosedError,
    ReviewedUnit,
    ReviewExistsError,
    ReviewNotFoundError,
    Unit,
    UnitNotFoundError,
    Vote,
    align,
    check_tolerance,
    majority_version,
    state_of,
    unanimous_version,
)
from desktop.core.errors import (
    AnnotationNotFoundError,
    InvalidArgumentError,
    NotFoundError,
    OffsetError,
)
from desktop.core.model import ORPHAN, new_id, now_iso
from desktop.core.names import validate_annotator_name
from desktop.core.selectors import select_range
from desktop.store.annotations import NewAnnotation
from desktop.store.articles import is_id_prefix, like_prefix
from desktop.store.chunks import id_parts

if TYPE_CHECKING:
    from desktop.store.library import Library

OPEN = "open"
CLOSED = "closed"
STATUSES = (OPEN, CLOSED)

_DECISION_COLUMNS = ('unit_key, article_id, decision, rule, reviewer, comment, analyst_id, '
                     'annotation_id, unit_start, unit_end, decided')


_NO_TAGS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Analyst:
    """An analyst under review: their annotator id and name, their lane (from 1), and
    whether their annotator has since gone from the library."""

    id: str
    name: str
    lane: int
    missing: bool = False


@dataclass(frozen=True)
class Session:
    """A review session. ``annotator_id`` is its reconciled layer's annotator, whose name
    is the session's name."""

    id: str
    name: str
    status: str
    tolerance: int
    annotator_id: str
    analysts: tuple[Analyst, ...]
    articles: tuple[str, ...]
    reviewers: tuple[str, ...]
    created: str
    updated: str

    @property
    def lanes(self) -> tuple[str, ...]:
        """The annotator ids the units are classed among: the analysts still present."""
        return tuple(a.id for a in self.analysts if not a.missing)

    def analyst(self, ref: str) -> Analyst:
        """The analyst called ``ref`` (or with that annotator id)."""
        for analyst in self.analysts:
            if ref in (analyst.name, analyst.id):
                return analyst
        names = ", ".join(a.name for a in self.analysts)
        raise NotFoundError(f"{ref!r} is not an analyst of session {self.name!r} ({names})")

    def name_of(self, annotator_id: str | None) -> str:
        for analyst in self.analysts:
            if analyst.id == annotator_id:
                return analyst.name
        return annotator_id or ""

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "name": self.name, "status": self.status,
            "tolerance": self.tolerance, "annotator_id": self.annotator_id,
            "analysts": [{"id": a.id, "name": a.name, "lane": a.lane, "missing": a.missing}
                         for a in self.analysts],
            "articles": list(self.articles), "reviewers": list(self.reviewers),
            "created": self.created, "updated": self.updated,
        }


@dataclass(frozen=True)
class Progress:
    """How far a session is: units decided of all, by state and by class, and decisions
    whose unit has changed since (stale)."""

    units: int
    decided: int
    states: dict[str, int]
    classes: dict[str, int]
    stale: int

    def as_dict(self) -> dict[str, object]:
        return {"units": self.units, "decided": self.decided, "states": self.states,
                "classes": self.classes, "stale": self.stale}


@dataclass(frozen=True)
class DecisionChange:
    """What one decision changed, for its undo and redo: the unit's decision before and
    after (None: undecided), and the stale decisions it replaced."""

    review_id: str
    unit_key: str
    before: Decision | None
    after: Decision | None
    superseded: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class AutoAccepted:
    """A unit a rule accepted: whose version, where, with which tags, shared by whom."""

    unit_key: str
    article_id: str
    analyst: str
    start: int
    end: int
    tags: tuple[str, ...]
    supporters: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {"unit": self.unit_key, "article_id": self.article_id,
                "analyst": self.analyst, "start": self.start, "end": self.end,
                "tags": list(self.tags), "supporters": list(self.supporters)}


@dataclass
class AutoResult:
    """What ``Reviews.auto`` did. ``changes`` undo it (``Reviews.undo``)."""

    rule: str
    min_votes: int | None
    accepted: list[AutoAccepted] = field(default_factory=list)
    kept: int = 0  # units already decided, left as they were
    unchanged: int = 0  # with redo: units the rule decided again the same way
    reopened: list[str] = field(default_factory=list)  # with redo: no longer qualifying
    undecided: int = 0  # units the rule does not accept
    changes: list[DecisionChange] = field(default_factory=list)

    def summary(self) -> str:
        words = f"{self.rule}: accepted {len(self.accepted)} unit" \
                f"{'s' if len(self.accepted) != 1 else ''}"
        if self.kept:
            words += f"; kept {self.kept} decided before"
        if self.unchanged:
            words += f"; {self.unchanged} unchanged"
        if self.reopened:
            words += f"; reopened {len(self.reopened)} that no longer qualify"
        return words + f"; {self.undecided} left to decide"

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "min_votes": self.min_votes,
                "accepted": [a.as_dict() for a in self.accepted], "kept": self.kept,
                "unchanged": self.unchanged, "reopened": self.reopened,
                "undecided": self.undecided}


@dataclass
class AgreementInput:
    """The arguments of ``core.agreement.agreement_report``: analyst name -> spans, article
    id -> length, tags to list, and the reference layer (None: no reference)."""

    spans: dict[str, builtins.list[Span]]
    lengths: dict[str, int]
    tags: builtins.list[str] = field(default_factory=list)
    reference: builtins.list[Span] | None = None
    reference_name: str = "reference"
    # analysts whose passages cannot be had (deleted from the library) -> why
    absent: dict[str, str] = field(default_factory=dict)

    def report(self) -> dict[str, object]:
        """The agreement report (JSON-ready; its shape is in docs/agreement.md)."""
        return agreement_report(self.spans, self.lengths, reference=self.reference,
                                reference_name=self.reference_name, tags=self.tags,
                                absent=self.absent)


@dataclass(frozen=True)
class Reply:
    """A reply in a discussion thread. ``annotation_id`` is the thread's root passage;
    ``references`` run from the root to the parent (Hypothesis's ``references``)."""

    id: str
    annotation_id: str
    references: tuple[str, ...]
    author: str
    author_id: str
    text: str
    created: str
    updated: str
    deleted: str | None = None

    @property
    def parent(self) -> str:
        return self.references[-1]

    @property
    def depth(self) -> int:
        """1 for a reply to the passage, 2 for a reply to that reply, ..."""
        return len(self.references)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "annotation_id": self.annotation_id,
                "references": list(self.references), "author": self.author,
                "author_id": self.author_id, "text": self.text, "created": self.created,
                "updated": self.updated, "deleted": self.deleted}


class Reviews:
    """The library's review sessions (``library.reviews``) and their threads
    (``library.reviews.replies``). Every method that changes anything is one transaction."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        self.replies = Replies(library)

    # --- sessions ------------------------------------------------------------------------

    def create(self, name: str, analysts: Sequence[str], articles: Sequence[str] | None = None,
               reviewers: Sequence[str] = (), tolerance: int = DEFAULT_TOLERANCE) -> Session:
        """A new open session over ``analysts`` (annotator names, in lane order).

        ``articles`` (ids, prefixes or external ids) default to every article any of the
        analysts has a passage in, in the library's order. The reconciled layer is the
        annotator called ``name``, which must not be an analyst or have passages already.
        """
        name = name.strip()
        if not name:
            raise InvalidArgumentError("the session name must not be empty")
        check_tolerance(tolerance)
        named = [a.strip() for a in analysts if a.strip()]
        twice = [a for a in dict.fromkeys(named) if named.count(a) > 1]
        if twice:
            raise InvalidArgumentError(
                f"{', '.join(map(repr, twice))} named more than once among the analysts; "
                "each analyst is one lane, so name each once")
        wanted = list(dict.fromkeys(named))
        if not wanted:
            raise InvalidArgumentError("a session needs at least one analyst (--annotators)")
        if name in wanted:
            raise ReviewExistsError(
                f"the session {name!r} cannot be named after one of its analysts: its name is "
                "the annotator of the reconciled layer")
        with self.library.transaction():
            if self.db.execute("SELECT 1 FROM reviews WHERE name = ?", [name]).fetchone():
                raise ReviewExistsError(f"a review session called {name!r} exists already")
            owner = self.db.execute(
                "SELECT count(*) FROM annotations n JOIN annotators r ON r.id = n.annotator_id "
                "WHERE r.name = ? AND n.deleted IS NULL", [name]).fetchone()[0]
            if owner:
                raise ReviewExistsError(
                    f"the annotator {name!r} has {owner} passages already; the session's name "
                    "becomes the annotator of its reconciled layer, so choose another name")
            found = self._annotators(wanted)
            if articles is None:
                article_ids = self._annotated_articles([a[0] for a in found])
            else:
                article_ids = list(dict.fromkeys(self.library.articles.get(a).id
                                                 for a in articles))
            layer = self.library.annotations.annotator(name)
            now = now_iso()
            review_id = new_id()
            conn = self.db.conn
            conn.execute(
                "INSERT INTO reviews (id, name, status, tolerance, annotator_id, created, "
                "updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [review_id, name, OPEN, tolerance, layer.id, now, now])
            conn.executemany(
                "INSERT INTO review_articles (review_id, article_id, position) VALUES (?,?,?)",
                [(review_id, a, i) for i, a in enumerate(article_ids)])
            conn.executemany(
                "INSERT INTO review_annotators (review_id, annotator_id, name, position) "
                "VALUES (?, ?, ?, ?)",
                [(review_id, aid, aname, i) for i, (aid, aname) in enumerate(found)])
            names = list(dict.fromkeys(validate_annotator_name(r) for r in reviewers
                                       if r.strip()))
            conn.executemany(
                "INSERT INTO review_reviewers (review_id, name, position) VALUES (?, ?, ?)",
                [(review_id, r, i) for i, r in enumerate(names)])
            return self.get(review_id)

    def _annotators(self, names: Sequence[str]) -> builtins.list[tuple[str, str]]:
        known = {row[1]: row[0] for row in self.db.execute("SELECT id, name FROM annotators")}
        missing = [n for n in names if n not in known]
        if missing:
            listed = ", ".join(sorted(known)) or "none yet"
            raise NotFoundError(f"no annotator {', '.join(map(repr, missing))}; "
                                f"annotators in the library: {listed}")
        return [(known[n], n) for n in names]

    def _annotated_articles(self, annotator_ids: Sequence[str]) -> builtins.list[str]:
        marks = ",".join("?" * len(annotator_ids))
        return [row[0] for row in self.db.execute(
            "SELECT a.id FROM articles a WHERE a.id IN (SELECT n.article_id FROM annotations n "
            f"WHERE n.deleted IS NULL AND n.annotator_id IN ({marks})) "
            "ORDER BY a.imported_at, a.rowid", list(annotator_ids))]

    def get(self, ref: str) -> Session:
        """The session called ``ref``, or with that id or a unique id prefix (4 or more)."""
        with self.library.errors():
            conn = self.db.conn
            columns = "id, name, status, tolerance, annotator_id, created, updated"
            row = (conn.execute(f"SELECT {columns} FROM reviews WHERE name = ?", [ref]).fetchone()
                   or conn.execute(f"SELECT {columns} FROM reviews WHERE id = ?",
                                   [ref]).fetchone())
            if row is None and is_id_prefix(ref):
                rows = conn.execute(f"SELECT {columns} FROM reviews WHERE id LIKE ? "
                                    "ESCAPE '\\' LIMIT 2", [like_prefix(ref)]).fetchall()
                row = rows[0] if len(rows) == 1 else None
            if row is None:
                names = ", ".join(r[0] for r in conn.execute(
                    "SELECT name FROM reviews ORDER BY created")) or "none yet"
                raise ReviewNotFoundError(f"no review session {ref!r}; sessions: {names}")
            review_id = row[0]
            analysts = tuple(
                Analyst(aid, aname, position + 1, bool(missing))
                for aid, aname, position, missing in conn.execute(
                    "SELECT ra.annotator_id, ra.name, ra.position, a.id IS NULL "
                    "FROM review_annotators ra LEFT JOIN annotators a ON a.id = ra.annotator_id "
                    "WHERE ra.review_id = ? ORDER BY ra.position", [review_id]))
            articles = tuple(r[0] for r in conn.execute(
                "SELECT article_id FROM review_articles WHERE review_id = ? ORDER BY position",
                [review_id]))
            reviewers = tuple(r[0] for r in conn.execute(
                "SELECT name FROM review_reviewers WHERE review_id = ? ORDER BY position",
                [review_id]))
        return Session(id=row[0], name=row[1], status=row[2], tolerance=int(row[3]),
                       annotator_id=row[4], analysts=analysts, articles=articles,
                       reviewers=reviewers, created=row[5], updated=row[6])

    def list(self) -> builtins.list[Session]:
        """Every session, oldest first."""
        ids = [row[0] for row in self.db.execute("SELECT id FROM reviews ORDER BY created, "
                                                 "rowid")]
        return [self.get(review_id) for review_id in ids]

    def set_status(self, ref: str, status: str) -> Session:
        """Closes a session (it takes no decisions) or opens it again."""
        if status not in STATUSES:
            raise InvalidArgumentError(f"a session is open or closed, not {status!r}")
        with self.library.transaction():
            session = self.get(ref)
            self.db.execute("UPDATE reviews SET status = ?, updated = ? WHERE id = ?",
                            [status, now_iso(), session.id])
        return self.get(session.id)

    def set_tolerance(self, ref: str, tolerance: int) -> Session:
        """A new tolerance: units may join or split, and those that do are open again."""
        check_tolerance(tolerance)
        with self.library.transaction():
            session = self.get(ref)
            self.db.execute("UPDATE reviews SET tolerance = ?, updated = ? WHERE id = ?",
                            [tolerance, now_iso(), session.id])
        return self.get(session.id)

    def progress(self, ref: str | Session) -> Progress:
        """Units decided of all, by state and class, and the stale decisions."""
        session = ref if isinstance(ref, Session) else self.get(ref)
        reviewed = self._reviewed(session, None)
        states = dict.fromkeys(STATES, 0)
        classes = dict.fromkeys(CLASSES, 0)
        for item in reviewed:
            states[item.state] += 1
            classes[item.unit.kind] += 1
        stale = self._stale(session, [r.unit for r in reviewed], None)
        return Progress(units=len(reviewed),
                        decided=sum(1 for r in reviewed if r.decision is not None),
                        states=states, classes=classes, stale=len(stale))

    # --- units ---------------------------------------------------------------------------

    def units(self, ref: str, article: str | None = None) -> builtins.list[ReviewedUnit]:
        """The session's units (of one article, if given) in article and text order, each
        with its class, state, decision and reconciled passage."""
        session = self.get(ref)
        return self._reviewed(session, self._session_article(session, article))

    def unit(self, ref: str, key: str) -> ReviewedUnit:
        """One unit by its key or a unique prefix of it (4 characters or more)."""
        session = self.get(ref)
        unit = self._pick(self._units(session, None), key, session)
        return self._reviewed(session, unit.article_id, only=unit.key)[0]

    def stale(self, ref: str, article: str | None = None) -> builtins.list[Decision]:
        """Decisions whose unit no longer exists as it was (its passages changed)."""
        session = self.get(ref)
        article_id = self._session_article(session, article)
        return self._stale(session, self._units(session, article_id), article_id)

    def _session_article(self, session: Session, article: str | None) -> str | None:
        if article is None:
            return None
        article_id = self.library.articles.get(article).id
        if article_id not in session.articles:
            raise NotFoundError(f"article {article!r} is not in session {session.name!r}")
        return article_id

    def _passages(self, session: Session, article_id: str | None
                  ) -> dict[str, builtins.list[Passage]]:
        lanes = session.lanes
        if not lanes:
            return {}
        marks = ",".join("?" * len(lanes))
        where = "n.article_id = ?" if article_id else \
            "n.article_id IN (SELECT article_id FROM review_articles WHERE review_id = ?)"
        sql = (
            'SELECT n.id, n.article_id, n.annotator_id, n.start, n."end", n.note, '
            # tag names hold no control character (core/names.py): U+001F parts them,
            # read a fifth as fast as a JSON array a passage
            "(SELECT group_concat(t.name, char(31)) FROM annotation_tags at JOIN tags t "
            " ON t.id = at.tag_id WHERE at.annotation_id = n.id) "
            f"FROM annotations n WHERE n.deleted IS NULL AND n.anchor_state != '{ORPHAN}' "
            f"AND n.annotator_id IN ({marks}) AND {where}"
        )
        found: dict[str, builtins.list[Passage]] = {}
        with self.library.errors():
            for pid, aid, who, start, end, note, tags in self.db.conn.execute(
                    sql, [*lanes, article_id or session.id]):
                found.setdefault(aid, []).append(Passage(
                    pid, who, start, end, frozenset(tags.split("\x1f")) if tags else _NO_TAGS,
                    note))
        return found

    def _units(self, session: Session, article_id: str | None) -> builtins.list[Unit]:
        passages = self._passages(session, article_id)
        articles = [article_id] if article_id else session.articles
        units: builtins.list[Unit] = []
        for aid in articles:
            units += align(aid, passages.get(aid, ()), session.lanes, session.tolerance)
        return units

    def _decisions(self, session: Session, article_id: str | None = None
                   ) -> dict[str, Decision]:
        sql = f"SELECT {_DECISION_COLUMNS} FROM review_decisions WHERE review_id = ?"
        params = [session.id]
        if article_id:
            sql += " AND article_id = ?"
            params.append(article_id)
        with self.library.errors():
            return {row[0]: Decision(*row) for row in self.db.conn.execute(sql, params)}

    def _decision(self, review_id: str, key: str) -> Decision | None:
        row = self.db.conn.execute(
            f"SELECT {_DECISION_COLUMNS} FROM review_decisions WHERE review_id = ? "
            "AND unit_key = ?", [review_id, key]).fetchone()
        return Decision(*row) if row else None

    def _layer_passages(self, ids: Iterable[str]) -> dict[str, Passage]:
        """The reconciled passages ``ids`` that are not deleted, as passages."""
        found: dict[str, Passage] = {}
        for part, marks in id_parts(ids):
            for pid, who, start, end, note, tags in self.db.conn.execute(
                    'SELECT n.id, n.annotator_id, n.start, n."end", n.note, '
                    "(SELECT json_group_array(t.name) FROM annotation_tags at JOIN tags t "
                    " ON t.id = at.tag_id WHERE at.annotation_id = n.id) "
                    f"FROM annotations n WHERE n.id IN ({marks}) AND n.deleted IS NULL", part):
                found[pid] = Passage(pid, who, start, end, frozenset(json.loads(tags)), note)
        return found

    def _reviewed(self, session: Session, article_id: str | None,
                  only: str | None = None) -> builtins.list[ReviewedUnit]:
        units = self._units(session, article_id)
        if only is not None:
            units = [u for u in units if u.key == only]
        decisions = self._decisions(session, article_id)
        layer = self._layer_passages(d.annotation_id for d in decisions.values()
                                     if d.annotation_id)
        result = []
        for unit in units:
            decision = decisions.get(unit.key)
            reconciled = layer.get(decision.annotation_id) \
                if decision and decision.annotation_id else None
            result.append(ReviewedUnit(unit, state_of(unit.kind, decision), decision,
                                       reconciled))
        return result

    def _stale(self, session: Session, units: Sequence[Unit],
               article_id: str | None) -> builtins.list[Decision]:
        live = {u.key for u in units}
        return [d for key, d in self._decisions(session, article_id).items() if key not in live]

    @staticmethod
    def _pick(units: Sequence[Unit], key: str, session: Session) -> Unit:
        wanted = key.strip().lower()
        exact = [u for u in units if u.key == wanted]
        if exact:
            return exact[0]
        found = [u for u in units if u.key.startswith(wanted)] if len(wanted) >= 4 else []
        if len(found) == 1:
            return found[0]
        if found:
            raise UnitNotFoundError(f"unit {key!r} is ambiguous in session {session.name!r}: "
                                    f"{len(found)} units start with it; give more of the key")
        raise UnitNotFoundError(
            f"no unit {key!r} in session {session.name!r} (a unit whose passages changed has "
            "a new key: `closeread review units` lists them)")

    # --- deciding ------------------------------------------------------------------------

    def accept(self, ref: str, key: str, analyst: str, *, reviewer: str,
               comment: str = "", passage_id: str | None = None) -> DecisionChange:
        """Accepts ``analyst``'s version of a unit: a copy of their passage (span, tags,
        note) becomes the reconciled passage. ``analyst`` is a name or an annotator id;
        ``passage_id`` (or a prefix) chooses among an analyst's several passages, and alone
        (``analyst`` empty) names the version to accept."""
        with self.library.transaction():
            session, units, unit = self._deciding(ref, key)
            passage = self._version(session, unit, analyst, passage_id)
            made = self._copy(session, unit.article_id, passage)
            return self._apply(session, units, unit, DECISION_ACCEPTED, passage.annotator,
                               made, RULE_MANUAL, reviewer, comment)

    def edit(self, ref: str, key: str, start: int, end: int, tags: Sequence[str], *,
             reviewer: str, comment: str = "", note: str = "") -> DecisionChange:
        """Decides a unit with a passage of the reviewer's own: ``start``..``end`` of the
        article with ``tags`` (names, paths or ids of tags the library has)."""
        with self.library.transaction():
            session, units, unit = self._deciding(ref, key)
            _check_span(start, end, len(self.library.articles.text(unit.article_id)))
            made = self._write(session, unit.article_id, start, end, tags, note)
            return self._apply(session, units, unit, DECISION_EDITED, None, made,
                               RULE_MANUAL, reviewer, comment)

    def reject(self, ref: str, key: str, *, reviewer: str, comment: str = "") -> DecisionChange:
        """Decides that the unit has no place in the reconciled layer."""
        with self.library.transaction():
            session, units, unit = self._deciding(ref, key)
            return self._apply(session, units, unit, DECISION_REJECTED, None, None,
                               RULE_MANUAL, reviewer, comment)

    def reopen(self, ref: str, key: str) -> DecisionChange:
        """Withdraws a unit's decision (its reconciled passage is deleted): open again."""
        with self.library.transaction():
            session, _, unit = self._deciding(ref, key)
            before = self._decision(session.id, unit.key)
            if before is None:
                raise DecisionError(f"unit {unit.key} of session {session.name!r} is not "
                                    "decided; nothing to reopen")
            self._put(session.id, unit.key, None)
            self._touch(session)
            return DecisionChange(session.id, unit.key, before, None)

    def undo(self, changes: DecisionChange | Sequence[DecisionChange]) -> None:
        """Puts back what ``changes`` changed (the latest first), reconciled passages
        included; refused, changing nothing, when a unit was decided again since."""
        items = [changes] if isinstance(changes, DecisionChange) else builtins.list(changes)
        with self.library.transaction():
            for change in reversed(items):
                self._check_current(change, change.after, "undone")
                self._put(change.review_id, change.unit_key, change.before)
                for earlier in change.superseded:
                    self._put(change.review_id, earlier.unit_key, earlier)
            self._touch_ids({c.review_id for c in items})

    def redo(self, changes: DecisionChange | Sequence[DecisionChange]) -> None:
        """Takes ``changes`` again after an undo, with the same reconciled passages."""
        items = [changes] if isinstance(changes, DecisionChange) else builtins.list(changes)
        with self.library.transaction():
            for change in items:
                self._check_current(change, change.before, "redone")
                for earlier in change.superseded:
                    self._put(change.review_id, earlier.unit_key, None)
                self._put(change.review_id, change.unit_key, change.after)
            self._touch_ids({c.review_id for c in items})

    def _check_current(self, change: DecisionChange, expected: Decision | None,
                       verb: str) -> None:
        status = self.db.conn.execute("SELECT name, status FROM reviews WHERE id = ?",
                                      [change.review_id]).fetchone()
        if status is None:
            raise ReviewNotFoundError(f"no review session {change.review_id!r}")
        if status[1] != OPEN:
            raise ReviewClosedError(f"session {status[0]!r} is closed; open it to change "
                                    "its decisions")
        if self._decision(change.review_id, change.unit_key) != expected:
            raise DecisionError(f"unit {change.unit_key} of session {status[0]!r} was decided "
                                f"again since; the decision cannot be {verb}")

    def auto(self, ref: str, rule: str, *, reviewer: str, min_votes: int | None = None,
             redo: bool = False) -> AutoResult:
        """Accepts what a rule settles: ``unanimous`` every ``agree`` unit (the first
        analyst's version), ``majority`` every unit where at least ``min_votes`` analysts
        (default: more than half) share a version within the tolerance, tags included.

        Units already decided keep their decision; with ``redo`` the decisions this rule
        took before are taken again (and withdrawn from units that no longer qualify). A
        reviewer's own decisions, and another rule's, are kept.
        """
        if rule not in AUTOMATIC_RULES:
            raise InvalidArgumentError(f"unknown rule {rule!r}: "
                                       f"{' or '.join(AUTOMATIC_RULES)}")
        if rule == RULE_UNANIMOUS and min_votes is not None:
            raise InvalidArgumentError("--min applies to the majority rule only")
        with self.library.transaction():
            session = self._open(ref)
            lanes = session.lanes
            votes = None
            if rule == RULE_MAJORITY:
                votes = min_votes if min_votes is not None else len(lanes) // 2 + 1
                if votes < 1:
                    raise InvalidArgumentError(f"--min must be 1 or more (got {votes})")
                if lanes and votes > len(lanes):
                    raise InvalidArgumentError(
                        f"--min {votes} is more than the session's {len(lanes)} analysts")
            result = AutoResult(rule, votes)
            units = self._units(session, None)
            decisions = self._decisions(session)
            layer = self._layer_passages(d.annotation_id for d in decisions.values()
                                         if d.annotation_id)
            for unit in units:
                decision = decisions.get(unit.key)
                if decision is not None and (decision.rule != rule or not redo):
                    result.kept += 1
                    continue
                vote: Vote | None
                if rule == RULE_UNANIMOUS:
                    vote = unanimous_version(unit, lanes)
                else:
                    assert votes is not None
                    vote = majority_version(unit, lanes, session.tolerance, votes)
                if vote is None:
                    if decision is not None:
                        self._put(session.id, unit.key, None)
                        result.changes.append(DecisionChange(session.id, unit.key, decision,
                                                             None))
                        result.reopened.append(unit.key)
                    result.undecided += 1
                    continue
                if decision is not None and self._same(decision, layer, vote, rule):
                    result.unchanged += 1
                    continue
                made = self._copy(session, unit.article_id, vote.passage)
                names = [session.name_of(a) for a in vote.supporters]
                comment = f"{len(names)} of {len(lanes)} analysts: {', '.join(names)}"
                result.changes.append(self._apply(
                    session, units, unit, DECISION_ACCEPTED, vote.passage.annotator, made,
                    rule, reviewer, comment, decisions))
                result.accepted.append(AutoAccepted(
                    unit.key, unit.article_id, session.name_of(vote.passage.annotator),
                    vote.passage.start, vote.passage.end,
                    tuple(sorted(vote.passage.tags, key=str.lower)), tuple(names)))
            self._touch(session)
            return result

    @staticmethod
    def _same(decision: Decision, layer: dict[str, Passage], vote: Vote, rule: str) -> bool:
        """True when a rule's earlier decision already made exactly this version."""
        made = layer.get(decision.annotation_id or "")
        return (decision.rule == rule and decision.decision == DECISION_ACCEPTED
                and decision.analyst_id == vote.passage.annotator and made is not None
                and (made.start, made.end, made.tags, made.note)
                == (vote.passage.start, vote.passage.end, vote.passage.tags, vote.passage.note))

    def _open(self, ref: str) -> Session:
        session = self.get(ref)
        if session.status != OPEN:
            raise ReviewClosedError(f"session {session.name!r} is closed; "
                                    f"`closeread review open {session.name}` opens it again")
        return session

    def _deciding(self, ref: str, key: str) -> tuple[Session, builtins.list[Unit], Unit]:
        session = self._open(ref)
        units = self._units(session, None)
        return session, units, self._pick(units, key, session)

    def _version(self, session: Session, unit: Unit, analyst: str,
                 passage_id: str | None) -> Passage:
        candidates = builtins.list(unit.passages)
        if analyst:
            who = session.analyst(analyst)
            candidates = [p for p in candidates if p.annotator == who.id]
            if not candidates:
                raise DecisionError(f"{who.name} has no passage in unit {unit.key}; accept "
                                    "another analyst's version, or decide with a span")
        if passage_id:
            candidates = [p for p in candidates if p.id.startswith(passage_id.strip())]
            if not candidates:
                raise DecisionError(f"no passage {passage_id!r} in unit {unit.key}")
        if len(candidates) > 1:
            ids = ", ".join(p.id[:8] for p in candidates)
            raise DecisionError(f"unit {unit.key} holds {len(candidates)} such passages "
                                f"({ids}); accept one of them by its id")
        if not candidates:
            raise DecisionError(f"say whose version of unit {unit.key} to accept")
        return candidates[0]

    def _copy(self, session: Session, article_id: str, passage: Passage) -> str:
        return self._write(session, article_id, passage.start, passage.end,
                           builtins.list(passage.tags), passage.note)

    def _write(self, session: Session, article_id: str, start: int, end: int,
               tags: Sequence[str], note: str) -> str:
        """A passage of the session's reconciled layer; returns its id."""
        text = self.library.articles.text(article_id)
        tag_ids = [self.library.tags.get(t).id for t in tags]
        layer = self.db.conn.execute("SELECT name FROM annotators WHERE id = ?",
                                     [session.annotator_id]).fetchone()
        made = self.library.annotations.create_many(
            [NewAnnotation(article_id, select_range(text, start, end), tag_ids, note)],
            layer[0] if layer else session.name)
        return made[0].id

    def _apply(self, session: Session, units: Sequence[Unit], unit: Unit, decision: str,
               analyst_id: str | None, annotation_id: str | None, rule: str, reviewer: str,
               comment: str, decisions: dict[str, Decision] | None = None) -> DecisionChange:
        """Records a decision on ``unit`` in the caller's transaction: it replaces the
        unit's earlier decision and the stale decisions of the same article whose span
        overlaps the unit (their reconciled passages are deleted)."""
        reviewer = validate_annotator_name(reviewer) if reviewer.strip() else reviewer
        if decisions is None:
            decisions = self._decisions(session, unit.article_id)
        live = {u.key for u in units}
        superseded = tuple(
            d for key, d in decisions.items()
            if key not in live and d.article_id == unit.article_id and d.start is not None
            and d.end is not None and d.start < unit.end and unit.start < d.end)
        for earlier in superseded:
            self._put(session.id, earlier.unit_key, None)
            decisions.pop(earlier.unit_key, None)
        before = decisions.get(unit.key)
        after = Decision(unit.key, unit.article_id, decision, rule, reviewer.strip() or "?",
                         comment, analyst_id, annotation_id, unit.start, unit.end, now_iso())
        self._put(session.id, unit.key, after)
        decisions[unit.key] = after
        self._touch(session)
        return DecisionChange(session.id, unit.key, before, after, superseded)

    def _put(self, review_id: str, key: str, target: Decision | None) -> None:
        """Makes ``target`` the unit's decision (None: undecided), in the caller's
        transaction: the reconciled passage of the decision it replaces is deleted (the
        deletion recorded), the target's own brought back if it was deleted."""
        current = self._decision(review_id, key)
        now = now_iso()
        conn = self.db.conn
        if current is not None and current.annotation_id and (
                target is None or target.annotation_id != current.annotation_id):
            conn.execute("UPDATE annotations SET deleted = ?, updated = later_than(updated) "
                         "WHERE id = ? AND deleted IS NULL", [now, current.annotation_id])
        if current is not None:
            conn.execute("DELETE FROM review_decisions WHERE review_id = ? AND unit_key = ?",
                         [review_id, key])
        if target is None:
            return
        conn.execute(
            f"INSERT INTO review_decisions (review_id, {_DECISION_COLUMNS}) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [review_id, target.unit_key, target.article_id, target.decision, target.rule,
             target.reviewer, target.comment, target.analyst_id, target.annotation_id,
             target.start, target.end, target.decided])
        if target.annotation_id:
            conn.execute("UPDATE annotations SET deleted = NULL, updated = later_than(updated) "
                         "WHERE id = ? AND deleted IS NOT NULL", [target.annotation_id])

    def _touch(self, session: Session) -> None:
        self._touch_ids({session.id})

    def _touch_ids(self, review_ids: Iterable[str]) -> None:
        for review_id in review_ids:
            self.db.conn.execute("UPDATE reviews SET updated = later_than(updated) WHERE id = ?",
                                 [review_id])

    # --- threads -------------------------------------------------------------------------

    def thread_root(self, ref: str, target: str) -> str:
        """What a reply to ``target`` answers: for a unit of the session (its key or a
        prefix), the unit's first passage in lane order; otherwise ``target`` itself, a
        passage or a reply."""
        session = self.get(ref)
        try:
            unit = self._pick(self._units(session, None), target, session)
        except UnitNotFoundError as error:
            if "ambiguous" in error.message:
                raise
            return target
        return unit.passages[0].id

    def threads(self, ref: str, target: str) -> builtins.list[tuple[str, builtins.list[Reply]]]:
        """The threads a unit's discussion is made of, (passage id, replies) for each of
        its passages and its reconciled passage that has replies; for a passage or a reply,
        its one thread."""
        session = self.get(ref)
        try:
            unit = self._pick(self._units(session, None), target, session)
        except UnitNotFoundError as error:
            if "ambiguous" in error.message:
                raise
            return [(self.replies.root_of(target), self.replies.thread(target))]
        decision = self._decision(session.id, unit.key)
        roots = [p.id for p in unit.passages]
        if decision is not None and decision.annotation_id:
            roots.append(decision.annotation_id)
        counted = self.replies.counts(roots)
        return [(root, self.replies.thread(root)) for root in roots if counted.get(root)]

    # --- agreement -----------------------------------------------------------------------

    def agreement_input(self, articles: Sequence[str] | None = None,
                        annotators: Sequence[str] | None = None,
                        tags: Sequence[str] | None = None,
                        reference: str | None = None) -> AgreementInput:
        """What ``core/agreement.py`` measures: each analyst's spans (one a tag of each
        anchored passage, by tag path), the length of every article compared, the tags to
        list, and the reference layer's spans when ``reference`` (an annotator, such as a
        session's reconciled layer) is given.

        ``annotators`` (names) default to everyone with passages in the articles except
        the reconciled layers of review sessions and the reference; ``articles`` (ids,
        prefixes or external ids) to every article those analysts annotated; ``tags``
        (names or paths) keep the spans of those tags and their child tags, and list the
        tags even when nobody used them.
        """
        with self.library.errors():
            known = {row[1]: row[0] for row in self.db.conn.execute(
                "SELECT id, name FROM annotators")}
            layers = {row[0] for row in self.db.conn.execute("SELECT annotator_id FROM reviews")}
        if reference is not None:
            reference = reference.strip()
            if reference not in known:
                raise NotFoundError(f"no annotator {reference!r} to compare with")
        given = None if articles is None else self._article_ids(articles)
        absent: dict[str, str] = {}
        if annotators is None:
            names = [n for n in self._annotators_with_passages(given)
                     if known[n] not in layers and n != reference]
        else:
            asked = builtins.list(dict.fromkeys(a.strip() for a in annotators if a.strip()))
            # a review session's analyst deleted since: n/a with the reason, not an error
            deleted = self._deleted_analysts()
            absent = {n: deleted[n] for n in asked if n not in known and n in deleted}
            names = [n for _, n in self._annotators([n for n in asked if n not in absent])]
            if reference in names:
                raise InvalidArgumentError(
                    f"{reference!r} is the reference layer and cannot be an analyst too")
        article_ids = given if given is not None else \
            self._annotated_articles([known[n] for n in names]) if names else []
        wanted_tags: builtins.list[str] = []
        keep: Callable[[str], bool] = lambda path: True  # noqa: E731
        if tags is not None:
            found = [self.library.tags.get(t) for t in tags if t.strip()]
            wanted_tags = builtins.list(dict.fromkeys(t.path for t in found))
            matchers = [self.library.tags.path_matcher(t.id) for t in found]
            keep = lambda path: any(match(path) for match in matchers)  # noqa: E731
        lengths = self._lengths(article_ids)
        spans = self._spans(article_ids, [known[n] for n in names], keep)
        result = AgreementInput(
            spans={n: spans.get(known[n], []) for n in names}, lengths=lengths,
            tags=wanted_tags, absent=absent)
        if reference is not None:
            result.reference_name = reference
            result.reference = self._spans(article_ids, [known[reference]], keep).get(
                known[reference], [])
        return result

    def session_agreement_input(self, ref: str, tags: Sequence[str] | None = None
                                ) -> AgreementInput:
        """``agreement_input`` for a session: its analysts still present, its articles,
        and its reconciled layer as the reference."""
        session = self.get(ref)
        names = [a.name for a in session.analysts if not a.missing]
        result = self.agreement_input(articles=session.articles, annotators=names, tags=tags,
                                      reference=session.name)
        result.absent = {a.name: _deleted_reason(a.name, [session.name])
                         for a in session.analysts if a.missing and a.name not in names}
        return result

    def _deleted_analysts(self) -> dict[str, str]:
        """Analysts of review sessions whose annotator is no longer in the library: name
        -> why they have no figures."""
        sessions: dict[str, builtins.list[str]] = {}
        with self.library.errors():
            for name, session in self.db.conn.execute(
                    "SELECT ra.name, r.name FROM review_annotators ra "
                    "JOIN reviews r ON r.id = ra.review_id "
                    "LEFT JOIN annotators a ON a.id = ra.annotator_id "
                    "WHERE a.id IS NULL ORDER BY r.created, ra.position"):
                sessions.setdefault(name, []).append(session)
        return {name: _deleted_reason(name, names) for name, names in sessions.items()}

    def _article_ids(self, refs: Sequence[str]) -> builtins.list[str]:
        return builtins.list(dict.fromkeys(self.library.articles.get(a).id for a in refs))

    def _annotators_with_passages(self, article_ids: Sequence[str] | None
                                  ) -> builtins.list[str]:
        sql = ("SELECT DISTINCT r.name FROM annotations n JOIN annotators r "
               f"ON r.id = n.annotator_id WHERE n.deleted IS NULL AND n.anchor_state != "
               f"'{ORPHAN}'")
        if article_ids is None:
            return sorted(row[0] for row in self.db.conn.execute(sql))
        found: set[str] = set()
        for chunk in range(0, len(article_ids), 900):
            part = article_ids[chunk:chunk + 900]
            found.update(row[0] for row in self.db.conn.execute(
                sql + f" AND n.article_id IN ({','.join('?' * len(part))})", part))
        return sorted(found)

    def _lengths(self, article_ids: Sequence[str]) -> dict[str, int]:
        # SQLite's length() of a text counts characters, code points as Python's len()
        lengths: dict[str, int] = {}
        for chunk in range(0, len(article_ids), 900):
            part = article_ids[chunk:chunk + 900]
            lengths.update(self.db.conn.execute(
                f"SELECT id, length(text) FROM articles WHERE id IN ({','.join('?' * len(part))})",
                part).fetchall())
        return {a: lengths[a] for a in article_ids if a in lengths}

    def _spans(self, article_ids: Sequence[str], annotator_ids: Sequence[str],
               keep: Callable[[str], bool]) -> dict[str, builtins.list[Span]]:
        """Annotator id -> spans of the anchored passages in ``article_ids``."""
        if not annotator_ids or not article_ids:
            return {}
        found: dict[str, builtins.list[Span]] = {}
        who = ",".join("?" * len(annotator_ids))
        for chunk in range(0, len(article_ids), 500):
            part = article_ids[chunk:chunk + 500]
            rows = self.db.conn.execute(
                'SELECT n.annotator_id, n.article_id, n.start, n."end", '
                "(SELECT json_group_array(coalesce(p.name || '/', '') || t.name) "
                " FROM annotation_tags at JOIN tags t ON t.id = at.tag_id "
                " LEFT JOIN tags p ON p.id = t.parent_id WHERE at.annotation_id = n.id) "
                f"FROM annotations n WHERE n.deleted IS NULL AND n.anchor_state != '{ORPHAN}' "
                f"AND n.annotator_id IN ({who}) "
                f"AND n.article_id IN ({','.join('?' * len(part))}) "
                'ORDER BY n.article_id, n.start, n."end"', [*annotator_ids, *part])
            for annotator_id, article_id, start, end, tag_json in rows:
                if end <= start:
                    continue  # covers no character: nothing to agree on
                paths = sorted(set(json.loads(tag_json))) or [UNTAGGED]
                spans = found.setdefault(annotator_id, [])
                spans.extend(Span(article_id, start, end, path) for path in paths
                             if keep(path))
        return found

    # --- the report ----------------------------------------------------------------------

    def report(self, ref: str, with_agreement: bool = False) -> ReportData:
        """Everything the review report shows (``core/alignment.py`` renders it); with
        ``with_agreement``, the session's agreement figures too (for its charts)."""
        session = self.get(ref)
        reviewed = self._reviewed(session, None)
        with self.library.errors():
            titles = dict(self.db.conn.execute(
                "SELECT a.id, a.title FROM articles a JOIN review_articles ra "
                "ON ra.article_id = a.id WHERE ra.review_id = ?", [session.id]).fetchall())
        return ReportData(
            name=session.name, status=session.status, tolerance=session.tolerance,
            analysts=tuple((a.id, a.name + (" (deleted)" if a.missing else ""))
                           for a in session.analysts),
            absent={a.id: _deleted_reason(a.name, [session.name])
                    for a in session.analysts if a.missing},
            reviewers=session.reviewers,
            articles=tuple((a, titles.get(a, a)) for a in session.articles),
            units=tuple(reviewed),
            texts={a: self.library.articles.text(a) for a in session.articles},
            stale=tuple(self._stale(session, [r.unit for r in reviewed], None)),
            created=session.created,
            agreement=self.session_agreement_input(session.id).report()
            if with_agreement else None)


def _check_span(start: int, end: int, length: int) -> None:
    """An edited version's span in words that name no option (the window and the CLI
    both decide with it)."""
    if start < 0 or end < 0:
        raise OffsetError(f"the span {start}-{end} has a negative offset")
    if end < start:
        raise OffsetError(f"the span {start}-{end} is reversed: its start is after its end")
    if end == start:
        raise OffsetError(f"the span {start}-{end} is empty")
    if end > length:
        raise OffsetError(f"the span {start}-{end} is out of range: the article has "
                          f"{length} characters")


def _deleted_reason(name: str, sessions: Sequence[str]) -> str:
    listed = ", ".join(repr(s) for s in sessions)
    return (f"n/a: {name} was deleted from the library after review session"
            f"{'s' if len(sessions) > 1 else ''} {listed} named them; their passages went "
            "with them")


_REPLY_COLUMNS = ('p.id, p.annotation_id, p."references", r.name, p.annotator_id, p.text, '
                  "p.created, p.updated, p.deleted")
_REPLY_FROM = "FROM replies p LEFT JOIN annotators r ON r.id = p.annotator_id"


def _reply(row: tuple[object, ...]) -> Reply:
    rid, root, refs, author, author_id, text, created, updated, deleted = row
    return Reply(str(rid), str(root), tuple(json.loads(str(refs))), str(author or ""),
                 str(author_id), str(text), str(created), str(updated),
                 None if deleted is None else str(deleted))


class Replies:
    """Discussion threads on passages (``library.reviews.replies``): a reply answers a
    passage or another reply; a thread is every reply under one passage."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    def add(self, parent: str, text: str, author: str) -> Reply:
        """A reply by ``author`` to the passage or reply ``parent`` (an id or a unique
        prefix of 4 characters or more); ``text`` is Markdown."""
        if not text.strip():
            raise InvalidArgumentError("a reply must not be empty")
        with self.library.transaction():
            found = self._find(parent)
            if found is not None:
                root, references = found.annotation_id, (*found.references, found.id)
            else:
                try:
                    root = self.library.annotations.get(parent).id
                except AnnotationNotFoundError:
                    raise NotFoundError(f"no passage or reply {parent!r}") from None
                references = (root,)
            who = self.library.annotations.annotator(author)
            now = now_iso()
            reply_id = new_id()
            self.db.conn.execute(
                'INSERT INTO replies (id, annotation_id, "references", annotator_id, text, '
                "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [reply_id, root, json.dumps(list(references)), who.id, text, now, now])
            return self.get(reply_id)

    def get(self, reply_id: str) -> Reply:
        """The reply ``reply_id`` (deleted ones too), or a unique prefix of it."""
        found = self._find(reply_id, deleted=True)
        if found is None:
            raise NotFoundError(f"no reply {reply_id!r}")
        return found

    def _find(self, ref: str, deleted: bool = False) -> Reply | None:
        alive = "" if deleted else " AND p.deleted IS NULL"
        with self.library.errors():
            conn = self.db.conn
            row = conn.execute(f"SELECT {_REPLY_COLUMNS} {_REPLY_FROM} WHERE p.id = ?{alive}",
                               [ref]).fetchone()
            if row is None and is_id_prefix(ref):
                rows = conn.execute(f"SELECT {_REPLY_COLUMNS} {_REPLY_FROM} WHERE p.id LIKE ? "
                                    f"ESCAPE '\\'{alive} LIMIT 2", [like_prefix(ref)]).fetchall()
                row = rows[0] if len(rows) == 1 else None
        return _reply(row) if row else None

    def thread(self, ref: str) -> builtins.list[Reply]:
        """The thread under a passage (or under the passage a reply belongs to), in reading
        order: each reply followed by its answers, oldest first. A deleted reply shows
        (without its text) only when a reply under it still stands."""
        root = self.root_of(ref)
        with self.library.errors():
            rows = [_reply(r) for r in self.db.conn.execute(
                f"SELECT {_REPLY_COLUMNS} {_REPLY_FROM} WHERE p.annotation_id = ? "
                "ORDER BY p.created, p.rowid", [root])]
        children: dict[str, builtins.list[Reply]] = {}
        for reply in rows:
            children.setdefault(reply.parent, []).append(reply)
        ordered: builtins.list[Reply] = []

        def walk(parent: str) -> bool:
            any_live = False
            for reply in children.get(parent, ()):
                at = len(ordered)
                ordered.append(reply)
                below = walk(reply.id)
                if reply.deleted is not None:
                    if below:
                        ordered[at] = Reply(reply.id, reply.annotation_id, reply.references,
                                            reply.author, reply.author_id, "", reply.created,
                                            reply.updated, reply.deleted)
                    else:
                        del ordered[at:]
                any_live = any_live or below or reply.deleted is None
            return any_live

        walk(root)
        return ordered

    def root_of(self, ref: str) -> str:
        """The passage a thread hangs from: the passage ``ref`` (an id or a unique prefix),
        or the root of the reply ``ref``."""
        found = self._find(ref, deleted=True)
        if found is not None:
            return found.annotation_id
        try:
            return self.library.annotations.get(ref).id
        except AnnotationNotFoundError:
            # a deleted passage keeps its thread, read by the passage's full id
            if not self.db.conn.execute("SELECT 1 FROM annotations WHERE id = ?",
                                        [ref]).fetchone():
                raise NotFoundError(f"no passage or reply {ref!r}") from None
            return ref

    def counts(self, annotation_ids: Iterable[str]) -> dict[str, int]:
        """How many standing replies each of the passages has."""
        found: dict[str, int] = {}
        for part, marks in id_parts(annotation_ids):
            found.update(self.db.conn.execute(
                f"SELECT annotation_id, count(*) FROM replies WHERE annotation_id IN ({marks}) "
                "AND deleted IS NULL GROUP BY annotation_id", part).fetchall())
        return found

    def edit(self, reply_id: str, text: str) -> Reply:
        """Gives a reply a new text (the undo of an edit gives the old one back)."""
        if not text.strip():
            raise InvalidArgumentError("a reply must not be empty")
        with self.library.transaction():
            reply = self._live(reply_id)
            self.db.conn.execute("UPDATE replies SET text = ?, updated = later_than(updated)"
                                 " WHERE id = ?", [text, reply.id])
        return self.get(reply.id)

    def delete(self, reply_id: str) -> Reply:
        """Marks a reply deleted; the replies under it stay."""
        with self.library.transaction():
            reply = self._live(reply_id)
            self.db.conn.execute("UPDATE replies SET deleted = ?, updated = later_than(updated)"
                                 " WHERE id = ?", [now_iso(), reply.id])
        return self.get(reply.id)

    def restore(self, reply_id: str) -> Reply:
        """Brings back a deleted reply (the undo of a delete or of an add)."""
        with self.library.transaction():
            reply = self.get(reply_id)
            self.db.conn.execute("UPDATE replies SET deleted = NULL, updated = later_than(updated)"
                                 " WHERE id = ?", [reply.id])
        return self.get(reply.id)

    def _live(self, reply_id: str) -> Reply:
        found = self._find(reply_id)
        if found is None:
            raise NotFoundError(f"no reply {reply_id!r}")
        return found



def unit_as_dict(session: Session, reviewed: ReviewedUnit, text: str) -> dict[str, object]:
    """A unit as JSON-ready values: its place, class, state, each analyst's versions (in
    lane order), the decision and the reconciled passage. ``text`` is the article's."""
    unit, decision, made = reviewed.unit, reviewed.decision, reviewed.reconciled

    def passage(p: Passage) -> dict[str, object]:
        return {"id": p.id, "start": p.start, "end": p.end,
                "tags": sorted(p.tags, key=str.lower), "note": p.note,
                "quote": text[p.start:p.end]}

    return {
        "unit": unit.key, "article_id": unit.article_id, "start": unit.start,
        "end": unit.end, "class": unit.kind, "state": reviewed.state,
        "quote": text[unit.start:unit.end],
        "versions": [{"lane": a.lane, "analyst": a.name, "missing": a.missing,
                      "passages": [passage(p) for p in unit.versions(a.id)]}
                     for a in session.analysts],
        "decision": None if decision is None else {
            **decision.as_dict(), "analyst": session.name_of(decision.analyst_id)
            if decision.analyst_id else None},
        "reconciled": None if made is None else passage(made),
    }
