"""Saved web pages: the article's text and metadata, extracted with trafilatura.

The page is never rendered or run: trafilatura reduces it to the article's paragraphs as
Markdown (headings, lists, emphasis, links kept), which the Markdown renderer turns into
the canonical text (docs/architecture.md, invariants 3 and 9).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from desktop.core.errors import NestingTooDeepError, NoArticleTextError
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


def _check_depth(path: Path, html: str) -> None:
    """Refuses a page nested deeper than the HTML parser reads (libxml2 stops at 256
    levels and drops everything after, which left an article without its body, or with
    half of it, and no word said). Closeread's renderer would flatten such a page, but
    the parser under trafilatura never gives it the rest; no news page nests that deep."""
    import lxml.etree
    import lxml.html

    parser = lxml.html.HTMLParser()
    try:
        lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return  # an empty or odd document: trafilatura's extraction reports it
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise NestingTooDeepError(
                path, "the page nests its elements more than 255 levels deep, and the text "
                      "beyond that cannot be read; save the article itself (as text, "
                      "Markdown or a simpler page) and import that")


def extract_page(path: Path, html: str) -> ExtractedPage:
    """The article in ``html``; raises ``NoArticleTextError`` when the page has none, and
    ``NestingTooDeepError`` when it is nested too deep to be read whole."""
    _check_depth(path, html)
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
