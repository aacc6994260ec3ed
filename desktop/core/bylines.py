"""Authors and titles as pages give them, made into what a reader would write down.

Web pages name their authors in many ways that are not a name: a byline with its dateline
glued on ("Nadia Ferreira May 9, 2022"), the same name twice in two casings, a degree
("Renata Wells, MA"), a role ("Guest columnist"), a place ("Lucía Ferrer | Valencia"), a
login form's "Username". Titles carry the site's name ("… | ZprávyDnes.cz",
"…_教育频道_青年在线网", "… - The Ledger"). These functions take such strings apart; they
never invent a name the page does not give.
"""

from __future__ import annotations

import re


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# letters after a name that are a qualification, not a second author
_DEGREES = _word_set(
    "ma ms msc mba md phd dphil do rn np pa mph dds dmd rd ld lcsw lmft psyd jd llm "
    "cpa cfp facc facp frcp mrcp bsc ba mbbs edd dnp aprn cnm ibclc cde cscs pharmd "
    "dvm od")
# words of a dateline that trail a name: months and weekdays (English, German, French,
# Spanish, Czech), "Updated", "Published"
_DATE_WORDS = _word_set(
    "jan january feb february mar march apr april may jun june jul july aug august "
    "sep sept september oct october nov november dec december mon monday tue tuesday "
    "wed wednesday thu thursday fri friday sat saturday sun sunday updated published "
    "posted januar februar märz mai juni juli oktober dezember janvier février mars "
    "avril juin juillet août septembre octobre novembre décembre enero febrero marzo "
    "abril mayo junio julio agosto septiembre octubre noviembre diciembre leden únor "
    "březen duben květen červen červenec srpen září říjen listopad prosinec")
# a role after a comma: "HARRIET LOWE, Guest columnist"
_ROLE = re.compile(
    r"\b(columnist|correspondent|reporter|writer|editor|contributor|staff|freelance|"
    r"journalist|photographer|analyst|critic|redakteur|redakteurin|korrespondent|"
    r"correspondant|envoyé|envoyée|corresponsal|redactor|redactora|redaktor|redaktorka|"
    r"zpravodaj)\w*\b", re.I)
# what login forms, share bars and templates leave where a name should be
_NOT_NAMES = frozenset({
    "user", "user name", "log in", "sign in", "email", "e-mail", "share", "administrator",
    "unknown", "author", "authors", "by", "none", "menu", "search", "subscribe"})
_NOT_NAME_WORDS = frozenset({"username", "password", "login", "admin", "anonymous", "null",
                             "undefined"})
_PREFIX = re.compile(
    r"^\s*(?:by|von|par|por|door|di|av|od|autor(?:ka)?|author|text|texto|written by|"
    r"作者|记者|文|撰文)\s*[:：]?\s+|^\s*(?:作者|记者|文|撰文|autor|author)\s*[:：]\s*", re.I)
_SPLIT = re.compile(r"\s*;\s*|\s+(?:and|und|et|y|a|i|e|&)\s+(?=[A-ZÀ-ÝČŘŠŽ])|"
                    r"\s*,\s*(?=[^,]*\s)|\s*、\s*")
_DATE_TAIL = re.compile(r"[\s,·|]*(?:\d[\d.:/-]*|(?:a\.m\.|p\.m\.|am|pm|uhr|h))\s*$", re.I)
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)


def clean_authors(raw: str | list[str] | None, organisations: frozenset[str] = frozenset(),
                  ) -> str | None:
    """The authors in ``raw`` (one string, or one name a string), "; "-joined, or None.

    ``organisations`` are names given as an organisation's (JSON-LD ``Organization``): they
    are kept whole ("Netz & i"), never split at "&".
    """
    if raw is None:
        return None
    items = [raw] if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if not item or _URL.match(item):
            continue
        if item in organisations:
            names.append(item)
            continue
        for part in _split(item):
            name = _clean_name(part)
            if name:
                names.append(name)
    unique: dict[str, str] = {}
    for name in names:
        key = name.casefold()
        if key not in unique or (unique[key].isupper() and not name.isupper()):
            unique[key] = name
    result = [_recase(n) for n in unique.values()]
    return "; ".join(dict.fromkeys(result)) or None


