"""Reading an input file's bytes into text, refusing what is not a text article.

Accepted: UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark, and for
HTML pages a charset the page itself declares. Nothing is guessed: a file that is none of
these is refused with the byte offset of the first bad byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import (
    BinaryFileError,
    EmptyFileError,
    FileTooLargeError,
    ImportFileError,
    UndecodableFileError,
)

MAX_FILE_BYTES = 16_000_000  # far beyond any article; refuses dumps and disk images

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class DecodedFile:
    text: str  # line endings normalised to "\n", byte-order mark removed
    encoding: str
    note: str = ""  # what a user should know about the decoding, if anything


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; refuses missing, empty and oversized files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(path, "no such file") from None
    except OSError as error:
        raise ImportFileError(path, f"cannot read the file ({error.strerror})") from None
    if size == 0:
        raise EmptyFileError(path, "the file is empty")
    if size > limit:
        raise FileTooLargeError(
            path,
            f"the file is {size / 1e6:,.1f} MB ({size:,} bytes); articles over "
            f"{limit / 1e6:g} MB are refused (is it really one article?)",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImportFileError(path, f"cannot read the file ({error.strerror})") from None


def decode(path: Path, data: bytes, html: bool = False) -> DecodedFile:
    """``data`` as text; raises a clear error naming ``path`` when it is not text."""
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _strict(path, data[3:], "utf-8", offset=3), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _strict(path, data, "utf-16"), "utf-16"
    else:
        for magic, kind in _MAGIC:
            if data.startswith(magic):
                raise BinaryFileError(path, f"this is {kind}, not a text article")
        if b"\x00" in data[:8192]:
            raise BinaryFileError(
                path, "binary file (it contains NUL bytes); save the article as text or HTML"
            )
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as error:
            declared = _declared_charset(data) if html else None
            if not declared:
                raise _undecodable(path, data, error, "utf-8") from None
            text = _strict(path, data, declared)
            encoding = declared
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise EmptyFileError(path, "the file has no text (only whitespace)")
    note = f"decoded as {encoding}, as the page declares" if encoding not in (
        "utf-8", "utf-8-sig", "utf-16") else ""
    return DecodedFile(text, encoding, note)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strict(path: Path, data: bytes, encoding: str, offset: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _undecodable(path, data, error, encoding, offset) from None


def _undecodable(path: Path, data: bytes, error: UnicodeDecodeError, encoding: str,
                 offset: int = 0) -> UndecodableFileError:
    position = error.start + offset
    line = data[: error.start].count(b"\n") + 1
    what = f"byte 0x{data[error.start : error.start + 1].hex()}"
    return UndecodableFileError(
        path,
        f"not valid {encoding.upper()}: {what} at offset {position} (line {line}); "
        "save the file as UTF-8 (or UTF-16 with a byte-order mark) and import it again",
    )


def read_verbatim(path: Path, error: type[ImportFileError], what: str) -> str:
    """A file exactly as its bytes decode with "utf-8": no byte-order mark removed, no line
    end changed, for formats whose offsets count every character of the file (PTC, brat).
    ``what`` names what the file should be in messages ("a PTC article")."""
    data = read_bytes(path)
    if b"\x00" in data:
        raise error(path, f"binary file (it contains NUL bytes), not {what}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise error(path, f"not valid UTF-8: byte 0x{data[problem.start:problem.start + 1].hex()}"
                          f" at offset {problem.start} (line {line})") from None
    if not text.strip("\ufeff \t\r\n"):
        raise error(path, "the file has no text (only whitespace)")
    return text


def read_line_file(path: Path, error: type[ImportFileError], what: str) -> str:
    """A small file of lines (PTC labels, brat annotations) as UTF-8 text, a byte-order
    mark dropped; an empty file is fine (an article without spans). A decoding error names
    the line."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise error(path, f"cannot read the file ({problem.strerror})") from None
    if b"\x00" in data:
        raise error(path, f"binary file (it contains NUL bytes), not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        bad_line = data[: problem.start].count(b"\n") + 1
        raise error(f"{path}: line {bad_line}", "not valid UTF-8") from None
