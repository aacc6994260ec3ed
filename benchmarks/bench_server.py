"""Server: 50 concurrent clients creating, updating and searching annotations for 30 s
against a real ``closeread serve`` process on 127.0.0.1.

Data: a library of 300 articles of about 800 words, each with a url (corpus.py's, built
with raw SQL into a file ``Library`` made), 50 users with a token each (the store's
``accounts.create_token``, as ``closeread token create`` makes them) and 20 annotations
on each article by those users (``create_many``, one tag each): 6,000 at the start.

Store: ``python -m desktop --db COPY serve --port P`` on a byte copy of that library, and
50 clients, one per user, each on its own keep-alive connection, all in one asyncio loop
in this process (serving.py says why not httpx and not threads). Each client draws its
next request from a seeded generator: a third creates (``POST /api/annotations``, a
passage of 1 to 24 words with its quote, prefix, suffix and position, one tag and a
unique note), a third updates one of its own new annotations (``PATCH``: a new unique
note and one tag), a third searches (``GET /api/search``, by an article's uri or by a
tag, 20 rows). A short read-only warm-up (searches) lets each of the server's worker
threads open its connection to the library first. Then the clients run for 30 s or
200,000 requests, whichever comes first; every request's latency is kept. The server is
stopped (SIGTERM) and the library file read with the store: every create the server
answered 200 must be there exactly once, with its quote, author and, unless updated
since, its note and tag; every update's last answered note and tag must be there; and
there must be no more new rows than creates answered, plus those that failed (a create
refused with 503 or cut off may or may not have been written): none written twice. Any
lost or duplicated write stops the benchmark with an error; a failed request is counted
and shown, and misses the goal.

Baselines, in the same round:

- in-process: the requests the server answered, in the order they were sent, replayed in
  one thread on another byte copy of the library through ``SqliteRepository`` - the
  repository calls each handler makes (the token's lookup, the reader, the article by
  uri, the group, the write or the search, the articles of the answer). Checked as the
  server's. What the server adds over it is HTTP, FastAPI, pydantic, the JSON of the
  answers and the thread handoffs: what HTTP costs.
- bare endpoint: ``benchmarks/bare_server.py``, one FastAPI endpoint returning a small
  JSON object, served by uvicorn in its own process as ``closeread serve`` serves, under
  the same 50 clients for the same time: the framework's ceiling on this machine.

Rounds alternate (server, in-process, bare) three times; each figure is the median of the
rounds. ``--scale`` shortens the run (30 s x scale, at least 3 s) and the library.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import serving
from benchmarks.corpus import articles_library
from benchmarks.data import passage_spans
from benchmarks.harness import (
    Result,
    checkpoint,
    copy_db,
    log,
    number,
    remove_db,
    workdir,
)
from desktop.core.selectors import select_range
from desktop.server.sqlite import SqliteRepository
from desktop.store.accounts import WORLD
from desktop.store.annotations import NewAnnotation
from desktop.store.library import Library
from desktop.store.sharing import Passage, SearchQuery

NAME = "server"
CLIENTS = 50
DURATION = 30.0  # seconds of load per round
MIN_DURATION = 3.0
MAX_REQUESTS = 200_000  # the other bound of a round, far above what 30 s reach here
REQUEST_TIMEOUT = 30.0  # a request not answered by then counts as failed
WARMUP = 2.0  # seconds of read-only requests before each timed window
ROUNDS = 3
ARTICLES = 300
WORDS = 800
EXISTING_PER_ARTICLE = 20
SEED = 50_030
REPO = Path(__file__).resolve().parent.parent
BARE_SERVER = Path(__file__).resolve().with_name("bare_server.py")
USERS = tuple(f"analyst{n:02d}" for n in range(1, CLIENTS + 1))
# tags without children (a parent's filter counts its children's passages too) and
# without commas (the ``tags`` parameter splits on them)
TAGS = ("evidence", "opinion", "Loaded_Language", "Doubt", "Flag-Waving", "Slogans",
        "Repetition", "Exaggeration,Minimisation")
SEARCH_TAGS = ("evidence", "opinion", "Loaded_Language", "Doubt", "Slogans")
KINDS = ("create", "update", "search")


# --- the data -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleRef:
    id: str
    url: str
    text: str


@dataclass
class Dataset:
    template: Path  # the library every round starts from (checkpointed, closed)
    articles: list[ArticleRef]
    tokens: dict[str, str]  # user -> token
    existing: frozenset[str]  # annotation ids in the template


def build(articles: int) -> Dataset:
    """The starting library: articles, users with tokens, existing annotations."""
    corpus = articles_library(articles, WORDS)
    root = workdir() / "server"
    root.mkdir(parents=True, exist_ok=True)
    template = copy_db(corpus.path, root / "template.db")
    rng = random.Random(SEED)
    with Library(template) as library:
        tokens = {user: library.accounts.create_token(user, "bench")[1] for user in USERS}
        refs = [ArticleRef(str(row[0]), str(row[1]), str(row[2])) for row in
                library.db.conn.execute("SELECT id, url, text FROM articles ORDER BY rowid")]
        by_user: dict[str, list[NewAnnotation]] = {user: [] for user in USERS}
        for ref in refs:
            for start, end in passage_spans(rng, ref.text, EXISTING_PER_ARTICLE):
                by_user[rng.choice(USERS)].append(NewAnnotation(
                    ref.id, select_range(ref.text, start, end), [rng.choice(TAGS)],
                    "existing"))
        for user, items in by_user.items():
            library.annotations.create_many(items, user)  # the annotator is the user
        existing = frozenset(a.id for a in library.annotations.iterate())
    checkpoint(template)
    return Dataset(template, refs, tokens, existing)


# --- what the clients do ----------------------------------------------------------------------


@dataclass
class Op:
    """One request as a client decided it; enough to send it over HTTP or replay it."""

    kind: str  # create, update, search, bare
    client: int
    article: int = 0  # index into Dataset.articles
    start: int = 0
    end: int = 0
    tag: str = ""
    note: str = ""
    target: int = -1  # update: which of the client's own creates (in order answered)
    by_tag: bool = False  # search: by tag (else by the article's uri)


@dataclass
class Ledger:
    """What the server acknowledged, to check the library against afterwards."""

    created: dict[str, Op] = field(default_factory=dict)  # id -> its create
    last: dict[str, Op] = field(default_factory=dict)  # id -> its last answered update
    failed_creates: int = 0


@dataclass
class Round:
    """One timed window: latencies per kind of request, failures, and the CPU used."""

    seconds: float
    latencies: dict[str, list[float]]
    failures: dict[str, int]
    examples: list[str]
    done: list[Op]  # the answered requests, in the order they were sent
    ledger: Ledger
    client_cpu: float = 0.0  # seconds of CPU this process used in the window
    server_cpu: float = 0.0

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def rate(self, kind: str | None = None) -> float:
        count = self.count if kind is None else len(self.latencies.get(kind, ()))
        return count / self.seconds

    def percentile(self, kind: str, share: float) -> float:
        return percentile(self.latencies.get(kind, []), share)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.5 for p50, 0.99 for p99); NaN if empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class Plan:
    """A client's seeded stream of requests: a third each of create, update (of one of
    its own new annotations, so only its user writes it and its last value is known) and
    search; creating until it has something of its own to update."""

    def __init__(self, client: int, data: Dataset) -> None:
        self.client = client
        self.data = data
        self.rng = random.Random(SEED * 1000 + client)
        self.sequence = 0

    def next(self, own: int) -> Op:
        """The next request, given how many creates of this client were answered."""
        rng = self.rng
        self.sequence += 1
        roll = rng.random()
        if roll < 2 / 3 and (roll < 1 / 3 or own == 0):
            article = rng.randrange(len(self.data.articles))
            (start, end), = passage_spans(rng, self.data.articles[article].text, 1)
            return Op("create", self.client, article, start, end, rng.choice(TAGS),
                      f"c{self.client}-n{self.sequence}")
        if roll < 2 / 3:
            return Op("update", self.client, tag=rng.choice(TAGS),
                      note=f"c{self.client}-u{self.sequence}", target=rng.randrange(own))
        if rng.random() < 0.5:
            return Op("search", self.client, tag=rng.choice(SEARCH_TAGS), by_tag=True)
        return Op("search", self.client, article=rng.randrange(len(self.data.articles)))


def create_body(op: Op, data: Dataset) -> dict[str, object]:
    """The create as a Hypothesis client sends it: uri, text, tags, both selectors."""
    article = data.articles[op.article]
    selection = select_range(article.text, op.start, op.end)
    return {
        "uri": article.url, "text": op.note, "tags": [op.tag], "group": WORLD,
        "target": [{"source": article.url, "selector": [
            {"type": "TextQuoteSelector", "exact": selection.exact,
             "prefix": selection.prefix, "suffix": selection.suffix},
            {"type": "TextPositionSelector", "start": op.start, "end": op.end}]}],
    }


def search_target(op: Op, data: Dataset) -> str:
    if op.by_tag:
        return "/api/search?" + urllib.parse.urlencode({"tag": op.tag, "limit": 20})
    return "/api/search?" + urllib.parse.urlencode(
        {"uri": data.articles[op.article].url, "limit": 20})


# --- the HTTP load ----------------------------------------------------------------------------


class Load:
    """50 clients in one asyncio loop, each on its own connection, until the deadline or
    the request limit; bounded again by a timeout on every request."""

    def __init__(self, port: int, data: Dataset, tokens: list[str | None],
                 plan: Callable[[int], Plan | None]) -> None:
        self.port = port
        self.data = data
        self.tokens = tokens
        self.plan = plan
        self.latencies: dict[str, list[float]] = {}
        self.failures: dict[str, int] = {}
        self.examples: list[str] = []
        self.done: list[tuple[float, Op]] = []
        self.ledger = Ledger()
        self.sent = 0

    async def run(self, seconds: float, limit: int, record: bool = True) -> float:
        """Runs every client for ``seconds`` (or ``limit`` requests); the elapsed time."""
        began = time.perf_counter()
        deadline = time.monotonic() + seconds
        self.sent = 0
        clients = [self._client(i, deadline, limit, record) for i in range(len(self.tokens))]
        # the loop ends by the deadline; this only guards against a client that hangs
        await asyncio.wait_for(asyncio.gather(*clients), seconds + REQUEST_TIMEOUT + 10)
        return time.perf_counter() - began

    async def _client(self, index: int, deadline: float, limit: int, record: bool) -> None:
        connection = serving.Connection(self.port, self.tokens[index])
        plan = self.plan(index)
        own: list[str] = []  # ids of this client's answered creates, in order
        try:
            while time.monotonic() < deadline and self.sent < limit:
                self.sent += 1
                op = plan.next(len(own)) if plan is not None else Op("bare", index)
                method, target, body = self._request(op, own)
                sent_at = time.perf_counter()
                try:
                    status, answer = await asyncio.wait_for(
                        connection.request(method, target, body), REQUEST_TIMEOUT)
                    ok = status == 200
                    reply: Any = json.loads(answer) if ok else None
                except (serving.HttpError, OSError, TimeoutError) as error:
                    await connection.close()  # a timed-out exchange leaves it unusable
                    status, answer, ok, reply = 0, repr(error).encode(), False, None
                seconds = time.perf_counter() - sent_at
                if not record:
                    continue
                if not ok:
                    self._failed(op, status, answer)
                    continue
                self.latencies.setdefault(op.kind, []).append(seconds)
                self.done.append((sent_at, op))
                if op.kind == "create":
                    own.append(reply["id"])
                    self.ledger.created[reply["id"]] = op
                elif op.kind == "update":
                    self.ledger.last[own[op.target]] = op
                elif op.kind == "search" and "rows" not in (reply or {}):
                    raise AssertionError(f"{NAME}: a search answered {answer[:200]!r}")
        finally:
            await connection.close()

    def _request(self, op: Op, own: list[str]) -> tuple[str, str, bytes | None]:
        if op.kind == "create":
            return "POST", "/api/annotations", json.dumps(create_body(op, self.data)).encode()
        if op.kind == "update":
            body = {"text": op.note, "tags": [op.tag]}
            return "PATCH", f"/api/annotations/{own[op.target]}", json.dumps(body).encode()
        if op.kind == "search":
            return "GET", search_target(op, self.data), None
        return "GET", "/api/bare", None

    def _failed(self, op: Op, status: int, answer: bytes) -> None:
        self.failures[op.kind] = self.failures.get(op.kind, 0) + 1
        if op.kind == "create":
            self.ledger.failed_creates += 1  # it may or may not have been written
        if len(self.examples) < 5:
            self.examples.append(f"{op.kind} {status}: {answer[:200]!r}")

    def result(self, seconds: float) -> Round:
        done = [op for _, op in sorted(self.done, key=lambda pair: pair[0])]
        return Round(seconds, self.latencies, self.failures, self.examples, done,
                     self.ledger)


class Searches(Plan):
    """Searches by uri only, from draws of their own: the warm-up's requests."""

    def __init__(self, client: int, data: Dataset) -> None:
        super().__init__(client, data)
        self.rng = random.Random(-1 - client)

    def next(self, own: int) -> Op:
        return Op("search", self.client, article=self.rng.randrange(len(self.data.articles)))


