"""Binary documents (PDF, Word) read as paragraphs of plain text and their metadata.

``read_document`` returns the text as paragraphs separated by blank lines (list items and
table rows one to a line), which the importer then cleans and stores as a plain document.

PDF (pypdf)
    A PDF has no paragraphs, only lines of text placed on pages. Each page's text is read
    in the order the file draws it (which is the reading order for what word processors,
    typesetting and print-edition tools write: one column after the other), with where
    each line starts and its font size, and rebuilt:

    * *Running headers and footers* are the lines in the top two or bottom two rows of a
      page that repeat, in the same font size and with any digits counting as equal, on at
      least two pages and at least 40% of them ("The Valley Courier · 12 May 2024 · 3").
      *Page numbers* are edge lines that are nothing else ("3", "- 3 -", "Page 3 of 10",
      "3 / 10"), removed even when they do not repeat. Both are left out.
    * *Paragraphs* end where the gap to the next line is clearly larger than the usual line
      spacing, where the next line is indented (a first-line indent), where the font size
      changes (a headline, a crosshead), where a line is much shorter than the text's usual
      line (the last line of a paragraph), and before a bullet or numbered item. At a page
      or column break, a paragraph goes on unless one of these says it ends; in a text
      whose paragraphs are not indented, a line ending a sentence at the foot of a page or
      column ends its paragraph too, since nothing else can tell.
    * *Lines are rejoined* with a space (none between two CJK characters). A line ending
      in a soft hyphen is joined without it. A line ending in a hyphen after a lowercase
      letter, followed by a lowercase letter, is a word broken at the line end and is
      joined without the hyphen ("infor-" + "mation" -> "information"), unless the hyphen
      is a real one: the hyphenated form appears elsewhere in the document unbroken (and
      the joined form does not), the part before the hyphen already holds a hyphen
      ("state-of-the-" + "art"), or it is one of the English prefixes always written with a
      hyphen (self-, ex-, all-, well-, half-, quasi-, non-, co-, pre- and similar:
      "well-" + "known" -> "well-known"). A hyphen before an uppercase letter or a digit
      ("COVID-" + "19", "anti-" + "European") is kept.
    * Text turned sideways (margin notes, watermarks) is skipped.

    The title is the document's Title property unless that is empty or a placeholder
    ("Untitled", "Microsoft Word - report.docx", a file name); otherwise the line in the
    largest font on the first page when it is larger than the body text; otherwise the
    importer takes the first line. The author is the Author property unless it is a
    program's or an account's placeholder ("Administrator", "python-docx").

    *Published*: a date in the text's own byline or dateline is preferred (it is the
    article's); without one, the document's creation date, with its time and UTC offset
    when the file has them ("2024-05-12T08:30+02:00"), since a PDF of a news story or a
    print page is normally made the day it appears. A creation date before 1990 or in the
    future is a wrong clock and is not used.

    A PDF whose pages carry images but no text is a scan: it is refused with a message to
    run OCR first. An encrypted PDF is opened with the empty password when that is all it
    needs (files that only forbid copying or printing); otherwise it is refused. A PDF cut
    short (no end-of-file marker in its last kilobyte) or damaged is refused, rather than
    read in part.

Word .docx (python-docx)
    The body's paragraphs in order, including those in content controls and tracked
    insertions (tracked deletions are left out); headings as paragraphs of their own; list
    items one to a line, with "•" or their number; a table's rows one to a line, cells
    separated by " | ". Headers, footers, footnotes, comments and text boxes are not read.
    The title, author and creation date come from the core properties (the date as for a
    PDF, after a date in the text); without a title there, the first Title or Heading 1
    paragraph is the title. An old binary .doc, an RTF or OpenDocument file, a spreadsheet
    or presentation renamed .docx, a zip of other files and a file that is no zip at all
    are each refused with a message saying what they are.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import math
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from desktop.core.errors import (
    DecompressionBombError,
    ImportFileError,
    UnsupportedFormatError,
)
from desktop.core.metadata import Metadata, parse_date, text_metadata

# pypdf reports what it repairs in a damaged file through logging; with no handler set,
# Python would print those warnings to the user's terminal.
logging.getLogger("pypdf").addHandler(logging.NullHandler())
logging.getLogger("pypdf").propagate = False


@dataclass(frozen=True)
class ReadDocument:
    """A document's text (paragraphs separated by blank lines) and its metadata."""

    text: str
    metadata: Metadata
    notes: tuple[str, ...] = ()  # what the import report should say of the reading


