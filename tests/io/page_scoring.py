"""Scores imported web pages against what a reader sees as the article.

Point it at any folder of saved pages (``NAME.html``) each with its expectations beside it
(``NAME.json``)::

    {"title": "...", "author": "..." or null, "published": "2024-03-12T07:45-05:00" or null,
     "kind": "article" or "list",
     "text": ["the article's paragraphs, standfirst included", ...],
     "allowed": ["lines that may be imported but need not be: headline, byline, captions"],
     "noise": ["text that must not be imported"]}

and it imports each page as ``closeread import`` would (``desktop.io.importer.prepare``)
and measures, by words (CJK characters count one each):

- precision: the share of the imported words that belong to the article (``text`` or
  ``allowed``), pooled over the folder and per page;
- recall: the share of the article's words (``text``) that were imported;
- title, author and date right or not, and noise left.

Run it on a folder: ``.venv/bin/python tests/io/page_scoring.py FOLDER``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+")


def words(text: str) -> Counter[str]:
    """The words of ``text``, lowercased, as a multiset; each CJK character is a word."""
    return Counter(w.lower() for w in _WORD.findall(text))


@dataclass
class PageScore:
    name: str
    kind: str
    imported_words: int = 0
    article_words: int = 0  # of the imported words, those that belong to the article
    expected_words: int = 0
    kept_words: int = 0  # of the article's words, those that were imported
    title: tuple[str | None, str | None] = (None, None)  # (got, expected)
    author: tuple[str | None, str | None] = (None, None)
    published: tuple[str | None, str | None] = (None, None)
    noise_left: list[str] = field(default_factory=list)
    warning: str = ""
    error: str = ""

    @property
    def precision(self) -> float:
        return self.article_words / self.imported_words if self.imported_words else 0.0

    @property
    def recall(self) -> float:
        return self.kept_words / self.expected_words if self.expected_words else 0.0

    def problems(self, min_precision: float = 0.80, min_recall: float = 0.80) -> list[str]:
        """What is wrong with this page's import, as short phrases (empty: all right)."""
        if self.error:
            return [f"failed: {self.error}"]
        found = []
        if self.kind == "list":
            if not self.warning:
                found.append("not flagged as a list of stories")
            return found
        if self.precision < min_precision:
            found.append(f"precision {self.precision:.0%}")
        if self.recall < min_recall:
            found.append(f"recall {self.recall:.0%}")
        for label, (got, want) in (("title", self.title), ("author", self.author),
                                   ("published", self.published)):
            if got != want:
                found.append(f"{label} {got!r}, expected {want!r}")
        if self.noise_left:
            found.append(f"noise left: {self.noise_left}")
        if self.warning:
            found.append(f"warned: {self.warning}")
        return found


def score_page(page: Path, strict: bool = False) -> PageScore:
    """Imports ``page`` (as the CLI would, without a library) and scores it against
    ``page.with_suffix('.json')``."""
    from desktop.core.errors import ClosereadError
    from desktop.io.importer import prepare

    expected = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    score = PageScore(page.name, expected.get("kind", "article"))
    warnings: list[str] = []
    try:
        new, _ = prepare(page, "auto", clean=True, warnings=warnings)
    except ClosereadError as error:
        score.error = str(error)
        return score
    score.warning = "; ".join(warnings)
    text = new.text
    got = words(text)
    want = words("\n".join(expected.get("text", [])))
    allowed = want + words("\n".join(expected.get("allowed", [])))
    score.imported_words = sum(got.values())
    score.article_words = sum((got & allowed).values())
    score.expected_words = sum(want.values())
    score.kept_words = sum((got & want).values())
    score.title = (new.title, expected.get("title"))
    score.author = (new.author, expected.get("author"))
    score.published = (new.published, expected.get("published"))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    score.noise_left = [noise for noise in expected.get("noise", [])
                        if any(noise in line for line in lines)]
    return score


def score_folder(folder: Path) -> list[PageScore]:
    """Every page in ``folder`` that has expectations beside it, scored, in name order."""
    return [score_page(page) for page in sorted(folder.glob("*.htm*"))
            if page.with_suffix(".json").is_file()]


def pooled(scores: list[PageScore]) -> tuple[float, float]:
    """Precision and recall pooled over the article pages of ``scores``."""
    articles = [s for s in scores if s.kind == "article" and not s.error]
    imported = sum(s.imported_words for s in articles)
    expected = sum(s.expected_words for s in articles)
    return (sum(s.article_words for s in articles) / imported if imported else 0.0,
            sum(s.kept_words for s in articles) / expected if expected else 0.0)


def report(scores: list[PageScore]) -> str:
    lines = []
    for s in scores:
        problems = s.problems()
        figures = (f"{s.precision:6.1%} {s.recall:6.1%}" if s.kind == "article"
                   else "  (list page)  ")
        lines.append(f"{s.name:40} {figures}  {'; '.join(problems) or 'ok'}")
    precision, recall = pooled(scores)
    lines.append(f"pooled precision {precision:.1%}, recall {recall:.1%} over "
                 f"{sum(1 for s in scores if s.kind == 'article')} article pages")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    print(report(score_folder(Path(sys.argv[1]))))
