"""The server benchmark's framework ceiling: one bare FastAPI endpoint served by uvicorn.

``python benchmarks/bare_server.py PORT`` serves ``GET /api/bare`` on 127.0.0.1:PORT,
answering a small JSON object. It is served the way ``closeread serve`` serves the API
(desktop/server/run.py): uvicorn with the same HTTP parser (whichever uvicorn picks, as
there), no access log, no server header, lifespan on; and the handler is a plain ``def``,
so it runs on the same worker-thread pool as Closeread's handlers do. What it lacks is
everything Closeread does per request: the middleware (access log, body limit, media
type), the bearer token's lookup, pydantic validation, the library and the JSON shaping.

Only the standard library, FastAPI and uvicorn are imported, so the process is as light
as the framework allows. SIGTERM stops it as uvicorn stops (exit 0).
"""

from __future__ import annotations

import sys

import uvicorn
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/api/bare")
def bare() -> dict[str, object]:
    """A small answer, about the size of a search that found nothing."""
    return {"rows": [], "total": 0, "ok": True}


def main(argv: list[str]) -> int:
    port = int(argv[1])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                server_header=False, proxy_headers=False, lifespan="on",
                timeout_graceful_shutdown=5)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
