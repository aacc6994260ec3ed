"""What a review did with one analyst's passages: for each, the decision on its unit and
how the reconciled passage differs from theirs (boundaries moved, tags added or taken
away, left out). An analyst sees how the lead changed their reading."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from desktop.core.alignment import Passage, ReportData, ReviewedUnit


@dataclass(frozen=True)
class AnalystChange:
    """One passage of the analyst and what became of it."""

    article_title: str
    passage: str  # "[tags] “quote” (start–end)"
    decision: str
    change: str
    unit_key: str = ""


def _describe(passage: Passage, text: str) -> str:
    tags = ", ".join(sorted(passage.tags)) or "no tag"
    quote = " ".join(text[passage.start:passage.end].split())
    if len(quote) > 90:
        quote = quote[:89] + "…"
    return f"[{tags}] “{quote}” ({passage.start}–{passage.end})"


def _moved(delta: int, edge: str) -> str:
    later = "later" if delta > 0 else "earlier"
    count = abs(delta)
    return f"{edge} {count} character{'s' if count != 1 else ''} {later}"


def difference(mine: Passage, reconciled: Passage) -> str:
    """How ``reconciled`` differs from ``mine``, in words; "kept as you marked it" when it
    does not."""
    parts = []
    if reconciled.start != mine.start:
        parts.append(_moved(reconciled.start - mine.start, "starts"))
    if reconciled.end != mine.end:
        parts.append(_moved(reconciled.end - mine.end, "ends"))
    added = sorted(reconciled.tags - mine.tags)
    removed = sorted(mine.tags - reconciled.tags)
    if added:
        parts.append("tag added: " + ", ".join(added))
    if removed:
        parts.append("tag taken away: " + ", ".join(removed))
    return "; ".join(parts) if parts else "kept as you marked it"


def analyst_changes(units: Iterable[ReviewedUnit], analyst_id: str,
                    report: ReportData) -> list[AnalystChange]:
    """Every passage of ``analyst_id`` in ``units``, in article and text order, with the
    decision on its unit and what the reconciled layer made of it."""
    titles = dict(report.articles)
    found: list[AnalystChange] = []
    for reviewed in units:
        unit = reviewed.unit
        text = report.texts.get(unit.article_id, "")
        decision = reviewed.decision
        for mine in unit.versions(analyst_id):
            if decision is None:
                verdict, change = "open", "not decided yet"
            elif decision.decision == "rejected":
                verdict, change = "rejected", "left out of the reconciled layer"
            else:
                if decision.decision == "edited":
                    verdict = "edited by the reviewer"
                elif decision.analyst_id == analyst_id:
                    verdict = "your version accepted"
                else:
                    verdict = f"{report.analyst_name(decision.analyst_id)}'s version accepted"
                change = (difference(mine, reviewed.reconciled)
                          if reviewed.reconciled is not None
                          else "the reconciled passage is gone since")
            if decision is not None and decision.comment:
                verdict += f" — “{decision.comment}”"
            found.append(AnalystChange(titles.get(unit.article_id, unit.article_id),
                                       _describe(mine, text), verdict, change, unit.key))
    return found
