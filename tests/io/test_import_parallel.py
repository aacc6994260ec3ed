"""A large import reads its files in worker processes: the library ends the same as when
one process reads them all, in the same order, with the same report; a cancelled import
stops its workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.errors import InvalidEnvironmentError
from desktop.io.importer import import_paths, import_workers
from desktop.store.library import Library

FILES = 80  # past the number of files from which workers are used


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "many"
    folder.mkdir()
    for n in range(FILES):
        (folder / f"{n:03d}-story.txt").write_text(
            f"Harbour story {n}\n\nBy Dana Reyes\n\nThe council met on day {n} and "
            f"delayed the vote.\n\nAdvertisement\n\nThe survey is due in May, day {n}.\n",
            encoding="utf-8")
    (folder / "040-empty.txt").write_text("", encoding="utf-8")
    (folder / "041-latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    return folder


def _rows(path: Path) -> list[tuple[object, ...]]:
    with Library(path) as library:
        return [tuple(row) for row in library.db.execute(
            "SELECT title, text, author, import_report FROM articles ORDER BY rowid")]


def test_workers_import_exactly_what_one_process_imports(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    reports = {}
    for workers in (1, 2):
        with Library(tmp_path / f"lib-{workers}.db") as library:
            seen: list[str] = []
            reports[workers] = import_paths(
                library, [folder], workers=workers,
                progress=lambda done, total, path, seen=seen: seen.append(Path(path).name))
        assert seen == sorted(p.name for p in folder.iterdir())  # in order, every file
    one, two = reports[1], reports[2]
    assert [(str(o.path), o.status, o.message, o.cleaning) for o in one.outcomes] == \
        [(str(o.path), o.status, o.message, o.cleaning) for o in two.outcomes]
    assert len(two.imported) == FILES and len(two.failed) == 2 and len(two.skipped) == 1
    assert {o.path.name for o in two.failed} == {"040-empty.txt", "041-latin1.txt"}
    assert _rows(tmp_path / "lib-1.db") == _rows(tmp_path / "lib-2.db")
    assert "advertisement" in _rows(tmp_path / "lib-2.db")[0][3]  # the cleaning report


def test_a_cancelled_import_stops_its_workers_and_keeps_what_was_written(
        tmp_path: Path) -> None:
    folder = _folder(tmp_path)

    class Stop(Exception):
        pass

    def progress(done: int, total: int, path: object) -> None:
        if done == 10:
            raise Stop

    with Library(tmp_path / "lib.db") as library:
        with pytest.raises(Stop):
            import_paths(library, [folder], workers=2, progress=progress)
        # nothing half-written: files are written in batches, none reached yet
        assert library.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def test_how_many_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSEREAD_IMPORT_WORKERS", "3")
    assert import_workers() == 3
    assert import_workers(1) == 1
    monkeypatch.setenv("CLOSEREAD_IMPORT_WORKERS", " 64 ")
    assert import_workers() == 64
    monkeypatch.setenv("CLOSEREAD_IMPORT_WORKERS", "")
    assert 1 <= import_workers() <= 4
    # anything else is refused naming the variable (tests/io/test_hostile_text_routes.py)
    for value in ("0", "lots", "65"):
        monkeypatch.setenv("CLOSEREAD_IMPORT_WORKERS", value)
        with pytest.raises(InvalidEnvironmentError, match="CLOSEREAD_IMPORT_WORKERS"):
            import_workers()


def test_a_file_that_kills_its_worker_is_reported_and_the_rest_go_to_new_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures.process import BrokenProcessPool

    import desktop.io.importer as importer

    started: list[int] = []

    class Dying:
        """A pool whose worker dies on the sixth file it is given, the first time."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            started.append(1)

        def map(self, work, jobs, chunksize=1):
            for n, job in enumerate(jobs):
                if n == 5 and len(started) == 1:
                    raise BrokenProcessPool("a worker was killed")
                yield work(job)

        def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
            pass

    monkeypatch.setattr(importer, "ProcessPoolExecutor", Dying)
    folder = _folder(tmp_path)
    with Library(tmp_path / "lib.db") as library:
        report = import_paths(library, [folder], workers=2)
    assert len(started) == 2  # a new pool for the files after the one that killed
    killer = sorted(folder.glob("*.txt"))[5].name
    failed = {o.path.name: o.message for o in report.failed}
    assert set(failed) == {"040-empty.txt", "041-latin1.txt", killer}
    assert "stopped the process reading it" in failed[killer]
    assert len(report.imported) == FILES - 1


def test_workers_that_cannot_start_leave_the_files_to_this_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures.process import BrokenProcessPool

    import desktop.io.importer as importer

    class Unstartable:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def map(self, work, jobs, chunksize=1):
            raise BrokenProcessPool("cannot start")
            yield  # a generator, as Executor.map's results are read

        def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
            pass

    monkeypatch.setattr(importer, "ProcessPoolExecutor", Unstartable)
    folder = _folder(tmp_path)
    with Library(tmp_path / "lib.db") as library:
        report = import_paths(library, [folder], workers=2)
    # the first file is taken for the one that stopped the first workers; the rest are
    # read here once the second workers cannot start either
    assert len(report.imported) == FILES - 1 and len(report.failed) == 3
