"""One embedded graph server per test session; every test starts from an empty, migrated graph."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import Settings, create_app
from graph.driver import Graph, open_graph
from graph.embedded import EmbeddedServer, start_embedded_server
from graph.migrations import apply_migrations
from seed.demo import load_demo

HASH_KEY = b"test-identity-hash-key"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    started = start_embedded_server(data_dir=tmp_path_factory.mktemp("graph"), database="registry", heap="1g")
    yield started
    started.stop()


@pytest.fixture(scope="session")
async def session_graph(server: EmbeddedServer) -> AsyncIterator[Graph]:
    graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
    await apply_migrations(graph)
    yield graph
    await graph.close()


@pytest.fixture
async def graph(session_graph: Graph) -> Graph:
    await session_graph.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    session_graph.round_trips.count = 0
    return session_graph


@pytest.fixture
async def demo(graph: Graph) -> Graph:
    await load_demo(graph, hash_key=HASH_KEY)
    graph.round_trips.count = 0
    return graph


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, identity_hash_key=HASH_KEY.decode())


@pytest.fixture
async def client(graph: Graph, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, graph=graph)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://registry.test") as http:
        yield http


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)
