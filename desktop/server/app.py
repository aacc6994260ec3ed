"""The HTTP API: Hypothesis's v1 shapes over a ``Repository`` (docs/server.md).

Handlers are plain functions, run on the server's worker threads, because the storage
under them blocks (SQLite). Who asks is the user of the bearer token, or nobody; what
they may see follows Hypothesis: an annotation private to its author, shared with a
group's members, or shared with ``__world__`` (everyone with an account here); what a
caller may not see answers 404, what they may see but not change 403.
"""

# no `from __future__ import annotations`: FastAPI reads the handlers' annotations, which
# name aliases local to create_app
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from desktop import __version__
from desktop.core.bundle import is_uuid
from desktop.core.errors import (
    ClosereadError,
    DatabaseError,
    ImportFileError,
    NotFoundError,
    QuoteNotFoundError,
    TagExistsError,
)
from desktop.core.model import iso_date, iso_utc, now_iso
from desktop.io.importer import prepare
from desktop.server import shapes
from desktop.server.middleware import AccessLog, BodyLimit, MediaType
from desktop.server.repository import Repository
from desktop.server.schemas import (
    AnnotationCreate,
    AnnotationOut,
    AnnotationUpdate,
    ArticleCreate,
    ArticleFull,
    ArticlesOut,
    ChangesOut,
    DeletedOut,
    ErrorOut,
    GroupCreate,
    GroupOut,
    GroupUpdate,
    Permissions,
    ProfileOut,
    SearchOut,
    Target,
    UserOut,
)
from desktop.store.accounts import WORLD, AccountExistsError, Group, User
from desktop.store.articles import NewArticle
from desktop.store.client_ids import AnnotationGoneError, ClientAnnotation, IdTakenError
from desktop.store.sharing import (
    Passage,
    Reader,
    SearchQuery,
    SharedItem,
    document_title,
    is_page_url,
    is_pending_page,
    pending_page,
)


def _latest_client_time() -> str:
    """The latest time a client may give an annotation: a day ahead of the server."""
    return (datetime.now(UTC) + timedelta(days=1)).isoformat(timespec="milliseconds")


DEFAULT_MAX_BODY = 1_000_000  # bytes: an article of a few hundred pages, far more than a note
_BEARER = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class ServerConfig:
    """What ``closeread serve`` sets beside the library: the authority in user ids, the
    origins browsers may call from, whether anonymous callers read ``__world__`` and the
    articles, and the largest request body."""

    authority: str = "localhost"
    cors_origins: tuple[str, ...] = ()
    anonymous_read: bool = False
    max_body_bytes: int = DEFAULT_MAX_BODY


def _refuse(status: int, reason: str, headers: dict[str, str] | None = None) -> HTTPException:
    return HTTPException(status, reason, headers=headers)


def _status_of(error: ClosereadError) -> int:
    """The HTTP status of an error the library raised."""
    if isinstance(error, QuoteNotFoundError):
        return 422  # the request is well formed, the article just lacks the quote
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, AccountExistsError | TagExistsError):
        return 409
    if isinstance(error, DatabaseError):
        return 503  # locked past the busy timeout, read-only: the client may try again
    return 400


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text} for code, text in (
        (400, "The request is malformed or cannot be done as asked"),
        (401, "No valid bearer token where one is needed"),
        (403, "The caller sees it but may not change it"),
        (404, "Not found, or not the caller's to see"),
        (406, "The Accept header asks for a media type this server does not answer"),
        (413, "The request body is too large"),
        (503, "The library is busy (another writer past the busy timeout) or read-only"),
    )
}

_TAKEN: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "The name is taken"}}
_CLIENT_IDS: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "A new tag's name is taken under another "
                                            "parent, or the id is another annotation's"},
    410: {"model": ErrorOut, "description": "The id is of an annotation that was deleted "
                                            "(a deletion is never undone)"},
}
_PLACING: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "A new tag's name is taken under another parent"},
    422: {"model": ErrorOut, "description": "The quote is not in the article's text "
                                            "(orphan=keep keeps the annotation as an orphan)"},
}


