"""Deterministic synthetic news text for the benchmarks.

Everything comes from ``random.Random(seed)``: the same seed gives the same words, so two
runs (and the store and its baseline within one run) measure the same data. Nothing here
touches the library; the benchmark modules decide how the text is stored.
"""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path


def _split(words: str) -> list[str]:
    return words.split()


# Common English words (the head of the frequency curve) ...
_COMMON = _split(
    "the of and to a in that is was he for it with as his on be at by i this had not are "
    "but from or have an they which one you were her all she there would their we him been "
    "has when who will more no if out so said what up its about into than them can only "
    "other new some could time these two may then do first any my now such like our over "
    "man me even most made after also did many before must through back years where much "
    "your way well down should because each just those people how too little state good "
    "very make world still own see men work long get here between both life being under "
    "never day same another know while last might us great old year off come since against "
    "go came right used take three"
)
# ... and news vocabulary, so phrases read like the articles Closeread is for.
_NEWS = _split(
    "harbour council vote minister ministry government opposition election campaign "
    "spokesperson official officials report reports reported statement agency police court "
    "judge ruling law bill parliament senator mayor city region province border security "
    "military army navy troops protest protesters crowd rally leader leaders president "
    "prime economy economic market markets inflation prices budget tax taxes trade tariffs "
    "exports imports investment bank banks fund funds crisis war peace talks deal agreement "
    "treaty sanctions fishing fleet waters coast island islands future sovereignty nation "
    "national foreign domestic policy policies analysts experts critics supporters "
    "residents families workers union strike hospital health vaccine schools students "
    "teachers climate energy oil gas pipeline port ships shipping cargo smuggling "
    "investigation evidence witness witnesses allegations claims denied confirmed sources "
    "anonymous documents leaked interview television newspaper media propaganda "
    "disinformation rumours truth facts threat threats attack attacks defence spending "
    "record historic unprecedented million billion percent thousands hundreds dozens "
    "weekend monday tuesday wednesday thursday friday morning evening night announced "
    "promised warned urged rejected approved signed launched accused blamed"
)
COMMON_WORDS = frozenset(_COMMON)
_SYLLABLES = _split(
    "ka ro mi ten sal vor den lu pra ste gan hol mer tis bra ul nor fen dri cas pol ver min "
    "tal sor ben rua lek"
)

# Phrases that recur across articles, the way a running story repeats its key words;
# the search benchmark queries them (some common, some rare).
STOCK_PHRASES = (
    "harbour council vote", "our waters our future", "plain and simple", "the fishing fleet",
    "border security talks", "prime minister said", "according to official sources",
    "the opposition leader", "a historic agreement", "inflation and prices",
    "the coast guard", "record defence spending", "leaked documents show",
    "the city council", "union strike ballot", "energy price cap", "the port authority",
    "sanctions on imports", "the island residents", "a campaign of disinformation",
    "health ministry figures", "the trade deal", "protesters gathered outside",
    "the court ruling", "an anonymous official", "the pipeline project",
    "foreign investment fund", "cargo ships were turned back", "the navy patrol",
    "election campaign rally", "the vaccine rollout", "teachers and students",
    "the budget vote", "climate and energy policy", "witnesses told reporters",
    "the national interest", "a threat to sovereignty", "smuggling across the border",
    "the regional governor", "market prices fell", "the central bank",
    "tax cuts for families", "the peace talks", "a spokesperson for the ministry",
    "hundreds of workers", "the senate committee", "the ruling party",
    "a press conference on monday", "the state broadcaster", "critics of the plan",
)

OUTLETS = ("harbourtimes.example", "coastalherald.example", "dailyledger.example",
           "northstarnews.example", "islandpost.example", "capitalwire.example")
_FIRST = ("Ana", "Li", "Omar", "Mira", "Jonas", "Priya", "Tomás", "Eileen", "Kofi", "Sara",
          "Dmitri", "Hana", "Lucas", "Amara", "Wen", "Fatima")
_LAST = ("Zheng", "Haddad", "Novak", "Okafor", "Lindqvist", "Moreau", "Santos", "Kowalski",
         "Ibrahim", "Tanaka", "O'Neill", "Varga", "Mensah", "Costa", "Reyes", "Berg")


