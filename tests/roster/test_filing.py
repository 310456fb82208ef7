"""Roster filing by judicial bureaus: lifecycle, composition, identity, concurrency, idempotency, agency reach."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from seed.demo import demo_roster
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient
from tests.helpers.filing import (
    AMEND_MEDIATOR,
    COMPLETE,
    DEREGISTER,
    FILE_MEDIATOR,
    FILE_ORG,
    MEDIATOR_PAYLOAD,
    PAYLOAD,
    TERM,
    WRITE,
    WUHOU,
    YUCHENG,
    committee,
    draft_with_members,
    events,
    identity,
    members_by_role,
    person,
    size,
)

ROSTER = demo_roster(HASH_KEY)
TODAY = clock.today()

DRAFT_PUBLIC = "mutation($input: OrganizationInput!) { fileOrganization(input: $input, draft: true) {" \
    "... on OrganizationSaved { organization { id name status } } } }"


async def test_a_writer_without_roster_read_gets_its_draft_back_but_the_public_does_not(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    bureau = await as_agency(WUHOU, "roster:write")

    body = await bureau(DRAFT_PUBLIC, input=committee())
    org = body["data"]["fileOrganization"]["organization"]
    public = await gql("query($id: ID!) { organization(id: $id) { id } }", id=org["id"])

    assert "errors" not in body, body
    assert (org["name"], org["status"]) == (committee()["name"], "PENDING")
    assert public == {"data": {"organization": None}}


async def test_a_committee_is_drafted_staffed_and_then_filed(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id = await draft_with_members(bureau, 3)

    body = await bureau(COMPLETE, id=org_id, version=1)

    saved = body["data"]["completeFiling"]
    assert saved["__typename"] == "OrganizationSaved", saved
    assert saved["organization"]["status"] == "FILED"
    assert saved["organization"]["filingNo"] == f"510107-{TODAY.year}-000001"
    assert saved["organization"]["filedAt"] == TODAY.isoformat()
    links = await demo.read(
        "MATCH (o:Organization {id: $id}) RETURN [(o)-[:FILED_WITH]->(b) | b.name] AS bureau,"
        " [(o)-[:GUIDED_BY]->(c) | c.name] AS court,"
        " [(n:Notice {organizationId: $id})-[:NOTIFIES]->(c:Court) | n.kind + '>' + c.name] AS notices",
        id=org_id,
    )
    assert links[0]["bureau"] == [WUHOU]
    assert links[0]["court"] == ["成都市武侯区人民法院"]
    assert sorted(links[0]["notices"]) == ["FILING>成都市武侯区人民法院"]
    assert await events(demo, org_id) == ["fileOrganization", "completeFiling"]


@pytest.mark.parametrize(
    ("members", "women", "message"),
    [
        (2, 1, "A committee has 3 to 9 members; this one has 2 (Art 8)."),
        (3, 0, "A committee includes at least one woman (Art 8)."),
    ],
)
async def test_filing_refuses_an_unlawful_committee_and_writes_nothing(
    demo: Graph, as_agency: AsAgency, members: int, women: int, message: str
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id = await draft_with_members(bureau, members, women=women)
    before = await size(demo)

    body = await bureau(COMPLETE, id=org_id, version=1)

    problem = body["data"]["completeFiling"]
    assert problem["__typename"] == "ValidationProblem"
    assert (problem["code"], problem["field"], problem["message"]) == ("VALIDATION", "members", message)
    assert await size(demo) == before
    assert await events(demo, org_id) == ["fileOrganization"]


async def test_a_committee_cannot_be_filed_without_members(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    before = await size(demo)

    body = await bureau(FILE_ORG, input=committee(), draft=False)

    problem = body["data"]["fileOrganization"]
    assert problem["__typename"] == "ValidationProblem"
    assert [d["message"] for d in problem["details"]] == [
        "A committee has 3 to 9 members; this one has 0 (Art 8).",
        "A committee has exactly one chair; this one has 0 (Art 8).",
        "A committee includes at least one woman (Art 8).",
        "This kind needs at least 1 full-time mediators; it has 0.",
    ]
    assert await size(demo) == before


async def test_a_lawyer_studio_is_filed_at_once_with_warnings(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)

    body = await bureau(
        FILE_ORG,
        input={"name": "武侯区第二律师调解工作室", "kind": "LAWYER_STUDIO", "jurisdiction": "510107",
               "creditCode": "91350100M0001TGQXM"},
        draft=False,
    )

    saved = body["data"]["fileOrganization"]
    assert saved["organization"]["status"] == "FILED"
    assert saved["warnings"] == ["check character M does not match (expected 1); accepted as a pilot-era code"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"creditCode": "91350100M0001TGQX"}, "creditCode", "A unified social credit code must have 18 characters."),
        ({"jurisdiction": "519999"}, "jurisdiction", "`jurisdiction`: no administrative division has the code 519999."),
        ({"name": "x"}, "name", "String should have at least 2 characters"),
    ],
)
async def test_bad_organization_input_is_a_validation_problem(
    demo: Graph, as_agency: AsAgency, change: dict[str, Any], field: str, message: str
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    before = await size(demo)

    body = await bureau(FILE_ORG, input=committee(**change), draft=True)

    result = body["data"]["fileOrganization"] if body["data"] else None
    if result is None:  # a division that does not exist is an input error of the whole field
        assert body["errors"][0]["message"] == message
    else:
        assert (result["code"], result["field"], result["message"]) == ("VALIDATION", field, message)
    assert await size(demo) == before


async def test_a_bureau_cannot_file_outside_its_jurisdiction(demo: Graph, as_agency: AsAgency) -> None:
    outsider = await as_agency(YUCHENG, WRITE)
    before = await size(demo)

    body = await outsider(FILE_ORG, input=committee(), draft=True)

    assert body["data"]["fileOrganization"]["code"] == "FORBIDDEN_BY_AGENCY"
    assert await size(demo) == before


async def test_writing_needs_the_roster_write_scope(demo: Graph, as_agency: AsAgency) -> None:
    reader = await as_agency(WUHOU, "roster:read")
    before = await size(demo)

    body = await reader(FILE_ORG, input=committee(), draft=True)

    assert reader.last is not None and reader.last.status_code == 403
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "scope": "roster:write"}
    assert await size(demo) == before


async def test_the_lifecycle_and_its_illegal_steps(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区律师调解工作室")
    step = "mutation($id: ID!, $v: Int!) { %s(id: $id, version: $v, reason: \"检查\") {" + PAYLOAD + "} }"

    illegal = await bureau(step % "reinstateOrganization", id=org["id"], v=1)
    suspended = await bureau(step % "suspendOrganization", id=org["id"], v=1)
    stale = await bureau(step % "reinstateOrganization", id=org["id"], v=1)
    reinstated = await bureau(step % "reinstateOrganization", id=org["id"], v=2)
    deregistered = await bureau(step % "deregisterOrganization", id=org["id"], v=3)

    assert illegal["data"]["reinstateOrganization"]["code"] == "ILLEGAL_TRANSITION"
    assert suspended["data"]["suspendOrganization"]["organization"]["status"] == "SUSPENDED"
    assert stale["data"]["reinstateOrganization"]["code"] == "STALE_VERSION"
    assert reinstated["data"]["reinstateOrganization"]["organization"]["status"] == "FILED"
    assert deregistered["data"]["deregisterOrganization"]["organization"] == {
        "id": org["id"], "name": org["props"]["name"], "status": "DEREGISTERED", "version": 4,
        "filingNo": org["props"]["filingNo"], "filedAt": org["props"]["filedAt"].isoformat(),
    }
    assert await events(demo, org["id"]) == ["suspendOrganization", "reinstateOrganization", "deregisterOrganization"]


async def test_the_same_person_filed_twice_is_a_conflict(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区律师调解工作室")
    membership = {"organizationId": org["id"], "role": "MEMBER", "since": "2025-01-01"}
    first = await bureau(FILE_MEDIATOR, input=person(7), membership=membership)
    before = await size(demo)

    again = await bureau(FILE_MEDIATOR, input=person(7) | {"name": "别名"}, membership=membership)

    assert first["data"]["fileMediator"]["mediator"]["gender"] == "MALE"
    assert first["data"]["fileMediator"]["mediator"]["birthYear"] == 1980
    assert again["data"]["fileMediator"]["code"] == "CONFLICT"
    assert again["data"]["fileMediator"]["field"] == "identityNumber"
    assert await size(demo) == before


async def test_the_same_person_filed_twice_at_once_is_one_mediator_and_one_conflict(
    demo: Graph, as_agency: AsAgency
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区律师调解工作室")
    membership = {"organizationId": org["id"], "role": "MEMBER", "since": "2025-01-01"}
    before = await size(demo)

    racing = await asyncio.gather(
        *(bureau(FILE_MEDIATOR, input=person(8) | {"name": f"并发{n}"}, membership=membership) for n in range(4))
    )

    outcomes = sorted(body["data"]["fileMediator"].get("code", "SAVED") for body in racing)
    assert outcomes == ["CONFLICT", "CONFLICT", "CONFLICT", "SAVED"], racing
    hashes = await demo.read("MATCH (m:Mediator) WHERE m.name STARTS WITH '并发' RETURN count(m) AS n")
    assert hashes == [{"n": 1}]
    assert await size(demo) != before


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        (identity(9, born=f"{TODAY.year - 17}0101"), "A mediator must be an adult (People's Mediation Law Art 14)."),
        ("510107198001010000", "The check character of the resident identity number does not match."),
    ],
)
async def test_a_mediator_must_be_an_adult_with_a_valid_identity(
    demo: Graph, as_agency: AsAgency, identity: str, message: str
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区律师调解工作室")

    body = await bureau(
        FILE_MEDIATOR,
        input=person(9) | {"identityNumber": identity},
        membership={"organizationId": org["id"], "role": "MEMBER", "since": "2025-01-01"},
    )

    assert (body["data"]["fileMediator"]["field"], body["data"]["fileMediator"]["message"]) == ("identityNumber", message)


async def test_idempotency_keys_return_the_first_result(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    first = await bureau(FILE_ORG, input=committee(), draft=True, key="k-1")
    before = await size(demo)

    again = await bureau(FILE_ORG, input=committee(), draft=True, key="k-1")
    other = await bureau(FILE_ORG, input=committee(name="另一人民调解委员会"), draft=True, key="k-1")

    assert again["data"]["fileOrganization"]["replayed"] is True
    assert again["data"]["fileOrganization"]["organization"]["id"] == first["data"]["fileOrganization"]["organization"]["id"]
    refused = other["data"]["fileOrganization"]
    assert (refused["code"], refused["field"]) == ("CONFLICT", "idempotencyKey")
    assert await size(demo) == before


async def test_ending_memberships_keeps_a_filed_committee_lawful(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org = next(r for r in ROSTER.organizations if r["props"]["name"] == "洗面桥社区人民调解委员会")
    seats = [m for m in ROSTER.memberships if m["organization"] == org["id"]]
    plain = [m["mediator"] for m in seats if m["role"] == "MEMBER"]
    leave = "mutation($m: ID!, $o: ID!, $until: Date!) {" \
        " endMembership(mediatorId: $m, organizationId: $o, until: $until) {" + MEDIATOR_PAYLOAD + "} }"
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()

    results = [await bureau(leave, m=mediator, o=org["id"], until=yesterday) for mediator in plain]

    kinds = [result["data"]["endMembership"]["__typename"] for result in results]
    assert kinds == ["MediatorSaved"] * (len(seats) - 3) + ["ValidationProblem"]
    assert results[-1]["data"]["endMembership"]["message"] == "A committee has 3 to 9 members; this one has 2 (Art 8)."
    notices = await demo.read("MATCH (n:Notice {organizationId: $id}) RETURN n.kind AS kind", id=org["id"])
    assert [row["kind"] for row in notices] == ["MEMBER_LEFT"] * (len(seats) - 3)


LEAVE = "mutation($m: ID!, $o: ID!, $until: Date!) {" \
    " endMembership(mediatorId: $m, organizationId: $o, until: $until) {" + MEDIATOR_PAYLOAD + "} }"


async def filed_committee_of_three(bureau: GraphQLClient) -> tuple[str, list[str]]:
    """A FILED residents' committee with exactly three full-time members: the chair (a woman) first."""
    org_id = await draft_with_members(bureau, 3)
    body = await bureau(COMPLETE, id=org_id, version=1)
    assert body["data"]["completeFiling"]["__typename"] == "OrganizationSaved", body
    return org_id, [person["id"] for person in await members_by_role(bureau, org_id)]


