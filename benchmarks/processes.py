"""Commands timed as whole processes, the way a user meets them, and the import
benchmarks' run loop (``pdf``, ``pages``): an import into a new library, beside a
baseline process, runs alternating, and the import again with its files read in one
process."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import log, median, remove_db, workdir


def environment(**extra: str) -> dict[str, str]:
    """This environment as a user's shell has it: compiled bytecode read (pip compiles
    on install; some machines turn the cache off), no debugging, no display (a command
    never opens a window), with ``extra`` set."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CLOSEREAD_DEBUG", None)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    return env | extra


def timed(name: str, command: list[str], **env: str) -> tuple[float, str, str]:
    """Seconds from launch to exit, and the process's stdout and stderr; a failure is
    raised, naming the benchmark ``name``."""
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=environment(**env),
                          cwd=workdir(), check=False)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"{name}: {command[:4]} failed ({done.returncode}): "
                           f"{done.stderr.strip()[-500:]}")
    return seconds, done.stdout, done.stderr


@dataclass
class ImportTimes:
    store: list[float]  # `closeread import FOLDER`, as a user runs it
    baseline: list[float]
    single: list[float]  # the same import with its files read in one process

    @property
    def medians(self) -> tuple[float, float, float]:
        return median(self.store), median(self.baseline), median(self.single)


def import_runs(name: str, runs: int, db_path: Path, store: list[str], files: int,
                baseline: list[str], baseline_read: Callable[[str], bool]) -> ImportTimes:
    """``store`` (an import of ``files`` files into ``db_path``, made anew each time)
    against ``baseline`` (whose stdout ``baseline_read`` checks), after one untimed
    warm-up of each; ``runs`` rounds of import, baseline, import in one process."""

    def import_once(**env: str) -> float:
        remove_db(db_path)
        seconds, stdout, _ = timed(name, store, **env)
        found = re.search(r"(\d+) imported", stdout)
        if not found or int(found.group(1)) != files:
            raise AssertionError(f"{name}: the import said {stdout[-300:]!r}")
        return seconds

    def baseline_once() -> float:
        seconds, stdout, _ = timed(name, baseline)
        if not baseline_read(stdout):
            raise AssertionError(f"{name}: the baseline read {stdout.strip()}")
        return seconds

    import_once()  # warm-up: bytecode and file caches
    baseline_once()
    times = ImportTimes([], [], [])
    for index in range(runs):
        times.store.append(import_once())
        times.baseline.append(baseline_once())
        # what Closeread adds to the baseline's work, with the files read in one process
        times.single.append(import_once(CLOSEREAD_IMPORT_WORKERS="1"))
        log(f"{name}: run {index + 1}/{runs}: import {times.store[-1]:.2f} s, baseline "
            f"{times.baseline[-1]:.2f} s, import in one process {times.single[-1]:.2f} s")
    remove_db(db_path)
    return times
