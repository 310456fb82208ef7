"""findMediators (issue #6): every filter alone and combined, checked against the demo roster computed in
Python; keyset pages; the caller's reach; and the refusals."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from graph.core.driver import Graph
from seed.roster import stable_id
from tests.conftest import AsAgency, GraphQLClient
from tests.helpers.mediator_search import ACFTU, CHENGDU, TODAY, WUHOU, WUHOU_BUREAU, WUHOU_COURT, given_ya_an_courses
from tests.helpers.report_expectations import Demo

ADMIN = "调解名册平台管理中心"
READ = "reports:read"
TRAFFIC = "成都市武侯区道路交通事故纠纷人民调解委员会"
LABOUR = "成都市武侯区劳动争议人民调解委员会"
FIND = """query($invitedBy: ID, $jurisdiction: String, $specialty: Specialty, $minGrade: Int, $met: Boolean,
  $language: String, $employment: Employment, $panel: Specialty, $first: Int, $after: String) {
  findMediators(invitedBy: $invitedBy, jurisdiction: $jurisdiction, specialty: $specialty, minGrade: $minGrade,
    metTrainingHours: $met, language: $language, employment: $employment, panel: $panel, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id name } } }"""


async def found(client: GraphQLClient, **variables: Any) -> tuple[list[str], int]:
    """Every id over all pages (100 at a time), and the total count."""
    ids: list[str] = []
    after = None
    while True:
        body = await client(FIND, first=100, after=after, **variables)
        assert "errors" not in body, body
        page = body["data"]["findMediators"]
        ids += [node["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids, page["totalCount"]
        after = page["pageInfo"]["endCursor"]


def by_name(model: Demo, ids: set[str]) -> list[str]:
    people = model.mediators
    return sorted(ids, key=lambda id: (people[id]["name"], id))


async def test_filters_alone_and_combined_match_the_demo_roster(demo: Graph, as_agency: AsAgency) -> None:
    model = Demo()
    people = model.mediators
    admin = await as_agency(ADMIN, f"{READ} roster:read")  # employment and training hours are not public
    wuhou = model.current(WUHOU, TODAY)
    chengdu = model.current(CHENGDU, TODAY)
    year = TODAY.year
    expected: dict[str, tuple[dict[str, Any], set[str]]] = {
        "jurisdiction": ({"jurisdiction": WUHOU}, wuhou),
        "specialty": (
            {"jurisdiction": CHENGDU, "specialty": "LABOUR"}, {m for m in chengdu if "LABOUR" in people[m]["specialties"]}
        ),
        "employment": (
            {"jurisdiction": WUHOU, "employment": "FULL_TIME"}, {m for m in wuhou if people[m]["employment"] == "FULL_TIME"}
        ),
        "language": ({"language": "en"}, {m for m in people if "en" in people[m]["languages"]}),
        "grade": ({"minGrade": 2}, {m for m in people if (g := model.grade_of(m, TODAY)) is not None and g[2] <= 2}),
        "trained": ({"jurisdiction": WUHOU, "met": True}, {m for m in wuhou if model.met_training(m, year)}),
        "untrained": ({"jurisdiction": WUHOU, "met": False}, {m for m in wuhou if not model.met_training(m, year)}),
        "combined": (
            {"jurisdiction": CHENGDU, "specialty": "FAMILY", "employment": "PART_TIME", "met": True, "language": "zh"},
            {m for m in chengdu if "FAMILY" in people[m]["specialties"] and people[m]["employment"] == "PART_TIME"
             and model.met_training(m, year) and "zh" in people[m]["languages"]},
        ),
    }

    results = {name: await found(admin, **variables) for name, (variables, _) in expected.items()}

    for name, (_, ids) in expected.items():
        assert ids, name  # each filter keeps someone, so the comparison is not vacuous
        assert results[name] == (by_name(model, ids), len(ids)), name
    assert len(results["trained"][0]) + len(results["untrained"][0]) == len(wuhou)
    assert len(results["grade"][0]) < len(model.grades)  # the rank threshold, not mere presence, decides


STATUS = f"""query($short: ID!, $done: ID!) {{ short: trainingStatus(mediatorId: $short, year: {TODAY.year}) {{ met }}
  done: trainingStatus(mediatorId: $done, year: {TODAY.year}) {{ met }} }}"""


async def test_met_training_hours_needs_ya_an_s_specialised_skills_quota(demo: Graph, as_agency: AsAgency) -> None:
    model = Demo()
    short, done = await given_ya_an_courses(demo, model)
    admin = await as_agency(ADMIN, f"{READ} roster:read")
    wuhou, year = model.current(WUHOU, TODAY), TODAY.year
    met = {m for m in wuhou if model.met_training(m, year)}

    trained = await found(admin, jurisdiction=WUHOU, met=True)
    untrained = await found(admin, jurisdiction=WUHOU, met=False)
    status = await admin(STATUS, short=short, done=done)

    assert model.hours(short, year) == model.hours(done, year) == 20.0
    assert model.met_training(short, year, topics={}) and short not in met and done in met
    assert short not in trained[0] and done in trained[0]
    assert short in untrained[0] and done not in untrained[0]
    assert trained == (by_name(model, met), len(met))
    assert untrained == (by_name(model, wuhou - met), len(wuhou - met))
    assert status == {"data": {"short": {"met": False}, "done": {"met": True}}}  # findMediators agrees with it


async def test_invited_by_a_court_directly_or_through_an_organization_and_by_panel(demo: Graph, as_agency: AsAgency) -> None:
    model = Demo()
    court = await as_agency(WUHOU_COURT, "invitations:write reports:read")
    traffic = model.organization_named(TRAFFIC)
    members = {m["mediator"] for m in model.members(traffic, TODAY)}
    single = by_name(model, model.current(WUHOU, TODAY) - members)[0]
    await court(
        "mutation($input: OrganizationInvitationInput!) { inviteOrganization(input: $input) { __typename } }",
        input={"organizationId": traffic, "panels": ["ROAD_TRAFFIC"], "certificateNo": "WH-1"},
    )
    await court(
        "mutation($input: MediatorInvitationInput!) { inviteMediator(input: $input) { __typename } }",
        input={"mediatorId": single, "panels": ["FAMILY"], "certificateNo": "WH-2", "exclusionCheck": {
            "criminalRecord": False, "seriousAdministrativePenalty": False, "dishonestJudgmentDebtor": False}},
    )

    invited = await found(court, invitedBy=stable_id("agency", WUHOU_COURT))
    on_panel = await found(court, invitedBy=stable_id("agency", WUHOU_COURT), panel="ROAD_TRAFFIC")
    any_family = await found(court, panel="FAMILY")
    elsewhere = await found(court, invitedBy=stable_id("agency", "雅安市雨城区人民法院"))

    assert invited == (by_name(model, members | {single}), len(members) + 1)
    assert on_panel == (by_name(model, members), len(members))
    assert any_family == ([single], 1)
    assert elsewhere == ([], 0)


async def test_pages_follow_each_other_without_gaps_or_repeats(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU_BUREAU, READ)
    everyone, total = await found(bureau, jurisdiction=WUHOU)

    first = (await bureau(FIND, jurisdiction=WUHOU, first=7))["data"]["findMediators"]
    second = (await bureau(FIND, jurisdiction=WUHOU, first=7, after=first["pageInfo"]["endCursor"]))["data"]["findMediators"]

    assert [n["id"] for n in first["nodes"] + second["nodes"]] == everyone[:14]
    assert first["pageInfo"]["hasNextPage"] is True and total == len(everyone) > 14


@pytest.mark.parametrize(
    ("agency_name", "scopes", "outcome"),
    [
        (None, None, "UNAUTHENTICATED"),
        (WUHOU_BUREAU, "roster:read", "FORBIDDEN"),
        (WUHOU_BUREAU, READ, "WUHOU"),
        (ACFTU, READ, "UNION"),
        (ADMIN, READ, "ALL"),
    ],
)
async def test_a_caller_finds_only_the_mediators_within_its_reach(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient, agency_name: str | None, scopes: str | None, outcome: str
) -> None:
    model = Demo()
    caller = await as_agency(agency_name, scopes) if agency_name and scopes else gql
    nodes = await demo.read("MATCH (n) RETURN count(n) AS n")

    body = await caller(FIND, first=1)

    if outcome in ("UNAUTHENTICATED", "FORBIDDEN"):
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == outcome
    else:
        total = body["data"]["findMediators"]["totalCount"]
        union = {
            m["mediator"] for m in model.roster.memberships
            if model.organizations[m["organization"]]["partner"] == ACFTU
        }
        assert total == {"WUHOU": len(model.serving(WUHOU, datetime.date.min, datetime.date.max)),
                         "UNION": len(union), "ALL": len(model.mediators)}[outcome]
    assert await demo.read("MATCH (n) RETURN count(n) AS n") == nodes


async def test_a_suspended_mediator_is_not_found(demo: Graph, as_agency: AsAgency) -> None:
    model = Demo()
    admin = await as_agency(ADMIN, READ)
    labour = model.organization_named(LABOUR)
    suspended = min(m["mediator"] for m in model.members(labour, TODAY))
    await demo.write("MATCH (m:Mediator {id: $id}) SET m.status = 'SUSPENDED'", id=suspended)

    ids, total = await found(admin, jurisdiction=WUHOU)

    assert suspended not in ids and total == len(model.current(WUHOU, TODAY)) - 1


@pytest.mark.parametrize(
    "variables",
    [{"minGrade": 0}, {"minGrade": 11}, {"jurisdiction": "999999"}, {"language": "Chinese!"}, {"first": 101}, {"after": "nope"}],
)
async def test_bad_filters_are_refused(demo: Graph, as_agency: AsAgency, variables: dict[str, Any]) -> None:
    admin = await as_agency(ADMIN, READ)

    body = await admin(FIND, **variables)

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body


async def test_a_page_is_one_statement_and_the_count_another(demo: Graph, as_agency: AsAgency) -> None:
    admin = await as_agency(ADMIN, READ)
    await admin("query { findMediators(first: 1) { nodes { id } } }")
    demo.round_trips.count = 0
    await admin("query { findMediators(first: 1) { nodes { id } } }")
    baseline = demo.round_trips.count
    demo.round_trips.count = 0

    await admin(
        'query { findMediators(jurisdiction: "510107", minGrade: 3, metTrainingHours: true, first: 20)'
        " { totalCount nodes { id name } } }"
    )

    assert demo.round_trips.count == baseline + 2  # the division check, then the count; the page costs what it did
