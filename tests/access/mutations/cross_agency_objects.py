"""The objects tests/access/mutations/test_cross_agency.py tries: for every kind of ID a mutation takes, one held by the writer
and one held by another agency of the same kind. What the demo data holds is found by Cypher; what it lacks is
made through the API by its rightful owner (a court's invitation and case, a bureau's membership request and
grade assessment, a partner's registrations, a court's notice), before any test measures the graph.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, LiteralString

import httpx

from app import Settings, create_app
from graph.core import clock
from graph.core.driver import Graph
from seed.demo import demo_roster
from tests.conftest import HASH_KEY, ISSUER, GraphQLClient, token_for
from tests.helpers.agencies import ACFTU, PBOC, WUHOU_BUREAU, WUHOU_COURT, YUCHENG_BUREAU
from tests.helpers.filing import identity

YUCHENG_COURT = "雅安市雨城区人民法院"
FOREIGN_AGENCY = {WUHOU_BUREAU: YUCHENG_BUREAU, WUHOU_COURT: YUCHENG_COURT, ACFTU: PBOC}
"""The writer of test_mutation_access.WRITER -> another agency of the same kind in the demo."""

ROSTER = demo_roster(HASH_KEY)
TODAY = clock.today()
CLEAR = {"criminalRecord": False, "seriousAdministrativePenalty": False, "dishonestJudgmentDebtor": False}
TERM = {"since": "2026-01-01", "until": "2028-12-31"}


def organization(name: str) -> str:
    return str(next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == name))


def first_member(org_id: str) -> str:
    return str(min(m["mediator"] for m in ROSTER.memberships if m["organization"] == org_id))


YUCHENG_TRAFFIC = organization("雅安市雨城区道路交通事故纠纷人民调解委员会")
YUCHENG_COMMITTEE = organization("东城街道人民调解委员会")
YAAN_FINANCE = organization("雅安市金融消费纠纷调解中心")  # affiliated with the central bank
SHUANGLIU_STUDIO = organization("成都市双流区律师调解工作室")
DONGDAJIE = "511802001001"  # 东大街社区居委会, in 雨城区

FOUND: dict[str, tuple[str, LiteralString, LiteralString]] = {
    "organization": (
        WUHOU_BUREAU,
        "MATCH (o:Organization)-[:FILED_WITH]->(:JudicialBureau {name: $own}) RETURN o.id AS id LIMIT 1",
        "MATCH (o:Organization)-[:FILED_WITH]->(:JudicialBureau {name: $foreign}) RETURN o.id AS id LIMIT 1",
    ),
    "mediator": (
        WUHOU_BUREAU,
        "MATCH (m:Mediator)-[:MEMBER_OF]->(:Organization)-[:FILED_WITH]->(:JudicialBureau {name: $own})"
        " RETURN m.id AS id ORDER BY m.id LIMIT 1",
        "MATCH (m:Mediator)-[:MEMBER_OF]->(:Organization)-[:FILED_WITH]->(:JudicialBureau {name: $foreign})"
        " RETURN m.id AS id ORDER BY m.id LIMIT 1",
    ),
    "credential": (
        WUHOU_BUREAU,
        "MATCH (c:Credential {verified: false})<-[:HOLDS]-(:Mediator)-[:MEMBER_OF]->(:Organization)"
        "-[:FILED_WITH]->(:JudicialBureau {name: $own}) RETURN c.id AS id ORDER BY c.id LIMIT 1",
        "MATCH (c:Credential {verified: false})<-[:HOLDS]-(:Mediator)-[:MEMBER_OF]->(:Organization)"
        "-[:FILED_WITH]->(:JudicialBureau {name: $foreign}) RETURN c.id AS id ORDER BY c.id LIMIT 1",
    ),
    "court": (
        WUHOU_COURT,
        "MATCH (:Court {name: $own})-[:SUPERVISED_BY]->(c:Court) RETURN c.id AS id",
        "MATCH (:Court {name: $foreign})-[:SUPERVISED_BY]->(c:Court) RETURN c.id AS id",
    ),
}
"""Kind -> the writer that tries it, and the Cypher that finds the writer's own object and another agency's in
the demo data (the other court's higher court is one that does not supervise the writer)."""


async def found_in_demo(graph: Graph) -> dict[str, tuple[str | None, str]]:
    held: dict[str, tuple[str | None, str]] = {}
    for kind, (writer, *statements) in FOUND.items():
        ids = []
        for statement in statements:
            rows = await graph.read(statement, own=writer, foreign=FOREIGN_AGENCY[writer])
            assert rows, f"the demo has no object for {statement}"
            ids.append(str(rows[0]["id"]))
        held[kind] = (ids[0], ids[1])
    held["anyMediator"] = (held["mediator"][1], held["mediator"][1])
    return held


def saved(body: dict[str, Any], name: str, typename: str) -> dict[str, Any]:
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][name]
    assert result["__typename"] == typename, result
    return result


INVITE = """mutation($input: MediatorInvitationInput!) { inviteMediator(input: $input) {
  __typename ... on Problem { code field message } ... on InvitationSaved { targetId } } }"""
REFER = """mutation($input: CaseReferralInput!) { recordCaseReferral(input: $input) {
  __typename ... on Problem { code field message } ... on CaseSaved { case { id } } } }"""
