"""Partner registration through the API: the mutations, payloads and queries, the demo agencies and a first
registration."""

from __future__ import annotations

from typing import Any

from graph.core.driver import Graph
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, GraphQLClient

ROSTER = demo_roster(HASH_KEY)


ACFTU, PBOC = "中华全国总工会", "中国人民银行"


WUHOU, CHENGDU, YUCHENG = "成都市武侯区司法局", "成都市司法局", "雅安市雨城区司法局"


REGISTER, DECIDE, READ = "registrations:write", "roster:write roster:read", "roster:read"


YULIN = "510107005001"  # 玉林北路社区居委会, in 武侯区


PROBLEM = """
  __typename
  ... on Problem { code field message }
  ... on ValidationProblem { details { field message } }
"""


REGISTRATION = """id kind name status registrationStatus registeredAt reason decidedAt version sourceRecordId
  jurisdiction { code } registeredBy { name } decidedBy { name }"""


PAYLOAD = PROBLEM + "... on RegistrationSaved { warnings replayed registration {" + REGISTRATION + "} }"


REGISTER_ORG = "mutation($input: OrganizationInput!, $key: String) { registerOrganization(input: $input," \
    " idempotencyKey: $key) {" + PAYLOAD + "} }"


APPROVE = "mutation($id: ID!, $version: Int!) { approveRegistration(id: $id, version: $version) {" + PAYLOAD + "} }"


REJECT = "mutation($id: ID!, $version: Int!, $reason: String!) {" \
    " rejectRegistration(id: $id, version: $version, reason: $reason) {" + PAYLOAD + "} }"


MINE = """query($statuses: [RegistrationStatus!], $first: Int, $after: String) {
  myRegistrations(statuses: $statuses, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes {""" + REGISTRATION + "} } }"


QUEUE = """query($kind: RegistrationKind) { pendingFilings(kind: $kind) { totalCount nodes { id kind name
  organization { id status } mediator { id status } } } }"""


def agency(name: str) -> str:
    return stable_id("agency", name)


def organization(name: str = "玉林商事调解中心", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "COMMERCIAL_MEDIATION", "jurisdiction": YULIN, "sectors": ["CONTRACT"], **extra}


def demo_organization(name: str) -> str:
    found: str = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == name)
    return found


async def data(client: GraphQLClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await client(query, **variables)
    assert "errors" not in body, body
    result: dict[str, Any] = next(iter(body["data"].values()))
    return result


async def counts(graph: Graph) -> dict[str, int]:
    rows = await graph.read(
        "MATCH (n) WITH labels(n) AS kinds UNWIND kinds AS kind RETURN kind, count(*) AS n ORDER BY kind"
    )
    edges = await graph.read("MATCH ()-[r]->() RETURN count(r) AS n")
    return {str(row["kind"]): int(row["n"]) for row in rows} | {"edges": int(edges[0]["n"])}


async def register_org(client: GraphQLClient, **extra: Any) -> dict[str, Any]:
    saved = await data(client, REGISTER_ORG, input=organization(**extra))
    assert saved["__typename"] == "RegistrationSaved", saved
    registration: dict[str, Any] = saved["registration"]
    return registration

