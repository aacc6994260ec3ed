"""Binary documents (PDF, Word) read as paragraphs of plain text and their metadata."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import UnsupportedFormatError
from desktop.core.metadata import Metadata


@dataclass(frozen=True)
class ReadDocument:
    """A document's text (paragraphs separated by blank lines) and its metadata."""

    text: str
    metadata: Metadata


def read_document(path: Path, data: bytes, fmt: str) -> ReadDocument:
    """The text of the ``fmt`` document ``data`` read from ``path``."""
    raise UnsupportedFormatError(path, f"{fmt} documents cannot be read yet")
