"""Article metadata found in the text itself: title, byline, outlet, date, url.

Scraped text usually opens with an optional kicker ("Exclusive"), the headline, and a
byline such as ``By Li Zheng | chinawatch.cn | Updated: 2019-10-31 17:44``.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, replace
from datetime import datetime

from dateutil import parser as date_parser

_HEADER_LINES = 12  # where a title and byline can be
_KICKER_MAX_WORDS = 2
_TITLE_MAX_CHARS = 200

_BYLINE = re.compile(r"^\s*by\s+(?P<rest>.+)$", re.I)
# an author: up to six words, the first capitalised, no digits ("Li Zheng", "Staff reporter")
_NAME = re.compile(r"^[^\W\d_][^\s\d]*(?:\s+(?:and\s+)?[^\s\d]+){0,5}$")
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$", re.I)
_DATE_LABEL = re.compile(
    r"^(?:updated|published|posted|last updated|date)\s*(?:on|at)?\s*:?\s*(?P<date>.+)$", re.I
)
_TIME = re.compile(r"\d{1,2}:\d{2}")
_URL_LINE = re.compile(r"^\s*(?:(?:url|source|link|original)\s*:\s*)?(?P<url>https?://\S+)\s*$",
                       re.I)
_FIELD_LINE = re.compile(
    r"^\s*(?P<key>title|headline|author|by|outlet|publication|published|date|url)\s*:\s*"
    r"(?P<value>.+?)\s*$",
    re.I,
)
# day.month.year, as German and Czech pages write it: "12.05.2024", "12. 5. 2024"
_DOTTED_DATE = re.compile(r"(?<![\d.])\d{1,2}\.\s?\d{1,2}\.\s?\d{4}(?![\d.]\d)")
_LOOKS_LIKE_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\s?\d{1,2}\.\s?\d{4}|"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}",
    re.I,
)


_HOUR = 3600
# zone names that pages write after a time, as offsets from UTC in seconds ("IST" is
# India's: Israel and Ireland write theirs rarely on news pages)
_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": _HOUR, "BST": _HOUR,
    "CET": _HOUR, "CEST": 2 * _HOUR, "MEZ": _HOUR, "MESZ": 2 * _HOUR,
    "EET": 2 * _HOUR, "EEST": 3 * _HOUR,
    "EST": -5 * _HOUR, "EDT": -4 * _HOUR, "CST": -6 * _HOUR, "CDT": -5 * _HOUR,
    "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR,
    "JST": 9 * _HOUR, "KST": 9 * _HOUR, "IST": 5 * _HOUR + 1800, "HKT": 8 * _HOUR,
    "SGT": 8 * _HOUR, "AEST": 10 * _HOUR, "AEDT": 11 * _HOUR,
}


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    title_line: int | None = None  # 0-based line of the title in the text

    def merged(self, other: Metadata) -> Metadata:
        """These fields, with the blanks filled from ``other``."""
        return replace(
            self,
            title=self.title or other.title,
            author=self.author or other.author,
            outlet=self.outlet or other.outlet,
            published=self.published or other.published,
            url=self.url or other.url,
            title_line=self.title_line if self.title_line is not None else other.title_line,
        )


def parse_date(value: str) -> str | None:
    """A date as ISO 8601 (``2019-10-31`` or ``2019-10-31T17:44``), or None."""
    value = value.strip()
    if not value or not (_LOOKS_LIKE_DATE.search(value) or re.fullmatch(r"\d{4}", value)):
        return None
    try:
        with warnings.catch_warnings():
            # a zone name dateutil does not know is left out, not printed about
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed = date_parser.parse(value, fuzzy=True, default=datetime(1900, 1, 1),
                                       dayfirst=bool(_DOTTED_DATE.search(value)),
                                       tzinfos=_ZONES)
    except (ValueError, OverflowError):
        return None
    if parsed.year == 1900:
        return None
    iso = parsed.isoformat(timespec="minutes") if _TIME.search(value) else parsed.date().isoformat()
    return iso


def parse_byline(line: str) -> Metadata | None:
    """Author, outlet and date from a byline, or None when ``line`` is not one."""
    match = _BYLINE.match(line)
    if not match or len(line) > 200:
        return None
    author = outlet = published = None
    parts = [p.strip() for p in re.split(r"\s+[|·•]\s+|\s+-\s+(?=\S+\.\S)", match.group("rest"))]
    for index, part in enumerate(parts):
        if not part:
            continue
        label = _DATE_LABEL.match(part)
        date = parse_date(label.group("date") if label else part) if (
            label or _LOOKS_LIKE_DATE.search(part)) else None
        if date:
            published = published or date
        elif index == 0:
            author = _strip_trailing_punct(part)
        elif _DOMAIN.match(part) or outlet is None:
            outlet = outlet or part
    if not author or not _NAME.match(author):
        return None
    return Metadata(author=author, outlet=outlet, published=published)


def _strip_trailing_punct(value: str) -> str:
    return value.strip().rstrip(",;").strip()


def text_metadata(text: str) -> Metadata:
    """Title, byline fields and url found near the top (and the url near the end) of ``text``."""
    lines = text.split("\n")
    found = Metadata()
    content = [(i, line.strip()) for i, line in enumerate(lines[: _HEADER_LINES * 3])
               if line.strip()][:_HEADER_LINES]

    fields = _field_lines(content)
    title_line = None
    title = fields.pop("title", None)
    if title is None:
        title_line, title = _title(content)
    found = Metadata(
        title=title,
        author=fields.get("author"),
        outlet=fields.get("outlet"),
        published=parse_date(fields["published"]) if "published" in fields else None,
        url=fields.get("url"),
        title_line=title_line,
    )
    for _, line in content:
        byline = parse_byline(line)
        if byline:
            found = found.merged(byline)
            break
    if not found.url:
        for line in lines[:_HEADER_LINES] + lines[-_HEADER_LINES:]:
            match = _URL_LINE.match(line)
            if match:
                found = replace(found, url=match.group("url"))
                break
    return found


def _field_lines(content: list[tuple[int, str]]) -> dict[str, str]:
    """``Title: …``-style lines at the very top of a text."""
    keys = {"headline": "title", "by": "author", "publication": "outlet", "date": "published"}
    fields: dict[str, str] = {}
    for _, line in content:
        match = _FIELD_LINE.match(line)
        if not match:
            break
        key = match.group("key").lower()
        fields[keys.get(key, key)] = match.group("value")
    return fields


def _title(content: list[tuple[int, str]]) -> tuple[int | None, str | None]:
    """The headline: the first line, unless that is a one- or two-word kicker above it."""
    candidates = [(i, line) for i, line in content
                  if not _BYLINE.match(line) and not _URL_LINE.match(line)]
    if not candidates:
        return None, None
    first_index, first = candidates[0]
    if len(candidates) > 1:
        next_index, following = candidates[1]
        is_kicker = (
            len(first.split()) <= _KICKER_MAX_WORDS
            and not first.endswith((".", "!", "?", ":"))
            and len(following.split()) > len(first.split())
            and len(following) <= _TITLE_MAX_CHARS
            and not following.startswith(("-", "*", "•"))
            # a sentence under a short first line is the body: headlines end without a stop
            and not following.rstrip().endswith(".")
        )
        if is_kicker:
            return next_index, following
    if len(first) > _TITLE_MAX_CHARS:
        return None, _shorten(first)
    return first_index, first


def _shorten(line: str, limit: int = 80) -> str:
    cut = line[:limit].rsplit(" ", 1)[0]
    return cut + "…"
