"""An article for the terminal, its tagged passages marked.

Each passage is numbered and bracketed, ``[1|like this|1]``, so overlapping passages
stay readable without colour; with colour, the passage also gets its tag's background.
A numbered list of the annotations follows the text.

Text from a file never drives the terminal: control characters (an ESC starts a terminal
command) are shown as the symbols Unicode has for them, one character for one, so the
offsets in the list still count the text. ``readable_streams`` makes standard output and
error print what UTF-8 cannot hold (a file name that is not UTF-8) as ``\\xff`` escapes
instead of failing.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import re
import sys
from collections.abc import Sequence

from desktop.core.document import LINE_CONTROLS
from desktop.core.errors import readable
from desktop.core.model import Annotation, Tag

_RESET = "\x1b[0m"
_ERRORS = "closeread-readable"


def printable(text: str) -> str:
    """``text`` with its control characters shown as symbols (ESC as ␛, DEL as ␡, C1
    controls as �), one character for each, so offsets still count the same."""
    return LINE_CONTROLS.sub(_symbol, text)


def _symbol(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ … ␟
    return "\u2421" if code == 0x7F else "\ufffd"


def _readable_error(error: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: a lone surrogate that stands for an undecodable byte of
    a file name (U+DC80-U+DCFF) as ``\\xNN``, any other as ``\\uNNNN``."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    shown = "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF
                    else f"\\u{ord(c):04x}" for c in bad)
    return shown, error.end


codecs.register_error(_ERRORS, _readable_error)


def readable_streams() -> None:
    """Standard output and error print a character they cannot encode as an escape
    (``_readable_error``) instead of raising UnicodeEncodeError in the middle of a
    command's output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        # strict (stdout) fails, backslashreplace (stderr) shows \udcff for a byte \xff;
        # surrogateescape (the C locale) writes the bytes back as they were, like ls
        if reconfigure is not None and getattr(stream, "errors", "") in (
                "strict", "backslashreplace", None):
            # a stream that cannot change is left alone
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=_ERRORS)


