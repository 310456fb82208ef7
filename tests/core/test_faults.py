"""A graph that dies: 503 with Retry-After at once, /readyz says why, and requests succeed again once it is back.

Each test starts its own app and graph server in a temporary data directory and kills that server for real
(SIGKILL), never the session's shared one.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import Settings, create_app
from graph.core.connection import EmbeddedProcess
from graph.core.driver import Graph, open_graph
from graph.core.embedded import EmbeddedServer, start_embedded_server
from tests.conftest import HASH_KEY, ISSUER

QUERY = {"query": "{ organizations(first: 1) { totalCount } }"}
HEAP = "512m"


def app_settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, identity_hash_key=HASH_KEY.decode(), issuer=ISSUER, rate_per_second=1000, rate_burst=1000
    )


def graph_on(server: EmbeddedServer) -> Graph:
    return open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)


async def until(http: httpx.AsyncClient, path: str, status: int, *, within: float) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    while True:
        response = await http.get(path)
        if response.status_code == status or time.monotonic() - started > within:
            return response, time.monotonic() - started
        await asyncio.sleep(0.2)


async def timed_post(http: httpx.AsyncClient, body: dict[str, Any]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.post("/graphql", json=body)
    return response, time.monotonic() - started


@pytest.fixture
async def embedded(tmp_path: Path) -> AsyncIterator[EmbeddedProcess]:
    process = EmbeddedProcess(start_embedded_server(data_dir=tmp_path / "graph", database="registry", heap=HEAP), heap=HEAP)
    yield process
    process.stop()


async def test_a_killed_embedded_graph_is_503_at_once_then_restarted(embedded: EmbeddedProcess, tmp_path: Path) -> None:
    graph = graph_on(embedded.server)
    app = create_app(app_settings(tmp_path), graph=graph, embedded=embedded)
    killed = embedded.server
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=ISSUER
        ) as http:
            before = await http.post("/graphql", json=QUERY)
            await graph.write("CREATE (:Kept {id: 'committed before the kill'})")

            os.kill(killed.process.pid, signal.SIGKILL)
            first, first_took = await timed_post(http, QUERY)
            second, second_took = await timed_post(http, QUERY)
            credentials = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"}
            token = await http.post("/oauth/token", data=credentials)
            explained = await http.get("/readyz")
            alive = await http.get("/healthz")
            ready, restart_took = await until(http, "/readyz", 200, within=120)
            after = await http.post("/graphql", json=QUERY)
            kept = await graph.read("MATCH (k:Kept) RETURN k.id AS id")
    finally:
        await graph.close()

    assert (before.status_code, before.json()) == (200, {"data": {"organizations": {"totalCount": 0}}})
    assert kept == [{"id": "committed before the kill"}]
    assert (first.status_code, first.headers["retry-after"], second.status_code) == (503, "5", 503)
    assert first.json()["errors"][0]["extensions"] == {"code": "GRAPH_UNAVAILABLE", "retryAfter": 5}
    assert first_took < 3 and second_took < 0.5, (first_took, second_took)
    assert (token.status_code, token.headers.get("retry-after")) == (503, "5")
    assert (explained.status_code, explained.headers["retry-after"]) == (503, "5")
    assert explained.json()["status"] == "graph unavailable"
    assert explained.json()["graph"]["state"] == "restarting"
    assert explained.json()["graph"]["lastError"].startswith("the embedded graph exited with code -9")
    assert (alive.status_code, alive.json()["graph"]["state"]) == (200, "restarting")
    assert ready.status_code == 200, (ready.json(), restart_took)
    assert ready.json()["graph"]["state"] == "up" and ready.json()["graph"]["restarts"] == 1
    assert embedded.server.process.pid != killed.process.pid and embedded.server.uri == killed.uri
    assert (after.status_code, after.json()) == (200, {"data": {"organizations": {"totalCount": 0}}})


async def test_an_external_graph_that_goes_away_is_503_at_once_and_heals_when_it_returns(
    embedded: EmbeddedProcess, tmp_path: Path
) -> None:
    """As with Neo4j at REGISTRY_GRAPH_URI: the app cannot restart the server, only fail fast and recover."""
    graph = graph_on(embedded.server)
    app = create_app(app_settings(tmp_path), graph=graph)
    gone = embedded.server
    try:
        async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=ISSUER
        ) as http:
            before = await http.post("/graphql", json=QUERY)

            os.kill(gone.process.pid, signal.SIGKILL)
            first, first_took = await timed_post(http, QUERY)
            second, second_took = await timed_post(http, QUERY)
            explained = await http.get("/readyz")
            embedded.restart()  # the operator brings the server back, on the same address
            ready, _ = await until(http, "/readyz", 200, within=30)
            after = await http.post("/graphql", json=QUERY)
    finally:
        await graph.close()

    assert before.status_code == 200
    assert (first.status_code, first.headers["retry-after"], second.status_code) == (503, "5", 503)
    assert first_took < 4 and second_took < 0.5, (first_took, second_took)
    assert explained.status_code == 503 and explained.json()["graph"]["state"] == "down"
    assert explained.json()["graph"]["lastError"]
    assert ready.status_code == 200 and ready.json()["graph"]["restarts"] == 0
    assert (after.status_code, after.json()) == (200, {"data": {"organizations": {"totalCount": 0}}})


async def test_liveness_fails_only_when_the_supervisor_has_stopped(graph: Graph, tmp_path: Path) -> None:
    app = create_app(app_settings(tmp_path), graph=graph)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=ISSUER
    ) as http:
        supervised = await http.get("/healthz")
        await app.state.supervisor.stop()
        unsupervised = await http.get("/healthz")

    assert supervised.status_code == 200
    assert (unsupervised.status_code, unsupervised.json()["status"]) == (503, "graph supervisor stopped")
