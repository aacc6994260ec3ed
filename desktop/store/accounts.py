"""The team server's accounts: users, their API tokens, groups and their members.

A user is who a token speaks for. Their name is also the annotator's name on what they
write, so a user owns the passages of the annotator of the same name, whoever stored them
(the server, the app or the command line). Tokens are random (32 bytes from ``secrets``);
only their SHA-256 is stored, so a stolen library file gives no working token, and a
token is shown once, when it is made. ``__world__`` is the group of everyone with an
account: it has no member rows. See docs/server.md.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.core.errors import ClosereadError, InvalidArgumentError, NotFoundError
from desktop.core.model import new_id, now_iso
from desktop.store.articles import is_id_prefix, like_prefix

if TYPE_CHECKING:
    from desktop.store.library import Library
    from desktop.store.sharing import Sharing

WORLD = "__world__"  # the group of everyone with an account on the server
TOKEN_PREFIX = "cr_"  # tells a Closeread token from its id (a UUID) at a glance
_TOKEN_BYTES = 32
# letters (any script), digits, '.', '_' and '-': a name that goes into acct:NAME@AUTHORITY
# and a URL path as it is
_USER_NAME = re.compile(r"[\w.-]{1,64}")
_GROUP_ID_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_GROUP_NAME = 25  # Hypothesis's limits: 3 to 25 characters, a description of 250
MIN_GROUP_NAME = 3
MAX_GROUP_DESCRIPTION = 250


class UserNotFoundError(NotFoundError):
    """No user of that name."""


class GroupNotFoundError(NotFoundError):
    """No group of that id or name."""


class TokenNotFoundError(NotFoundError):
    """No token with that value or id."""


class AccountExistsError(ClosereadError):
    """A user or group name that is taken."""


@dataclass(frozen=True)
class User:
    id: str
    name: str
    display_name: str
    created: str


@dataclass(frozen=True)
class Token:
    """A token as listed: never its value, which only its maker sees."""

    id: str
    user: str
    label: str
    created: str
    revoked: str | None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    description: str
    creator: str | None  # the creating user's name; None for __world__ and orphaned groups
    created: str
    updated: str
    member_count: int = 0


def token_digest(token: str) -> str:
    """What the library keeps of a token: the SHA-256 of its text, lower-case hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def validate_user_name(name: str) -> str:
    """The user name, stripped; refuses names that do not fit ``acct:NAME@AUTHORITY``."""
    name = name.strip()
    if not _USER_NAME.fullmatch(name):
        raise InvalidArgumentError(
            f"user name {name[:70]!r}: use 1 to 64 letters, digits, '.', '_' or '-'")
    return name


def validate_group_name(name: str) -> str:
    name = " ".join(name.split())  # one line, as Hypothesis's group names are
    if not MIN_GROUP_NAME <= len(name) <= MAX_GROUP_NAME:
        raise InvalidArgumentError(
            f"group name {name[:40]!r}: give {MIN_GROUP_NAME} to {MAX_GROUP_NAME} characters")
    return name


def validate_group_description(description: str) -> str:
    if len(description) > MAX_GROUP_DESCRIPTION:
        raise InvalidArgumentError(
            f"a group's description is at most {MAX_GROUP_DESCRIPTION} characters")
    return description


_GROUP_COLUMNS = ("g.id, g.name, g.description, u.name, g.created, g.updated, "
                  "(SELECT count(*) FROM team_group_members m WHERE m.group_id = g.id)")
_GROUP_FROM = "FROM team_groups g LEFT JOIN users u ON u.id = g.creator_id"


def _group(row: tuple[object, ...]) -> Group:
    gid, name, description, creator, created, updated, count = row
    return Group(str(gid), str(name), str(description), None if creator is None else str(creator),
                 str(created), str(updated), int(count))  # type: ignore[call-overload]


