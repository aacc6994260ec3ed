"""Records as the API shows them: Hypothesis's JSON for annotations, groups, users and
profiles; W3C JSON-LD for an annotation; Closeread's own shapes for articles and changes.

``base`` is the server's address as the client reached it (``http://host:port/``);
``authority`` is the ``--authority`` of ``closeread serve``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from desktop.core.changes import ANNOTATION, ARTICLE, GROUP, REPLY, Change
from desktop.core.model import ORPHAN, Annotation, Article
from desktop.core.selectors import w3c_selectors
from desktop.io.jsonld import CONTEXT, NOTE_FORMAT, UUID_URN, annotation_jsonld, article_source
from desktop.store.accounts import WORLD, Group, User
from desktop.store.sharing import KIND_REPLY, SharedItem

MEDIA_TYPE = "application/vnd.hypothesis.v1+json"
JSONLD_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'


def userid(name: str, authority: str) -> str:
    """``acct:NAME@AUTHORITY``; a name with characters an account name cannot have (an
    annotator named in the app, "Maya Lee") is percent-encoded."""
    return f"acct:{quote(name, safe='._-~')}@{authority}"


def user_name(value: str, authority: str) -> str | None:
    """The user name in ``acct:NAME@AUTHORITY`` (or a bare name); None when the account
    is of another authority."""
    if not value.startswith("acct:"):
        return value
    local, _, where = value[len("acct:"):].rpartition("@")
    if where != authority or not local:
        return None
    return unquote(local)


def article_uri(article_id: str, article: Article | None) -> str:
    """An article's uri: its url, else ``urn:closeread:article:<id>`` (as JSON-LD)."""
    return article_source(article_id, article.url if article else None)


def annotation_json(item: SharedItem, article: Article | None, base: str,
                    authority: str) -> dict[str, Any]:
    """An annotation or a reply in Hypothesis's shape, with Closeread's additions."""
    uri = article_uri(item.article_id, article)
    user = userid(item.author, authority)
    read = [f"group:{item.group_id}"] if item.shared else [user]
    target: dict[str, Any] = {"source": uri}
    if item.kind != KIND_REPLY:
        target["selector"] = w3c_selectors(item.start, item.end, item.exact, item.prefix,
                                           item.suffix, item.anchor_state != ORPHAN)
    return {
        "id": item.id,
        "created": item.created,
        "updated": item.updated,
        "user": user,
        "uri": uri,
        "text": item.text,
        "tags": list(item.tag_paths),
        "group": item.group_id,
        "permissions": {"read": read, "admin": [user], "update": [user], "delete": [user]},
        "target": [target],
        "document": {"title": [article.title] if article else []},
        "links": {"json": f"{base}api/annotations/{item.id}",
                  "jsonld": f"{base}api/annotations/{item.id}.jsonld"},
        "hidden": False,
        "flagged": False,
        "references": list(item.references),
        "user_info": {"display_name": item.author_display_name},
        "closeread": {"article_id": item.article_id, "anchor_state": item.anchor_state},
    }


def annotation_w3c(item: SharedItem, article: Article | None) -> dict[str, Any]:
    """An annotation as a W3C Web Annotation, as ``closeread export --format jsonld``
    writes it; a reply as an annotation ``replying`` to its parent."""
    if item.kind == KIND_REPLY:
        return {
            "@context": CONTEXT,
            "id": UUID_URN + item.id,
            "type": "Annotation",
            "motivation": "replying",
            "body": [{"type": "TextualBody", "purpose": "replying", "value": item.text,
                      "format": NOTE_FORMAT}],
            "target": UUID_URN + item.references[-1],
            "creator": {"type": "Person", "name": item.author},
            "created": item.created,
            "modified": item.updated,
        }
    annotation = Annotation(
        id=item.id, article_id=item.article_id, annotator=item.author,
        start=item.start or 0, end=item.end or 0, exact=item.exact or "",
        prefix=item.prefix or "", suffix=item.suffix or "", note=item.text, tags=item.tags,
        anchor_state=item.anchor_state or ORPHAN, created=item.created, updated=item.updated,
        tag_paths=item.tag_paths)
    return annotation_jsonld(annotation, article_uri(item.article_id, article),
                             article.text_sha256 if article else None)


def group_json(group: Group, base: str, public: bool) -> dict[str, Any]:
    """A group in Hypothesis's shape; ``__world__`` is "open", every other "private"."""
    return {
        "id": group.id,
        "groupid": None,
        "name": group.name,
        "description": group.description,
        "type": "open" if group.id == WORLD else "private",
        "public": public and group.id == WORLD,
        "scoped": False,
        "organization": None,
        "links": {"json": f"{base}api/groups/{group.id}",
                  "members": f"{base}api/groups/{group.id}/members"},
        "urls": {},
    }


