"""The baseline process of the ``pdf`` benchmark: pypdf alone extracting the text of PDFs.

``python benchmarks/pdf_baseline.py FOLDER`` opens every ``*.pdf`` in ``FOLDER`` with
pypdf's ``PdfReader`` and calls ``extract_text()`` on each page, then prints the number
of files and pages and the characters extracted. It is the stack's limit for reading
those files: the same library Closeread reads them with, with no layout, no cleaning, no
metadata and no database.
"""

import sys
from pathlib import Path

from pypdf import PdfReader


def main(folder: str) -> tuple[int, int, int]:
    files = pages = chars = 0
    for path in sorted(Path(folder).glob("*.pdf")):
        reader = PdfReader(path)
        for page in reader.pages:
            chars += len(page.extract_text())
            pages += 1
        files += 1
    return files, pages, chars


if __name__ == "__main__":
    found = main(sys.argv[1])
    print(*found)