def warm_up(port: int, data: Dataset, tokens: list[str | None], seconds: float) -> None:
    """Read-only requests from every client, untimed: each of the server's worker threads
    opens its library on its first request, which is not what the window measures."""
    load = Load(port, data, tokens, lambda client: Searches(client, data))
    asyncio.run(load.run(seconds, MAX_REQUESTS, record=False))


def timed_load(process_pid: int, port: int, data: Dataset, tokens: list[str | None],
               plan: Callable[[int], Plan | None], seconds: float) -> Round:
    """The timed window, with the CPU time of this process and of the server in it."""
    load = Load(port, data, tokens, plan)
    client_before, server_before = time.process_time(), serving.cpu_seconds(process_pid)
    elapsed = asyncio.run(load.run(seconds, MAX_REQUESTS))
    result = load.result(elapsed)
    result.client_cpu = time.process_time() - client_before
    result.server_cpu = serving.cpu_seconds(process_pid) - server_before
    return result


def server_round(data: Dataset, index: int, seconds: float) -> Round:
    """The Closeread server under the load; checked against its library afterwards."""
    root = data.template.parent
    db = copy_db(data.template, root / f"served-{index}.db")
    port = serving.free_port()
    tokens: list[str | None] = [data.tokens[user] for user in USERS]
    process = serving.start(
        [sys.executable, "-m", "desktop", "--db", str(db), "serve", "--host", serving.HOST,
         "--port", str(port)], root / f"served-{index}.log",
        f"http://{serving.HOST}:{port}/api/", REPO)
    try:
        warm_up(port, data, tokens, WARMUP)
        result = timed_load(process.pid, port, data, tokens,
                            lambda client: Plan(client, data), seconds)
    finally:
        status = serving.stop(process)
    if status != 0:
        raise RuntimeError(f"{NAME}: the server exited {status} after SIGTERM")
    verify(db, data, result.ledger, "server")
    remove_db(db)
    return result


