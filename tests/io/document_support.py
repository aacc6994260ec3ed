"""PDF and Word files made for the tests, as common tools make them.

PDFs are typeset with fpdf2 the way a word processor or a print-edition tool lays out a
story: lines wrapped to a column, words broken at their hyphenation points (marked in the
source with a soft hyphen, U+00AD) with a hyphen at the line end, compounds broken after
their own hyphen, paragraphs apart by a gap or a first-line indent, one or two columns,
running headers and footers with page numbers. ``TypesetPdf.lines`` records every line
drawn, so a test can check that the case it is about (a hyphen at a line end, a paragraph
going on over a page break) really occurs in the file.

The article texts are invented for the project.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

SHY = "\u00ad"

# An invented story: soft hyphens mark where a word may be broken at a line end.
RESERVOIR = [
    "Eastbrook, 12 May 2024 - The regional water au\u00adthor\u00adity said on Tuesday "
    "that the level of the Marlow reser\u00advoir had fallen to its lowest point in "
    "eleven years, after a winter with half the usual rain and a spring that came three "
    "weeks early.",
    "Engineers measured the water at 41 per cent of capacity last week. The au\u00adthor\u00adity "
    "asked farmers in the valley to limit irri\u00adga\u00adtion to the early morning and "
    "published the infor\u00adma\u00adtion it had gathered on every well in the district, "
    "a step that a well-known critic of its planning called overdue.",
    "\u201cWe have enough for the towns until the autumn,\u201d said Hanne Vos, who leads "
    "the au\u00adthor\u00adity's planning office. \u201cWhat we do not have is a margin. One "
    "more dry month and we will have to choose between the or\u00adchards and the "
    "pools.\u201d",
    "The Marlow dam was built in 1968 for a valley of forty thousand people. Sixty "
    "thousand live there now, and the new data centre on the northern ring road uses as "
    "much water on a hot day as a small town. Its operator says the cooling system "
    "re\u00adcir\u00adcu\u00adlates most of it.",
    "Farmers' groups said the request was reasonable but came late. Several growers "
    "have already lost part of their early straw\u00adber\u00adries, and the price of "
    "hay has risen by a third since March. A co\u00adop\u00ader\u00ada\u00adtive in "
    "Linden has started to share its tanks with neigh\u00adbour\u00ading farms.",
    "The au\u00adthor\u00adity will decide in June whether to draw water from the river "
    "Aller, which would need the consent of two other regions. A public meeting is "
    "planned for 28 May in the Eastbrook town hall, where residents can put their "
    "questions to the engineers.",
    "Hydrologists at the university have warned for years that the reser\u00advoir was "
    "built for a climate the valley no longer has. Their latest report, published in "
    "January, found that summer inflow has fallen by a fifth since the nineties, while "
    "evap\u00ado\u00adra\u00adtion from the open water has grown.",
    "Until the decision, households are asked to water gardens only after sunset and to "
    "report leaks, which the au\u00adthor\u00adity promises to repair within two days. "
    "The fountains in the old town were switched off on Monday.",
]

# A second invented story, for longer documents.
FERRY = [
    "The ferry between Port Ellis and the island of Skarra will stop running at night "
    "from the first of July, the operator an\u00adnounced on Friday, citing the cost of "
    "fuel and a shortage of qualified crew.",
    "About nine hundred people live on Skarra all year, and many of them work on the "
    "mainland. The last crossing will leave Port Ellis at eight in the evening instead of "
    "half past eleven, which nurses at the district hospital say makes the late shift "
    "im\u00adpos\u00adsi\u00adble to reach from home.",
    "\u201cI finish at ten. After July I either sleep in my car or give up the job,\u201d "
    "said Tomas Hale, a nurse who has crossed twice a day for fourteen years. The "
    "hospital's director said she would ask the county for a room in the staff hostel.",
    "The operator, a company owned jointly by the county and two private share\u00adhold\u00aders, "
    "lost money on every night crossing last winter, according to its annual accounts. "
    "Passenger numbers after nine in the evening fell by a quarter after the pandemic "
    "and have not recovered.",
    "Island councillors have proposed a smaller boat for the night runs, which would need "
    "a crew of two instead of five. The maritime authority has not yet said whether such "
    "a vessel could carry cars, which the island's farmers and the supermarket depend "
    "on for their deliveries.",
    "A petition against the cuts has gathered more than three thousand sig\u00adna\u00adtures, "
    "more than three times the island's population, with support from summer residents "
    "and from former islanders who moved to the city for work.",
    "The county's transport committee will discuss the timetable at its meeting on 9 "
    "June. Its chair said that every option would be examined, including a subsidy "
    "financed by a small charge on summer visitors, which the tourism office opposes.",
]


def plain(paragraphs: Sequence[str]) -> list[str]:
    """The paragraphs as a reader should get them: no soft hyphens."""
    return [p.replace(SHY, "") for p in paragraphs]


@dataclass
class TypesetPdf:
    data: bytes
    lines: list[str] = field(default_factory=list)  # every body line drawn, in order
    pages: int = 0
    carried: int = 0  # paragraphs that go on over a page or column break


def typeset_pdf(
    paragraphs: Sequence[str],
    *,
    title: str | None = "Reservoir at its lowest in eleven years",
    headline: str | None = None,
    author: str | None = "Mara Lind",
    created: datetime | None = None,
    header: str | None = "The Valley Courier \u00b7 Regional",
    footer: str | None = "Page {page} of {pages}",
    columns: int = 1,
    indent: bool = False,
    size: float = 10.5,
    page_format: tuple[float, float] = (420.0, 595.0),  # A5, in points
    encrypt_owner: str | None = None,
) -> TypesetPdf:
    """A story typeset as described in the module's docstring."""
    from fpdf import FPDF

    pdf = FPDF(format=page_format, unit="pt")
    pdf.core_fonts_encoding = "windows-1252"  # curly quotes and dashes, as Word sets them
    pdf.set_auto_page_break(False)
    pdf.set_compression(True)
    if title is not None:
        pdf.set_title(title)
    if author is not None:
        pdf.set_author(author)
    if created is not None:
        pdf.set_creation_date(created)
    if encrypt_owner is not None:
        pdf.set_encryption(owner_password=encrypt_owner, user_password="")
    margin, top, bottom = 42.0, 60.0, 54.0
    gutter = 16.0
    width = (pdf.w - 2 * margin - gutter * (columns - 1)) / columns
    leading = size * 1.3
    drawn: list[str] = []
    state = {"column": 0, "y": top}

    def new_page() -> None:
        pdf.add_page()
        state["column"], state["y"] = 0, top
        # the running header and footer first, as a word processor draws them
        pdf.set_font("Helvetica", "", 8)
        if header:
            pdf.text(margin, 32, header)
        if footer:
            text = footer.format(page=pdf.page_no(), pages="{nb}")
            pdf.text(pdf.w / 2 - 30, pdf.h - 26, text)
        pdf.set_font("Times", "", size)

    def x_of_column() -> float:
        return margin + state["column"] * (width + gutter)

    def advance(height: float) -> bool:
        """Moves on to the next column or page when the line does not fit; says so."""
        if state["y"] + height > pdf.h - bottom:
            if state["column"] + 1 < columns:
                state["column"] += 1
                state["y"] = top
            else:
                new_page()
            return True
        return False

    new_page()
    if headline:
        pdf.set_font("Helvetica", "B", size * 1.8)
        for line in _wrap(pdf, headline, pdf.w - 2 * margin, 0):
            pdf.text(margin, state["y"], line)
            state["y"] += size * 2.3
        state["y"] += size
    pdf.set_font("Times", "", size)
    carried = 0
    for number, paragraph in enumerate(paragraphs):
        first_indent = size * 1.5 if indent and number > 0 else 0.0
        for line_number, line in enumerate(_wrap(pdf, paragraph, width, first_indent)):
            if advance(leading) and line_number > 0:
                carried += 1
            offset = first_indent if line_number == 0 else 0.0
            pdf.text(x_of_column() + offset, state["y"], line)
            drawn.append(line)
            state["y"] += leading
        if not indent:
            state["y"] += leading * 0.8
    return TypesetPdf(bytes(pdf.output()), drawn, pdf.page_no(), carried)


