"""Partner registration (issue #5): partners register organizations, the governing bureau approves or rejects,
partners read and amend only their own registrations, and the partner directory. Mediators:
`test_mediator_registration.py`."""

from __future__ import annotations

from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from tests.conftest import AsAgency, GraphQLClient
from tests.helpers.registration import (
    ACFTU,
    APPROVE,
    CHENGDU,
    DECIDE,
    MINE,
    PAYLOAD,
    PBOC,
    PROBLEM,
    QUEUE,
    READ,
    REGISTER,
    REGISTER_ORG,
    REJECT,
    ROSTER,
    WUHOU,
    YUCHENG,
    YULIN,
    agency,
    counts,
    data,
    organization,
    register_org,
)

WUHOU_COURT = "成都市武侯区人民法院"
ADMIN = "调解名册平台管理中心"
TERM = {"since": "2025-01-01", "until": "2027-12-31"}

AMEND_ORG = "mutation($id: ID!, $version: Int!, $input: OrganizationAmendment!) {" \
    " amendOrganizationRegistration(id: $id, version: $version, input: $input) {" + PAYLOAD + "} }"
COMPLETE = "mutation($id: ID!, $version: Int!) { completeFiling(id: $id, version: $version) {" + PROBLEM + "} }"
DIRECTORY = """query($partner: ID!, $first: Int) { partnerDirectory(partnerId: $partner, first: $first) {
  organizationCount mediatorCount provinces { province { code } organizationCount filedOrganizationCount
  pendingOrganizationCount mediatorCount organizations { id } mediators { id } } } }"""


async def test_a_partner_registers_a_pending_organization_affiliated_with_it(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)

    saved = await register_org(acftu, sourceRecordId="ACFTU-0001")

    assert (saved["kind"], saved["status"], saved["registrationStatus"]) == ("ORGANIZATION", "PENDING", "PENDING")
    assert (saved["jurisdiction"], saved["registeredBy"], saved["decidedBy"]) == ({"code": YULIN}, {"name": ACFTU}, None)
    assert saved["sourceRecordId"] == "ACFTU-0001" and saved["registeredAt"] is not None
    rows = await demo.read(
        "MATCH (n:Organization {id: $id})-[:AFFILIATED_WITH]->(a:PartnerAgency) RETURN a.id AS partner, n.status AS status",
        id=saved["id"],
    )
    assert rows == [{"partner": agency(ACFTU), "status": "PENDING"}]
    events = await demo.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op", id=saved["id"])
    assert events == [{"op": "registerOrganization"}]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"creditCode": "9111000060003734"}, "creditCode"),
        ({"jurisdiction": "110101"}, "jurisdiction"),  # a well-formed code the graph does not hold
        ({"name": "商"}, "name"),
        ({"publicPhone": "call us"}, "publicPhone"),
    ],
)
async def test_registration_is_validated_as_filing_is(
    demo: Graph, as_agency: AsAgency, change: dict[str, Any], field: str
) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    before = await counts(demo)

    refused = await data(acftu, REGISTER_ORG, input=organization(**change))

    assert (refused["code"], refused["field"]) == ("VALIDATION", field)
    assert await counts(demo) == before


async def test_a_credit_code_already_on_the_roster_is_a_conflict(demo: Graph, as_agency: AsAgency) -> None:
    taken = next(o["props"]["creditCode"] for o in ROSTER.organizations if o["props"]["creditCode"])
    acftu = await as_agency(ACFTU, REGISTER)
    before = await counts(demo)

    refused = await data(acftu, REGISTER_ORG, input=organization(creditCode=taken))

    assert (refused["code"], refused["field"]) == ("CONFLICT", "creditCode")
    assert await counts(demo) == before


@pytest.mark.parametrize(
    ("who", "scopes", "code"),
    [(None, None, "UNAUTHENTICATED"), (ACFTU, "roster:read", "FORBIDDEN"), (WUHOU, REGISTER, "FORBIDDEN_BY_AGENCY")],
)
async def test_only_a_partner_with_the_scope_registers(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient, who: str | None, scopes: str | None, code: str
) -> None:
    client = await as_agency(who, scopes) if who and scopes else gql
    before = await counts(demo)

    body = await client(REGISTER_ORG, input=organization())

    found = body["errors"][0]["extensions"]["code"] if body.get("errors") else body["data"]["registerOrganization"]["code"]
    assert found == code
    assert await counts(demo) == before


