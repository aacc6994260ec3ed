"""Tag sets: named, ordered lists of tags, possibly nested one level (techniques).

The sets that ship live in ``resources/tagsets/*.json``. The ``resources`` folder is the
package ``desktop.resources`` (see pyproject.toml), in the editable install and in a wheel
alike, so its files are read through ``importlib.resources``, not from a path worked out
from where this module lies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable

from desktop.core.errors import InvalidArgumentError, UnknownTagSetError
from desktop.core.names import MAX_TAG_NAME, checked_name

RESOURCES: Traversable = files("desktop.resources")
TAGSET_DIR: Traversable = RESOURCES / "tagsets"
SAMPLES_DIR: Traversable = RESOURCES / "samples"

DEFAULT_SET = "default"

# Colour-blind-safe colours (Okabe and Ito, then Tol's muted scheme) for new tags.
PALETTE = (
    "#D55E00", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442",
    "#882255", "#44AA99", "#332288", "#999933", "#AA4499", "#117733", "#88CCEE",
)

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAMED_COLORS = {
    "red": "#D55E00", "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73",
    "pink": "#CC79A7", "sky": "#56B4E9", "yellow": "#F0E442", "purple": "#AA4499",
    "teal": "#44AA99", "grey": "#999999", "gray": "#999999",
}


@dataclass(frozen=True)
class TagSpec:
    name: str
    color: str
    description: str = ""
    children: tuple[TagSpec, ...] = field(default=())


@dataclass(frozen=True)
class TagSetSpec:
    name: str
    title: str
    description: str
    tags: tuple[TagSpec, ...]

    def flattened(self) -> list[tuple[TagSpec, TagSpec | None]]:
        """Every tag in set order, each with its parent (None at the top level)."""
        out: list[tuple[TagSpec, TagSpec | None]] = []
        for tag in self.tags:
            out.append((tag, None))
            out.extend((child, tag) for child in tag.children)
        return out


def normalize_color(value: str) -> str:
    """``#rrggbb`` (upper case) from a hex colour or one of a few names."""
    value = value.strip()
    if value.lower() in _NAMED_COLORS:
        return _NAMED_COLORS[value.lower()]
    if not value.startswith("#"):
        value = "#" + value
    if not _COLOR.match(value):
        raise InvalidArgumentError(
            f"colour {value!r} is not #RRGGBB or one of: {', '.join(sorted(_NAMED_COLORS))}"
        )
    return value.upper()


def validate_tag_name(name: str) -> str:
    """The tag name, stripped; refuses '/', which separates tag paths, names longer than
    ``MAX_TAG_NAME`` and what ``desktop.core.names`` refuses in any name: empty or
    invisible names, control characters, line breaks, direction controls and other
    invisible format characters (a tag name is shown on one line, written into
    tab-separated PTC and brat files, and stored as UTF-8)."""
    name = checked_name(name, "tag name", 1 << 30)
    if "/" in name:
        raise InvalidArgumentError(f"tag name {name!r} must not contain '/'")
    if len(name) > MAX_TAG_NAME:
        raise InvalidArgumentError(
            f"tag name {name[:20]!r}… is longer than {MAX_TAG_NAME} characters")
    return name


def available_tag_sets() -> list[str]:
    """The names of the shipped tag sets, sorted."""
    return sorted(
        entry.name.removesuffix(".json") for entry in TAGSET_DIR.iterdir()
        if entry.name.endswith(".json") and entry.is_file()
    )


def load_tag_set(name: str) -> TagSetSpec:
    """The shipped tag set ``name``."""
    available = available_tag_sets()
    if name not in available:
        raise UnknownTagSetError(f"unknown tag set {name!r}; available: {', '.join(available)}")
    data = json.loads((TAGSET_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return TagSetSpec(
        name=data["name"],
        title=data.get("title", data["name"]),
        description=data.get("description", ""),
        tags=tuple(_spec(tag) for tag in data["tags"]),
    )


def _spec(data: dict) -> TagSpec:  # type: ignore[type-arg]
    return TagSpec(
        name=validate_tag_name(data["name"]),
        color=normalize_color(data["color"]),
        description=data.get("description", ""),
        children=tuple(_spec(child) for child in data.get("children", ())),
    )
