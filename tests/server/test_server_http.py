"""The server as an HTTP service: its OpenAPI document, media types, body limit, CORS, the
access log, stopping on SIGTERM, and a schemathesis run against the document."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from server_support import ORIGIN, Server, seed, start_server, stop_server

PROMISED = {
    "/api/": {"get"},
    "/api/links": {"get"},
    "/api/profile": {"get"},
    "/api/profile/groups": {"get"},
    "/api/annotations": {"post"},
    "/api/annotations/{id}": {"get", "patch", "put", "delete"},
    "/api/annotations/{id}.jsonld": {"get"},
    "/api/search": {"get"},
    "/api/groups": {"get", "post"},
    "/api/groups/{id}": {"get", "patch"},
    "/api/groups/{id}/members": {"get"},
    "/api/groups/{id}/members/{userid}": {"post", "delete"},
    "/api/articles": {"get", "post"},
    "/api/articles/{id}": {"get"},
    "/api/changes": {"get"},
}


def test_the_openapi_document(server: Server) -> None:
    answer = httpx.get(f"{server.url}/api/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    assert document["openapi"].startswith("3.")
    assert {path: set(ops) for path, ops in document["paths"].items()} == PROMISED
    search = {p["name"] for p in document["paths"]["/api/search"]["get"]["parameters"]}
    assert search == {"uri", "url", "user", "group", "tag", "tags", "any", "text", "quote",
                      "references", "limit", "offset", "sort", "order", "search_after",
                      "_separate_replies", "wildcard_uri", "uri.parts"}
    post = document["paths"]["/api/annotations"]["post"]
    assert post["security"] == [{"HTTPBearer": []}]
    assert {"200", "400", "401", "404", "422"} <= set(post["responses"])
    assert document["paths"]["/api/search"]["get"]["security"] == [{"HTTPBearer": []}, {}]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    # every reference resolves
    text = json.dumps(document)
    for name in {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}:
        assert name in document["components"]["schemas"], name


def test_media_types(server: Server) -> None:
    client = server.client("maya")
    for accept in ("application/vnd.hypothesis.v1+json", "application/json", "*/*",
                   "text/html,application/xhtml+xml,*/*;q=0.8"):
        answer = client.get("/api/profile", headers={"Accept": accept})
        assert answer.status_code == 200, accept
        assert answer.headers["hypothesis-media-type"] == "application/vnd.hypothesis.v1+json"
    for accept in ("application/vnd.hypothesis.v2+json", "text/html"):
        refused = client.get("/api/profile", headers={"Accept": accept})
        assert refused.status_code == 406
        assert refused.json()["status"] == "failure"


def test_request_bodies_over_a_megabyte_are_refused(server: Server) -> None:
    client = server.client("maya")
    big = {"text": "x" * 1_100_000, "title": "Too long"}
    answer = client.post("/api/articles", json=big)
    assert answer.status_code == 413
    assert answer.json() == {"status": "failure",
                             "reason": "the request body is larger than 1,000,000 bytes"}

    def chunks():  # no Content-Length: the limit counts what arrives
        yield b'{"text": "'
        for _ in range(20):
            yield b"y" * 60_000
        yield b'"}'

    streamed = client.post("/api/articles", content=chunks(),
                           headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413
    assert client.get("/api/profile").status_code == 200  # and the server is fine


def test_cors_only_for_the_configured_origin(server: Server) -> None:
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    allowed = httpx.options(f"{server.url}/api/annotations",
                            headers={"Origin": ORIGIN, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = httpx.options(f"{server.url}/api/annotations",
                          headers={"Origin": "https://evil.example", **preflight})
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers
    simple = httpx.get(f"{server.url}/api/", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers
    ours = httpx.get(f"{server.url}/api/", headers={"Origin": ORIGIN})
    assert ours.headers["access-control-allow-origin"] == ORIGIN


def test_the_access_log_is_json_with_users_and_no_secrets(server: Server) -> None:
    client = server.client("li")
    client.get("/api/search", params={"text": "secret words", "limit": 1})
    client.get("/api/profile", headers={"Authorization": "Bearer cr_wrong-token-value"})
    lines = [json.loads(line) for line in server.log.read_text().splitlines()
             if line.startswith("{")]
    requests = [line for line in lines if line["logger"] == "closeread.server.access"]
    search = [line for line in requests if line["path"] == "/api/search"][-1]
    assert search["user"] == "li" and search["status"] == 200 and search["method"] == "GET"
    assert {"time", "level", "ms", "client"} <= set(search)
    assert requests[-1]["status"] == 401 and requests[-1]["user"] is None
    text = server.log.read_text()
    assert "secret words" not in text and "cr_wrong-token-value" not in text
    assert all(token not in text for token in server.tokens.values())


def test_sigterm_stops_the_server_cleanly(tmp_path: Path) -> None:
    db = tmp_path / "alone.db"
    tokens, _, _ = seed(db)
    process, url = start_server(db, tmp_path / "alone.log")
    assert httpx.get(f"{url}/api/profile",
                     headers={"Authorization": f"Bearer {tokens['sam']}"}).status_code == 200
    assert stop_server(process) == 0
    log = (tmp_path / "alone.log").read_text()
    assert "Application shutdown complete" in log and "Traceback" not in log
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{url}/api/", timeout=1)


def test_a_taken_port_is_an_error_not_a_hang(server: Server, tmp_path: Path) -> None:
    port = server.url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(tmp_path / "x.db"), "serve", "--port",
         port], capture_output=True, text=True, timeout=30)
    assert result.returncode == 3  # uvicorn's "startup failed"
    assert "address already in use" in result.stderr.lower()


def test_schemathesis_finds_no_server_error(tmp_path: Path) -> None:
    """Generated requests for every operation of the OpenAPI document, with a token:
    never a 5xx, every status documented, every answer in its documented shape."""
    pytest.importorskip("schemathesis")
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st is not None
    db = tmp_path / "fuzz.db"
    tokens, _, _ = seed(db)
    process, url = start_server(db, tmp_path / "fuzz.log")
    try:
        result = subprocess.run(
            [st, "run", f"{url}/api/openapi.json", "-H",
             f"Authorization: Bearer {tokens['maya']}", "--max-examples", "10",
             "--checks", "not_a_server_error,status_code_conformance,"
             "response_schema_conformance,content_type_conformance",
             "--seed", "20261124", "--no-color"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    finally:
        assert stop_server(process) == 0
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert '"status": 500' not in (tmp_path / "fuzz.log").read_text()
