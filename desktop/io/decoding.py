"""Reading an input file's bytes into text, refusing what is not a text article.

Accepted: UTF-8 with or without a byte-order mark, UTF-16 and UTF-32 with a byte-order
mark, and for HTML pages a charset the page itself declares, when it is one web pages are
written in (a Python codec such as ``hex``, ``rot13`` or ``unicode_escape`` is a
transformation, not a charset, and is refused, never run) and one in which the declaration
reads as it did in ASCII (an EBCDIC code page such as cp037 cannot be the one a page
declared in ASCII letters: it is passed over, as a charset Python does not know). Nothing
is guessed: a file that is none of these is refused with the byte offset of the first bad
byte. A UTF-7 byte-order mark (``+/v8`` and kin, all ASCII) is refused by name: its text
would otherwise pass for ASCII with ``+AOk-`` where ``é`` was.

Control characters: a NUL anywhere means binary data or another encoding, and the file is
refused. The other C0 controls but tab, line feed, carriage return and form feed, DEL and
the C1 controls (U+0080 to U+009F) never belong to an article's words and can drive a
terminal (an ESC starts a terminal command): they are removed, and the import report
says how many were (``desktop.core.document.CONTROL_CHARACTERS``; those that entities of
Markdown and HTML spell, ``&#x1b;``, are removed from the rendered text and counted with
these: ``desktop.io.importer``). Formats whose offsets count every character (PTC, brat) keep them
(``read_verbatim``); the terminal shows them as symbols (``io/terminal.py``).
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.document import CONTROL_CHARACTERS
from desktop.core.errors import (
    BinaryFileError,
    ControlCharacterError,
    EmptyFileError,
    FileTooLargeError,
    ImportFileError,
    InvalidTextError,
    NotATextEncodingError,
    NumberTooLargeError,
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

# Byte-order marks, longest first: a UTF-32 LE mark begins with the UTF-16 LE one, so
# testing UTF-16 first would read UTF-32 as UTF-16 with a NUL after every character.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
# UTF-7's byte-order mark: "+/v" and one of "8", "9", "+", "/" (RFC 2152)
_UTF7_BOM = re.compile(rb"\+/v[89+/]")

# Python text codecs that are not charsets a page can be written in: escape decoders and
# domain-name codecs interpret the bytes rather than read them; UTF-7 is refused by
# browsers (it smuggles markup past filters); a declared UTF-16 or UTF-32 without a
# byte-order mark cannot be right, since the declaration itself was readable as ASCII.
_NOT_CHARSETS = frozenset({
    "charmap", "idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined",
    "utf-7", "utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "utf-32-le",
})
# as browsers do (WHATWG Encoding Standard): a page labelled Latin-1 or ASCII is
# windows-1252, whose printable characters fill 0x80-0x9F where Latin-1 has controls
_READ_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii"})


@dataclass(frozen=True)
class DecodedFile:
    text: str  # line endings normalised to "\n", byte-order mark removed
    encoding: str
    declared: str = ""  # the charset the text was read in, when a page or server said so
    controls: int = 0  # control characters removed

    @property
    def note(self) -> str:
        """What a user should know about the decoding, if anything."""
        return "; ".join(n for n in (self.declared, controls_note(self.controls)) if n)


def controls_note(count: int) -> str:
    """The import report's words for ``count`` control characters removed."""
    if not count:
        return ""
    return f"{count} control character{'s' if count != 1 else ''} removed"


def refuse_special(path: Path, error: type[ImportFileError]) -> None:
    """Refuses a path that exists but is not a file or a folder: a named pipe would wait
    for a writer for ever, and a device (/dev/zero, /dev/urandom) never ends."""
    if path.exists() and not path.is_file() and not path.is_dir():
        raise error(path, "not a regular file (a device or a named pipe); give a saved file")


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes; refuses missing, empty and oversized files."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(path, "no such file") from None
    except OSError as error:
        raise ImportFileError(path, f"cannot read the file ({error.strerror})") from None
    refuse_special(path, ImportFileError)
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