def read_document(path: Path, data: bytes, fmt: str) -> ReadDocument:
    """The text of the ``fmt`` document ``data`` read from ``path``."""
    if fmt == "pdf":
        return read_pdf(path, data)
    if fmt == "docx":
        return read_docx(path, data)
    raise UnsupportedFormatError(path, f"{fmt} documents cannot be read")


# --- what a file is, when it is not what it is called ----------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files: .doc, .xls, .ppt, .msg


def _other_kind(data: bytes) -> str | None:
    """What ``data`` is, by its first bytes, when that is not a PDF or a zip package."""
    head = data[:1024].lstrip().lower()
    if data.startswith(_OLE):
        return ("an old binary Office file (.doc, .xls or .ppt); save it as .docx or PDF "
                "(Word or LibreOffice: File > Save As) and import that")
    if head.startswith(b"{\\rtf"):
        return "an RTF file; save it as .docx or PDF and import that"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:256]:
        return "a web page (HTML); import it as .html"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "an image; a scanned page needs OCR before it can be imported"
    return None


# --- PDF ---------------------------------------------------------------------------------

_GENERIC_AUTHORS = frozenset({
    "administrator", "admin", "user", "owner", "unknown", "author", "python-docx",
    "microsoft office user", "windows user", "default", "reportlab", "anonymous",
})
_PLACEHOLDER_TITLE = re.compile(
    r"^(untitled|unknown|title|document\d*|microsoft (word|powerpoint) - .*|"
    r".*\.(docx?|pdf|indd|qxd|qxp|txt|rtf|odt|pages))$",
    re.I,
)


@dataclass
class _Line:
    """One line of a page: where it starts, its font size and its text."""

    page: int
    x: float
    y: float
    size: float
    text: str
    order: int = 0  # its place on the page, in drawing order


@dataclass
class _Page:
    lines: list[_Line] = field(default_factory=list)
    images: bool = False