def lines_pdf(pages: Sequence[Sequence[str]], *, size: float = 11.0,
              header: str | None = "Harbour Gazette") -> bytes:
    """Pages of lines set exactly as given; an empty string leaves a paragraph's gap. For
    the cases a test wants at a line end or a page break, whatever the wrapping."""
    from fpdf import FPDF

    pdf = FPDF(format=(420.0, 595.0), unit="pt")
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        if header:
            pdf.set_font("Helvetica", "", 8)
            pdf.text(42, 32, header)
            pdf.text(200, pdf.h - 26, str(number))
        pdf.set_font("Times", "", size)
        y = 70.0
        for line in lines:
            if line:
                pdf.text(42, y, line)
            y += size * 1.3
    return bytes(pdf.output())


def _wrap(pdf: object, paragraph: str, width: float, first_indent: float) -> list[str]:
    """The paragraph's lines: words broken at soft hyphens or after a compound's hyphen
    when the whole word does not fit and a part of it does."""
    lines: list[str] = []
    current = ""
    room = width - first_indent
    measure = pdf.get_string_width  # type: ignore[attr-defined]
    words = paragraph.split(" ")
    index = 0
    while index < len(words):
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if measure(candidate.replace(SHY, "")) <= room:
            current = candidate
            index += 1
            continue
        # the longest head of the word, at a break point, that fits with a hyphen
        best = None
        for cut, char in enumerate(word):
            if char in (SHY, "-") and 0 < cut < len(word) - 1:
                head = word[:cut].replace(SHY, "") + "-"
                trial = f"{current} {head}" if current else head
                if measure(trial.replace(SHY, "")) <= room:
                    best = cut
        if best is not None:
            head = word[:best].replace(SHY, "") + "-"
            lines.append((f"{current} {head}" if current else head).replace(SHY, ""))
            words[index] = word[best + 1:]
        elif current:
            lines.append(current.replace(SHY, ""))
        else:  # a word longer than the line: set it alone
            lines.append(word.replace(SHY, ""))
            index += 1
        current = ""
        room = width
    if current:
        lines.append(current.replace(SHY, ""))
    return lines


