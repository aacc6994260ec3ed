"""What a bundle export of a selection holds, read from the library.

The selection is an ``AnnotationFilter`` (article, tag, annotator):

- articles: the one article asked for; else, with a tag or annotator filter, the articles
  that have a matching annotation (deleted ones included); else every article;
- annotations: those of these articles that match the filter, deletions included (so
  that a merge does not bring back what was deleted here: a deletion carries its id,
  place and times, not its note or tags), orphans included;
- tags: the active set's tags, every tag an annotation carries, and their parents;
- annotators: those of the annotations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from desktop.core.bundle import BundleAnnotation, BundleAnnotator, BundleArticle, BundleTag
from desktop.store.annotations import AnnotationFilter

if TYPE_CHECKING:
    from desktop.store.library import Library

_ARTICLE_COLUMNS = ("id, title, text, text_sha256, format, imported_at, updated_at, "
                    "external_id, author, outlet, published, url, language, layout")


@dataclass
class BundleSelection:
    """The records of a selection; articles and annotations are read as they are used."""

    library: Library
    where: AnnotationFilter
    article_ids: list[str]
    tags: list[BundleTag]
    annotators: list[BundleAnnotator]
    annotation_count: int

    def articles(self) -> Iterator[BundleArticle]:
        for article_id in self.article_ids:
            row = self.library.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", [article_id]
            ).fetchone()
            yield BundleArticle(*row)

    def annotations(self) -> Iterator[BundleAnnotation]:
        clause, params = self.where.where(self.library)
        chosen = set(self.article_ids)
        sql = _ANNOTATIONS + f' WHERE {clause} ORDER BY n.article_id, n.start, n."end", n.id'
        with self.library.errors():
            for row in self.library.db.conn.execute(sql, params):
                if row[1] not in chosen:
                    continue
                (annotation_id, article_id, annotator_id, start, end, exact, prefix, suffix,
                 note, state, created, updated, deleted, tag_json) = row
                tags = tuple(sorted(json.loads(tag_json), key=str.lower))
                if deleted:  # a deletion travels without what the analyst wrote
                    note, tags = "", ()
                yield BundleAnnotation(
                    annotation_id, article_id, annotator_id, start, end, exact, prefix,
                    suffix, note, state, tags, created, updated, deleted)


_ANNOTATIONS = """
SELECT n.id, n.article_id, n.annotator_id, n.start, n."end", n.exact, n.prefix, n.suffix,
       n.note, n.anchor_state, n.created, n.updated, n.deleted,
       (SELECT json_group_array(coalesce(p.name || '/', '') || t.name)
          FROM annotation_tags at JOIN tags t ON t.id = at.tag_id
          LEFT JOIN tags p ON p.id = t.parent_id
         WHERE at.annotation_id = n.id) AS tag_json
  FROM annotations n JOIN annotators r ON r.id = n.annotator_id
"""


def bundle_selection(library: Library, where: AnnotationFilter | None = None
                     ) -> BundleSelection:
    """The records an export of ``where`` writes (see the module's docstring)."""
    where = replace(where or AnnotationFilter(), include_deleted=True)
    db = library.db
    with library.errors():
        clause, params = where.where(library)
        matching = f"FROM annotations n JOIN annotators r ON r.id = n.annotator_id WHERE {clause}"
        if where.article_id:
            library.articles.get(where.article_id)  # raises when there is no such article
            article_ids = [where.article_id]
        elif where.tag or where.annotator or where.search:
            article_ids = [row[0] for row in db.execute(
                f"SELECT id FROM articles WHERE id IN (SELECT n.article_id {matching}) "
                "ORDER BY imported_at, rowid", params)]
        else:
            article_ids = [row[0] for row in db.execute(
                "SELECT id FROM articles ORDER BY imported_at, rowid")]
        count = db.execute(f"SELECT count(*) {matching}", params).fetchone()[0]
        annotators = [BundleAnnotator(*row) for row in db.execute(
            f"SELECT id, name FROM annotators WHERE id IN (SELECT n.annotator_id {matching}) "
            "ORDER BY name", params)]
        used = db.execute(
            "SELECT DISTINCT at.tag_id FROM annotation_tags at WHERE at.annotation_id IN "
            f"(SELECT n.id {matching})", params).fetchall()
    tags = _tags(library, {row[0] for row in used})
    return BundleSelection(library, where, article_ids, tags, annotators, count)


def _tags(library: Library, used: set[str]) -> list[BundleTag]:
    """The active set's tags in their order, then the other tags used and their parents."""
    everything = library.tags.all(usage=False)
    by_id = {tag.id: tag for tag in everything}
    wanted = [tag.id for tag in library.tags.list(usage=False)]
    wanted += sorted(used - set(wanted), key=lambda i: by_id[i].path.lower())
    parents = [parent for i in wanted if (parent := by_id[i].parent_id)]
    ordered = list(dict.fromkeys([p for p in parents if p not in wanted] + wanted))
    return [BundleTag(by_id[i].path, by_id[i].color, by_id[i].description) for i in ordered]
