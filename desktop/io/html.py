"""Saved web pages: the article's text and metadata, and nothing else.

The page is parsed once (lxml) and never rendered or run. What it says about itself (JSON-LD,
``og:`` and ``article:`` tags: ``desktop.io.pagemeta``) gives the headline, authors and
date. Before trafilatura reduces the page to the article's paragraphs as Markdown
(headings, lists, emphasis, links kept), the page reader takes out what trafilatura keeps
on real pages but is not the article: galleries and related-story lists, video players,
share bars and comment threads, other stories of a news stream after the article, "Read
also" links; it turns prose set in ``<pre>`` (wire copy) or ``<code>`` into paragraphs;
it puts back the standfirst (the summary under the headline) that trafilatura drops or
moves to the end. Scripts and HTML comments are removed first, so no date or text is
ever taken from them. The Markdown renderer then makes the canonical text
(docs/architecture.md, invariants 3 and 9; docs/importing.md).

A page that is not one article (a section front, a search page, a list of stories) is
read all the same, with a warning saying why it looks like one.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

import lxml.etree
import lxml.html

from desktop.core.bylines import clean_authors, clean_title, is_generic_author
from desktop.core.document import CONTROL_CHARACTERS
from desktop.core.errors import NestingTooDeepError, NoArticleTextError
from desktop.core.metadata import parse_date, text_metadata
from desktop.io.pagemeta import LIST_TYPES, PageMeta, read_page_meta


@dataclass(frozen=True)
class ExtractedPage:
    markdown: str
    title: str | None
    author: str | None
    outlet: str | None
    published: str | None
    url: str | None
    language: str | None
    warning: str | None = None  # why the page may not be one article
    notes: tuple[str, ...] = ()  # what the reader left out that a user should know of
    controls: int = 0  # control characters removed from the page's text


_SHORT_WORDS = 50  # a body this short may be a menu the fallback extractor took for text

# class, id and data- names of blocks that are page furniture, never the article
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:related|relacionad[ao]s|recommend\w*|gallery|slideshow|carousel|"
    r"more-(?:stories|news|from|opinion|articles)|mas-noticias|dalsi-(?:clanky|zpravy)|"
    r"read-?more|also-read|lire-aussi|a-lire|inread-teaser|outbrain|taboola|promo|"
    r"newsletter(?:-signup)?|share|sharing|social|shariff|sharedaddy|sdileni|partage|"
    r"compartir|comments?|comment-respond|commentaires|diskuse|video-player|jw-wrapper|"
    r"upnext|up-next|most-read|most-popular|trending|sidebar|breaking-banner|post__tags|"
    r"tags|paywall|subscribe-box)(?:$|[\s_-])", re.I)
# a paragraph that only points elsewhere: "Read also: <a link>"
_SEE_ALSO = re.compile(
    r"^\s*(?:read (?:more|also)|see also|related|more on this|lire aussi|à lire aussi|"
    r"voir aussi|lesen sie auch|mehr zum thema|auch interessant|čtěte (?:také|též|i)|"
    r"přečtěte si|te puede interesar|lea también|leer más|ver también|相关阅读|延伸阅读|"
    r"相关新闻|推荐阅读)\s*[:：]?", re.I)
_STANDFIRST = re.compile(
    r"(?:^|[\s_-])(?:standfirst|dek|lede|lead|summary|chapo|chapeau|perex|entradilla|"
    r"subtitle|subheadline|sub-headline|sapo|intro|excerpt|teaser-text|deck)(?:$|[\s_-])",
    re.I)
_BYLINE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:byline|bylinename|by-line|author|autor|firma|signature|writer|credit|"
    r"byl)(?:$|[\s_-])", re.I)
_DATE_CLASS = re.compile(r"(?:^|[\s_-])(?:date|time|dateline|published|posted|info|meta|"
                         r"publish-info)(?:$|[\s_-])", re.I)
# "记者 张伟", "（记者张伟）", "作者：李娜 报道": the label opens the line or a bracket, and the
# name is two to four CJK characters ending there ("记者从市政府获悉" names no one)
_BYLINE_LABEL = re.compile(
    r"(?:^|[（(【\[])\s*(?:本报|本台|本刊)?(?:特约)?(?:作者|记者)\s*[:：]?\s*([\u4e00-\u9fff·]{2,4}?)"
    r"(?:\s*(?:报道|摄影?|撰文|采写))?(?=$|[\s）)】\]，,、。;；|/])")
# a photo's credit, never the article's byline
_PHOTO_CREDIT = re.compile(r"^\s*(?:photo(?:graph)?s?|pictures?|images?|foto|illustration|"
                           r"graphics?|video|credit|摄影|图片?|圖片?)\b\s*[:：/|-]?", re.I)
_VISIBLE_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2})?|"
    r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:\s*(\d{1,2}:\d{2}))?")
_CODE_CHARS = re.compile(r"[{}();=<>$#\[\]\\]")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")
_TEASER_MIN = 5  # headline links that make a page a list of stories
_STREAM_AFTER_WORDS = 40  # article words before a dated headline starts another story
_PROSE_RUN = 150  # words of prose under the main heading that make the page an article
# elements inside a sentence: never taken out for their class names
_INLINE = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em",
                     "font", "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
                     "sub", "sup", "time", "tt", "u", "var", "wbr", "br", "img", "label"})
# furniture that holds other people's prose (a comment thread, other stories' summaries in
# a gallery or a related list): taken out even when its text reads as prose
_OTHERS_PROSE = re.compile(
    r"(?:^|[\s_-])(?:comments?|comment-respond|commentaires|diskuse|related|"
    r"relacionad[ao]s|recommend\w*|gallery|slideshow|carousel|"
    r"more-(?:stories|news|from|opinion|articles)|mas-noticias|dalsi-(?:clanky|zpravy)|"
    r"outbrain|taboola|video-player|jw-wrapper|upnext|up-next|most-read|most-popular|"
    r"trending)(?:$|[\s_-])", re.I)


def extract_page(path: Path, html: str) -> ExtractedPage:
    """The article in ``html``; raises ``NoArticleTextError`` when the page has none, and
    ``NestingTooDeepError`` when it is nested too deep to be read whole."""
    tree = _parse(path, html)
    controls = _remove_controls(tree) if _may_spell_controls(html) else 0
    meta = read_page_meta(tree)
    _drop_code_and_comments(tree)
    headings = _headings(tree)
    heading = _main_heading(headings, meta)
    warning = _list_page_warning(tree, meta, heading)
    standfirst = _standfirst(heading, meta)
    byline, visible_date = _visible_byline(tree)
    cut = _prune(tree, heading, meta)

    # trafilatura's own metadata reading (a third of its time) only where the page's
    # metadata and visible byline leave a gap
    guess = _guess_metadata(tree) if not (meta.headline and meta.published and (
        meta.authors or byline) and meta.site_names) else None
    document = _extract(tree, precise=False)
    body = _body(document)
    if body and len(body.split()) < _SHORT_WORDS and not _body(_extract(tree, precise=True)):
        # only navigation or boilerplate was found: no article
        body = ""
    if not body:
        raise NoArticleTextError(path, "no article text found in this web page")
    body = _with_standfirst(_dedent(body), standfirst)
    document = guess

    sites = meta.site_names or tuple(
        s for s in (_clean(getattr(document, "sitename", None)),) if s)
    heading_texts = tuple(_text(h) for h in headings[:3])
    title = (clean_title(meta.headline, sites, heading_texts)
             or clean_title(_clean(getattr(document, "title", None)), sites, heading_texts)
             or clean_title(meta.html_title, sites, heading_texts))
    outlet = sites[0] if sites else _clean(getattr(document, "hostname", None))
    author = _author(meta, byline, _clean(getattr(document, "author", None)), body, outlet)
    date = meta.published
    if not warning:  # a list's visible dates are its stories'
        date = date or visible_date or _clean(getattr(document, "date", None))
    return ExtractedPage(
        markdown=body,
        title=title,
        author=author,
        outlet=outlet,
        published=parse_date(date) if date else None,
        url=meta.url or _clean(getattr(document, "url", None)),
        language=meta.language or _clean(getattr(document, "language", None)),
        warning=warning,
        notes=(cut,) if cut else (),
        controls=controls,
    )


# --- reading the page ----------------------------------------------------------------------


def _parse(path: Path, html: str) -> lxml.html.HtmlElement:
    """The page's tree. Refuses a page nested deeper than the HTML parser reads (libxml2
    stops at 256 levels and drops everything after, which left an article without its
    body, or with half of it, and no word said); no news page nests that deep."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except ValueError:  # a str with an XML encoding declaration
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, encoding="utf-8")
        try:
            tree = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
        except (lxml.etree.ParserError, ValueError):
            raise NoArticleTextError(path, "no article text found in this web page") from None
    except lxml.etree.ParserError:
        raise NoArticleTextError(path, "no article text found in this web page") from None
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:
            raise NestingTooDeepError(
                path, "the page nests its elements more than 255 levels deep, and the text "
                      "beyond that cannot be read; save the article itself (as text, "
                      "Markdown or a simpler page) and import that")
    return tree