def bare_round(data: Dataset, index: int, seconds: float) -> Round:
    """The bare endpoint under the same clients for the same time."""
    root = data.template.parent
    port = serving.free_port()
    tokens: list[str | None] = [data.tokens[user] for user in USERS]
    process = serving.start([sys.executable, str(BARE_SERVER), str(port)],
                            root / f"bare-{index}.log",
                            f"http://{serving.HOST}:{port}/api/bare", REPO)
    try:
        load = Load(port, data, tokens, lambda client: None)
        asyncio.run(load.run(WARMUP, MAX_REQUESTS, record=False))
        return timed_load(process.pid, port, data, tokens, lambda client: None, seconds)
    finally:
        serving.stop(process)


# --- the in-process baseline ----------------------------------------------------------------


def in_process_round(data: Dataset, index: int, done: list[Op]) -> Round:
    """The server's answered requests replayed in one thread through the repository."""
    db = copy_db(data.template, data.template.parent / f"in-process-{index}.db")
    repo = SqliteRepository(db)
    latencies: dict[str, list[float]] = {}
    ledger = Ledger()
    own: dict[int, list[str]] = {}
    try:
        for op in done:  # warm: the token's lookup and the statements' cache
            if op.kind == "search":
                _replay(repo, data, op, [])
                break
        began = time.perf_counter()
        cpu_before = time.process_time()
        for op in done:
            mine = own.setdefault(op.client, [])
            sent_at = time.perf_counter()
            made = _replay(repo, data, op, mine)
            latencies.setdefault(op.kind, []).append(time.perf_counter() - sent_at)
            if op.kind == "create":
                mine.append(made)
                ledger.created[made] = op
            elif op.kind == "update":
                ledger.last[mine[op.target]] = op
        seconds = time.perf_counter() - began
        cpu = time.process_time() - cpu_before
    finally:
        repo.close()
    verify(db, data, ledger, "in-process")
    remove_db(db)
    result = Round(seconds, latencies, {}, [], [], ledger)
    result.client_cpu = cpu
    return result


