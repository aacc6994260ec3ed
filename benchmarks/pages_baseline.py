"""The baseline process of the ``pages`` benchmark: trafilatura alone on saved pages.

``python benchmarks/pages_baseline.py FOLDER`` reads every ``*.html`` in ``FOLDER`` and
calls ``trafilatura.bare_extraction`` on it with the options Closeread's page reader asks
for (metadata, formatting and links kept, Markdown-ready text), then prints the number of
pages and the characters extracted. It is the stack's limit for those pages: the extractor
Closeread uses, with no page reader's rules, no cleaning, no rendering and no database.
"""

import sys
import warnings
from pathlib import Path

import trafilatura


def main(folder: str) -> tuple[int, int]:
    pages = chars = 0
    for path in sorted(Path(folder).glob("*.html")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            document = trafilatura.bare_extraction(
                path.read_text(encoding="utf-8"), with_metadata=True,
                include_formatting=True, include_links=True, include_images=False,
                include_comments=False, output_format="python")
        chars += len(getattr(document, "text", "") or "")
        pages += 1
    return pages, chars


if __name__ == "__main__":
    print(*main(sys.argv[1]))
