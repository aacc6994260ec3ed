"""PDF import as a user meets it: ``closeread import FOLDER`` of 100 PDFs of 10 pages each,
as a whole process, against pypdf alone extracting the same files' text.

Data: 100 news reports of ten A4 pages each, typeset with fpdf2's text flow (its
``multi_cell``, as a report generator writes them): paragraphs of invented news text in
11-point Helvetica, a running header and a "Page n of N" footer on every page, a title
and an author in the document's properties. Each file's text differs (a numbered
headline, sentences drawn in a different order), so every file is a new article. Built
once per process.

Store: a new process, ``python -m desktop --db LIBRARY import FOLDER``, into a new library
each run: the interpreter starting, the command line's imports, pypdf reading every page
with where each line stands, lines rebuilt into paragraphs, headers, footers and page
numbers left out, cleaning, metadata, and the articles written to SQLite. Timed by the
parent from launch to exit; every file must be imported.

Baseline: a new process, ``python benchmarks/pdf_baseline.py FOLDER``: pypdf's
``PdfReader`` and ``extract_text()`` on every page of the same files, nothing else (the
stack's limit). Both start from compiled bytecode, after one untimed warm-up run each that
also warms the file cache. Runs alternate (store, baseline, ...); the figures are medians.
Goal: the import takes at most 1.5 times the baseline's time.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from benchmarks.harness import Result, log, number, seconds_text, workdir
from benchmarks.processes import import_runs

NAME = "pdf"
FILES = 100
PAGES = 10
RUNS = 5
GOAL_RATIO = 1.5
BASELINE_SCRIPT = Path(__file__).resolve().with_name("pdf_baseline.py")

# invented sentences of a local news report, drawn in a different order for each file
_SENTENCES = [
    "The district council met on Thursday evening to discuss the state of the harbour wall.",
    "Engineers told the meeting that the northern section had moved by four centimetres.",
    "Residents of the old quarter said the repairs had been promised for more than a decade.",
    "The mayor said the town could not pay for the work without help from the region.",
    "A fishing cooperative has offered to lend its crane while the wall is rebuilt.",
    "The ferry company warned that a closed quay would cut the timetable by half.",
    "Shop owners on the waterfront fear a second summer with fewer visitors.",
    "The regional transport office said it would study the engineers' report this month.",
    "Storms in January washed away part of the path that runs along the breakwater.",
    "Volunteers have since cleared the stones and marked the dangerous sections.",
    "The council's finance committee will present three options at its next meeting.",
    "One of them would raise the harbour dues paid by yachts during the summer season.",
    "Opposition councillors called the proposal a tax on the town's only growing trade.",
    "The harbour master said that the channel would need dredging within two years.",
    "Records kept since the war show that the wall was last strengthened in 1971.",
    "Schoolchildren from the island have been taking the bus since the pier was closed.",
]


def make_pdfs(folder: Path, files: int, pages: int) -> int:
    """``files`` reports of ``pages`` pages each in ``folder``; returns the pages made."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "", 8)
            self.cell(0, 10, "Coastal Herald \u00b7 Local news", align="L")
            self.ln(16)

        def footer(self) -> None:
            self.set_y(-30)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    folder.mkdir(parents=True, exist_ok=True)
    made = 0
    for number_ in range(files):
        rng = random.Random(number_)
        pdf = Report(unit="pt", format="A4")
        pdf.set_title(f"Harbour wall report {number_ + 1}")
        pdf.set_author("Coastal Herald staff")
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        while pdf.page_no() < pages or pdf.get_y() < pdf.h - 120:
            sentences = rng.sample(_SENTENCES, rng.randint(4, 7))
            pdf.multi_cell(0, 15, " ".join(sentences), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(8)
            if pdf.page_no() > pages:
                break
        made += pdf.page_no()
        pdf.output(str(folder / f"report-{number_ + 1:03d}.pdf"))
    return made


def run(scale: float = 1.0) -> Result:
    files = max(5, round(FILES * scale))
    folder = workdir() / "pdf-reports"
    log(f"{NAME}: typesetting {files} PDFs of {PAGES} pages (once)")
    pages = make_pdfs(folder, files, PAGES)
    size = sum(p.stat().st_size for p in folder.glob("*.pdf"))
    db_path = workdir() / "pdf-import.db"
    store = [sys.executable, "-m", "desktop", "--db", str(db_path), "import", str(folder)]
    baseline = [sys.executable, str(BASELINE_SCRIPT), str(folder)]

    times = import_runs(NAME, RUNS, db_path, store, files, baseline,
                        lambda out: out.split()[:2] == [str(files), str(pages)])
    seconds, base, single = times.medians
    ratio = seconds / base
    return Result(
        name=NAME,
        work=f"closeread import of {files} PDFs, {pages:,} pages ({size / 1e6:.1f} MB)",
        seconds=seconds, baseline_seconds=base,
        figure=f"{number(pages / seconds)} pages/s",
        goal=f"goal ratio <= {GOAL_RATIO:g}x", met=ratio <= GOAL_RATIO, runs=RUNS,
        store_times=times.store, baseline_times=times.baseline,
        baseline_figure=f"{seconds_text(base)} = {number(pages / base)} pages/s",
        notes=[f"the same import with the PDFs read in this one process "
               f"(CLOSEREAD_IMPORT_WORKERS=1): {seconds_text(single)} = "
               f"{number(pages / single)} pages/s, {single / base:.1f}x the baseline"],
    )