def create_app(repo: Repository, config: ServerConfig) -> FastAPI:
    """The API over ``repo``."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        repo.close()  # the server stops: no request is running any more

    app = FastAPI(
        title="Closeread team annotation server",
        version=__version__,
        description="Hypothesis API v1 over a Closeread library; the differences are in "
                    "docs/server.md.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive pages load scripts from a CDN; the JSON is enough
        redoc_url=None,
        lifespan=lifespan,
        responses=_ERRORS,
    )
    _install_errors(app)
    app.add_middleware(MediaType)
    app.add_middleware(BodyLimit, limit=config.max_body_bytes)
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                           allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Accept"],
                           expose_headers=["Hypothesis-Media-Type"])
    app.add_middleware(AccessLog)  # outermost: every answer is logged, refusals too

    authority = config.authority
    bearer = HTTPBearer(auto_error=False, description="A token made by `closeread token "
                                                      "create --user NAME`")

    # --- who asks ------------------------------------------------------------------------

    def current_user(request: Request,
                     _: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
                     ) -> User | None:
        # HTTPBearer documents the scheme; the header is read here, so that a malformed
        # one is refused rather than taken for no token at all
        header = request.headers.get("authorization")
        if header is None:
            return None
        scheme, _space, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _refuse(401, "the Authorization header must be 'Bearer <token>'", _BEARER)
        user = repo.authenticate(token.strip())
        if user is None:
            raise _refuse(401, "the API token is not valid (unknown or revoked)", _BEARER)
        request.state.user = user.name  # for the access log: the name, never the token
        return user

    def signed_in(user: Annotated[User | None, Depends(current_user)]) -> User:
        if user is None:
            raise _refuse(401, "this needs an API token: send 'Authorization: Bearer <token>'",
                          _BEARER)
        return user

    def reader_of(user: Annotated[User | None, Depends(current_user)]) -> Reader:
        return repo.reader(user, config.anonymous_read)

    Caller = Annotated[User | None, Depends(current_user)]
    Author = Annotated[User, Depends(signed_in)]
    Reading = Annotated[Reader, Depends(reader_of)]

    def base(request: Request) -> str:
        return str(request.base_url)

    def reads_articles(reader: Reader) -> bool:
        return reader.name is not None or reader.world

    def item_json(item: SharedItem, request: Request) -> dict[str, Any]:
        articles = repo.article_summaries([item.article_id])
        return shapes.annotation_json(item, articles.get(item.article_id), base(request),
                                      authority)

    def items_json(items: list[SharedItem], request: Request) -> list[dict[str, Any]]:
        articles = repo.article_summaries([i.article_id for i in items])
        return [shapes.annotation_json(i, articles.get(i.article_id), base(request), authority)
                for i in items]

    def shared_from(permissions: Permissions | None, user: User, group_id: str) -> bool:
        """Whether the annotation is shared with its group, from Hypothesis's
        permissions (none: shared)."""
        me = shapes.userid(user.name, authority)
        if permissions is None:
            return True
        for name in ("admin", "update", "delete"):
            value = getattr(permissions, name)
            if value is not None and value != [me]:
                raise _refuse(400, f"permissions.{name}: only the author may change or delete "
                                   f"an annotation here; give [{me!r}] or leave it out")
        if permissions.read is None:
            return True
        if permissions.read == [me]:
            return False
        if permissions.read == [f"group:{group_id}"]:
            return True
        raise _refuse(400, f"permissions.read: give [{me!r}] (private) or "
                           f"['group:{group_id}'] (shared with the annotation's group)")

    def page_target(uri: str, targets: list[Target]) -> None:
        """Refuses an annotation on a page the library does not have unless it has a
        quote (the page's text is not here: a position alone places nothing)."""
        target = targets[0] if targets else None
        if target is not None and target.source is not None and target.source != uri:
            raise _refuse(400, "target.source: not the annotation's article (its uri)")
        quote = next((sel for sel in target.selector if sel.type == "TextQuoteSelector"),
                     None) if target is not None else None
        if quote is None or not quote.exact:
            raise _refuse(400, f"target: the library does not have the page {uri[:200]!r} "
                               "yet; give a TextQuoteSelector (the passage is kept by its "
                               "quote until the page is imported)")

    def pending(article_id: str) -> bool:
        """Whether the article is a page the library does not have the text of yet: a
        quote is kept as an orphan there, to be placed when the page is imported."""
        article = repo.article(article_id)
        return article is not None and is_pending_page(article)

    def postable_group(group_id: str, user: User) -> Group:
        group = repo.find_group(group_id)
        if group is None or (group.id != WORLD and not repo.is_member(group.id, user)):
            raise _refuse(400, f"group: no group {group_id!r} that you are a member of")
        return group

    def article_of(uri: str, document: dict[str, Any] | None = None,
                   make: bool = False) -> str:
        """The article an annotation's uri names; with ``make``, a web page the library
        does not have yet becomes a pending page (docs/server.md, "Pages the library
        does not have")."""
        found = repo.article_ids_for([uri])
        if not found and make and is_page_url(uri):
            article, _ = repo.add_article(pending_page(uri, document_title(document)))
            return article.id
        if not found:
            raise _refuse(400, f"uri: no article has the uri {uri[:200]!r} (GET /api/articles "
                               "lists them, POST /api/articles adds one)")
        if len(found) > 1:
            raise _refuse(400, f"uri: {len(found)} articles have the url {uri[:200]!r}; name "
                               "one as urn:closeread:article:<id>")
        return found[0]

    def passage_of(targets: list[Target], article_id: str) -> Passage | None:
        """The passage the first target's selectors describe; None when it has none."""
        if not targets:
            return None
        target = targets[0]
        if target.source is not None and article_id not in repo.article_ids_for([target.source]):
            raise _refuse(400, "target.source: not the annotation's article (its uri)")
        quote = next((s for s in target.selector if s.type == "TextQuoteSelector"), None)
        position = next((s for s in target.selector if s.type == "TextPositionSelector"), None)
        if quote is None and position is None:
            return None
        if quote is not None and quote.exact is None:
            raise _refuse(400, "target.selector: a TextQuoteSelector needs exact")
        if position is not None and (position.start is None or position.end is None):
            raise _refuse(400, "target.selector: a TextPositionSelector needs start and end")
        return Passage(
            start=position.start if position else None, end=position.end if position else None,
            exact=quote.exact if quote else None, prefix=quote.prefix if quote else None,
            suffix=quote.suffix if quote else None)

    def visible_group(group_id: str, user: User | None) -> Group:
        group = repo.find_group(group_id)
        if group is not None:
            if group.id == WORLD and (user is not None or config.anonymous_read):
                return group
            if user is not None and group.id != WORLD and repo.is_member(group.id, user):
                return group
        raise _refuse(404, f"no group {group_id!r}")

    def changeable_group(group_id: str, user: User) -> Group:
        group = visible_group(group_id, user)
        if group.id == WORLD:
            raise _refuse(403, f"{WORLD} is everyone with an account: it cannot be changed")
        if group.creator != user.name:
            raise _refuse(403, "only the group's creator may change it or its members")
        return group

    # --- the service root ----------------------------------------------------------------

    @app.get("/api/", tags=["general"], summary="Service root: the API's links")
    def index(request: Request) -> dict[str, Any]:
        return shapes.index_json(base(request))

    @app.get("/api/links", tags=["general"], summary="URL templates for clients")
    def links(request: Request) -> dict[str, str]:
        return shapes.links_json(base(request))

    # --- profile -------------------------------------------------------------------------

    @app.get("/api/profile", tags=["profile"], response_model=ProfileOut,
             summary="The caller's profile")
    def profile(user: Caller) -> JSONResponse:
        groups = repo.groups_of(user, config.anonymous_read)
        return JSONResponse(shapes.profile_json(user, groups, authority, config.anonymous_read))

    @app.get("/api/profile/groups", tags=["profile"], response_model=list[GroupOut],
             summary="The caller's groups")
    def profile_groups(request: Request, user: Caller) -> JSONResponse:
        return JSONResponse([shapes.group_json(g, base(request), config.anonymous_read)
                             for g in repo.groups_of(user, config.anonymous_read)])

    # --- annotations ---------------------------------------------------------------------

    @app.post("/api/annotations", tags=["annotations"], response_model=AnnotationOut,
              summary="Create an annotation, or a reply (with references); with an id, "
                      "create it under that id or replace it with a later version",
              responses=_PLACING | _CLIENT_IDS)
    def create_annotation(
        body: AnnotationCreate, request: Request, user: Author,
        orphan: Annotated[Literal["refuse", "keep"], Query(
            description="A quote that is not in the article's text: refuse it (422), or "
                        "keep the annotation as an orphan with its quote")] = "refuse",
    ) -> JSONResponse:
        reader = repo.reader(user, config.anonymous_read)
        if body.references:
            if body.tags:
                raise _refuse(400, "tags: a reply has no tags")
            if body.id is not None:
                raise _refuse(400, "id: a reply is not given an id by its client")
            parent_id = body.references[-1]
            parent = repo.item(parent_id, reader)
            if parent is None:
                raise _refuse(400, f"references: no annotation {parent_id!r} to reply to")
            item = repo.create_reply(user, parent.id, body.text,
                                     shared_from(body.permissions, user, parent.group_id))
            return JSONResponse(item_json(item, request))
        if not body.uri:
            raise _refuse(400, "uri: give the uri of the article the annotation is on")
        group = postable_group(body.group, user)
        shared = shared_from(body.permissions, user, group.id)
        if body.id is not None and not is_uuid(body.id):
            raise _refuse(400, "id: give a UUID")
        if not repo.article_ids_for([body.uri]) and is_page_url(body.uri):
            # a page to be made: what would refuse the annotation is checked first, so
            # that a refused request leaves no page behind
            page_target(body.uri, body.target)
        article_id = article_of(body.uri, body.document, make=True)
        passage = passage_of(body.target, article_id) or Passage()
        keep = orphan == "keep" or pending(article_id)
        if body.id is not None:
            return client_copy(body, request, user, article_id, group.id, shared, passage,
                               keep)
        item = repo.create_annotation(user, article_id, passage, body.text, body.tags,
                                      group.id, shared, keep)
        return JSONResponse(item_json(item, request))

    def client_copy(body: AnnotationCreate, request: Request, user: User, article_id: str,
                    group_id: str, shared: bool, passage: Passage,
                    keep_orphan: bool) -> JSONResponse:
        """A client's own copy of an annotation, under its id and with its times (the
        desktop sync): added, or put over the one with that id when it is later; sending
        it again changes nothing (docs/server.md, "Sync")."""
        assert body.id is not None
        if not is_uuid(body.id):
            raise _refuse(400, "id: give a UUID")
        times = {}
        for name in ("created", "updated"):
            value = getattr(body, name)
            try:
                times[name] = now_iso() if value is None else iso_utc(value)
            except ValueError:
                raise _refuse(400, f"{name}: give an ISO 8601 time") from None
            if times[name] > _latest_client_time():
                # a time far ahead would win every later edit, for ever
                raise _refuse(400, f"{name}: {value} is in the future (more than a day "
                                   "ahead of the server's clock)")
        given = body.model_fields_set
        try:
            item, _outcome = repo.put_annotation(ClientAnnotation(
                id=body.id, article_id=article_id, author=user.name, passage=passage,
                note=body.text, tags=body.tags, created=times["created"],
                updated=max(times["updated"], times["created"]),
                group_id=group_id if "group" in given else None,
                shared=shared if "permissions" in given else None,
                keep_orphan=keep_orphan))
        except IdTakenError as error:
            raise _refuse(409, error.message) from None
        except AnnotationGoneError as error:
            raise _refuse(410, error.message) from None
        return JSONResponse(item_json(item, request))

    # registered before /api/annotations/{id}, which would take "X.jsonld" as an id
    @app.get("/api/annotations/{id}.jsonld", tags=["annotations"],
             summary="Fetch an annotation as a W3C Web Annotation (JSON-LD)")
    def read_jsonld(id: str, reader: Reading) -> Response:
        item = repo.item(id, reader)
        if item is None:
            raise _refuse(404, f"no annotation {id!r}")
        articles = repo.article_summaries([item.article_id])
        return JSONResponse(shapes.annotation_w3c(item, articles.get(item.article_id)),
                            media_type=shapes.JSONLD_MEDIA_TYPE)

    @app.get("/api/annotations/{id}", tags=["annotations"], response_model=AnnotationOut,
             summary="Fetch an annotation")
    def read_annotation(id: str, request: Request, reader: Reading) -> JSONResponse:
        item = repo.item(id, reader)
        if item is None:
            raise _refuse(404, f"no annotation {id!r}")
        return JSONResponse(item_json(item, request))

    def own_item(item_id: str, user: User) -> SharedItem:
        item = repo.item(item_id, repo.reader(user, config.anonymous_read))
        if item is None:
            raise _refuse(404, f"no annotation {item_id!r}")
        if item.author != user.name:
            raise _refuse(403, "only the author may change or delete an annotation")
        return item

    def update(id: str, body: AnnotationUpdate, request: Request, user: User,
               orphan: str) -> JSONResponse:
        item = own_item(id, user)
        if body.uri is not None and item.article_id not in repo.article_ids_for([body.uri]):
            raise _refuse(400, "uri: an annotation stays on its article")
        group_id = None
        if body.group is not None and body.group != item.group_id:
            if item.references:
                raise _refuse(400, "group: a reply stays in its thread's group")
            group_id = postable_group(body.group, user).id
        shared = None
        if body.permissions is not None:
            shared = shared_from(body.permissions, user, group_id or item.group_id)
        passage = None
        if body.target is not None and not item.references:
            passage = passage_of(body.target, item.article_id)
        if body.tags and item.references:
            raise _refuse(400, "tags: a reply has no tags")
        updated = repo.update_item(
            item.id, text=body.text, tags=None if item.references else body.tags,
            passage=passage, keep_orphan=orphan == "keep" or pending(item.article_id),
            group_id=group_id, shared=shared)
        return JSONResponse(item_json(updated, request))

    Orphan = Annotated[Literal["refuse", "keep"], Query(
        description="A quote that is not in the article's text: refuse it (422), or keep "
                    "the annotation as an orphan")]

    @app.patch("/api/annotations/{id}", tags=["annotations"], response_model=AnnotationOut,
               summary="Update an annotation (its author only)", responses=_PLACING)
    def patch_annotation(id: str, body: AnnotationUpdate, request: Request, user: Author,
                         orphan: Orphan = "refuse") -> JSONResponse:
        return update(id, body, request, user, orphan)

    @app.put("/api/annotations/{id}", tags=["annotations"], response_model=AnnotationOut,
             summary="Update an annotation (as PATCH; Hypothesis keeps PUT for old clients)",
             responses=_PLACING)
    def put_annotation(id: str, body: AnnotationUpdate, request: Request, user: Author,
                       orphan: Orphan = "refuse") -> JSONResponse:
        return update(id, body, request, user, orphan)

    @app.delete("/api/annotations/{id}", tags=["annotations"], response_model=DeletedOut,
                summary="Delete an annotation (its author only)")
    def delete_annotation(id: str, user: Author) -> JSONResponse:
        item = own_item(id, user)
        repo.delete_item(item.id)
        return JSONResponse({"id": item.id, "deleted": True})

    # --- search --------------------------------------------------------------------------

    @app.get("/api/search", tags=["annotations"], response_model=SearchOut,
             summary="Search for annotations")
    def search(
        request: Request, reader: Reading,
        uri: Annotated[list[str] | None, Query(description="The article's uri")] = None,
        url: Annotated[list[str] | None, Query(description="Alias of uri")] = None,
        user: Annotated[list[str] | None, Query(description="acct:NAME@AUTHORITY")] = None,
        group: Annotated[list[str] | None, Query()] = None,
        tag: Annotated[list[str] | None, Query(description="A tag (name or path); "
                                               "child tags count")] = None,
        tags: Annotated[list[str] | None, Query(description="Comma-separated tags, "
                                                "all of them")] = None,
        any: Annotated[str | None, Query(description="Any word in the quote, the note, "
                                         "a tag or the uri")] = None,
        text: Annotated[str | None, Query(description="Any of the words in the note "
                                          "(a reply's text)")] = None,
        quote: Annotated[str | None, Query(description="Any of the words in the quote")] = None,
        references: Annotated[list[str] | None, Query(description="Replies in the thread "
                                                      "under this annotation")] = None,
        limit: Annotated[int, Query(ge=0, le=200)] = 20,
        offset: Annotated[int, Query(ge=0, le=9800)] = 0,
        sort: Annotated[Literal["created", "updated", "group", "id", "user"], Query()]
        = "updated",
        order: Annotated[Literal["asc", "desc"], Query()] = "desc",
        search_after: Annotated[str | None, Query(max_length=200)] = None,
        separate_replies: Annotated[bool, Query(alias="_separate_replies")] = False,
        wildcard_uri: Annotated[list[str] | None, Query(
            description="A uri with wildcards: * any characters, _ one")] = None,
        uri_parts: Annotated[list[str] | None, Query(
            alias="uri.parts", description="A part of the uri (between / : ? # & = .)")]
        = None,
    ) -> JSONResponse:
        # as Hypothesis: uri, url and wildcard_uri name pages, any of them; uri.parts
        # must each be a part of the page's uri as well
        uris = [*(uri or []), *(url or [])]
        article_ids: list[str] | None = None
        if uris or wildcard_uri:
            article_ids = repo.article_ids_for(uris) if uris else []
            for pattern in wildcard_uri or []:
                article_ids += repo.article_ids_like([pattern], [])
        if uri_parts:
            having = set(repo.article_ids_like([], uri_parts))
            article_ids = [i for i in (article_ids if article_ids is not None else having)
                           if i in having]
        if article_ids is not None:
            article_ids = list(dict.fromkeys(article_ids))
        authors = []
        for value in user or []:
            name = shapes.user_name(value, authority)
            if name is None:  # an account of another server: nobody here
                return JSONResponse({"rows": [], "total": 0}
                                    | ({"replies": []} if separate_replies else {}))
            authors.append(name)
        wanted_tags = [t.strip() for t in (tag or []) if t.strip()]
        for joined in tags or []:
            wanted_tags += [t.strip() for t in joined.split(",") if t.strip()]
        query = SearchQuery(
            article_ids=tuple(article_ids) if article_ids is not None else None,
            authors=tuple(authors), groups=tuple(group or ()), tags=tuple(wanted_tags),
            any=any or None, text=text or None, quote=quote or None,
            references=tuple(references or ()), limit=limit, offset=offset, sort=sort,
            order=order, search_after=search_after or None,
            top_level_only=separate_replies)
        rows, total = repo.search(reader, query)
        answer: dict[str, Any] = {"rows": items_json(rows, request), "total": total}
        if separate_replies:
            answer["replies"] = items_json(repo.replies_to(reader, [r.id for r in rows]),
                                           request)
        return JSONResponse(answer)

    # --- groups --------------------------------------------------------------------------

    @app.get("/api/groups", tags=["groups"], response_model=list[GroupOut],
             summary="The groups the caller may see")
    def list_groups(
        request: Request, user: Caller,
        authority_: Annotated[str | None, Query(alias="authority")] = None,
        document_uri: Annotated[str | None, Query()] = None,
        expand: Annotated[list[str] | None, Query()] = None,
    ) -> JSONResponse:
        # authority, document_uri and expand are Hypothesis's; one authority, no scoped
        # groups and no organizations here, so they change nothing
        return JSONResponse([shapes.group_json(g, base(request), config.anonymous_read)
                             for g in repo.groups_of(user, config.anonymous_read)])

    @app.post("/api/groups", tags=["groups"], response_model=GroupOut,
              summary="Create a private group (the caller is its creator and first member)",
              responses=_TAKEN)
    def create_group(body: GroupCreate, request: Request, user: Author) -> JSONResponse:
        group = repo.create_group(user, body.name, body.description)
        return JSONResponse(shapes.group_json(group, base(request), config.anonymous_read))

    @app.get("/api/groups/{id}", tags=["groups"], response_model=GroupOut,
             summary="Fetch a group")
    def read_group(id: str, request: Request, user: Caller,
                   expand: Annotated[list[str] | None, Query()] = None) -> JSONResponse:
        group = visible_group(id, user)
        return JSONResponse(shapes.group_json(group, base(request), config.anonymous_read))

    @app.patch("/api/groups/{id}", tags=["groups"], response_model=GroupOut,
               summary="Rename a group or change its description (its creator only)",
               responses=_TAKEN)
    def update_group(id: str, body: GroupUpdate, request: Request,
                     user: Author) -> JSONResponse:
        group = changeable_group(id, user)
        updated = repo.update_group(group.id, body.name, body.description)
        return JSONResponse(shapes.group_json(updated, base(request), config.anonymous_read))

    @app.get("/api/groups/{id}/members", tags=["groups"], response_model=list[UserOut],
             summary="A group's members")
    def group_members(id: str, user: Caller) -> JSONResponse:
        group = visible_group(id, user)
        return JSONResponse([shapes.user_json(u, authority) for u in repo.members(group.id)])

    @app.post("/api/groups/{id}/members/{userid}", tags=["groups"], status_code=204,
              summary="Add a user to a group (its creator only)")
    def add_member(id: str, userid: str, user: Author) -> Response:
        group = changeable_group(id, user)
        name = shapes.user_name(userid, authority)
        if name is None or repo.find_user(name) is None:
            raise _refuse(404, f"no user {userid!r}")
        repo.add_member(group.id, name)
        return Response(status_code=204)

    @app.delete("/api/groups/{id}/members/{userid}", tags=["groups"], status_code=204,
                summary="Leave a group (userid 'me'), or, as its creator, remove a member")
    def remove_member(id: str, userid: str, user: Author) -> Response:
        group = visible_group(id, user)
        if group.id == WORLD:
            raise _refuse(403, f"{WORLD} is everyone with an account: nobody leaves it")
        name = user.name if userid == "me" else shapes.user_name(userid, authority)
        if name != user.name:
            changeable_group(group.id, user)
        if name is None or not repo.remove_member(group.id, name):
            raise _refuse(404, f"no member {userid!r} in the group")
        return Response(status_code=204)

    # --- articles ------------------------------------------------------------------------

    @app.get("/api/articles", tags=["articles"], response_model=ArticlesOut,
             summary="The articles (without their texts), in the order they were added")
    def list_articles(request: Request, reader: Reading,
                      limit: Annotated[int, Query(ge=0, le=200)] = 50,
                      offset: Annotated[int, Query(ge=0, le=2**62)] = 0) -> JSONResponse:
        if not reads_articles(reader):
            raise _refuse(401, "this needs an API token: send 'Authorization: Bearer <token>'",
                          _BEARER)
        rows, total = repo.articles(limit, offset, reader)
        return JSONResponse({"rows": [shapes.article_json(a, base(request)) for a in rows],
                             "total": total})

    @app.post("/api/articles", tags=["articles"], response_model=ArticleFull, status_code=201,
              summary="Add an article (an article with the same text answers 200 as it is)",
              responses={200: {"model": ArticleFull,
                               "description": "The library has this text already"}})
    def create_article(body: ArticleCreate, request: Request, user: Author) -> JSONResponse:
        if body.published is not None:
            try:
                iso_date(body.published)
            except ValueError:
                raise _refuse(400, "published: give an ISO 8601 date") from None
        if body.id is not None and not is_uuid(body.id):
            raise _refuse(400, "id: give a UUID")
        new = _prepared(body)
        article, created = repo.add_article(new, body.id)
        return JSONResponse(shapes.article_json(article, base(request), with_text=True),
                            status_code=201 if created else 200)

    @app.get("/api/articles/{id}", tags=["articles"], response_model=ArticleFull,
             summary="An article with its text, its hash and its metadata")
    def read_article(id: str, request: Request, reader: Reading) -> JSONResponse:
        article = repo.article(id, reader) if reads_articles(reader) else None
        if article is None:
            raise _refuse(404, f"no article {id!r}")
        return JSONResponse(shapes.article_json(article, base(request), with_text=True))

    # --- the change feed -----------------------------------------------------------------

    @app.get("/api/changes", tags=["changes"], response_model=ChangesOut,
             summary="What changed after sequence number since (Closeread's addition)")
    def changes(request: Request, reader: Reading,
                since: Annotated[int, Query(ge=0, le=2**62)] = 0,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                with_annotations: Annotated[bool, Query(
                    description="Also give the annotations and replies the page names, as "
                                "they are now (those not deleted), in `annotations`"
                )] = False) -> JSONResponse:
        if not with_annotations:
            rows, last = repo.changes(reader, since, limit)
            return JSONResponse({"changes": [shapes.change_json(c, base(request))
                                             for c in rows], "last": last})
        rows, last, items = repo.changes_and_items(reader, since, limit)
        return JSONResponse({"changes": [shapes.change_json(c, base(request)) for c in rows],
                             "last": last, "annotations": items_json(list(items.values()),
                                                                     request)})

    _trim_openapi(app)
    return app


def _prepared(body: ArticleCreate) -> NewArticle:
    """The article as the app's import makes it of the same text (the canonical text, its
    layout and metadata), with the metadata the request gives put over it."""
    suffix = {"text": ".txt", "markdown": ".md", "html": ".html"}[body.format]
    with tempfile.TemporaryDirectory(prefix="closeread-") as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_text(body.text, encoding="utf-8", newline="")
        new, _ = prepare(path, body.format, clean=body.clean)
    given = {name: getattr(body, name) for name in
             ("title", "url", "external_id", "author", "outlet", "published", "language")
             if getattr(body, name) is not None}
    title = given.pop("title", None) or (new.title if new.title != path.stem else "Untitled")
    return replace(new, title=title, source_path=None, **given)


def _install_errors(app: FastAPI) -> None:
    """Every refusal as Hypothesis words it: ``{"status": "failure", "reason": ...}``."""

    def failure(status: int, reason: str,
                headers: Mapping[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"status": "failure", "reason": reason}, status_code=status,
                            headers=headers)

    async def http_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if error.status_code == 204:
            return Response(status_code=204)
        return failure(error.status_code, str(error.detail), error.headers)

    async def invalid(_: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        reasons = []
        for problem in error.errors()[:5]:
            where = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
            reasons.append(f"{where}: {problem.get('msg', 'invalid')}" if where
                           else str(problem.get("msg", "invalid")))
        return failure(400, "; ".join(reasons) or "the request is not valid")

    async def library_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, ClosereadError)
        status = _status_of(error)
        message = str(error)
        if isinstance(error, ImportFileError):
            # the import names the temporary file it read the text from: say "text"
            message = message.split(": ", 1)[-1]
            message = f"text: {message}"
        return failure(status, message, {"Retry-After": "1"} if status == 503 else None)

    handlers: dict[type[Exception], Callable[[Request, Exception], Any]] = {
        StarletteHTTPException: http_error,
        RequestValidationError: invalid,
        ClosereadError: library_error,
    }
    for kind, handler in handlers.items():
        app.add_exception_handler(kind, handler)


def _trim_openapi(app: FastAPI) -> None:
    """The OpenAPI document as the API answers: a bad request is a 400 (Hypothesis's),
    not FastAPI's 422 with its own error shape, and a GET needs no token."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = original()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.get("responses", {})
                if responses.get("422", {}).get("content", {}).get(
                        "application/json", {}).get("schema", {}).get("$ref", "").endswith(
                        "/HTTPValidationError"):
                    del responses["422"]
            # reading takes a token or none (what is read then depends on it); every
            # write needs one
            if "get" in operations and operations["get"].get("security"):
                operations["get"]["security"].append({})
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
