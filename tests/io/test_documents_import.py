"""Importing PDF and Word files: ``closeread import story.pdf report.docx`` as a user runs
it, folders holding them, the file dialog's filter, and every bad file refused with one
message while the library stays as it was."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime

from document_support import (
    FERRY,
    RESERVOIR,
    password_pdf,
    plain,
    scanned_pdf,
    typeset_pdf,
    word_document,
)
from support import REPO, dump, write

from desktop.io.formats import article_files, article_format


def test_closeread_import_reads_a_pdf_and_a_docx_as_a_process(run, tmp_path):
    pdf = write(tmp_path / "in" / "reservoir.pdf",
                typeset_pdf(RESERVOIR + FERRY, size=12, columns=2).data)
    docx = write(tmp_path / "in" / "ferry report.docx",
                 word_document(FERRY, title="Night ferry to Skarra to stop in July",
                               created=datetime(2024, 6, 7, 16, 5, tzinfo=UTC)))
    env = {**os.environ, "CLOSEREAD_ANNOTATOR": "tester"}
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(run.db), "import", str(pdf), str(docx)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2 imported" in done.stdout
    assert "Traceback" not in done.stderr

    articles = {a["title"]: a for a in run.json("articles")}
    assert set(articles) == {"Reservoir at its lowest in eleven years",
                             "Night ferry to Skarra to stop in July"}
    reservoir = articles["Reservoir at its lowest in eleven years"]
    assert reservoir["author"] == "Mara Lind"
    assert reservoir["published"] == "2024-05-12"
    text = run("show", reservoir["id"]).stdout
    for paragraph in plain(RESERVOIR + FERRY):
        assert paragraph in text
    assert "Valley Courier" not in text and "Page 2 of" not in text
    ferry = articles["Night ferry to Skarra to stop in July"]
    assert ferry["published"] == "2024-06-07T16:05+00:00"


def test_a_folder_import_takes_pdf_and_docx_files(run, tmp_path):
    folder = tmp_path / "desk"
    write(folder / "a.pdf", typeset_pdf(RESERVOIR).data)
    write(folder / "sub" / "b.docx", word_document(FERRY))
    write(folder / "c.xlsx", b"PK\x03\x04 a spreadsheet")
    result = run("import", str(folder))
    assert "2 imported" in result.stdout and "1 skipped" in result.stdout
    assert len(run.json("articles")) == 2


def test_the_import_dialog_and_the_command_line_offer_pdf_and_word(run):
    assert "*.pdf" in article_files() and "*.docx" in article_files()
    assert article_format("pdf").suffixes == (".pdf",)
    assert article_format("docx").suffixes == (".docx",)
    help_text = run("import", "--help").stdout
    assert "PDF (.pdf)" in help_text and "Word (.docx)" in help_text


def _renamed_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def test_every_bad_document_gets_one_message_and_the_library_is_unchanged(run, tmp_path):
    run("import", str(write(tmp_path / "kept.txt", "Harbour news\n\nThe pier reopens.\n")))
    before = dump(run.db)
    whole = typeset_pdf(RESERVOIR).data
    bad = {
        "truncated.pdf": (whole[: len(whole) // 2], "cut short"),
        "locked.pdf": (password_pdf(whole), "encrypted with a password"),
        "scan.pdf": (scanned_pdf(), "no text layer (a scanned image?); run OCR"),
        "workbook.docx": (_renamed_workbook(), "an Excel workbook"),
        "notes.docx": (b"Meeting notes, not a Word file\n", "not a Word .docx file"),
        "empty.pdf": (b"", "the file is empty"),
        "empty.docx": (b"", "the file is empty"),
        "minutes.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old binary Word"),
    }
    paths = [write(tmp_path / "bad" / name, data) for name, (data, _) in bad.items()]

    result = run("import", *map(str, paths), ok=False)

    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == len(bad), result.stderr
    for path, (_, said) in zip(paths, bad.values(), strict=True):
        mine = [line for line in errors if f"{path}:" in line]
        assert len(mine) == 1 and said in mine[0], (path, errors)
        assert mine[0].startswith("Error: ")
    assert dump(run.db) == before
