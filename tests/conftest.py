"""Fixtures shared by every test: a fresh library file and the CLI run in-process."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from support import FIXTURES, REPO, SHARED, Cli, write

from desktop.store.library import Library

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# CI runs the property tests on a fixed sequence of examples, so a landing never depends
# on a lucky draw; locally they draw new examples each run and report the failing one
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

__all__ = ["FIXTURES", "REPO", "SHARED", "Cli", "write"]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def event_errors() -> Iterator[list[logging.LogRecord]]:
    """A change-event subscriber that fails is logged, not raised (the write is committed
    whatever a view makes of it); in a test it is a failure unless the test clears it."""
    recorder = _Recorder()
    logger = logging.getLogger("closeread.events")
    logger.addHandler(recorder)
    try:
        yield recorder.records
    finally:
        logger.removeHandler(recorder)
    if recorder.records:
        pytest.fail("a change-event subscriber failed:\n" + "\n".join(
            logging.Formatter().format(record) for record in recorder.records))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def library(db_path: Path) -> Iterator[Library]:
    lib = Library(db_path)
    yield lib
    lib.close()


@pytest.fixture
def run(db_path: Path) -> Cli:
    return Cli(db_path)
