"""The sync engine: one library kept in step with one team server (docs/server.md, "Sync").

A round is a push then a pull:

- **push** reads this library's change journal after ``pushed_seq`` and sends the current
  state of every passage changed there by this library (rows whose origin is the sync's
  own, ``sync:…``, are what a pull wrote: never sent back). A live passage goes up under
  its own id with its own times (``POST /api/annotations`` with ``id``: create, or replace
  when later), its article first if the server lacks it (``POST /api/articles`` with
  ``id``; the server matches texts by hash); a deleted one as ``DELETE``. Only the
  connected user's passages go: the server lets only the author write them. The pointer
  moves past an entry once the server has answered for it; a server that cannot be
  reached stops the round with the pointer before the first entry not answered.
- **pull** reads the server's change feed after ``pulled_seq``, fetches what each change
  names (an article, an annotation), and applies it with the merge of bundles
  (``store/merging.py``): the later ``updated`` wins, a deletion is never undone, an
  unknown article comes first, a passage on a text that differs here is re-anchored. A
  ``removed`` change deletes the local copy. An annotation announced but answering 404
  has gone out of the user's sight (made private, moved to another group) or was
  deleted since (its ``removed`` change follows): the local copy stays as it is.

Every step is idempotent, so a round interrupted anywhere (a crash between a send and
the pointer's move) is simply run again: the server finds the same id and the same time
and changes nothing; the merge finds the same passage and skips it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from desktop import __version__
from desktop.core.bundle import (
    BUNDLE_VERSION,
    Bundle,
    BundleAnnotation,
    BundleAnnotator,
    BundleArticle,
    BundleTag,
    check,
    is_uuid,
)
from desktop.core.changes import ANNOTATION, ARTICLE, GROUP, REMOVED
from desktop.core.errors import (
    AnnotationNotFoundError,
    ArticleNotFoundError,
    ClosereadError,
    DatabaseError,
)
from desktop.core.model import Article, new_id, now_iso
from desktop.store.library import Library
from desktop.store.merging import merge
from desktop.store.revisions import replace_text
from desktop.store.sharing import KIND_ANNOTATION, SharedItem, is_pending_page
from desktop.store.sync_state import (
    SYNC_CLIENT,
    SYNC_ORIGIN_PREFIX,
    ArticleLink,
    Connection,
    SyncState,
)
from desktop.sync.records import (
    Pulled,
    annotation_body,
    arrived_page,
    article_body,
    bundle_article,
    local_article,
)
from desktop.sync.server import (
    Answer,
    ServerUnavailable,
    TeamServer,
    TokenRefused,
    normalised_url,
    user_name,
)
from desktop.sync.status import (
    CONNECTED,
    NOT_CONNECTED,
    OFFLINE,
    SyncReport,
    SyncStatus,
)

__all__ = ["SYNC_CLIENT", "SyncEngine", "open_for_sync"]

PUSH_BATCH = 500  # journal rows read at a time
FEED_PAGE = 500  # change-feed rows asked for at a time: one transaction applies them
FEED_PAGES = 10  # pages an app's round reads at most, so that its next push is not held up
FETCHERS = 8  # requests at once while fetching what a page names (a first sync: 100,000s)


def mirror_groups(library: Library, profile: Answer) -> None:
    """Keeps the groups ``GET /api/profile`` lists (the user's) in the library, so that
    its passages can be shared with them and pulled ones keep theirs."""
    groups = profile.data.get("groups") if isinstance(profile.data, dict) else None
    if not profile.ok or not isinstance(groups, list):
        return
    library.accounts.mirror_groups([
        (str(g["id"]), str(g.get("name") or g["id"])) for g in groups
        if isinstance(g, dict) and isinstance(g.get("id"), str) and g["id"]])


class Cancelled(Exception):
    """The round was asked to stop (the window is closing): what is done is recorded."""


def open_for_sync(path: str, busy_timeout: float | None = None) -> Library:
    """The library at ``path`` opened as the sync opens it: its writes are journalled with
    the origin ``sync:PID@HOST``, which the push never sends back."""
    if busy_timeout is None:
        return Library(path, client=SYNC_CLIENT)
    return Library(path, busy_timeout=busy_timeout, client=SYNC_CLIENT)


@dataclass(frozen=True)
class _Source:
    """A server article as this round knows it: as a bundle's article (under the local id
    when the library has it, never newer than the local text) and the server's hash."""

    server_id: str
    article: BundleArticle
    server_sha256: str


