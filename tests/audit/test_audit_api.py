"""The audit trail through the API and the command line: every mutation leaves a chained event."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from cli import cli
from graph.audit.trail import Actor, Change, record_changes
from graph.core.driver import Graph, open_graph
from graph.core.embedded import EmbeddedServer
from graph.core.migrations import apply_migrations
from seed.demo import demo_roster
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient

ROSTER = demo_roster(HASH_KEY)
STUDIO = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区律师调解工作室")
TRAIL = "query($id: ID!) { auditTrail(entityId: $id) { seq operation actorAgency entityKind before after prevHash hash } }"
AMEND = """mutation($id: ID!) { amendOrganization(id: $id, version: 1, input: {address: "武侯祠大街 231 号"}) {
  __typename } }"""


async def test_a_mutation_leaves_an_event_the_bureau_can_read(demo: Graph, as_agency: AsAgency, gql: GraphQLClient) -> None:
    writer = await as_agency("成都市武侯区司法局", "roster:write")
    auditor = await as_agency("成都市武侯区司法局", "audit:read")
    outsider = await as_agency("雅安市雨城区司法局", "audit:read")
    await writer(AMEND, id=STUDIO["id"])

    mine = await auditor(TRAIL, id=STUDIO["id"])
    theirs = await outsider(TRAIL, id=STUDIO["id"])
    anonymous = await gql(TRAIL, id=STUDIO["id"])

    [event] = mine["data"]["auditTrail"]
    assert (event["seq"], event["operation"], event["entityKind"], event["prevHash"]) == (
        1, "amendOrganization", "ORGANIZATION", None,
    )
    assert '"address":"武侯祠大街 231 号"' in event["after"]
    assert event["actorAgency"] is not None
    assert theirs["data"]["auditTrail"] == []
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def write_events(server: EmbeddedServer) -> None:
    async def run() -> None:
        graph: Graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
        try:
            await apply_migrations(graph)
            await graph.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
            actor = Actor(agency_id=None, client_id=None, request_id="cli-test")
            changes = [Change("a3b4c5d6-0000-4000-8000-000000000001", "Organization", "test", None, {"n": n}) for n in range(3)]
            await graph.write_work(lambda tx: record_changes(graph, tx, changes=changes, actor=actor))
        finally:
            await graph.close()

    asyncio.run(run())


@pytest.fixture
def graph_env(server: EmbeddedServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "REGISTRY_GRAPH_URI": server.uri, "REGISTRY_GRAPH_USER": server.user,
        "REGISTRY_GRAPH_PASSWORD": server.password, "REGISTRY_GRAPH_DATABASE": server.database,
    }.items():
        monkeypatch.setenv(name, value)
    yield
    assert "REGISTRY_GRAPH_URI" in os.environ


def test_audit_verify_passes_then_catches_an_edited_event(server: EmbeddedServer, graph_env: None) -> None:
    write_events(server)
    intact = CliRunner().invoke(cli, ["audit", "verify"])
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        driver.execute_query(
            "MATCH (e:AuditEvent {seq: 2}) SET e.after = '{\"n\":99}'", database_=server.database
        )

    broken = CliRunner().invoke(cli, ["audit", "verify"])

    assert (intact.exit_code, intact.stdout.strip()) == (
        0, "audit trail intact: 3 events of 1 entities\nno signed checkpoint yet"
    )
    assert broken.exit_code == 1
    assert "audit trail broken: entity a3b4c5d6-0000-4000-8000-000000000001 at seq 2 (HASH:" in broken.stderr


def test_audit_verify_reports_a_missing_tail(server: EmbeddedServer, graph_env: None) -> None:
    write_events(server)
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        driver.execute_query("MATCH (e:AuditEvent {seq: 3}) DETACH DELETE e", database_=server.database)

    broken = CliRunner().invoke(cli, ["audit", "verify"])

    assert broken.exit_code == 1
    assert (
        "audit trail broken: entity a3b4c5d6-0000-4000-8000-000000000001 at seq 3 (MISSING_TAIL: the chain's head"
        " names a later event than its last one: the newest events are gone); 1 broken chain(s)"
    ) in broken.stderr


def test_audit_checkpoint_then_verify_checks_it(
    server: EmbeddedServer, graph_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGISTRY_DATA_DIR", str(tmp_path))
    write_events(server)

    taken = CliRunner().invoke(cli, ["audit", "checkpoint", "--grace", "0"])
    verified = CliRunner().invoke(cli, ["audit", "verify"])
    with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
        driver.execute_query("MATCH (n) WHERE n:AuditEvent OR n:AuditHead DETACH DELETE n", database_=server.database)
    emptied = CliRunner().invoke(cli, ["audit", "verify"])

    assert taken.exit_code == 0, taken.stderr
    assert taken.stdout.startswith("checkpoint 1: 3 events before ")
    assert verified.exit_code == 0, verified.stderr
    assert "checkpoint 1 matches: 3 events" in verified.stdout
    assert emptied.exit_code == 1
    assert "audit trail intact: 0 events" in emptied.stderr
    assert "checkpoint 1 does not match the trail: it signed 3 events" in emptied.stderr

