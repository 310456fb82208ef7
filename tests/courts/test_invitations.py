"""Specially invited lists (issue #5): eligibility, a court's own list, adoption, sanctions, publication."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import pytest

from graph.audit.hashing import canonical
from graph.core import clock
from graph.core.driver import Graph
from resolvers.courts.invited_list import published_csv, published_json
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient

ROSTER = demo_roster(HASH_KEY)
WUHOU, CHENGDU, HIGH, YUCHENG = "成都市武侯区人民法院", "成都市中级人民法院", "四川省高级人民法院", "雅安市雨城区人民法院"
WRITE = "invitations:write"
TODAY = clock.today()


def court(name: str) -> str:
    return stable_id("agency", name)


def organization(name: str) -> str:
    found: str = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == name)
    return found


def members(org_id: str) -> list[str]:
    return sorted(m["mediator"] for m in ROSTER.memberships if m["organization"] == org_id)


TRAFFIC = organization("成都市武侯区道路交通事故纠纷人民调解委员会")
LABOUR = organization("成都市武侯区劳动争议人民调解委员会")
STUDIO = organization("魏玲调解工作室")
CLEAR = {"criminalRecord": False, "seriousAdministrativePenalty": False, "dishonestJudgmentDebtor": False}

PAYLOAD = """
  __typename
  ... on Problem { code field message }
  ... on InvitationSaved { targetId status until replayed }