def _background(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    # black text on the tag colour, lightened so the words stay legible
    r, g, b = ((c + 255 * 2) // 3 for c in (r, g, b))
    return f"\x1b[30;48;2;{r};{g};{b}m"


def render_marked(text: str, annotations: Sequence[Annotation], tags: Sequence[Tag],
                  color: bool = False) -> str:
    """``text`` with every anchored annotation bracketed and numbered, then the legend."""
    colors = {t.name.lower(): t.color for t in tags}
    anchored = [a for a in annotations if a.anchor_state == "anchored"]
    events: dict[int, list[tuple[int, int]]] = {}  # offset -> [(order, number)]
    for number, annotation in enumerate(anchored, start=1):
        # closings sort before openings at the same offset
        events.setdefault(annotation.start, []).append((1, number))
        events.setdefault(annotation.end, []).append((0, number))

    out: list[str] = []
    open_now: list[int] = []
    cursor = 0
    for offset in sorted(events):
        out.append(_paint(printable(text[cursor:offset]), open_now, anchored, colors, color))
        for kind, number in sorted(events[offset], key=lambda e: (e[0], -e[1] if e[0] == 0
                                                                   else e[1])):
            if kind == 0:
                out.append(f"|{number}]")
                open_now.remove(number)
            else:
                out.append(f"[{number}|")
                open_now.append(number)
        cursor = offset
    out.append(_paint(printable(text[cursor:]), open_now, anchored, colors, color))

    legend = []
    for number, annotation in enumerate(anchored, start=1):
        tags_text = ", ".join(annotation.tag_paths) or "(no tag)"
        where = f"{annotation.start}–{annotation.end}"
        line = f"[{number}] {tags_text} · {annotation.annotator} · {where}"
        if annotation.note:
            line += f"\n    note: {annotation.note}"
        legend.append(line)
    orphans = [a for a in annotations if a.anchor_state != "anchored"]
    for annotation in orphans:
        legend.append(f"[orphan] {', '.join(annotation.tag_paths)} · {annotation.annotator} · "
                      f"{annotation.exact!r}")
    body = "".join(out)
    return body + ("\n\n" + printable("\n".join(legend)) if legend else "")


def _paint(segment: str, open_now: list[int], anchored: Sequence[Annotation],
           colors: dict[str, str], color: bool) -> str:
    if not color or not open_now or not segment:
        return segment
    innermost = anchored[open_now[-1] - 1]
    hex_color = next((colors[t.lower()] for t in innermost.tags if t.lower() in colors),
                     "#999999")
    # colour each line on its own so a passage over a paragraph break does not paint
    # the terminal's right margin
    return "\n".join(f"{_background(hex_color)}{line}{_RESET}" if line else line
                     for line in segment.split("\n"))


# --- standard output that went away, and arguments SQLite cannot take ----------------------


# a byte that is not UTF-8 (a lone surrogate U+DC80-U+DCFF) as repr() escapes it, not
# preceded by an escaped backslash
_REPR_BYTE = re.compile(r"(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])")


def bytes_as_bytes(message: str) -> str:
    """``message`` with each byte that is not UTF-8 as ``repr`` wrote it (``\\udcff``)
    shown as the byte it was (``\\xff``), as file names and arguments are shown."""
    return _REPR_BYTE.sub(r"\1\\x\2", message)


_LONG_RUN = re.compile(r"\S{400,}")


def shortened(message: str) -> str:
    """``message`` with each run of 400 or more characters without a space (a whole file
    given as an argument, a name of 60,000 letters) cut in its middle, saying how long it
    was, so that one message stays one readable line."""
    return _LONG_RUN.sub(
        lambda found: f"{found.group()[:160]}…({len(found.group()):,} characters)…"
                      f"{found.group()[-40:]}", message)


def stdout_gone() -> None:
    """Standard output's reader has gone (``| head -1``) or it cannot be written: what is
    still buffered goes nowhere, so that Python's own flush at exit does not fail again."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# what writing a stream can fail with once it is open: a full disk or quota, a file
# grown past its limit, a device gone
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def stdout_broken(error: OSError) -> bool:
    """True when ``error`` is standard output failing (a full disk, /dev/full): a write
    error on no named file, since every file Closeread writes itself reports its name
    (``io/output.py``); standard output is then given up (``stdout_gone``)."""
    if error.filename is not None or error.errno not in _WRITE_ERRORS:
        return False
    stdout_gone()
    return True


_INTEGER = re.compile(r"[+-]?[0-9]+")
_LARGEST = 2**63 - 1  # SQLite's integers


def _undecodable(text: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in text)


def unstorable_argument(error: Exception, given: list[str]) -> str | None:
    """What to tell the user about the command-line argument behind ``error``, raised
    where SQLite took a value: a lone surrogate (an argument, or CLOSEREAD_ANNOTATOR,
    that is not UTF-8: POSIX hands its bytes over as surrogates) or an integer past
    2**63 - 1. ``given`` are the arguments as typed. None when none of them explains it."""
    if isinstance(error, UnicodeEncodeError):
        if "surrogates not allowed" not in str(error):
            return None
        for argument in given:
            if _undecodable(argument):
                return (f"the argument '{readable(argument)}' is not valid UTF-8 text; "
                        "Closeread stores names and words as UTF-8")
        value = os.environ.get("CLOSEREAD_ANNOTATOR", "")
        if _undecodable(value):
            return (f"the environment variable CLOSEREAD_ANNOTATOR ('{readable(value)}') is "
                    "not valid UTF-8 text")
        return None
    if not isinstance(error, OverflowError):
        return None
    for before, argument in zip(["", *given], given, strict=False):
        if argument.startswith("--") and "=" in argument:
            option, _, value = argument.partition("=")
        else:
            option, value = (before if before.startswith("-") else ""), argument
        # past 19 digits it is too large without reading it (int() stops at 4,300)
        if _INTEGER.fullmatch(value) and (len(value.lstrip("+-")) > 19
                                          or abs(int(value)) > _LARGEST):
            shown = value if len(value) <= 24 else value[:20] + "…"
            return (f"the number {shown}{f' given to {option}' if option else ''} is too "
                    f"large (at most {_LARGEST})")
    return None