def user_json(user: User, authority: str) -> dict[str, Any]:
    return {"authority": authority, "userid": userid(user.name, authority),
            "username": user.name, "display_name": user.display_name or None}


def profile_json(user: User | None, groups: list[Group], authority: str,
                 public: bool) -> dict[str, Any]:
    return {
        "userid": userid(user.name, authority) if user else None,
        "authority": authority,
        "features": {},
        "preferences": {},
        "groups": [{"id": g.id, "name": g.name, "public": public and g.id == WORLD}
                   for g in groups],
        "user_info": {"display_name": (user.display_name or None)} if user else None,
    }


def article_json(article: Article, base: str, with_text: bool = False) -> dict[str, Any]:
    uri = article_uri(article.id, article)
    data: dict[str, Any] = {
        "id": article.id,
        "uri": uri,
        "title": article.title,
        "url": article.url,
        "external_id": article.external_id,
        "author": article.author,
        "outlet": article.outlet,
        "published": article.published,
        "language": article.language,
        "format": article.format,
        "text_sha256": article.text_sha256,
        "created": article.imported_at,
        "updated": article.updated_at,
        "links": {"json": f"{base}api/articles/{article.id}",
                  "annotations": f"{base}api/search?uri={quote(uri, safe='')}"},
    }
    if with_text:
        data["text"] = article.text
    return data


_CHANGE_PATHS = {ARTICLE: "api/articles/", ANNOTATION: "api/annotations/",
                 REPLY: "api/annotations/", GROUP: "api/groups/"}


def change_json(change: Change, base: str) -> dict[str, Any]:
    """A journal row with where to fetch what it names (never which process wrote it:
    the origin names hosts and process ids)."""
    return {"seq": change.seq, "entity": change.entity, "id": change.id, "op": change.op,
            "time": change.time, "url": f"{base}{_CHANGE_PATHS[change.entity]}{change.id}"}


def index_json(base: str) -> dict[str, Any]:
    """The service root: every operation as {method, url, desc}, grouped as Hypothesis
    groups them, with Closeread's articles and changes."""

    def link(method: str, path: str, desc: str) -> dict[str, str]:
        return {"method": method, "url": f"{base}{path}", "desc": desc}

    return {
        "message": "Closeread team annotation server: Hypothesis API v1",
        "links": {
            "annotation": {
                "create": link("POST", "api/annotations", "Create an annotation"),
                "read": link("GET", "api/annotations/:id", "Fetch an annotation"),
                "update": link("PATCH", "api/annotations/:id", "Update an annotation"),
                "delete": link("DELETE", "api/annotations/:id", "Delete an annotation"),
                "jsonld": link("GET", "api/annotations/:id.jsonld",
                               "Fetch an annotation as a W3C Web Annotation"),
            },
            "search": link("GET", "api/search", "Search for annotations"),
            "group": {
                "create": link("POST", "api/groups", "Create a new group"),
                "read": link("GET", "api/groups/:id", "Fetch a group"),
                "update": link("PATCH", "api/groups/:id", "Update a group"),
                "member": {
                    "read": link("GET", "api/groups/:id/members", "Fetch a group's members"),
                    "add": link("POST", "api/groups/:id/members/:userid",
                                "Add a user to a group"),
                    "delete": link("DELETE", "api/groups/:id/members/:userid",
                                   "Remove a user from a group"),
                },
            },
            "groups": {"read": link("GET", "api/groups", "Fetch the user's groups")},
            "links": link("GET", "api/links", "URL templates for clients"),
            "profile": {
                "read": link("GET", "api/profile", "Fetch the user's profile"),
                "groups": {"read": link("GET", "api/profile/groups",
                                        "Fetch the user's groups")},
            },
            "article": {
                "create": link("POST", "api/articles", "Add an article"),
                "read": link("GET", "api/articles/:id", "Fetch an article with its text"),
            },
            "articles": {"read": link("GET", "api/articles", "List the articles")},
            "changes": {"read": link("GET", "api/changes",
                                     "What changed after a sequence number")},
        },
    }


def links_json(base: str) -> dict[str, str]:
    """URL templates a client fills in. Hypothesis's account, sign-up and OAuth pages
    have no counterpart here: accounts and tokens are made with the command line."""
    return {
        "search.tag": f"{base}api/search?tag=:tag",
        "user": f"{base}api/search?user=:user",
        "groups.read": f"{base}api/groups",
        "help": f"{base}api/",
        "openapi": f"{base}api/openapi.json",
    }
