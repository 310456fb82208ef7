"""Mediators filed into a committee that is still a draft stay out of the public directory until it is filed
(issue 12): a mediator whose only memberships await a decision is PENDING, like those records."""

from __future__ import annotations

from graph.core.driver import Graph
from tests.conftest import AsAgency, GraphQLClient
from tests.helpers.filing import COMPLETE, FILE_MEDIATOR, TERM, WRITE, WUHOU, committee, draft_with_members, events, person

TOWNSHIP = "510107005000"
"""The township of `committee()`'s community (510107005001), as a 12-digit division code."""
PUBLIC = (
    "query($j: String!) { mediators(filter: {jurisdiction: $j, namePrefix: \"测试\"}, first: 50) {"
    " totalCount nodes { name } } }"
)


async def statuses(graph: Graph, organization: str) -> list[str]:
    rows = await graph.read(
        "MATCH (:Organization {id: $id})<-[:MEMBER_OF]-(m:Mediator) RETURN m.status AS status ORDER BY m.name",
        id=organization,
    )
    return [row["status"] for row in rows]


async def test_members_of_a_draft_are_pending_and_unlisted_until_it_is_filed(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id = await draft_with_members(bureau, 3)

    drafted = await statuses(demo, org_id)
    hidden = await gql(PUBLIC, j=TOWNSHIP)
    filed = await bureau(COMPLETE, id=org_id, version=1)
    listed = await gql(PUBLIC, j=TOWNSHIP)

    assert drafted == ["PENDING"] * 3
    assert hidden.get("data") and hidden["data"]["mediators"] == {"totalCount": 0, "nodes": []}, hidden
    assert filed["data"]["completeFiling"]["__typename"] == "OrganizationSaved", filed
    assert await statuses(demo, org_id) == ["FILED"] * 3
    assert listed["data"]["mediators"]["totalCount"] == 3, listed
    assert sorted(node["name"] for node in listed["data"]["mediators"]["nodes"]) == ["测试100", "测试101", "测试102"]
    mediator = await demo.read(
        "MATCH (:Organization {id: $id})<-[:MEMBER_OF]-(m:Mediator) RETURN m.id AS id ORDER BY m.name LIMIT 1", id=org_id
    )
    assert await events(demo, mediator[0]["id"]) == ["fileMediator", "fileMediator", "completeFiling"]


async def test_a_pending_mediator_joining_a_filed_committee_is_filed(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    draft = await draft_with_members(bureau, 3)
    pending = await demo.read(
        "MATCH (:Organization {id: $id})<-[:MEMBER_OF]-(m:Mediator) RETURN m.id AS id ORDER BY m.name LIMIT 1", id=draft
    )
    filed_committee = await demo.read(
        "MATCH (o:Organization {status: 'FILED'})-[:LOCATED_IN]->(:Jurisdiction {code: '510107005001'}) RETURN o.id AS id"
        " ORDER BY id LIMIT 1"
    )
    assert filed_committee, "the demo files a committee in 510107005001"

    joined = await bureau(
        "mutation($id: ID!, $input: MembershipInput!) { addMembership(mediatorId: $id, input: $input) { __typename"
        " ... on Problem { code message } } }",
        id=pending[0]["id"],
        input={"organizationId": filed_committee[0]["id"], "role": "MEMBER", **TERM},
    )
    status = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.status AS status", id=pending[0]["id"])

    assert joined["data"]["addMembership"]["__typename"] == "MediatorSaved", joined
    assert status == [{"status": "FILED"}]


async def test_a_mediator_filed_into_a_filed_committee_is_filed_at_once(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    filed_committee = await demo.read(
        "MATCH (o:Organization {status: 'FILED'})-[:LOCATED_IN]->(:Jurisdiction {code: '510107005001'}) RETURN o.id AS id"
        " ORDER BY id LIMIT 1"
    )

    body = await bureau(
        FILE_MEDIATOR, input=person(300), membership={"organizationId": filed_committee[0]["id"], "role": "MEMBER", **TERM}
    )

    assert body["data"]["fileMediator"]["mediator"]["status"] == "FILED", body
    assert committee()["jurisdiction"] == "510107005001"
