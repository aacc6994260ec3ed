"""Fixtures shared by every test: a fresh library file and the CLI run in-process."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from desktop.cli import cli
from desktop.store.library import Library

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    lib = Library(db_path)
    yield lib
    lib.close()


class Cli:
    """Runs ``closeread --db DB ...`` in this process, as a user would type it."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True, input: str | None = None) -> Result:
        # no display: `closeread` alone lists the library instead of opening the window
        env = {"CLOSEREAD_ANNOTATOR": "tester", "QT_QPA_PLATFORM": None, "DISPLAY": None,
               "WAYLAND_DISPLAY": None}
        result = self.runner.invoke(cli, ["--db", str(self.db), *args], input=input,
                                    catch_exceptions=False, env=env)
        if ok:
            assert result.exit_code == 0, (result.output, result.stderr)
        return result

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json").stdout)


@pytest.fixture
def run(db_path: Path) -> Cli:
    return Cli(db_path)


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Writes a fixture file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return path
