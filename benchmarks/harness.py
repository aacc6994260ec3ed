"""Shared by every benchmark: a scratch folder, timing (medians), and the result line.

A benchmark times the store and a baseline beside it in the same process, alternating
runs (store, baseline, store, baseline, ...) so that a noisy neighbour on the machine
slows both alike, and reports the medians and their ratio.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_WORKDIR: Path | None = None


def workdir() -> Path:
    """A temporary folder for this process's data; removed when the process ends."""
    global _WORKDIR
    if _WORKDIR is None:
        _WORKDIR = Path(tempfile.mkdtemp(prefix="closeread-bench-"))
        atexit.register(shutil.rmtree, _WORKDIR, ignore_errors=True)
    return _WORKDIR


def remove_db(path: Path) -> None:
    """Deletes an SQLite file with its -wal and -shm companions, if they are there."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def copy_db(source: Path, target: Path) -> Path:
    """A byte copy of a closed (checkpointed) SQLite file."""
    remove_db(target)
    shutil.copyfile(source, target)
    return target


def checkpoint(path: Path) -> None:
    """Folds the write-ahead log into the main file so the file alone can be copied."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def raw_connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the settings the Library uses (WAL, NORMAL sync,
    foreign keys on), in autocommit mode so that ``with conn:`` transactions are explicit."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class Timer:
    """``with Timer() as t: ...`` then ``t.seconds``; collects garbage before starting."""

    def __enter__(self) -> Timer:
        gc.collect()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


Run = Callable[[Any], object]


def timed(run: Run, prepared: Any) -> float:
    with Timer() as timer:
        run(prepared)
    return timer.seconds


def compare(
    runs: int,
    store: Run,
    baseline: Run,
    setup_store: Callable[[int], Any] = lambda i: None,
    setup_baseline: Callable[[int], Any] = lambda i: None,
    teardown: Callable[[Any], object] = lambda state: None,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[float], list[float]]:
    """Times ``store`` and ``baseline`` ``runs`` times each, alternating.

    ``setup_*(i)`` prepares run ``i`` outside the timing (a fresh library file, say) and
    its value is passed to the run; ``teardown`` gets it afterwards. Returns the store's
    and the baseline's times in seconds, in run order.
    """
    store_times: list[float] = []
    baseline_times: list[float] = []
    for index in range(runs):
        for label, run, setup, times in (("store", store, setup_store, store_times),
                                         ("baseline", baseline, setup_baseline,
                                          baseline_times)):
            state = setup(index)
            seconds = timed(run, state)
            teardown(state)
            times.append(seconds)
            if progress:
                progress(f"run {index + 1}/{runs} {label}: {seconds:.3f} s")
    return store_times, baseline_times


def median(values: list[float]) -> float:
    return statistics.median(values)


def number(value: float) -> str:
    """A figure with a sensible number of digits: 12,345 / 162 / 12.3 / 1.23."""
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def seconds_text(value: float) -> str:
    if value < 0.1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


@dataclass
class Result:
    """One benchmark's figures, and the line and table row that show them."""

    name: str
    work: str  # what was timed: "2000 articles"
    seconds: float  # median of the store's runs
    baseline_seconds: float  # median of the baseline's runs
    figure: str  # the headline figure: "162 articles/s", "3.1 ms per query"
    goal: str  # "goal >= 50/s"
    met: bool
    runs: int
    store_times: list[float] = field(default_factory=list)
    baseline_times: list[float] = field(default_factory=list)
    baseline_figure: str = ""  # the baseline in the same unit as the figure, if not seconds
    notes: list[str] = field(default_factory=list)
    headline: bool = True  # "WORK in TIME = FIGURE"; False: "WORK: FIGURE" (per-query times)

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_seconds if self.baseline_seconds else float("inf")

    def line(self) -> str:
        baseline = self.baseline_figure or seconds_text(self.baseline_seconds)
        verdict = "met" if self.met else "MISSED"
        return (f"{self.name}: {self.measured()} ({self.goal}: {verdict}) | "
                f"baseline {baseline}, ratio {self.ratio:.1f}x [median of {self.runs}]")

    def measured(self) -> str:
        if self.headline:
            return f"{self.work} in {seconds_text(self.seconds)} = {self.figure}"
        return f"{self.work}: {self.figure}"

    def detail(self) -> str:
        times = self.store_times + self.baseline_times
        scale, unit = (1000, "ms") if times and max(times) < 0.1 else (1, "s")
        store = ", ".join(f"{t * scale:.3g}" for t in self.store_times)
        base = ", ".join(f"{t * scale:.3g}" for t in self.baseline_times)
        return f"    store ({unit}): {store}\n    baseline ({unit}): {base}"


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the result lines."""
    if os.environ.get("BENCH_QUIET") != "1":
        print(f"  .. {message}", file=sys.stderr, flush=True)