class TextMaker:
    """News-like text from one seeded random generator.

    Words follow a Zipf-like curve over a vocabulary of common words, news words and a few
    thousand made-up words, so FTS indexes and phrase searches behave as on real text.
    """

    def __init__(self, seed: int, synthetic_words: int = 4000) -> None:
        self.rng = random.Random(seed)
        made: set[str] = set()
        syllable_rng = random.Random(seed ^ 0x5EED)
        while len(made) < synthetic_words:
            made.add("".join(syllable_rng.choices(_SYLLABLES, k=syllable_rng.randint(2, 4))))
        vocabulary = list(dict.fromkeys(_COMMON + _NEWS + sorted(made)))
        self.vocabulary = vocabulary
        weights = [1.0 / (rank + 8) for rank in range(len(vocabulary))]
        self.cum_weights = list(itertools.accumulate(weights))

    def words(self, count: int) -> list[str]:
        return self.rng.choices(self.vocabulary, cum_weights=self.cum_weights, k=count)

    def sentence(self, words: list[str]) -> str:
        text = " ".join(words)
        punctuation = self.rng.choice("....,.?!") if len(words) > 6 else "."
        if punctuation == ",":  # a clause with a quotation, then the end
            return f'{text[:1].upper()}{text[1:]}, "{self.rng.choice(STOCK_PHRASES)}."'
        return f"{text[:1].upper()}{text[1:]}{punctuation}"

    def paragraphs(self, word_count: int, phrase_rate: float = 0.02) -> list[str]:
        """Paragraphs of about ``word_count`` words in all, with stock phrases sprinkled in."""
        rng = self.rng
        pool = self.words(word_count)
        if phrase_rate:
            for _ in range(max(1, int(word_count * phrase_rate / 3))):
                at = rng.randrange(len(pool))
                pool[at] = rng.choice(STOCK_PHRASES)  # a few extra words, same order
        paragraphs = []
        at = 0
        while at < len(pool):
            sentences = []
            for _ in range(rng.randint(2, 6)):
                length = rng.randint(8, 28)
                chunk = pool[at : at + length]
                at += length
                if not chunk:
                    break
                sentences.append(self.sentence(chunk))
            if sentences:
                paragraphs.append(" ".join(sentences))
        return paragraphs

    def title(self) -> str:
        words = self.words(self.rng.randint(5, 10))
        words[self.rng.randrange(len(words))] = self.rng.choice(STOCK_PHRASES)
        text = " ".join(words)
        return text[:1].upper() + text[1:]

    def person(self) -> str:
        return f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}"

    def outlet(self) -> str:
        return self.rng.choice(OUTLETS)

    def date(self) -> str:
        """A publication date and time, ``2024-05-01 10:00`` style."""
        rng = self.rng
        return (f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                f"{rng.randint(6, 22):02d}:{rng.choice((0, 15, 30, 45)):02d}")

    def scraped_article(self, word_count: int) -> str:
        """A plain-text article as a scraper saves it: title, byline, paragraphs separated
        by blank lines, and a few "Advertisement" lines between them."""
        paragraphs = self.paragraphs(word_count)
        for _ in range(self.rng.randint(2, 4)):
            paragraphs.insert(self.rng.randint(1, len(paragraphs)), "Advertisement")
        byline = f"By {self.person()} | {self.outlet()} | Updated: {self.date()}"
        return "\n\n".join([self.title(), byline, *paragraphs]) + "\n"

    def clean_article(self, word_count: int) -> str:
        """An article's canonical text as the library keeps it (no byline, no noise)."""
        return "\n\n".join(self.paragraphs(word_count))


def write_text_files(folder: Path, count: int, words: int, seed: int) -> int:
    """``count`` scraped articles as ``.txt`` files in ``folder``; returns the bytes written."""
    folder.mkdir(parents=True, exist_ok=True)
    maker = TextMaker(seed)
    total = 0
    for index in range(count):
        data = maker.scraped_article(words).encode("utf-8")
        (folder / f"article-{index:05d}.txt").write_bytes(data)
        total += len(data)
    return total


_WORD_SPAN = re.compile(r"\S+")


def passage_spans(rng: random.Random, text: str, count: int,
                  max_words: int = 24) -> list[tuple[int, int]]:
    """``count`` passages of ``text`` as (start, end) offsets, each one to ``max_words``
    whole words long (short ones often occur more than once in the article)."""
    words = [m.span() for m in _WORD_SPAN.finditer(text)]
    spans = []
    for _ in range(count):
        length = min(len(words), rng.choice((1, 2, 3)) if rng.random() < 0.15
                     else rng.randint(3, max_words))
        first = rng.randrange(len(words) - length + 1)
        spans.append((words[first][0], words[first + length - 1][1]))
    return spans


def repeated_spans(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """``count`` passages of ``text`` of one or two whole words, each of which occurs
    more than once in ``text`` - so a text-fragment link to it needs context - as
    (start, end) offsets. On news-like text most are common words and word pairs that
    occur dozens of times."""
    words = [m.span() for m in _WORD_SPAN.finditer(text)]
    spans: list[tuple[int, int]] = []
    attempts = 0
    while len(spans) < count:
        attempts += 1
        if attempts > 100 * count + 1000:
            raise ValueError("the text has too few repeated words for repeated_spans")
        length = min(len(words), rng.choice((1, 2)))
        first = rng.randrange(len(words) - length + 1)
        start, end = words[first][0], words[first + length - 1][1]
        quote = text[start:end]
        if text.find(quote, text.find(quote) + 1) != -1:
            spans.append((start, end))
    return spans


NOTES = ("", "", "", "", "slogan", "loaded language; compare the ministry's figures",
         "unsourced claim", "=SUM(A1:A9) looks like a formula", "- see the earlier report",
         "appeal to fear\nsecond line of the note")