class Accounts:
    """Users, tokens and groups of one library (``library.accounts``); the annotations'
    groups and readers are ``library.accounts.sharing``. Every change is one
    transaction."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db
        from desktop.store.sharing import Sharing  # it refers back to this module

        self.sharing: Sharing = Sharing(library, self)

    # --- users ---------------------------------------------------------------------------

    def add_user(self, name: str, display_name: str = "") -> User:
        """A new user; refuses a name that is taken."""
        name = validate_user_name(name)
        with self.library.transaction():
            if self.find_user(name) is not None:
                raise AccountExistsError(f"a user named {name!r} already exists")
            user = User(new_id(), name, display_name.strip(), now_iso())
            self.db.conn.execute(
                "INSERT INTO users (id, name, display_name, created) VALUES (?, ?, ?, ?)",
                [user.id, user.name, user.display_name, user.created])
        return user

    def ensure_user(self, name: str) -> tuple[User, bool]:
        """The user called ``name``, added if new; and whether it was added."""
        name = validate_user_name(name)
        with self.library.transaction():
            found = self.find_user(name)
            if found is not None:
                return found, False
            return self.add_user(name), True

    def find_user(self, name: str) -> User | None:
        with self.library.errors():
            row = self.db.conn.execute(
                "SELECT id, name, display_name, created FROM users WHERE name = ?",
                [name.strip()]).fetchone()
        return User(*row) if row else None

    def user(self, name: str) -> User:
        found = self.find_user(name)
        if found is None:
            raise UserNotFoundError(f"no user {name!r}; `closeread user add NAME` adds one")
        return found

    def users(self) -> builtins.list[User]:
        with self.library.errors():
            return [User(*row) for row in self.db.conn.execute(
                "SELECT id, name, display_name, created FROM users ORDER BY name")]

    # --- tokens --------------------------------------------------------------------------

    def create_token(self, user_name: str, label: str = "") -> tuple[Token, str]:
        """A new token for the user (added if new): the record, and the token's text,
        which is stored nowhere and cannot be shown again."""
        value = TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)
        with self.library.transaction():
            user, _ = self.ensure_user(user_name)
            token = Token(new_id(), user.name, label.strip(), now_iso(), None)
            self.db.conn.execute(
                "INSERT INTO api_tokens (id, user_id, token_sha256, label, created) "
                "VALUES (?, ?, ?, ?, ?)",
                [token.id, user.id, token_digest(value), token.label, token.created])
        return token, value

    def authenticate(self, value: str) -> User | None:
        """The user a token speaks for; None for an unknown or revoked token.

        The row is found by the token's hash (an index lookup, whose timing can tell at
        most how much of a SHA-256 matched, which says nothing of a token); the stored
        hash is then compared in constant time all the same.
        """
        digest = token_digest(value)
        with self.library.errors():
            row = self.db.conn.execute(
                "SELECT t.token_sha256, u.id, u.name, u.display_name, u.created "
                "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_sha256 = ? AND t.revoked IS NULL", [digest]).fetchone()
        if row is None or not hmac.compare_digest(str(row[0]), digest):
            return None
        return User(*row[1:])

    def revoke(self, token_or_id: str) -> Token:
        """Revokes a token given by its text, its id or a unique prefix of its id (4
        characters or more); a revoked token stays revoked."""
        ref = token_or_id.strip()
        with self.library.transaction():
            token = self._token(ref)
            if token.revoked is None:
                now = now_iso()
                self.db.conn.execute("UPDATE api_tokens SET revoked = ? WHERE id = ?",
                                     [now, token.id])
                token = Token(token.id, token.user, token.label, token.created, now)
        return token

    def tokens(self, user_name: str | None = None) -> builtins.list[Token]:
        sql = ("SELECT t.id, u.name, t.label, t.created, t.revoked FROM api_tokens t "
               "JOIN users u ON u.id = t.user_id")
        params: builtins.list[object] = []
        if user_name is not None:
            sql += " WHERE u.name = ?"
            params.append(user_name.strip())
        with self.library.errors():
            return [Token(*row) for row in self.db.conn.execute(
                sql + " ORDER BY t.created, t.id", params)]

    def _token(self, ref: str) -> Token:
        select = ("SELECT t.id, u.name, t.label, t.created, t.revoked FROM api_tokens t "
                  "JOIN users u ON u.id = t.user_id WHERE ")
        conn = self.db.conn
        if ref.startswith(TOKEN_PREFIX):
            row = conn.execute(select + "t.token_sha256 = ?", [token_digest(ref)]).fetchone()
            if row is None:
                raise TokenNotFoundError("no such token in this library")  # never echo it
            return Token(*row)
        row = conn.execute(select + "t.id = ?", [ref]).fetchone()
        if row is None and is_id_prefix(ref):
            rows = conn.execute(select + "t.id LIKE ? ESCAPE '\\' LIMIT 2",
                                [like_prefix(ref)]).fetchall()
            if len(rows) > 1:
                raise InvalidArgumentError(f"token id {ref!r} is ambiguous; give more of it")
            row = rows[0] if rows else None
        if row is None:
            raise TokenNotFoundError(
                f"no token {ref!r}: give the token or its id (`closeread token list`)")
        return Token(*row)

    # --- groups --------------------------------------------------------------------------

    def create_group(self, name: str, creator: str | None = None,
                     description: str = "") -> Group:
        """A new group (a short random id like Hypothesis's); its creator, when given,
        is its first member and the one who may change it and its members."""
        name = validate_group_name(name)
        description = validate_group_description(description)
        with self.library.transaction():
            if self.db.conn.execute("SELECT 1 FROM team_groups WHERE name = ? COLLATE NOCASE",
                                    [name]).fetchone():
                raise AccountExistsError(f"a group named {name!r} already exists")
            user = self.user(creator) if creator is not None else None
            group_id = self._new_group_id()
            now = now_iso()
            self.db.conn.execute(
                "INSERT INTO team_groups (id, name, description, creator_id, created, updated) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [group_id, name, description, user.id if user else None, now, now])
            if user is not None:
                self.db.conn.execute(
                    "INSERT INTO team_group_members (group_id, user_id, added) VALUES (?, ?, ?)",
                    [group_id, user.id, now])
            return self.group(group_id)

    def mirror_groups(self, groups: Sequence[tuple[str, str]]) -> bool:
        """Keeps the groups a team server says this library's user is in, (id, name)
        each, as rows of this library (without members: a desk's library shares with
        them, the server decides who reads). Names are updated; groups are not removed
        (passages may still be in them). Returns whether anything changed."""
        changed = False
        with self.library.transaction():
            for group_id, name in groups:
                try:
                    name = validate_group_name(name)
                except ClosereadError:
                    name = group_id
                row = self.db.conn.execute("SELECT name FROM team_groups WHERE id = ?",
                                           [group_id]).fetchone()
                if row is not None and row[0] == name:
                    continue
                now = now_iso()
                self.db.conn.execute(
                    "INSERT INTO team_groups (id, name, description, created, updated) "
                    "VALUES (?, ?, '', ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "name = excluded.name, updated = excluded.updated",
                    [group_id, name, now, now])
                changed = True
        return changed

    def _new_group_id(self) -> str:
        while True:
            candidate = "".join(secrets.choice(_GROUP_ID_ALPHABET) for _ in range(8))
            if not self.db.conn.execute("SELECT 1 FROM team_groups WHERE id = ?",
                                        [candidate]).fetchone():
                return candidate

    def find_group(self, ref: str) -> Group | None:
        """The group with the id ``ref``, else the one named ``ref`` (any case)."""
        conn = self.db.conn
        with self.library.errors():
            row = conn.execute(f"SELECT {_GROUP_COLUMNS} {_GROUP_FROM} WHERE g.id = ?",
                               [ref]).fetchone()
            if row is None:
                row = conn.execute(
                    f"SELECT {_GROUP_COLUMNS} {_GROUP_FROM} WHERE g.name = ? COLLATE NOCASE "
                    "LIMIT 1", [ref.strip()]).fetchone()
        return _group(row) if row else None

    def group(self, ref: str) -> Group:
        found = self.find_group(ref)
        if found is None:
            raise GroupNotFoundError(f"no group {ref!r}; `closeread group list` lists them")
        return found

    def groups(self, member: str | None = None) -> builtins.list[Group]:
        """Every group (``__world__`` first), or those ``member`` belongs to (with
        ``__world__``, which everyone with an account does)."""
        sql = f"SELECT {_GROUP_COLUMNS} {_GROUP_FROM}"
        params: builtins.list[object] = []
        if member is not None:
            sql += (" WHERE g.id = ? OR g.id IN (SELECT m.group_id FROM team_group_members m "
                    "JOIN users mu ON mu.id = m.user_id WHERE mu.name = ?)")
            params += [WORLD, member]
        with self.library.errors():
            rows = self.db.conn.execute(sql + " ORDER BY g.id != ?, g.name COLLATE NOCASE",
                                        [*params, WORLD]).fetchall()
        return [_group(row) for row in rows]

    def update_group(self, group_id: str, name: str | None = None,
                     description: str | None = None) -> Group:
        with self.library.transaction():
            group = self._changeable(group_id)
            if name is not None:
                name = validate_group_name(name)
                if self.db.conn.execute(
                        "SELECT 1 FROM team_groups WHERE name = ? COLLATE NOCASE AND id != ?",
                        [name, group.id]).fetchone():
                    raise AccountExistsError(f"a group named {name!r} already exists")
            if description is not None:
                description = validate_group_description(description)
            self.db.conn.execute(
                "UPDATE team_groups SET name = ?, description = ?, updated = ? WHERE id = ?",
                [name if name is not None else group.name,
                 description if description is not None else group.description,
                 now_iso(), group.id])
            return self.group(group.id)

    def _changeable(self, ref: str) -> Group:
        group = self.group(ref)
        if group.id == WORLD:
            raise InvalidArgumentError(
                f"{WORLD} is everyone with an account: it has no members to change and "
                "cannot be renamed")
        return group

    def members(self, group_id: str) -> builtins.list[User]:
        """The group's members, by name; for ``__world__``, every user."""
        group = self.group(group_id)
        with self.library.errors():
            if group.id == WORLD:
                rows = self.db.conn.execute(
                    "SELECT id, name, display_name, created FROM users ORDER BY name")
            else:
                rows = self.db.conn.execute(
                    "SELECT u.id, u.name, u.display_name, u.created FROM team_group_members m "
                    "JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY u.name",
                    [group.id])
            return [User(*row) for row in rows]

    def is_member(self, group_id: str, user_name: str) -> bool:
        """True when the user belongs to the group (everyone with an account belongs to
        ``__world__``)."""
        if group_id == WORLD:
            return self.find_user(user_name) is not None
        with self.library.errors():
            return self.db.conn.execute(
                "SELECT 1 FROM team_group_members m JOIN users u ON u.id = m.user_id "
                "WHERE m.group_id = ? AND u.name = ?", [group_id, user_name]).fetchone() is not None

    def add_member(self, group_id: str, user_name: str) -> bool:
        """Puts the user in the group; False when they were in it already."""
        with self.library.transaction():
            group = self._changeable(group_id)
            user = self.user(user_name)
            cursor = self.db.conn.execute(
                "INSERT OR IGNORE INTO team_group_members (group_id, user_id, added) "
                "VALUES (?, ?, ?)", [group.id, user.id, now_iso()])
            return bool(cursor.rowcount)

    def remove_member(self, group_id: str, user_name: str) -> bool:
        """Takes the user out of the group; False when they were not in it."""
        with self.library.transaction():
            group = self._changeable(group_id)
            user = self.user(user_name)
            cursor = self.db.conn.execute(
                "DELETE FROM team_group_members WHERE group_id = ? AND user_id = ?",
                [group.id, user.id])
            return bool(cursor.rowcount)
