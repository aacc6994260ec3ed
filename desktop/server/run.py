"""The server process: the library opened, the API served by uvicorn, logs as JSON lines.

uvicorn stops on SIGTERM and SIGINT the same way: it stops listening, lets the requests
under way finish (5 s at most) and runs the API's shutdown, which closes every connection
to the library. Then ``closeread serve`` exits 0 after SIGTERM, 130 after Ctrl+C.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn

from desktop.server.app import ServerConfig, create_app
from desktop.server.sqlite import SqliteRepository
from desktop.store.library import DEFAULT_BUSY_TIMEOUT


@dataclass(frozen=True)
class ServeOptions:
    """Where to listen and which library to serve, beside the API's own settings."""

    db: str | os.PathLike[str]
    host: str = "127.0.0.1"
    port: int = 5000
    busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    api: ServerConfig = field(default_factory=ServerConfig)


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the record's ``fields``
    (the access log's). What goes in is what the code puts there: the access log names
    a user, never a token or a header."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if record.exc_info:
            data["error"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging() -> None:
    """Every log line of the process (ours and uvicorn's) as JSON on standard error."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # uvicorn's own access log would print each request line, query string and all
    logging.getLogger("uvicorn.access").disabled = True


def serve(options: ServeOptions) -> None:
    """Serves the library until SIGTERM or SIGINT."""
    configure_logging()
    repo = SqliteRepository(options.db, options.busy_timeout)
    app = create_app(repo, options.api)
    config = uvicorn.Config(
        app, host=options.host, port=options.port, log_config=None, access_log=False,
        server_header=False, proxy_headers=False, lifespan="on",
        timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    # uvicorn stops gracefully on SIGTERM, then raises the signal again against the
    # handler that was there before it: with Python's default one the process would end
    # killed by SIGTERM after a clean stop. This one notes it, and serve returns (exit 0).
    main = threading.current_thread() is threading.main_thread()
    stopped: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, _: stopped.append(signum)) \
        if main else None
    try:
        server.run()
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        repo.close()  # also when the port was taken and the API never started
    if not server.started:  # uvicorn said why (a port taken, say) and exits 3 itself
        raise SystemExit(3)
