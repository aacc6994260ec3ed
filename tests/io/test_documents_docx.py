"""Reading Word .docx files: the body's paragraphs, headings, lists and tables in order,
without headers and footers, with the core properties; what is not a Word document is
refused with one clear message saying what it is."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from document_support import FERRY, RESERVOIR, plain, typeset_pdf, word_document

from desktop.core.errors import ImportFileError
from desktop.io.documents import read_document

DOCX = Path("draft.docx")


def read(data: bytes, path: Path = DOCX):
    return read_document(path, data, "docx")


def test_paragraphs_headings_lists_and_tables_come_in_order_without_header_and_footer():
    data = word_document(
        RESERVOIR[:4],
        bullets=["Water gardens only after sunset.", "Report leaks to the authority."],
        numbered=["Register at the town hall.", "Bring a recent water bill."],
        table=[["Reservoir", "Level", "A year ago"], ["Marlow", "41%", "63%"]],
    )
    got = read(data).text
    body = plain(RESERVOIR[:4])
    assert got.split("\n\n") == [
        "Reservoir at its lowest in eleven years",
        *body[:2],
        "What households are asked to do",
        "\u2022 Water gardens only after sunset.\n\u2022 Report leaks to the authority.",
        *body[2:],
        "1. Register at the town hall.\n2. Bring a recent water bill.",
        "Reservoir | Level | A year ago\nMarlow | 41% | 63%",
    ]
    assert "Valley Courier" not in got and "Confidential" not in got


def test_core_properties_give_title_author_and_a_date_with_its_time():
    meta = read(word_document(FERRY, core_title="Night ferry to Skarra to stop in July",
                              created=datetime(2024, 6, 7, 16, 5, tzinfo=UTC))).metadata
    assert meta.title == "Night ferry to Skarra to stop in July"
    assert meta.author == "Mara Lind"
    assert meta.published == "2024-06-07T16:05+00:00"


def test_without_a_core_title_the_title_paragraph_is_the_title():
    meta = read(word_document(FERRY, core_title=None)).metadata
    assert meta.title == "Reservoir at its lowest in eleven years"


def test_a_date_in_the_dateline_is_preferred_and_python_docx_placeholders_are_not_used():
    # a document made by python-docx without properties of its own carries its template's
    # author ("python-docx") and creation date (2013)
    meta = read(word_document(RESERVOIR, author=None)).metadata
    assert meta.author is None
    assert meta.published == "2024-05-12"
    assert read(word_document(FERRY, author=None)).metadata.published is None


def test_tracked_deletions_are_left_out_and_insertions_and_content_controls_kept():
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = document.element.body
    body.insert(0, parse_xml(
        f'<w:p {w}><w:r><w:t xml:space="preserve">The pier reopens on </w:t></w:r>'
        '<w:del w:id="1" w:author="Desk"><w:r><w:delText>Monday</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="Desk"><w:r><w:t>Friday</w:t></w:r></w:ins>'
        '<w:r><w:t>.</w:t></w:r></w:p>'))
    body.insert(1, parse_xml(
        f'<w:sdt {w}><w:sdtContent><w:p><w:r><w:t>Repairs cost the town 2.1 million.</w:t>'
        '</w:r></w:p></w:sdtContent></w:sdt>'))
    out = io.BytesIO()
    document.save(out)
    assert read(out.getvalue()).text == ("The pier reopens on Friday.\n\n"
                                         "Repairs cost the town 2.1 million.")


# --- what is not a Word document ---------------------------------------------------------


def refusal(data: bytes, path: Path = DOCX) -> str:
    with pytest.raises(ImportFileError) as caught:
        read(data, path)
    message = caught.value.message
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def zipped(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in files.items():
            package.writestr(name, content)
    return out.getvalue()


def test_a_renamed_spreadsheet_is_refused_as_what_it_is():
    workbook = zipped({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                       "xl/worksheets/sheet1.xml": "<worksheet/>"})
    assert "an Excel workbook (.xlsx), not a Word document" in refusal(workbook)


def test_a_zip_of_text_files_is_refused():
    notes = zipped({"notes/harbour.txt": "The harbour board met.", "notes/ferry.txt": "x"})
    assert "a zip archive of other files" in refusal(notes)


def test_a_file_that_is_not_a_zip_is_refused():
    assert "not a Word .docx file" in refusal(b"The harbour board met on Monday.\n")


def test_an_old_binary_word_file_named_docx_is_refused_with_advice():
    message = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert "old binary Office file" in message and "save it as .docx" in message


def test_a_pdf_named_docx_says_so():
    assert "it is a PDF" in refusal(typeset_pdf(FERRY).data)


def test_a_truncated_docx_is_refused():
    data = word_document(FERRY)
    assert "damaged or cut short" in refusal(data[: len(data) // 2])


def test_a_docx_with_broken_xml_is_refused():
    data = word_document(FERRY)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "word/document.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    assert "the Word file is damaged" in refusal(out.getvalue())


def test_a_layout_table_is_read_as_the_body_and_a_nested_table_as_rows() -> None:
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph("Harbour budget approved", style="Title")
    frame = doc.add_table(rows=1, cols=1)  # the export's frame around the story
    cell = frame.cell(0, 0)
    cell.paragraphs[0].text = "The council approved the harbour budget on Tuesday."
    cell.add_paragraph("The vote was close, and the dredging starts in May.")
    figures = cell.add_table(rows=2, cols=2)
    for r, (year, amount) in enumerate([("Year", "Budget"), ("2024", "12m")]):
        figures.cell(r, 0).text, figures.cell(r, 1).text = year, amount
    cell.add_paragraph("Fishermen welcomed the decision.")
    data = doc.add_table(rows=2, cols=2)
    for r, (name, role) in enumerate([("Name", "Role"), ("Dana Reyes", "Mayor")]):
        data.cell(r, 0).text, data.cell(r, 1).text = name, role
    buffer = io.BytesIO()
    doc.save(buffer)
    text = read_document(Path("story.docx"), buffer.getvalue(), "docx").text
    assert text.split("\n\n") == [
        "Harbour budget approved",
        "The council approved the harbour budget on Tuesday.",
        "The vote was close, and the dredging starts in May.",
        "Year | Budget\n2024 | 12m",
        "Fishermen welcomed the decision.",
        "Name | Role\nDana Reyes | Mayor",
    ]
