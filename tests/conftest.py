"""One embedded graph server per test session; every test starts from an empty, migrated graph or the demo data.

Both are snapshots taken once per session (`graph.core.backup.snapshot`); a test that finds the graph changed
since gets the snapshot put back (`rewind`: the server drops the database and restores the file, a few
tenths of a second) rather than a wipe and a reload of the demo data (more than a second)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from app import Settings, create_app
from auth import AuthConfig
from auth.clients import create_client
from auth.scopes import parse_scopes
from graph.core.backup import LOCAL_RESTORE, rewind, snapshot
from graph.core.driver import Graph, Row, Work, open_graph
from graph.core.embedded import EmbeddedServer, start_embedded_server
from graph.core.migrations import apply_migrations, migration
from seed.demo import load_demo
from seed.roster import stable_id
from tests.helpers.oauth_app import AUDIENCE, Registry, open_registry, seed_agencies

HASH_KEY = b"test-identity-hash-key"
T = TypeVar("T")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedServer]:
    started = start_embedded_server(
        data_dir=tmp_path_factory.mktemp("graph"), database="registry", heap="1g", options=(LOCAL_RESTORE,))
    yield started
    started.stop()


@dataclass(slots=True)
class SessionGraph(Graph):
    """The session's graph, counting write transactions so that the demo data is put back only when needed."""

    server: EmbeddedServer | None = None
    writes: int = 0
    empty: Path | None = None  # the snapshot of the empty, migrated graph
    demo: Path | None = None  # the snapshot of the demo data, taken when a test first asks for it
    demo_at: int | None = None  # `writes` just after the demo data was last put back
    demo_shape: list[Row] = field(default_factory=list)

    async def write_work(self, work: Work[T]) -> T:
        self.writes += 1
        return await Graph.write_work(self, work)


NODES = "MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n"
FEW = 200  # below this many nodes a delete is cheaper than putting the empty snapshot back
SHAPE = (
    "MATCH (n) WHERE NOT n:Migration AND NOT n:OAuthClient"
    " WITH count(n) AS nodes, sum(coalesce(n.version, 0)) AS versions"
    " MATCH ()-[r]->() WHERE type(r) <> 'ACTS_FOR'"
    " RETURN nodes, versions, count(r) AS edges"
)


@pytest.fixture(scope="session")
async def session_graph(server: EmbeddedServer) -> AsyncIterator[SessionGraph]:
    opened = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
    graph = SessionGraph(opened.driver, opened.database, opened.timeout, server=server)
    await apply_migrations(graph)
    graph.empty = snapshot(server)
    yield graph
    await graph.close()


@pytest.fixture
async def graph(session_graph: SessionGraph, request: pytest.FixtureRequest) -> Graph:
    """An empty migrated graph; with `demo` in the same test, the demo data instead (see `demo`)."""
    if "demo" not in request.fixturenames and (nodes := (await session_graph.read(NODES))[0]["n"]):
        assert session_graph.server is not None and session_graph.empty is not None
        if nodes < FEW:
            await session_graph.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
        else:
            rewind(session_graph.server, session_graph.empty)
        session_graph.demo_at = None
    session_graph.round_trips.count = 0
    return session_graph


@pytest.fixture
async def demo(graph: SessionGraph) -> Graph:
    """The demo data. Reloaded only when something wrote since it was loaded: a test that only reads (and
    gets tokens: OAuth clients do not count) leaves it for the next. Writes from outside this process's
    graph (a CLI subprocess) are caught by comparing the graph's shape: nodes, edges and versions."""
    if graph.demo_at != graph.writes or await graph.read(SHAPE) != graph.demo_shape:
        assert graph.server is not None and graph.empty is not None
        if graph.demo is None:
            rewind(graph.server, graph.empty)
            await load_demo(graph, hash_key=HASH_KEY)
            graph.demo = snapshot(graph.server)
        else:
            rewind(graph.server, graph.demo)
        graph.demo_at, graph.demo_shape = graph.writes, await graph.read(SHAPE)
    graph.round_trips.count = 0
    return graph


ISSUER = "https://registry.test"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        identity_hash_key=HASH_KEY.decode(),
        issuer=ISSUER,
        rate_per_second=1000,
        rate_burst=1000,
    )


@pytest.fixture
async def client(graph: Graph, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, graph=graph)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
        yield http


class GraphQLClient:
    """Posts operations to /graphql, anonymously or with a bearer token."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.http = http
        self.headers = {"authorization": f"Bearer {token}"} if token else {}
        self.last: httpx.Response | None = None

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        self.last = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        assert self.last.status_code in (200, 401, 403), self.last.text
        body: dict[str, Any] = self.last.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


async def token_for(http: httpx.AsyncClient, graph: Graph, agency: str, scopes: str) -> str:
    """A real access token: a client created for the agency (by name) and the client credentials grant."""
    writes = graph.writes if isinstance(graph, SessionGraph) else 0
    client_id, secret = await create_client(graph, agency_id=stable_id("agency", agency), scopes=parse_scopes(scopes))
    if isinstance(graph, SessionGraph):
        graph.writes = writes  # a client is not roster data: the demo data stays as it was
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scopes},
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


AsAgency = Callable[[str, str], Awaitable[GraphQLClient]]


@pytest.fixture
def as_agency(client: httpx.AsyncClient, graph: Graph) -> AsAgency:
    """`await as_agency("成都市武侯区司法局", "roster:read pii:read")` gives a client holding such a token."""

    async def login(agency: str, scopes: str) -> GraphQLClient:
        return GraphQLClient(client, await token_for(client, graph, agency, scopes))

    return login


# --- Engine fidelity (issue 17): record every statement, lint them with Neo4j's analysis at the end -------------
def pytest_configure(config: pytest.Config) -> None:
    from tests.cypher_lint import StatementLint

    lint = StatementLint(record=Path(config.rootpath) / "var" / f"cypher-record-{os.getpid()}.jsonl")
    lint.record.parent.mkdir(exist_ok=True)
    lint.record.unlink(missing_ok=True)
    lint.install()
    config.pluginmanager.register(lint, "cypher-lint")


# --- the authorization server (tests/auth/test_oauth.py, tests/auth/test_tokens.py) ---------------------------


@pytest.fixture
async def oauth_graph(graph: Graph) -> Graph:
    for statement in migration(3).statements:
        await graph.write(statement)
    await seed_agencies(graph)
    return graph


@pytest.fixture
async def registry(oauth_graph: Graph, tmp_path: Path) -> AsyncIterator[Registry]:
    config = AuthConfig(issuer=ISSUER, audience=AUDIENCE, key_dir=tmp_path / "keys")
    async for opened in open_registry(oauth_graph, config):
        yield opened