"""
INVITE_ORG = "mutation($input: OrganizationInvitationInput!) { inviteOrganization(input: $input) {" + PAYLOAD + "} }"
INVITE_MEDIATOR = "mutation($input: MediatorInvitationInput!) { inviteMediator(input: $input) {" + PAYLOAD + "} }"
RENEW = "mutation($id: ID!) { renewInvitation(targetId: $id) {" + PAYLOAD + "} }"
SANCTION = "mutation($input: SanctionInput!) { sanctionInvitation(input: $input) {" + PAYLOAD + "} }"
ADOPT = """mutation($higher: ID!, $on: Date!) { adoptInvitedList(higherCourtId: $higher, consentAt: $on) {
  __typename ... on Problem { code field message } ... on ListAdopted { courtId } } }"""
PUBLISH = """mutation { publishInvitedList {
  __typename ... on Problem { code field message } ... on ListPublished { version digest } } }"""
LIST = """query($court: ID!, $panel: Specialty, $first: Int, $after: String) {
  speciallyInvitedList(courtId: $court, panel: $panel, first: $first, after: $after) {
    hasNextPage endCursor
    entries { how panels since until mediator { id } organization { id } through { id } adoptedFrom { id } } } }"""
VERSION = """query($court: ID!, $version: Int!) { invitedListVersion(courtId: $court, version: $version) {
  courtId version digest entries } }"""


def org_input(org_id: str, **extra: Any) -> dict[str, Any]:
    return {"organizationId": org_id, "panels": ["ROAD_TRAFFIC"], "certificateNo": "WH-2026-001", **extra}


def mediator_input(mediator_id: str, **extra: Any) -> dict[str, Any]:
    return {"mediatorId": mediator_id, "panels": ["FAMILY"], "certificateNo": "WH-2026-101", "exclusionCheck": CLEAR, **extra}


async def invite(client: GraphQLClient, query: str, data: dict[str, Any]) -> dict[str, Any]:
    body = await client(query, input=data)
    assert "errors" not in body, body
    result: dict[str, Any] = next(iter(body["data"].values()))
    return result


async def entries(client: GraphQLClient, court_id: str, **variables: Any) -> list[dict[str, Any]]:
    body = await client(LIST, court=court_id, **variables)
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["speciallyInvitedList"]["entries"]
    return found


def who(entry: dict[str, Any]) -> str:
    id: str = (entry["mediator"] or entry["organization"])["id"]
    return id


async def invitation_count(graph: Graph) -> int:
    rows = await graph.read("MATCH ()-[r:INVITES]->() RETURN count(r) AS n")
    return int(rows[0]["n"])


async def test_an_invited_organization_brings_its_filed_members_onto_the_list(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)

    saved = await invite(wuhou, INVITE_ORG, org_input(TRAFFIC, since="2026-01-01"))

    assert saved == {
        "__typename": "InvitationSaved", "targetId": TRAFFIC, "status": "ACTIVE", "until": "2027-12-31", "replayed": False
    }
    listed = await entries(wuhou, court(WUHOU))
    assert [(who(e), e["how"]) for e in listed if e["organization"]] == [(TRAFFIC, "DIRECT")]
    through = sorted(who(e) for e in listed if e["how"] == "THROUGH_ORGANIZATION")
    assert through == members(TRAFFIC)
    assert {e["through"]["id"] for e in listed if e["mediator"]} == {TRAFFIC}
    events = await demo.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op", id=TRAFFIC)
    assert [row["op"] for row in events] == ["inviteOrganization"]


async def test_an_unfiled_organization_is_not_invited(demo: Graph, as_agency: AsAgency) -> None:
    await demo.write("MATCH (o:Organization {id: $id}) SET o.status = 'SUSPENDED'", id=TRAFFIC)
    wuhou = await as_agency(WUHOU, WRITE)

    saved = await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))

    assert (saved["code"], saved["field"]) == ("VALIDATION", "organizationId")
    assert await invitation_count(demo) == 0


async def test_an_organization_needs_three_filed_members(demo: Graph, as_agency: AsAgency) -> None:
    await demo.write("MATCH (m:Mediator {id: $id}) SET m.status = 'SUSPENDED'", id=members(LABOUR)[0])
    wuhou = await as_agency(WUHOU, WRITE)

    short = await invite(wuhou, INVITE_ORG, org_input(LABOUR))
    studio = await invite(wuhou, INVITE_ORG, org_input(STUDIO))

    assert (short["code"], short["field"]) == ("VALIDATION", "organizationId")
    assert (studio["code"], studio["field"]) == ("VALIDATION", "organizationId")
    assert await invitation_count(demo) == 0


async def test_a_mediator_invitation_records_the_exclusion_check(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    mediator = members(STUDIO)[0]

    saved = await invite(wuhou, INVITE_MEDIATOR, mediator_input(mediator))

    assert saved["status"] == "ACTIVE"
    rows = await demo.read(
        "MATCH (:Court {id: $court})-[r:INVITES]->(:Mediator {id: $id}) RETURN r {.*} AS r", court=court(WUHOU), id=mediator
    )
    edge = rows[0]["r"]
    checked = (edge["exclusionCheckedBy"], edge["exclusionCriminalRecord"], edge["since"].to_native())
    assert checked == (court(WUHOU), False, TODAY)
    assert edge["exclusionCheckedAt"] is not None


@pytest.mark.parametrize("flag", ["criminalRecord", "seriousAdministrativePenalty", "dishonestJudgmentDebtor"])
async def test_an_excluded_mediator_is_not_invited(demo: Graph, as_agency: AsAgency, flag: str) -> None:
    wuhou = await as_agency(WUHOU, WRITE)

    saved = await invite(wuhou, INVITE_MEDIATOR, mediator_input(members(STUDIO)[0], exclusionCheck=CLEAR | {flag: True}))

    assert (saved["code"], saved["field"]) == ("VALIDATION", f"exclusionCheck.{flag}")
    assert await invitation_count(demo) == 0


async def test_removal_ends_the_invitation_and_bars_the_mediator_elsewhere(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, yucheng = await as_agency(WUHOU, WRITE), await as_agency(YUCHENG, WRITE)
    mediator = members(STUDIO)[0]
    await invite(wuhou, INVITE_MEDIATOR, mediator_input(mediator))

    removal = {"targetId": mediator, "kind": "REMOVAL", "reason": "收受当事人财物", "on": str(TODAY)}
    removed = await invite(wuhou, SANCTION, removal)
    elsewhere = await invite(yucheng, INVITE_MEDIATOR, mediator_input(mediator))

    assert (removed["status"], removed["targetId"]) == ("REMOVED", mediator)
    assert await entries(wuhou, court(WUHOU)) == []
    assert (elsewhere["code"], elsewhere["field"]) == ("VALIDATION", "mediatorId")
    rows = await demo.read(
        "MATCH (:Court)-[s:SANCTIONED]->(:Mediator {id: $id}) RETURN s.kind AS kind, s.reason AS reason", id=mediator
    )
    assert rows == [{"kind": "REMOVAL", "reason": "收受当事人财物"}]


async def test_the_public_directory_names_a_mediator_s_inviting_courts(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    direct, member, uninvited = members(STUDIO)[0], members(TRAFFIC)[0], members(LABOUR)[0]
    query = "query($id: ID!) { mediator(id: $id) { invitedBy { name level } } }"

    async def courts(mediator: str) -> list[str]:
        body = await gql(query, id=mediator)
        assert "errors" not in body, body
        return [court["name"] for court in body["data"]["mediator"]["invitedBy"]]

    before = [await courts(m) for m in (direct, member, uninvited)]
    await invite(wuhou, INVITE_MEDIATOR, mediator_input(direct))
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))
    invited = [await courts(m) for m in (direct, member, uninvited)]
    await invite(wuhou, SANCTION, {"targetId": direct, "kind": "REMOVAL", "reason": "收受当事人财物", "on": str(TODAY)})

    assert before == [[], [], []]
    assert invited == [[WUHOU], [WUHOU], []]
    assert await courts(direct) == []


async def test_a_warning_is_recorded_and_keeps_the_invitation(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    mediator = members(STUDIO)[0]
    await invite(wuhou, INVITE_MEDIATOR, mediator_input(mediator))

    warning = {"targetId": mediator, "kind": "WARNING", "reason": "多次无故拒绝委派", "on": str(TODAY)}
    warned = await invite(wuhou, SANCTION, warning)

    assert warned["status"] == "ACTIVE"
    assert [who(e) for e in await entries(wuhou, court(WUHOU))] == [mediator]


async def test_another_court_cannot_renew_or_sanction_this_courts_invitation(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, yucheng = await as_agency(WUHOU, WRITE), await as_agency(YUCHENG, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))
    before = await demo.read("MATCH ()-[r:INVITES]->() RETURN r {.*} AS r")

    renewed = (await yucheng(RENEW, id=TRAFFIC))["data"]["renewInvitation"]
    sanctioned = await invite(yucheng, SANCTION, {"targetId": TRAFFIC, "kind": "REMOVAL", "reason": "越权除名", "on": str(TODAY)})

    assert (renewed["code"], renewed["field"]) == ("FORBIDDEN_BY_AGENCY", "targetId")
    assert (sanctioned["code"], sanctioned["field"]) == ("FORBIDDEN_BY_AGENCY", "targetId")
    assert await demo.read("MATCH ()-[r:INVITES]->() RETURN r {.*} AS r") == before


async def test_a_renewal_adds_two_years(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC, since="2026-01-01"))

    renewed = (await wuhou(RENEW, id=TRAFFIC))["data"]["renewInvitation"]

    assert (renewed["status"], renewed["until"]) == ("ACTIVE", "2029-12-31")


async def test_a_caller_that_is_not_a_court_is_refused(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency("成都市武侯区司法局", WRITE)

    saved = await invite(bureau, INVITE_ORG, org_input(TRAFFIC))

    assert saved["code"] == "FORBIDDEN_BY_AGENCY"
    assert await invitation_count(demo) == 0


async def test_a_supervised_court_adopts_a_higher_list_and_sees_it_marked(demo: Graph, as_agency: AsAgency) -> None:
    high, wuhou = await as_agency(HIGH, WRITE), await as_agency(WUHOU, WRITE)
    await invite(high, INVITE_ORG, org_input(TRAFFIC))

    adopted = (await wuhou(ADOPT, higher=court(HIGH), on="2026-06-01"))["data"]["adoptInvitedList"]

    assert adopted == {"__typename": "ListAdopted", "courtId": court(WUHOU)}
    listed = await entries(wuhou, court(WUHOU))
    assert {e["how"] for e in listed} == {"ADOPTED"}
    assert {e["adoptedFrom"]["id"] for e in listed} == {court(HIGH)}
    assert sorted(who(e) for e in listed) == sorted([TRAFFIC, *members(TRAFFIC)])


async def test_a_court_not_supervised_by_the_higher_court_cannot_adopt(demo: Graph, as_agency: AsAgency) -> None:
    yucheng = await as_agency(YUCHENG, WRITE)

    adopted = (await yucheng(ADOPT, higher=court(CHENGDU), on="2026-06-01"))["data"]["adoptInvitedList"]

    assert (adopted["code"], adopted["field"]) == ("FORBIDDEN_BY_AGENCY", "higherCourtId")
    assert await demo.read("MATCH ()-[a:ADOPTS]->() RETURN count(a) AS n") == [{"n": 0}]


async def test_members_drop_off_when_their_membership_ends(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))
    leaving = members(TRAFFIC)[0]
    await demo.write(
        "MATCH (:Mediator {id: $m})-[r:MEMBER_OF]->(:Organization {id: $o}) SET r.until = $until",
        m=leaving, o=TRAFFIC, until=TODAY - datetime.timedelta(days=1),
    )

    through = [who(e) for e in await entries(wuhou, court(WUHOU)) if e["how"] == "THROUGH_ORGANIZATION"]

    assert sorted(through) == [m for m in members(TRAFFIC) if m != leaving]


async def test_the_list_pages_with_a_cursor_and_filters_by_panel(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))
    everything = await entries(wuhou, court(WUHOU), first=100)

    first = (await wuhou(LIST, court=court(WUHOU), first=2))["data"]["speciallyInvitedList"]
    rest = (await wuhou(LIST, court=court(WUHOU), first=100, after=first["endCursor"]))["data"]["speciallyInvitedList"]
    family = await entries(wuhou, court(WUHOU), panel="FAMILY")
    too_many = await wuhou(LIST, court=court(WUHOU), first=101)

    assert first["hasNextPage"] is True
    assert first["entries"] + rest["entries"] == everything
    assert rest["hasNextPage"] is False
    assert family == []
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_publication_freezes_numbered_versions_with_a_stable_digest(demo: Graph, as_agency: AsAgency) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))

    one = (await wuhou(PUBLISH))["data"]["publishInvitedList"]
    two = (await wuhou(PUBLISH))["data"]["publishInvitedList"]
    frozen = (await wuhou(VERSION, court=court(WUHOU), version=1))["data"]["invitedListVersion"]

    assert (one["version"], two["version"]) == (1, 2)
    assert one["digest"] == two["digest"] == frozen["digest"]
    assert hashlib.sha256(canonical(frozen["entries"]).encode()).hexdigest() == frozen["digest"]
    assert len(frozen["entries"]) == 1 + len(members(TRAFFIC))
    assert "certificateNo" not in frozen["entries"][0]
    text = await published_csv(demo, court=court(WUHOU), version=1)
    assert text is not None and text.splitlines()[0].startswith("kind,id,name,panels")
    assert len(text.splitlines()) == 1 + len(frozen["entries"])
    payload = await published_json(demo, court=court(WUHOU), version=2)
    assert payload is not None and payload["digest"] == one["digest"] and payload["version"] == 2


async def test_the_list_is_public_with_public_fields_only(demo: Graph, as_agency: AsAgency, gql: GraphQLClient) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))

    public = await entries(gql, court(WUHOU))
    private = await gql(
        "query($court: ID!) { speciallyInvitedList(courtId: $court) { entries { certificateNo } } }", court=court(WUHOU)
    )
    mutation = await gql(INVITE_ORG, input=org_input(LABOUR))

    assert len(public) == 1 + len(members(TRAFFIC))
    assert private["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert mutation["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await invitation_count(demo) == 1


async def test_a_page_of_the_list_is_one_statement_with_its_mediators_and_organizations(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))
    demo.round_trips.count = 0

    listed = await entries(gql, court(WUHOU), first=100)

    assert len(listed) == 1 + len(members(TRAFFIC))
    assert demo.round_trips.count == 1  # the page carries the records of its entries and `through`


SEEN_FIELDS = """mediator { id name gender birthYear employment background education specialties languages status
    updatedAt version identityMasked phone }
  organization { id name kind sectors status creditCode filedAt filingNo publicPhone address chargesFee updatedAt
    version jurisdiction { code } filedWith { id } guidedBy { id } }
  through { id name kind status creditCode filingNo publicPhone version filedWith { id } }"""
SEEN_LIST = "query($court: ID!) { speciallyInvitedList(courtId: $court, first: 100) { entries {" + SEEN_FIELDS + "} } }"
BY_ID = """query($m: ID!, $o: ID!) {
  mediator(id: $m) { id name gender birthYear employment background education specialties languages status
    updatedAt version identityMasked phone }
  organization(id: $o) { id name kind sectors status creditCode filedAt filingNo publicPhone address chargesFee
    updatedAt version jurisdiction { code } filedWith { id } guidedBy { id } } }"""


@pytest.mark.parametrize("viewer", ["anonymous", "the court, with pii", "a court elsewhere, with roster"])
async def test_the_lists_records_are_what_the_same_viewer_reads_by_id(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient, viewer: str
) -> None:
    wuhou = await as_agency(WUHOU, WRITE)
    await invite(wuhou, INVITE_ORG, org_input(TRAFFIC))
    reader = {
        "anonymous": gql,
        "the court, with pii": await as_agency(WUHOU, "roster:read pii:read"),
        "a court elsewhere, with roster": await as_agency(YUCHENG, "roster:read pii:read"),
    }[viewer]

    body = await reader(SEEN_LIST, court=court(WUHOU))  # protected fields come back null, with an error each
    listed = body["data"]["speciallyInvitedList"]["entries"]
    direct = next(entry for entry in listed if entry["organization"])
    through = [entry for entry in listed if entry["mediator"]]
    assert through and all(entry["through"]["id"] == TRAFFIC for entry in through)
    for entry in through:
        alone = await reader(BY_ID, m=entry["mediator"]["id"], o=TRAFFIC)
        assert entry["mediator"] == alone["data"]["mediator"]
        assert direct["organization"] == alone["data"]["organization"]
        assert {k: alone["data"]["organization"][k] for k in entry["through"]} == entry["through"]
    seen_in_full = direct["organization"]["version"] is not None
    assert seen_in_full == (viewer == "the court, with pii")


GRADED_LIST = """query($court: ID!, $grade: Int) { speciallyInvitedList(courtId: $court, grade: $grade, first: 100) {
  entries { mediator { id grade } organization { id } } } }"""


async def test_the_list_filters_by_current_grade(demo: Graph, as_agency: AsAgency, gql: GraphQLClient) -> None:
    ranks = {
        row["id"]: row["rank"]
        for row in await demo.read(
            "MATCH (m:Mediator)-[:ASSESSED]->(a:GradeAssessment {status: 'DECIDED'})"
            " WHERE a.validFrom <= date() AND a.validUntil >= date() RETURN m.id AS id, a.rank AS rank"
        )
    }
    graded = next(
        m["organization"] for m in ROSTER.memberships
        if m["mediator"] in ranks and m["organization"] not in (TRAFFIC, LABOUR, STUDIO)
        and len(members(m["organization"])) >= 3
    )
    yucheng = await as_agency(YUCHENG, WRITE)
    saved = await invite(yucheng, INVITE_ORG, org_input(graded, certificateNo="YC-2026-009"))
    assert saved["__typename"] == "InvitationSaved", saved

    async def listed(grade: int | None) -> set[str]:
        body = await gql(GRADED_LIST, court=court(YUCHENG), grade=grade)
        assert "errors" not in body, body
        return {who(e) for e in body["data"]["speciallyInvitedList"]["entries"]}

    everyone = await listed(None)
    for grade in (1, 2, 3, 4):
        expected = {who for who in everyone if who in ranks and ranks[who] <= grade}
        assert await listed(grade) == expected
    assert graded in everyone and any(ranks.get(who) for who in everyone)
    refused = await gql(GRADED_LIST, court=court(YUCHENG), grade=0)
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_replayed_publication_returns_the_version_it_made(demo: Graph, as_agency: AsAgency) -> None:
    yucheng = await as_agency(YUCHENG, WRITE)
    publish = """mutation($key: String) { publishInvitedList(idempotencyKey: $key) {
      __typename ... on ListPublished { version digest replayed } } }"""

    first = (await yucheng(publish, key="yucheng-notice-board-1"))["data"]["publishInvitedList"]
    again = (await yucheng(publish, key="yucheng-notice-board-1"))["data"]["publishInvitedList"]

    assert first["version"] >= 1 and first["replayed"] is False
    assert again == first | {"replayed": True}
