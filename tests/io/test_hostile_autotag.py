"""Hostile patterns for `closeread autotag`: catastrophic backtracking ends in a clear
message within its time limit and Ctrl-C ends it at once (real processes, since a
signal and a stuck regular expression engine are the point), patterns that would take
gigabytes to compile are refused before, and an empty pattern is refused. Nothing is
tagged by a run that does not finish."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import Cli, dump, write

from desktop.core.errors import InvalidArgumentError, PatternTimeoutError
from desktop.io.autotag import autotag
from desktop.store.library import Library

EVIL = "(a|a)+$"  # 2**n ways to match a run of n a's, each failing at the final b
TEXT = "Runs\n\nThe harbour plan said the the same word twice. " + "a" * 40 + "b\n"


@pytest.fixture
def library_file(run: Cli, tmp_path: Path) -> Path:
    run("import", str(write(tmp_path / "runs.txt", TEXT)))
    run("annotate", json.loads(run("articles", "--json").stdout)[0]["id"], "--quote",
        "harbour", "--tag", "evidence")
    return run.db


def _closeread(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    return subprocess.Popen([sys.executable, "-m", "desktop", "--db", str(db), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_a_backtracking_pattern_is_stopped_by_its_time_limit(library_file):
    with Library(library_file) as library:
        before = dump(library_file)
        started = time.monotonic()
        with pytest.raises(PatternTimeoutError) as info:
            autotag(library, EVIL, ["evidence"], "tester", time_limit=0.3)
        assert time.monotonic() - started < 2.5
    assert "took longer than 0.3 s on the article 'The harbour plan" in info.value.message
    assert "backtracks too much" in info.value.message
    assert dump(library_file) == before


def test_the_command_ends_a_backtracking_pattern_within_seconds(library_file):
    before = dump(library_file)
    started = time.monotonic()
    process = _closeread(library_file, "autotag", "--pattern", EVIL, "--tag", "evidence")
    _, err = process.communicate(timeout=20)
    assert time.monotonic() - started < 8
    assert process.returncode == 1, err
    assert err.startswith("Error: --pattern '(a|a)+$' took longer than 3 s on the article "
                          "'The harbour plan said the the same word twice. aaaaaaaaaaaa…'"), err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert dump(library_file) == before


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="watches /proc for threads")
def test_ctrl_c_stops_a_backtracking_pattern_at_once(library_file):
    before = dump(library_file)
    process = _closeread(library_file, "autotag", "--pattern", EVIL, "--tag", "evidence")
    tasks = Path(f"/proc/{process.pid}/task")
    deadline = time.monotonic() + 15
    # the matching runs in a second thread: once it is there, the engine is stuck
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(tasks.iterdir())) >= 2:
            break
        time.sleep(0.01)
    assert process.poll() is None, "autotag ended before it could be interrupted"
    time.sleep(0.2)
    interrupted = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert time.monotonic() - interrupted < 1.5  # not the 3 s the engine's limit would take
    assert process.returncode == 130, err
    assert err == "Interrupted; nothing was left half-done.\n"
    assert dump(library_file) == before


@pytest.mark.parametrize(("pattern", "words"), [
    ("(?:(?:a{1000}){1000}){1000}", "repeats too much"),  # filled the memory until killed
    ("a{200000}", "repeats too much"),
    ("(" * 3000 + "a" + ")" * 3000, "nests its groups too deeply"),
    ("", "--pattern is empty"),
    ("(unclosed", "is not a valid regular expression"),
    # a negated class of a set and its complement matches nothing in re; the regex
    # package matched every character with it (each article tagged whole)
    (r"[^\s\S]*", r"the class [^\s\S] matches no character"),
    (r"word [^a\d\D]+", r"the class [^a\d\D] matches no character"),
    (r"[^\w\W\n]", r"the class [^\w\W\n] matches no character"),
])
def test_patterns_that_cannot_run_are_refused_before_anything_is_read(
        run, library_file, pattern, words):
    before = dump(library_file)
    started = time.monotonic()
    result = run("autotag", "--pattern", pattern, "--tag", "evidence", ok=False)
    assert time.monotonic() - started < 3
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and words in result.stderr
    assert result.stderr.count("\n") == 1
    assert dump(library_file) == before


def test_python_pattern_syntax_still_works(library_file):
    with Library(library_file) as library:
        # a backreference and a lookbehind: what RE2 would have refused
        result = autotag(library, r"\b(\w+) \1\b", ["opinion"], "tester")
        assert result.created == 1
        assert autotag(library, r"(?<=harbour )plan", ["opinion"], "tester").created == 1
        assert autotag(library, "HARBOUR", ["opinion"], "tester", ignore_case=True).created == 1
        quotes = sorted(a.exact for a in library.annotations.list() if "opinion" in a.tags)
    assert quotes == ["harbour", "plan", "the the"]


@pytest.mark.parametrize("pattern", [r"[^\S\n]+plan", r"harbour[\s\S]plan", r"\[^\s\S]",
                                     r"[^\\s\S]+"])
def test_classes_that_are_not_a_set_and_its_complement_run(library_file, pattern):
    # whitespace but a line break, anything, an escaped bracket, a backslash: not refused
    with Library(library_file) as library:
        autotag(library, pattern, ["opinion"], "tester")


def test_an_empty_pattern_is_refused_by_the_function_too(library_file):
    with Library(library_file) as library, pytest.raises(InvalidArgumentError):
        autotag(library, "", ["evidence"], "tester")
