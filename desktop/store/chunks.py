"""Asking SQLite about many ids at once: ``IN (?, ?, …)`` in parts, since a statement takes
a bounded number of parameters (999 in the SQLite this project runs on)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

PART = 900


def id_parts(ids: Iterable[str], size: int = PART) -> Iterator[tuple[list[str], str]]:
    """``ids`` (each once, in order) in parts of ``size``, each with its ``?,?,…`` marks."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), size):
        part = wanted[start:start + size]
        yield part, ",".join("?" * len(part))