def read_pdf(path: Path, data: bytes) -> ReadDocument:
    """The text and metadata of the PDF ``data``; a clear refusal for what cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    start = data.find(b"%PDF-", 0, 1024)
    if start < 0:
        kind = _other_kind(data)
        raise ImportFileError(path, f"not a PDF file: it is {kind}" if kind else
                              "not a PDF file (it does not begin with %PDF)")
    # a marker anywhere will do: some tools append data after it (more than a
    # kilobyte, at times), which readers pass over
    if b"%%EOF" not in data[-1024:] and data.rfind(b"%%EOF") < 0:
        raise ImportFileError(path, "the PDF is cut short (it has no end-of-file marker); "
                                    "download or copy it again")
    complaints = _Complaints()
    logger = logging.getLogger("pypdf")
    logger.addHandler(complaints)
    try:
        reader = PdfReader(io.BytesIO(data[start:]), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as error:
                raise ImportFileError(path, f"the PDF is encrypted in a way that cannot be "
                                            f"read ({error})") from None
            if not opened:
                raise ImportFileError(path, "the PDF is encrypted with a password; open it "
                                            "with the password and save or print an "
                                            "unprotected copy to import")
        pages = [_read_page(page, number) for number, page in enumerate(reader.pages)]
        info = _pdf_info(reader)
    except ImportFileError:
        raise
    except FileNotDecryptedError:
        raise ImportFileError(path, "the PDF is encrypted with a password; open it with the "
                                    "password and save an unprotected copy to import") from None
    except RecursionError:
        raise ImportFileError(path, "the PDF is damaged (its objects refer to each other "
                                    "without end)") from None
    except Exception as error:  # a damaged file can fail anywhere in the parser
        raise ImportFileError(path, f"the PDF is damaged and cannot be read "
                                    f"({_reason(error)})") from None
    finally:
        logger.removeHandler(complaints)

    if not any(line.text.strip() for page in pages for line in page.lines):
        if complaints.messages:  # the text was there, in parts pypdf could not read
            raise ImportFileError(path, f"the PDF is damaged and its text cannot be read "
                                        f"({_reason(complaints.messages[-1])})")
        if any(page.images for page in pages):
            raise ImportFileError(path, "the PDF has no text layer (a scanned image?); run "
                                        "OCR on it first")
        raise ImportFileError(path, "the PDF has no text (its pages are empty or drawn "
                                    "as shapes)")
    lines, title = _body_lines(pages)
    text = "\n\n".join(_paragraphs(lines))
    metadata = _metadata(path, text, title=info.get("title"), author=info.get("author"),
                         created=info.get("created"), first_heading=title)
    scanned = [number + 1 for number, page in enumerate(pages)
               if page.images and not any(line.text.strip() for line in page.lines)]
    notes = () if not scanned else (
        f"page{'s' if len(scanned) > 1 else ''} {_page_list(scanned)} of {len(pages)} "
        f"{'have' if len(scanned) > 1 else 'has'} no text layer (scanned?) and "
        f"{'are' if len(scanned) > 1 else 'is'} missing from the text; run OCR on the PDF "
        "to import them",)
    return ReadDocument(text, metadata, notes + _date_notes(text, metadata))


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _reason(error: BaseException | str) -> str:
    """A parser's complaint, short and printable: what it could not read, without the
    bytes it quotes ("Invalid Elementary Object starting with b')' @459: b'…'")."""
    text = error if isinstance(error, str) else str(error)
    reason = text.strip().splitlines()[0] if text.strip() else ""
    reason = re.split(r" @\d+| starting with b['\"]|: b['\"]", reason, maxsplit=1)[0]
    reason = "".join(c if c.isprintable() else "?" for c in reason)[:100].strip()
    if isinstance(error, str):
        return reason
    name = type(error).__name__
    return f"{name}: {reason}" if reason else name


class _Complaints(logging.Handler):
    """What pypdf logs while it reads one file: the damage it found and worked around."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _pdf_info(reader: Any) -> dict[str, Any]:
    """Title, author and creation date from the document's properties, where readable."""
    found: dict[str, Any] = {}
    try:
        meta = reader.metadata
    except Exception:  # a damaged Info dictionary: the text is still worth having
        return found
    if meta is None:
        return found
    for key, attribute in (("title", "title"), ("author", "author")):
        try:
            value = getattr(meta, attribute)
        except Exception:
            continue
        if isinstance(value, str) and value.strip():
            found[key] = value
    with contextlib.suppress(Exception):  # a malformed date string
        found["created"] = meta.creation_date
    return found


