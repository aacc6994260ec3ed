"""Reading PDFs: a story typeset as print tools do comes back as its paragraphs, without
running headers, footers and page numbers, with its metadata; what cannot be read is
refused with one clear message."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from document_support import (
    FERRY,
    RESERVOIR,
    flowing_pdf,
    lines_pdf,
    password_pdf,
    plain,
    scanned_pdf,
    typeset_pdf,
)

from desktop.core.errors import ImportFileError
from desktop.io.documents import read_document

STORY = RESERVOIR + FERRY
PDF = Path("story.pdf")


def read(data: bytes, path: Path = PDF):
    return read_document(path, data, "pdf")


def paragraphs(data: bytes) -> list[str]:
    return read(data).text.split("\n\n")


# --- text --------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", [
    {"size": 12},  # paragraphs apart by a gap
    {"size": 13, "indent": True},  # paragraphs marked by a first-line indent, no gap
    {"size": 12, "columns": 2},
    {"size": 10.5, "columns": 2, "indent": True},
    {"columns": 2, "size": 9.5, "page_format": (297.0, 420.0)},  # A6: many breaks
    {"size": 12.5, "header": None},  # a footer alone
], ids=["gap", "indent", "two-columns", "two-columns-indent", "a6-columns", "footer-only"])
def test_a_typeset_story_reads_back_as_exactly_its_paragraphs(layout):
    made = typeset_pdf(STORY, **layout)
    # the cases this is about are really in the file
    assert made.pages >= 2
    assert made.carried >= 1, "no paragraph goes on over a page or column break"
    assert any(line.endswith("-") for line in made.lines), "no word broken at a line end"

    assert paragraphs(made.data) == plain(STORY)


def test_running_headers_footers_and_page_numbers_are_left_out():
    made = typeset_pdf(STORY, size=12.5, header="The Valley Courier \u00b7 12 May 2024",
                       footer="- {page} -")
    assert made.pages >= 3
    text = read(made.data).text
    assert "Valley Courier" not in text
    assert not any(line.strip().strip("-").strip().isdigit() for line in text.splitlines())
    assert text.split("\n\n") == plain(STORY)


def test_a_story_flowed_by_a_report_generator_with_bold_words_reads_back():
    story = plain(FERRY)
    story[2] = story[2].replace("Tomas Hale", "**Tomas Hale**")
    data = flowing_pdf(story * 3)  # two pages, "- 1 -" footers, a header line
    got = paragraphs(data)
    assert got == [p.replace("**", "") for p in story * 3]
    assert "Agency wire" not in read(data).text


def test_words_broken_at_a_line_end_are_rejoined_and_real_hyphens_kept():
    data = lines_pdf([[
        "The harbour board met on Monday to discuss the budget and the infor-",
        "mation that the port's tax-free zone had cost the town more than it",
        "brought in, a finding that an auditor known for her care and a well-",
        "known critic of the board called the first honest account of the",
        "zone since it opened. The mayor, who has always supported the tax-",
        "free zone, said that a grant made during the first year of COVID-",
        "19 had hidden the loss for two years and that the traders and self-",
        "employed fishermen of the quay would be heard before any decision.",
    ]], header=None)
    assert paragraphs(data) == [
        "The harbour board met on Monday to discuss the budget and the information that "
        "the port's tax-free zone had cost the town more than it brought in, a finding "
        "that an auditor known for her care and a well-known critic of the board called "
        "the first honest account of the zone since it opened. The mayor, who has always "
        "supported the tax-free zone, said that a grant made during the first year of "
        "COVID-19 had hidden the loss for two years and that the traders and "
        "self-employed fishermen of the quay would be heard before any decision."
    ]


def test_a_paragraph_over_a_page_break_is_joined_and_one_ending_at_the_foot_is_not():
    full = "The ferry company said the new timetable would be published in the"
    data = lines_pdf([
        [full, "spring, after talks with the island council and the hospital, whose",
         "staff depend on the late crossing to reach their night shifts on the"],
        ["mainland. Nurses have asked for a later boat since the winter, when the",
         "last crossing was moved forward by an hour to save fuel and crew time.",
         "", "A petition against the change has been signed by three thousand people",
         "in a week, more than the island has residents; it will be handed over."],
        ["The council meets on Thursday to decide whether to take it to the county",
         "and whether to pay for a smaller boat out of its own reserves this year."],
    ])
    assert paragraphs(data) == [
        full + " spring, after talks with the island council and the hospital, whose staff "
        "depend on the late crossing to reach their night shifts on the mainland. Nurses "
        "have asked for a later boat since the winter, when the last crossing was moved "
        "forward by an hour to save fuel and crew time.",
        "A petition against the change has been signed by three thousand people in a "
        "week, more than the island has residents; it will be handed over.",
        "The council meets on Thursday to decide whether to take it to the county and "
        "whether to pay for a smaller boat out of its own reserves this year.",
    ]


def test_a_headline_in_a_larger_font_is_its_own_paragraph_and_the_title():
    made = typeset_pdf(RESERVOIR, title=None, headline="Marlow reservoir at its lowest in "
                                                       "eleven years")
    got = read(made.data)
    assert got.text.split("\n\n") == ["Marlow reservoir at its lowest in eleven years",
                                      *plain(RESERVOIR)]
    assert got.metadata.title == "Marlow reservoir at its lowest in eleven years"


def test_a_bulleted_list_keeps_a_line_per_item():
    data = lines_pdf([[
        "The authority asked households to follow three rules until the autumn:",
        "\u2022 water gardens only after sunset, and never with a hose left running",
        "  on a lawn or a drive;",
        "\u2022 report leaks at once;",
        "\u2022 keep pools covered.",
        "",
        "Fines for breaking the rules will not be issued before the first of June, and",
        "the authority will write to every household to explain them in detail.",
    ]], header=None)
    assert paragraphs(data) == [
        "The authority asked households to follow three rules until the autumn:",
        "\u2022 water gardens only after sunset, and never with a hose left running on a "
        "lawn or a drive;\n"
        "\u2022 report leaks at once;\n"
        "\u2022 keep pools covered.",
        "Fines for breaking the rules will not be issued before the first of June, and the "
        "authority will write to every household to explain them in detail.",
    ]


# --- metadata ----------------------------------------------------------------------------


def test_title_and_author_come_from_the_documents_properties():
    meta = read(typeset_pdf(STORY, title="Water authority asks farmers to save water",
                            author="Mara Lind").data).metadata
    assert meta.title == "Water authority asks farmers to save water"
    assert meta.author == "Mara Lind"


@pytest.mark.parametrize("placeholder", ["Microsoft Word - reservoir_final.docx", "Untitled",
                                         "story"])
def test_a_placeholder_title_gives_way_to_the_headline(placeholder):
    made = typeset_pdf(RESERVOIR, title=placeholder, headline="Valley asked to save water")
    assert read(made.data).metadata.title == "Valley asked to save water"


def test_a_programs_placeholder_author_is_not_taken_for_the_author():
    assert read(typeset_pdf(RESERVOIR, author="Administrator").data).metadata.author is None


def test_the_date_in_the_dateline_is_preferred_to_the_files_creation_date():
    made = typeset_pdf(RESERVOIR, created=datetime(2024, 5, 13, 6, 0, tzinfo=UTC))
    assert RESERVOIR[0].startswith("Eastbrook, 12 May 2024 -")
    assert read(made.data).metadata.published == "2024-05-12"


def test_without_a_date_in_the_text_the_creation_date_keeps_its_time_and_zone():
    zone = timezone(timedelta(hours=2))
    made = typeset_pdf(FERRY, created=datetime(2024, 6, 7, 18, 5, tzinfo=zone))
    assert read(made.data).metadata.published == "2024-06-07T18:05+02:00"
    # the import report says where the date came from: an export's date, perhaps
    assert read(made.data).notes == ("published 2024-06-07T18:05+02:00 is the file's "
                                     "creation date: check it",)


def test_a_creation_date_from_a_wrong_clock_is_not_used():
    made = typeset_pdf(FERRY, created=datetime(1980, 1, 1, tzinfo=UTC))
    assert read(made.data).metadata.published is None
    assert read(made.data).notes == ()


# --- what cannot be read -----------------------------------------------------------------


def refusal(data: bytes, path: Path = PDF) -> str:
    with pytest.raises(ImportFileError) as caught:
        read(data, path)
    message = caught.value.message
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def test_a_scan_without_a_text_layer_is_refused_with_advice():
    message = refusal(scanned_pdf())
    assert message == ("story.pdf: the PDF has no text layer (a scanned image?); run OCR on "
                       "it first")


def test_a_pdf_that_needs_a_password_is_refused():
    message = refusal(password_pdf(typeset_pdf(RESERVOIR).data))
    assert "encrypted with a password" in message


def test_a_pdf_encrypted_only_against_copying_opens_with_the_empty_password():
    made = typeset_pdf(STORY, encrypt_owner="desk-editor")
    assert b"/Encrypt" in made.data
    assert paragraphs(made.data) == plain(STORY)


def test_a_truncated_pdf_is_refused_not_read_in_part():
    data = typeset_pdf(STORY).data
    assert "cut short" in refusal(data[: len(data) * 2 // 3])


@pytest.mark.parametrize("damage", ["garbage-in-the-middle", "no-cross-reference"])
def test_a_damaged_pdf_is_refused(damage):
    data = typeset_pdf(STORY).data
    if damage == "garbage-in-the-middle":
        third = len(data) // 3
        data = data[:third] + b"\x00garbage" * 50 + data[third + 400:]
    else:
        data = data.replace(b"startxref", b"startxxxx")
    assert "the PDF is damaged" in refusal(data)


@pytest.mark.parametrize(("content", "said"), [
    (b"<!DOCTYPE html><html><body><p>Access denied</p></body></html>", "a web page (HTML)"),
    (b"\x89PNG\r\n\x1a\n" + bytes(40), "an image"),
    (b"Just some notes about the harbour.\n", "does not begin with %PDF"),
])
def test_a_file_that_is_not_a_pdf_says_what_it_is(content, said):
    assert said in refusal(content)


def test_pages_without_a_text_layer_are_named_in_the_import_report(tmp_path: Path) -> None:
    import io

    from pypdf import PdfReader, PdfWriter

    from desktop.io.importer import prepare

    writer = PdfWriter()
    for source in (typeset_pdf(RESERVOIR).data, scanned_pdf(1)):
        for page in PdfReader(io.BytesIO(source)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    read_back = read(buffer.getvalue())
    pages = len(PdfReader(io.BytesIO(buffer.getvalue())).pages)
    assert read_back.text.split("\n\n")[:1] == paragraphs(typeset_pdf(RESERVOIR).data)[:1]
    assert read_back.notes == (f"page {pages} of {pages} has no text layer (scanned?) and is "
                               "missing from the text; run OCR on the PDF to import them",)
    path = tmp_path / "mixed.pdf"
    path.write_bytes(buffer.getvalue())
    new, note = prepare(path)
    assert "no text layer" in new.import_report and "no text layer" in note


def test_data_after_the_end_of_file_marker_does_not_make_a_pdf_look_cut_short() -> None:
    data = typeset_pdf(RESERVOIR).data + b"\n% appended by an archiving tool\n" + b"x" * 4000
    assert paragraphs(data) == paragraphs(typeset_pdf(RESERVOIR).data)