def _replay(repo: SqliteRepository, data: Dataset, op: Op, own: list[str]) -> str:
    """The repository calls the API's handler makes for ``op`` (desktop/server/app.py),
    without HTTP, validation or the JSON of the answer."""
    user = repo.authenticate(data.tokens[USERS[op.client]])
    if user is None:
        raise AssertionError(f"{NAME}: a token did not authenticate in-process")
    reader = repo.reader(user, False)
    if op.kind == "create":
        article = data.articles[op.article]
        article_id = _one(repo.article_ids_for([article.url]))
        group = repo.find_group(WORLD)
        assert group is not None
        _one(repo.article_ids_for([article.url]))  # the target's source, checked
        selection = select_range(article.text, op.start, op.end)
        item = repo.create_annotation(
            user, article_id, Passage(op.start, op.end, selection.exact, selection.prefix,
                                      selection.suffix),
            op.note, [op.tag], group.id, True, False)
        repo.article_summaries([item.article_id])
        return item.id
    if op.kind == "update":
        item_id = own[op.target]
        found = repo.item(item_id, reader)
        if found is None or found.author != user.name:
            raise AssertionError(f"{NAME}: in-process update of {item_id} not the user's")
        updated = repo.update_item(item_id, text=op.note, tags=[op.tag], passage=None,
                                   keep_orphan=False, group_id=None, shared=None)
        repo.article_summaries([updated.article_id])
        return item_id
    ids = None if op.by_tag else tuple(repo.article_ids_for([data.articles[op.article].url]))
    rows, _total = repo.search(reader, SearchQuery(
        article_ids=ids, tags=(op.tag,) if op.by_tag else (), limit=20))
    repo.article_summaries([row.article_id for row in rows])
    return ""


