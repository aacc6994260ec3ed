"""What the tests share besides fixtures: paths, a file writer, the in-process CLI.

Kept out of conftest.py so test modules import it by a name no other conftest has.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from desktop.cli import cli

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Cli:
    """Runs ``closeread --db DB ...`` in this process, as a user would type it."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True, input: str | None = None) -> Result:
        # no display: `closeread` alone lists the library instead of opening the window
        env = {
            "CLOSEREAD_ANNOTATOR": "tester",
            "QT_QPA_PLATFORM": None,
            "DISPLAY": None,
            "WAYLAND_DISPLAY": None,
        }
        result = self.runner.invoke(
            cli, ["--db", str(self.db), *args], input=input, catch_exceptions=False, env=env
        )
        if ok:
            assert result.exit_code == 0, (result.output, result.stderr)
        return result

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json").stdout)


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    """Writes a fixture file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return path


def dump(db: Path) -> list[str]:
    """Every row of a library file as SQL, to show that a command changed nothing."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def refused(run: Cli, args: list[str], *words: str, code: int | None = None,
            alone: bool = False) -> str:
    """Runs ``args``, which must fail with one error line holding every word (the only
    line on stderr when ``alone``) and leave the library exactly as it was; returns that
    line."""
    before = dump(run.db)
    result = run(*args, ok=False)
    output = result.stdout + result.stderr
    assert result.exit_code != 0 and (code is None or result.exit_code == code), output
    assert "Traceback" not in output and "unexpected" not in output, output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert not alone or result.stderr.splitlines() == errors, result.stderr
    for word in words:
        assert word in errors[0], errors[0]
    assert dump(run.db) == before
    return errors[0]


def refused_import(run: Cli, path: Path, *words: str) -> str:
    """Imports ``path``, which must fail with one line naming it and every word, and
    leave the library as it was; returns the message."""
    return refused(run, ["import", str(path)], str(path), *words, code=1)
