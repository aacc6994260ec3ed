"""Hostile input at the command line itself: arguments and file names that are not UTF-8,
numbers past SQLite's integers, bad environment variables, standard output that closes
(`| head -1`) or is full (/dev/full); and a sweep of every kind of hostile input of the
issue through the CLI, none of which may end in "Error: unexpected …" (exit 70): each
ends in one message, or is read as what it is.

Pipes and /dev/full need real processes; the rest runs in this one.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from support import Cli, dump, write

from desktop.core.selectors import select_quote
from desktop.store.articles import NewArticle
from desktop.store.library import Library

BODY = ("Harbour plan splits the town council\n\nThe council voted seven to four on "
        "Tuesday to widen the old harbour, after a debate that ran past midnight.\n")
HUGE = "1" + "0" * 30  # an integer past 2**63 - 1


@pytest.fixture
def article(run: Cli, tmp_path: Path) -> str:
    run("import", str(write(tmp_path / "seed" / "first.txt", BODY)))
    article_id = json.loads(run("articles", "--json").stdout)[0]["id"]
    run("annotate", article_id, "--quote", "council voted", "--tag", "evidence")
    return str(article_id)


def refused(run: Cli, args: list[str], message: str, code: int = 1,
            env: dict[str, str] | None = None) -> None:
    before = dump(run.db)
    result = run.runner.invoke(
        __import__("desktop.cli", fromlist=["cli"]).cli, ["--db", str(run.db), *args],
        env={"CLOSEREAD_ANNOTATOR": "tester", **(env or {})}, catch_exceptions=False)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr == f"Error: {message}\n"
    assert dump(run.db) == before


# --- 4. numbers, undecodable arguments and file names, environment variables ---------------


@pytest.mark.parametrize(("args", "option"), [
    (["changes", "--since", HUGE], "--since"),
    (["changes", f"--since={HUGE}"], "--since"),
    (["changes", "--limit", HUGE], "--limit"),
    (["search", "harbour", "--limit", HUGE], "--limit"),
])
def test_numbers_past_sqlites_integers_are_refused_naming_the_option(run, article, args,
                                                                     option):
    refused(run, args, f"the number 10000000000000000000… given to {option} is too large "
                       "(at most 9223372036854775807)", code=2)


def test_an_argument_that_is_not_utf8_is_refused_naming_it(run, article):
    # POSIX hands an undecodable byte over as a lone surrogate, which SQLite cannot bind
    refused(run, ["annotate", "ab\udcffcd", "--quote", "x", "--tag", "evidence"],
            "the argument 'ab\\xffcd' is not valid UTF-8 text; Closeread stores names and "
            "words as UTF-8", code=2)
    refused(run, ["annotations", "--annotator", "\udcfe"],
            "the argument '\\xfe' is not valid UTF-8 text; Closeread stores names and words "
            "as UTF-8", code=2)
    # the byte shown as the byte it was, \xff, as for file names and other arguments
    refused(run, ["tags", "add", "x\udcffy"],
            "tag name 'x\\xffy' contains a character that is not valid text (U+DCFF); tag "
            "names are one line of text")
    refused(run, ["annotate", article, "--quote", "the\udcff", "--tag", "evidence"],
            "quote not found in the article: 'the\\xff'")
    refused(run, ["agreement", "--annotators", "x\udc80,b"],
            "no annotator 'x\\x80', 'b'; annotators in the library: tester")


def test_an_annotator_variable_that_is_not_utf8_is_refused_naming_it(run, article):
    refused(run, ["annotate", article, "--quote", "Tuesday", "--tag", "evidence"],
            "the environment variable CLOSEREAD_ANNOTATOR ('ann\\xff') is not valid UTF-8 "
            "text", code=2, env={"CLOSEREAD_ANNOTATOR": "ann\udcff"})


def test_a_file_name_that_is_not_utf8_is_imported_and_shown_by_its_readable_form(
        run, article, tmp_path):
    folder = os.fsencode(tmp_path / "names")
    os.makedirs(folder)
    raw = os.path.join(folder, b"caf\xe9 \xff.txt")
    with open(raw, "wb") as stream:
        stream.write(b"Another article\n\nWith a name no UTF-8 reader can decode.\n")
    result = run("import", os.fsdecode(raw))
    shown = f"{tmp_path}/names/caf\\xe9 \\xff.txt"
    assert f"imported  {shown} -> " in result.stdout
    listed = json.loads(run("articles", "--json").stdout)
    assert shown in [a["source_path"] for a in listed]
    missing = run("import", os.fsdecode(os.path.join(folder, b"gone\xff.txt")), ok=False)
    assert f"Error: {tmp_path}/names/gone\\xff.txt: no such file or folder" in missing.stderr


def test_a_file_name_that_is_not_utf8_prints_in_a_real_process(tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")
    with open(raw, "wb") as stream:
        stream.write(BODY.encode())
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "CLOSEREAD_ANNOTATOR": "t"}
    result = subprocess.run([sys.executable, "-m", "desktop", "--db",
                             str(tmp_path / "lib.db"), "import", raw], capture_output=True,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"imported  {tmp_path}/bad\\xff.txt -> ".encode() in result.stdout


def test_names_that_are_not_utf8_inside_folders_and_of_bundles(run, article, tmp_path):
    base = os.fsencode(tmp_path)

    def made(*parts: bytes, content: bytes) -> str:
        path = os.path.join(base, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as stream:
            stream.write(content)
        return os.fsdecode(path)

    made(b"brat", b"doc\xff.txt", content=b"Brat title\n\nSome brat text.\n")
    made(b"ptc\xfe", b"article5.txt", content=b"Ptc title\n\nSome PTC text.\n")
    run("import", "--format", "brat", str(tmp_path / "brat"))
    run("import", "--format", "ptc", os.fsdecode(os.path.join(base, b"ptc\xfe")))
    paths = {a["title"]: a["source_path"] for a in json.loads(run("articles", "--json").stdout)}
    assert paths["Brat title"] == f"{tmp_path}/brat/doc\\xff.txt"
    assert paths["Ptc title"] == f"{tmp_path}/ptc\\xfe/article5.txt"
    # a PTC id is the file name's: one that is not text is refused
    bad = made(b"ptc2", b"article\xff.txt", content=b"T\n\nText.\n")
    refused(run, ["import", "--format", "ptc", str(tmp_path / "ptc2")],
            f"{tmp_path}/ptc2/article\\xff.txt: the PTC id in the file name is not valid "
            "UTF-8 text; rename the file (and its labels' first column)")
    assert bad
    # a bundle's name goes into the import report of the articles it adds
    other = Cli(tmp_path / "other.db")
    other("import", made(b"o", b"new.txt", content=b"Bundle title\n\nA text to merge.\n"))
    bundle = made(b"b\xff.json", content=b"")
    other("export", "--format", "bundle", "-o", bundle)
    merged = run("merge", bundle)
    assert f"{tmp_path}/b\\xff.json: articles: 1 added" in merged.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
@pytest.mark.parametrize("args", [["import", "PIPE"], ["merge", "PIPE"],
                                  ["import-annotations", "--format", "ptc", "PIPE"],
                                  ["import-annotations", "--format", "jsonld", "PIPE"],
                                  ["import", "--format", "ptc", "PIPE"],
                                  ["merge", "DEVICE"]])
def test_a_named_pipe_or_a_device_is_refused_not_waited_on(run, article, tmp_path, args):
    # reading a named pipe waits for a writer for ever; /dev/zero never ends
    pipe = tmp_path / "article7.txt"
    os.mkfifo(pipe)
    device = "/dev/zero"
    named = {"PIPE": str(pipe), "DEVICE": device}
    where = named["PIPE" if "PIPE" in args else "DEVICE"]
    refused(run, [named.get(a, a) for a in args],
            f"{where}: not a regular file (a device or a named pipe); give a saved file")


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf", "-inf", "1e999", "3601",
                                   "5 s", "0x10"])
def test_a_bad_busy_timeout_is_refused_naming_the_variable(run, article, value):
    refused(run, ["articles"], f"CLOSEREAD_BUSY_TIMEOUT='{value}': give the seconds a "
            "command waits for another program's write, a number from 0 to 3600",
            env={"CLOSEREAD_BUSY_TIMEOUT": value})


@pytest.mark.parametrize("value", ["", " ", "0", " 2.5 ", "3600", "1e-400"])
def test_a_good_or_empty_busy_timeout_is_taken(run, article, value):
    result = run.runner.invoke(__import__("desktop.cli", fromlist=["cli"]).cli,
                               ["--db", str(run.db), "articles"],
                               env={"CLOSEREAD_BUSY_TIMEOUT": value})
    assert result.exit_code == 0 and "Harbour plan" in result.stdout


def test_show_never_sends_a_file_s_control_characters_to_the_terminal(run, tmp_path):
    folder = tmp_path / "ptc"
    write(folder / "article9.txt", "Title\n\nClear \x1b[2J screen and \x07 bell \x9b here.\n")
    run("import", "--format", "ptc", str(folder))
    article_id = json.loads(run("articles", "--json").stdout)[0]["id"]
    shown = run("show", article_id, "--color").stdout
    body = shown.split("-" * 60, 1)[1]
    assert "\x1b[2J" not in body and "\x07" not in body and "\x9b" not in body
    assert "Clear ␛[2J screen and ␇ bell \ufffd here." in body
    # the stored text keeps them: PTC offsets count every character
    assert "\x1b[2J" in json.loads(run("show", article_id, "--json").stdout)["text"]


# --- 9. standard output closed or full -------------------------------------------------------


def _process(db: Path, *args: str, **options: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    return subprocess.Popen([sys.executable, "-m", "desktop", "--db", str(db), *args],
                            env=env, stderr=subprocess.PIPE, **options)  # type: ignore[call-overload]


@pytest.fixture
def big_library(tmp_path: Path) -> Path:
    """200 articles: more output than a pipe holds (64 kB), so a writer must block."""
    db = tmp_path / "big.db"
    with Library(db) as library, library.transaction():
        for number in range(200):
            text = f"Article {number}\n\n" + f"Words of article {number}. " * 40
            article, _ = library.articles.add_in_transaction(NewArticle(
                title=f"Article {number}", text=text, format="text"))
    with Library(db) as library:
        library.annotations.create(article.id, select_quote(text, "Article 199"),
                                   ["evidence"], "t")
    return db


@pytest.mark.parametrize("args", [["articles", "--json"], ["show", "Article 199"],
                                  ["export", "--format", "jsonld"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(big_library, args):
    # `closeread articles | head -1`: before, a BrokenPipeError message and exit 70
    if args[0] == "show":
        with Library(big_library) as library:
            args = ["show", library.articles.list()[-1].id]
    process = _process(big_library, *args, stdout=subprocess.PIPE)
    assert process.stdout is not None
    first = process.stdout.readline()
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert first
    assert process.returncode == 0, err
    assert err == b""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["articles"], ["articles", "--json"],
                                  ["export", "--format", "csv"], ["changes"],
                                  # answered by click before any command runs
                                  ["--help"], ["--version"], ["export", "--help"]])
def test_a_full_disk_on_standard_output_is_one_message(big_library, args):
    before = dump(big_library)
    with open("/dev/full", "wb") as full:
        process = _process(big_library, *args, stdout=full)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err == b"Error: standard output: cannot write (No space left on device)\n"
    assert dump(big_library) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["jsonld", "bundle"])
def test_an_export_to_a_full_device_names_it(big_library, fmt):
    # written to directly: a partial file renamed over /dev/full would replace the device
    process = _process(big_library, "export", "--format", fmt, "-o", "/dev/full",
                       stdout=subprocess.PIPE)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err == b"Error: /dev/full: cannot write (No space left on device)\n"
    assert Path("/dev/full").is_char_device()


# --- 10. the sweep: no input ends in "Error: unexpected" ----------------------------------


def _files(tmp: Path, article_id: str) -> dict[str, list[str]]:
    """Command lines with a hostile input of each class, by name; files made in ``tmp``."""
    cases: dict[str, list[str]] = {}

    def imports(name: str, content: bytes, *options: str) -> None:
        cases[f"import {name}"] = ["import", *options, str(write(tmp / "in" / name, content))]

    # 1. control characters and encodings
    imports("nul.txt", b"T\n\nbody\x00 text\n")
    imports("late-nul.md", b"# T\n\n" + b"word " * 3000 + b"\x00")
    imports("controls.txt", b"T\n\nbody \x1b[31m\x07\x7f\xc2\x9b text\n")
    imports("u32le.txt", codecs.BOM_UTF32_LE + "T\n\nbody\n".encode("utf-32-le"))
    imports("u32be.html", codecs.BOM_UTF32_BE + "<p>body</p>".encode("utf-32-be"))
    imports("u32-broken.txt", codecs.BOM_UTF32_LE + b"\x00\x00\x11\x00")
    imports("u16-odd.txt", codecs.BOM_UTF16_LE + b"T\x00\n")
    imports("bom-only.txt", codecs.BOM_UTF8)
    # 2. charsets that are codecs
    for charset in ("hex", "rot13", "unicode_escape", "base64", "zlib", "uu", "bz2",
                    "quopri", "punycode", "utf-7", "nonsense-charset"):
        imports(f"{charset}.html", b'<meta charset="' + charset.encode() + b'"><p>caf\xe9</p>')
    # 3. nesting
    imports("divs.html", b"<div>" * 10_000 + b"<p>deep</p>")
    imports("inline.html", b"<p>" + b"<b>" * 5000 + b"deep words" * 50)
    imports("quotes.md", b"# T\n\n" + b">" * 10_000 + b" deep\n")
    imports("list.md", b"# T\n\n" + b"".join(b"  " * i + b"- x\n" for i in range(2000)))
    imports("chain.md", b"# T\n\n" + b"- > 1. " * 3000 + b"deep\n")
    # 4. numbers, dates, surrogates
    ptc = tmp / "ptc"
    write(ptc / "article1.txt", b"Title\n\nSome text of the article.\n")
    cases["ptc articles"] = ["import", "--format", "ptc", str(ptc)]
    for name, line in {"huge": f"1\t{'9' * 5000}\t5\n", "int64": f"1\t0\t{HUGE}\n",
                       "tab-tag": "1\tA\tB\t0\t3\n", "esc-tag": "1\tA\x1bB\t0\t3\n",
                       "negative": "1\t-3\t5\n", "utf16": "\ufeff1\t0\t3\n"}.items():
        labels = write(tmp / "labels" / f"{name}.labels", line.encode(
            "utf-16" if name == "utf16" else "utf-8"))
        cases[f"ptc labels {name}"] = ["import-annotations", "--format", "ptc", str(labels)]
    brat = tmp / "brat"
    write(brat / "doc.txt", b"Title\n\nSome text.\n")
    write(brat / "doc.ann", f"T1\tClaim 0 {'9' * 5000}\tTitle\n".encode())
    cases["brat huge offset"] = ["import", "--format", "brat", str(brat)]
    brat2 = tmp / "brat2"
    write(brat2 / "doc.txt", b"Title\n\nSome text.\n")
    write(brat2 / "doc.ann", b"T1\tCl\x1baim 0 5\tTitle\n")
    write(brat2 / "annotation.conf", b"[entities]\nA\n\tB\x07C\n")
    cases["brat control type"] = ["import", "--format", "brat", str(brat2)]
    item = {"type": "Annotation", "id": f"urn:uuid:{uuid.uuid4()}",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "evidence"}],
            "target": {"source": f"urn:closeread:article:{article_id}",
                       "selector": [{"type": "TextPositionSelector", "start": 0,
                                     "end": 7}]}}
    for name, change in {
            "huge": lambda t: t.replace('"end": 7', f'"end": {"9" * 5000}'),
            "int64": lambda t: t.replace('"end": 7', f'"end": {HUGE}'),
            "nan": lambda t: t.replace('"end": 7', '"end": NaN'),
            "surrogate": lambda t: t.replace('"evidence"', '"\\ud800"'),
            "date0": lambda t: t.replace('"type": "Annotation"',
                                         '"type": "Annotation", "created": "0000-01-01"'),
            "date-utc": lambda t: t.replace('"type": "Annotation"', '"type": "Annotation", '
                                            '"created": "0001-01-01T00:00:00+01:00"'),
            "tag-newline": lambda t: t.replace('"evidence"', '"evi\\ndence"'),
            "deep": lambda t: "[" * 100_000 + "]" * 100_000,
    }.items():
        path = write(tmp / "jsonld" / f"{name}.jsonld", change(json.dumps([item])))
        cases[f"jsonld {name}"] = ["import-annotations", "--format", "jsonld", str(path)]
    bundle = {"format": "closeread-bundle", "version": 1, "articles": [], "tags": [],
              "annotators": [], "annotations": []}
    for name, text in {
            "version": json.dumps(bundle).replace('"version": 1', f'"version": {"1" * 5000}'),
            "surrogate": json.dumps({**bundle, "generator": "G"}).replace('"G"', '"\\udfff"'),
            "tag": json.dumps({**bundle, "tags": [{"path": "a\tb", "color": "#112233"}]}),
            "created": json.dumps({**bundle, "created": "9999-12-31T23:59:59-01:00"}),
    }.items():
        path = write(tmp / "bundles" / f"{name}.json", text)
        cases[f"bundle {name}"] = ["merge", str(path)]
    # 5. tag names, an empty pattern
    for name in ("a\nb", "a\tb", "a\x1bb", "a\u2028b", "a\udcffb"):
        cases[f"tags add {name!r}"] = ["tags", "add", name]
        cases[f"tags rename {name!r}"] = ["tags", "rename", "evidence", name]
    cases["autotag empty"] = ["autotag", "--pattern", "", "--tag", "evidence"]
    # 6. patterns that cannot run
    cases["autotag unrolled"] = ["autotag", "--pattern", "(?:(?:a{1000}){1000}){1000}",
                                 "--tag", "evidence"]
    cases["autotag deep groups"] = ["autotag", "--pattern", "(" * 3000 + ")" * 3000,
                                    "--tag", "evidence"]
    # 7. a decompression bomb (the size limit is lowered below)
    bomb = tmp / "bomb.json.gz"
    with gzip.open(bomb, "wb") as stream:
        stream.write(b'{"format": "closeread-bundle", "x": "' + b"0" * 3_000_000 + b'"}')
    cases["bundle bomb"] = ["merge", str(bomb)]
    cases["bundle truncated gzip"] = ["merge", str(write(tmp / "cut.gz",
                                                         bomb.read_bytes()[:200]))]
    # 4. command-line values
    cases["since huge"] = ["changes", "--since", HUGE]
    cases["limit huge"] = ["search", "harbour", "--limit", HUGE]
    cases["article not utf8"] = ["show", "\udcff"]
    cases["annotate not utf8"] = ["annotate", article_id, "--quote", "Tuesday",
                                  "--note", "n\udcff", "--tag", "evidence"]
    cases["annotate huge offsets"] = ["annotate", article_id, "--start", HUGE, "--end",
                                      HUGE + "1", "--tag", "evidence"]
    cases["move huge"] = ["tags", "move", "evidence", HUGE]
    cases["import missing not utf8"] = ["import", "gone\udcff.txt"]
    return cases


def _other_database(tmp: Path) -> Path:
    path = tmp / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    return path


def test_no_hostile_input_ends_in_an_unexpected_error(run, article, tmp_path, monkeypatch):
    import desktop.io.bundle as bundle_module

    monkeypatch.setattr(bundle_module, "MAX_BUNDLE_BYTES", 1_000_000)
    cases = _files(tmp_path / "hostile", article)
    runs: list[tuple[str, Cli, list[str], dict[str, str]]] = [
        (name, run, args, {}) for name, args in cases.items()]
    for value in ("abc", "-1", "nan", "inf", "1e999"):
        runs.append((f"timeout {value}", run, ["articles"], {"CLOSEREAD_BUSY_TIMEOUT": value}))
    runs.append(("annotator not utf8", run, ["annotate", article, "--quote", "Tuesday",
                                             "--tag", "evidence"],
                 {"CLOSEREAD_ANNOTATOR": "x\udcff"}))
    runs.append(("other database", Cli(_other_database(tmp_path)), ["articles"], {}))
    from desktop.cli import cli

    failures: list[str] = []
    for name, runner, args, env in runs:
        before = dump(runner.db)
        result = runner.runner.invoke(cli, ["--db", str(runner.db), *args],
                                      env={"CLOSEREAD_ANNOTATOR": "tester", **env},
                                      catch_exceptions=True)
        output = result.stdout + result.stderr
        problems = []
        if result.exit_code == 70 or "unexpected" in output:
            problems.append("unexpected error")
        if "Traceback" in output or (result.exception is not None
                                     and not isinstance(result.exception, SystemExit)):
            problems.append(f"exception {result.exception!r}")
        if result.exit_code != 0:
            errors = [line for line in result.stderr.splitlines() if line.startswith("Error")]
            if not errors:
                problems.append("no error message")
            if dump(runner.db) != before:
                problems.append("the library changed although the input was refused")
        if problems:
            failures.append(f"{name}: {', '.join(problems)}: exit {result.exit_code}: "
                            f"{output[-300:]!r}")
    assert not failures, "\n".join(failures)
    assert len(runs) > 70


_: Callable[..., object] = refused  # the helper above is the sweep's single-case twin


# --- text from the library never drives the terminal ---------------------------------------

ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\x9b31m"  # retitle the terminal, clear it, an 8-bit CSI


def test_control_characters_in_library_text_print_as_symbols(run: Cli, article: str):
    # a title, a note, an annotator name and a tag-free passage's note holding terminal
    # commands, as a sqlite3 shell or an older version could have stored them
    with Library(run.db) as library:
        found = library.articles.get(article)
        annotation = library.annotations.list()[0]
    with sqlite3.connect(run.db) as raw:
        raw.execute("UPDATE articles SET title = ?, outlet = ? WHERE id = ?",
                    (f"Harbour {ESCAPES}plan", f"Daily{ESCAPES}", found.id))
        raw.execute("UPDATE annotations SET note = ? WHERE id = ?",
                    (f"note {ESCAPES} here", annotation.id))
    outputs = [run(*args).output for args in (["articles"], ["search", "council"],
                                               ["search", "here"], ["show", article])]
    for output in outputs:
        assert not any(c in output for c in "\x1b\x07\x9b"), output
    assert "Harbour ␛]0;PWNED␇␛[2J" in outputs[0]  # the title, one symbol a character
    assert "Harbour ␛]0;PWNED␇" in outputs[1]
    assert "note ␛]0;PWNED␇␛[2J" in outputs[2]  # the note


# --- an argument far too long for what it names ---------------------------------------------

LONG = "a" * 60_001  # past SQLite's 50,000-byte LIKE patterns and every file-name limit


@pytest.mark.parametrize("args", [
    ["show", LONG], ["history", LONG], ["delete", LONG], ["annotations", "--article", LONG],
    ["tags", "rename", LONG, "x"], ["review", "show", LONG], ["import", LONG],
    ["merge", LONG], ["import-annotations", "--format", "jsonld", LONG],
])
def test_an_argument_far_too_long_is_one_short_message(run, article, args):
    # show/history: 'unexpected OperationalError: LIKE or GLOB pattern too complex';
    # import/merge: 'unexpected OSError: File name too long'; each message 60 kB long
    before = dump(run.db)
    result = run(*args, ok=False)
    assert result.exit_code == 1, result.stderr[:300]
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert "unexpected" not in result.stderr and "pattern too complex" not in result.stderr
    assert len(result.stderr) < 500  # the argument cut in its middle, or shown in part
    assert dump(run.db) == before
