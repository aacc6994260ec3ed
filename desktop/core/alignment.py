"""Aligning several analysts' passages of one article into units, for a review session.

Passages that overlap, or lie within ``tolerance`` characters of each other, form one unit
(transitively); each unit is classed by how its analysts' versions compare, and carries a
stable key a reviewer's decision attaches to. ``docs/review.md`` states the rule; this
module is plain Python (no Qt, no SQL) so the store, the CLI and the window share it.

The review report (HTML, Markdown, CSV rows) is rendered here too, from plain data the
store gathers: it is text in, text out, and every analyst's words in it are data, never
markup.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from desktop.core.errors import ClosereadError, InvalidArgumentError, NotFoundError

DEFAULT_TOLERANCE = 2
"""Characters two boundaries may differ by and still count as the same (docs/review.md)."""

# how a unit's versions compare
AGREE = "agree"
BOUNDARIES = "boundaries"
TAGS = "tags"
BOUNDARIES_AND_TAGS = "boundaries_and_tags"
PARTIAL = "partial"
CLASSES = (AGREE, BOUNDARIES, TAGS, BOUNDARIES_AND_TAGS, PARTIAL)

# where a unit stands in the review (INCEpTION's curation states)
ACCEPTED = "accepted"
REJECTED = "rejected"
AGREEING = "agreeing"
DISAGREEING = "disagreeing"
INCOMPLETE = "incomplete"
STATES = (ACCEPTED, REJECTED, AGREEING, DISAGREEING, INCOMPLETE)

# what a reviewer decided
DECISION_ACCEPTED = "accepted"
DECISION_EDITED = "edited"
DECISION_REJECTED = "rejected"
DECISIONS = (DECISION_ACCEPTED, DECISION_EDITED, DECISION_REJECTED)

# who decided: a person, or a rule run over the session
RULE_MANUAL = "manual"
RULE_UNANIMOUS = "unanimous"
RULE_MAJORITY = "majority"
RULES = (RULE_MANUAL, RULE_UNANIMOUS, RULE_MAJORITY)
AUTOMATIC_RULES = (RULE_UNANIMOUS, RULE_MAJORITY)


# The review's errors; they sit here beside the review's rules until desktop/core/errors.py
# takes them in with the others.
class ReviewNotFoundError(NotFoundError):
    """No session of that name or id."""


class UnitNotFoundError(NotFoundError):
    """No unit (or several) with that key in the session."""


class ReviewExistsError(ClosereadError):
    """A session of that name exists, or the name belongs to an annotator with passages."""


class ReviewClosedError(ClosereadError):
    """A closed session takes no decisions until it is opened again."""


class DecisionError(ClosereadError):
    """A decision cannot be taken as asked (an analyst without a version in the unit...)."""


KEY_LENGTH = 12  # hex digits: 48 bits, no collision among any library's units in practice


@dataclass(frozen=True, slots=True)
class Passage:
    """One analyst's passage: ``annotator`` is the analyst's annotator id, offsets are code
    points into the article's text (end exclusive), ``tags`` the tag names."""

    id: str
    annotator: str
    start: int
    end: int
    tags: frozenset[str] = frozenset()
    note: str = ""

    def same_version(self, other: Passage, tolerance: int) -> bool:
        """True when ``other`` has the same tags and both boundaries within ``tolerance``."""
        return (self.tags == other.tags and abs(self.start - other.start) <= tolerance
                and abs(self.end - other.end) <= tolerance)


