"""Changing an article's text: the annotations re-anchor, what moved is kept in history.

One transaction: the new text, every annotation's new selectors (or its orphaning), a
revision holding the old text, and a history row for each annotation that moved or
became an orphan. Annotations that stay where they were leave no history.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from desktop.core.errors import ClosereadError
from desktop.core.model import ANCHORED, ORPHAN, Article, now_iso, text_sha256
from desktop.store.articles import NewArticle

if TYPE_CHECKING:
    from desktop.core.anchoring import Anchoring
    from desktop.store.library import Library


class TextClashError(ClosereadError):
    """The new text is already another article's."""


class TextChangedSinceError(ClosereadError):
    """An undo or redo of a text edit would overwrite a change made to the text since."""



@dataclass
class Reanchored:
    """What replacing a text did to the article's annotations."""

    article: Article
    changed: bool  # False when the text was the same: nothing was written
    methods: Counter[str] = field(default_factory=Counter)
    orphaned: list[str] = field(default_factory=list)  # annotation ids
    revision_id: int | None = None

    def summary(self) -> str:
        if not self.changed:
            return "the text is unchanged"
        total = sum(self.methods.values())
        kept = total - self.methods.get("orphan", 0)
        moved = total - self.methods.get("unchanged", 0) - self.methods.get("position", 0) \
            - self.methods.get("orphan", 0)
        return (f"text replaced; {total} annotation{'s' if total != 1 else ''}: {kept} "
                f"re-anchored ({moved} found by quote or fuzzy match), "
                f"{len(self.orphaned)} orphaned")


def replace_text(library: Library, article_id: str, new: NewArticle) -> Reanchored:
    """Gives the article ``new``'s text (and layout, source), re-anchoring its annotations.

    Metadata in ``new`` fills only the article's empty fields: an analyst's corrections of
    title or author are not overwritten by a re-import.
    """
    # loaded here, not with the module: the app imports this module at start and needs
    # the fuzzy matcher only when a text changes
    from desktop.core.anchoring import Anchor, reanchor

    with library.transaction():
        article = library.articles.get(article_id)
        if article.text == new.text:
            return Reanchored(article, changed=False)
        digest = text_sha256(new.text)
        clash = library.db.execute(
            "SELECT id, title FROM articles WHERE text_sha256 = ? AND id != ?",
            [digest, article.id]).fetchone()
        if clash:
            raise TextClashError(
                f"the new text is already in the library as article {clash[0][:8]} "
                f"({clash[1]}); nothing was changed")
        rows = library.db.execute(
            'SELECT id, start, "end", exact, prefix, suffix, anchor_state FROM annotations '
            "WHERE article_id = ? AND deleted IS NULL", [article.id]).fetchall()
        results = reanchor(article.text, new.text,
                           [Anchor(r[1], r[2], r[3], r[4], r[5]) for r in rows])
        now = now_iso()
        cursor = library.db.execute(
            "INSERT INTO article_revisions (article_id, replaced, old_text, old_sha256, "
            "new_sha256, source_path) VALUES (?, ?, ?, ?, ?, ?)",
            [article.id, now, article.text, article.text_sha256, digest, new.source_path])
        revision_id = cursor.lastrowid
        library.db.execute(
            "UPDATE articles SET text = ?, text_sha256 = ?, layout = ?, source = ?, "
            "source_path = coalesce(?, source_path), format = ?, updated_at = ?, "
            # a title that is only the url (a page annotated before its text was here)
            # is no title either
            "title = CASE WHEN title = '' OR title = url THEN ? ELSE title END, "
            "author = coalesce(author, ?), "
            "outlet = coalesce(outlet, ?), published = coalesce(published, ?), "
            "url = coalesce(url, ?) WHERE id = ?",
            [new.text, digest, new.layout, new.source, new.source_path, new.format, now,
             new.title, new.author, new.outlet, new.published, new.url, article.id])
        report = Reanchored(library.articles.get(article.id), changed=True,
                            revision_id=revision_id)
        for row, result in zip(rows, results, strict=True):
            report.methods[result.method] += 1
            _apply(library, row, result, revision_id, now)
            if result.state == ORPHAN:
                report.orphaned.append(row[0])
        return report