# a numeric character reference small enough to name a control character ("&#x1b;",
# "&#27", "&#x7f;"); the page's own control characters went when it was decoded
_SMALL_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,2})|0*([0-9]{1,3}))(?![0-9a-fA-F])")


def _may_spell_controls(html: str) -> bool:
    """Whether ``html`` writes a control character as a reference (a walk of the tree
    costs more than this look at the text)."""
    for match in _SMALL_REFERENCE.finditer(html):
        hexadecimal, decimal = match.groups()
        value = int(hexadecimal, 16) if hexadecimal is not None else int(decimal)
        if CONTROL_CHARACTERS.match(chr(value)):
            return True
    return False


def _remove_controls(tree: lxml.html.HtmlElement) -> int:
    """Takes the control characters out of the page's text and attributes (a file's own
    were removed when it was decoded; these come from entities such as ``&#x1b;``, which
    the parser decodes), and returns how many the text held. Trafilatura's XML tree
    cannot hold them: one in a paragraph made the whole page "no article text"."""
    removed = 0
    for element in tree.iter():
        for name in ("text", "tail"):
            value = getattr(element, name)
            if value and CONTROL_CHARACTERS.search(value):
                value, count = CONTROL_CHARACTERS.subn("", value)
                setattr(element, name, value)
                removed += count
        if not isinstance(element.tag, str):
            continue
        for key, value in element.attrib.items():
            if CONTROL_CHARACTERS.search(value):
                element.attrib[key] = CONTROL_CHARACTERS.sub("", value)
    return removed


