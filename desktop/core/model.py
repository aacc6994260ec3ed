"""The domain objects: articles, annotations, tags, annotators.

Plain frozen dataclasses. The store returns them; the CLI, io and ui read them.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta

ANCHORED = "anchored"
ORPHAN = "orphan"

FORMATS = ("text", "markdown", "html", "ptc")


def new_id() -> str:
    """A new random UUID, as the text stored everywhere."""
    return str(uuid.uuid4())


def now_iso() -> str:
    """The current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def later_than(previous: object) -> str:
    """The time to stamp on an edit of something last changed at ``previous``: now, or one
    millisecond after ``previous`` when the clock has not moved past it (two edits in one
    millisecond, or a clock set back), so an edit always makes a record newer, which is
    what the sync's "later one wins" compares. Times are compared as times (a stored time
    in another zone included); one that cannot be read, or is at the end of the calendar,
    gives way to now."""
    now = datetime.now(UTC)
    stamp = now.isoformat(timespec="milliseconds")
    if not isinstance(previous, str):
        return stamp
    try:
        moment = datetime.fromisoformat(previous)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        following = moment.astimezone(UTC) + timedelta(milliseconds=1)
    except (ValueError, OverflowError):
        return stamp
    if following <= now:
        return stamp
    return following.isoformat(timespec="milliseconds")


def iso_utc(value: str) -> str:
    """An ISO 8601 time as the library stores it: UTC, milliseconds (microseconds when it
    has them); a time without a zone is taken as UTC. Raises ``ValueError``."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00 is in year 0 in UTC: out of range
        raise ValueError("before year 1 or after 9999 once in UTC") from None
    spec = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=spec)


def iso_date(value: str) -> str:
    """A published date as the library stores it (``2019-10-31`` or
    ``2019-10-31T17:44``), checked: a real date in years 1 to 9999. Raises
    ``ValueError``."""
    datetime.fromisoformat(value)  # month 13, day 32, year 0 or 99999: ValueError
    return value


def text_sha256(text: str) -> str:
    """The hash that identifies an article's canonical text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    text: str
    format: str
    text_sha256: str
    external_id: str | None = None
    author: str | None = None
    outlet: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None
    source: str | None = None
    source_path: str | None = None
    imported_at: str = ""
    updated_at: str = ""
    annotation_count: int = 0
    orphan_count: int = 0

    @classmethod
    def from_values(cls, values: tuple[object, ...]) -> Article:
        """An article from its fields' values in declaration order, without ``__init__``:
        a frozen dataclass's ``__init__`` costs 3 µs, and the library list makes one
        article per row, 10,000 at a start (the result is the same, equal and hashable)."""
        article = object.__new__(cls)
        article.__dict__.update(zip(_ARTICLE_FIELDS, values, strict=True))
        return article

    def metadata(self) -> dict[str, object]:
        """The fields a listing shows, without the text."""
        return {
            "id": self.id,
            "external_id": self.external_id,
            "title": self.title,
            "author": self.author,
            "outlet": self.outlet,
            "published": self.published,
            "url": self.url,
            "language": self.language,
            "format": self.format,
            "text_sha256": self.text_sha256,
            "source_path": self.source_path,
            "imported_at": self.imported_at,
            "updated_at": self.updated_at,
            "annotation_count": self.annotation_count,
            "orphan_count": self.orphan_count,
        }


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))


@dataclass(frozen=True)
class Tag:
    id: str
    name: str
    color: str
    parent_id: str | None = None
    parent_name: str | None = None
    description: str = ""
    position: int = 0
    shortcut: str | None = None
    usage: int = 0

    @property
    def path(self) -> str:
        """The tag's place in its hierarchy: ``propaganda/Loaded_Language``."""
        return f"{self.parent_name}/{self.name}" if self.parent_name else self.name


@dataclass(frozen=True)
class Annotator:
    id: str
    name: str


@dataclass(frozen=True)
class Annotation:
    id: str
    article_id: str
    annotator: str
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    note: str = ""
    tags: tuple[str, ...] = ()
    anchor_state: str = ANCHORED
    created: str = ""
    updated: str = ""
    annotator_id: str = ""
    tag_paths: tuple[str, ...] = field(default=())
    # the tags' ids, in the order of ``tags``: what an undo refers to, since a name can
    # change under it (another process renames the tag)
    tag_ids: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "article_id": self.article_id,
            "annotator": self.annotator,
            "annotator_id": self.annotator_id,
            "tags": list(self.tags),
            "tag_paths": list(self.tag_paths),
            "start": self.start,
            "end": self.end,
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "note": self.note,
            "anchor_state": self.anchor_state,
            "created": self.created,
            "updated": self.updated,
        }
