"""Removal of scraper noise from article text.

Scraped pages carry lines that are not the article: "Advertisement", "Reading Time: 5
minutes", "Why you can trust …", bare share or comment counts, share buttons, "Read more:"
links, "Loading Comments…", video players' "Now watching", bars of links, and sometimes
the whole body twice in a row. ``clean_text`` removes them and says what it removed, so an
import can report it; nothing else in the text changes.

It runs on plain text and on Markdown alike (a web page's extracted text is Markdown):
a line is matched without its list marker, heading or quote marks, emphasis and link
syntax, so "- 941 comments" and "**[Share on Twitter](https://…)**" are noise too.

Short lines of an article look like noise too: a timeline's year ("## 2024"), a media
story's "Advertising" section, a quoted "Read more: learn more: live more.", "Up next" in
a running story. So the rules that match single words (advertisement, counts, buttons,
read-more links) are never applied to headings, quotes or sentences, a bare number that
is a year is never a count, and "Up next" goes only beside a video player's other lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Whole lines (after stripping) that are page furniture, never article text.
_NOISE_LINES: list[tuple[str, re.Pattern[str]]] = [
    (
        "advertisement",
        re.compile(
            r"(advertisement|advertising|sponsored( content)?|ad)"
            r"(\s*[-–—:|]\s*(scroll|continue|story continues)[\w\s.]*)?",
            re.I,
        ),
    ),
    ("reading time", re.compile(r"(reading time\s*:?\s*\d+\s*(min|mins|minutes?)\.?)", re.I)),
    ("reading time", re.compile(r"\d+\s*(min|mins|minutes?)\s+read", re.I)),
    ("trust notice", re.compile(r"why you can trust\b.*", re.I)),
    (
        "share or comment count",
        re.compile(r"\d[\d,.]*\s*[km]?(\s*(shares?|comments?|views?|likes?|reactions?))?", re.I),
    ),
    (
        "share or comment button",
        re.compile(
            r"(share|share this( article| story)?:?|tweet|email|print|comments?|"
            r"(view|show|load) comments|sign up for our newsletter|skip to (main )?content|"
            r"subscribe( now)?|order reprints)",
            re.I,
        ),
    ),
    (
        "share or comment button",
        re.compile(
            r"((share|post|send) (on|to|via) |partager sur |compartir en |sdílet na |"
            r"envoyer par |per |auf )(twitter|facebook|x|linkedin|whatsapp|reddit|e-?mail|"
            r"pinterest|telegram|threads|bluesky|mastodon|flipboard)( teilen)?|"
            r"tweet this|email this|print this( article| story| page)?|分享到\s*[:：]?.{0,30}|"
            r"(loading|load|show|view|read) (comments?|kommentare)( \(\d+\))?\W{0,3}|"
            r"kommentare lesen( \(\d+ beiträge\))?|(leave|post) a (reply|comment)|"
            r"join the (conversation|discussion)|"
            r"(comments?|commentaires|kommentare|comentarios|diskuse|komentáře|评论)\s*"
            r"[(\[]\d[\d,.]*[)\]]|"
            r"\d[\d,.]*\s*(comentarios?|commentaires?|kommentare?|komentářů|komentáře|条评论)",
            re.I,
        ),
    ),
    (
        "read-more link",
        re.compile(
            r"(read more|read also|see also|more on this( story)?|lire aussi|à lire aussi|"
            r"voir aussi|lesen sie auch|mehr zum thema|auch interessant|čtěte (také|též|i)|"
            r"přečtěte si|te puede interesar|lea también|leer más|ver también|相关阅读|"
            r"延伸阅读|推荐阅读)\s*([:：]\s*.*|…|\.\.\.|»|›|>)?",
            re.I,
        ),
    ),
    (
        "video player",
        re.compile(
            r"now (watching|playing)|(unfortunately,? )?this video is "
            r"(currently )?(not |no longer |un)available( in your (region|country))?\.?|"
            r"(play|pause) video|video (is )?loading\W{0,3}",
            re.I,
        ),
    ),
]
# reasons whose rules match a word or two that a heading, a quote or a sentence may be
# ("## Advertising", "## Print", "> Read more: learn more: live more.")
_WORD_RULES = frozenset({"advertisement", "share or comment count", "share or comment button",
                         "read-more link"})
_VIDEO = "video player"
# a video player's words that are an article's too ("Up next" in a running story): noise
# only beside the player's other lines
_VIDEO_NEIGHBOUR = re.compile(r"(up|watch) next\W{0,3}", re.I)
# a bare number that is a year ("2024", "1989"): a timeline's heading, not a count
_YEAR = re.compile(r"(1[5-9]|20)\d\d")
_HEADING_OR_QUOTE = re.compile(r"^\s*(?:#{1,6}\s|>)")
# a sentence: four words or more and a full stop, not an ellipsis ("Loading comments...")
_SENTENCE_END = re.compile(r"(?<!\.)[.!?][\"'”’»)]*$")
# Markdown around a line's words: list markers, heading and quote marks, emphasis
_LINE_MARKS = re.compile(r"^\s*(?:(?:[-*+•]|\d{1,3}[.)])\s+|#{1,6}\s+|>\s*)+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")
# (neither the text nor the address holds a "[": each "[" is then followed only to the
# next, and a line of 100,000 brackets is read in linear time, not in minutes)
_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^)\[]*\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\([^)\[]*\)")
# a bar of short links: "Order Reprints | Today's Paper | Subscribe"
_BAR_SEPARATOR = re.compile(r"\s+[|·•]\s+")

# A repeated body must be at least this long to be taken for a scraper's double copy:
# an author repeating a short slogan is content, not noise.
_MIN_REPEAT_LINES = 3
REPEATED_BODY = "repeated copy of the body"
_MIN_REPEAT_CHARS = 200


@dataclass(frozen=True)
class Removal:
    """One piece of noise taken out: the 1-based line it started on, what, and why."""

    line: int
    text: str
    reason: str


@dataclass
class CleanResult:
    text: str
    removed: list[Removal] = field(default_factory=list)
    outlet_hint: str | None = None

    def summary(self) -> str:
        """One line: what was removed, or an empty string."""
        if not self.removed:
            return ""
        counts: dict[str, int] = {}
        parts = []
        for removal in self.removed:
            if removal.reason == REPEATED_BODY:
                parts.append(f"a repeated copy of the body ({removal.text})")
            else:
                counts[removal.reason] = counts.get(removal.reason, 0) + 1
        parts += [f"{n} {reason} line{'s' if n != 1 else ''}" for reason, n in counts.items()]
        return "removed " + ", ".join(parts)


def noise_reason(line: str) -> str | None:
    """Why ``line`` is scraper noise, or None when it is text. Markdown marks are not
    part of what is matched (``plain_line``)."""
    stripped = plain_line(line)
    if not stripped or len(stripped) > 80:
        return None
    # a heading, a quote or a sentence is the article's, whatever its words
    prose = bool(_HEADING_OR_QUOTE.match(line)) or (
        len(stripped.split()) >= 4 and bool(_SENTENCE_END.search(stripped)))
    for reason, pattern in _NOISE_LINES:
        if prose and reason in _WORD_RULES:
            continue
        if pattern.fullmatch(stripped):
            if reason == "share or comment count" and _YEAR.fullmatch(stripped):
                continue
            return reason
    if _is_link_bar(line, stripped):
        return "bar of links"
    return None


_BAR_END = re.compile(r"^\s*[|·•]\s*|\s*[|·•]\s*$")


def plain_line(line: str) -> str:
    """``line``'s words without Markdown: list markers, heading and quote marks,
    emphasis, images, and link syntax (the link's text is kept)."""
    stripped = _LINE_MARKS.sub("", line.strip())
    stripped = _LINK.sub(r"\1", _IMAGE.sub("", stripped))
    if "*" in stripped or "_" in stripped or "`" in stripped:
        stripped = _EMPHASIS.sub("", stripped)
    return stripped.strip()


def _is_link_bar(line: str, plain: str) -> bool:
    """A line of two or more short links between bars, and nothing else: the menu or
    footer of a page ("[Order Reprints](…) | [Today's Paper](…)"). Only Markdown links
    count: a plain byline "By Ann Lee | paper.example | Updated: …" is text."""
    line = line.strip()
    if line.startswith("|") and line.endswith("|"):
        return False  # a Markdown table row
    if _BAR_END.search(line):
        # one link of a bar that the page's markup split over lines: "[Order Reprints](/x)|"
        rest = _BAR_END.sub("", line)
        return bool(_LINK.fullmatch(rest)) and 0 < len(_BAR_END.sub("", plain).split()) <= 4
    parts = _BAR_SEPARATOR.split(plain)
    if len(parts) < 2:
        return False
    return all(0 < len(p.split()) <= 4 and not p.rstrip().endswith((".", "?", "!", ":"))
               and not p.strip().isdigit() for p in parts) and "](" in line


_TRUST_OUTLET = re.compile(r"why you can trust\s+(?P<outlet>[\w&.' -]{2,40}?)\s*$", re.I)


def clean_text(text: str) -> CleanResult:
    """``text`` without scraper noise, and a report of what went.

    Line structure is kept: removed lines vanish with their line break, and runs of blank
    lines left behind are collapsed to one.
    """
    lines = text.split("\n")
    removed: list[Removal] = []
    outlet_hint = None
    keep = [True] * len(lines)

    for index, line in enumerate(lines):
        reason = noise_reason(line)
        if reason is None:
            continue
        if reason == "trust notice":
            match = _TRUST_OUTLET.match(line.strip())
            if match:
                outlet_hint = match.group("outlet")
        keep[index] = False
        removed.append(Removal(index + 1, line.strip(), reason))
    _remove_video_neighbours(lines, keep, removed)

    repeat = _find_repeated_body([line if keep[i] else "" for i, line in enumerate(lines)])
    if repeat is not None:
        first, last = repeat
        paragraphs = sum(1 for i in range(first, last) if keep[i] and lines[i].strip())
        for i in range(first, last):
            keep[i] = False
        removed.append(
            Removal(first + 1, f"{paragraphs} paragraphs", REPEATED_BODY)
        )

    out: list[str] = []
    for index, line in enumerate(lines):
        if not keep[index]:
            continue
        if not line.strip() and out and not out[-1].strip():
            continue  # collapse blank runs left by removals
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    cleaned = "\n".join(out) + ("\n" if text.endswith("\n") and out else "")
    if cleaned == text:
        return CleanResult(text, [], outlet_hint)
    removed.sort(key=lambda r: r.line)
    return CleanResult(cleaned, removed, outlet_hint)


def _remove_video_neighbours(lines: list[str], keep: list[bool],
                              removed: list[Removal]) -> None:
    """Takes out "Up next" and "Watch next" lines next to a video player's other lines
    (the nearest non-blank line before or after was removed as one)."""
    video = {r.line - 1 for r in removed if r.reason == _VIDEO}
    if not video:
        return
    content = [i for i, line in enumerate(lines) if line.strip()]
    for pos, index in enumerate(content):
        if not keep[index] or _HEADING_OR_QUOTE.match(lines[index]):
            continue
        if not _VIDEO_NEIGHBOUR.fullmatch(plain_line(lines[index])):
            continue
        neighbours = content[max(pos - 1, 0):pos] + content[pos + 1:pos + 2]
        if any(n in video for n in neighbours):
            keep[index] = False
            removed.append(Removal(index + 1, lines[index].strip(), _VIDEO))


def _find_repeated_body(lines: list[str]) -> tuple[int, int] | None:
    """The line range of the second copy of a body printed twice in a row, if any.

    Looks for a run of non-empty lines ``B`` followed directly by ``B`` again (blank lines
    ignored); the second copy may be cut short at the end of the text.
    """
    content = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    texts = [t for _, t in content]
    seen: dict[str, list[int]] = {}
    for pos, line in enumerate(texts):
        for earlier in seen.get(line, ()):
            span = pos - earlier
            if span < _MIN_REPEAT_LINES:
                continue
            run = 0
            while (pos + run < len(texts) and run < span
                   and texts[earlier + run] == texts[pos + run]):
                run += 1
            reaches_end = pos + run == len(texts)
            if (run == span or reaches_end) and run >= _MIN_REPEAT_LINES:
                chars = sum(len(t) for t in texts[pos : pos + run])
                if chars >= _MIN_REPEAT_CHARS:
                    first_line = content[pos][0]
                    last_line = content[pos + run - 1][0] + 1
                    return first_line, last_line
        seen.setdefault(line, []).append(pos)
    return None
