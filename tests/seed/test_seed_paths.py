"""The generator's fast path (worker processes, CREATE statements) writes the graph its MERGE path writes."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from graph.core.driver import Graph
from graph.core.embedded import EmbeddedServer
from graph.core.migrations import schema_snapshot
from graph.core.subtree import SEP
from seed.generator import generate
from seed.national import Address

HASH_KEY = b"test-identity-hash-key"
SCALE = 0.005
STAMPS = ("createdAt", "updatedAt")  # the moment of writing, which differs between any two loads

NODES = "MATCH (n) WHERE NOT n:Migration RETURN labels(n) AS labels, properties(n) AS props"
EDGES = (
    "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props,"
    " coalesce(a.id, a.mediator + '/' + a.organization) AS start, coalesce(b.id, b.code) AS end"
)


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


async def snapshot(graph: Graph) -> tuple[Counter[str], Counter[str]]:
    """Every node (labels, properties but the write stamps, which must be there) and edge, as a multiset."""
    nodes: Counter[str] = Counter()
    for row in await graph.read(NODES):
        props = dict(row["props"])
        stamped = {"Jurisdiction", "Agency", "Organization", "Mediator"} & set(row["labels"])
        stamps = [props.pop(stamp, None) for stamp in STAMPS]
        assert all(stamps) if stamped else not any(stamps), row
        nodes[canonical([sorted(row["labels"]), props])] += 1
    edges = Counter(canonical([row["type"], row["start"], row["end"], row["props"]]) for row in await graph.read(EDGES))
    return nodes, edges


async def test_the_fast_path_writes_the_graph_of_the_merge_path(graph: Graph, server: EmbeddedServer) -> None:
    merged_counts = await generate(graph, scale=SCALE, hash_key=HASH_KEY)
    merged = await snapshot(graph)
    await graph.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")

    schema = await schema_snapshot(graph)
    address = Address(server.uri, server.user, server.password, server.database)
    fast_counts = await generate(graph, scale=SCALE, hash_key=HASH_KEY, address=address, workers=2)
    fast = await snapshot(graph)

    assert await schema_snapshot(graph) == schema

    assert merged_counts["mediators"] == fast_counts["mediators"] > 10_000
    assert merged_counts["listings"] == fast_counts["listings"] == merged_counts["memberships"]
    assert sum(merged[0].values()) > 40_000 and sum(merged[1].values()) > 60_000
    assert fast[0] - merged[0] == Counter() and merged[0] - fast[0] == Counter()
    assert fast[1] - merged[1] == Counter() and merged[1] - fast[1] == Counter()


async def test_every_generated_listing_and_organization_carries_its_directory_keys(graph: Graph) -> None:
    await generate(graph, scale=0.0005, hash_key=HASH_KEY)
    rows = await graph.read(
        "MATCH (m:Mediator)-[r:MEMBER_OF]->(o:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(a)"
        " WITH m, r, o, collect(a) AS chain"
        " MATCH (l:Listing {mediator: m.id, organization: o.id})"
        " RETURN m.name AS mediator, m.id AS mediatorId, m.nameKey AS mediatorKey, o.name AS name, o.id AS id,"
        " o.nameKey AS nameKey, o.inCounty AS orgCounty, l.inCounty AS county, l.inProvince AS province,"
        " l.since = r.since AND l.until = r.until AS term,"
        " [a IN chain WHERE a.level = 'COUNTY' | a.code][0] AS countyCode,"
        " [a IN chain WHERE a.level = 'PROVINCE' | a.code][0] AS provinceCode"
    )
    assert len(rows) > 1_000
    for row in rows:
        assert row["mediatorKey"] == row["mediator"] + SEP + row["mediatorId"]
        assert row["nameKey"] == row["name"] + SEP + row["id"]
        assert row["orgCounty"] == row["countyCode"] + SEP + row["name"] + SEP + row["id"]
        assert row["county"] == row["countyCode"] + SEP + row["mediator"] + SEP + row["mediatorId"]
        assert row["province"] == row["provinceCode"] + SEP + row["mediator"] + SEP + row["mediatorId"]
        assert row["term"]