@dataclass(frozen=True, slots=True)
class Unit:
    """Passages of one article that belong together, with how their versions compare.

    ``start`` and ``end`` are the union of the passages; ``passages`` are in lane order
    (the session's order of analysts), then text order.
    """

    key: str
    article_id: str
    start: int
    end: int
    kind: str
    passages: tuple[Passage, ...]

    def versions(self, annotator: str) -> tuple[Passage, ...]:
        """The passages ``annotator`` has in this unit (none, one, or several)."""
        return tuple(p for p in self.passages if p.annotator == annotator)

    @property
    def annotators(self) -> frozenset[str]:
        """The analysts with at least one passage in the unit."""
        return frozenset(p.annotator for p in self.passages)

    @property
    def passage_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.passages)


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's decision on a unit, and the reconciled passage it produced.

    ``analyst_id`` is whose version was accepted (for ``accepted``), ``annotation_id`` the
    reconciled passage (none for ``rejected``), ``start``/``end`` the unit's span when it
    was decided (what a later decision on a changed unit supersedes).
    """

    unit_key: str
    article_id: str
    decision: str
    rule: str
    reviewer: str
    comment: str = ""
    analyst_id: str | None = None
    annotation_id: str | None = None
    start: int | None = None
    end: int | None = None
    decided: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "unit": self.unit_key, "article_id": self.article_id, "decision": self.decision,
            "rule": self.rule, "reviewer": self.reviewer, "comment": self.comment,
            "analyst_id": self.analyst_id, "annotation_id": self.annotation_id,
            "start": self.start, "end": self.end, "decided": self.decided,
        }


def unit_key(article_id: str, passage_ids: Iterable[str]) -> str:
    """The unit's stable key: a short hash of its article and its sorted passage ids.

    Editing a member passage keeps the key (the decision stays); a passage joining or
    leaving the unit changes it (the unit is open again; docs/review.md).
    """
    material = article_id + "\n" + "\n".join(sorted(passage_ids))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def check_tolerance(tolerance: int) -> int:
    """``tolerance`` if it is a whole number of characters, 0 or more."""
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise InvalidArgumentError(
            f"the tolerance must be a whole number of characters, 0 or more (got {tolerance!r})")
    return tolerance


def align(article_id: str, passages: Iterable[Passage], analysts: Sequence[str],
          tolerance: int = DEFAULT_TOLERANCE) -> list[Unit]:
    """The units of one article, in text order.

    ``analysts`` are the session's analysts (annotator ids) in lane order; passages of
    anyone else are left out. Two passages join one unit when they overlap or the gap
    between them is at most ``tolerance`` characters, and joining is transitive.
    """
    check_tolerance(tolerance)
    lanes = {annotator: index for index, annotator in enumerate(dict.fromkeys(analysts))}
    ordered = sorted((p for p in passages if p.annotator in lanes),
                     key=lambda p: (p.start, p.end))
    units: list[Unit] = []
    group: list[Passage] = []
    reach = 0  # the furthest end of the group so far

    def close() -> None:
        members = tuple(sorted(group, key=lambda p: (lanes[p.annotator], p.start, p.end, p.id)))
        units.append(Unit(
            key=unit_key(article_id, (p.id for p in members)), article_id=article_id,
            start=min(p.start for p in members), end=reach,
            kind=classify(members, lanes, tolerance), passages=members))

    # Sorted by start, a passage is within reach of the group exactly when its start is at
    # most ``tolerance`` past the group's furthest end; a later passage starts later still,
    # so it can never bridge back into a group already closed.
    for passage in ordered:
        if group and passage.start - reach > tolerance:
            close()
            group = []
        if not group:
            reach = passage.end
        group.append(passage)
        reach = max(reach, passage.end)
    if group:
        close()
    return units


def classify(passages: Sequence[Passage], analysts: Iterable[str], tolerance: int) -> str:
    """How the versions of one unit compare (``CLASSES``; docs/review.md).

    An analyst of the session without a passage makes the unit ``partial``. Everyone
    present: ``agree`` when each has exactly one passage, all starts lie within
    ``tolerance`` of each other, all ends too, and the tag sets are equal; otherwise
    ``boundaries``, ``tags`` or both. An analyst with two passages in the unit split it:
    the boundaries differ, never ``agree``.
    """
    wanted = list(analysts)
    present = {p.annotator for p in passages}
    if not wanted or not passages or any(a not in present for a in wanted):
        return PARTIAL
    counts: dict[str, int] = {}
    for p in passages:
        counts[p.annotator] = counts.get(p.annotator, 0) + 1
    starts = [p.start for p in passages]
    ends = [p.end for p in passages]
    boundaries = (any(n > 1 for n in counts.values())
                  or max(starts) - min(starts) > tolerance or max(ends) - min(ends) > tolerance)
    tags = len({p.tags for p in passages}) > 1
    if boundaries and tags:
        return BOUNDARIES_AND_TAGS
    if boundaries:
        return BOUNDARIES
    if tags:
        return TAGS
    return AGREE


def state_of(kind: str, decision: Decision | None) -> str:
    """The unit's review state: decided (``accepted``, also for an edit, or ``rejected``),
    else ``agreeing``, ``incomplete`` (partial) or ``disagreeing``."""
    if decision is not None:
        return REJECTED if decision.decision == DECISION_REJECTED else ACCEPTED
    if kind == AGREE:
        return AGREEING
    if kind == PARTIAL:
        return INCOMPLETE
    return DISAGREEING


@dataclass(frozen=True, slots=True)
class Vote:
    """The version a rule would accept and the analysts who share it."""

    passage: Passage
    supporters: tuple[str, ...]


def unanimous_version(unit: Unit, analysts: Sequence[str]) -> Vote | None:
    """For an ``agree`` unit, the first analyst's version (the lane order's first), which
    everyone shares; None for any other unit."""
    if unit.kind != AGREE:
        return None
    for annotator in analysts:
        mine = unit.versions(annotator)
        if mine:
            return Vote(mine[0], tuple(a for a in analysts if a in unit.annotators))
    return None


def majority_version(unit: Unit, analysts: Sequence[str], tolerance: int,
                     min_votes: int) -> Vote | None:
    """The version at least ``min_votes`` analysts share, or None.

    An analyst shares a version when one of their passages has its tags and both
    boundaries within ``tolerance`` of it. The version with the most sharers wins, the
    earliest lane's among equals; when versions that do not share each other's support
    tie for the most, nothing is accepted (no majority to speak of).
    """
    if min_votes < 1:
        raise InvalidArgumentError(f"--min must be 1 or more (got {min_votes})")
    order = {annotator: index for index, annotator in enumerate(analysts)}
    best: list[Vote] = []
    for candidate in unit.passages:
        supporters = tuple(sorted(
            {p.annotator for p in unit.passages if candidate.same_version(p, tolerance)},
            key=lambda a: order.get(a, len(order))))
        vote = Vote(candidate, supporters)
        if not best or len(supporters) > len(best[0].supporters):
            best = [vote]
        elif len(supporters) == len(best[0].supporters):
            best.append(vote)
    if not best or len(best[0].supporters) < min_votes:
        return None
    winner = best[0]
    if any(set(other.supporters) != set(winner.supporters) for other in best[1:]):
        return None
    return winner


# --- the review report ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewedUnit:
    """A unit as the review shows it: its class, state, decision and reconciled passage."""

    unit: Unit
    state: str
    decision: Decision | None = None
    reconciled: Passage | None = None  # the reconciled passage as it is now, if any


@dataclass(frozen=True)
class ReportData:
    """Everything a review report shows; the store gathers it (``Reviews.report``)."""

    name: str
    status: str
    tolerance: int
    analysts: tuple[tuple[str, str], ...]  # (annotator id, name) in lane order
    reviewers: tuple[str, ...]
    articles: tuple[tuple[str, str], ...]  # (article id, title) in session order
    units: tuple[ReviewedUnit, ...]
    texts: Mapping[str, str] = field(default_factory=dict)  # article id -> text
    stale: tuple[Decision, ...] = ()
    created: str = ""
    # the agreement figures (core.agreement's report), when the report shows them
    agreement: Mapping[str, Any] | None = None
    # analysts deleted from the library since the session was made: annotator id -> why
    # they have no figures ("n/a: ...")
    absent: Mapping[str, str] = field(default_factory=dict)

    def analyst_name(self, annotator_id: str | None) -> str:
        for known, name in self.analysts:
            if known == annotator_id:
                return name
        return annotator_id or ""

    def quote(self, article_id: str, start: int, end: int) -> str:
        return self.texts.get(article_id, "")[start:end]

    @property
    def decided(self) -> int:
        return sum(1 for u in self.units if u.decision is not None)


def _span(p: Passage) -> str:
    return f"{p.start}-{p.end}"


def _tags(tags: Iterable[str]) -> str:
    return ", ".join(sorted(tags, key=str.lower)) or "(no tag)"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decision_words(report: ReportData, reviewed: ReviewedUnit) -> str:
    decision = reviewed.decision
    if decision is None:
        return "open"
    words = decision.decision
    if decision.decision == DECISION_ACCEPTED and decision.analyst_id:
        words += f" ({report.analyst_name(decision.analyst_id)}'s version)"
    if reviewed.reconciled is not None:
        words += f" → {_span(reviewed.reconciled)} {_tags(reviewed.reconciled.tags)}"
    words += f", {decision.rule} by {decision.reviewer}"
    return words


def _version_words(unit: Unit, annotator: str) -> str:
    mine = unit.versions(annotator)
    if not mine:
        return "—"
    return "; ".join(f"{_span(p)} {_tags(p.tags)}" for p in mine)


REPORT_COLUMNS = ("article_id", "article_title", "unit", "start", "end", "class", "state",
                  "decision", "rule", "accepted_analyst", "reviewer", "comment",
                  "reconciled_start", "reconciled_end", "reconciled_tags", "quote", "versions")


def report_rows(report: ReportData) -> list[tuple[object, ...]]:
    """One row per unit (``REPORT_COLUMNS``) for the CSV report; the writer neutralises
    cells a spreadsheet would run (docs/architecture.md, invariant 10)."""
    titles = dict(report.articles)
    rows: list[tuple[object, ...]] = []
    for reviewed in report.units:
        unit, decision, rec = reviewed.unit, reviewed.decision, reviewed.reconciled
        versions = " | ".join(f"{name}: {_version_words(unit, annotator)}"
                              for annotator, name in report.analysts)
        rows.append((
            unit.article_id, titles.get(unit.article_id, ""), unit.key, unit.start, unit.end,
            unit.kind, reviewed.state,
            decision.decision if decision else "", decision.rule if decision else "",
            report.analyst_name(decision.analyst_id) if decision and decision.analyst_id
            else "",
            decision.reviewer if decision else "", decision.comment if decision else "",
            rec.start if rec else "", rec.end if rec else "",
            _tags(rec.tags) if rec else "",
            report.quote(unit.article_id, unit.start, unit.end), versions,
        ))
    return rows


def _units_by_article(report: ReportData) -> dict[str, list[ReviewedUnit]]:
    found: dict[str, list[ReviewedUnit]] = {}
    for reviewed in report.units:
        found.setdefault(reviewed.unit.article_id, []).append(reviewed)
    return found


def _summary_counts(report: ReportData) -> tuple[dict[str, int], dict[str, int]]:
    kinds = {kind: 0 for kind in CLASSES}
    states = {state: 0 for state in STATES}
    for reviewed in report.units:
        kinds[reviewed.unit.kind] += 1
        states[reviewed.state] += 1
    return kinds, states


# the agreement report's measures as the review report's tables show them
_PAIR_MEASURES = (("span_precision", "span P"), ("span_recall", "span R"),
                  ("span_f1", "span F1"), ("span_f1_tagged", "F1 tags"),
                  ("cohen_kappa", "Cohen κ"), ("krippendorff_alpha_u", "α_u"))
_GROUP_MEASURES = (("fleiss_kappa", "Fleiss κ"), ("krippendorff_alpha_u", "α_u"))


@dataclass(frozen=True)
class AgreementTables:
    """The agreement figures of a session as rows of text: ``pairs`` (scope, pair, cells)
    for each pair of analysts and each analyst against the reconciled layer, ``group``
    (scope, cells) for the analysts together, scope "all tags" first and then each tag;
    a cell is "0.703 (38 spans)" or "n/a [1]", the number that of its reason in
    ``reasons``."""

    heading: str
    pairs: tuple[tuple[str, str, tuple[str, ...]], ...]
    group: tuple[tuple[str, tuple[str, ...]], ...]
    reasons: tuple[str, ...]


def agreement_tables(agreement: Mapping[str, Any]) -> AgreementTables:
    reasons: dict[str, int] = {}

    def cell(measure: Mapping[str, Any]) -> str:
        if measure.get("value") is None:
            reason = str(measure.get("reason") or "n/a")
            number = reasons.setdefault(reason, len(reasons) + 1)
            return f"n/a [{number}]"
        units = int(measure.get("units") or 0)
        noun = str(measure.get("unit") or "")
        noun = noun[:-1] if units == 1 and noun.endswith("s") else noun
        return f"{float(measure['value']):.3f} ({units:,} {noun})"

    scopes: list[tuple[str, str | None]] = [("all tags", None)]
    scopes += [(f"tag {tag}", tag) for tag in agreement.get("tags", [])]
    pairs: list[tuple[str, str, tuple[str, ...]]] = []
    group: list[tuple[str, tuple[str, ...]]] = []
    for scope, tag in scopes:
        for pair in agreement.get("pairs", []):
            measures = pair["overall"] if tag is None else pair["tags"].get(tag, {})
            pairs.append((scope, f"{pair['first']} / {pair['second']}",
                          tuple(cell(measures.get(key, {})) for key, _ in _PAIR_MEASURES)))
        figures = agreement.get("group", {})
        measures = figures.get("overall", {}) if tag is None else \
            figures.get("tags", {}).get(tag, {})
        group.append((scope, tuple(cell(measures.get(key, {}))
                                   for key, _ in _GROUP_MEASURES)))
    analysts = ", ".join(agreement.get("analysts", [])) or "none"
    absent = agreement.get("absent") or {}
    heading = f"analysts: {analysts}"
    if absent:
        heading += f"; no figures for {', '.join(absent)} (deleted)"
    if agreement.get("reference"):
        heading += f"; reference: {agreement['reference']} (the reconciled layer)"
    articles, characters = agreement.get("articles", 0), agreement.get("characters", 0)
    heading += (f"; {articles:,} article{'' if articles == 1 else 's'}, "
                f"{characters:,} character{'' if characters == 1 else 's'}")
    return AgreementTables(heading, tuple(pairs), tuple(group), tuple(reasons))


def _agreement_markdown(agreement: Mapping[str, Any]) -> list[str]:
    tables = agreement_tables(agreement)
    lines = ["", "## Agreement", "", _md_text(tables.heading) + " (docs/agreement.md)", ""]
    if tables.pairs:
        lines.append("| scope | pair | " + " | ".join(h for _, h in _PAIR_MEASURES) + " |")
        lines.append("|" + "---|" * (2 + len(_PAIR_MEASURES)))
        lines += ["| " + " | ".join(_md_cell(v) for v in (scope, pair, *cells)) + " |"
                  for scope, pair, cells in tables.pairs]
        lines.append("")
    lines.append("| scope | group | " + " | ".join(h for _, h in _GROUP_MEASURES) + " |")
    lines.append("|" + "---|" * (2 + len(_GROUP_MEASURES)))
    count = len(agreement.get("analysts", []))
    lines += ["| " + " | ".join(_md_cell(v) for v in (scope, f"{count} analysts", *cells))
              + " |"
              for scope, cells in tables.group]
    if tables.reasons:
        lines.append("")
        lines += [f"- \\[{n}\\] n/a: {_md_text(reason.removeprefix('n/a: '))}" for n, reason in
                  enumerate(tables.reasons, 1)]
    return lines


def _agreement_html(agreement: Mapping[str, Any]) -> str:
    esc = html.escape
    tables = agreement_tables(agreement)
    parts = ["<section><h2>Agreement</h2>",
             f"<p>{esc(tables.heading)} (docs/agreement.md)</p>"]
    if tables.pairs:
        head = "".join(f"<th>{esc(h)}</th>" for _, h in _PAIR_MEASURES)
        parts.append(f"<table><thead><tr><th>scope</th><th>pair</th>{head}</tr></thead>"
                     "<tbody>")
        parts += ["<tr>" + "".join(f"<td>{esc(v)}</td>" for v in (scope, pair, *cells))
                  + "</tr>" for scope, pair, cells in tables.pairs]
        parts.append("</tbody></table>")
    head = "".join(f"<th>{esc(h)}</th>" for _, h in _GROUP_MEASURES)
    count = len(agreement.get("analysts", []))
    parts.append(f"<table><thead><tr><th>scope</th><th>group</th>{head}</tr></thead><tbody>")
    parts += ["<tr>" + "".join(f"<td>{esc(v)}</td>"
                               for v in (scope, f"{count} analysts", *cells)) + "</tr>"
              for scope, cells in tables.group]
    parts.append("</tbody></table>")
    if tables.reasons:
        parts.append("<ol>" + "".join(f"<li>n/a: {esc(r.removeprefix('n/a: '))}</li>"
                                      for r in tables.reasons)
                     + "</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def report_markdown(report: ReportData) -> str:
    """The report as Markdown: the session, its progress, and each article's units.

    Analysts' words are quoted in code spans and table cells with ``|`` escaped, so a
    passage cannot turn into a heading, a link or a broken table.
    """
    kinds, states = _summary_counts(report)
    lines = [
        f"# Review session {_md_text(report.name)}",
        "",
        f"- status: {report.status}; tolerance: {report.tolerance} characters",
        f"- analysts: {', '.join(_md_text(n) for _, n in report.analysts) or 'none'}",
        f"- reviewers: {', '.join(_md_text(n) for n in report.reviewers) or 'none'}",
        f"- decided: {report.decided} of {len(report.units)} units",
        "- classes: " + ", ".join(f"{k} {n}" for k, n in kinds.items()),
        "- states: " + ", ".join(f"{k} {n}" for k, n in states.items()),
    ]
    if report.stale:
        lines.append(f"- {len(report.stale)} earlier decisions no longer match a unit "
                     "(their passages changed); decide those units again")
    if report.agreement is not None:
        lines += _agreement_markdown(report.agreement)
    by_article = _units_by_article(report)
    for article_id, title in report.articles:
        units = by_article.get(article_id, [])
        lines += ["", f"## {_md_text(title)}", "", f"`{article_id}`", ""]
        if not units:
            lines.append("No passages by the session's analysts.")
            continue
        lines.append("| unit | span | class | state | "
                     + " | ".join(_md_cell(n) for _, n in report.analysts)
                     + " | decision | quote |")
        lines.append("|" + "---|" * (6 + len(report.analysts)))
        for reviewed in units:
            unit = reviewed.unit
            cells = [f"`{unit.key}`", f"{unit.start}-{unit.end}", unit.kind, reviewed.state]
            cells += [_md_cell(_version_words(unit, a)) for a, _ in report.analysts]
            words = _decision_words(report, reviewed)
            if reviewed.decision and reviewed.decision.comment:
                words += f": {reviewed.decision.comment}"
            cells += [_md_cell(words),
                      _md_cell(_short(report.quote(article_id, unit.start, unit.end)))]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _md_text(text: str) -> str:
    """Text that Markdown shows as it is, on one line, inside a heading, list item or table
    cell: the characters that make emphasis, code, links, HTML, entities or a cell's end
    are escaped (those that matter only at the start of a line never stand there)."""
    out = []
    for char in " ".join(text.split()):
        out.append("\\" + char if char in "\\`*_{}[]<>|~&" else char)
    return "".join(out)


def _md_cell(text: str) -> str:
    return _md_text(text) if text else " "


def report_html(report: ReportData) -> str:
    """The report as one self-contained HTML page (no script, no remote content).

    Everything from the library (names, titles, quotes, comments) is escaped: an analyst's
    passage that reads ``<script>`` is shown as those characters.
    """
    esc = html.escape
    kinds, states = _summary_counts(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Review session {esc(report.name)}</title>",
        "<style>body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%;margin:1rem 0}"
        "th,td{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}"
        "td.quote{font-style:italic}.agree{background:#eef7ee}.partial{background:#f7f3e8}"
        ".boundaries,.tags,.boundaries_and_tags{background:#f9ecec}</style>",
        "</head><body>",
        f"<h1>Review session {esc(report.name)}</h1>",
        "<ul>",
        f"<li>status: {esc(report.status)}; tolerance: {report.tolerance} characters</li>",
        f"<li>analysts: {esc(', '.join(n for _, n in report.analysts) or 'none')}</li>",
        f"<li>reviewers: {esc(', '.join(report.reviewers) or 'none')}</li>",
        f"<li>decided: {report.decided} of {len(report.units)} units</li>",
        "<li>classes: " + esc(", ".join(f"{k} {n}" for k, n in kinds.items())) + "</li>",
        "<li>states: " + esc(", ".join(f"{k} {n}" for k, n in states.items())) + "</li>",
    ]
    if report.stale:
        parts.append(f"<li>{len(report.stale)} earlier decisions no longer match a unit "
                     "(their passages changed); decide those units again</li>")
    parts.append("</ul>")
    if report.agreement is not None:
        parts.append(_agreement_html(report.agreement))
    parts.append(report_charts_html(report))
    by_article = _units_by_article(report)
    for article_id, title in report.articles:
        units = by_article.get(article_id, [])
        parts.append(f"<h2>{esc(title)}</h2><p><code>{esc(article_id)}</code></p>")
        if not units:
            parts.append("<p>No passages by the session's analysts.</p>")
            continue
        head = "".join(f"<th>{esc(name)}</th>" for _, name in report.analysts)
        parts.append("<table><thead><tr><th>unit</th><th>span</th><th>class</th>"
                     f"<th>state</th>{head}<th>decision</th><th>quote</th></tr></thead>"
                     "<tbody>")
        for reviewed in units:
            unit = reviewed.unit
            versions = "".join(f"<td>{esc(_version_words(unit, annotator))}</td>"
                               for annotator, _ in report.analysts)
            comment = ""
            if reviewed.decision and reviewed.decision.comment:
                comment = f"<br><small>{esc(reviewed.decision.comment)}</small>"
            quote = esc(_short(report.quote(article_id, unit.start, unit.end), 300))
            parts.append(
                f'<tr class="{esc(unit.kind)}"><td><code>{esc(unit.key)}</code></td>'
                f"<td>{unit.start}-{unit.end}</td><td>{esc(unit.kind)}</td>"
                f"<td>{esc(reviewed.state)}</td>{versions}"
                f"<td>{esc(_decision_words(report, reviewed))}{comment}</td>"
                f'<td class="quote">{quote}</td></tr>')
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def report_charts_html(report: ReportData) -> str:
    """The charts section of the HTML report: the same SVG drawings as the app's Charts
    tab (tags per analyst, agreement per tag when the report has the figures, open
    disagreements per article); inline, escaped, no script, nothing remote."""
    from desktop.core import review_charts

    if report.agreement is not None:
        charts = review_charts.review_charts(report, report.agreement)
    else:
        charts = [review_charts.tags_per_analyst(report),
                  review_charts.open_units_per_article(report)]
    figures = "".join(f"<figure>{chart.svg(720)}</figure>" for chart in charts)
    return f"<section><h2>Charts</h2>{figures}</section>"
