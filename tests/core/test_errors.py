"""Invalid input gets a clear GraphQL error; failures are masked for clients and never a 500."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from app import Settings, create_app
from graph.core.driver import Graph, open_graph
from graph.core.embedded import EmbeddedServer, free_port
from tests.conftest import GraphQLClient


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ('{ organizations(filter: {jurisdiction: "519999"}) { totalCount } }', "jurisdiction",
         "`jurisdiction`: no administrative division has the code 519999."),
        ('{ organizations(filter: {jurisdiction: "51x"}) { totalCount } }', "jurisdiction",
         "`jurisdiction`: A division code must have 6 or 12 digits."),
        ('{ mediators(filter: {jurisdiction: "000000"}) { totalCount } }', "jurisdiction",
         "`jurisdiction`: The province part of a division code must lie between 11 and 82."),
        ('{ jurisdictions(parent: "519999") { totalCount } }', "parent",
         "`parent`: no administrative division has the code 519999."),
        ('{ courts(within: "123") { totalCount } }', "jurisdiction",
         "`jurisdiction`: A division code must have 6 or 12 digits."),
        ('{ mediators(filter: {language: "Chinese!"}) { totalCount } }', "language",
         "`language`: String should match pattern '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'."),
        ('{ mediators(filter: {namePrefix: "   "}) { totalCount } }', "namePrefix",
         "`namePrefix`: String should have at least 1 character."),
        ('{ organizations(filter: {kinds: []}) { totalCount } }', "kinds",
         "`kinds`: List should have at least 1 item after validation, not 0."),
        ('{ node(id: "not-a-uuid") { id } }', "id", "`id` is not a registry id (a UUID)."),
    ],
)
async def test_invalid_input_is_a_clear_error(
    demo: Graph, gql: GraphQLClient, query: str, field: str, message: str
) -> None:
    body = await gql(query)

    assert not any((body["data"] or {}).values())
    assert body["errors"][0]["message"] == message
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_an_unknown_field_is_a_validation_error(graph: Graph, gql: GraphQLClient) -> None:
    body = await gql("{ organizations { nope } }")

    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_failure_behind_the_api_is_masked_and_logged(
    settings: Settings, server: EmbeddedServer, caplog: pytest.LogCaptureFixture
) -> None:
    refused: Graph = open_graph(uri=server.uri, user="x", password="wrong", database="registry", retry_time=0.2)
    app = create_app(settings, graph=refused)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as http:
            with caplog.at_level(logging.ERROR, logger="registry.graphql"):
                response = await http.post(
                    "/graphql",
                    json={"query": "{ organizations { totalCount } }"},
                    headers={"x-request-id": "req-42"},
                )
    finally:
        await refused.close()

    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["organizations"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
            }
        ],
    }
    assert "req-42" in caplog.text
    assert "Traceback" in caplog.text


async def test_health_and_readiness(graph: Graph, client: httpx.AsyncClient) -> None:
    up = {"state": "up", "since": graph.health.since.isoformat(timespec="seconds"), "lastError": None, "restarts": 0}
    assert (await client.get("/healthz")).json() == {"status": "ok", "graph": up}
    ready = await client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "graph": up})


async def test_readiness_fails_when_migrations_are_missing(graph: Graph, client: httpx.AsyncClient) -> None:
    await graph.write("MATCH (m:Migration) WITH max(m.version) AS v MATCH (m:Migration {version: v}) DELETE m")
    try:
        ready = await client.get("/readyz")
    finally:
        from graph.core.migrations import apply_migrations

        await apply_migrations(graph)

    assert (ready.status_code, ready.json()["status"], ready.json()["graph"]["state"]) == (503, "migrations pending", "up")


async def test_readiness_fails_when_the_graph_is_unreachable(settings: Settings) -> None:
    dead = open_graph(uri=f"bolt://127.0.0.1:{free_port()}", user="x", password="y", database="registry", retry_time=0.2)
    app = create_app(settings, graph=dead)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            ready = await http.get("/readyz")
    finally:
        await dead.close()

    assert (ready.status_code, ready.headers["retry-after"]) == (503, "5")
    assert (ready.json()["status"], ready.json()["graph"]["state"]) == ("graph unavailable", "down")
    assert ready.json()["graph"]["lastError"].startswith("Couldn't connect to 127.0.0.1")


async def test_an_unreachable_graph_is_503_at_once_with_retry_after(settings: Settings) -> None:
    dead: Graph = open_graph(uri=f"bolt://127.0.0.1:{free_port()}", user="x", password="y", database="registry", retry_time=0.2)
    app = create_app(settings, graph=dead)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registry.test") as http:
            first = await http.post("/graphql", json={"query": "{ organizations { totalCount } }"})
            started = time.monotonic()
            second = await http.post("/graphql", json={"query": "{ organizations { totalCount } }"})
            took = time.monotonic() - started
    finally:
        await dead.close()

    assert (first.status_code, first.headers["retry-after"]) == (503, "5")
    assert first.json()["errors"][0]["extensions"] == {"code": "GRAPH_UNAVAILABLE", "retryAfter": 5}
    assert second.status_code == 503 and took < 0.5