def decode(path: Path, data: bytes, html: bool = False,
           strip_controls: bool = True, charset: str | None = None) -> DecodedFile:
    """``data`` as text; raises a clear error naming ``path`` when it is not text.

    ``strip_controls`` removes the control characters an article never holds (see the
    module's docstring) and notes how many; a caller whose own parser judges them (JSON)
    passes False. A NUL is refused either way.

    ``charset`` is the one a server declared for fetched bytes (the charset of its
    Content-Type header): as in browsers, it comes after a byte-order mark and before
    what the page itself declares. A charset Python does not know is passed over.
    """
    bom = next(((mark, codec, label) for mark, codec, label in _BOMS
                if data.startswith(mark)), None)
    served = _served_charset(path, charset) if charset and bom is None else None
    if bom is not None:
        mark, codec, label = bom
        text = _strict(path, data[len(mark):], codec, offset=len(mark))
        encoding = "utf-8-sig" if codec == "utf-8" else label.lower()
    elif served in _WIDE_CODECS:
        # UTF-16 or UTF-32 said by the server (no byte-order mark): NUL bytes are its own
        text, encoding = _strict(path, data, served), served
    else:
        _refuse_utf7(path, data, UndecodableFileError,
                     "save it as UTF-8 and import it again")
        for magic, kind in _MAGIC:
            if data.startswith(magic):
                raise BinaryFileError(path, f"this is {kind}, not a text article")
        if b"\x00" in data[:8192]:
            raise BinaryFileError(
                path, "binary file (it contains NUL bytes); save the article as text or HTML"
            )
        if served is not None and served != "utf-8":
            text, encoding = _decode_declared(path, data, served)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as error:
                declared = _declared_charset(path, data) if html and not served else None
                if not declared:
                    raise _undecodable(path, data, error, "utf-8") from None
                text, encoding = _decode_declared(path, data, declared)
    _refuse_nul(path, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    declared = ""
    if encoding not in ("utf-8", "utf-8-sig", "utf-16", "utf-32"):
        who = "the server" if served is not None else "the page"
        declared = f"decoded as {encoding}, as {who} declares"
    removed = 0
    if strip_controls:
        text, removed = CONTROL_CHARACTERS.subn("", text)
    if not text.strip():
        raise EmptyFileError(path, "the file has no text (only whitespace)")
    return DecodedFile(text, encoding, declared, removed)


def _refuse_nul(path: Path, text: str) -> None:
    """A NUL in decoded text: binary data, or text in an encoding it was not read in."""
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise ControlCharacterError(
            path, f"a NUL character at character {at} (line {line}): this is binary data "
                  "or text in another encoding (UTF-16 without a byte-order mark?); save "
                  "the article as UTF-8 text")


def _refuse_utf7(path: Path, data: bytes, error: type[ImportFileError], advice: str) -> None:
    if _UTF7_BOM.match(data):
        raise error(path, "the file is UTF-7 (it starts with a UTF-7 byte-order mark), which "
                          f"is not supported; {advice}")


def _declared_charset(path: Path, data: bytes) -> str | None:
    """The Python codec of the charset the page declares; None when it declares none, or
    one Python does not know, or one in which the declaration itself does not read as it
    does in ASCII (the page is then refused as not UTF-8). Refuses a declared codec that
    is not a charset (see ``_NOT_CHARSETS``)."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    label = match.group(1).decode("ascii", "replace")
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise NotATextEncodingError(
            path, f"the page declares charset {label!r}, which is not a text encoding web "
                  "pages are written in; save the page as UTF-8 and import it again")
    if not _reads_as_ascii(match.group(0), info.name):
        return None
    return info.name


def _reads_as_ascii(declaration: bytes, codec: str) -> bool:
    """Whether ``declaration`` (ASCII bytes, as the pattern matched them) reads the same
    in ``codec``: only then can a page in ``codec`` have declared it (EBCDIC code pages,
    cp037, cp500, cp1140, cp273, cp875 …, read ``<meta`` as other letters)."""
    try:
        return declaration.decode(codec) == declaration.decode("ascii")
    except (UnicodeDecodeError, ValueError):
        return False


_WIDE_CODECS = frozenset({"utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be",
                          "utf-32-le"})


def _served_charset(path: Path, label: str) -> str | None:
    """The Python codec of the charset a server declared; None when Python does not know
    it (the bytes are then read as a file's would be). Refuses a codec that is not a
    charset; unlike a page's own declaration, the server's may say UTF-16 or UTF-32."""
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except LookupError:
        return None
    if info.name in _WIDE_CODECS:
        return info.name
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise NotATextEncodingError(
            path, f"the server declares charset {label!r}, which is not a text encoding "
                  "web pages are written in")
    return info.name


def _decode_declared(path: Path, data: bytes, codec: str) -> tuple[str, str]:
    """``data`` in the declared charset: (text, the encoding's name for the report)."""
    if codec in _READ_AS_WINDOWS_1252:
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            # the five bytes windows-1252 leaves undefined: Latin-1 reads them (as
            # C1 controls, removed afterwards)
            return data.decode("latin-1"), "iso8859-1"
    return _strict(path, data, codec), codec


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


def _other_unicode(path: Path, data: bytes, error: type[ImportFileError], what: str) -> None:
    """Refuses UTF-16 and UTF-32 (by their byte-order marks) where UTF-8 is required,
    saying so instead of reporting their NUL bytes."""
    for mark, _codec, label in _BOMS:
        if label != "UTF-8" and data.startswith(mark):
            raise error(path, f"the file is {label} (it starts with a {label} byte-order "
                              f"mark); {what} must be UTF-8")
    _refuse_utf7(path, data, error, f"{what} must be UTF-8")


def read_verbatim(path: Path, error: type[ImportFileError], what: str) -> str:
    """A file exactly as its bytes decode with "utf-8": no byte-order mark removed, no line
    end changed, for formats whose offsets count every character of the file (PTC, brat).
    ``what`` names what the file should be in messages ("a PTC article"). Control
    characters other than NUL stay: the offsets count them."""
    data = read_bytes(path)
    _other_unicode(path, data, error, what)
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
    refuse_special(path, error)
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise error(path, f"cannot read the file ({problem.strerror})") from None
    _other_unicode(path, data, error, what)
    if b"\x00" in data:
        raise error(path, f"binary file (it contains NUL bytes), not {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        bad_line = data[: problem.start].count(b"\n") + 1
        raise error(f"{path}: line {bad_line}", "not valid UTF-8") from None


# --- JSON ----------------------------------------------------------------------------------

# Offsets, counts and versions fit in 18 digits (SQLite's integers stop at 2**63 - 1, 19
# digits); Python refuses to read more than 4,300 digits at all.
MAX_JSON_DIGITS = 18
# a \uD800-\uDFFF escape: a surrogate, which is text only as half of a valid pair
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class _NumberTooLong(ValueError):
    def __init__(self, digits: str) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
        raise _NumberTooLong(digits)
    return int(digits)


def _no_constant(name: str) -> Any:
    raise ValueError(name)


def load_json(path: Path, text: str, error: type[ImportFileError]) -> Any:
    """``text`` parsed as JSON, or ``error`` naming ``path`` and the problem: invalid JSON,
    nesting too deep for the parser, NaN or Infinity (not JSON), a number too long to be
    an offset or a count (``NumberTooLargeError``), and text that cannot be stored: a lone
    surrogate escape such as ``"\\ud800"`` (``InvalidTextError``)."""
    try:
        data = json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except json.JSONDecodeError as problem:
        # json's own message may end in "at" ("Unterminated string starting at")
        raise error(path, f"not valid JSON: {problem.msg.removesuffix(' at')} at line "
                          f"{problem.lineno} column {problem.colno}") from None
    except RecursionError:
        raise error(path, "not valid JSON: nested too deeply") from None
    except _NumberTooLong as problem:
        at = text.find(problem.digits)
        line = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        shown = problem.digits if len(problem.digits) <= 24 else problem.digits[:20] + "…"
        raise NumberTooLargeError(
            path, f"the number {shown} at line {line} column {column} has "
                  f"{len(problem.digits.lstrip('-')):,} digits; no offset or count needs "
                  f"more than {MAX_JSON_DIGITS}") from None
    except ValueError as problem:  # NaN, Infinity, -Infinity: JavaScript, not JSON
        raise error(path, f"not valid JSON: {problem} is not a JSON value") from None
    if _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(path, data)
    return data


def _refuse_lone_surrogates(path: Path, data: Any) -> None:
    """Raises ``InvalidTextError`` at the first string (or key) holding a surrogate that
    is not half of a pair: UTF-8, and so the library, cannot hold it."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in reversed(value.items()):
                _check_text(path, f"{where}.{key}" if where else key, key, "a key")
                stack.append((f"{where}.{key}" if where else key, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item)
                         for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, str):
            _check_text(path, where, value, "the text")


def _check_text(path: Path, where: str, value: str, what: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as problem:
        bad = value[problem.start]
        raise InvalidTextError(
            path, f"{what} at {ascii_path(where) or 'the top'} holds a lone surrogate "
                  f"(U+{ord(bad):04X}), which is not a character; nothing was "
                  "imported") from None


def ascii_path(where: str) -> str:
    """A JSON path for a message, its own surrogates escaped."""
    return where.encode("utf-8", "backslashreplace").decode("utf-8")
