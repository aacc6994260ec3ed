"""The API's request and response bodies, as pydantic models.

Requests are validated here (a bad field is a 400 naming it); responses are built as
plain dicts by ``shapes.py`` and these models only describe them in the OpenAPI
document. The shapes follow Hypothesis's API v1 (docs/server.md lists every difference);
unknown fields in a request are ignored, as Hypothesis ignores them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from desktop.store.accounts import (
    MAX_GROUP_DESCRIPTION,
    MAX_GROUP_NAME,
    MIN_GROUP_NAME,
    WORLD,
)

MAX_TEXT = 200_000  # characters of a note or a reply (the body is 1 MB at most anyway)
MAX_URI = 2048

Offset = Annotated[StrictInt, Field(ge=0)]
TagName = Annotated[str, Field(min_length=1, max_length=200)]
Ident = Annotated[str, Field(min_length=1, max_length=200)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Selector(BaseModel):
    """A W3C selector. Closeread reads TextQuoteSelector (exact, prefix, suffix) and
    TextPositionSelector (start, end: code points of the article's text); others (a
    RangeSelector, say) are accepted and left aside."""

    model_config = ConfigDict(extra="allow")
    type: Annotated[str, Field(max_length=100)]
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: Offset | None = None
    end: Offset | None = None


class Target(_Lenient):
    source: Annotated[str, Field(max_length=MAX_URI)] | None = None
    selector: Annotated[list[Selector], Field(max_length=20)] = Field(default_factory=list)


class Permissions(_Lenient):
    """Who reads: ``["acct:NAME@AUTHORITY"]`` (the author alone) or ``["group:ID"]`` (the
    annotation's group). ``admin``, ``update`` and ``delete`` may only name the author."""

    read: Annotated[list[Ident], Field(max_length=10)] | None = None
    admin: Annotated[list[Ident], Field(max_length=10)] | None = None
    update: Annotated[list[Ident], Field(max_length=10)] | None = None
    delete: Annotated[list[Ident], Field(max_length=10)] | None = None


class AnnotationCreate(_Lenient):
    """A new annotation, or with ``references`` a reply (whose ``uri``, ``group`` and
    ``target`` come from the annotation it answers).

    ``id``, ``created`` and ``updated`` are Closeread's addition for clients that keep
    their own copy (the desktop sync, docs/server.md): the annotation is stored under
    the client's id with the client's times, and sending it again replaces it only when
    its ``updated`` is later, as a bundle merge would."""

    id: Annotated[str, Field(min_length=36, max_length=36,
                             description="A UUID chosen by the client")] | None = None
    created: Annotated[str, Field(max_length=40, description="ISO 8601, with id")] | None = None
    updated: Annotated[str, Field(max_length=40, description="ISO 8601, with id")] | None = None
    uri: Annotated[str, Field(min_length=1, max_length=MAX_URI)] | None = None
    text: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    tags: Annotated[list[TagName], Field(max_length=100)] = Field(default_factory=list)
    group: Ident = WORLD
    permissions: Permissions | None = None
    target: Annotated[list[Target], Field(max_length=1)] = Field(default_factory=list)
    references: Annotated[list[Ident], Field(max_length=100)] = Field(default_factory=list)
    document: dict[str, Any] | None = None


class AnnotationUpdate(_Lenient):
    """The fields to change; those left out stay as they are."""

    uri: Annotated[str, Field(min_length=1, max_length=MAX_URI)] | None = None
    text: Annotated[str, Field(max_length=MAX_TEXT)] | None = None
    tags: Annotated[list[TagName], Field(max_length=100)] | None = None
    group: Ident | None = None
    permissions: Permissions | None = None
    target: Annotated[list[Target], Field(max_length=1)] | None = None


class SelectorOut(BaseModel):
    type: str
    exact: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None


class TargetOut(BaseModel):
    source: str
    selector: list[SelectorOut] | None = None


class PermissionsOut(BaseModel):
    read: list[str]
    admin: list[str]
    update: list[str]
    delete: list[str]


class DocumentOut(BaseModel):
    title: list[str]


class UserInfo(BaseModel):
    display_name: str | None


class ClosereadInfo(BaseModel):
    """Closeread's additions to an annotation (docs/server.md)."""

    article_id: str
    anchor_state: Literal["anchored", "orphan"] | None


class AnnotationOut(BaseModel):
    id: str
    created: str
    updated: str
    user: str
    uri: str
    text: str
    tags: list[str]
    group: str
    permissions: PermissionsOut
    target: list[TargetOut]
    document: DocumentOut
    links: dict[str, str]
    hidden: bool
    flagged: bool
    references: list[str]
    user_info: UserInfo
    closeread: ClosereadInfo


class SearchOut(BaseModel):
    rows: list[AnnotationOut]
    total: int
    replies: list[AnnotationOut] | None = None


class DeletedOut(BaseModel):
    id: str
    deleted: bool


class GroupCreate(_Lenient):
    name: Annotated[str, Field(min_length=MIN_GROUP_NAME, max_length=MAX_GROUP_NAME)]
    description: Annotated[str, Field(max_length=MAX_GROUP_DESCRIPTION)] = ""
    type: Literal["private"] = "private"


class GroupUpdate(_Lenient):
    name: Annotated[str, Field(min_length=MIN_GROUP_NAME, max_length=MAX_GROUP_NAME)] | None = None
    description: Annotated[str, Field(max_length=MAX_GROUP_DESCRIPTION)] | None = None


class GroupOut(BaseModel):
    id: str
    groupid: str | None
    name: str
    description: str
    type: Literal["private", "open"]
    public: bool
    scoped: bool
    organization: str | None
    links: dict[str, str]
    urls: dict[str, str]


class UserOut(BaseModel):
    authority: str
    userid: str
    username: str
    display_name: str | None


class ProfileGroup(BaseModel):
    id: str
    name: str
    public: bool


class ProfileOut(BaseModel):
    userid: str | None
    authority: str
    features: dict[str, bool]
    preferences: dict[str, bool]
    groups: list[ProfileGroup]
    user_info: UserInfo | None


class ArticleCreate(_Lenient):
    """A new article. ``text`` in ``format`` goes through the same import as a file in
    the app: Markdown and HTML are rendered, and a plain text is stored as it is (line
    ends made ``\\n``) unless ``clean`` asks for the import's cleaning. ``id`` (a UUID,
    Closeread's addition for the desktop sync) is the article's id when it is free."""

    id: Annotated[str, Field(min_length=36, max_length=36)] | None = None
    text: Annotated[str, Field(min_length=1)]
    format: Literal["text", "markdown", "html"] = "text"
    clean: bool = False
    title: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    url: Annotated[str, Field(max_length=MAX_URI, pattern=r"^https?://\S+$")] | None = None
    external_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    author: Annotated[str, Field(max_length=500)] | None = None
    outlet: Annotated[str, Field(max_length=500)] | None = None
    published: Annotated[str, Field(max_length=40)] | None = None
    language: Annotated[str, Field(max_length=40)] | None = None


class ArticleOut(BaseModel):
    id: str
    uri: str
    title: str
    url: str | None
    external_id: str | None
    author: str | None
    outlet: str | None
    published: str | None
    language: str | None
    format: str
    text_sha256: str
    created: str
    updated: str
    links: dict[str, str]


class ArticleFull(ArticleOut):
    text: str


class ArticlesOut(BaseModel):
    rows: list[ArticleOut]
    total: int


class ChangeOut(BaseModel):
    seq: int
    entity: Literal["article", "annotation", "reply", "group"]
    id: str
    op: Literal["added", "updated", "removed"]
    time: str
    url: str


class ChangesOut(BaseModel):
    changes: list[ChangeOut]
    last: int
    annotations: list[AnnotationOut] | None = None


class ErrorOut(BaseModel):
    status: Literal["failure"]
    reason: str