def _split(value: str) -> list[str]:
    # "Lucía Ferrer | Valencia | 28/09/2023": what follows a bar is a place, an outlet or
    # a date, not another author
    value = _PREFIX.sub("", value.split("|")[0])
    parts: list[str] = []
    for piece in _SPLIT.split(value):
        piece = piece.strip()
        if not piece:
            continue
        words = piece.replace(".", " ").split()
        if parts and words and all(w.lower().strip(",") in _DEGREES for w in words):
            continue  # "Renata Wells, MA": a degree, not a second author
        if parts and _ROLE.search(piece) and len(words) <= 4:
            continue  # "…, Guest columnist"
        if parts and piece.lower().rstrip(".") in _DATE_WORDS:
            continue
        parts.append(piece)
    return parts


def _clean_name(value: str) -> str | None:
    value = _PREFIX.sub("", value).strip(" ,;:-–—·|")
    # a dateline glued on: "Nadia Ferreira May 9, 2022" -> "Nadia Ferreira"
    while True:
        stripped = _DATE_TAIL.sub("", value).strip(" ,;:-–—·|")
        words = stripped.split()
        while len(words) > 1 and words[-1].lower().strip(".,") in _DATE_WORDS | _DEGREES:
            words.pop()
        stripped = " ".join(words)
        if stripped == value:
            break
        value = stripped
    if not value or any(c.isdigit() for c in value) or len(value) > 80:
        return None
    if value.lower() in _NOT_NAMES or set(value.lower().split()) & _NOT_NAME_WORDS:
        return None
    return value


def _recase(name: str) -> str:
    """An all-capitals byline ("SAMUEL ADEYEMI") as the name is written."""
    if not name.isupper() or len(name) <= 4:
        return name
    return " ".join(w.capitalize() if w.isalpha() or "-" not in w
                    else "-".join(p.capitalize() for p in w.split("-"))
                    for w in name.split())


def is_generic_author(author: str, outlet: str | None) -> bool:
    """Whether ``author`` names the outlet or its staff rather than a person
    ("Tri-County Wire staff", "Redaktion"): a person's byline found elsewhere is better."""
    lowered = author.casefold()
    if outlet and lowered.startswith(outlet.casefold()):
        return True
    return bool(re.search(r"\b(staff|team|desk|newsroom|redaktion|redacción|rédaction|"
                          r"redakce|agencies|wire)\b", lowered))


# --- titles ------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|--|::|·|•|»|/)\s+|_|\s*｜\s*")
_SITE_WORDS = re.compile(
    r"(频道|网|網|在线|新闻|报|日报|站|\.(?:com|cz|de|fr|es|org|net|uk|cn|sk|pl|at|ch|it)\b)",
    re.I)
_SECTION_PREFIX = re.compile(r"^(?:opinion|analysis|editorial|review|comment|live)\s*[|:]\s*",
                             re.I)


def clean_title(title: str | None, sites: tuple[str, ...] = (),
                headings: tuple[str, ...] = ()) -> str | None:
    """``title`` without the site's name around it.

    ``sites`` are the outlet's names the page gives (og:site_name, the publisher);
    ``headings`` the page's top headings: a title that is a heading plus a suffix is that
    heading.
    """
    if not title:
        return None
    title = " ".join(title.split())
    for heading in headings:
        heading = " ".join(heading.split())
        if len(heading) >= 10 and heading != title and title.startswith(heading) \
                and _SEPARATORS.match(title[len(heading):]):
            return heading
    title = _SECTION_PREFIX.sub("", title)
    parts = _SEPARATORS.split(title)
    if len(parts) == 1:
        return title
    keys = {_key(s) for s in sites if s}
    while len(parts) > 1 and (_key(parts[-1]) in keys
                              or (_SITE_WORDS.search(parts[-1]) and len(parts[-1]) <= 30)):
        parts.pop()
    while len(parts) > 1 and _key(parts[0]) in keys:
        parts.pop(0)
    # the separators inside what is left were the title's own
    kept = title
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    if start >= 0 and end > start:
        kept = title[start:end]
    return kept.strip() or title


def _key(value: str) -> str:
    return re.sub(r"[\W_]+", "", value.casefold())
