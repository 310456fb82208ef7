"""The national-scale generator: the same lawful shapes at a small fraction, and a re-run converges."""

from __future__ import annotations

from graph.core.driver import Graph
from graph.core.vocabulary import PEOPLES_COMMITTEES
from seed.generator import generate
from tests.conftest import HASH_KEY

COUNTS = "MATCH (n) RETURN count(n) AS nodes, COUNT { ()-->() } AS edges"


async def test_a_small_fraction_of_the_nation_is_lawful_and_converges(graph: Graph) -> None:
    counts = await generate(graph, scale=0.0002, hash_key=HASH_KEY)
    once = await graph.read(COUNTS)

    again = await generate(graph, scale=0.0002, hash_key=HASH_KEY)

    assert again == counts
    assert await graph.read(COUNTS) == once
    assert 120 <= counts["organizations"] <= 160
    assert 4.0 <= counts["mediators"] / counts["organizations"] <= 5.2
    broken = await graph.read(
        "MATCH (o:Organization) WHERE o.kind IN $kinds"
        " WITH o, COUNT { (o)<-[:MEMBER_OF]-() } AS members,"
        " COUNT { (o)<-[:MEMBER_OF {role: 'CHAIR'}]-() } AS chairs,"
        " COUNT { (o)<-[:MEMBER_OF]-(:Mediator {gender: 'FEMALE'}) } AS women"
        " WHERE members < 3 OR members > 9 OR chairs <> 1 OR women < 1"
        " RETURN o.name AS name",
        kinds=sorted(PEOPLES_COMMITTEES),
    )
    assert broken == []
    unlinked = await graph.read(
        "MATCH (c:Court) WHERE c.level <> 'HIGH' AND NOT EXISTS { (c)-[:SUPERVISED_BY]->(:Court) } RETURN c.name AS name"
    )
    assert unlinked == []