class SyncEngine:
    """Keeps ``library`` in step with the server it is connected to.

    Open the library with ``open_for_sync`` (``client="sync"``): what the engine writes
    must carry the sync's origin. One round at a time: the engine is not for two threads
    at once (the window runs its rounds one after another on one worker thread).
    """

    def __init__(self, library: Library, transport: httpx.BaseTransport | None = None) -> None:
        if not library.origin.startswith(SYNC_ORIGIN_PREFIX):
            raise ValueError("open the library with client='sync' (open_for_sync): the push "
                             "would send back what the pull wrote")
        self.library = library
        self.state = SyncState(library)
        self.transport = transport  # tests hand in their own; None: the network
        self._server: TeamServer | None = None
        self._server_key: tuple[str, str] | None = None
        self._stop = threading.Event()
        self._owns_library = False
        self.last_status: SyncStatus | None = None

    @classmethod
    def opened(cls, path: str, busy_timeout: float | None = None) -> SyncEngine:
        """An engine on a connection of its own to the library at ``path``, which it
        closes with itself (``with SyncEngine.opened(path) as engine: …``)."""
        engine = cls(open_for_sync(path, busy_timeout))
        engine._owns_library = True
        return engine

    def __enter__(self) -> SyncEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Closes the HTTP connections, and the library when the engine opened it."""
        self._close_server()
        if self._owns_library:
            self.library.close()

    def _close_server(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server, self._server_key = None, None

    def cancel(self) -> None:
        """Stops a running round at its next step, and every later one at once (the
        window is closing); safe from any thread. What was done is recorded."""
        self._stop.set()

    # --- the connection ----------------------------------------------------------------------

    def connect(self, url: str, token: str) -> Connection:
        """Checks the token with the server (``GET /api/profile``) and keeps the
        connection in the library. Another server or user than before starts over."""
        url = normalised_url(url)
        token = token.strip()
        server = TeamServer(url, token, self.transport)
        try:
            answer = server.profile()
        finally:
            server.close()
        userid = answer.data.get("userid") if isinstance(answer.data, dict) else None
        if not answer.ok or not isinstance(userid, str):
            raise TokenRefused(f"{url} did not take the token: {answer.reason}")
        connection = Connection(url, token, user_name(userid), userid)
        self.state.connect(connection)
        mirror_groups(self.library, answer)
        return connection

    def disconnect(self) -> Connection | None:
        """Forgets the server and the token (local work stays, unsent)."""
        self._close_server()
        return self.state.disconnect()

    def status(self, probe: bool = False) -> SyncStatus:
        """Where the sync stands: from the last round, or with ``probe`` from a call to the
        server now (``GET /api/profile``)."""
        connection = self.state.connection()
        if connection is None:
            return SyncStatus(NOT_CONNECTED)
        if probe:
            try:
                self._server_for(connection).profile()
            except ServerUnavailable as error:
                return self._status(connection, error)
            return self._status(connection)
        if self.last_status is not None and self.last_status.server == connection.url:
            return self._status(connection, problem=self.last_status.problem,
                                state=self.last_status.state)
        return self._status(connection)

    def _status(self, connection: Connection, error: ClosereadError | None = None,
                problem: str | None = None, state: str | None = None) -> SyncStatus:
        if error is not None:
            state, problem = OFFLINE, error.message
        return SyncStatus(state or CONNECTED, self.state.unsent(connection.user),
                          connection.url, connection.user, problem)

    def _server_for(self, connection: Connection) -> TeamServer:
        key = (connection.url, connection.token)
        if self._server is None or self._server_key != key:
            self._close_server()
            self._server = TeamServer(connection.url, connection.token, self.transport)
            self._server_key = key
        return self._server

    # --- rounds ------------------------------------------------------------------------------

    def sync(self, busy: Callable[[], object] | None = None,
             pages: int | None = FEED_PAGES) -> SyncReport:
        """A push then a pull of at most ``pages`` pages of the feed (None: until the
        library is up to date, as ``closeread sync`` does). ``busy`` is called once, when
        the round finds something to send or to read (the app then says "syncing…")."""
        return self._round(push=True, pull=True, busy=busy, pages=pages)

    def push(self) -> SyncReport:
        """Sends this library's unsent entries; see the module's docstring."""
        return self._round(push=True, pull=False)

    def pull(self, pages: int | None = None) -> SyncReport:
        """Applies the server's changes after the last one seen (``pages`` of the feed at
        most; None: all of them)."""
        return self._round(push=False, pull=True, pages=pages)

    def _round(self, push: bool, pull: bool, busy: Callable[[], object] | None = None,
               pages: int | None = None) -> SyncReport:
        report = SyncReport()
        connection = self.state.connection()
        if connection is None:
            report.status = SyncStatus(NOT_CONNECTED)
            return report
        server = self._server_for(connection)
        round_ = _Round(self, server, connection, report, busy)
        error: ClosereadError | None = None
        try:
            if push:
                round_.push()
            if pull:
                round_.pull(pages)
        except ServerUnavailable as unavailable:
            error = unavailable
        except Cancelled:
            pass
        except ClosereadError as failure:  # the library: locked, read-only
            report.errors.append(failure.message)
        finally:
            round_.close()
        report.status = self._status(connection, error)
        self.last_status = report.status
        return report


class _Round:
    """One round's work; what it learns of articles lasts the round."""

    def __init__(self, engine: SyncEngine, server: TeamServer, connection: Connection,
                 report: SyncReport, busy: Callable[[], object] | None) -> None:
        self.engine = engine
        self.library = engine.library
        self.state = engine.state
        self.server = server
        self.user = connection.user
        self.report = report
        self._busy = busy
        self._refused_articles: dict[str, str] = {}  # local id -> why the server refused it
        self._pool: ThreadPoolExecutor | None = None
        self.connection = connection
        self._groups_read = False
        self._access: set[str] = set()  # passages of the push batch whose access goes up

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def fetch(self, call: Callable[[str], Answer], ids: list[str]) -> list[Answer]:
        """``call(id)`` for every id, ``FETCHERS`` at a time (httpx's client is safe to
        share between threads), in the order of ``ids``."""

        def one(item_id: str) -> Answer:
            self.step()
            return call(item_id)

        if len(ids) < 2:
            return [one(item_id) for item_id in ids]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(FETCHERS, thread_name_prefix="closeread-sync")
        return list(self._pool.map(one, ids))

    def read_profile(self) -> None:
        """Asks the server who the user is and which groups they are in (once a round):
        the user's id for a private passage sent, the groups for the library."""
        if self._groups_read:
            return
        self._groups_read = True
        answer = self.server.profile()
        if not answer.ok:
            return
        mirror_groups(self.library, answer)
        userid = answer.data.get("userid")
        if isinstance(userid, str) and userid != self.connection.userid \
                and user_name(userid) == self.connection.user:
            self.connection = Connection(self.connection.url, self.connection.token,
                                         self.connection.user, userid)
            self.state.connect(self.connection)

    def busy(self) -> None:
        if self._busy is not None:
            self._busy()
            self._busy = None

    def step(self) -> None:
        if self.engine._stop.is_set():
            raise Cancelled

    # --- push ----------------------------------------------------------------------------

    def push(self) -> None:
        pointer = self.state.pushed_seq
        while True:
            rows = self.library.journal.after(pointer, PUSH_BATCH)
            if not rows:
                return
            first_rows: dict[str, int] = {}  # annotation id -> its first row in the batch
            for row in rows:
                if row.entity == ANNOTATION and not (row.origin or "").startswith(
                        SYNC_ORIGIN_PREFIX):
                    first_rows.setdefault(row.id, row.seq)
            if first_rows:
                self.busy()
                items = self.library.accounts.sharing.items(first_rows, deleted=True)
                self._access = self.state.access_unsent(list(first_rows))
                for annotation_id, first in first_rows.items():
                    try:
                        self.step()
                        self._push_one(items.get(annotation_id))
                    except (ServerUnavailable, Cancelled, DatabaseError):
                        # everything before this entry is answered for; this one and the
                        # rest wait for the next round
                        self.state.set_pushed(max(pointer, first - 1))
                        raise
                    except ClosereadError as error:  # this passage only: said, passed over
                        self.report.errors.append(f"passage {annotation_id}: "
                                                  f"{error.message}")
            pointer = rows[-1].seq
            self.state.set_pushed(pointer)

    def _push_one(self, item: SharedItem | None) -> None:
        """Sends a passage's state as it is now (later rows of it change nothing: the
        same state goes again, which the server takes as unchanged)."""
        report = self.report
        if item is None or item.kind != KIND_ANNOTATION:
            return  # gone from the file altogether (a program not ours): nothing to send
        if item.author != self.user:
            report.held_back.append(item.id)
            return
        if item.deleted is not None:
            answer = self.server.delete_annotation(item.id)
            if answer.ok:
                report.sent_deletions.append(item.id)
            elif answer.status != 404:  # 404: the server never had it, or deleted it too
                report.errors.append(f"passage {item.id}: deleting it: {answer.reason}")
            return
        server_article = self._server_article(item.article_id)
        if server_article is None:
            report.errors.append(f"passage {item.id}: its article could not be sent: "
                                 f"{self._refused_articles[item.article_id]}")
            return
        access = item.id in self._access
        if access and not item.shared and not self.connection.userid:
            self.read_profile()
            if not self.connection.userid:  # asked again next round, with the passage
                raise ServerUnavailable(f"{self.server.url}: the server did not say who "
                                        "the user is, which a private passage needs")
        body = annotation_body(item, server_article, self.connection.userid, access)
        answer = self.server.put_annotation(body)
        if access and answer.ok:
            self.state.access_sent(item.id)
        if answer.status == 410:
            # deleted on the server: a deletion is never undone, here either
            self._delete_here(item.id)
            report.conflicts.append(f"{item.id}: deleted on the server, so deleted here "
                                    "(a deletion is never undone)")
        elif not answer.ok:
            report.errors.append(f"passage {item.id}: {answer.reason}")
        elif str(answer.data.get("updated", "")) > item.updated:
            report.conflicts.append(f"{item.id}: the server's later version is kept (it "
                                    "comes back with the pull)")
        else:
            report.sent.append(item.id)

    def _server_article(self, article_id: str) -> str | None:
        """The server's id for a local article, sending the article when the server does
        not have it yet; None when the server refused it."""
        link = self.state.link_of(article_id)
        if link is not None:
            return link.server_id
        if article_id in self._refused_articles:
            return None
        article = self.library.articles.get(article_id)
        answer = self.server.post_article(article_body(article))
        if not answer.ok:
            self._refused_articles[article_id] = answer.reason
            return None
        server_id = str(answer.data["id"])
        self.state.link(ArticleLink(article_id, server_id, str(answer.data["text_sha256"])))
        if answer.status == 201:
            self.report.sent_articles.append(article_id)
        return server_id

    def _delete_here(self, annotation_id: str) -> bool:
        try:
            self.library.annotations.delete(annotation_id)
        except AnnotationNotFoundError:
            return False  # deleted here already
        return True

    # --- pull ----------------------------------------------------------------------------

    def pull(self, pages: int | None) -> None:
        since = self.state.pulled_seq
        read = 0
        while pages is None or read < pages:
            read += 1
            self.step()
            answer = self.server.changes(since, FEED_PAGE)
            if not answer.ok:
                raise ServerUnavailable(f"{self.server.url}: the change feed: {answer.reason}")
            rows = answer.data["changes"]
            last = int(answer.data["last"])
            given = answer.data.get("annotations")
            if rows:
                self.busy()
                self._apply(rows, last, given if isinstance(given, list) else None)
            else:
                self.state.set_pulled(last)
            if last <= since:
                return
            since = last

    def _apply(self, rows: list[dict[str, Any]], last: int,
               given: list[Any] | None = None) -> None:
        """Fetches what a page of the feed names (the passages the page came with are
        not asked for again), then applies it in one transaction, with the pointer (so
        that a page is applied whole or not at all)."""
        latest: dict[tuple[str, str], str] = {}
        for row in rows:  # what each thing ended up as: only its state now is fetched
            latest[(str(row["entity"]), str(row["id"]))] = str(row["op"])
        if any(entity == GROUP for entity, _ in latest):
            self.read_profile()  # a group of the user's made, renamed, joined or left
        # replies and groups are not synced yet (docs/server.md, "Sync")
        articles = [i for (entity, i), op in latest.items() if entity == ARTICLE and op != REMOVED]
        passages = [i for (entity, i), op in latest.items()
                    if entity == ANNOTATION and op != REMOVED]
        deletions = [i for (entity, i), op in latest.items()
                     if entity == ANNOTATION and op == REMOVED]
        fetched: dict[str, dict[str, Any]] = {  # server article id -> with its text
            item_id: answer.data
            for item_id, answer in zip(articles, self.fetch(self.server.article, articles),
                                       strict=True) if answer.ok}
        pulled: list[Pulled] = []
        came = {str(data.get("id")): data for data in given or () if isinstance(data, dict)}
        for item_id in [i for i in passages if i in came]:
            self._read_pulled(item_id, came[item_id], pulled)
        # not in the page: a server without with_annotations, or a passage deleted or
        # hidden since (a later page says so); asked for one by one
        missing = [i for i in passages if i not in came]
        for item_id, answer in zip(missing, self.fetch(self.server.annotation, missing),
                                   strict=True):
            if answer.status == 404:
                self.report.out_of_sight.append(item_id)
            elif not answer.ok:
                self.report.errors.append(f"passage {item_id}: {answer.reason}")
            else:
                self._read_pulled(item_id, answer.data, pulled)
        sources: dict[str, _Source] = {}
        for server_id in dict.fromkeys([*fetched, *(p.article_id for p in pulled)]):
            self.step()
            source = self._source(server_id, fetched.get(server_id), sources)
            if source is not None:
                sources[server_id] = source
        try:
            with self.library.transaction():
                self._merge(sources, pulled, deletions)
                self.state.set_pulled(last)
        except DatabaseError:
            raise  # locked or read-only: the page waits for the next round
        except ClosereadError as error:
            # a page this library cannot take (a bug, a hostile server) must not stop the
            # feed for ever: said, and passed over
            self.report.errors.append(f"changes up to {last}: {error.message}")
            self.state.set_pulled(last)

    def _read_pulled(self, item_id: str, data: Any, pulled: list[Pulled]) -> None:
        try:
            pulled.append(Pulled.from_json(data))
        except (KeyError, IndexError, TypeError, ValueError, StopIteration, AttributeError):
            self.report.errors.append(f"passage {item_id}: the server's answer is not an "
                                      "annotation Closeread can read")

    def _source(self, server_id: str, data: dict[str, Any] | None,
                taken: dict[str, _Source]) -> _Source | None:
        """A server article as the merge gets it, downloaded only when this library does
        not already have its text. A local copy's text is never replaced from here: the
        bundle says it is no newer than the local one (texts are not synced)."""
        link = self.state.link_to(server_id)
        local = self._local(link.article_id) if link is not None else None
        if local is None:
            local = self._local(server_id)
        if data is None and local is not None and link is not None \
                and local.text_sha256 == link.text_sha256:
            return _Source(server_id, local_article(local), link.text_sha256)
        if data is None:
            answer = self.server.article(server_id)
            if not answer.ok:
                self.report.errors.append(f"article {server_id}: {answer.reason}")
                return None
            data = answer.data
        sha = str(data["text_sha256"])
        if local is not None and is_pending_page(local) and sha != local.text_sha256:
            # the text of a page annotated before anyone had it has reached the server:
            # it replaces the url this library stood it in with, and the passages kept
            # by their quotes are placed on it, as an import of the page would
            replace_text(self.library, local.id, arrived_page(data))
            local = self._local(local.id)
        used = {source.article.id for source in taken.values()}
        if local is not None and local.id not in used:
            return _Source(server_id, bundle_article(data, local.id, local.updated_at), sha)
        # the merge finds it by its text, or adds it under the server's id
        return _Source(server_id, bundle_article(data, server_id), sha)

    def _local(self, article_id: str) -> Article | None:
        try:
            found = self.library.articles.get(article_id)
        except ArticleNotFoundError:
            return None
        return found if found.id == article_id else None  # get() also takes prefixes

    def _merge(self, sources: dict[str, _Source], pulled: list[Pulled],
               deletions: list[str]) -> None:
        report = self.report
        annotators: dict[str, BundleAnnotator] = {}
        tag_records: dict[str, BundleTag] = {}
        records: list[BundleAnnotation] = []
        for item in pulled:
            source = sources.get(item.article_id)
            if source is None:
                report.errors.append(f"passage {item.id}: its article could not be read")
                continue
            if not is_uuid(item.id) or not item.fits(source.article.text):
                report.errors.append(f"passage {item.id}: its position does not hold its "
                                     "quote in the server's text")
                continue
            annotator = annotators.setdefault(item.user, BundleAnnotator(new_id(), item.user))
            paths = []
            for path in item.tags:
                tag = tag_records.get(path.lower()) or self._tag(path)
                if tag is not None:
                    tag_records[tag.path.lower()] = tag_records[path.lower()] = tag
                    paths.append(tag.path)
            records.append(item.record(source.article.id, annotator.id,
                                       tuple(dict.fromkeys(paths))))
        before = self.library.accounts.sharing.items((r.id for r in records), deleted=True)
        bundle = Bundle(
            origin=f"the team server {self.server.url}", version=BUNDLE_VERSION,
            generator=f"Closeread {__version__} sync", created=now_iso(),
            articles=tuple(s.article for s in sources.values()),
            tags=tuple({t.path.lower(): t for t in tag_records.values()}.values()),
            annotators=tuple(annotators.values()), annotations=tuple(records))
        check(bundle)
        merged = merge(self.library, [bundle])[0]
        report.received_articles += merged.articles_added
        changed = set(merged.added) | set(merged.updated) | set(merged.orphaned)
        access = {item.id: (item.group, item.shared) for item in pulled}
        for record in records:
            here = before.get(record.id)
            if record.id in changed:
                report.received.append(record.id)
            elif here is not None and here.deleted is None and here.updated < record.updated \
                    and (here.group_id, here.shared) != access[record.id]:
                # only who reads it changed (the merge saw the same passage): taken, with
                # the server's time, so that this library's views follow
                self.library.accounts.sharing.regroup(record.id, *access[record.id],
                                                      updated=record.updated)
                report.received.append(record.id)
            elif here is not None and here.deleted is not None:
                report.conflicts.append(f"{record.id}: deleted here; the server's version "
                                        "is not applied (a deletion is never undone)")
            elif here is not None and here.updated > record.updated:
                report.conflicts.append(f"{record.id}: this library's later version is "
                                        "kept")
        # who reads them, as the server says (a private passage of the user's stays
        # private here, and goes up private when edited here)
        self.library.accounts.sharing.keep_access(
            (item.id, item.group, item.shared) for item in pulled if item.id in changed)
        for annotation_id in deletions:
            if self._delete_here(annotation_id):
                report.received_deletions.append(annotation_id)
        for source in sources.values():
            self._link(source)

    def _link(self, source: _Source) -> None:
        """Remembers which local article a server article is, for the push and the next
        pulls (which then need not download its text)."""
        local = self.library.articles.find_by_hash(source.server_sha256)
        if local is None:
            local = self._local(source.article.id)
        if local is not None:
            self.state.link(ArticleLink(local.id, source.server_id, source.server_sha256))

    def _tag(self, path: str) -> BundleTag | None:
        """The local tag for a server's tag path, made when the library lacks it (with its
        parent, at the end of the active set, the next free colour); a tag called so
        under another parent here is that tag (names are unique in a library)."""
        try:
            tag = self.library.tags.ensure(path)
        except DatabaseError:
            raise
        except ClosereadError as error:
            self.report.errors.append(f"tag {path!r}: {error.message}")
            return None
        return BundleTag(tag.path, tag.color, tag.description)
