"""Writing an export whole or not at all: one file, or a folder of them."""

from __future__ import annotations

import contextlib
import gzip
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from desktop.core.errors import ClosereadError


@contextlib.contextmanager
def written_whole(target: str | Path, newline: str = "\n",
                  compress: bool = False) -> Iterator[TextIO]:
    """A UTF-8 text stream whose content becomes ``target`` only when the block ends
    without an error: it is written to ``<target>.partial`` and renamed, so a failed or
    cancelled export never leaves half a file under the real name. ``compress`` writes
    gzip. An ``OSError`` becomes one message naming the file."""
    target = Path(target)
    opener = gzip.open if compress else open
    if is_device(target):
        # a partial file renamed over /dev/full or a named pipe would replace the device
        # itself: such a target is written directly (there is no half file to fear)
        try:
            with opener(target, "wt", encoding="utf-8", newline=newline) as stream:
                yield stream
        except OSError as error:
            raise ClosereadError(f"{target}: cannot write ({error.strerror})") from None
        return
    partial = target.with_name(target.name + ".partial")
    try:
        with opener(partial, "wt", encoding="utf-8", newline=newline) as stream:
            yield stream
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ClosereadError(f"{target}: cannot write ({error.strerror})") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def is_device(output: str | Path) -> bool:
    """True when ``output`` is an existing file that is not a regular one (/dev/full, a
    named pipe, a terminal): it is written directly, since a partial file renamed over it
    would replace the device itself."""
    try:
        return not stat.S_ISREG(os.stat(output).st_mode) and not os.path.isdir(output)
    except OSError:
        return False


def write_files_whole(folder: Path, files: dict[str, bytes]) -> None:
    """Writes every file of ``files`` (name -> bytes) into ``folder`` as
    ``<name>.partial``, then renames them all: never half a file, and no file renamed
    while another could still fail to be written."""
    partials: list[Path] = []
    # the folders this call makes, outermost first: a failed export leaves none behind
    made = [p for p in (*reversed(folder.parents), folder) if not p.exists()]
    done = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            partials.append(folder / f"{name}.partial")
            partials[-1].write_bytes(data)
        for partial in partials:
            partial.replace(partial.with_name(partial.name.removesuffix(".partial")))
        done = True
    except OSError as error:
        raise ClosereadError(f"{error.filename or folder}: cannot write "
                             f"({error.strerror})") from None
    finally:
        for partial in partials:
            partial.unlink(missing_ok=True)
        if not done:
            for path in reversed(made):
                with contextlib.suppress(OSError):  # not empty (another's file): kept
                    path.rmdir()
