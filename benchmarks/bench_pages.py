"""Web page import as a user meets it: ``closeread import FOLDER`` of 1,000 saved news
pages, as a whole process, against trafilatura alone extracting the same pages.

Data: the article pages of tests/fixtures/pages (saved pages written for the project in
the markup of several kinds of outlets, six languages, each with its galleries, related
lists, video players, share bars, streams or wire copy), repeated to 1,000 files, each
made a different article: its headline numbered, and a sentence naming its number at the
start of its last paragraph, and its url numbered. Built once per process.

Store: a new process, ``python -m desktop --db LIBRARY import FOLDER``, into a new library
each run: the interpreter starting, the command line's imports, the page reader (one
parse, metadata, its rules), trafilatura, cleaning, rendering, and the articles written to
SQLite. Timed by the parent from launch to exit; every page must be imported.

Baseline: a new process, ``python benchmarks/pages_baseline.py FOLDER``:
``trafilatura.bare_extraction`` on every page, nothing else. Both start from compiled
bytecode, after one untimed warm-up run each. Runs alternate (store, baseline, ...); the
figures are medians. Goal: the import takes at most 1.3 times the baseline's time.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from benchmarks.harness import Result, log, number, seconds_text, workdir
from benchmarks.processes import import_runs
from desktop.io.importer import import_workers

NAME = "pages"
FILES = 1000
RUNS = 5
GOAL_RATIO = 1.3
BASELINE_SCRIPT = Path(__file__).resolve().with_name("pages_baseline.py")
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"


def make_pages(folder: Path, files: int) -> int:
    """``files`` saved pages in ``folder``, each a different article; returns their bytes."""
    templates = []
    for page in sorted(FIXTURES.glob("*.html")):
        expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        if expected.get("kind") != "article":
            continue
        html = page.read_text(encoding="utf-8")
        # the last paragraph's first words, as the page writes them (line breaks and all)
        opening = r"\s+".join(re.escape(w) for w in expected["text"][-1].split()[:3])
        if not re.search(opening, html):
            raise AssertionError(f"{NAME}: {page.name} has no {opening!r}")
        templates.append((page.stem, html, opening))
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for index in range(files):
        stem, html, opening = templates[index % len(templates)]
        html = re.sub(opening, lambda m, n=index: f"In report {n + 1}, {m.group(0)}", html,
                      count=1)
        html = html.replace("</h1>", f" ({index + 1})</h1>", 1)
        # its own url, or the import would take it for a new version of the first copy
        html = re.sub(r'(rel="canonical" href|property="og:url" content)="([^"]+)"',
                      lambda m, n=index: f'{m.group(1)}="{m.group(2)}-{n + 1}"', html)
        path = folder / f"{index + 1:04d}-{stem}.html"
        path.write_text(html, encoding="utf-8")
        size += path.stat().st_size
    return size


def run(scale: float = 1.0) -> Result:
    files = max(20, round(FILES * scale))
    folder = workdir() / "saved-pages"
    log(f"{NAME}: writing {files} saved pages (once)")
    size = make_pages(folder, files)
    db_path = workdir() / "pages-import.db"
    store = [sys.executable, "-m", "desktop", "--db", str(db_path), "import", str(folder)]
    baseline = [sys.executable, str(BASELINE_SCRIPT), str(folder)]

    times = import_runs(NAME, RUNS, db_path, store, files, baseline,
                        lambda out: out.split()[:1] == [str(files)])
    seconds, base, single = times.medians
    ratio = seconds / base
    return Result(
        name=NAME,
        work=f"closeread import of {files:,} saved web pages ({size / 1e6:.1f} MB)",
        seconds=seconds, baseline_seconds=base,
        figure=f"{number(files / seconds)} pages/s",
        goal=f"goal ratio <= {GOAL_RATIO:g}x", met=ratio <= GOAL_RATIO, runs=RUNS,
        store_times=times.store, baseline_times=times.baseline,
        baseline_figure=f"{seconds_text(base)} = {number(files / base)} pages/s",
        notes=[f"the same import with the pages read in this one process "
               f"(CLOSEREAD_IMPORT_WORKERS=1): {seconds_text(single)} = "
               f"{number(files / single)} pages/s, {single / base:.1f}x the baseline; "
               f"by default {import_workers()} worker processes read the pages"],
    )