def _drop_code_and_comments(tree: lxml.html.HtmlElement) -> None:
    """Scripts, styles and comments out, so that no date or text comes from them."""
    for element in list(tree.iter(lxml.etree.Comment, "script", "style", "noscript",
                                  "template")):
        _remove(element)


def _headings(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return [h for h in tree.iter("h1", "h2") if _text(h)]


def _main_heading(headings: list[lxml.html.HtmlElement],
                  meta: PageMeta) -> lxml.html.HtmlElement | None:
    """The article's headline on the page: the heading the metadata's headline names,
    else the first h1 when there is only one."""
    for title in (meta.headline, meta.html_title):
        key = _key(title or "")
        if len(key) < 8:
            continue
        for heading in headings:
            text = _key(_text(heading))
            if len(text) >= 8 and (text == key or key.startswith(text) or text.startswith(key)):
                return heading
    h1s = [h for h in headings if h.tag == "h1"]
    return h1s[0] if len(h1s) == 1 else None


def _list_page_warning(tree: lxml.html.HtmlElement, meta: PageMeta,
                       heading: lxml.html.HtmlElement | None) -> str | None:
    """Why the page looks like a list of stories rather than one article, or None."""
    signals = []
    listed = sorted(meta.ld_types & LIST_TYPES)
    # a main heading over a run of prose is an article, whatever links the page lists
    teasers = 0 if _prose_under(heading) else _teaser_count(tree)
    if listed and not meta.says_article:
        signals.append("its metadata calls it a " + " and ".join(
            {"collectionpage": "collection page", "itemlist": "list",
             "searchresultspage": "search results page",
             "profilepage": "profile page"}[t] for t in listed))
    if meta.og_type == "website" and not meta.says_article and (teasers >= 3 or heading is None):
        signals.append("its og:type is website, not article")
    if teasers >= _TEASER_MIN and not meta.says_article and (listed or meta.og_type != "article"):
        signals.append(f"it has {teasers} story teasers, each a headline with its own link")
    if not signals:
        return None
    return ("this page looks like a list of stories (a section front, a search page or a "
            "list), not one article: " + "; ".join(signals))


def _teaser_count(tree: lxml.html.HtmlElement) -> int:
    """Headings that are a link to another page, outside the page's furniture (a "most
    read" rail): the teasers of a list of stories."""
    count = 0
    for heading in tree.iter("h2", "h3", "h4"):
        text = _text(heading)
        links = heading.findall(".//a[@href]")
        if text and links and sum(len(_text(a)) for a in links) >= 0.8 * len(text) \
                and not any(_is_furniture_name(a) for a in heading.iterancestors()):
            count += 1
    return count


def _prose_under(heading: lxml.html.HtmlElement | None) -> bool:
    """Whether the main heading is followed by a run of prose (paragraphs of sentences
    with few links) before any heading that links elsewhere: an article's text."""
    if heading is None:
        return False
    words = 0
    for element in _following(heading):
        if element.tag in ("h2", "h3", "h4") and element.find(".//a[@href]") is not None:
            break
        if element.tag != "p":
            continue
        text = _text(element)
        count = len(text.split()) if " " in text else len(text) // 2  # CJK: no spaces
        if count >= 15 and _link_share(element, text) < 0.3:
            words += count
            if words >= _PROSE_RUN:
                return True
    return False


def _standfirst(heading: lxml.html.HtmlElement | None, meta: PageMeta) -> str | None:
    """The summary under the headline, when the page shows one between the headline and
    the article's first paragraph (not a related story's summary further down)."""
    if heading is None:
        return None
    description = _key(meta.description or "")
    for element in _following(heading):
        if element.tag not in ("p", "h2", "h3", "div", "span"):
            continue
        text = _text(element)
        if element.tag == "p" and len(text.split()) >= 25 and not _STANDFIRST.search(
                _names(element)) and _key(text) != description:
            return None  # the article's text has begun
        if not 30 <= len(text) <= 600 or len(element.findall(".//p")) > 1:
            continue
        if (_STANDFIRST.search(_names(element)) or (description and _key(text) == description)) \
                and not _in_furniture(element, heading):
            return text
    return None


def _following(element: lxml.html.HtmlElement, levels: int = 3) -> Iterator[
        lxml.html.HtmlElement]:
    """The elements after ``element`` in the page's order, within its ``levels``-th
    ancestor; skips link lists (a list, a nav, an aside)."""
    node: lxml.html.HtmlElement | None = element
    for _ in range(levels):
        if node is None:
            return
        for sibling in node.itersiblings():
            if not isinstance(sibling.tag, str) or sibling.tag in ("ul", "ol", "nav", "aside"):
                continue
            for inner in sibling.iter():
                if isinstance(inner.tag, str):
                    yield inner
        node = node.getparent()
        if node is not None and node.tag == "body":
            break


def _in_furniture(element: lxml.html.HtmlElement, stop: lxml.html.HtmlElement) -> bool:
    """Whether ``element`` is inside furniture or a link list below ``stop``'s parent."""
    top = stop.getparent()
    for ancestor in [element, *element.iterancestors()]:
        if ancestor is top:
            return False
        if ancestor.tag in ("ul", "ol", "nav", "aside", "li") or _is_furniture_name(ancestor):
            return True
    return False


def _visible_byline(tree: lxml.html.HtmlElement) -> tuple[str | None, str | None]:
    """A byline and a date as the page shows them (not from its metadata), or None. A
    photo's credit (in a figure, or "Photo: ...") is not a byline."""
    byline = date = None
    for element in tree.iter("span", "div", "p", "a", "address", "time"):
        text = _text(element)
        if not text or len(text) > 160:
            continue
        names = _names(element)
        if byline is None:
            label = _BYLINE_LABEL.search(text)
            if label:
                byline = label.group(1)
            elif _BYLINE_CLASS.search(names) and not element.findall(".//p") \
                    and not _PHOTO_CREDIT.match(text) \
                    and next(element.iterancestors("figure", "figcaption"), None) is None:
                byline = text
        if date is None:
            if element.tag == "time" and element.get("datetime") and not _in_prose(element):
                date = element.get("datetime")
            elif _DATE_CLASS.search(names):
                found = _VISIBLE_DATE.search(text)
                if found:
                    date = (f"{found.group(1)}-{found.group(2)}-{found.group(3)}"
                            + (f" {found.group(4)}" if found.group(4) else "")
                            if found.group(1) else found.group(0))
        if byline and date:
            break
    return byline, date


# --- taking out what is not the article -----------------------------------------------------


def _prune(tree: lxml.html.HtmlElement, heading: lxml.html.HtmlElement | None,
           meta: PageMeta) -> str | None:
    """Takes out what is not the article; says what of a news stream was cut, or None."""
    body = tree.find("body")
    if body is None:
        return None
    total = len(" ".join(_text(p) for p in body.iter("p")))
    by_blocks = total == 0  # paragraphs set as <div>s: measure blocks' text instead
    if by_blocks:
        total = len(_text(body))
    keep = set(heading.iterancestors()) | {heading} if heading is not None else set()
    for element in list(body.iter()):
        if element in keep or not isinstance(element.tag, str) or element.tag in _INLINE \
                or element.getparent() is None:
            continue
        names = _names(element)
        if not names or not _FURNITURE.search(names):
            continue
        if not _OTHERS_PROSE.search(names) and _is_prose(element):
            for attribute in ("class", "id"):  # trafilatura would drop it for its names
                element.attrib.pop(attribute, None)
            continue
        inside = len(_text(element)) if by_blocks else len(
            " ".join(_text(p) for p in element.iter("p")))
        if total == 0 or inside < 0.5 * total:
            _remove(element)
    for time in list(body.iter("time")):
        if _in_prose(time):
            time.drop_tag()  # trafilatura drops a <time>'s words from a sentence
    for element in list(body.iter("p", "li", "div")):
        if element.getparent() is None or element.findall(".//p"):
            continue
        text = _text(element)
        if text and len(text) < 240 and _SEE_ALSO.match(text):
            label = _SEE_ALSO.match(text)
            rest = text[label.end():].strip() if label else text
            linked = sum(len(_text(a)) for a in element.iter("a"))
            if not rest or linked >= 0.5 * len(rest):
                _remove(element)
    note = None
    if heading is not None and "liveblogposting" not in meta.ld_types:
        # a live blog's entries, each a headline and a time, are its text
        note = _cut_stream(tree, heading)
    for table in list(body.iter("table")):
        _layout_table(table)
    for pre in list(body.iter("pre")):
        _prose_pre(pre)
    for code in list(body.iter("code", "tt")):
        parent = code.getparent()
        text = _text(code)
        if parent is not None and parent.tag != "pre" and len(text.split()) >= 6 \
                and len(_CODE_CHARS.findall(text)) <= len(text) / 100:
            code.drop_tag()
    return note


def _is_prose(element: lxml.html.HtmlElement) -> bool:
    """Whether a block is prose, whatever its class says (a subscriber's paywalled
    paragraphs, a paragraph of "social affairs"): sentences of its own words, few links,
    no list of links or linked headings."""
    text = _text(element)
    count = len(text.split()) if " " in text else len(text) // 2  # CJK: no spaces
    if count < 12 or not re.search(r"[.!?。！？]", text) or _link_share(element, text) >= 0.2:
        return False
    return element.find(".//li//a") is None and not any(
        h.find(".//a") is not None for h in element.iter("h2", "h3", "h4", "h5", "h6"))


def _cut_stream(tree: lxml.html.HtmlElement, heading: lxml.html.HtmlElement) -> str | None:
    """Takes out the other stories of a news stream after the article: each starts with a
    headline, once the article's text has begun, followed by a line that is its byline or
    date (an article's subheadings have none; a date in a sentence is not one), or is an
    ``<article>`` of its own with a headline that links elsewhere or a byline or date.
    Says what was cut, or None."""
    cut_paragraphs = 0
    first: str | None = None
    own = next((a for a in heading.iterancestors("article")), None)
    if own is not None:
        for other in list(tree.iter("article")):
            if other is not own and own not in set(other.iterancestors()) \
                    and other not in set(own.iterancestors()) \
                    and own not in set(other.iter()) and other.getparent() is not None \
                    and _looks_like_story(other):
                cut_paragraphs += len(other.findall(".//p"))
                title = next((_text(h) for h in other.iter("h1", "h2", "h3", "h4")), "")
                first = first or title
                _remove(other)
    after = False
    words = 0  # of the article's paragraphs since its headline
    for element in list(tree.iter("h1", "h2", "h3", "p")):
        if element is heading:
            after = True
            continue
        if not after or element.getparent() is None:
            continue
        if element.tag == "p":
            words += len(_text(element).split())
            continue
        follower = element.getnext()
        if follower is None or words < _STREAM_AFTER_WORDS:
            continue  # a standfirst or a subheading above the article's text
        if _story_line(follower) and (element.find(".//a[@href]") is not None
                                      or _has_byline(follower) or _has_date(follower)):
            parent = element.getparent()
            cut = False
            for sibling in list(parent):
                if sibling is element:
                    cut = True
                if cut:
                    cut_paragraphs += 1 if sibling.tag == "p" else len(sibling.findall(".//p"))
                    _remove(sibling)
            first = _text(element)
            break
    if not first:
        return None
    if len(first) > 60:
        first = first[:57].rstrip() + "…"
    return (f"{cut_paragraphs} paragraph{'s' if cut_paragraphs != 1 else ''} from the "
            f"heading '{first}' on taken for other stories of a news stream and left out")


_DATE_TEXT = re.compile(
    r"\b\d{1,2}:\d{2}\b|\d{4}-\d{1,2}-\d{1,2}|\b\d{1,2}[./]\s?\d{1,2}[./]\s?\d{2,4}\b|"
    r"\d{4}年|\d{1,2}月\d{1,2}日|"
    r"\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|avr|mai|juin|"
    r"juil|août|sept|déc|ene|abr|ago|dic|märz|okt|dez|led|úno|bře|dub|kvě|čer|srp|zář|říj|lis|"
    r"pro)\w*|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.?\s+\d{1,2}\b|"
    r"\b(?:yesterday|today|\d+\s+(?:minutes?|hours?|days?)\s+ago)\b", re.I)


def _story_line(follower: lxml.html.HtmlElement) -> bool:
    """Whether the element after a heading is a line of its own that is a byline or a
    date (not a sentence with a date in it, not an info box)."""
    text = _text(follower)
    if not text or len(text) >= 160 or (follower.tag in _INLINE and follower.tag != "time"):
        return False
    if follower.tag == "time" or _DATE_CLASS.search(_names(follower)) \
            or _BYLINE_CLASS.search(_names(follower)):
        return True
    marked = sum(len(_text(e)) for e in follower.iter()
                 if e is not follower and (e.tag == "time" or _DATE_CLASS.search(_names(e))
                                           or _BYLINE_CLASS.search(_names(e))))
    return marked >= 0.5 * len(text)


def _has_byline(element: lxml.html.HtmlElement) -> bool:
    text = _text(element)
    return bool(re.match(r"(?:by|von|par|por|od|作者|记者)\s", text, re.I)) or any(
        _BYLINE_CLASS.search(_names(e)) and not _PHOTO_CREDIT.match(_text(e))
        for e in element.iter() if isinstance(e.tag, str))


def _has_date(element: lxml.html.HtmlElement) -> bool:
    return element.find(".//time") is not None or element.tag == "time" \
        or bool(_DATE_TEXT.search(_text(element)))


def _looks_like_story(article: lxml.html.HtmlElement) -> bool:
    """Whether an ``<article>`` beside the article is another story: its headline links
    elsewhere, or it has a byline or date line (a live blog's entries have neither)."""
    for heading in article.iter("h1", "h2", "h3", "h4"):
        if heading.find(".//a[@href]") is not None:
            return True
    for element in article.iter():
        if element.tag in ("p", "div", "span", "time", "footer", "header", "address") \
                and _story_line(element) and (_has_byline(element) or _has_date(element)):
            return True
    return False


def _layout_table(table: lxml.html.HtmlElement) -> None:
    """A table that lays out the page (its cells hold paragraphs, headings or more
    tables) read as blocks: trafilatura would make one Markdown table row of a story."""
    if table.find(".//td//p") is None and table.find(".//td//pre") is None \
            and table.find(".//td//h1") is None and table.find(".//td//h2") is None \
            and table.find(".//td//table") is None:
        return
    for element in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th")]:
        element.tag = "div"
        for attribute in ("width", "colspan", "rowspan"):
            element.attrib.pop(attribute, None)


def _prose_pre(pre: lxml.html.HtmlElement) -> None:
    """A ``<pre>`` of prose (wire copy, a letter) as paragraphs: Markdown would show its
    indented lines as code with raw links."""
    text = pre.text_content()
    words = text.split()
    if len(words) < 25 or len(_CODE_CHARS.findall(text)) > len(text) / 100:
        return
    # the text as markup again: its "<", "&" are escaped, never read as tags
    inner = escape(pre.text or "", quote=False) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in pre)
    paragraphs = []
    for chunk in re.split(r"\n[ \t]*\n", inner):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if all(len(_strip_tags(line)) < 40 for line in lines):
            paragraphs.extend(lines)  # a byline block: one line each
        else:
            paragraphs.append(" ".join(lines))
    container = lxml.html.fragment_fromstring(
        "".join(f"<p>{p}</p>" for p in paragraphs), create_parent="div")
    container.tail = pre.tail
    parent = pre.getparent()
    if parent is not None:
        parent.replace(pre, container)


