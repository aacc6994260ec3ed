"""Start-up: from starting the program to the main window shown, on 10,000 articles.

Store: a new Python process imports the app, builds the main window on a library of
10,000 articles (``build_main_window``: the library opened, the article list with its
counts read, the tag bar and menus built) and shows it; the parent times from launching
the process to the child's line saying the window was shown, after one pass of the event
loop. The child reports its resident memory (VmHWM, the peak) at that moment.

Baseline: the same for a bare ``QApplication`` with an empty ``QMainWindow``.

Both children start as a user's program does every day: from compiled bytecode (pip
compiles a package on install, and Python caches what it compiles at a first import), so
the child runs with that cache on (``PYTHONDONTWRITEBYTECODE`` removed from its
environment) after one warm-up start, which also warms the file cache. The first start
after an install, compiling Closeread's modules, is slower.

Runs alternate; the figures are medians. Goals: at most 400 ms more than the baseline,
and at most 250 MB resident.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.corpus import articles_library
from benchmarks.harness import Result, log, median, workdir

NAME = "startup"
ARTICLES = 10_000
WORDS = 800
RUNS = 5
GOAL_EXTRA_MS = 400.0
GOAL_MB = 250.0

_APP = """
import sys
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QSettings
app = QApplication(sys.argv[:1])
from desktop.ui.main_window import build_main_window
from desktop.ui.settings import Settings
window = build_main_window(sys.argv[1], Settings(QSettings(sys.argv[2],
                                                           QSettings.Format.IniFormat)))
window.resize(1400, 900)
window.show()
app.processEvents()
rows = window.library_pane.model.rowCount()
print("shown", rows, _peak_mb(), flush=True)
"""

_BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1400, 900)
window.show()
app.processEvents()
print("shown", 0, _peak_mb(), flush=True)
"""

_PEAK = """
def _peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def _launch(script: str, *args: str) -> tuple[float, int, float]:
    """Seconds from launch to "shown", the rows listed, and the peak resident MB."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    # a user's every-day start reads compiled bytecode (pip compiles on install, Python
    # caches it at the first import); some machines turn that cache off for everything
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    began = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _PEAK + script, *args],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                             env=env)
    assert child.stdout is not None
    line = child.stdout.readline()
    elapsed = time.perf_counter() - began
    child.kill()
    child.wait()
    word, rows, peak = line.split()
    if word != "shown":
        raise RuntimeError(f"the {NAME} child did not start: {line!r}")
    return elapsed, int(rows), float(peak)


def run(scale: float = 1.0) -> Result:
    count = max(100, int(ARTICLES * scale))
    log(f"{NAME}: building a library of {count:,} articles")
    corpus = articles_library(count, WORDS)
    settings = Path(workdir()) / "startup-settings.ini"
    store_times, baseline_times, store_mb, baseline_mb = [], [], [], []
    rows = 0
    _launch(_APP, str(corpus.path), str(settings))  # warm the file and bytecode caches
    for index in range(RUNS):
        settings.unlink(missing_ok=True)
        seconds, rows, peak = _launch(_APP, str(corpus.path), str(settings))
        store_times.append(seconds)
        store_mb.append(peak)
        seconds, _, peak = _launch(_BARE)
        baseline_times.append(seconds)
        baseline_mb.append(peak)
        log(f"{NAME}: run {index + 1}/{RUNS}: app {store_times[-1]:.3f} s "
            f"({store_mb[-1]:.0f} MB), bare {baseline_times[-1]:.3f} s")
    seconds, base = median(store_times), median(baseline_times)
    extra_ms = (seconds - base) * 1000
    memory = median(store_mb)
    return Result(
        name=NAME, work=f"window shown on {rows:,} articles",
        seconds=seconds, baseline_seconds=base,
        figure=f"{seconds * 1000:.0f} ms, +{extra_ms:.0f} ms over a bare window; "
        f"{memory:.0f} MB resident (bare {median(baseline_mb):.0f} MB)",
        goal=f"goal <= +{GOAL_EXTRA_MS:g} ms and <= {GOAL_MB:g} MB",
        met=extra_ms <= GOAL_EXTRA_MS and memory <= GOAL_MB, runs=RUNS,
        store_times=store_times, baseline_times=baseline_times, headline=False,
    )
