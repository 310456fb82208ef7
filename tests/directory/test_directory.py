"""The public directory: each query and each filter, checked against the demo roster computed in Python."""

from __future__ import annotations

from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from seed.demo import PLATFORM_ADMIN, demo_roster
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient
from tests.helpers.report_expectations import Demo

ROSTER = demo_roster(HASH_KEY)
ORGS = {row["id"]: row for row in ROSTER.organizations}
MEDIATORS = {row["id"]: row for row in ROSTER.mediators}


def within(code: str, area: str) -> bool:
    """Is division `code` the division `area` or below it? (Codes nest by prefix.)"""
    stem = area[: 2 if area.endswith("0000") else 4 if area.endswith("00") else 6] if len(area) == 6 else area
    return code.startswith(stem)


def org_names(predicate: Any) -> list[str]:
    return sorted(row["props"]["name"] for row in ROSTER.organizations if predicate(row))


def mediator_ids(predicate: Any) -> set[str]:
    return {row["id"] for row in ROSTER.mediators if predicate(row)}


def graded(rank: int) -> set[str]:
    """Mediators whose current demo grade ranks `rank` or better."""
    model, today = Demo(), clock.today()
    return {m for m in MEDIATORS if (grade := model.grade_of(m, today)) is not None and grade[2] <= rank}


def members_located(area: str) -> set[str]:
    return {m["mediator"] for m in ROSTER.memberships if within(ORGS[m["organization"]]["jurisdiction"], area)}


async def all_pages(gql: GraphQLClient, query: str, field: str, **variables: Any) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gql(query, after=after, **variables)
        assert "errors" not in body, body
        page = body["data"][field]
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


ORGANIZATIONS = """query($filter: OrganizationFilter, $after: String) {
  organizations(filter: $filter, first: 50, after: $after) {
    edges { node { id name kind sectors status } } pageInfo { hasNextPage endCursor } } }"""

MEDIATORS_QUERY = """query($filter: MediatorFilter, $after: String) {
  mediators(filter: $filter, first: 100, after: $after) {
    edges { node { id name gender employment specialties languages } } pageInfo { hasNextPage endCursor } } }"""


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"jurisdiction": "510107"}, lambda r: within(r["jurisdiction"], "510107")),
        ({"jurisdiction": "511800"}, lambda r: within(r["jurisdiction"], "511800")),
        ({"jurisdiction": "510107001000"}, lambda r: r["jurisdiction"].startswith("510107001")),
        (
            {"kinds": ["INDUSTRY_COMMITTEE", "LAWYER_STUDIO"]},
            lambda r: r["props"]["kind"] in ("INDUSTRY_COMMITTEE", "LAWYER_STUDIO"),
        ),
        ({"sectors": ["MEDICAL"]}, lambda r: "MEDICAL" in r["props"]["sectors"]),
        ({"statuses": ["FILED"]}, lambda r: True),
        ({"statuses": ["SUSPENDED"]}, lambda r: False),
        ({"namePrefix": "成都市"}, lambda r: r["props"]["name"].startswith("成都市")),
        ({"nameContains": "工作室"}, lambda r: "工作室" in r["props"]["name"]),
        (
            {"jurisdiction": "510100", "kinds": ["INDUSTRY_MEDIATION"], "sectors": ["FINANCIAL_CONSUMER"]},
            lambda r: within(r["jurisdiction"], "510100") and "FINANCIAL_CONSUMER" in r["props"]["sectors"],
        ),
    ],
)
async def test_organization_filters(demo: Graph, gql: GraphQLClient, filter: dict[str, Any], expected: Any) -> None:
    nodes = await all_pages(gql, ORGANIZATIONS, "organizations", filter=filter)

    assert sorted(node["name"] for node in nodes) == org_names(expected)


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"jurisdiction": "511802"}, lambda: members_located("511802")),
        ({"specialties": ["MEDICAL"]}, lambda: mediator_ids(lambda r: "MEDICAL" in r["props"]["specialties"])),
        ({"employment": "FULL_TIME"}, lambda: mediator_ids(lambda r: r["props"]["employment"] == "FULL_TIME")),
        ({"gender": "FEMALE"}, lambda: mediator_ids(lambda r: r["props"]["gender"] == "FEMALE")),
        ({"language": "en"}, lambda: mediator_ids(lambda r: "en" in r["props"]["languages"])),
        ({"statuses": ["PENDING"]}, lambda: set()),
        ({"namePrefix": "王"}, lambda: mediator_ids(lambda r: r["props"]["name"].startswith("王"))),
        ({"nameContains": "秀英"}, lambda: mediator_ids(lambda r: "秀英" in r["props"]["name"])),
        ({"minGrade": 2}, lambda: graded(2)),
        ({"minGrade": 4, "jurisdiction": "510107"}, lambda: graded(4) & members_located("510107")),
        (
            {"jurisdiction": "510100", "employment": "FULL_TIME", "specialties": ["FAMILY", "LABOUR"]},
            lambda: members_located("510100")
            & mediator_ids(
                lambda r: r["props"]["employment"] == "FULL_TIME"
                and {"FAMILY", "LABOUR"} & set(r["props"]["specialties"])
            ),
        ),
    ],
)
async def test_mediator_filters(demo: Graph, as_agency: AsAgency, filter: dict[str, Any], expected: Any) -> None:
    admin = await as_agency(PLATFORM_ADMIN, "roster:read")

    nodes = await all_pages(admin, MEDIATORS_QUERY, "mediators", filter=filter)

    assert {node["id"] for node in nodes} == expected()
    assert len(nodes) == len({node["id"] for node in nodes})


