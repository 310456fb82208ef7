"""An attacker's review of partner registration, cases, grade assessment and reports: each test is a hole that
was found (it failed before its fix), with the caller who could use it and the caller who keeps access.

The rule they hold the features to (README "Access"): reports:read gives figures; a value that identifies one
record (a case number, an invitation certificate, a non-public field such as employment or training hours) needs
what reading that record needs, roster:read and the record's reach, wherever it appears, filters included."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from seed.demo import PLATFORM_ADMIN, demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient
from tests.helpers.filing import FILE_MEDIATOR, person

ROSTER = demo_roster(HASH_KEY)
TODAY = clock.today()
WUHOU = "510107"
WUHOU_BUREAU, WUHOU_COURT, YUCHENG_COURT = "成都市武侯区司法局", "成都市武侯区人民法院", "雅安市雨城区人民法院"
UNION = "中华全国总工会"
REPORTS, ROSTER_READ = "reports:read", "roster:read"


def agency(name: str) -> str:
    return stable_id("agency", name)


def members(name: str) -> list[str]:
    org = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == name)
    return sorted(
        m["mediator"] for m in ROSTER.memberships
        if m["organization"] == org and m["since"] <= TODAY and (m["until"] is None or m["until"] >= TODAY)
    )


LABOUR = members("成都市武侯区劳动争议人民调解委员会")
TRAFFIC = members("成都市武侯区道路交通事故纠纷人民调解委员会")
YAAN = members("雅安市雨城区道路交通事故纠纷人民调解委员会")


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


async def graph_size(graph: Graph) -> list[dict[str, Any]]:
    return await graph.read("MATCH (n) WHERE NOT n:OAuthClient RETURN count(n) AS nodes, COUNT { ()-->() } AS edges")


async def data(client: GraphQLClient, query: str, **variables: Any) -> Any:
    body = await client(query, **variables)
    assert "errors" not in body, body
    return next(iter(body["data"].values()))


# --- overdue case numbers in a jurisdiction report ----------------------------------------------------------

COURT_CODE, UNION_CODE = "(2026)川0107民诉前调901号", "(2026)川0107民诉前调902号"
OVERDUE = """query($code: String!) { jurisdictionReport(jurisdiction: $code) {
  overdueCases { totalCount cases { caseCode mediatorId referrerId daysOverdue } } } }"""


async def given_overdue_cases(graph: Graph) -> None:
    """Two accepted, unclosed cases past their deadline, for Wuhou mediators: one the Wuhou court referred, one
    the trade unions referred."""
    cases = [
        {"code": COURT_CODE, "mediator": TRAFFIC[0], "agency": agency(WUHOU_COURT), "deadline": day(-6)},
        {"code": UNION_CODE, "mediator": LABOUR[0], "agency": agency(UNION), "deadline": day(-3)},
    ]
    await graph.write("MATCH ()-[h:HANDLED]->() DELETE h")
    await graph.write(
        "UNWIND $cases AS c MATCH (m:Mediator {id: c.mediator}), (a:Agency {id: c.agency})"
        " CREATE (m)-[h:HANDLED]->(a) SET h.id = randomUUID(), h.caseCode = c.code, h.caseType = 'LABOUR',"
        " h.stage = 'ACCEPTED', h.acceptedAt = $accepted, h.deadline = c.deadline",
        cases=cases,
        accepted=day(-30),
    )


@pytest.mark.parametrize(
    ("caller", "scopes", "codes"),
    [
        (WUHOU_BUREAU, REPORTS, [None, None]),
        (WUHOU_COURT, REPORTS, [None, None]),
        (WUHOU_COURT, f"{REPORTS} {ROSTER_READ}", [COURT_CODE, None]),
        (WUHOU_BUREAU, f"{REPORTS} {ROSTER_READ}", [COURT_CODE, UNION_CODE]),
        (PLATFORM_ADMIN, f"{REPORTS} {ROSTER_READ}", [COURT_CODE, UNION_CODE]),
    ],
)
async def test_a_report_shows_an_overdue_case_s_number_only_to_who_may_read_the_case(
    demo: Graph, as_agency: AsAgency, caller: str, scopes: str, codes: list[str | None]
) -> None:
    """mediationCase needs roster:read and reaches a court's own cases only; the report's list follows it."""
    await given_overdue_cases(demo)
    client = await as_agency(caller, scopes)
    before = await graph_size(demo)

    found = await data(client, OVERDUE, code=WUHOU)

    listed = found["overdueCases"]
    assert listed["totalCount"] == 2  # the figure is the same for every reader of the report
    assert [(c["mediatorId"], c["referrerId"]) for c in listed["cases"]] == [
        (TRAFFIC[0], agency(WUHOU_COURT)), (LABOUR[0], agency(UNION))
    ]
    assert [c["caseCode"] for c in listed["cases"]] == codes
    assert await graph_size(demo) == before


# --- findMediators filters on fields that are not public ------------------------------------------------------

FIND = """query($jurisdiction: String, $employment: Employment, $met: Boolean) {
  findMediators(jurisdiction: $jurisdiction, employment: $employment, metTrainingHours: $met, first: 1) { totalCount } }"""


@pytest.mark.parametrize(("scopes", "reveals"), [(REPORTS, False), (f"{REPORTS} {ROSTER_READ}", True)])
async def test_find_mediators_filters_on_employment_and_training_only_with_roster_read(
    demo: Graph, as_agency: AsAgency, scopes: str, reveals: bool
) -> None:
    """Employment and training hours need roster:read to be read, so they need it to be filtered on: a filter
    that splits a page of names into full- and part-time reads the field (as `mediators(filter:)` already
    refuses to). Without roster:read such a filter matches no one."""
    bureau = await as_agency(WUHOU_BUREAU, scopes)
    before = await graph_size(demo)

    everyone = (await data(bureau, FIND, jurisdiction=WUHOU))["totalCount"]
    split = [
        (await data(bureau, FIND, jurisdiction=WUHOU, **where))["totalCount"]
        for where in ({"employment": "FULL_TIME"}, {"employment": "PART_TIME"}, {"met": True}, {"met": False})
    ]

    assert everyone > 0
    if reveals:
        assert split[0] + split[1] == everyone and split[0] > 0 and split[1] > 0
        assert split[2] + split[3] == everyone
    else:
        assert split == [0, 0, 0, 0]
    assert await graph_size(demo) == before


# --- invitation certificates in a court report ----------------------------------------------------------------

INVITE = "mutation($input: MediatorInvitationInput!) { inviteMediator(input: $input) { __typename } }"
CLEAR = {"criminalRecord": False, "seriousAdministrativePenalty": False, "dishonestJudgmentDebtor": False}
EXPIRING = """query($court: ID!) { courtReport(courtId: $court) {
  expiringInvitations { totalCount invitations { targetId certificateNo } } } }"""


@pytest.mark.parametrize(("scopes", "certificate"), [(REPORTS, None), (f"{REPORTS} {ROSTER_READ}", "WH-77")])
async def test_a_court_report_shows_certificate_numbers_only_with_roster_read(
    demo: Graph, as_agency: AsAgency, scopes: str, certificate: str | None
) -> None:
    """`InvitedEntry.certificateNo` needs roster:read; the court report's list of expiring invitations is read
    by bureaus and courts over the court with reports:read, so it must not hand the number out without it."""
    court = await as_agency(WUHOU_COURT, "invitations:write")
    invited = await data(court, INVITE, input={
        "mediatorId": TRAFFIC[0], "panels": ["ROAD_TRAFFIC"], "certificateNo": "WH-77", "exclusionCheck": CLEAR,
        "until": day(30).isoformat(),
    })
    assert invited["__typename"] == "InvitationSaved", invited
    bureau = await as_agency(WUHOU_BUREAU, scopes)
    before = await graph_size(demo)

    found = await data(bureau, EXPIRING, court=agency(WUHOU_COURT))

    assert found["expiringInvitations"] == {
        "totalCount": 1, "invitations": [{"targetId": TRAFFIC[0], "certificateNo": certificate}]
    }
    assert await graph_size(demo) == before


# --- a court recording a case under another court's number ----------------------------------------------------

REFER = """mutation($input: CaseReferralInput!) { recordCaseReferral(input: $input) {
  __typename ... on Problem { code field } ... on CaseSaved { case { id caseCode } } } }"""


def referral(code: str, mediator: str) -> dict[str, Any]:
    return {"caseCode": code, "mediatorId": mediator, "caseType": "ROAD_TRAFFIC", "referral": "DELEGATED",
            "parties": ["申请人", "被申请人"], "referredAt": day(-1).isoformat()}


async def test_a_court_cannot_take_another_court_s_case_number_by_writing_it_the_old_way(
    demo: Graph, as_agency: AsAgency
) -> None:
    """A court records cases only under its own court code. Writing Wuhou's number with the pre-2016 "字第"
    skipped that check, and since the number compares equal to Wuhou's, Yucheng could take Wuhou's numbers
    before Wuhou records them (Wuhou's own referral was then refused as a duplicate)."""
    yucheng = await as_agency(YUCHENG_COURT, "invitations:write cases:write")
    wuhou = await as_agency(WUHOU_COURT, "invitations:write cases:write")
    for court, mediator in ((yucheng, YAAN[0]), (wuhou, TRAFFIC[0])):
        invited = await data(court, INVITE, input={
            "mediatorId": mediator, "panels": ["ROAD_TRAFFIC"], "certificateNo": f"C-{mediator[:6]}",
            "exclusionCheck": CLEAR, "since": day(-30).isoformat(),
        })
        assert invited["__typename"] == "InvitationSaved", invited
    before = await graph_size(demo)

    squatted = await data(yucheng, REFER, input=referral("(2026)川0107民诉前调字第555号", YAAN[0]))

    assert (squatted["__typename"], squatted.get("code"), squatted.get("field")) == (
        "ForbiddenByAgencyProblem", "FORBIDDEN_BY_AGENCY", "caseCode"
    ), squatted
    assert await graph_size(demo) == before
    own = await data(wuhou, REFER, input=referral("(2026)川0107民诉前调555号", TRAFFIC[0]))
    assert own["__typename"] == "CaseSaved", own
    legacy = await data(yucheng, REFER, input=referral("(2011)雨民初字第55号", YAAN[0]))
    assert legacy["__typename"] == "CaseSaved", legacy  # a pre-2016 abbreviation names no court code to check


# --- cases in a mediator's audit trail (found, not fixed here) ------------------------------------------------

TRAIL = "query($id: ID!) { auditTrail(entityId: $id) { operation after } }"
UNION_REFER = "mutation($input: CaseReferralInput!) { recordCaseReferral(input: $input) { __typename } }"


async def test_a_court_does_not_read_another_agency_s_case_through_a_mediator_s_audit_trail(
    demo: Graph, as_agency: AsAgency
) -> None:
    union = await as_agency(UNION, "cases:write")
    saved = await data(union, UNION_REFER, input={**referral("(2026)总工调字第777号", LABOUR[0]), "caseType": "LABOUR"})
    assert saved["__typename"] == "CaseSaved", saved
    court = await as_agency(WUHOU_COURT, "roster:read audit:read")

    cases = await data(court, "query { cases { cases { caseCode } } }")
    trail = await data(court, TRAIL, id=LABOUR[0])

    assert cases == {"cases": []}  # mediationCase and cases keep the union's case from the court
    assert [e for e in trail if "Case" in e["operation"]] == []
    bureau = await as_agency(WUHOU_BUREAU, "audit:read")
    seen = await data(bureau, TRAIL, id=LABOUR[0])
    assert "recordCaseReferral" in [e["operation"] for e in seen]  # the bureau over the mediator reads it


async def test_the_audit_trail_never_shows_personal_data(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU_BUREAU, "audit:read roster:read roster:write pii:read")
    studio = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == "成都市武侯区律师调解工作室")
    saved = await data(
        bureau, FILE_MEDIATOR, input=person(41) | {"phone": "13912345678"},
        membership={"organizationId": studio, "role": "MEMBER", "since": "2025-01-01"},
    )

    trail = await data(bureau, TRAIL, id=saved["mediator"]["id"])

    stored = await demo.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.after AS after", id=saved["mediator"]["id"])
    assert "13912345678" in stored[0]["after"]  # the chain keeps what was written
    shown = json.loads(trail[0]["after"])
    assert (shown["phone"], shown["identityMasked"]) == ("[redacted]", "[redacted]")
    assert shown["name"] == "测试41"


async def test_a_bureau_cannot_take_over_another_bureau_s_mediator_through_add_membership(
    demo: Graph, as_agency: AsAgency
) -> None:
    """Issue 12: addMembership checked the organization's reach only, and the new MEMBER_OF edge then put the
    other bureau's mediator (phone, identity mask, amendMediator) in the caller's reach."""
    wuhou = await as_agency(WUHOU_BUREAU, "roster:write")
    org = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == "成都市武侯区医疗纠纷人民调解委员会")
    before = await graph_size(demo)

    taken = await data(wuhou, "mutation($m: ID!, $input: MembershipInput!) { addMembership(mediatorId: $m,"
                       " input: $input) { __typename ... on Problem { code field } } }",
                       m=YAAN[0], input={"organizationId": org, "role": "MEMBER", "since": day(-1).isoformat()})

    assert taken == {"__typename": "ForbiddenByAgencyProblem", "code": "FORBIDDEN_BY_AGENCY", "field": "mediatorId"}
    assert await graph_size(demo) == before
