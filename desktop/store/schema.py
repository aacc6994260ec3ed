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


# --- schema 5: the change journal -------------------------------------------------------

# Which rows of which tables are which entity of the journal, and how each trigger names the
# change. An annotation marked deleted is "removed" and one brought back "added"; a change of
# an annotation's tags, or of a tag set's tags, is an update of the annotation or the set.
# A row written already deleted (a merge brings a bundle's deletions) is "removed", and so
# is any change to a deleted row: a reader of the journal never takes a deletion for new.
_ANNOTATION_INSERT_OP = "CASE WHEN NEW.deleted IS NULL THEN 'added' ELSE 'removed' END"
_ANNOTATION_UPDATE_OP = (
    "CASE WHEN NEW.deleted IS NOT NULL THEN 'removed' "
    "WHEN OLD.deleted IS NOT NULL THEN 'added' ELSE 'updated' END"
)
_JOURNALLED: list[tuple[str, str, str, str, str] | tuple[str, str, str, str, str, str]] = [
    # table, event, entity, the entity's id, the operation[, only when]
    ("articles", "INSERT", "article", "NEW.id", "'added'"),
    ("articles", "UPDATE", "article", "NEW.id", "'updated'"),
    ("articles", "DELETE", "article", "OLD.id", "'removed'"),
    ("annotations", "INSERT", "annotation", "NEW.id", _ANNOTATION_INSERT_OP),
    ("annotations", "UPDATE", "annotation", "NEW.id", _ANNOTATION_UPDATE_OP),
    # a passage moved to another article (a merge): the article it left has changed too
    ("annotations", "UPDATE", "article", "OLD.article_id", "'updated'",
     "OLD.article_id IS NOT NEW.article_id"),
    ("annotations", "DELETE", "annotation", "OLD.id", "'removed'"),
    ("annotation_tags", "INSERT", "annotation", "NEW.annotation_id", "'updated'"),
    ("annotation_tags", "DELETE", "annotation", "OLD.annotation_id", "'updated'"),
    ("annotators", "INSERT", "annotator", "NEW.id", "'added'"),
    ("annotators", "UPDATE", "annotator", "NEW.id", "'updated'"),
    ("annotators", "DELETE", "annotator", "OLD.id", "'removed'"),
    ("tags", "INSERT", "tag", "NEW.id", "'added'"),
    ("tags", "UPDATE", "tag", "NEW.id", "'updated'"),
    ("tags", "DELETE", "tag", "OLD.id", "'removed'"),
    ("tag_sets", "INSERT", "tag_set", "NEW.id", "'added'"),
    ("tag_sets", "UPDATE", "tag_set", "NEW.id", "'updated'"),
    ("tag_sets", "DELETE", "tag_set", "OLD.id", "'removed'"),
    ("tag_set_tags", "INSERT", "tag_set", "NEW.tag_set_id", "'updated'"),
    ("tag_set_tags", "UPDATE", "tag_set", "NEW.tag_set_id", "'updated'"),
    ("tag_set_tags", "DELETE", "tag_set", "OLD.tag_set_id", "'updated'"),
    ("settings", "INSERT", "setting", "NEW.key", "'added'"),
    ("settings", "UPDATE", "setting", "NEW.key", "'updated'"),
    ("settings", "DELETE", "setting", "OLD.key", "'removed'"),
]


def _journal_trigger(table: str, event: str, entity: str, key: str, op: str,
                     when: str | None = None) -> str:
    """A trigger that appends a row to the journal for each row ``event`` touches.

    ``journal_state`` says which process writes (``origin``) and where its transaction's
    rows begin (``since``); an update of something the transaction already journalled is
    not written again, so a bulk insert of tagged annotations is one row an annotation.
    Outside a Closeread transaction ``since`` is NULL and every change is written.
    """
    name = f"journal_{table}_{event.lower()}" + (f"_{entity}" if when else "")
    return f"""
        CREATE TRIGGER {name} AFTER {event} ON {table}
        {f"WHEN {when}" if when else ""}
        BEGIN
            INSERT INTO changes (entity, entity_id, op, time, origin)
            SELECT '{entity}', {key}, {op}, strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'),
                   s.origin
              FROM journal_state s
             WHERE {op} != 'updated' OR NOT EXISTS (
                   SELECT 1 FROM changes c
                    WHERE c.entity_id = {key} AND c.entity = '{entity}' AND c.seq > s.since);
        END;
    """


def _v5(db: sqlite_utils.Database) -> None:
    """The change journal: every write appends what it changed, in the same transaction,
    so another process (a second window, the command line, the server's sync) catches up
    by reading everything after the last sequence number it saw."""
    db.executescript(
        """
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            op TEXT NOT NULL,
            time TEXT NOT NULL,
            origin TEXT
        );
        CREATE INDEX changes_entity ON changes(entity_id, seq);
        CREATE TABLE journal_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            origin TEXT,
            since INTEGER
        );
        INSERT INTO journal_state (id) VALUES (1);
        """
    )
    db.executescript("".join(_journal_trigger(*spec) for spec in _JOURNALLED))