async def test_mediators_of_one_organization(demo: Graph, as_agency: AsAgency) -> None:
    org_id = next(row["id"] for row in ROSTER.organizations if row["props"]["kind"] == "TOWNSHIP_COMMITTEE")
    members = {m["mediator"] for m in ROSTER.memberships if m["organization"] == org_id}
    admin = await as_agency(PLATFORM_ADMIN, "roster:read")

    nodes = await all_pages(admin, MEDIATORS_QUERY, "mediators", filter={"organization": org_id})

    assert {node["id"] for node in nodes} == members


async def test_an_organization_with_its_members_chair_first(demo: Graph, as_agency: AsAgency) -> None:
    org_id = next(row["id"] for row in ROSTER.organizations if row["props"]["kind"] == "INDUSTRY_COMMITTEE")
    admin = await as_agency(PLATFORM_ADMIN, "roster:read")

    body = await admin(
        """query($id: ID!) { organization(id: $id) { id name kind status filedAt filingNo chargesFee
             jurisdiction { code } filedWith { name kind } guidedBy { name kind }
             members { role since until mediator { id employment } } } }""",
        id=org_id,
    )

    org = body["data"]["organization"]
    row = ORGS[org_id]
    assert org["name"] == row["props"]["name"]
    assert org["filedAt"] == row["props"]["filedAt"].isoformat()
    assert org["jurisdiction"]["code"] == row["jurisdiction"]
    assert org["filedWith"] == {"name": row["bureau"], "kind": "JUDICIAL_BUREAU"}
    assert org["guidedBy"] == {"name": row["court"], "kind": "COURT"}
    assert org["chargesFee"] is False
    roles = [member["role"] for member in org["members"]]
    assert roles.count("CHAIR") == 1
    assert sum(member["mediator"]["employment"] == "FULL_TIME" for member in org["members"]) >= 3
    assert all(member["since"] == "2024-03-01" and member["until"] == "2027-02-28" for member in org["members"])


async def test_a_mediator_with_memberships_credentials_and_training(demo: Graph, as_agency: AsAgency) -> None:
    mediator_id = next(row["mediator"] for row in ROSTER.credentials)
    trained = [t for t in ROSTER.trainings if mediator_id in t["attendees"]]
    admin = await as_agency(PLATFORM_ADMIN, "roster:read")

    body = await admin(
        """query($id: ID!) { mediator(id: $id) { id name birthYear
             memberships { role organization { id } } credentials { scheme level verified }
             trainings { title hours completedAt } trainingHours(year: 2026) } }""",
        id=mediator_id,
    )

    mediator = body["data"]["mediator"]
    assert mediator["name"] == MEDIATORS[mediator_id]["props"]["name"]
    assert [m["organization"]["id"] for m in mediator["memberships"]] == [
        m["organization"] for m in ROSTER.memberships if m["mediator"] == mediator_id
    ]
    assert mediator["credentials"][0]["scheme"] == "PEOPLES_MEDIATOR_GRADE"
    assert sorted(t["title"] for t in mediator["trainings"]) == sorted(t["props"]["title"] for t in trained)
    assert mediator["trainingHours"] == sum(t["props"]["hours"] for t in trained if t["props"]["heldOn"].year == 2026)




