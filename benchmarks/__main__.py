"""``python -m benchmarks [import] [insert] [export] [search] [reader] [keypress] [startup]
[reanchor] [jsonld] [idle] [open] [export-cli] [server] [sync-first] [pdf] [pages]``.

Without names every benchmark runs, in that order. Each prints one result line on stdout
(progress goes to stderr); a summary table follows. ``--scale 0.1`` shrinks every data set
tenfold for a quick smoke run (its figures are not the documented ones).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from types import ModuleType

from benchmarks import (
    bench_export,
    bench_export_cli,
    bench_idle,
    bench_import,
    bench_insert,
    bench_jsonld,
    bench_keypress,
    bench_open,
    bench_pages,
    bench_pdf,
    bench_reader,
    bench_reanchor,
    bench_search,
    bench_server,
    bench_startup,
    bench_sync_first,
)
from benchmarks.harness import Result, seconds_text

BENCHMARKS: dict[str, ModuleType] = {
    "import": bench_import,
    "insert": bench_insert,
    "export": bench_export,
    "search": bench_search,
    "reader": bench_reader,
    "keypress": bench_keypress,
    "startup": bench_startup,
    "reanchor": bench_reanchor,
    "jsonld": bench_jsonld,
    "idle": bench_idle,
    "open": bench_open,
    "export-cli": bench_export_cli,
    "server": bench_server,
    "sync-first": bench_sync_first,
    "pdf": bench_pdf,
    "pages": bench_pages,
}


def table(results: list[Result]) -> str:
    rows = ["| benchmark | figure | baseline | ratio | goal | met? |",
            "|---|---|---|---|---|---|"]
    for r in results:
        baseline = r.baseline_figure or seconds_text(r.baseline_seconds)
        figure = f"{seconds_text(r.seconds)} = {r.figure}" if r.headline else r.figure
        rows.append(f"| {r.name}: {r.work} | {figure} | "
                    f"{baseline} | {r.ratio:.1f}x | {r.goal.removeprefix('goal ')} | "
                    f"{'yes' if r.met else '**no**'} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"benchmarks to run: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every data set's size (default 1.0, the documented run)")
    parser.add_argument("--details", action="store_true",
                        help="print every run's time under each result line")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from "
                     f"{', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    if args.scale != 1.0:
        print(f"(scale {args.scale:g}: smaller data sets, not the documented figures)")

    started = time.perf_counter()
    results: list[Result] = []
    for name in names:
        # what the previous benchmark wrote (the export's 1.5 GB) is flushed to disk now,
        # not by the kernel while the next one is timed
        os.sync()
        result = BENCHMARKS[name].run(scale=args.scale)
        results.append(result)
        print(result.line(), flush=True)
        for note in result.notes:
            print(f"    {note}", flush=True)
        if args.details:
            print(result.detail(), flush=True)
    print()
    print(table(results))
    print(f"\n{len(results)} benchmark(s) in {time.perf_counter() - started:.0f} s; "
          f"goals met: {sum(r.met for r in results)}/{len(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
