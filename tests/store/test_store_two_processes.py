"""Two real processes writing to one library at once: none refused, none lost, and each
sees the other's changes in the journal."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from support import Cli

from desktop.core.changes import ANNOTATION
from desktop.store.library import Library

# One process: N annotations, each its own transaction (as the app saves each key press),
# reading before writing as the store does. Prints how many were refused.
WRITER = textwrap.dedent("""
    import sys
    from desktop.core.errors import ClosereadError
    from desktop.core.selectors import select_range
    from desktop.store.library import Library

    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    refused = 0
    with Library(path, client=name) as library:
        article = library.articles.get(sys.argv[4])
        for n in range(count):
            start = (n * 7) % (len(article.text) - 12)
            try:
                library.annotations.create(article.id, select_range(article.text, start,
                                           start + 10), ["evidence"], name, note=str(n))
            except ClosereadError as error:
                refused += 1
                print(error.message, file=sys.stderr)
    print(refused)
""")


def _start_writer(db_path: Path, name: str, count: int, article_id: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), name, str(count),
                             article_id], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _article(db_path: Path) -> str:
    with Library(db_path) as library:
        from desktop.io.samples import load_samples

        load_samples(library)
        return library.articles.list()[0].id


def test_two_processes_writing_thousands_of_annotations_refuse_and_lose_none(
        db_path: Path) -> None:
    article_id = _article(db_path)
    count = 1500
    writers = [_start_writer(db_path, name, count, article_id) for name in ("ann", "bob")]
    results = [writer.communicate(timeout=240) for writer in writers]
    for writer, (out, err) in zip(writers, results, strict=True):
        assert writer.returncode == 0, err
        assert out.strip() == "0", f"refused writes: {out.strip()}\n{err[:2000]}"
    with Library(db_path) as library:
        made = library.annotations.list()
        assert len(made) == 2 * count
        for name in ("ann", "bob"):
            notes = sorted(int(a.note) for a in made if a.annotator == name)
            assert notes == list(range(count))  # every one of each process's writes is there
        journal = [c for c in library.journal.after(0) if c.entity == ANNOTATION]
    # the journal has each new annotation once, in commit order, named after its process
    assert len(journal) == 2 * count
    assert [c.seq for c in journal] == sorted(c.seq for c in journal)
    assert {c.id for c in journal} == {a.id for a in made}
    assert {c.origin.split(":")[0] for c in journal if c.origin} == {"ann", "bob"}


def test_the_command_line_annotates_beside_a_busy_writer(db_path: Path, run: Cli) -> None:
    article_id = _article(db_path)
    background = _start_writer(db_path, "script", 4000, article_id)
    try:
        time.sleep(0.5)  # the writer is under way
        for n in range(8):
            result = run("annotate", article_id[:8], "--start", str(n), "--end", str(n + 5),
                         "--tag", "opinion", "--annotator", "cli")
            assert result.exit_code == 0, result.output
    finally:
        background.kill()
        background.communicate()
    with Library(db_path) as library:
        assert sum(a.annotator == "cli" for a in library.annotations.list()) == 8


def test_another_process_changes_are_caught_up_by_sequence(db_path: Path) -> None:
    article_id = _article(db_path)
    with Library(db_path, client="window") as window:
        heard = []
        window.events.subscribe(heard.append)
        assert not window.journal.poll()  # nothing new: no batch
        writer = _start_writer(db_path, "other", 3, article_id)
        out, err = writer.communicate(timeout=60)
        assert out.strip() == "0", err
        batch = window.journal.poll()
        assert len(batch.ids(ANNOTATION, "added")) == 3
        assert heard == [batch]
        assert {c.origin.split(":")[0] for c in batch} == {"other"}
        assert not window.journal.poll()  # read once only
        rows = json.loads(json.dumps([c.seq for c in window.journal.after(batch.last_seq - 1)]))
        assert rows == [batch.last_seq]
