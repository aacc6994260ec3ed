"""Saved web pages: the article's text and metadata, extracted with trafilatura.

The page is never rendered or run: trafilatura reduces it to the article's paragraphs as
Markdown (headings, lists, emphasis, links kept), which the Markdown renderer turns into
the canonical text (docs/architecture.md, invariants 3 and 9).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import NoArticleTextError
from desktop.core.metadata import parse_date


@dataclass(frozen=True)
class ExtractedPage:
    markdown: str
    title: str | None
    author: str | None
    outlet: str | None
    published: str | None
    url: str | None
    language: str | None


_SHORT_WORDS = 50  # a body this short may be a menu the fallback extractor took for text


def _extract(html: str, precise: bool) -> object:
    import trafilatura  # imported on first use: it takes a tenth of a second to load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_formatting=True,
            include_links=True,
            include_images=False,
            include_comments=False,
            favor_precision=precise,
            output_format="python",
        )


def _body(document: object) -> str:
    return (getattr(document, "text", None) or "").strip() if document is not None else ""


def extract_page(path: Path, html: str) -> ExtractedPage:
    """The article in ``html``; raises ``NoArticleTextError`` when the page has none."""
    document = _extract(html, precise=False)
    body = _body(document)
    if body and len(body.split()) < _SHORT_WORDS and not _body(_extract(html, precise=True)):
        # only navigation or boilerplate was found: no article
        body = ""
    if not body:
        raise NoArticleTextError(path, "no article text found in this web page")
    date = getattr(document, "date", None)
    return ExtractedPage(
        markdown=body,
        title=_clean(getattr(document, "title", None)),
        author=_clean(getattr(document, "author", None)),
        outlet=_clean(getattr(document, "sitename", None) or getattr(document, "hostname", None)),
        published=parse_date(date) if date else None,
        url=_clean(getattr(document, "url", None)),
        language=_clean(getattr(document, "language", None)),
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
