"""The schema, as a list of migrations; ``PRAGMA user_version`` records how far a file is."""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]


def _v1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            external_id TEXT,
            title TEXT NOT NULL,
            outlet TEXT,
            author TEXT,
            published TEXT,
            url TEXT,
            language TEXT,
            format TEXT NOT NULL,
            source TEXT,
            source_path TEXT,
            text TEXT NOT NULL,
            layout TEXT,
            text_sha256 TEXT NOT NULL,
            import_report TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX articles_text_sha256 ON articles(text_sha256);
        CREATE INDEX articles_external_id ON articles(external_id);
        CREATE INDEX articles_url ON articles(url);

        CREATE TABLE tag_sets (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE tags (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            parent_id TEXT REFERENCES tags(id),
            color TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        );
        CREATE TABLE tag_set_tags (
            tag_set_id TEXT NOT NULL REFERENCES tag_sets(id),
            tag_id TEXT NOT NULL REFERENCES tags(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (tag_set_id, tag_id)
        ) WITHOUT ROWID;
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT
        );

        CREATE TABLE annotators (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE annotations (
            id TEXT PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            annotator_id TEXT NOT NULL REFERENCES annotators(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            exact TEXT NOT NULL,
            prefix TEXT NOT NULL,
            suffix TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            anchor_state TEXT NOT NULL DEFAULT 'anchored',
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted TEXT
        );
        CREATE INDEX annotations_article ON annotations(article_id, start);
        CREATE INDEX annotations_annotator ON annotations(annotator_id);
        CREATE TABLE annotation_tags (
            annotation_id TEXT NOT NULL REFERENCES annotations(id),
            tag_id TEXT NOT NULL REFERENCES tags(id),
            PRIMARY KEY (annotation_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX annotation_tags_tag ON annotation_tags(tag_id);
        """
    )
    db.table("articles").enable_fts(["title", "text"], create_triggers=True,
                                    tokenize="unicode61 remove_diacritics 2")
    db.table("annotations").enable_fts(["exact", "note"], create_triggers=True,
                                       tokenize="unicode61 remove_diacritics 2")


def _v2(db: sqlite_utils.Database) -> None:
    """What re-anchoring changed: every replaced text, every moved or orphaned passage."""
    db.executescript(
        """
        CREATE TABLE article_revisions (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL REFERENCES articles(id),
            replaced TEXT NOT NULL,
            old_text TEXT NOT NULL,
            old_sha256 TEXT NOT NULL,
            new_sha256 TEXT NOT NULL,
            source_path TEXT
        );
        CREATE INDEX article_revisions_article ON article_revisions(article_id);
        CREATE TABLE annotation_history (
            id INTEGER PRIMARY KEY,
            annotation_id TEXT NOT NULL REFERENCES annotations(id),
            revision_id INTEGER REFERENCES article_revisions(id),
            changed TEXT NOT NULL,
            method TEXT NOT NULL,
            old_state TEXT NOT NULL,
            old_start INTEGER,
            old_end INTEGER,
            old_exact TEXT NOT NULL,
            new_state TEXT NOT NULL,
            new_start INTEGER,
            new_end INTEGER,
            new_exact TEXT NOT NULL
        );
        CREATE INDEX annotation_history_annotation ON annotation_history(annotation_id);
        """
    )


def _v3(db: sqlite_utils.Database) -> None:
    """An article's passage and orphan counts from an index alone: without it, counting
    reads every annotation row (quote and context included), 7 ms for an article with
    5,000 passages, paid at each opening."""
    db.execute("CREATE INDEX annotations_article_state "
               "ON annotations(article_id, deleted, anchor_state)")


def _v4(db: sqlite_utils.Database) -> None:
    """The library list from an index alone: its columns sit after the article's text in
    the row, so reading them from the table walks every text's overflow pages (86 ms for
    10,000 articles of 800 words, 33 ms with this index), at every start of the app."""
    db.execute("CREATE INDEX articles_listing ON articles(imported_at, id, external_id, "
               "title, outlet, author, published, url, language, format, text_sha256, "
               "source_path, updated_at)")


MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4]
SCHEMA_VERSION = len(MIGRATIONS)
