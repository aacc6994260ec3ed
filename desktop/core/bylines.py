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


# letters after a name that are a qualification, not a second author, as they are written
# ("PhD", "MSc"): a word spelt otherwise is a name ("Jack Ma", "Anh Do")
_DEGREE_SPELLINGS = _word_set(
    "MA MS MSc MBA MD PhD DPhil DO RN NP PA MPH DDS DMD RD LD LCSW LMFT PsyD JD LLM CPA "
    "CFP FACC FACP FRCP MRCP BSc BA MBBS EdD DNP APRN CNM IBCLC CDE CSCS PharmD DVM OD "
    "MPhil MFA MSW LPC PT DPT OT")
_DEGREES = frozenset(d.lower() for d in _DEGREE_SPELLINGS)
# words of a dateline that trail a name: months and weekdays (English, German, French,
# Spanish, Czech). Many are names too ("Theresa May", "Lena H. Sun", "Nguyễn Thị Mai"):
# one is dropped only next to a date or after a separator ("Joshua Sokol May 3",
# "Joshua Sokol, May", "Nadia Ferreira · Monday")
_DATE_WORDS = _word_set(
    "jan january feb february mar march apr april may jun june jul july aug august "
    "sep sept september oct october nov november dec december mon monday tue tuesday "
    "wed wednesday thu thursday fri friday sat saturday sun sunday "
    "januar februar märz mai juni juli oktober dezember montag dienstag mittwoch "
    "donnerstag freitag samstag sonntag janvier février mars avril juin juillet août "
    "septembre octobre novembre décembre lundi mardi mercredi jeudi vendredi samedi "
    "dimanche enero febrero marzo abril mayo junio julio agosto septiembre octubre "
    "noviembre diciembre lunes martes miércoles jueves viernes sábado domingo leden únor "
    "březen duben květen červen červenec srpen září říjen listopad prosinec")
_WEEKDAYS = _word_set(
    "mon monday tue tuesday wed wednesday thu thursday fri friday sat saturday sun sunday "
    "montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi "
    "vendredi samedi dimanche lunes martes miércoles jueves viernes sábado domingo")
# a dateline's label: never a name, dropped wherever it trails one
_DATE_LABELS = _word_set(
    "updated published posted aktualisiert veröffentlicht publié actualizado publicado "
    "aktualizováno")
# an English month glued on after a full name with no date beside it ("Joshua Sokol May",
# a dateline whose day the page put in another element): the last word of a name of two
# or more words is taken for it, the only word of a name never ("Theresa May")
_ENGLISH_MONTHS = _word_set(
    "january february march april may june july august september october november "
    "december")
# a time's unit after its figures: "10:05 am", "14.30 Uhr"
_TIME_MARKS = frozenset({"am", "pm", "a.m", "p.m", "uhr", "h"})
_DIGITS = re.compile(r"\d[\d.:/h-]*(?:am|pm|uhr)?", re.I)
_DAY_OR_YEAR = re.compile(r"\d{1,2}|\d{4}")
_INITIAL = re.compile(r"^[^\W\d_]\.$|^[^\W\d_]$")
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
    r"^\s*(?:by|par|por|door|av|od|autor(?:ka)?|author|text|texto|written by|"
    r"作者|记者|文|撰文)\s*[:：]?\s+|^\s*(?:作者|记者|文|撰文|autor|author)\s*[:：]\s*", re.I)
# "by" in words that begin names too ("Di Wu", "De Gaulle", "von der Leyen"): a by-word
# only at the very start of a byline and before a whole name of two or more words
_PARTICLE_PREFIX = re.compile(
    r"^\s*(?:von|di|da|de)\s*:?\s+(?=(?-i:[A-ZÀ-ÝĀ-ŽΑ-Ω])\S*\s+\S)", re.I)
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
# between the names of a list: semicolons, "、", a comma before more than one word
# ("Renata Wells, MA" is one name), "and" in a few languages before a capital
_LIST = re.compile(
    rf"\s*;\s*|\s*、\s*|\s*,\s*(?=[^,]*\s)|\s+(?:and|und|et|&)\s+(?=(?-i:[{_UPPER}]))",
    re.I)
# "and" in words that join the parts of one name too ("José Ortega y Gasset", "Pi i
# Margall", "José Maria e Silva"): split there only inside a list, and only between two
# whole names
_NAME_CONJUNCTION = re.compile(rf"\s+(?:y|i|e|a)\s+(?=(?-i:[{_UPPER}]))", re.I)
_URL = re.compile(r"^(?:https?:)?//|^www\.", re.I)
_SEPARATOR_ENDS = (",", "·", "|", "•", "–", "—")


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
    value = value.split("|")[0]
    stripped = _PREFIX.sub("", value)
    if stripped == value:
        stripped = _PARTICLE_PREFIX.sub("", value)
    # a dateline after the last name, before its commas are taken for a list's:
    # "Nadia Ferreira Updated Monday, May 9"
    stripped = _strip_tail(stripped)
    pieces = [p.strip() for p in _LIST.split(stripped)]
    pieces = [p for p in pieces if p]
    # "Jana Dvořáková a Petr Novák": two names joined by "and" (both of two words or more)
    pieces = [name for piece in pieces for name in _split_conjunction(piece)]
    parts: list[str] = []
    for piece in pieces:
        words = piece.replace(".", " ").split()
        if parts and words and all(_is_degree(w.strip(","), loose=True) for w in words):
            continue  # "Renata Wells; MA": a degree, not a second author
        if parts and _ROLE.search(piece) and len(words) <= 4:
            continue  # "…, Guest columnist"
        if parts and piece.lower().rstrip(".") in _DATE_WORDS | _DATE_LABELS:
            continue
        parts.append(piece)
    return parts