def _one(found: list[str]) -> str:
    if len(found) != 1:
        raise AssertionError(f"{NAME}: a url names {len(found)} articles")
    return found[0]


# --- the check -----------------------------------------------------------------------------


def verify(db: Path, data: Dataset, ledger: Ledger, label: str) -> None:
    """Every acknowledged create is in the library exactly once with what was sent, and
    every acknowledged update's last value is there; raises otherwise."""
    with Library(db) as library:
        annotations = {a.id: a for a in library.annotations.iterate()}
    new = set(annotations) - data.existing
    lost = [i for i in ledger.created if i not in annotations]
    extra = len(new) - len(ledger.created)
    problems = []
    if lost:
        problems.append(f"{len(lost)} acknowledged creates are not in the library "
                        f"(first {lost[0]})")
    if extra > ledger.failed_creates:  # a failed create may have been written or not
        problems.append(f"{len(new)} new annotations for {len(ledger.created)} creates "
                        f"answered: {extra - ledger.failed_creates} written twice or "
                        "from nowhere")
    for annotation_id, op in ledger.created.items():
        found = annotations.get(annotation_id)
        if found is None:
            continue
        article = data.articles[op.article]
        final = ledger.last.get(annotation_id, op)
        wanted = (article.id, USERS[op.client], op.start, op.end,
                  article.text[op.start:op.end], final.note, (final.tag,))
        have = (found.article_id, found.annotator, found.start, found.end, found.exact,
                found.note, found.tags)
        if have != wanted:
            problems.append(f"{annotation_id}: {have!r} in the library, {wanted!r} "
                            "acknowledged")
            break
    if problems:
        raise AssertionError(f"{NAME} ({label}): " + "; ".join(problems))


