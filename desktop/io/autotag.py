"""Tagging every match of a regular expression."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.errors import InvalidArgumentError
from desktop.core.selectors import select_range
from desktop.store.annotations import AnnotationFilter, NewAnnotation
from desktop.store.library import Library


@dataclass(frozen=True)
class AutotagResult:
    created: int
    already: int
    articles: int  # articles that got at least one new passage


def autotag(library: Library, pattern: str, tags: Sequence[str], annotator: str,
            article: str | None = None, ignore_case: bool = False,
            note: str = "") -> AutotagResult:
    """Tags each non-empty match of ``pattern``; one transaction for all of them.

    A match the annotator already tagged with exactly these tags is left alone, so running
    the same command twice adds nothing.
    """
    try:
        regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error as error:
        raise InvalidArgumentError(f"--pattern {pattern!r} is not a valid regular expression: "
                                   f"{error}") from None
    wanted = sorted({library.tags.get(t).path.lower() for t in tags})
    targets = [library.articles.get(article)] if article else library.articles.list()
    items: list[NewAnnotation] = []
    already = 0
    touched = set()
    for target in targets:
        text = library.articles.text(target.id)
        existing = {
            (a.start, a.end)
            for a in library.annotations.iterate(AnnotationFilter(article_id=target.id,
                                                                  annotator=annotator))
            if sorted(p.lower() for p in a.tag_paths) == wanted
        }
        for match in regex.finditer(text):
            if match.end() == match.start():
                continue
            if (match.start(), match.end()) in existing:
                already += 1
                continue
            items.append(NewAnnotation(target.id, select_range(text, match.start(), match.end()),
                                       list(tags), note))
            touched.add(target.id)
    if items:
        library.annotations.create_many(items, annotator)
    return AutotagResult(len(items), already, len(touched))
