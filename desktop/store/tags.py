"""Tags and tag sets.

Tags are unique by name (case-insensitive) across the library; a tag set is an ordered
selection of them. The active set's order gives the 1–9 shortcut keys.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from desktop.core.errors import (
    InvalidArgumentError,
    TagExistsError,
    TagInUseError,
    UnknownTagError,
    UnknownTagSetError,
)
from desktop.core.model import Tag, new_id, now_iso
from desktop.core.tagsets import (
    DEFAULT_SET,
    PALETTE,
    TagSetSpec,
    available_tag_sets,
    load_tag_set,
    normalize_color,
    validate_tag_name,
)

if TYPE_CHECKING:
    from desktop.store.library import Library

ACTIVE_SET_KEY = "active_tag_set"

_TAG_COLUMNS_WITHOUT_USAGE = """
    t.id, t.name, t.color, t.parent_id, p.name AS parent_name, t.description, 0 AS usage
"""
_TAG_COLUMNS = """
    t.id, t.name, t.color, t.parent_id, p.name AS parent_name, t.description,
    (SELECT count(*) FROM annotation_tags at JOIN annotations a ON a.id = at.annotation_id
      WHERE at.tag_id = t.id AND a.deleted IS NULL) AS usage
"""


def install_shipped_tag_sets(db: sqlite_utils.Database) -> None:
    """Adds every set in resources/tagsets; the default one becomes active."""
    for name in available_tag_sets():
        _install_spec(db, load_tag_set(name))
    db.table("settings").upsert({"key": ACTIVE_SET_KEY, "value": DEFAULT_SET}, pk="key")


def _install_spec(db: sqlite_utils.Database, spec: TagSetSpec) -> str:
    row = db.execute("SELECT id FROM tag_sets WHERE name = ?", [spec.name]).fetchone()
    set_id = row[0] if row else new_id()
    if not row:
        db.table("tag_sets").insert(
            {"id": set_id, "name": spec.name, "title": spec.title,
             "description": spec.description}
        )
    start = db.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM tag_set_tags WHERE tag_set_id = ?", [set_id]
    ).fetchone()[0]
    for offset, (tag, parent) in enumerate(spec.flattened()):
        tag_id = _ensure_tag(db, tag.name, tag.color, tag.description,
                             _tag_id(db, parent.name) if parent else None)
        db.execute(
            "INSERT OR IGNORE INTO tag_set_tags (tag_set_id, tag_id, position) VALUES (?, ?, ?)",
            [set_id, tag_id, start + offset],
        )
    return set_id


def _tag_id(db: sqlite_utils.Database, name: str) -> str | None:
    row = db.execute("SELECT id FROM tags WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def _ensure_tag(db: sqlite_utils.Database, name: str, color: str, description: str,
                parent_id: str | None) -> str:
    existing = _tag_id(db, name)
    if existing:
        return existing
    tag_id = new_id()
    db.table("tags").insert(
        {"id": tag_id, "name": name, "color": color, "description": description,
         "parent_id": parent_id, "created": now_iso()}
    )
    return tag_id


@dataclass(frozen=True)
class TagRemoval:
    """A tag as it was before its removal: rows of ``tags`` (the tag first, then its
    children), its places in tag sets (set id, tag id, position) and its passages'
    links (annotation id, tag id)."""

    tag_id: str
    name: str
    tags: tuple[tuple[str, str, str | None, str, str, str], ...]
    places: tuple[tuple[str, str, int], ...]
    links: tuple[tuple[str, str], ...]


class Tags:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    # --- reading -------------------------------------------------------------------------

    @property
    def active_set(self) -> str:
        return self.library.setting(ACTIVE_SET_KEY, DEFAULT_SET) or DEFAULT_SET

    def tag_sets(self) -> builtins.list[dict[str, object]]:
        active = self.active_set
        rows = self.db.query(
            "SELECT s.name, s.title, s.description, count(m.tag_id) AS tags FROM tag_sets s "
            "LEFT JOIN tag_set_tags m ON m.tag_set_id = s.id GROUP BY s.id ORDER BY s.name"
        )
        return [{**row, "active": row["name"] == active} for row in rows]

    def list(self, tag_set: str | None = None, usage: bool = True) -> builtins.list[Tag]:
        """The tags of a set (the active one by default) in order, with shortcut keys;
        ``usage=False`` leaves the use counts at 0 and is quicker."""
        name = tag_set or self.active_set
        set_id = self._set_id(name)
        columns = _TAG_COLUMNS if usage else _TAG_COLUMNS_WITHOUT_USAGE
        rows = self.db.query(
            f"SELECT {columns}, m.position FROM tag_set_tags m "
            "JOIN tags t ON t.id = m.tag_id LEFT JOIN tags p ON p.id = t.parent_id "
            "WHERE m.tag_set_id = ? ORDER BY m.position",
            [set_id],
        )
        return [
            Tag(**{k: v for k, v in row.items() if k != "position"}, position=index,
                shortcut=str(index + 1) if index < 9 else None)
            for index, row in enumerate(rows)
        ]

    def all(self, usage: bool = True) -> builtins.list[Tag]:
        """Every tag of the library by name; ``usage=False`` as for ``list``."""
        columns = _TAG_COLUMNS if usage else _TAG_COLUMNS_WITHOUT_USAGE
        rows = self.db.query(
            f"SELECT {columns} FROM tags t LEFT JOIN tags p ON p.id = t.parent_id "
            "ORDER BY t.name COLLATE NOCASE"
        )
        return [Tag(**row) for row in rows]

    def get(self, name: str, usage: bool = True) -> Tag:
        """The tag with the id ``name``, else the tag called ``name`` (any case), or its path
        ``parent/name``. An undo refers to a tag by id: its name may have changed since.
        ``usage=False`` leaves the use count at 0: counting reads every passage carrying
        the tag, which a write that only needs the tag's id should not pay for."""
        columns = _TAG_COLUMNS if usage else _TAG_COLUMNS_WITHOUT_USAGE
        rows = list(self.db.query(
            f"SELECT {columns} FROM tags t LEFT JOIN tags p ON p.id = t.parent_id "
            "WHERE t.id = ?", [name]))
        if rows:
            return Tag(**rows[0])
        wanted = name.strip()
        if "/" in wanted:
            parent, _, wanted = wanted.rpartition("/")
        else:
            parent = ""
        rows = list(self.db.query(
            f"SELECT {columns} FROM tags t LEFT JOIN tags p ON p.id = t.parent_id "
            "WHERE t.name = ? COLLATE NOCASE",
            [wanted],
        ))
        if parent:
            rows = [r for r in rows if (r["parent_name"] or "").lower() == parent.lower()]
        if not rows:
            known = ", ".join(t.name for t in self.list())
            raise UnknownTagError(f"unknown tag {name!r}; tags in the active set: {known}")
        return Tag(**rows[0])

    def _set_id(self, name: str) -> str:
        row = self.db.execute("SELECT id FROM tag_sets WHERE name = ?", [name]).fetchone()
        if not row:
            names = ", ".join(s["name"] for s in self.tag_sets())  # type: ignore[misc]
            raise UnknownTagSetError(f"unknown tag set {name!r}; available: {names}")
        return str(row[0])

    def path_matcher(self, tag: str | None) -> Callable[[str], bool]:
        """Whether a tag path is ``tag`` or one of its child tags (any path when ``tag``
        is None): what an export with ``--tag`` keeps."""
        if not tag:
            return lambda path: True
        wanted = self.get(tag).path.lower()
        return lambda path: path.lower() == wanted or path.lower().startswith(wanted + "/")

    # --- changing ------------------------------------------------------------------------

    def add(self, name: str, color: str | None = None, parent: str | None = None,
            description: str = "") -> Tag:
        """A new tag at the end of the active set."""
        name = validate_tag_name(name)
        with self.library.transaction():
            if _tag_id(self.db, name):
                raise TagExistsError(f"a tag named {name!r} already exists")
            parent_id = None
            if parent:
                parent_tag = self.get(parent)
                if parent_tag.parent_id:
                    raise InvalidArgumentError(
                        f"tags nest one level: {parent_tag.path!r} is itself a child tag")
                parent_id = parent_tag.id
            if color is None:
                color = self._free_color()
            tag_id = _ensure_tag(self.db, name, normalize_color(color), description, parent_id)
            set_id = self._set_id(self.active_set)
            self.db.execute(
                "INSERT INTO tag_set_tags (tag_set_id, tag_id, position) "
                "SELECT ?, ?, coalesce(max(position) + 1, 0) FROM tag_set_tags "
                "WHERE tag_set_id = ?",
                [set_id, tag_id, set_id],
            )
        return self.get(name)

    def _free_color(self) -> str:
        """A palette colour no tag of the active set has, else the least used one."""
        in_set = [t.color for t in self.list()]
        free = [c for c in PALETTE if c not in in_set]
        if free:
            return free[0]
        return min(PALETTE, key=in_set.count)

    def rename(self, old: str, new: str) -> Tag:
        """Renames a tag; every annotation carrying it follows."""
        new = validate_tag_name(new)
        with self.library.transaction():
            tag = self.get(old)
            clash = _tag_id(self.db, new)
            if clash and clash != tag.id:
                raise TagExistsError(f"cannot rename {tag.name!r}: a tag named {new!r} exists")
            self.db.execute("UPDATE tags SET name = ? WHERE id = ?", [new, tag.id])
        return self.get(new)

    def recolor(self, name: str, color: str) -> Tag:
        color = normalize_color(color)
        with self.library.transaction():
            tag = self.get(name)
            self.db.execute("UPDATE tags SET color = ? WHERE id = ?", [color, tag.id])
        return self.get(tag.name)

    def remove(self, name: str, force: bool = False) -> int:
        """Removes a tag (and its children); refused while in use unless ``force``.

        With ``force`` the tag is taken off every annotation that carries it; the
        annotations themselves stay. Returns how many annotations lost the tag.
        """
        with self.library.transaction():
            tag = self.get(name)
            ids = [tag.id] + [
                row[0] for row in self.db.execute(
                    "SELECT id FROM tags WHERE parent_id = ?", [tag.id])
            ]
            marks = ",".join("?" * len(ids))
            used = self.db.execute(
                f"SELECT count(DISTINCT at.annotation_id) FROM annotation_tags at "
                f"JOIN annotations a ON a.id = at.annotation_id "
                f"WHERE at.tag_id IN ({marks}) AND a.deleted IS NULL",
                ids,
            ).fetchone()[0]
            if used and not force:
                raise TagInUseError(
                    f"tag {tag.name!r} is used by {used} annotation{'s' if used != 1 else ''}"
                    f"{' (with its child tags)' if len(ids) > 1 else ''}; "
                    "use --force to remove it from them"
                )
            self.db.execute(f"DELETE FROM annotation_tags WHERE tag_id IN ({marks})", ids)
            self.db.execute(f"DELETE FROM tag_set_tags WHERE tag_id IN ({marks})", ids)
            self.db.execute(f"DELETE FROM tags WHERE id IN ({marks}) AND parent_id IS NOT NULL",
                            ids)
            self.db.execute("DELETE FROM tags WHERE id = ?", [tag.id])
        return int(used)

    def remove_undoably(self, name: str) -> TagRemoval:
        """Removes ``name`` (with its children, from every passage) and returns what it
        took away, read in the same transaction: a passage tagged by another process in
        between is in the record, so an undo gives it back too."""
        with self.library.transaction():
            removal = self.removal(name)
            self.remove(removal.tag_id, force=True)
        return removal

    def ensure(self, path: str) -> Tag:
        """The tag at ``path`` (a name or ``parent/name``), made when the library lacks it
        (its parent too, at the end of the active set, the next free colour); a tag called
        so under another parent here is that tag (names are unique in a library). What the
        server and the sync do with a tag a client or a server names."""
        parent, _, name = path.strip().rpartition("/")
        for wanted in (path, name):
            try:
                return self.get(wanted, usage=False)
            except UnknownTagError:
                pass
        if parent:
            try:
                self.get(parent, usage=False)
            except UnknownTagError:
                self.add(parent)
        return self.add(name, parent=parent or None)

    def removal(self, name: str) -> TagRemoval:
        """What removing ``name`` takes away (the tag, its child tags, their places in the
        tag sets, and their links to passages), so that ``restore`` can put it back."""
        tag = self.get(name)
        with self.library.errors():
            conn = self.db.conn
            tags = conn.execute(
                "SELECT id, name, parent_id, color, description, created FROM tags "
                "WHERE id = ? OR parent_id = ? ORDER BY parent_id IS NOT NULL",
                [tag.id, tag.id]).fetchall()
            ids = [row[0] for row in tags]
            marks = ",".join("?" * len(ids))
            places = conn.execute(
                f"SELECT tag_set_id, tag_id, position FROM tag_set_tags "
                f"WHERE tag_id IN ({marks})", ids).fetchall()
            links = conn.execute(
                f"SELECT annotation_id, tag_id FROM annotation_tags WHERE tag_id IN ({marks})",
                ids).fetchall()
        return TagRemoval(tag.id, tag.name, tuple(tags), tuple(places), tuple(links))

    def restore(self, removal: TagRemoval) -> Tag:
        """Puts back a removed tag as ``removal`` recorded it: same id, children, places
        and passages (those passages that still exist)."""
        with self.library.transaction():
            coming = {row[0] for row in removal.tags}
            for row in removal.tags:
                clash = _tag_id(self.db, row[1])
                if clash and clash != row[0]:
                    raise TagExistsError(f"cannot bring back the tag {row[1]!r}: another tag "
                                         "has its name now")
                parent = row[2]
                if parent and parent not in coming and self.db.execute(
                        "SELECT 1 FROM tags WHERE id = ?", [parent]).fetchone() is None:
                    raise UnknownTagError(f"cannot bring back the tag {row[1]!r}: its parent "
                                          "tag was removed since")
            conn = self.db.conn
            conn.executemany(
                "INSERT OR IGNORE INTO tags (id, name, parent_id, color, description, created) "
                "VALUES (?, ?, ?, ?, ?, ?)", removal.tags)
            # lowest place first: each insert makes room above itself for the next
            for set_id, tag_id, position in sorted(removal.places, key=lambda p: (p[0], p[2])):
                # make room: the set may have changed order since
                conn.execute("UPDATE tag_set_tags SET position = position + 1 "
                             "WHERE tag_set_id = ? AND position >= ?", [set_id, position])
                conn.execute("INSERT OR IGNORE INTO tag_set_tags (tag_set_id, tag_id, position) "
                             "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM tag_sets WHERE id = ?)",
                             [set_id, tag_id, position, set_id])
            conn.executemany(
                "INSERT OR IGNORE INTO annotation_tags (annotation_id, tag_id) "
                "SELECT ?, ? WHERE EXISTS (SELECT 1 FROM annotations WHERE id = ?)",
                [(annotation_id, tag_id, annotation_id) for annotation_id, tag_id
                 in removal.links])
        return self.get(removal.tag_id)

    def move(self, name: str, position: int) -> builtins.list[Tag]:
        """Puts a tag at ``position`` (1-based) in the active set; the keys 1–9 follow."""
        with self.library.transaction():
            tag = self.get(name)
            current = [t.id for t in self.list()]
            if tag.id not in current:
                raise UnknownTagError(f"tag {tag.name!r} is not in the active set")
            if not 1 <= position <= len(current):
                raise InvalidArgumentError(
                    f"position {position} is out of range 1..{len(current)}")
            current.remove(tag.id)
            current.insert(position - 1, tag.id)
            set_id = self._set_id(self.active_set)
            for index, tag_id in enumerate(current):
                self.db.execute(
                    "UPDATE tag_set_tags SET position = ? WHERE tag_set_id = ? AND tag_id = ?",
                    [index, set_id, tag_id],
                )
        return self.list()

    def use_set(self, name: str) -> None:
        """Makes ``name`` the active tag set, installing it from resources if needed."""
        with self.library.transaction():
            try:
                self._set_id(name)
            except UnknownTagSetError:
                _install_spec(self.db, load_tag_set(name))
            self.library.set_setting(ACTIVE_SET_KEY, name)