async def test_the_bureau_that_governs_the_location_sees_the_queue(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    saved = await register_org(acftu)

    wuhou = await data(await as_agency(WUHOU, READ), QUEUE)
    chengdu = await data(await as_agency(CHENGDU, READ), QUEUE)
    yucheng = await data(await as_agency(YUCHENG, READ), QUEUE)
    court = await data(await as_agency(WUHOU_COURT, READ), QUEUE)
    admin = await data(await as_agency(ADMIN, READ), QUEUE)
    partner = await (await as_agency(ACFTU, REGISTER))(QUEUE)

    listed = {"id": saved["id"], "kind": "ORGANIZATION", "name": "玉林商事调解中心",
              "organization": {"id": saved["id"], "status": "PENDING"}, "mediator": None}
    assert wuhou == chengdu == admin == {"totalCount": 1, "nodes": [listed]}
    assert yucheng == court == {"totalCount": 0, "nodes": []}
    assert partner["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_approval_files_the_organization_with_the_bureau(demo: Graph, as_agency: AsAgency) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    saved = await register_org(acftu)

    approved = (await data(wuhou, APPROVE, id=saved["id"], version=saved["version"]))["registration"]
    mine = (await data(acftu, MINE))["nodes"]

    assert (approved["status"], approved["registrationStatus"], approved["decidedBy"]) == (
        "FILED", "APPROVED", {"name": WUHOU}
    )
    assert mine == [approved]
    assert approved["decidedAt"] is not None
    rows = await demo.read(
        "MATCH (n:Organization {id: $id})-[f:FILED_WITH]->(b:JudicialBureau), (n)-[:GUIDED_BY]->(c:Court)"
        " RETURN b.id AS bureau, c.id AS court, f.filingNo AS filingNo, n.filingNo AS stored,"
        " COUNT { (:Notice {organizationId: n.id, kind: 'FILING'})-[:NOTIFIES]->(c) } AS notices",
        id=saved["id"],
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row["bureau"], row["court"], row["notices"]) == (agency(WUHOU), agency(WUHOU_COURT), 1)
    assert row["filingNo"] == row["stored"] and row["filingNo"].startswith("510107-")
    events = await demo.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op ORDER BY e.seq", id=saved["id"])
    assert [e["op"] for e in events] == ["registerOrganization", "approveRegistration"]
    assert (await data(wuhou, QUEUE))["totalCount"] == 0


async def test_approval_needs_a_lawfully_composed_committee(demo: Graph, as_agency: AsAgency) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    saved = await register_org(acftu, name="玉林北路社区第三人民调解委员会", kind="RESIDENTS_COMMITTEE")
    before = await counts(demo)

    refused = await data(wuhou, APPROVE, id=saved["id"], version=saved["version"])

    assert (refused["code"], refused["field"]) == ("VALIDATION", "members")
    assert await counts(demo) == before
    assert (await data(acftu, MINE))["nodes"][0]["registrationStatus"] == "PENDING"


async def test_a_registration_is_not_filed_past_the_queue(demo: Graph, as_agency: AsAgency) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    saved = await register_org(acftu, name="玉林法律服务调解中心")
    before = await counts(demo)

    refused = await data(wuhou, COMPLETE, id=saved["id"], version=saved["version"])
    unchanged = await counts(demo)
    rejected = await data(wuhou, REJECT, id=saved["id"], version=saved["version"], reason="地址不详")
    rejected_state = await counts(demo)
    after_rejection = await data(wuhou, COMPLETE, id=saved["id"], version=rejected["registration"]["version"])

    assert (refused["code"], refused["field"]) == ("ILLEGAL_TRANSITION", "id")
    assert unchanged == before
    assert (after_rejection["code"], after_rejection["field"]) == ("ILLEGAL_TRANSITION", "id")
    assert await counts(demo) == rejected_state
    assert (await data(acftu, MINE))["nodes"][0]["registrationStatus"] == "REJECTED"


async def test_a_rejection_carries_its_reason_to_the_partner(demo: Graph, as_agency: AsAgency) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    saved = await register_org(acftu)

    no_reason = await data(wuhou, REJECT, id=saved["id"], version=saved["version"], reason=" ")
    rejected = await data(wuhou, REJECT, id=saved["id"], version=saved["version"], reason="名称与已备案组织重复")
    again = await data(wuhou, APPROVE, id=saved["id"], version=saved["version"] + 1)
    mine = (await data(acftu, MINE, statuses=["REJECTED"]))["nodes"]

    assert (no_reason["code"], no_reason["field"]) == ("VALIDATION", "reason")
    assert rejected["registration"]["registrationStatus"] == "REJECTED"
    assert (again["code"], again["field"]) == ("ILLEGAL_TRANSITION", "status")
    assert len(mine) == 1
    assert (mine[0]["status"], mine[0]["reason"], mine[0]["decidedBy"]) == ("PENDING", "名称与已备案组织重复", {"name": WUHOU})
    assert (await data(wuhou, QUEUE))["totalCount"] == 0


async def test_a_bureau_cannot_decide_outside_its_jurisdiction(demo: Graph, as_agency: AsAgency) -> None:
    acftu, yucheng = await as_agency(ACFTU, REGISTER), await as_agency(YUCHENG, DECIDE)
    deciding_partner = await as_agency(ACFTU, REGISTER + " roster:write")
    saved = await register_org(acftu)
    before = await counts(demo)

    approved = await data(yucheng, APPROVE, id=saved["id"], version=saved["version"])
    rejected = await data(yucheng, REJECT, id=saved["id"], version=saved["version"], reason="越权")
    partner = await data(deciding_partner, APPROVE, id=saved["id"], version=saved["version"])

    assert (approved["code"], approved["field"]) == ("FORBIDDEN_BY_AGENCY", "id")
    assert (rejected["code"], rejected["field"]) == ("FORBIDDEN_BY_AGENCY", "id")
    assert partner["code"] == "FORBIDDEN_BY_AGENCY"
    assert await counts(demo) == before


async def test_a_partner_reads_only_its_own_registrations(demo: Graph, as_agency: AsAgency) -> None:
    acftu, pboc = await as_agency(ACFTU, REGISTER), await as_agency(PBOC, REGISTER)
    ours = await register_org(acftu)
    theirs = await register_org(pboc, name="玉林金融消费纠纷调解中心")

    mine = await data(acftu, MINE)
    other = await data(pboc, MINE)

    assert [n["id"] for n in mine["nodes"]] == [ours["id"]] and mine["totalCount"] == 1
    assert [n["id"] for n in other["nodes"]] == [theirs["id"]] and other["totalCount"] == 1


LOOKUP = """query($id: ID!, $name: String!) {
  organizations(filter: {nameContains: $name}) { totalCount nodes { id } }
  organization(id: $id) { id } node(id: $id) { id } }"""


@pytest.mark.parametrize(
    ("caller", "scopes", "listed"),
    [
        (None, None, False),
        (PBOC, "registrations:write roster:read", False),
        (YUCHENG, READ, False),
        (ACFTU, "registrations:write roster:read", True),
        (WUHOU, READ, True),
        (ADMIN, READ, True),
    ],
)
async def test_a_pending_registration_is_not_in_the_public_directory(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient, caller: str | None, scopes: str | None, listed: bool
) -> None:
    """Until its bureau decides, a registration is seen only by those who see it in full."""
    saved = await register_org(await as_agency(ACFTU, REGISTER), name="玉林待审调解中心")
    reader = gql if caller is None else await as_agency(caller, scopes or "")

    body = await reader(LOOKUP, id=saved["id"], name="待审")

    assert "errors" not in body, body
    found = body["data"]
    expected = [{"id": saved["id"]}] if listed else []
    assert (found["organizations"]["nodes"], found["organizations"]["totalCount"]) == (expected, len(expected))
    first = expected[0] if expected else None
    assert (found["organization"], found["node"]) == (first, first)


async def test_my_registrations_pages_with_a_cursor(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    for n in range(3):
        await register_org(acftu, name=f"玉林商事调解中心{n}")

    first = await data(acftu, MINE, first=2)
    rest = await data(acftu, MINE, first=2, after=first["pageInfo"]["endCursor"])

    assert [n["name"] for n in first["nodes"] + rest["nodes"]] == [f"玉林商事调解中心{n}" for n in range(3)]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)


async def test_a_partner_amends_only_its_own_open_registration(demo: Graph, as_agency: AsAgency) -> None:
    acftu, pboc, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(PBOC, REGISTER), await as_agency(WUHOU, DECIDE)
    saved = await register_org(acftu)
    before = await counts(demo)

    foreign = await data(pboc, AMEND_ORG, id=saved["id"], version=saved["version"], input={"name": "劫持的名称"})
    assert (foreign["code"], foreign["field"]) == ("FORBIDDEN_BY_AGENCY", "id")
    assert await counts(demo) == before

    amended = (await data(acftu, AMEND_ORG, id=saved["id"], version=saved["version"],
                          input={"name": "玉林商事调解服务中心", "jurisdiction": "510107001004"}))["registration"]
    stale = await data(acftu, AMEND_ORG, id=saved["id"], version=saved["version"], input={"name": "过时的名称"})
    await data(wuhou, APPROVE, id=saved["id"], version=amended["version"])
    closed = await data(acftu, AMEND_ORG, id=saved["id"], version=amended["version"] + 1, input={"name": "批准后改名"})

    assert (amended["name"], amended["jurisdiction"], amended["version"]) == ("玉林商事调解服务中心", {"code": "510107001004"}, 2)
    assert (stale["code"], closed["code"]) == ("STALE_VERSION", "ILLEGAL_TRANSITION")
    rows = await demo.read("MATCH (n:Organization {id: $id}) RETURN n.name AS name", id=saved["id"])
    assert rows == [{"name": "玉林商事调解服务中心"}]


async def test_amending_a_rejected_registration_sends_it_back_to_the_bureau(demo: Graph, as_agency: AsAgency) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    saved = await register_org(acftu)
    await data(wuhou, REJECT, id=saved["id"], version=saved["version"], reason="地址不详")

    amended = (await data(acftu, AMEND_ORG, id=saved["id"], version=saved["version"] + 1,
                          input={"address": "武侯区玉林北路1号"}))["registration"]

    assert (amended["registrationStatus"], amended["reason"], amended["decidedBy"]) == ("PENDING", None, None)
    assert [n["id"] for n in (await data(wuhou, QUEUE))["nodes"]] == [saved["id"]]


def affiliated(partner: str, place: str = "") -> tuple[set[str], set[str]]:
    today = clock.today()
    orgs = {o["id"] for o in ROSTER.organizations if o["partner"] == partner and o["jurisdiction"].startswith(place)}
    people = {m["mediator"] for m in ROSTER.memberships
              if m["organization"] in orgs and (m["until"] is None or m["until"] >= today)}
    return orgs, people


async def test_the_partner_directory_counts_per_province_within_the_callers_reach(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, READ)
    orgs, people = affiliated(ACFTU)
    wuhou_orgs, wuhou_people = affiliated(ACFTU, "510107")

    own = await data(acftu, DIRECTORY, partner=agency(ACFTU), first=100)
    other = await data(await as_agency(PBOC, READ), DIRECTORY, partner=agency(ACFTU))
    bureau = await data(await as_agency(WUHOU, READ), DIRECTORY, partner=agency(ACFTU), first=100)
    unknown = await data(acftu, DIRECTORY, partner=agency(WUHOU))

    assert (own["organizationCount"], own["mediatorCount"]) == (len(orgs), len(people))
    province = own["provinces"][0]
    assert (province["province"], province["filedOrganizationCount"], province["pendingOrganizationCount"]) == (
        {"code": "510000"}, len(orgs), 0
    )
    assert {o["id"] for o in province["organizations"]} == orgs
    assert {m["id"] for m in province["mediators"]} == people
    assert other == {"organizationCount": 0, "mediatorCount": 0, "provinces": []}
    assert (bureau["organizationCount"], bureau["mediatorCount"]) == (len(wuhou_orgs), len(wuhou_people))
    assert unknown is None
    assert len(orgs) > len(wuhou_orgs) > 0


async def test_the_partner_directory_counts_pending_registrations(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER + " " + READ)
    await register_org(acftu)
    orgs, _ = affiliated(ACFTU)

    found = await data(acftu, DIRECTORY, partner=agency(ACFTU), first=1)

    province = found["provinces"][0]
    assert (province["organizationCount"], province["pendingOrganizationCount"]) == (len(orgs) + 1, 1)
    assert len(province["organizations"]) == 1


async def test_the_directory_is_a_few_statements_whatever_its_size(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, READ)
    demo.round_trips.count = 0

    found = await data(acftu, DIRECTORY, partner=agency(ACFTU), first=100)

    assert len(found["provinces"][0]["organizations"]) + len(found["provinces"][0]["mediators"]) > 20
    assert demo.round_trips.count == 6  # token check, partner, directory, provinces, organizations, mediators
