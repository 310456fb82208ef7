"""The directory's subtree keys stay exact: after the demo load and after writes that rename or move what they
index, every stored key equals a recount made from the graph itself (divisions, locations, memberships)."""

from __future__ import annotations

from typing import Any

from graph.core import clock
from graph.core.driver import Graph
from tests.conftest import AsAgency

WUHOU = "成都市武侯区司法局"
WRITE = "roster:write roster:read"
SEP = "\u0001"
LEVELS = {"PROVINCE": "inProvince", "CITY": "inCity", "COUNTY": "inCounty", "TOWNSHIP": "inTownship", "VILLAGE": "inVillage"}

PROBLEM = "... on Problem { code field message }"
AMEND_ORG = (
    "mutation($id: ID!, $version: Int!, $input: OrganizationAmendment!) {"
    " amendOrganization(id: $id, version: $version, input: $input) { __typename " + PROBLEM + " } }"
)
AMEND_MEDIATOR = (
    "mutation($id: ID!, $version: Int!, $input: MediatorAmendment!) {"
    " amendMediator(id: $id, version: $version, input: $input) { __typename " + PROBLEM + " } }"
)
END_MEMBERSHIP = (
    "mutation($m: ID!, $o: ID!, $until: Date!) {"
    " endMembership(mediatorId: $m, organizationId: $o, until: $until) { __typename " + PROBLEM + " } }"
)


async def recount(graph: Graph) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[tuple[Any, ...]]]:
    """The keys as the graph's own facts imply them, computed here without the statements that write them."""
    divisions = {
        row["code"]: row
        for row in await graph.read(
            "MATCH (j:Jurisdiction) RETURN j.code AS code, j.level AS level,"
            " [(j)-[:PART_OF]->(p:Jurisdiction) | p.code][0] AS parent"
        )
    }

    def ancestors(code: str | None) -> dict[str, str]:
        found: dict[str, str] = {}
        while code is not None:
            found[divisions[code]["level"]] = code
            code = divisions[code]["parent"]
        return found

    organizations: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[str, str]] = {}
    for row in await graph.read(
        "MATCH (o:Organization) RETURN o.id AS id, o.name AS name, [(o)-[:LOCATED_IN]->(j:Jurisdiction) | j.code][0] AS at"
    ):
        places[row["id"]] = ancestors(row["at"])
        keys = {prop: None for prop in LEVELS.values()} | {"nameKey": row["name"] + SEP + row["id"]}
        for level, code in places[row["id"]].items():
            keys[LEVELS[level]] = code + SEP + row["name"] + SEP + row["id"]
        organizations[row["id"]] = keys
    mediators = {
        row["id"]: {"nameKey": row["name"] + SEP + row["id"]}
        for row in await graph.read("MATCH (m:Mediator) RETURN m.id AS id, m.name AS name")
    }
    listings = []
    for row in await graph.read(
        "MATCH (m:Mediator)-[r:MEMBER_OF]->(o:Organization)"
        " RETURN m.id AS m, m.name AS name, o.id AS o, r.since AS since, r.until AS until"
    ):
        keys = {prop: None for prop in LEVELS.values()}
        for level, code in places[row["o"]].items():
            keys[LEVELS[level]] = code + SEP + row["name"] + SEP + row["m"]
        listings.append((row["m"], row["o"], row["since"], row["until"], *(keys[p] for p in LEVELS.values())))
    return organizations, mediators, sorted(listings, key=repr)


async def stored(graph: Graph) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], list[tuple[Any, ...]]]:
    organizations = {
        row["id"]: {key: row[key] for key in ("nameKey", *LEVELS.values())}
        for row in await graph.read(
            "MATCH (o:Organization) RETURN o.id AS id, o.nameKey AS nameKey, o.inProvince AS inProvince,"
            " o.inCity AS inCity, o.inCounty AS inCounty, o.inTownship AS inTownship, o.inVillage AS inVillage"
        )
    }
    mediators = {
        row["id"]: {"nameKey": row["nameKey"]}
        for row in await graph.read("MATCH (m:Mediator) RETURN m.id AS id, m.nameKey AS nameKey")
    }
    listings = [
        tuple(row.values())
        for row in await graph.read(
            "MATCH (l:Listing) RETURN l.mediator AS m, l.organization AS o, l.since AS since, l.until AS until,"
            " l.inProvince AS p, l.inCity AS c, l.inCounty AS k, l.inTownship AS t, l.inVillage AS v"
        )
    ]
    return organizations, mediators, sorted(listings, key=repr)


async def test_the_demo_load_writes_every_key(demo: Graph) -> None:
    expected = await recount(demo)

    assert len(expected[2]) > 400
    assert await stored(demo) == expected


async def test_keys_follow_renames_moves_and_ended_terms(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    rows = await demo.read(
        "MATCH (m:Mediator)-[r:MEMBER_OF]->(o:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
        "(:Jurisdiction {code: '510107'}) WHERE o.status = 'FILED'"
        " WITH o, collect(m) AS members WHERE size(members) >= 4"
        " RETURN o.id AS o, o.version AS version, [m IN members | m {.id, .version}] AS members"
        " ORDER BY size(members) DESC LIMIT 1"
    )
    org, members = rows[0], rows[0]["members"]
    township = await demo.read(
        "MATCH (t:Jurisdiction {level: 'TOWNSHIP'})-[:PART_OF]->(:Jurisdiction {code: '510107'}) RETURN t.code AS code LIMIT 1"
    )

    results = [
        await bureau(AMEND_ORG, id=org["o"], version=org["version"], input={"name": "成都市武侯区改名人民调解委员会"}),
        await bureau(AMEND_ORG, id=org["o"], version=org["version"] + 1, input={"jurisdiction": township[0]["code"]}),
        await bureau(AMEND_MEDIATOR, id=members[0]["id"], version=members[0]["version"], input={"name": "改名者"}),
        await bureau(END_MEMBERSHIP, m=members[1]["id"], o=org["o"], until=clock.today().isoformat()),
    ]

    assert [result["data"] for result in results] == [
        {"amendOrganization": {"__typename": "OrganizationSaved"}},
        {"amendOrganization": {"__typename": "OrganizationSaved"}},
        {"amendMediator": {"__typename": "MediatorSaved"}},
        {"endMembership": {"__typename": "MediatorSaved"}},
    ]
    assert await stored(demo) == await recount(demo)