def _read_page(page: Any, number: int) -> _Page:
    """The lines of text ``page`` draws, in drawing order, upright text only."""
    result = _Page(images=_has_images(page))
    fragments: list[tuple[float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text or not text.strip("\n"):
            if text.endswith("\n") and fragments:
                fragments.append((math.nan, math.nan, 0.0, "\n"))
            return
        a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                      tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if abs(b) > 1e-3 or abs(c) > 1e-3 or a <= 0 or d <= 0:
            return  # rotated or mirrored text: a watermark or a note in the margin
        fragments.append((x, y, abs(size * d), text))

    page.extract_text(orientations=(0,), visitor_text=visit)
    current: _Line | None = None
    for x, y, size, text in fragments:
        if text == "\n" and math.isnan(x):
            current = None
            continue
        ends = text.endswith("\n")
        for part_number, part in enumerate(text.rstrip("\n").split("\n")):
            if part_number:  # a line break inside one fragment
                current = None
                y -= size * 1.2
            same_line = (current is not None
                         and abs(y - current.y) <= 0.4 * max(size, current.size, 1.0))
            if same_line and current is not None:
                current.text += part
                current.size = max(current.size, size)
            elif part.strip():
                current = _Line(number, x, y, size, part, len(result.lines))
                result.lines.append(current)
        if ends:
            current = None
    for line in result.lines:
        line.text = " ".join(line.text.split())
    result.lines = [line for line in result.lines if line.text]
    return result


def _has_images(page: Any) -> bool:
    """True when the page draws an image (directly or in a form on it)."""
    try:
        resources = page.get("/Resources")
        objects = resources.get_object().get("/XObject") if resources else None
        if not objects:
            return False
        for ref in objects.get_object().values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                return True
            if obj.get("/Subtype") == "/Form":
                inner = obj.get("/Resources")
                inner_objects = inner.get_object().get("/XObject") if inner else None
                if inner_objects and any(
                        o.get_object().get("/Subtype") == "/Image"
                        for o in inner_objects.get_object().values()):
                    return True
    except Exception:
        return False
    return False


# --- running headers, footers and page numbers ---------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.|pg\.?|seite|página|pagina|strana|стр\.?)\s*)?[-–—(\[]?\s*"
    r"(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|von|de|di|из|z)\s*\d{1,4})?$",
    re.I,
)
_EDGE_ROWS = 2  # rows at the top and at the bottom of a page where furniture can be


def _furniture_key(line: _Line) -> tuple[str, int]:
    text = re.sub(r"\d+", "#", line.text.lower())
    return " ".join(text.split()), round(line.size)


def _edge_lines(page: _Page) -> list[_Line]:
    """The lines in the top and bottom rows of ``page`` (a row: one baseline)."""
    rows = sorted({round(line.y) for line in page.lines}, reverse=True)
    edge_rows = set(rows[:_EDGE_ROWS]) | set(rows[-_EDGE_ROWS:])
    return [line for line in page.lines if round(line.y) in edge_rows]


def _body_lines(pages: list[_Page]) -> tuple[list[_Line], str | None]:
    """Every page's lines less running headers, footers and page numbers, in order; and
    the first page's line in the largest font, when it stands out (a headline)."""
    seen: Counter[tuple[str, int]] = Counter()
    for page in pages:
        seen.update({_furniture_key(line) for line in _edge_lines(page)})
    needed = max(2, math.ceil(0.4 * len(pages)))
    repeated = {key for key, count in seen.items() if count >= needed}
    furniture: set[int] = set()
    for page in pages:
        for line in _edge_lines(page):
            if _furniture_key(line) in repeated or _PAGE_NUMBER.match(line.text):
                furniture.add(id(line))
    lines = [line for page in pages for line in page.lines if id(line) not in furniture]

    headline = None
    if lines:
        body = _body_size(lines)
        first_page = [line for line in lines if line.page == lines[0].page]
        biggest = max(first_page, key=lambda line: line.size)
        if biggest.size >= body * 1.2 and len(biggest.text) <= 300:
            # a headline set over two lines is both of them
            same = [line for line in first_page if abs(line.size - biggest.size) < 0.5
                    and abs(line.order - biggest.order) <= 3]
            headline = " ".join(line.text for line in same)
    return lines, headline


def _body_size(lines: list[_Line]) -> float:
    """The font size most of the text is set in (counted in characters)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


# --- lines into paragraphs ---------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?…:][\"'”’»)\]]*$")
_BULLET = re.compile(r"^[•●▪■◦‣∙]")
_ITEM = re.compile(r"^(?:[•●▪■◦‣∙·*]|[-–—]\s|\d{1,3}[.)]\s|[a-z][.)]\s)")


@dataclass
class _Layout:
    """What the lines of a document have in common: the body's size, spacing and length."""

    size: float
    pitch: float  # the usual distance between two lines of body text
    length: float  # the usual number of characters in a full body line
    indents: bool  # paragraphs start with a first-line indent
    # per page, how many lines start at each x (rounded): where the text's margins are
    starts: dict[int, Counter[int]]


def _layout(lines: list[_Line]) -> _Layout:
    size = _body_size(lines)
    body = [line for line in lines if abs(line.size - size) < 0.5]
    pitches: Counter[float] = Counter()
    for prev, line in itertools.pairwise(body):
        gap = prev.y - line.y
        if line.page == prev.page and 0 < gap < 3 * size:
            pitches[round(gap * 2) / 2] += 1
    pitch = pitches.most_common(1)[0][0] if pitches else size * 1.2
    lengths = sorted(len(line.text) for line in body)
    length = float(lengths[int(len(lengths) * 0.75)]) if lengths else 60.0
    starts: dict[int, Counter[int]] = {}
    for line in lines:
        starts.setdefault(line.page, Counter())[round(line.x)] += 1
    layout = _Layout(size, pitch, length, False, starts)
    indented = sum(1 for line in body if _indented(layout, line))
    layout.indents = indented >= 2 and indented >= 0.03 * len(body)
    return layout


def _indented(layout: _Layout, line: _Line) -> bool:
    """True when ``line`` starts a little right of a margin more lines start at."""
    starts = layout.starts.get(line.page, Counter())
    here = starts[round(line.x)]
    size = max(line.size, 1.0)
    return any(count > here and line.x - 4 * size <= x <= line.x - 0.5 * size
               for x, count in starts.items())


def _paragraph_ends(layout: _Layout, prev: _Line, line: _Line) -> bool:
    """True when a paragraph ends between the lines ``prev`` and ``line``."""
    size = max(prev.size, line.size, 1.0)
    if abs(prev.size - line.size) > 0.15 * size:
        return True  # a headline, a crosshead, a caption
    if _BULLET.match(line.text) or (_ITEM.match(line.text) and (
            _SENTENCE_END.search(prev.text) or _ITEM.match(prev.text))):
        return True  # a list item ("- " or "2." starting a line mid-sentence is not one)
    if abs(prev.size - layout.size) < 0.5 and len(prev.text) < 0.6 * layout.length:
        return True  # the last line of a paragraph (a headline's lines are short anyway)
    indented = _indented(layout, line) and not _indented(layout, prev)
    gap = prev.y - line.y
    flows_on = line.page == prev.page and gap > 0 and abs(line.x - prev.x) < 6 * size
    if flows_on:
        expected = layout.pitch if abs(line.size - layout.size) < 0.5 else 1.2 * size
        return gap > expected * 1.3 + 0.5 or indented
    # a page or a column break
    if indented:
        return True
    return not layout.indents and bool(_SENTENCE_END.search(prev.text))


def _paragraphs(lines: list[_Line]) -> Iterator[str]:
    """The lines joined into paragraphs (list items keep a line each)."""
    if not lines:
        return
    layout = _layout(lines)
    vocabulary = _vocabulary(lines)
    parts = [lines[0].text]
    items = bool(_ITEM.match(lines[0].text))
    for prev, line in itertools.pairwise(lines):
        if _paragraph_ends(layout, prev, line):
            if items and _ITEM.match(line.text):
                parts.append("\n" + line.text)  # the next item of a list: its own line
                continue
            yield "".join(parts)
            parts = [line.text]
            items = bool(_ITEM.match(line.text))
        else:
            joint = _joint(parts[-1], line.text, vocabulary)
            if joint == _BREAK:  # a word broken at the line end: its hyphen goes
                parts[-1] = parts[-1][:-1]
                joint = ""
            parts.append(joint + line.text)
    yield "".join(parts)


# a few English prefixes that keep their hyphen: "well-" + "known" is "well-known"
_HYPHEN_PREFIXES = frozenset({
    "self", "ex", "all", "well", "half", "quasi", "non", "co", "pre", "post", "anti",
    "pro", "cross", "semi", "multi", "vice", "mid", "so", "ill", "long", "short", "high",
    "low", "full", "part", "first", "second", "third", "one", "two", "three", "four", "five",
    "ten", "year", "much", "little", "best", "hard", "far", "near",
})
_WORD_BEFORE = re.compile(r"([\w-]*\w)[-\u00ad]$")
_WORD_AFTER = re.compile(r"^(\w+)")
_BREAK = "\x00"  # what _joint says when the hyphen ending a line is to be dropped


def _vocabulary(lines: list[_Line]) -> Counter[str]:
    """How often each word (hyphenated words whole) occurs inside the document's lines."""
    words: Counter[str] = Counter()
    for line in lines:
        words.update(word.lower() for word in re.findall(r"\w+(?:-\w+)*", line.text))
    return words


def _joint(before: str, after: str, vocabulary: Counter[str]) -> str:
    """What goes between a line ending in ``before`` and the next starting with ``after``:
    a space, nothing, or ``_BREAK`` when the hyphen ending ``before`` is to be dropped."""
    if before.endswith("\u00ad"):
        return _BREAK
    if before.endswith("-"):
        head = _WORD_BEFORE.search(before)
        tail = _WORD_AFTER.match(after)
        if not head or not tail:
            return " " if before.endswith(" -") else ""
        first, second = head.group(1), tail.group(1)
        if not first[-1:].islower() or not second[:1].islower():
            return ""  # "COVID-19", "anti-European": a real hyphen
        joined = (first.rsplit("-", 1)[-1] + second).lower()
        hyphened = f"{first}-{second}".lower()
        if vocabulary[hyphened] > vocabulary[joined]:
            return ""
        if vocabulary[joined] > vocabulary[hyphened]:
            return _BREAK
        if "-" in first or first.lower() in _HYPHEN_PREFIXES:
            return ""
        return _BREAK
    if _cjk(before[-1:]) and _cjk(after[:1]):
        return ""
    return " "


def _cjk(char: str) -> bool:
    if not char:
        return False
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")) or \
        "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


# --- metadata ----------------------------------------------------------------------------


def _metadata(path: Path, text: str, *, title: str | None, author: str | None,
              created: datetime | None, first_heading: str | None) -> Metadata:
    """The document's properties where they are sensible, a date in its text first."""
    title = " ".join(title.split()) if title else None
    if title and (_PLACEHOLDER_TITLE.match(title) or title == path.stem or len(title) > 300):
        title = None
    author = " ".join(author.split()) if author else None
    if author and (author.lower() in _GENERIC_AUTHORS or "@" in author or len(author) > 200):
        author = None
    published = _text_date(text) or _sensible_date(created)
    return Metadata(title=title or first_heading, author=author, published=published)


def _date_notes(text: str, metadata: Metadata) -> tuple[str, ...]:
    """What the import report says of a publication date taken from the file's creation
    date (an export's date, perhaps, rather than the article's)."""
    if metadata.published and not _text_date(text):
        return (f"published {metadata.published} is the file's creation date: check it",)
    return ()


_DATELINE = re.compile(  # "EASTBROOK, 12 May 2024 -", "Linden (May 12, 2024) —"
    r"^[^\W\d_][\w .'/-]{0,40}?[,(]\s*(?P<date>[^()\n]{6,40}?\d{4})\s*(?:\)\s*)?[-–—:]"
)


def _text_date(text: str) -> str | None:
    """A date the text gives itself: in a byline, a dateline, or a line of its own near
    the top."""
    found = text_metadata(text).published
    if found:
        return found
    for block in text.split("\n\n")[:6]:
        first = block.split("\n", 1)[0].strip()
        match = _DATELINE.match(first)
        candidate = match.group("date") if match else first if len(first) <= 40 else None
        date = parse_date(candidate) if candidate else None
        if date:
            return date
    return None


def _sensible_date(value: datetime | None) -> str | None:
    """``value`` as ISO 8601 to the minute with its UTC offset, if it has one; None when
    the clock that wrote it was plainly wrong."""
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if aware.year < 1990 or aware > now + timedelta(days=1):
        return None
    return value.isoformat(timespec="minutes")


# --- Word .docx --------------------------------------------------------------------------

MAX_DOCX_UNPACKED = 200_000_000  # what a .docx's parts may add up to once unpacked
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# python-docx's own template stamps every document it makes without one of its own
_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)