def _strip_tags(fragment: str) -> str:
    return re.sub(r"<[^>]*>", "", fragment)


# --- extraction and what follows it --------------------------------------------------------


def _extract(tree: lxml.html.HtmlElement, precise: bool) -> object:
    import trafilatura  # imported on first use: it takes a tenth of a second to load

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trafilatura.bare_extraction(
            tree,
            with_metadata=False,
            include_formatting=True,
            include_links=True,
            include_images=False,
            include_comments=False,
            favor_precision=precise,
            output_format="python",
        )


def _guess_metadata(tree: lxml.html.HtmlElement) -> object:
    """trafilatura's reading of the page's title, author, site and date (its <title>,
    headings, bylines, <time> elements, url); no date from a copyright line or the body's
    text (htmldate's extensive search is off), none from scripts (they are gone)."""
    from copy import deepcopy

    from trafilatura.metadata import extract_metadata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return extract_metadata(deepcopy(tree), extensive=False,
                                date_config={"extensive_search": False, "original_date": True})


def _body(document: object) -> str:
    return (getattr(document, "text", None) or "").strip() if document is not None else ""


def _dedent(markdown: str) -> str:
    """Lines indented four spaces or more (outside fenced code and nested lists) brought to
    the margin: trafilatura keeps a page's indentation, which Markdown reads as code. A
    "<" of the text, which trafilatura writes ``\\<``, is written ``&lt;``: the renderer
    took ``\\<AAPL.O>`` for a tag and dropped it."""
    out = []
    fenced = False
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith(("    ", "\t")) and not _LIST_MARK.match(line):
            stripped = line.strip()
            if stripped.startswith("`") and stripped.endswith("`") and stripped.count("`") == 2:
                stripped = stripped[1:-1]
            line = stripped
        if not fenced and "\\<" in line:
            line = line.replace("\\<", "&lt;")
        out.append(line)
    return "\n".join(out)


