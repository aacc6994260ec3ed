"""Idle: what an open window costs while nobody touches it, watching for other processes.

Store: the real app as a process of its own, on a library of 10,000 articles, with an
article open, left alone for a minute while it watches the library for other processes'
changes (a look every 250 ms: one ``PRAGMA data_version``). The child measures the CPU
time it used (user + system, ``getrusage``) in three windows of 20 s each; the figure is
the median, as a share of one core.

Baseline: a bare ``QMainWindow`` process, idle for the same windows, at the same time (the
two run side by side, so a noisy neighbour weighs on both).

Goal: at most one percent of one core more than the bare window.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import articles_library
from benchmarks.harness import Result, log, median, workdir

NAME = "idle"
ARTICLES = 10_000
WORDS = 800
WINDOWS = 3
WINDOW_SECONDS = 20.0
GOAL_EXTRA_PERCENT = 1.0

_CHILD = """
import resource, sys, time
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

kind, db, ini, seconds, windows = sys.argv[1:6]
app = QApplication(sys.argv[:1])
if kind == "app":
    from desktop.ui.main_window import build_main_window
    from desktop.ui.settings import Settings

    window = build_main_window(db, Settings(QSettings(ini, QSettings.Format.IniFormat)))
    window.open_article(window.library.articles.list()[0].id)
else:
    window = QMainWindow()
window.resize(1400, 900)
window.show()
for _ in range(50):
    app.processEvents()

def cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime

shares = []
mark = {"wall": time.perf_counter(), "cpu": cpu()}

def tick():
    wall, used = time.perf_counter(), cpu()
    shares.append((used - mark["cpu"]) / (wall - mark["wall"]))
    mark["wall"], mark["cpu"] = wall, used
    if len(shares) == int(windows):
        app.quit()

timer = QTimer()
timer.timeout.connect(tick)
timer.start(int(float(seconds) * 1000))
app.exec()
print(" ".join(f"{share:.6f}" for share in shares), flush=True)
"""


def _start(kind: str, db: Path, ini: Path, seconds: float) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    return subprocess.Popen([sys.executable, "-c", _CHILD, kind, str(db), str(ini),
                             str(seconds), str(WINDOWS)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env)


def _shares(child: subprocess.Popen[str], timeout: float) -> list[float]:
    out, _ = child.communicate(timeout=timeout)
    if child.returncode != 0 or not out.strip():
        raise RuntimeError(f"the {NAME} child failed (exit {child.returncode})")
    return [float(value) for value in out.split()]


def run(scale: float = 1.0) -> Result:
    count = max(100, int(ARTICLES * scale))
    seconds = max(2.0, WINDOW_SECONDS * scale)
    log(f"{NAME}: building a library of {count:,} articles")
    corpus = articles_library(count, WORDS)
    settings = Path(workdir()) / "idle-settings.ini"
    settings.unlink(missing_ok=True)
    log(f"{NAME}: the app and a bare window idle side by side, {WINDOWS} x {seconds:g} s")
    app = _start("app", corpus.path, settings, seconds)
    bare = _start("bare", corpus.path, settings, seconds)
    limit = seconds * WINDOWS + 120
    app_shares, bare_shares = _shares(app, limit), _shares(bare, limit)
    share, base = median(app_shares), median(bare_shares)
    extra = (share - base) * 100
    return Result(
        name=NAME, work=f"open window on {count:,} articles, idle {WINDOWS} x {seconds:g} s",
        seconds=share, baseline_seconds=base,
        figure=f"{share * 100:.3f}% of a core, +{extra:.3f} points over a bare window",
        baseline_figure=f"{base * 100:.3f}% of a core",
        goal=f"goal <= +{GOAL_EXTRA_PERCENT:g}% of a core", met=extra <= GOAL_EXTRA_PERCENT,
        runs=WINDOWS, store_times=app_shares, baseline_times=bare_shares, headline=False,
    )