# --- the figures ---------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def _median(rounds: list[Round], figure: Callable[[Round], float]) -> float:
    return statistics.median(figure(r) for r in rounds)


def summary(rounds: list[Round], kinds: tuple[str, ...]) -> str:
    """Median over the rounds of requests/s, and per kind requests/s, p50 and p99."""
    parts = [f"{number(_median(rounds, lambda r: r.rate()))} requests/s"]
    for kind in kinds:
        rate = statistics.median(r.rate(kind) for r in rounds)
        p50 = statistics.median(r.percentile(kind, 0.5) for r in rounds)
        p99 = statistics.median(r.percentile(kind, 0.99) for r in rounds)
        parts.append(f"{kind} {number(rate)}/s p50 {_ms(p50)} p99 {_ms(p99)}")
    return "; ".join(parts)


def run(scale: float = 1.0) -> Result:
    seconds = max(MIN_DURATION, DURATION * scale)
    articles = max(30, round(ARTICLES * scale))
    log(f"{NAME}: building {articles} articles, {len(USERS)} users, "
        f"{articles * EXISTING_PER_ARTICLE} annotations")
    data = build(articles)
    served: list[Round] = []
    replayed: list[Round] = []
    bare: list[Round] = []
    for index in range(ROUNDS):
        served.append(server_round(data, index, seconds))
        log(f"{NAME}: round {index + 1}/{ROUNDS} server: {summary(served[-1:], KINDS)}; "
            f"failed {sum(served[-1].failures.values())}")
        replayed.append(in_process_round(data, index, served[-1].done))
        log(f"{NAME}: round {index + 1}/{ROUNDS} in-process: "
            f"{summary(replayed[-1:], KINDS)}")
        bare.append(bare_round(data, index, seconds))
        log(f"{NAME}: round {index + 1}/{ROUNDS} bare: {summary(bare[-1:], ('bare',))}")

    failed = sum(sum(r.failures.values()) for r in served)
    rate = _median(served, lambda r: r.rate())
    replay_rate = _median(replayed, lambda r: r.rate())
    bare_rate = _median(bare, lambda r: r.rate())
    creates = sum(len(r.ledger.created) for r in served)
    updates = sum(len(r.latencies.get("update", ())) for r in served)
    notes = [
        f"bare FastAPI endpoint (uvicorn, same {CLIENTS} clients, {seconds:g} s): "
        f"{summary(bare, ('bare',))}; Closeread's server does "
        f"{rate / bare_rate * 100:.0f} % of its requests/s",
        f"in-process (one thread, the same requests through SqliteRepository): "
        f"{summary(replayed, KINDS)}",
        f"checked in the library after each round: {creates:,} creates and {updates:,} "
        f"updates answered over {ROUNDS} rounds, each create there exactly once, each "
        f"update's last value there; no write lost or duplicated; {failed} requests failed",
        "CPU, % of one core in the window (median): server "
        f"{_median(served, lambda r: r.server_cpu / r.seconds) * 100:.0f}, clients "
        f"{_median(served, lambda r: r.client_cpu / r.seconds) * 100:.0f}; bare server "
        f"{_median(bare, lambda r: r.server_cpu / r.seconds) * 100:.0f}, clients "
        f"{_median(bare, lambda r: r.client_cpu / r.seconds) * 100:.0f} (2 cores = 200)",
    ]
    for r in served:
        notes.extend(f"failure: {example}" for example in r.examples)
    return Result(
        name=NAME,
        work=(f"{CLIENTS} clients x {seconds:g} s, create/update/search a third each, "
              f"{articles} articles ({articles * EXISTING_PER_ARTICLE:,} annotations at "
              "start)"),
        # seconds per request, so that the ratio reads "times the in-process time"
        seconds=1 / rate,
        baseline_seconds=1 / replay_rate,
        figure=summary(served, KINDS),
        goal="goal no failed request, no lost or duplicated write",
        met=failed == 0,
        runs=ROUNDS,
        store_times=[r.seconds / max(1, r.count) for r in served],
        baseline_times=[r.seconds / max(1, r.count) for r in replayed],
        baseline_figure=f"in-process {number(replay_rate)} requests/s",
        notes=notes,
        headline=False,
    )