APPLY = """mutation($input: GradeApplicationInput!) { applyForGrade(input: $input) {
  __typename ... on Problem { code field message } ... on GradeAssessmentSaved { assessment { id } } } }"""
REQUEST = """mutation($m: ID!, $input: MembershipInput!) { requestMembership(mediatorId: $m, input: $input) {
  __typename ... on Problem { code field message } ... on MembershipRequestSaved { membershipRequest { id } } } }"""
FILE_MEDIATOR = """mutation($input: MediatorInput!, $membership: MembershipInput!) {
  fileMediator(input: $input, membership: $membership) {
  __typename ... on Problem { code field message } ... on MediatorSaved { mediator { id } } } }"""
REGISTER_ORG = """mutation($input: OrganizationInput!) { registerOrganization(input: $input) {
  __typename ... on Problem { code field message } ... on RegistrationSaved { registration { id } } } }"""
REGISTER_MEDIATOR = """mutation($input: MediatorInput!, $membership: MembershipInput!) {
  registerMediator(input: $input, membership: $membership) {
  __typename ... on Problem { code field message } ... on RegistrationSaved { registration { id } } } }"""
NOTICES = "{ notices(unread: true) { notices { id } } }"


FILED_BY_YUCHENG = 901
"""The serial of the person 雨城 files into its committee (tests/test_filing.identity gives the number)."""


def person(serial: int) -> dict[str, Any]:
    return {"name": f"跨机构{serial}", "identityNumber": identity(serial), "employment": "FULL_TIME"}


async def made_by_owners(http: httpx.AsyncClient, graph: Graph) -> dict[str, str]:
    """The foreign objects the demo lacks, each made through the API by the agency that holds it."""

    async def login(agency: str, scopes: str) -> GraphQLClient:
        return GraphQLClient(http, await token_for(http, graph, agency, scopes))

    court = await login(YUCHENG_COURT, "invitations:write cases:write roster:read")
    bureau = await login(YUCHENG_BUREAU, "roster:write roster:read grades:write")
    partner = await login(PBOC, "registrations:write")
    invited = first_member(YUCHENG_TRAFFIC)
    invitation = {
        "mediatorId": invited, "panels": ["ROAD_TRAFFIC"], "certificateNo": "YC-2026-001", "exclusionCheck": CLEAR,
        "since": str(TODAY - datetime.timedelta(days=90)),
    }
    saved(await court(INVITE, input=invitation), "inviteMediator", "InvitationSaved")
    referral = {
        "caseCode": f"({TODAY.year})川1802民诉前调1号", "mediatorId": invited, "caseType": "ROAD_TRAFFIC",
        "referral": "DELEGATED", "parties": ["申请人", "被申请人"], "referredAt": str(TODAY - datetime.timedelta(days=1)),
    }
    case = saved(await court(REFER, input=referral), "recordCaseReferral", "CaseSaved")["case"]["id"]
    assessed = first_member(YUCHENG_COMMITTEE)
    assessment = saved(
        await bureau(APPLY, input={"mediatorId": assessed, "scheme": "yaan", "grade": "三级"}),
        "applyForGrade", "GradeAssessmentSaved",
    )["assessment"]["id"]
    joining = {"organizationId": YUCHENG_TRAFFIC, "role": "MEMBER", **TERM}
    request = saved(
        await bureau(REQUEST, m=first_member(SHUANGLIU_STUDIO), input=joining),
        "requestMembership", "MembershipRequestSaved",
    )["membershipRequest"]["id"]
    member = {"organizationId": YUCHENG_COMMITTEE, "role": "MEMBER", **TERM}
    saved(await bureau(FILE_MEDIATOR, input=person(FILED_BY_YUCHENG), membership=member), "fileMediator", "MediatorSaved")
    notices = (await court(NOTICES))["data"]["notices"]["notices"]
    assert notices, "filing a member into a committee tells its guiding court"
    unit = {
        "name": "雨城东大街金融调解室", "kind": "INDUSTRY_MEDIATION", "jurisdiction": DONGDAJIE,
        "sectors": ["FINANCIAL_CONSUMER"],
    }
    registered_org = saved(
        await partner(REGISTER_ORG, input=unit),
        "registerOrganization", "RegistrationSaved",
    )["registration"]["id"]
    seat = {"organizationId": YAAN_FINANCE, "role": "MEMBER", **TERM}
    registered_mediator = saved(
        await partner(REGISTER_MEDIATOR, input=person(902), membership=seat),
        "registerMediator", "RegistrationSaved",
    )["registration"]["id"]
    return {
        "invitation": invited, "invitedMediator": invited, "case": case, "assessment": assessment,
        "membershipRequest": request, "notice": str(notices[0]["id"]), "registration": registered_org,
        "registeredOrganization": registered_org, "registeredMediator": registered_mediator,
        "invitableOrganization": registered_org, "invitableMediator": registered_mediator,
    }


@asynccontextmanager
async def owner_client(graph: Graph, data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app of its own for the module-scoped fixture (conftest's client lives for one test)."""
    settings = Settings(
        data_dir=data_dir, identity_hash_key=HASH_KEY.decode(), issuer=ISSUER, rate_per_second=1000, rate_burst=1000
    )
    transport = httpx.ASGITransport(app=create_app(settings, graph=graph))
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
        yield http
