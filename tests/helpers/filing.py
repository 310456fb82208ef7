"""Filing through the API: the mutations and payloads, identities, committee and person inputs, a staffed draft."""

from __future__ import annotations

from typing import Any

from graph.core.driver import Graph
from resolvers.core.identifiers import resident_id_check_character
from tests.conftest import GraphQLClient

WUHOU, YUCHENG = "成都市武侯区司法局", "雅安市雨城区司法局"


WRITE = "roster:write roster:read"


TERM = {"since": "2025-01-01", "until": "2027-12-31"}


PROBLEM = """
  __typename
  ... on Problem { code field message }
  ... on ValidationProblem { details { field message } }
"""


PAYLOAD = PROBLEM + "... on OrganizationSaved { warnings replayed organization { id name status version filingNo filedAt } }"


MEDIATOR_PAYLOAD = PROBLEM + "... on MediatorSaved { replayed mediator { id name gender birthYear status version } }"


FILE_ORG = "mutation($input: OrganizationInput!, $draft: Boolean!, $key: String) {" \
    " fileOrganization(input: $input, draft: $draft, idempotencyKey: $key) {" + PAYLOAD + "} }"


FILE_MEDIATOR = "mutation($input: MediatorInput!, $membership: MembershipInput!, $key: String) {" \
    " fileMediator(input: $input, membership: $membership, idempotencyKey: $key) {" + MEDIATOR_PAYLOAD + "} }"


COMPLETE = "mutation($id: ID!, $version: Int!) { completeFiling(id: $id, version: $version) {" + PAYLOAD + "} }"


def identity(serial: int, *, born: str = "19800101", female: bool = False) -> str:
    body = f"510107{born}{serial * 2 % 1000 if female else (serial * 2 + 1) % 1000:03d}"
    return body + resident_id_check_character(body)


def committee(name: str = "玉林北路社区第二人民调解委员会", **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "RESIDENTS_COMMITTEE", "jurisdiction": "510107005001", "sectors": ["FAMILY"], **extra}


def person(serial: int, *, female: bool = False, employment: str = "FULL_TIME", **extra: Any) -> dict[str, Any]:
    return {"name": f"测试{serial}", "identityNumber": identity(serial, female=female), "employment": employment, **extra}


async def size(graph: Graph) -> list[dict[str, Any]]:
    return await graph.read(
        "MATCH (n) WHERE NOT n:OAuthClient AND NOT n:AuditEvent RETURN count(n) AS nodes, COUNT { ()-->() } AS edges"
    )


async def events(graph: Graph, entity: str) -> list[str]:
    rows = await graph.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op ORDER BY e.seq", id=entity)
    return [row["op"] for row in rows]


async def draft_with_members(bureau: GraphQLClient, count: int, *, women: int = 1) -> str:
    body = await bureau(FILE_ORG, input=committee(), draft=True)
    assert body["data"], body
    org = body["data"]["fileOrganization"]["organization"]
    for seat in range(count):
        role = "CHAIR" if seat == 0 else "MEMBER"
        filed = await bureau(
            FILE_MEDIATOR,
            input=person(100 + seat, female=seat < women),
            membership={"organizationId": org["id"], "role": role, **TERM},
        )
        assert filed["data"]["fileMediator"]["__typename"] == "MediatorSaved", filed
    return str(org["id"])


DEREGISTER = "mutation($id: ID!, $version: Int!) { deregisterMediator(id: $id, version: $version) {" \
    + MEDIATOR_PAYLOAD + "} }"


AMEND_MEDIATOR = "mutation($id: ID!, $version: Int!, $input: MediatorAmendment!) {" \
    " amendMediator(id: $id, version: $version, input: $input) {" + MEDIATOR_PAYLOAD + "} }"


async def members_by_role(bureau: GraphQLClient, org_id: str) -> list[dict[str, Any]]:
    body = await bureau("query($id: ID!) { organization(id: $id) { members { role mediator { id version } } } }", id=org_id)
    members = body["data"]["organization"]["members"]
    return [m["mediator"] for m in sorted(members, key=lambda m: (m["role"] != "CHAIR", m["mediator"]["id"]))]