# --- schema 6: review sessions and discussion threads -----------------------------------

# The journal entries of the review tables, created by _v6 once the tables exist (_v5 keeps
# creating exactly the triggers it always did). A session's articles, analysts, reviewers
# and decisions are updates of the session (entity "review"); a reply marked deleted is
# "removed" and one brought back "added", as annotations are.
_JOURNALLED_REVIEWS: list[tuple[str, str, str, str, str]] = [
    ("reviews", "INSERT", "review", "NEW.id", "'added'"),
    ("reviews", "UPDATE", "review", "NEW.id", "'updated'"),
    ("reviews", "DELETE", "review", "OLD.id", "'removed'"),
    ("review_articles", "INSERT", "review", "NEW.review_id", "'updated'"),
    ("review_articles", "DELETE", "review", "OLD.review_id", "'updated'"),
    ("review_annotators", "INSERT", "review", "NEW.review_id", "'updated'"),
    ("review_annotators", "DELETE", "review", "OLD.review_id", "'updated'"),
    ("review_reviewers", "INSERT", "review", "NEW.review_id", "'updated'"),
    ("review_reviewers", "DELETE", "review", "OLD.review_id", "'updated'"),
    ("review_decisions", "INSERT", "review", "NEW.review_id", "'updated'"),
    ("review_decisions", "UPDATE", "review", "NEW.review_id", "'updated'"),
    ("review_decisions", "DELETE", "review", "OLD.review_id", "'updated'"),
    ("replies", "INSERT", "reply", "NEW.id", _ANNOTATION_INSERT_OP),
    ("replies", "UPDATE", "reply", "NEW.id", _ANNOTATION_UPDATE_OP),
    ("replies", "DELETE", "reply", "OLD.id", "'removed'"),
]


def _v6(db: sqlite_utils.Database) -> None:
    """Review sessions (docs/review.md): the articles and analysts under review, the
    reviewers, each unit's decision and the reconciled passage it made; and replies, the
    discussion threads on passages (``references``: the root first, the parent last)."""
    db.executescript(
        """
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            tolerance INTEGER NOT NULL CHECK (tolerance >= 0),
            annotator_id TEXT NOT NULL REFERENCES annotators(id),
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE review_articles (
            review_id TEXT NOT NULL REFERENCES reviews(id),
            article_id TEXT NOT NULL REFERENCES articles(id),
            position INTEGER NOT NULL,
            PRIMARY KEY (review_id, article_id)
        ) WITHOUT ROWID;
        -- no reference to annotators: the session outlives an analyst removed from the
        -- library, whose name it keeps
        CREATE TABLE review_annotators (
            review_id TEXT NOT NULL REFERENCES reviews(id),
            annotator_id TEXT NOT NULL,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (review_id, annotator_id)
        ) WITHOUT ROWID;
        CREATE TABLE review_reviewers (
            review_id TEXT NOT NULL REFERENCES reviews(id),
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (review_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE review_decisions (
            review_id TEXT NOT NULL REFERENCES reviews(id),
            unit_key TEXT NOT NULL,
            article_id TEXT NOT NULL REFERENCES articles(id),
            decision TEXT NOT NULL CHECK (decision IN ('accepted', 'edited', 'rejected')),
            analyst_id TEXT,
            annotation_id TEXT,
            reviewer TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            rule TEXT NOT NULL CHECK (rule IN ('manual', 'unanimous', 'majority')),
            unit_start INTEGER,
            unit_end INTEGER,
            decided TEXT NOT NULL,
            PRIMARY KEY (review_id, unit_key)
        ) WITHOUT ROWID;
        CREATE INDEX review_decisions_article ON review_decisions(review_id, article_id);
        CREATE TABLE replies (
            id TEXT PRIMARY KEY,
            annotation_id TEXT NOT NULL,
            "references" TEXT NOT NULL,
            annotator_id TEXT NOT NULL,
            text TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            deleted TEXT
        );
        CREATE INDEX replies_root ON replies(annotation_id, created);
        """
    )
    db.executescript("".join(_journal_trigger(*spec) for spec in _JOURNALLED_REVIEWS))


# --- schema 7: the team server's accounts, groups and who reads what ---------------------

