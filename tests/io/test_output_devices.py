"""Exports to a device or a named pipe write into it: a partial file renamed over the
target would replace the device itself (run as root, /dev/full became a regular file)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from support import Cli

from desktop.io.output import is_device, written_whole

FORMATS = ["csv", "jsonld", "bundle"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_to_a_full_device_is_one_message_and_the_device_stays(run: Cli,
                                                                      fmt: str) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    run("samples")
    result = run("export", "--format", fmt, "-o", "/dev/full", ok=False)
    assert result.exit_code == 1
    assert "/dev/full" in result.stderr and "No space left" in result.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert not Path("/dev/full.partial").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_into_a_named_pipe_reaches_its_reader(run: Cli, tmp_path: Path,
                                                        fmt: str) -> None:
    run("samples")
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    run("export", "--format", fmt, "-o", str(pipe))
    reader.join(timeout=30)
    assert received and len(received[0]) > 100
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # still a pipe, not a file renamed over it
    assert not list(tmp_path.glob("*.partial"))


def test_written_whole_keeps_regular_files_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("before", encoding="utf-8")
    assert not is_device(target) and not is_device(tmp_path)
    with pytest.raises(RuntimeError), written_whole(target) as stream:
        stream.write("half")
        raise RuntimeError("cancelled")
    assert target.read_text(encoding="utf-8") == "before"


def test_a_folder_export_that_fails_leaves_no_folder_behind(tmp_path, monkeypatch):
    # a full disk in the middle of a PTC or brat export: neither files nor the folders
    # the export made are left (an existing folder, and what was in it, is kept)
    import errno

    from desktop.core.errors import ClosereadError
    from desktop.io.output import write_files_whole

    kept = tmp_path / "exports"
    kept.mkdir()
    (kept / "mine.txt").write_text("keep me")
    real = Path.write_bytes
    calls = []

    def full(self, data):
        calls.append(self.name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    target = kept / "ptc" / "articles"
    with pytest.raises(ClosereadError, match="No space left on device"):
        write_files_whole(target, {"article1.txt": b"one", "article2.txt": b"two"})
    assert sorted(p.name for p in kept.iterdir()) == ["mine.txt"]
    monkeypatch.setattr(Path, "write_bytes", real)
    write_files_whole(target, {"article1.txt": b"one"})
    assert (target / "article1.txt").read_bytes() == b"one"