def flowing_pdf(paragraphs: Sequence[str], *, title: str = "", author: str = "",
                created: datetime | None = None) -> bytes:
    """A story written with fpdf2's own text flow (multi_cell, bold words in Markdown,
    header() and footer()), as a report generator writes one."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 10, "Agency wire \u00b7 for subscribers only", align="R")
            self.ln(14)

        def footer(self) -> None:
            self.set_y(-30)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 10, f"- {self.page_no()} -", align="C")

    pdf = Report(unit="pt", format="A4")
    pdf.core_fonts_encoding = "windows-1252"
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    if created is not None:
        pdf.set_creation_date(created)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 15, paragraph, markdown=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
    return bytes(pdf.output())


def scanned_pdf(pages: int = 2) -> bytes:
    """A 'scan': every page one image of grey lines where text would be; no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    pdf = FPDF(format=(420.0, 595.0), unit="pt")
    for page in range(pages):
        image = Image.new("L", (420, 595), 245)
        draw = ImageDraw.Draw(image)
        for row in range(40, 560, 18):
            draw.rectangle((40, row, 380 - (row * 7 + page * 13) % 90, row + 7), fill=60)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        pdf.add_page()
        pdf.image(buffer, x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def password_pdf(data: bytes, user_password: str = "s3cret") -> bytes:
    """``data`` encrypted with AES-256 so that it opens only with ``user_password``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-" + user_password,
                   algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- Word --------------------------------------------------------------------------------


def word_document(
    paragraphs: Sequence[str],
    *,
    title: str | None = "Reservoir at its lowest in eleven years",
    core_title: str | None = None,
    author: str | None = "Mara Lind",
    created: datetime | None = None,
    bullets: Sequence[str] = (),
    numbered: Sequence[str] = (),
    table: Sequence[Sequence[str]] = (),
    header: str | None = "The Valley Courier \u2014 draft for the desk",
    footer: str | None = "Confidential until publication",
) -> bytes:
    """A story as a reporter writes it in Word: a Title, body paragraphs, a crosshead
    (Heading 2), a bulleted and a numbered list, a table, a header and a footer."""
    import docx

    document = docx.Document()
    core = document.core_properties
    core.title = core_title or ""
    core.author = author or ""
    if created is not None:
        core.created = created
    section = document.sections[0]
    if header:
        section.header.paragraphs[0].text = header
    if footer:
        section.footer.paragraphs[0].text = footer
    if title:
        document.add_heading(title, level=0)
    half = max(1, len(paragraphs) // 2)
    for paragraph in paragraphs[:half]:
        document.add_paragraph(paragraph.replace(SHY, ""))
    if bullets:
        document.add_heading("What households are asked to do", level=2)
        for item in bullets:
            document.add_paragraph(item, style="List Bullet")
    for paragraph in paragraphs[half:]:
        document.add_paragraph(paragraph.replace(SHY, ""))
    for item in numbered:
        document.add_paragraph(item, style="List Number")
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, cells, strict=True):
                cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
