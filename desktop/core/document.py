"""An article as the reader shows it: the canonical text plus its structure.

``Document.text`` is ``article.text`` (docs/architecture.md, invariant 3). Blocks (headings,
paragraphs, list items, quotes, code) and inline spans (emphasis, strong, code, links) are
ranges over that text, so a view can insert the text verbatim and format ranges on it, and
every position in the view is a position in the text.

Rendered Markdown and HTML put ``BLOCK_SEPARATOR`` (one blank line) between blocks. Plain
text keeps its own line breaks: each non-empty line is a block.

No control character but tab, line feed, carriage return and form feed reaches a rendered
text (``CONTROL_CHARACTERS``): an entity such as ``&#x1b;`` is decoded by the HTML parser
after a file's own control characters were removed, and an ESC drives a terminal.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import lxml.html
    import markdown

BLOCK_SEPARATOR = "\n\n"

# never part of an article's words, and able to drive a terminal (ESC, BEL, CSI): the C0
# controls but tab, line feed, form feed and carriage return; DEL; the C1 controls
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# the same but form feed and carriage return too: every control but tab and line feed, for
# a line shown alone (a title, a terminal's line)
LINE_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"
QUOTE = "quote"
CODE = "code"

EMPHASIS = "emphasis"
STRONG = "strong"
INLINE_CODE = "code"
LINK = "link"


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: str
    level: int = 0


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    href: str | None = None


@dataclass(frozen=True)
class Document:
    text: str
    blocks: tuple[Block, ...] = ()
    spans: tuple[Span, ...] = ()
    # control characters left out of ``text`` when it was made (not stored: a report)
    removed_controls: int = field(default=0, compare=False)
    # what else the rendering read otherwise than written, for the import report
    notes: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> str:
        """The structure (not the text) as compact JSON, for storage beside the text."""
        return json.dumps(
            {
                "blocks": [[b.start, b.end, b.kind, b.level] for b in self.blocks],
                "spans": [[s.start, s.end, s.kind, s.href] for s in self.spans],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str, layout: str | None) -> Document:
        if not layout:
            return plain_document(text)
        data = json.loads(layout)
        return cls(
            text=text,
            blocks=tuple(Block(*b) for b in data.get("blocks", [])),
            # a layout stored before links were checked may still hold any address
            spans=tuple(_checked(Span(*s)) for s in data.get("spans", [])),
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "blocks": [asdict(b) for b in self.blocks],
            "spans": [asdict(s) for s in self.spans],
        }


LINK_SCHEMES = ("http", "https", "mailto")
# browsers ignore ASCII control characters and spaces in a scheme ("java\tscript:")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_link(href: str | None) -> str | None:
    """``href`` if it is a web or mail address (http, https, mailto), else None: a link
    kept from an imported page never runs script, opens a local file or carries data."""
    if not href:
        return None
    found = _SCHEME.match(_IGNORED_IN_URLS.sub("", href))
    if not found or found.group(1).lower() not in LINK_SCHEMES:
        return None
    return CONTROL_CHARACTERS.sub("", href).strip()


def _checked(span: Span) -> Span:
    return span if span.kind != LINK else Span(span.start, span.end, LINK, safe_link(span.href))


def without_controls(document: Document) -> Document:
    """``document`` without the control characters of its text (``CONTROL_CHARACTERS``),
    its blocks and spans moved with the words they cover (a block or span left empty is
    dropped); ``removed_controls`` adds how many went. The document itself when there
    are none."""
    found = [match.start() for match in CONTROL_CHARACTERS.finditer(document.text)]
    if not found:
        return document

    def moved(offset: int) -> int:
        return offset - bisect.bisect_left(found, offset)  # removed before ``offset``

    blocks = tuple(Block(moved(b.start), moved(b.end), b.kind, b.level)
                   for b in document.blocks if moved(b.end) > moved(b.start))
    spans = tuple(Span(moved(s.start), moved(s.end), s.kind, s.href)
                  for s in document.spans if moved(s.end) > moved(s.start))
    return Document(CONTROL_CHARACTERS.sub("", document.text), blocks, spans,
                    document.removed_controls + len(found), document.notes)


_BULLET = re.compile(r"^\s*([-*•]|\d{1,3}[.)])\s+")


def plain_document(text: str, heading_lines: frozenset[int] = frozenset()) -> Document:
    """Plain text as a document: each non-empty line a block, the text itself unchanged.

    ``heading_lines`` are 0-based line numbers shown as headings (the title).
    """
    blocks = []
    offset = 0
    for number, line in enumerate(text.split("\n")):
        body = line.rstrip("\r")
        if body.strip():
            if number in heading_lines:
                kind, level = HEADING, 1
            elif _BULLET.match(body):
                kind, level = ITEM, 1
            else:
                kind, level = PARAGRAPH, 0
            blocks.append(Block(offset, offset + len(body), kind, level))
        offset += len(line) + 1
    return Document(text=text, blocks=tuple(blocks))


# --- Markdown and HTML -------------------------------------------------------------------

_MARKDOWN_EXTENSIONS = ["meta", "fenced_code", "tables", "sane_lists"]

# Nesting. Python-Markdown parses nested lists and quotes recursively (a list 300 levels
# deep raised RecursionError; 3,000 items each indented one step further ran for minutes),
# and the HTML parser stops at 256 levels, dropping the rest of the text. No article
# nests a tenth as deep, so what lies deeper is flattened: the text is kept, at the
# deepest level allowed.
MAX_MARKDOWN_NESTING = 32  # quote and list markers at the start of one line
MAX_MARKDOWN_INDENT = 4 * MAX_MARKDOWN_NESTING  # columns of indentation
MAX_HTML_DEPTH = 100  # elements the renderer descends into; deeper ones are read flat
_CONTAINER_MARKS = re.compile(r"^[ \t]*(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]*)+")
_CONTAINER_MARK = re.compile(r"(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]*")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")


class NestingError(ValueError):
    """A document nested too deep to be read whole even flattened (over 2,048 levels of
    HTML elements); the caller names the file."""


def cap_markdown_nesting(source: str) -> tuple[str, int]:
    """``source`` with every line nested deeper than ``MAX_MARKDOWN_NESTING`` quote or
    list markers, or indented more than ``MAX_MARKDOWN_INDENT`` columns, brought back to
    that depth, and the number of lines changed. Lines within the limits, and the lines
    of fenced code blocks, are left exactly as they are."""
    lines = source.split("\n")
    changed = 0
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        capped = _cap_line(line)
        if capped is not line:
            lines[number] = capped
            changed += 1
    return ("\n".join(lines), changed) if changed else (source, 0)


def _cap_line(line: str) -> str:
    lead = _CONTAINER_MARKS.match(line)
    body_at = lead.end() if lead else 0
    head = line[:body_at] if lead else ""
    stripped = line.lstrip(" \t")
    indent = len(line[: len(line) - len(stripped)].expandtabs(4))
    marks = _CONTAINER_MARK.findall(head)
    if len(marks) <= MAX_MARKDOWN_NESTING and indent <= MAX_MARKDOWN_INDENT:
        return line
    kept = "".join(mark.strip() + " " for mark in marks[:MAX_MARKDOWN_NESTING])
    return " " * min(indent, MAX_MARKDOWN_INDENT) + kept + line[body_at:].lstrip(" \t") \
        if marks else " " * MAX_MARKDOWN_INDENT + stripped

# Whose content is never text: scripts and styles are dropped (invariant 9), as are
# embedded objects and images (no remote content is ever fetched).
_DROPPED = {"script", "style", "noscript", "template", "iframe", "object", "embed", "img",
            "svg", "video", "audio", "canvas", "head", "title", "meta", "link", "form",
            "button", "input", "select", "textarea"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_LEAF_BLOCKS = {"p", "pre", "dt", "dd", "figcaption", "caption", "tr", "address", "summary"}
_CONTAINERS = {"div", "section", "article", "main", "body", "html", "ul", "ol", "dl",
               "blockquote", "table", "thead", "tbody", "tfoot", "figure", "header",
               "footer", "aside", "nav", "details", "li"}
_INLINE_MARKS = {"em": EMPHASIS, "i": EMPHASIS, "strong": STRONG, "b": STRONG,
                 "code": INLINE_CODE, "kbd": INLINE_CODE, "samp": INLINE_CODE}
_SPACE = re.compile(r"\s+")


# Markup that costs time growing with the square of its amount. Python-Markdown follows
# each "[" of a block to its "]" (three patterns do: reference, link and short reference,
# or the image ones for "![") and each "(" of a link to its ")" (to the block's end when
# there is none: 20,000 unclosed "[" took 33 s); inside a link's "(", a quote makes it
# look for a quote right before a ")" instead (2,000 `[a](u "x) ` took 1.5 s). It copies
# the block's text once for every mark it replaces (a memory copy: 100,000 escapes in
# 200 KB took 3 s), and its code-span pattern follows a run of backticks with no closing
# run of its length to the end. The HTML parser that finds raw HTML in the source follows
# each "<a" to its ">" and each "<![CDATA[" to its "]]>" (30,000 unclosed "<a" took over
# 15 s). Both costs are estimated in linear time before the work is done; where one passes
# its budget the markup is read as text: the block's inline marks (it is shown as
# written), the document's tags (each "<" of one written "&lt;").
#
# The inline estimate is in steps of Python-Markdown's bracket loop (about 55 ns on the
# machine measured, tests/core/test_core_markup_cost.py), fitted to measured render times
# of dense ordinary markup (links, emphasis, code spans, inline HTML, escapes) and of
# hostile shapes; the budget, 180 steps a character, is about 10 us a character, 2 s for
# a 200 KB paragraph. Ordinary markup, however dense, stays inside it (3,000
# links in one 90 KB paragraph: a twentieth of it; 5,000 sentences of emphasis and code in
# 230 KB: a fifth), while at 200 KB the quadratic shapes pass it (those of brackets a
# hundred times over, 100,000 escapes twice).
INLINE_BUDGET_PER_CHAR = 180  # steps a character of a block
INLINE_BUDGET_FLOOR = 100_000  # (5 ms)
BRACKET_SCANS = 3  # patterns that follow each "[" to its "]", a step a character each
LINK_SCAN = 2  # steps a character of a link's "(" followed to its ")" (a costlier loop)
COPY_COST = 1_500  # characters of the block's text copied in one step
MATCH_COST = 150  # steps of making an element of each mark replaced, whatever the length
REGEX_COST = 300  # characters the code-span pattern scans in one step
PLACEHOLDER = 15  # characters a replaced mark becomes while the marks are read
TAG_BUDGET_PER_CHAR = 50  # characters the HTML parser scans for tags (ten times quicker)
TAG_BUDGET_FLOOR = 2_000_000
# what a link pattern follows: "[", "]", "(", ")"; an escaped character is none of them
_BRACKET = re.compile(r"\\.|!?\[|\](?:\()?|[()]", re.S)
# what may be replaced, each a copy of the text: an escape, a link, a tag or an entity;
# code spans and emphasis take two runs of marks each
_REPLACED = re.compile(r"\\.|[\[<&]", re.S)
_RUNS = re.compile(r"`+|\*+|_+")
_BACKTICKS = re.compile(r"`+")
_QUOTE = re.compile("[\"']")
_QUOTE_CLOSES = {quote: re.compile(quote + "[ ]*\\)") for quote in "\"'"}
_ESCAPE = re.compile(r"\\.", re.S)
# Inline marks that open an element inside the one before: emphasis opened and not closed,
# an inline tag not closed. Nested deeper than the renderer reads (MAX_HTML_DEPTH) they are
# read as text: the HTML parser's time grows with the square of the depth (50,000 "<b>"
# in a paragraph took 6 s) and it refuses the whole file past 2,048 levels.
_NESTING = re.compile(r"\\.|\*+|_+|<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?>", re.S)
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                        "meta", "param", "source", "track", "wbr"})
_TAG_START = re.compile(r"<!\[CDATA\[|\]\]>|<[A-Za-z/!?]|>")


def inline_budget(text: str, escaped_tags: bool = False) -> int:
    """The steps reading ``text``'s inline marks may take: ``INLINE_BUDGET_PER_CHAR`` a
    character. With ``escaped_tags``, an "&lt;" that ``_tags_as_text`` wrote for a tag's
    "<" earns none: it is markup the reader wrote, a mark to replace (50,000 `<a "` read
    with their budget took 1.8 s for 200 KB; without, they are read as text in 0.1 s)."""
    length = len(text) - 4 * text.count("&lt;") if escaped_tags else len(text)
    return INLINE_BUDGET_PER_CHAR * length + INLINE_BUDGET_FLOOR


def inline_cost(text: str, budget: int | None = None) -> int:
    """What reading ``text``'s inline marks costs Python-Markdown, in steps of its bracket
    loop: each "[" followed to its "]" and each "(" of a link to its ")" (to the end when
    unclosed), the text copied once for each mark replaced, and each run of backticks with
    no closing run followed to the end. Stops counting once past ``budget``."""
    length = len(text)
    if not length:
        return 0
    limit = budget if budget is not None else -1
    replaced = len(_REPLACED.findall(text)) + len(_RUNS.findall(text)) // 2
    # each replaced mark's text copied whole; the text grows by a placeholder each time
    cost = replaced * MATCH_COST + replaced * (length + PLACEHOLDER * replaced // 2) // COPY_COST
    if 0 <= limit < cost:
        return cost
    cost += _unclosed_code_cost(text, (limit - cost) * REGEX_COST if limit >= 0 else -1) \
        // REGEX_COST
    if 0 <= limit < cost:
        return cost
    # the link patterns scan the text after escapes and code spans became placeholders
    grown = length + PLACEHOLDER * (len(_ESCAPE.findall(text)) + text.count("`") // 2)
    return cost + _bracket_cost(text, limit - cost if limit >= 0 else -1, grown)


def _bracket_cost(text: str, limit: int, grown: int) -> int:
    """Steps of following each "[" to its "]" and each link's "(" to its ")", each
    distance stretched by ``grown / len(text)``; stops once past ``limit`` (unless < 0)."""
    length = len(text)
    brackets: list[int] = []  # "[" waiting for a "]"
    parens: list[tuple[int, bool]] = []  # "(" waiting for a ")", and whether a link's
    links: list[tuple[int, int]] = []  # a link's "(" and its ")"
    scanned = 0
    for match in _BRACKET.finditer(text):
        mark, at = match.group(), match.start()
        if mark[0] == "\\":
            continue
        if mark[-1] == "[":
            brackets.append(at)
        elif mark[0] == "]":
            if brackets:
                scanned += BRACKET_SCANS * (at - brackets.pop())
            if mark == "](":
                parens.append((at + 1, True))
        elif mark == "(":
            parens.append((at, False))
        elif parens:
            start, link = parens.pop()
            if link:
                links.append((start, at))
        if 0 <= limit < scanned * grown // length:
            return scanned * grown // length
    scanned += BRACKET_SCANS * sum(length - at for at in brackets)
    links += [(start, length) for start, link in parens if link]
    if links:
        # a quote inside a link's "(" ends it only where a quote comes right before a ")"
        quotes = [match.start() for match in _QUOTE.finditer(text)]
        closes = {quote: [match.start() for match in pattern.finditer(text)]
                  for quote, pattern in _QUOTE_CLOSES.items()}
        for start, end in links:
            first = bisect.bisect_right(quotes, start)
            if first < len(quotes) and quotes[first] < end:
                quote = quotes[first]
                found = closes[text[quote]]
                after = bisect.bisect_right(found, quote)
                end = found[after] if after < len(found) else length
            scanned += LINK_SCAN * (end - start)
    return scanned * grown // length


def _unclosed_code_cost(text: str, limit: int) -> int:
    """Characters the code-span pattern scans in vain: from each backtick of a run that
    no later run of its length closes (the pattern tries the run's tail too), to the end."""
    runs = [(match.start(), len(match.group())) for match in _BACKTICKS.finditer(text)]
    if not runs:
        return 0
    later: dict[int, list[int]] = {}  # the runs of each length, by index
    for index, (_, size) in enumerate(runs):
        later.setdefault(size, []).append(index)
    length = len(text)
    scanned = 0
    index = 0
    while index < len(runs):
        at, size = runs[index]
        closed = None
        for skipped in range(size):
            same = later.get(size - skipped, [])
            found = bisect.bisect_right(same, index)
            if found < len(same):
                closed = same[found]
                break
            scanned += length - at - skipped
            if 0 <= limit < scanned:
                return scanned
        index = closed + 1 if closed is not None else index + 1
    return scanned


def inline_depth(text: str) -> int:
    """How deep ``text``'s inline marks may nest elements: emphasis marks that open (before
    a word, not after one) less those that close, inline tags opened less those closed."""
    depth = deepest = 0
    length = len(text)
    for match in _NESTING.finditer(text):
        mark, at, end = match.group(), match.start(), match.end()
        if mark[0] == "\\":
            continue
        if mark[0] == "<":
            if match.group(1):
                depth = max(depth - 1, 0)
            elif match.group(2).lower() not in _VOID_TAGS and not mark.endswith("/>"):
                depth += 1
        else:
            opens = end < length and not text[end].isspace()
            closes = at > 0 and not text[at - 1].isspace()
            if opens and not closes:
                depth += len(mark)
            elif closes and not opens:
                depth = max(depth - len(mark), 0)
        deepest = max(deepest, depth)
    return deepest


def _within_inline_budget(text: str, escaped_tags: bool = False) -> bool:
    length = len(text)
    if sum(text.count(mark) for mark in "<*_") > MAX_HTML_DEPTH \
            and inline_depth(text) > MAX_HTML_DEPTH:
        return False
    budget = inline_budget(text, escaped_tags)
    # at most every "[" and link "(" followed to the end, every mark a copy, every
    # backtick scanning to the end: counted at C speed, it settles almost every block
    # without the exact count
    marks = sum(text.count(mark) for mark in "[<&\\") + \
        sum(text.count(mark) for mark in "`*_") // 2
    grown = length + PLACEHOLDER * (text.count("\\") + text.count("`") // 2)
    most = (BRACKET_SCANS * text.count("[") + LINK_SCAN * text.count("](")) * grown \
        + marks * MATCH_COST + marks * (length + PLACEHOLDER * marks // 2) // COPY_COST \
        + text.count("`") * length // REGEX_COST
    if most <= budget:
        return True
    return inline_cost(text, budget) <= budget


def tag_cost(source: str) -> int:
    """What finding the raw HTML in ``source`` costs, in characters scanned: each "<" that
    may open a tag followed to the next ">", each "<![CDATA[" to the next "]]>" (to the end
    when there is none)."""
    tags: list[int] = []  # "<" waiting for a ">"
    sections: list[int] = []  # "<![CDATA[" waiting for a "]]>"
    scanned = 0
    for match in _TAG_START.finditer(source):
        found, at = match.group(), match.start()
        if found == ">":
            scanned += len(tags) * at - sum(tags)
            tags.clear()
        elif found == "]]>":
            scanned += len(sections) * at - sum(sections)
            sections.clear()
            scanned += len(tags) * (at + 2) - sum(tags)
            tags.clear()
        elif found == "<![CDATA[":
            sections.append(at)
            tags.append(at)
        else:
            tags.append(at)
    end = len(source)
    return scanned + (len(tags) + len(sections)) * end - sum(tags) - sum(sections)


def _tags_as_text(source: str) -> tuple[str, int]:
    """``source`` with every "<" that may open a tag written "&lt;" (outside fenced code),
    when finding its tags would pass the budget; and how many were.

    Fenced code is set aside before the HTML parser reads the source, so its "<" cost
    nothing and are never escaped (a tutorial's `if a<b` lines). A "<" in a code span is
    kept too, unless escaping the rest alone leaves the source over the budget."""
    budget = TAG_BUDGET_PER_CHAR * len(source) + TAG_BUDGET_FLOOR
    if source.count("<") * len(source) <= budget:
        return source, 0
    lines = source.split("\n")
    prose = _outside_fences(lines)
    if tag_cost("\n".join(lines[n] for n in prose)) <= budget:
        return source, 0
    for keep_spans in (True, False):
        escaped = list(lines)
        count = 0
        for number in prose:
            if "<" in escaped[number]:
                escaped[number], found = _escape_tags(escaped[number], keep_spans)
                count += found
        if not keep_spans or tag_cost("\n".join(escaped[n] for n in prose)) <= budget:
            break
    return "\n".join(escaped), count


def _outside_fences(lines: list[str]) -> list[int]:
    """The numbers of the lines that are not in fenced code (nor its fences)."""
    outside: list[int] = []
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            outside.append(number)
    return outside


_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def _escape_tags(line: str, keep_spans: bool) -> tuple[str, int]:
    """``line`` with each "<" that may open a tag written "&lt;", but those in its code
    spans when ``keep_spans``; and how many were."""
    if not keep_spans or "`" not in line:
        return _OPENING_ANGLE.subn("&lt;", line)
    parts: list[str] = []
    count = 0
    done = 0
    for span in _CODE_SPAN.finditer(line):
        text, found = _OPENING_ANGLE.subn("&lt;", line[done:span.start()])
        parts += [text, span.group()]
        count += found
        done = span.end()
    text, found = _OPENING_ANGLE.subn("&lt;", line[done:])
    return "".join([*parts, text]), count + found


_OPENING_ANGLE = re.compile(r"<(?=[A-Za-z/!?])")

_RENDERERS = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown renderer, reset for a new source: building one (its
    extensions and patterns) cost a third of a millisecond an article, a tenth of a web
    page's import; a renderer is not shared between threads (an import runs in the app's
    background job)."""
    import markdown  # loaded on first use: opening the app needs no Markdown

    md = getattr(_RENDERERS, "markdown", None)
    if md is None:
        md = markdown.Markdown(extensions=_MARKDOWN_EXTENSIONS, output_format="html")
        # before the inline patterns (20): blocks too costly to read are kept as text
        md.treeprocessors.register(_costly_blocks_as_text(md), "closeread-costly", 25)
        _RENDERERS.markdown = md
    else:
        md.reset()
    return md


def _costly_blocks_as_text(md: markdown.Markdown) -> markdown.treeprocessors.Treeprocessor:
    """The tree processor that marks the text of each block whose inline marks would pass
    the budget (``inline_cost``) as atomic: Python-Markdown shows it as written."""
    from markdown.treeprocessors import Treeprocessor
    from markdown.util import AtomicString

    # a backslash escape still means its character (\[ is [, as the page reader
    # writes a page's brackets)
    escape = re.compile("\\\\([" + re.escape("".join(md.ESCAPED_CHARS)) + "])")

    class CostlyBlocksAsText(Treeprocessor):
        count = 0
        escaped_tags = False  # whether the source's tags were written "&lt;" (a budget's length)

        def run(self, root: object) -> None:
            self.count = 0
            for element in root.iter():  # type: ignore[attr-defined]
                for name in ("text", "tail"):
                    value = getattr(element, name)
                    if value and not isinstance(value, AtomicString) \
                            and len(value) > 64 \
                            and not _within_inline_budget(value, self.escaped_tags):
                        setattr(element, name, AtomicString(escape.sub(r"\1", value)))
                        self.count += 1

    return CostlyBlocksAsText(md)


def render_markdown(source: str) -> tuple[Document, dict[str, str]]:
    """Markdown source rendered with Python-Markdown to a document, and its metadata.

    Metadata comes from a MultiMarkdown-style header (``Title: …`` lines at the top), with
    keys lower-cased and values joined by spaces. Markup too costly to read (see
    ``INLINE_BUDGET_PER_CHAR``) is read as text, and the document's notes say where.
    """
    source, _ = cap_markdown_nesting(source)
    source, tags = _tags_as_text(source)
    md = _markdown()
    md.treeprocessors["closeread-costly"].escaped_tags = bool(tags)  # type: ignore[attr-defined]
    try:
        html = md.convert(source)
    except RecursionError:  # nesting the line caps do not see; never seen in a test
        raise NestingError("nested too deep for the Markdown parser") from None
    meta = {key.lower(): " ".join(v.strip() for v in values).strip()
            for key, values in getattr(md, "Meta", {}).items()}
    notes = []
    if tags:
        notes.append(f"{tags:,} unclosed HTML tag{'s' if tags != 1 else ''} (too many to "
                     "read in time) read as text")
    blocks = md.treeprocessors["closeread-costly"].count
    if blocks:
        notes.append(f"{blocks:,} paragraph{'s' if blocks != 1 else ''} with too much nested "
                     "or unclosed markup ([, (, *, <) read as plain text, as written")
    document = render_html_fragment(html)
    return replace(document, notes=tuple(notes)) if notes else document, meta


def render_html_fragment(html: str) -> Document:
    """HTML reduced to a document: block structure and inline marks, nothing executed."""
    import lxml.html  # loaded on first use, like markdown

    if not html.strip():
        return Document(text="")
    # huge_tree: up to 2,048 levels are parsed (the default stops at 256 and drops the
    # rest); the builder reads whatever lies deeper than MAX_HTML_DEPTH flat
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    if any("Excessive depth" in entry.message for entry in parser.error_log):
        raise NestingError("HTML nested more than 2,048 levels deep")
    builder = _DocumentBuilder()
    builder.container(root, quote_depth=0, list_depth=0)
    return builder.document()


class _DocumentBuilder:
    """Walks an HTML tree, emitting blocks separated by ``BLOCK_SEPARATOR``."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.blocks: list[Block] = []
        self.spans: list[Span] = []
        # inline state of the block being built
        self.block_start = 0
        self.pending_space = False
        self.preformatted = False
        self.depth = 0  # elements descended into; see MAX_HTML_DEPTH
        self.removed_controls = 0  # control characters left out (entities decode to them)

    def document(self) -> Document:
        return Document("".join(self.parts), tuple(self.blocks), tuple(self.spans),
                        self.removed_controls)

    # blocks

    def container(self, element: lxml.html.HtmlElement, quote_depth: int, list_depth: int) -> None:
        if self.depth >= MAX_HTML_DEPTH:
            self._flat(element, quote_depth, list_depth)
            return
        self.depth += 1
        try:
            self._container(element, quote_depth, list_depth)
        finally:
            self.depth -= 1

    def _container(self, element: lxml.html.HtmlElement, quote_depth: int,
                   list_depth: int) -> None:
        loose: list[object] = []  # inline content lying directly in a container
        if element.text and element.text.strip():
            loose.append(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _DROPPED or not tag:
                if child.tail and child.tail.strip():
                    loose.append(child.tail)
                continue
            if tag in _HEADINGS or tag in _LEAF_BLOCKS or tag in _CONTAINERS or tag == "hr":
                self._flush_loose(loose, quote_depth, list_depth)
                self.block(child, quote_depth, list_depth)
                if child.tail and child.tail.strip():
                    loose.append(child.tail)
            else:
                loose.append(child)
        self._flush_loose(loose, quote_depth, list_depth)

    def _flush_loose(self, loose: list[object], quote_depth: int, list_depth: int) -> None:
        if not loose:
            return
        kind, level = self._kind_for(quote_depth, list_depth)
        self._begin()
        for item in loose:
            if isinstance(item, str):
                self._text(item)
            else:
                self._inline(item)  # type: ignore[arg-type]
                if item.tail:  # type: ignore[attr-defined]
                    self._text(item.tail)  # type: ignore[attr-defined]
        self._end(kind, level)
        loose.clear()

    def block(self, element: lxml.html.HtmlElement, quote_depth: int, list_depth: int) -> None:
        tag = element.tag
        if tag == "hr":
            return
        if tag in _HEADINGS:
            self._leaf(element, HEADING, _HEADINGS[tag])
        elif tag == "pre":
            self.preformatted = True
            self._leaf(element, CODE, 0)
            self.preformatted = False
        elif tag == "blockquote":
            self.container(element, quote_depth + 1, list_depth)
        elif tag in ("ul", "ol", "dl"):
            self.container(element, quote_depth, list_depth + 1)
        elif tag == "li":
            self.container(element, quote_depth, list_depth)
        elif tag == "tr":
            self._row(element, quote_depth, list_depth)
        elif tag in _CONTAINERS:
            self.container(element, quote_depth, list_depth)
        else:
            kind, level = self._kind_for(quote_depth, list_depth)
            self._leaf(element, kind, level)

    def _kind_for(self, quote_depth: int, list_depth: int) -> tuple[str, int]:
        if list_depth:
            return ITEM, list_depth
        if quote_depth:
            return QUOTE, quote_depth
        return PARAGRAPH, 0

    def _row(self, row: lxml.html.HtmlElement, quote_depth: int, list_depth: int) -> None:
        self._begin()
        first = True
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            if not first:
                self._raw("\t")
            first = False
            self._children(cell)
        kind, level = self._kind_for(quote_depth, list_depth)
        self._end(kind, level)

    def _leaf(self, element: lxml.html.HtmlElement, kind: str, level: int) -> None:
        self._begin()
        self._children(element)
        self._end(kind, level)

    # inline content

    def _children(self, element: lxml.html.HtmlElement) -> None:
        if element.text:
            self._text(element.text)
        for child in element:
            self._inline(child)
            if child.tail:
                self._text(child.tail)

    def _inline(self, element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _DROPPED or not tag:
            return
        if self.depth >= MAX_HTML_DEPTH:
            for kind, text in _walk_flat(element):
                if kind == "text":
                    self._text(text)
                elif kind == "br":
                    self.pending_space = False
                    self._raw("\n")
            return
        self.depth += 1
        try:
            self._marked(element, tag)
        finally:
            self.depth -= 1

    def _marked(self, element: lxml.html.HtmlElement, tag: str) -> None:
        if tag == "br":
            self.pending_space = False
            self._raw("\n")
            return
        start = self.length + (1 if self.pending_space and self.length > self.block_start else 0)
        self._children(element)
        end = self.length
        if tag in _INLINE_MARKS and end > start:
            self.spans.append(Span(start, end, _INLINE_MARKS[tag]))
        elif tag == "a" and end > start:
            self.spans.append(Span(start, end, LINK, safe_link(element.get("href"))))

    def _text(self, text: str) -> None:
        if CONTROL_CHARACTERS.search(text):
            # removed before white space is collapsed: "a &#x1b; b" reads "a b"
            text, removed = CONTROL_CHARACTERS.subn("", text)
            self.removed_controls += removed
        if self.preformatted:
            self._raw(text)
            return
        # runs of white space are one space; space at either end is pending, written
        # only between words of the same block (not after a line break)
        words = _SPACE.split(text)
        inner = " ".join(word for word in words if word)
        if len(words) > 1 and not words[0]:
            self.pending_space = True
        if not inner:
            return
        if (self.pending_space and self.length > self.block_start
                and not self.parts[-1].endswith("\n")):
            self._raw(" ")
        self._raw(inner)
        self.pending_space = len(words) > 1 and not words[-1]

    def _raw(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def _flat(self, element: lxml.html.HtmlElement, quote_depth: int, list_depth: int) -> None:
        """``element``'s content without recursion, at the current level: each block
        element still starts a new block, but inline marks and links are not kept."""
        kind, level = self._kind_for(quote_depth, list_depth)
        self._begin()
        for what, text in _walk_flat(element):
            if what == "text":
                self._text(text)
            elif what == "br":
                self.pending_space = False
                self._raw("\n")
            else:  # a block boundary
                self._end(kind, level)
                self._begin()
        self._end(kind, level)

    def _begin(self) -> None:
        if self.blocks or self.length:
            self._raw(BLOCK_SEPARATOR)
        self.block_start = self.length
        self.pending_space = False

    def _end(self, kind: str, level: int) -> None:
        if self.preformatted:
            # a code block's final newline belongs to the markup, not the text
            while self.length > self.block_start and self.parts[-1].endswith("\n"):
                self.parts[-1] = self.parts[-1][:-1]
                self.length -= 1
            self.spans = [
                Span(s.start, min(s.end, self.length), s.kind, s.href)
                for s in self.spans
                if s.start < self.length
            ]
        if self.length == self.block_start:
            # nothing was written: take the separator back
            if self.blocks:
                self.parts.pop()
                self.length -= len(BLOCK_SEPARATOR)
            return
        self.blocks.append(Block(self.block_start, self.length, kind, level))
        self.pending_space = False


_BLOCK_TAGS = frozenset(_HEADINGS) | _LEAF_BLOCKS | _CONTAINERS | {"hr"}


def _walk_flat(element: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """The content of ``element`` in document order, without recursion: ("text", words),
    ("br", "") and ("block", "") where a block element begins or ends. Dropped elements
    (scripts, images …) and comments give only their tails."""
    found: list[tuple[str, str]] = []
    if element.text:
        found.append(("text", element.text))
    stack = [(element, iter(element))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if node is not element:
                if node.tag in _BLOCK_TAGS:
                    found.append(("block", ""))
                if node.tail:
                    found.append(("text", node.tail))
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _DROPPED or not tag:
            if child.tail:
                found.append(("text", child.tail))
            continue
        if tag == "br":
            found.append(("br", ""))
            if child.tail:
                found.append(("text", child.tail))
            continue
        if tag in _BLOCK_TAGS:
            found.append(("block", ""))
        if child.text:
            found.append(("text", child.text))
        stack.append((child, iter(child)))
    return found