def _apply(library: Library, row: tuple[object, ...], result: Anchoring,
           revision_id: int | None, now: str) -> None:
    annotation_id, start, end, exact, _prefix, _suffix, state = row
    if result.state == ANCHORED:
        library.db.execute(
            'UPDATE annotations SET start = ?, "end" = ?, exact = ?, prefix = ?, suffix = ?, '
            "anchor_state = ? WHERE id = ?",
            [result.start, result.end, result.exact, result.prefix, result.suffix, ANCHORED,
             annotation_id])
    else:
        library.db.execute("UPDATE annotations SET anchor_state = ? WHERE id = ?",
                           [ORPHAN, annotation_id])
    moved = (result.state != state or result.start != start or result.end != end
             or result.exact != exact)
    if moved:
        library.db.execute(
            "INSERT INTO annotation_history (annotation_id, revision_id, changed, method, "
            "old_state, old_start, old_end, old_exact, new_state, new_start, new_end, "
            "new_exact) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [annotation_id, revision_id, now, result.method, state, start, end, exact,
             result.state, result.start, result.end, result.exact])
        library.db.execute("UPDATE annotations SET updated = ? WHERE id = ?",
                           [now, annotation_id])


def history(library: Library, annotation_id: str) -> list[dict[str, object]]:
    """What re-anchoring did to an annotation, oldest first."""
    return list(library.db.query(
        "SELECT changed, method, old_state, old_start, old_end, old_exact, new_state, "
        "new_start, new_end, new_exact FROM annotation_history WHERE annotation_id = ? "
        "ORDER BY id", [annotation_id]))


@dataclass(frozen=True)
class Snapshot:
    """An article's text and its annotations' selectors at one moment, to return to."""

    article_id: str
    text: str
    layout: str | None
    format: str
    source: str | None
    selectors: tuple[tuple[object, ...], ...]  # (id, start, end, exact, prefix, suffix, state)


def snapshot(library: Library, article_id: str) -> Snapshot:
    row = library.db.execute("SELECT text, layout, format, source FROM articles WHERE id = ?",
                             [article_id]).fetchone()
    selectors = library.db.execute(
        'SELECT id, start, "end", exact, prefix, suffix, anchor_state FROM annotations '
        "WHERE article_id = ? AND deleted IS NULL", [article_id]).fetchall()
    return Snapshot(article_id, row[0], row[1], row[2], row[3], tuple(selectors))


def restore(library: Library, saved: Snapshot, expected_sha256: str | None = None) -> Article:
    """Puts the article's text and its annotations' selectors back as ``saved`` has them
    (the undo of a text edit), recording it as a revision like any other change. With
    ``expected_sha256``, only if the text is still the one with that hash.

    Passages made since the snapshot (by anyone) re-anchor onto the restored text, as
    they would for any other change of text; the snapshot's own passages get their
    selectors back exactly.
    """
    with library.transaction():
        article = library.articles.get(saved.article_id)
        if expected_sha256 is not None and article.text_sha256 != expected_sha256:
            raise TextChangedSinceError(
                f"the text of {article.title!r} was changed since (another edit, an import "
                "or a merge); putting it back would undo that change too, so nothing was "
                "changed")
        now = now_iso()
        digest = text_sha256(saved.text)
        cursor = library.db.execute(
            "INSERT INTO article_revisions (article_id, replaced, old_text, old_sha256, "
            "new_sha256, source_path) VALUES (?, ?, ?, ?, ?, NULL)",
            [article.id, now, article.text, article.text_sha256, digest])
        known = {row[0] for row in saved.selectors}
        newer = [row for row in library.db.execute(
            'SELECT id, start, "end", exact, prefix, suffix, anchor_state FROM annotations '
            "WHERE article_id = ? AND deleted IS NULL", [article.id]).fetchall()
            if row[0] not in known]
        if newer and article.text != saved.text:
            from desktop.core.anchoring import Anchor, reanchor

            results = reanchor(article.text, saved.text,
                               [Anchor(r[1], r[2], r[3], r[4], r[5]) for r in newer])
            for row, result in zip(newer, results, strict=True):
                _apply(library, row, result, cursor.lastrowid, now)
        library.db.execute(
            "UPDATE articles SET text = ?, text_sha256 = ?, layout = ?, format = ?, "
            "source = ?, updated_at = ? WHERE id = ?",
            [saved.text, digest, saved.layout, saved.format, saved.source, now, article.id])
        for annotation_id, start, end, exact, prefix, suffix, state in saved.selectors:
            library.db.execute(
                'UPDATE annotations SET start = ?, "end" = ?, exact = ?, prefix = ?, '
                "suffix = ?, anchor_state = ?, updated = ? WHERE id = ?",
                [start, end, exact, prefix, suffix, state, now, annotation_id])
        return library.articles.get(article.id)


def edited_text(article: Article, text: str) -> NewArticle:
    """The article with ``text`` typed in by a user: plain text, its lines as blocks, its
    headline (found as an import finds it) as the heading."""
    from desktop.core.document import plain_document
    from desktop.core.metadata import text_metadata

    title_line = text_metadata(text).title_line
    headings = frozenset() if title_line is None else frozenset({title_line})
    return NewArticle(title=article.title, text=text, format="text",
                      layout=plain_document(text, headings).to_json(), source=text)