async def test_a_member_leaving_on_a_later_day_still_may_not_break_the_committee(
    demo: Graph, as_agency: AsAgency
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id, people = await filed_committee_of_three(bureau)
    before, trail = await size(demo), await events(demo, people[2])

    later = await bureau(LEAVE, m=people[2], o=org_id, until=(TODAY + datetime.timedelta(days=30)).isoformat())

    problem = later["data"]["endMembership"]
    assert (problem["__typename"], problem["message"]) == (
        "ValidationProblem", "A committee has 3 to 9 members; this one has 2 (Art 8).")
    assert await size(demo) == before
    assert await events(demo, people[2]) == trail
    terms = await demo.read("MATCH (:Mediator {id: $id})-[r:MEMBER_OF]->() RETURN r.until AS until", id=people[2])
    assert [row["until"] is not None and str(row["until"]) for row in terms] == [TERM["until"]]


async def test_deregistering_a_member_may_not_break_the_committee(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id, people = await filed_committee_of_three(bureau)

    refused = (await bureau(DEREGISTER, id=people[0], version=2))["data"]["deregisterMediator"]

    assert refused["__typename"] == "ValidationProblem"
    rows = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.status AS status, m.version AS v", id=people[0])
    assert rows == [{"status": "FILED", "v": 2}]


async def test_a_committee_keeps_its_full_time_minimum_when_members_go_part_time(
    demo: Graph, as_agency: AsAgency
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id, people = await filed_committee_of_three(bureau)
    part_time = {"employment": "PART_TIME"}

    first = (await bureau(AMEND_MEDIATOR, id=people[1], version=2, input=part_time))["data"]["amendMediator"]
    second = (await bureau(AMEND_MEDIATOR, id=people[2], version=2, input=part_time))["data"]["amendMediator"]
    last = (await bureau(AMEND_MEDIATOR, id=people[0], version=2, input=part_time))["data"]["amendMediator"]

    assert (first["__typename"], second["__typename"], last["__typename"]) == (
        "MediatorSaved", "MediatorSaved", "ValidationProblem")
    assert "full-time" in last["message"]
    rows = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.employment AS e", id=people[0])
    assert rows == [{"e": "FULL_TIME"}]


async def test_a_committee_term_lasts_at_most_three_years(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    body = await bureau(FILE_ORG, input=committee(), draft=True)
    org_id = body["data"]["fileOrganization"]["organization"]["id"]

    filed = await bureau(
        FILE_MEDIATOR, input=person(30, female=True),
        membership={"organizationId": org_id, "role": "CHAIR", "since": "2025-01-01", "until": "2028-01-01"},
    )

    assert (filed["data"]["fileMediator"]["field"], filed["data"]["fileMediator"]["message"]) == (
        "membership.until", "A committee term lasts at most 3 years (People's Mediation Law Art 9).",
    )


async def test_training_for_many_mediators_at_once(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, "training:write roster:read")
    wuhou = [m["mediator"] for m in ROSTER.memberships if next(
        o for o in ROSTER.organizations if o["id"] == m["organization"])["jurisdiction"].startswith("510107")][:5]
    elsewhere = next(m["mediator"] for m in ROSTER.memberships if next(
        o for o in ROSTER.organizations if o["id"] == m["organization"])["jurisdiction"].startswith("511802"))
    record = """mutation($input: TrainingInput!) { recordTraining(input: $input) {
        __typename ... on TrainingRecorded { trainingId } ... on Problem { code field } } }"""
    course = {"title": "调解技巧", "form": "CASE_ANALYSIS", "organizer": WUHOU, "hours": 6, "heldOn": "2026-09-01"}

    done = await bureau(record, input=course | {"attendees": [{"mediatorId": m} for m in wuhou]})
    refused = await bureau(record, input=course | {"attendees": [{"mediatorId": m} for m in [*wuhou, elsewhere]]})

    training_id = done["data"]["recordTraining"]["trainingId"]
    rows = await demo.read(
        "MATCH (:Training {id: $id})<-[r:COMPLETED]-(m) RETURN count(m) AS n, sum(r.hours) AS h", id=training_id
    )
    assert rows == [{"n": 5, "h": 30.0}]
    assert refused["data"]["recordTraining"] == {
        "__typename": "ForbiddenByAgencyProblem", "code": "FORBIDDEN_BY_AGENCY", "field": "attendees"
    }


async def test_filing_numbers_run_on_per_bureau_and_year(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    studio = {"kind": "LAWYER_STUDIO", "jurisdiction": "510107"}

    first = await bureau(FILE_ORG, input=studio | {"name": "第一律师调解工作室"}, draft=False)
    second = await bureau(FILE_ORG, input=studio | {"name": "第二律师调解工作室"}, draft=False)

    numbers = [body["data"]["fileOrganization"]["organization"]["filingNo"] for body in (first, second)]
    assert numbers == [f"510107-{TODAY.year}-000001", f"510107-{TODAY.year}-000002"]


async def test_a_field_at_fault_is_named_by_its_graphql_input_path(demo: Graph, as_agency: AsAgency) -> None:
    """Pydantic's snake_case names never reach the caller: `publicPhone`, as the input spells it."""
    bureau = await as_agency(WUHOU, WRITE)
    before = await size(demo)

    body = await bureau(FILE_ORG, input=committee(publicPhone="call me"), draft=True)

    problem = body["data"]["fileOrganization"]
    assert (problem["__typename"], problem["field"]) == ("ValidationProblem", "publicPhone")
    assert [d["field"] for d in problem["details"]] == ["publicPhone"]
    assert await size(demo) == before