_PACKAGES = (  # a part that tells what else a zip package is
    ("xl/workbook.xml", "an Excel workbook (.xlsx), not a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx), not a Word document"),
    ("content.xml", "an OpenDocument file (.odt or similar), not a Word .docx; save it as "
                    ".docx or PDF and import that"),
    ("META-INF/container.xml", "an e-book (EPUB), not a Word document"),
)


def read_docx(path: Path, data: bytes) -> ReadDocument:
    """The text and metadata of the Word document ``data``."""
    if not data.startswith(b"PK"):
        kind = _other_kind(data)
        if data.startswith(b"%PDF"):
            kind = "a PDF; import it as .pdf"
        raise ImportFileError(path, f"not a Word .docx file: it is {kind}" if kind else
                              "not a Word .docx file (a .docx is a zip package; this is not "
                              "one)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(path, "the Word file is damaged or cut short (its zip package "
                                    "cannot be opened)") from None
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        kind = next((what for part, what in _PACKAGES if part in names), None)
        raise ImportFileError(path, f"not a Word document: it is {kind}" if kind else
                              "not a Word document: it is a zip archive of other files "
                              "(it has no word/document.xml)")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_DOCX_UNPACKED:
        raise DecompressionBombError(
            path, f"the Word file unpacks to {unpacked / 1e6:,.0f} MB; over "
                  f"{MAX_DOCX_UNPACKED / 1e6:g} MB is refused (is it really one article?)")

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
        blocks, heading = _docx_blocks(document)
        core = document.core_properties
        title, author, created = core.title, core.author, core.created
    except (PackageNotFoundError, zipfile.BadZipFile) as error:
        raise ImportFileError(path, f"the Word file is damaged ({_reason(error)})") from None
    except ValueError as error:
        if "content type" in str(error):  # a template or macro-enabled document
            raise ImportFileError(path, "not a Word document python-docx can read (a "
                                        "template or macro-enabled file?); save it as .docx "
                                        "and import that") from None
        raise ImportFileError(path, f"the Word file is damaged ({_reason(error)})") from None
    except Exception as error:  # malformed XML and the like, anywhere in the package
        raise ImportFileError(path, f"the Word file is damaged ({_reason(error)})") from None
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ImportFileError(path, "the Word document has no text")
    if created == _TEMPLATE_CREATED:
        created = None
    metadata = _metadata(path, text, title=title, author=author, created=created,
                         first_heading=heading)
    return ReadDocument(text, metadata, _date_notes(text, metadata))


def _docx_blocks(document: Any) -> tuple[list[str], str | None]:
    """The document's paragraphs, lists and tables as blocks of text, and the first
    Title (else Heading 1) paragraph."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    blocks: list[str] = []
    titles: dict[str, str] = {}
    list_lines: list[str] = []
    parent = document._body

    def flush_list() -> None:
        if list_lines:
            blocks.append("\n".join(list_lines))
            list_lines.clear()

    def walk(container: Any) -> None:
        for element in _body_elements(container):
            if element.tag == f"{_W}tbl":
                flush_list()
                table = Table(element, parent)
                if _layout_table(table):
                    # a table that only lays text out (one cell a row, or cells of
                    # several paragraphs): its cells are read as the body is
                    for cell in _unique_cells(table):
                        walk(cell)
                    continue
                rows = _table_rows(table)
                if rows:
                    blocks.append("\n".join(rows))
                continue
            paragraph = Paragraph(element, parent)
            text = _paragraph_text(element).strip()
            if not text:
                continue
            style = _style_name(paragraph)
            if style == "title" or style.startswith("heading 1"):
                titles.setdefault(style, " ".join(text.split()))
            marker = numbering.marker(paragraph, style)
            if marker is not None:
                list_lines.append(f"{marker} {text}")
                continue
            flush_list()
            blocks.append(text)

    walk(document.element.body)
    flush_list()
    return blocks, titles.get("title") or titles.get("heading 1")


def _unique_cells(table: Any) -> list[Any]:
    """The table's cells (``w:tc`` elements) in reading order, a merged one once."""
    seen: list[Any] = []
    for row in table.rows:
        for cell in row.cells:
            if not any(cell._tc is known for known in seen):
                seen.append(cell._tc)
    return seen


def _layout_table(table: Any) -> bool:
    """Whether a table lays text out rather than holding data: every row one cell, or a
    cell of several paragraphs (as press-database exports and templates have)."""
    rows = table.rows
    if all(len({id(cell._tc) for cell in row.cells}) == 1 for row in rows):
        return True
    return any(sum(1 for p in cell.iterchildren(f"{_W}p") if _paragraph_text(p).strip()) > 1
               for cell in _unique_cells(table))


def _body_elements(parent: Any) -> Iterator[Any]:
    """The paragraphs and tables of the body, those inside content controls too."""
    for child in parent.iterchildren():
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            yield child
        elif child.tag in (f"{_W}sdt", f"{_W}customXml", f"{_W}ins", f"{_W}smartTag"):
            content = child.find(f"{_W}sdtContent") if child.tag == f"{_W}sdt" else child
            if content is not None:
                yield from _body_elements(content)


# inside a paragraph: what is not its visible text in the body
_SKIPPED = frozenset({f"{_W}{tag}" for tag in (
    "del", "moveFrom", "pPr", "rPr", "fldSimple_instr", "instrText", "delText",
    "footnoteReference", "endnoteReference", "commentReference", "drawing", "pict",
    "object", "txbxContent")} | {f"{_MC}Fallback", f"{_MC}AlternateContent"})


def _paragraph_text(element: Any) -> str:
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element: Any, parts: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIPPED:
            continue
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append("\t")
        elif tag in (f"{_W}br", f"{_W}cr"):
            kind = child.get(f"{_W}type")
            parts.append(" " if kind in ("page", "column") else "\n")
        elif tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{_W}softHyphen" or tag == f"{_W}sym":
            continue
        else:
            _collect(child, parts)


def _style_name(paragraph: Any) -> str:
    try:
        style = paragraph.style
    except Exception:  # a style id the styles part does not define
        return ""
    return (style.name or "").lower() if style is not None else ""


def _table_rows(table: Any) -> list[str]:
    """A data table's rows, one a line, cells joined by " | "; a table inside a cell
    follows its row, its own rows each a line."""
    from docx.table import Table

    rows = []
    for row in table.rows:
        cells: list[str] = []
        nested: list[str] = []
        previous = None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:
                continue  # a merged cell is listed once for each grid column it spans
            previous = cell._tc
            text = " ".join(_paragraph_text(p).strip()
                            for p in cell._tc.iterchildren(f"{_W}p"))
            cells.append(" ".join(text.split()))
            for inner in cell._tc.iterchildren(f"{_W}tbl"):
                nested += _table_rows(Table(inner, table._parent))
        if any(cells):
            rows.append(" | ".join(cells))
        rows += nested
    return rows


class _Numbering:
    """Markers of list items: "•" for bullets, the item's number for numbered lists."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[tuple[str, str], str] = {}
        self.counters: dict[tuple[str, str], int] = {}
        try:
            numbering = document.part.numbering_part.element
        except Exception:  # no numbering part: lists come from styles alone
            return
        abstract = {a.get(f"{_W}abstractNumId"): a
                    for a in numbering.iterchildren(f"{_W}abstractNum")}
        for num in numbering.iterchildren(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            definition = abstract.get(ref.get(f"{_W}val")) if ref is not None else None
            if definition is None:
                continue
            for level in definition.iterchildren(f"{_W}lvl"):
                fmt = level.find(f"{_W}numFmt")
                self.formats[(num.get(f"{_W}numId") or "", level.get(f"{_W}ilvl") or "0")] = \
                    fmt.get(f"{_W}val") if fmt is not None else "bullet"

    def marker(self, paragraph: Any, style: str) -> str | None:
        props = paragraph._p.pPr
        num = props.numPr if props is not None else None
        if num is not None and num.numId is not None and num.numId.val != 0:
            key = (str(num.numId.val), str(num.ilvl.val if num.ilvl is not None else 0))
            fmt = self.formats.get(key, "bullet")
        elif style.startswith("list bullet"):
            key, fmt = ("style", style), "bullet"
        elif style.startswith("list number"):
            key, fmt = ("style", style), "decimal"
        else:
            return None
        if fmt in ("bullet", "none"):
            return "•"
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{self.counters[key]}."
