"""Tagging every match of a regular expression.

A pattern is the user's, and some patterns backtrack catastrophically: ``(a|a)+$`` over a
run of a's takes longer than the universe has existed. So matching has a time limit and
Ctrl-C stops it:

- the ``regex`` package (the successor of ``re``, same syntax, on PyPI) takes a
  ``timeout`` and stops its own matching loop when it runs out, inside C, where ``re``
  can be stopped by nothing but killing the process;
- with ``concurrent=True`` it lets go of the GIL while it matches, and the matching runs
  in a worker thread, so the main thread keeps waiting in slices and Python delivers
  Ctrl-C there at once (``re``, or ``regex`` in the main thread, would only notice
  SIGINT after the match).

google-re2 would need no limit (it matches in linear time) but refuses backreferences and
lookaround, which users' patterns have; a worker process would cost a start-up and a copy
of every text. Everything is matched before anything is written, so a stopped run
changes nothing.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import regex

from desktop.core.errors import InvalidArgumentError, PatternTimeoutError
from desktop.core.selectors import select_range
from desktop.store.annotations import AnnotationFilter, NewAnnotation
from desktop.store.library import Library

MATCH_SECONDS = 3.0  # per article: a plain pattern over the longest article takes a tenth
COMPILE_SECONDS = 3.0
# Counted repeats are unrolled when a pattern is compiled, about 1 kB per unrolled item:
# a{100000} took 50 MB, and (?:(?:a{1000}){1000}){1000} filled the memory until the
# process was killed, holding the GIL all the while (no time limit can stop it).
MAX_UNROLLED = 100_000
_COUNT = re.compile(r"\{(\d*),?(\d*)\}")
_WAIT_SLICE = 0.05  # how often the waiting main thread wakes (for Ctrl-C)

_T = TypeVar("_T")


@dataclass(frozen=True)
class AutotagResult:
    created: int
    already: int
    articles: int  # articles that got at least one new passage


def autotag(library: Library, pattern: str, tags: Sequence[str], annotator: str,
            article: str | None = None, ignore_case: bool = False,
            note: str = "", time_limit: float = MATCH_SECONDS) -> AutotagResult:
    """Tags each non-empty match of ``pattern``; one transaction for all of them.

    A match the annotator already tagged with exactly these tags is left alone, so running
    the same command twice adds nothing. Matching one article may take ``time_limit``
    seconds; a pattern that takes longer is refused (``PatternTimeoutError``) and nothing
    is tagged.
    """
    if not pattern:
        raise InvalidArgumentError("--pattern is empty: it would match nothing but empty "
                                   "passages; give the words to find")
    compiled = _compile(pattern, ignore_case)
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
        for start, end in _matches(compiled, pattern, text, target.title, time_limit):
            if (start, end) in existing:
                already += 1
                continue
            items.append(NewAnnotation(target.id, select_range(text, start, end),
                                       list(tags), note))
            touched.add(target.id)
    if items:
        library.annotations.create_many(items, annotator)
    return AutotagResult(len(items), already, len(touched))


def _unrolled(pattern: str) -> float:
    """About how many items ``pattern``'s counted repeats unroll to: each repeat's count
    times what it repeats, read from the standard library's parse of the pattern (which
    unrolls nothing). A pattern only ``regex`` reads (``\\p{L}``) is estimated by the
    product of every count in it, a bound from above."""
    try:
        from re import _parser  # type: ignore[attr-defined]

        return _weight(_parser.parse(pattern).data)
    except RecursionError:
        raise _too_deep(pattern) from None
    except Exception:  # not re's syntax: the crude bound
        counts = [max(int(low or 0), int(high or 0)) for low, high in _COUNT.findall(pattern)]
        return math.prod(max(count, 1) for count in counts)


def _shown(text: str) -> str:
    """A pattern or a title for a message: quoted, escaped, at most 60 characters."""
    return repr(text if len(text) <= 60 else text[:59] + "…")


def _too_deep(pattern: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"--pattern {_shown(pattern)} nests its groups too deeply to "
                                "be read")


def _weight(items: list[tuple[Any, Any]]) -> float:
    from re import _constants  # type: ignore[attr-defined]

    total = 0.0
    for op, value in items:
        if op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT,
                  getattr(_constants, "POSSESSIVE_REPEAT", None)):
            low, high, inner = value
            count = low if high == _constants.MAXREPEAT else high
            total += max(count, 1) * _weight(inner.data)
        elif op == _constants.SUBPATTERN:
            total += _weight(value[-1].data)
        elif op == _constants.BRANCH:
            total += sum(_weight(branch.data) for branch in value[1])
        elif op in (_constants.ASSERT, _constants.ASSERT_NOT):
            total += _weight(value[1].data)
        elif op == getattr(_constants, "ATOMIC_GROUP", None):
            total += _weight(value.data)
        elif op == _constants.GROUPREF_EXISTS:
            total += sum(_weight(part.data) for part in value[1:] if part is not None)
        else:
            total += 1
    return total


# a shorthand class and its complement
_COMPLEMENTS = {"s": "S", "S": "s", "d": "D", "D": "d", "w": "W", "W": "w"}


def _empty_negated_class(pattern: str) -> str | None:
    """The first negated character class of ``pattern`` that holds a shorthand and its
    complement (``[^\\s\\S]``, ``[^\\d\\D\\n]``): it matches no character in ``re``, but the
    ``regex`` package reads it as matching every character (a whole article would become
    one passage), so such a class is refused rather than read either way."""
    index, length = 0, len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char != "[":
            index += 1
            continue
        start = index
        index += 1
        negated = index < length and pattern[index] == "^"
        if negated:
            index += 1
        if index < length and pattern[index] == "]":  # a ] first is a literal
            index += 1
        shorthands: set[str] = set()
        while index < length and pattern[index] != "]":
            if pattern[index] == "\\" and index + 1 < length:
                shorthands.add(pattern[index + 1])
                index += 2
            else:
                index += 1
        index += 1
        if negated and any(_COMPLEMENTS.get(c) in shorthands for c in shorthands):
            return pattern[start:index]
    return None


def _compile(pattern: str, ignore_case: bool) -> regex.Pattern[str]:
    empty = _empty_negated_class(pattern)
    if empty is not None:
        raise InvalidArgumentError(
            f"--pattern {_shown(pattern)}: the class {empty} matches no character (it "
            "excludes a set and its complement); remove it or write what it should match")
    if _unrolled(pattern) > MAX_UNROLLED:
        raise InvalidArgumentError(
            f"--pattern {_shown(pattern)} repeats too much: its counted repeats ({{n}}) "
            f"multiply to more than {MAX_UNROLLED:,} items, which would take gigabytes to compile; "
            "use + or * instead of large counts")

    def build() -> regex.Pattern[str]:
        return regex.compile(pattern, regex.IGNORECASE if ignore_case else 0)

    try:
        compiled = _in_worker(build, COMPILE_SECONDS)
    except regex.error as error:
        raise InvalidArgumentError(f"--pattern {_shown(pattern)} is not a valid regular "
                                   f"expression: {error}") from None
    except OverflowError as error:  # a repeat count past what the engine counts
        raise InvalidArgumentError(f"--pattern {_shown(pattern)}: {error}") from None
    except RecursionError:
        raise _too_deep(pattern) from None
    if compiled is None:
        raise PatternTimeoutError(
            f"--pattern {_shown(pattern)} did not compile within {COMPILE_SECONDS:g} s (its "
            "repeats multiply into too large a program); simplify it")
    return compiled


def _matches(compiled: regex.Pattern[str], pattern: str, text: str, title: str,
             time_limit: float) -> list[tuple[int, int]]:
    """The non-empty matches in ``text``, or ``PatternTimeoutError`` naming the article."""
    def find() -> list[tuple[int, int]]:
        return [match.span() for match in compiled.finditer(text, concurrent=True,
                                                             timeout=time_limit)
                if match.end() > match.start()]

    try:
        # the worker gets a little longer than the engine's own limit, which is the one
        # that should stop it (the engine checks its clock every so many steps)
        found = _in_worker(find, time_limit + 1.0)
    except TimeoutError:
        found = None
    if found is None:
        raise PatternTimeoutError(
            f"--pattern {_shown(pattern)} took longer than {time_limit:g} s on the article "
            f"{_shown(title)}: it backtracks too much (nested repeats such as (a+)+ or (a|a)*); "
            "simplify it. Nothing was tagged.")
    return found


def _in_worker(work: Callable[[], _T], seconds: float) -> _T | None:
    """``work()`` run in a daemon thread; None when it has not finished in ``seconds``
    (the thread is left to finish or die with the process). The calling thread waits in
    short slices, so a KeyboardInterrupt reaches it at once; the exception ``work``
    raises is raised here."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the waiting thread, raised there
            outcome["error"] = error

    worker = threading.Thread(target=run, name="closeread-pattern", daemon=True)
    worker.start()
    deadline = time.monotonic() + seconds
    while worker.is_alive() and time.monotonic() < deadline:
        worker.join(_WAIT_SLICE)
    if worker.is_alive():
        return None
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