async def test_jurisdictions_by_level_parent_and_subtree(demo: Graph, gql: GraphQLClient) -> None:
    body = await gql(
        """{ cities: jurisdictions(level: CITY) { totalCount nodes { code } }
             children: jurisdictions(parent: "511800") { nodes { code level parent { code } } }
             below: jurisdictions(within: "510107", first: 100) { totalCount }
             one: jurisdiction(code: "510781104001") { name level path { code } } }"""
    )

    data = body["data"]
    assert sorted(node["code"] for node in data["cities"]["nodes"]) == ["510100", "510700", "511800"]
    assert {node["code"] for node in data["children"]["nodes"]} == {"511802", "511803"}
    assert all(node["parent"]["code"] == "511800" for node in data["children"]["nodes"])
    assert data["below"]["totalCount"] == 1 + 2 + 4
    assert data["one"] == {
        "name": "李白故居社区居民委员会",
        "level": "VILLAGE",
        "path": [{"code": c} for c in ("510781104001", "510781104000", "510781", "510700", "510000")],
    }


async def test_courts_and_agencies(demo: Graph, gql: GraphQLClient) -> None:
    body = await gql(
        """{ basic: courts(level: BASIC, within: "511800") { nodes { name courtCode supervisor { name level } } }
             partners: agencies(kind: PARTNER_AGENCY) { totalCount }
             all: agencies(first: 100) { totalCount nodes { __typename kind } } }"""
    )

    data = body["data"]
    supervisor = {"name": "雅安市中级人民法院", "level": "INTERMEDIATE"}
    assert data["basic"]["nodes"] == [
        {"name": "雅安市名山区人民法院", "courtCode": "川1803", "supervisor": supervisor},
        {"name": "雅安市雨城区人民法院", "courtCode": "川1802", "supervisor": supervisor},
    ]
    assert data["partners"]["totalCount"] == 12
    assert data["all"]["totalCount"] == 33
    assert {node["__typename"] for node in data["all"]["nodes"]} == {"Court", "JudicialBureau", "PartnerAgency", "PlatformAdmin"}


async def test_node_resolves_every_kind_and_nothing_for_an_unknown_id(demo: Graph, gql: GraphQLClient) -> None:
    org_id = ROSTER.organizations[0]["id"]
    mediator_id = ROSTER.mediators[0]["id"]
    court = await gql('{ courts(first: 1) { nodes { id } } jurisdiction(code: "510000") { id } }')

    body = await gql(
        """query($o: ID!, $m: ID!, $c: ID!, $j: ID!) {
             o: node(id: $o) { __typename id } m: node(id: $m) { __typename id }
             c: node(id: $c) { __typename } j: node(id: $j) { __typename }
             none: node(id: "00000000-0000-0000-0000-000000000000") { id } }""",
        o=org_id,
        m=mediator_id,
        c=court["data"]["courts"]["nodes"][0]["id"],
        j=court["data"]["jurisdiction"]["id"],
    )

    assert body["data"] == {
        "o": {"__typename": "Organization", "id": org_id},
        "m": {"__typename": "Mediator", "id": mediator_id},
        "c": {"__typename": "Court"},
        "j": {"__typename": "Jurisdiction"},
        "none": None,
    }


async def test_federation_entities_resolve_by_id(demo: Graph, gql: GraphQLClient) -> None:
    org_id = ROSTER.organizations[0]["id"]

    body = await gql(
        """query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Organization { id name } } }""",
        reps=[{"__typename": "Organization", "id": org_id}],
    )

    assert body["data"]["_entities"] == [{"id": org_id, "name": ORGS[org_id]["props"]["name"]}]