# Groups and their members are journalled as the entity "group" (a member added or taken
# away is an update of the group), so a client following the journal learns of them.
# Users and tokens are not: a token's hash is nobody's business but the server's, and a
# user shows through the groups and annotations that name them.
_JOURNALLED_TEAM: list[tuple[str, str, str, str, str]] = [
    ("team_groups", "INSERT", "group", "NEW.id", "'added'"),
    ("team_groups", "UPDATE", "group", "NEW.id", "'updated'"),
    ("team_groups", "DELETE", "group", "OLD.id", "'removed'"),
    ("team_group_members", "INSERT", "group", "NEW.group_id", "'updated'"),
    ("team_group_members", "DELETE", "group", "OLD.group_id", "'updated'"),
]


def _v7(db: sqlite_utils.Database) -> None:
    """The team server (docs/server.md): users, their API tokens (only a SHA-256 of each
    is kept), groups with their members, and each annotation's or reply's group and
    whether it is shared with the group or private to its author. An annotation without
    a row in ``annotation_access`` (one made by the app or the command line) is shared
    with ``__world__``, everyone with an account; the annotations table is unchanged."""
    db.executescript(
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        );
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id),
            token_sha256 TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            revoked TEXT
        );
        CREATE INDEX api_tokens_user ON api_tokens(user_id);
        CREATE TABLE team_groups (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            creator_id TEXT REFERENCES users(id),
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE TABLE team_group_members (
            group_id TEXT NOT NULL REFERENCES team_groups(id),
            user_id TEXT NOT NULL REFERENCES users(id),
            added TEXT NOT NULL,
            PRIMARY KEY (group_id, user_id)
        ) WITHOUT ROWID;
        CREATE INDEX team_group_members_user ON team_group_members(user_id, group_id);
        -- keyed by an annotation's id or a reply's id (the replies table)
        CREATE TABLE annotation_access (
            annotation_id TEXT PRIMARY KEY,
            group_id TEXT NOT NULL REFERENCES team_groups(id),
            shared INTEGER NOT NULL CHECK (shared IN (0, 1))
        ) WITHOUT ROWID;
        CREATE INDEX annotation_access_group ON annotation_access(group_id);
        INSERT INTO team_groups (id, name, description, created, updated)
        VALUES ('__world__', 'Everyone', 'Everyone with an account on this server',
                strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'),
                strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
        """
    )
    db.executescript("".join(_journal_trigger(*spec) for spec in _JOURNALLED_TEAM))


# --- schema 8: the desktop side of the team server (the sync) ----------------------------


def _v8(db: sqlite_utils.Database) -> None:
    """What the sync keeps between rounds (docs/server.md, "Sync"): the server it talks to,
    the token it speaks with, how far it has sent this library's journal and read the
    server's change feed (``sync_state``, one value a key), and which of the server's
    articles each local article is (``sync_articles``). Neither table is journalled: the
    sync's bookkeeping is no change of the library, and the token must never reach the
    change feed, a bundle or an export. (``IF NOT EXISTS``: a file rolled back to an
    older schema by hand, as tests/store does, may still hold them.)"""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS sync_articles (
            article_id TEXT PRIMARY KEY,
            server_id TEXT NOT NULL,
            text_sha256 TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS sync_articles_server ON sync_articles(server_id);
        """
    )


def _v9(db: sqlite_utils.Database) -> None:
    """The passages whose group or sharing was changed in this library (in the app, or by
    its default for new passages) and not yet sent by the sync: only those go up with
    their group and permissions, so that a desk that never chose who reads a passage
    never overrides what was chose elsewhere (docs/server.md, "Sync"). Not journalled."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS sync_access (
            annotation_id TEXT PRIMARY KEY
        ) WITHOUT ROWID;
        """
    )


MIGRATIONS: list[Migration] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9]
SCHEMA_VERSION = len(MIGRATIONS)

# The main tables each version adds (a full-text index's own tables left out), so that a
# file whose user_version says it is a library of that version but that lacks them (another
# program's database that sets user_version too) is refused before anything is written.
# tests/store/test_store_hostile_library.py checks this against the migrations themselves.
TABLES_ADDED: dict[int, frozenset[str]] = {
    1: frozenset({"articles", "annotations", "annotation_tags", "annotators", "tags",
                  "tag_sets", "tag_set_tags", "settings", "articles_fts", "annotations_fts"}),
    2: frozenset({"annotation_history", "article_revisions"}),
    5: frozenset({"changes", "journal_state"}),
    6: frozenset({"reviews", "review_articles", "review_annotators", "review_reviewers",
                  "review_decisions", "replies"}),
    7: frozenset({"users", "api_tokens", "team_groups", "team_group_members",
                  "annotation_access"}),
    8: frozenset({"sync_state", "sync_articles"}),
    9: frozenset({"sync_access"}),
}


def tables_at(version: int) -> frozenset[str]:
    """The main tables a library of schema ``version`` has."""
    return frozenset().union(*(names for added, names in TABLES_ADDED.items()
                               if added <= version))