def _split_conjunction(piece: str) -> list[str]:
    """``piece`` split at "y", "i", "e" or "a" when every side is a name of two or more
    words ("Juan Pérez y María Gómez"), else whole ("José Ortega y Gasset")."""
    sides = _NAME_CONJUNCTION.split(piece)
    if len(sides) > 1 and all(len(side.split()) >= 2 for side in sides):
        return sides
    return [piece]


def _is_degree(word: str, loose: bool) -> bool:
    """Whether ``word`` is a degree: spelt as one ("PhD", "M.D."), or, ``loose`` (after a
    comma or on its own), in any case."""
    bare = word.replace(".", "")
    if loose:
        return bare.lower() in _DEGREES
    return bare in _DEGREE_SPELLINGS


def _clean_name(value: str) -> str | None:
    value = _PREFIX.sub("", value).strip(" ,;:-–—·|")
    value = _strip_tail(value).strip(" ,;:-–—·|")
    if not value or any(c.isdigit() for c in value) or len(value) > 80:
        return None
    if value.lower() in _NOT_NAMES or set(value.lower().split()) & _NOT_NAME_WORDS:
        return None
    return value


def _strip_tail(value: str) -> str:
    """``value`` without a dateline or degree glued on after the name: "Nadia Ferreira May 9,
    2022 10:05 am", "Renata Wells, MA", "Jane Roe MD"; "Theresa May" and "Jack Ma" are
    names."""
    words = value.split()
    dated = False  # the word removed last was a day, a year or a dateline's word
    # the word removed last had a separator before it: what is before that ends the name,
    # unless it is a weekday, a label or figures ("Monday, May 9"; "Theresa May, May 9")
    fenced = False
    upper_name = value.isupper()
    while words:
        word = words[-1]
        core = word.strip(".,;:·|•–—-")
        lower = core.lower()
        before = words[-2] if len(words) > 1 else ""
        separated = before.endswith(_SEPARATOR_ENDS) or before in {"-", "·", "|", "•"}
        if not core:
            words.pop()
            continue
        if lower.rstrip(".") in _TIME_MARKS and before and _DIGITS.fullmatch(before.strip(",")):
            words.pop()  # "10:05 am": the figures go next
            continue
        if _DIGITS.fullmatch(core):
            words.pop()
            dated = bool(_DAY_OR_YEAR.fullmatch(core))
            fenced = separated
            continue
        if len(words) == 1:
            if (lower in _DATE_WORDS and dated) or lower in _DATE_LABELS:
                words.pop()  # nothing but a date
            break
        if lower in _DATE_LABELS or (lower in _DATE_WORDS and (dated or separated) and (
                not fenced or lower in _WEEKDAYS)):
            words.pop()
            dated = True
            fenced = separated
            continue
        if fenced:
            break
        if (lower in _ENGLISH_MONTHS and len(words) >= 3 and not _INITIAL.match(before)
                and core[:1].isupper() and not upper_name):
            words.pop()  # "Joshua Sokol May"
            dated = True
            continue
        if separated and before.endswith(",") and _is_degree(core, loose=True):
            words.pop()  # "Renata Wells, MA"
            continue
        if _is_degree(core, loose=False) and len(words) >= 3 and not upper_name:
            words.pop()  # "Jane Roe MD"
            continue
        break
    return " ".join(words)


# written in small letters inside a name when the name is recased: "Pieter van der Berg",
# "José Ortega y Gasset", "Mohammed bin Salman"
_PARTICLES = _word_set("van der den de del della di da dos das do du la le von zu y e i "
                       "bin ibn ter ten")
_WORD_PARTS = re.compile(r"([-'’])")


def _recase(name: str) -> str:
    """An all-capitals byline ("SAMUEL ADEYEMI", "MARY-ANN O'NEIL") as the name is written
    ("Samuel Adeyemi", "Mary-Ann O'Neil"); a short one ("AP", "AFP") is kept."""
    if not name.isupper() or len(name) <= 4:
        return name
    words = []
    for index, word in enumerate(name.split()):
        if index and word.lower() in _PARTICLES:
            words.append(word.lower())
            continue
        pieces = [_capitalise(p) for p in _WORD_PARTS.split(word)]
        words.append("".join(pieces))
    return " ".join(words)


def _capitalise(piece: str) -> str:
    if piece.upper().startswith("MC") and len(piece) > 3:
        return "Mc" + piece[2:].capitalize()  # "MCDONALD" -> "McDonald"
    return piece.capitalize()


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