def _with_standfirst(markdown: str, standfirst: str | None) -> str:
    """The standfirst as the first paragraph: trafilatura drops it or moves it to the end."""
    if not standfirst:
        return markdown
    key = _key(standfirst)
    paragraphs = markdown.split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        if _key(paragraph) == key:
            if index < 3:
                return markdown
            del paragraphs[index]
            break
    return "\n\n".join([standfirst, *paragraphs])


def _author(meta: PageMeta, byline: str | None, extracted: str | None, body: str,
            outlet: str | None) -> str | None:
    """The authors: the metadata's, unless they name only the outlet's staff; else the
    page's visible byline; else trafilatura's guess; else a byline atop the text."""
    found = clean_authors(meta.authors, meta.organisations)
    if found and not is_generic_author(found, outlet):
        return found
    for candidate in (byline, extracted, text_metadata(body).author):
        person = clean_authors(candidate)
        if person and not is_generic_author(person, outlet):
            return person
    return found


# --- small helpers --------------------------------------------------------------------------


def _remove(element: lxml.html.HtmlElement) -> None:
    """Takes ``element`` out of the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _names(element: lxml.html.HtmlElement) -> str:
    """An element's class, id and data- names, as one string to match."""
    return " ".join(v for k, v in element.attrib.items()
                    if k in ("class", "id") or (k.startswith("data-") and len(v) < 40))


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _in_prose(element: lxml.html.HtmlElement) -> bool:
    """Whether an inline element is part of a sentence: its block says more than it."""
    parent = element.getparent()
    while parent is not None and parent.tag in _INLINE:
        parent = parent.getparent()
    return parent is not None and len(_text(parent)) > 2 * len(_text(element)) + 20


def _link_share(element: lxml.html.HtmlElement, text: str) -> float:
    """The share of ``text`` (the element's) that is the text of links."""
    if not text:
        return 0.0
    return sum(len(_text(a)) for a in element.iter("a")) / len(text)


def _is_furniture_name(element: lxml.html.HtmlElement) -> bool:
    names = _names(element)
    return bool(names) and bool(_FURNITURE.search(names))


def _key(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.casefold())


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
