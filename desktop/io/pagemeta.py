"""What a saved web page says about itself: JSON-LD, ``og:`` and ``article:`` meta tags.

Read from the parsed page, never run: JSON-LD blocks are parsed as JSON data, and nothing
is taken from script code or HTML comments (a date in ``/* built 2009-04-01 */`` is not
the article's). The values are the page's own strings; ``desktop.core.bylines`` and
``desktop.core.metadata`` make names, titles and dates of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import lxml.html

# schema.org types of a page that is one article
ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenewsarticle", "opinionnewsarticle",
    "analysisnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle",
    "blogposting", "liveblogposting", "socialmediaposting", "report", "scholarlyarticle",
    "techarticle", "medicalwebpage", "review", "satiricalarticle", "advertisercontentarticle",
})
# schema.org types of a page that lists things
LIST_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})

_AUTHOR_META = ("author", "article:author", "byl", "dc.creator", "dcterms.creator",
                "parsely-author", "sailthru.author", "og:article:author")
_DATE_META = ("article:published_time", "og:article:published_time", "datepublished",
              "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date",
              "dc.date.issued", "dcterms.created", "dcterms.issued", "sailthru.date",
              "parsely-pub-date", "article.published", "og:published_time")


@dataclass
class PageMeta:
    headline: str | None = None  # JSON-LD headline of the article, else og:title
    html_title: str | None = None
    site_names: tuple[str, ...] = ()
    authors: list[str] = field(default_factory=list)
    organisations: frozenset[str] = frozenset()  # authors named as organisations
    published: str | None = None
    description: str | None = None
    og_type: str | None = None
    ld_types: frozenset[str] = frozenset()
    url: str | None = None
    language: str | None = None

    @property
    def says_article(self) -> bool:
        """Whether the page's metadata calls it one article."""
        return bool(self.ld_types & ARTICLE_TYPES) or self.og_type == "article"


def read_page_meta(tree: lxml.html.HtmlElement) -> PageMeta:
    """The metadata of the page ``tree``."""
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop")
               or "").strip().lower()
        content = " ".join((element.get("content") or "").split())
        if key and content and key not in meta:
            meta[key] = content
    items = list(_json_ld(tree))
    types = frozenset(t for item in items for t in _types(item))
    article = next((item for item in items if set(_types(item)) & ARTICLE_TYPES), None)
    by_id = {item["@id"]: item for item in items if isinstance(item.get("@id"), str)}

    found = PageMeta(og_type=(meta.get("og:type") or "").lower() or None, ld_types=types)
    title = tree.find(".//title")
    found.html_title = _text(title.text_content()) if title is not None else None
    found.headline = _text(article.get("headline") or article.get("name")) if article else None
    found.headline = found.headline or meta.get("og:title") or meta.get("twitter:title")
    sites = [meta.get("og:site_name"), meta.get("application-name")]
    publisher = article.get("publisher") if article else None
    if isinstance(publisher, dict):
        sites.append(_text(publisher.get("name")))
    found.site_names = tuple(dict.fromkeys(s for s in sites if s))

    if article:
        names, organisations = _people(article.get("author"), by_id)
        found.authors, found.organisations = names, frozenset(organisations)
    if not found.authors:
        found.authors = [meta[key] for key in _AUTHOR_META if key in meta][:1]

    date = _text(article.get("datePublished")) if article else None
    for key in _DATE_META:
        if date:
            break
        date = meta.get(key)
    if not date:
        for element in tree.iterfind(".//*[@itemprop='datePublished']"):
            date = _text(element.get("datetime") or element.get("content"))
            if date:
                break
    found.published = date
    found.description = (meta.get("og:description") or
                         (_text(article.get("description")) if article else None) or
                         meta.get("description"))
    canonical = tree.find(".//link[@rel='canonical']")
    found.url = (canonical.get("href") if canonical is not None else None) or meta.get("og:url")
    found.language = tree.get("lang") or None
    return found


def _json_ld(tree: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, ``@graph`` and lists flattened."""
    found: list[dict[str, Any]] = []

    def add(value: object) -> None:
        if isinstance(value, list):
            for item in value:
                add(item)
        elif isinstance(value, dict):
            found.append(value)
            if "@graph" in value:
                add(value["@graph"])

    for script in tree.iterfind(".//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        try:
            add(json.loads(script.text or ""))
        except ValueError:
            continue  # a broken block says nothing
    return found


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)]


def _people(value: object, by_id: dict[str, dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Names of JSON-LD authors (persons and organisations), and which are organisations."""
    names: list[str] = []
    organisations: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, dict) and "name" not in entry and isinstance(entry.get("@id"), str):
            entry = by_id.get(entry["@id"], entry)
        if isinstance(entry, dict):
            name = _text(entry.get("name"))
            if name and "organization" in " ".join(_types(entry)):
                organisations.append(name)
        else:
            name = _text(entry)
        if name:
            names.append(name)
    return names, organisations


def _text(value: object) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None
