"""Membership requests across bureaus (issue 12, finding 1): a mediator 双流 filed joins a 武侯 organization only
when 双流 accepts 武侯's request; until then 武侯 reads the public facts only and writes nothing of the mediator.
Every refusal leaves the graph as it was."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from graph.core.driver import Graph
from seed.demo import demo_roster
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient
from tests.helpers.filing import AMEND_MEDIATOR, FILE_MEDIATOR, PROBLEM, TERM, person

ROSTER = demo_roster(HASH_KEY)
WUHOU, SHUANGLIU, YUCHENG = "成都市武侯区司法局", "成都市双流区司法局", "雅安市雨城区司法局"
WUHOU_COURT, ACFTU = "成都市武侯区人民法院", "中华全国总工会"
BUREAU = "roster:write roster:read pii:read"


def organization(name: str) -> str:
    return str(next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == name))


WUHOU_STUDIO = organization("成都市武侯区律师调解工作室")
WUHOU_COMMITTEE = organization("成都市武侯区医疗纠纷人民调解委员会")
SHUANGLIU_STUDIO = organization("成都市双流区律师调解工作室")
OPEN_TERM = {"since": "2026-01-01"}

REQUEST_PAYLOAD = PROBLEM + """... on MembershipRequestSaved { replayed membershipRequest {
  id state role since until reason version requestedBy { name } decidedBy { name } organization { id }
  mediator { id name birthYear phone } } }"""
REQUEST = "mutation($m: ID!, $input: MembershipInput!, $key: String) {" \
    " requestMembership(mediatorId: $m, input: $input, idempotencyKey: $key) {" + REQUEST_PAYLOAD + "} }"
ACCEPT = "mutation($id: ID!) { acceptMembershipRequest(id: $id) {" + REQUEST_PAYLOAD + "} }"
REFUSE = "mutation($id: ID!, $reason: String!) { refuseMembershipRequest(id: $id, reason: $reason) {" \
    + REQUEST_PAYLOAD + "} }"
WITHDRAW = "mutation($id: ID!) { withdrawMembershipRequest(id: $id) {" + REQUEST_PAYLOAD + "} }"
ADD = "mutation($m: ID!, $input: MembershipInput!) { addMembership(mediatorId: $m, input: $input) {" + PROBLEM + "} }"
LIST = """query($direction: MembershipRequestDirection!, $state: MembershipRequestState, $first: Int, $after: String) {
  membershipRequests(direction: $direction, state: $state, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id state mediator { id phone } } } }"""
READ = "query($id: ID!) { mediator(id: $id) { name birthYear phone identityMasked memberships { organization { id } } } }"
NOTICES = "{ notices(unread: true) { notices { kind organization { id } membershipRequest { id state } } } }"


async def state_of(graph: Graph) -> list[dict[str, Any]]:
    """What a refused write must leave as it was: nodes, edges and versions (audit events and notices included)."""
    return await graph.read(
        "MATCH (n) WHERE NOT n:OAuthClient WITH count(n) AS nodes, sum(coalesce(n.version, 0)) AS versions"
        " MATCH (a)-[r]->() WHERE NOT a:OAuthClient RETURN nodes, versions, count(r) AS edges"
    )


async def events(graph: Graph, entity: str) -> list[str]:
    rows = await graph.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op ORDER BY e.seq", id=entity)
    return [row["op"] for row in rows]


def payload(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"][name]
    return found


def problem(found: dict[str, Any]) -> tuple[str, str | None]:
    return found["__typename"], found.get("field")


async def filed_by_shuangliu(shuangliu: GraphQLClient, serial: int = 700) -> str:
    """A mediator 双流 files into its own lawyer studio."""
    body = await shuangliu(FILE_MEDIATOR, input=person(serial, phone="13800000700"),
                           membership={"organizationId": SHUANGLIU_STUDIO, "role": "MEMBER", **OPEN_TERM})
    saved = payload(body, "fileMediator")
    assert saved["__typename"] == "MediatorSaved", saved
    return str(saved["mediator"]["id"])


async def requested(wuhou: GraphQLClient, mediator: str, organization_id: str = WUHOU_STUDIO,
                    **term: str) -> dict[str, Any]:
    membership = {"organizationId": organization_id, "role": "MEMBER", **(term or OPEN_TERM)}
    saved = payload(await wuhou(REQUEST, m=mediator, input=membership), "requestMembership")
    assert saved["__typename"] == "MembershipRequestSaved", saved
    found: dict[str, Any] = saved["membershipRequest"]
    return found


async def bureaus(as_agency: AsAgency) -> tuple[GraphQLClient, GraphQLClient]:
    return await as_agency(WUHOU, BUREAU), await as_agency(SHUANGLIU, BUREAU)


async def test_shuangliu_accepts_and_wuhou_then_reads_and_amends_the_mediator(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)

    request = await requested(wuhou, mediator)
    before = payload(await wuhou(READ, id=mediator), "mediator")
    amend = payload(await wuhou(AMEND_MEDIATOR, id=mediator, version=1, input={"phone": "13900000001"}), "amendMediator")
    incoming = payload(await shuangliu(LIST, direction="INCOMING", state="PENDING"), "membershipRequests")
    told = payload(await shuangliu(NOTICES), "notices")["notices"]
    accepted = payload(await shuangliu(ACCEPT, id=request["id"]), "acceptMembershipRequest")
    after = payload(await wuhou(READ, id=mediator), "mediator")
    amended = payload(await wuhou(AMEND_MEDIATOR, id=mediator, version=1, input={"phone": "13900000001"}),
                      "amendMediator")
    answer = payload(await wuhou(NOTICES), "notices")["notices"]
    outgoing = payload(await wuhou(LIST, direction="OUTGOING"), "membershipRequests")

    assert (request["state"], request["requestedBy"], request["decidedBy"]) == ("PENDING", {"name": WUHOU}, None)
    assert request["mediator"] == {"id": mediator, "name": "测试700", "birthYear": None, "phone": None}
    assert (before["birthYear"], before["phone"], before["identityMasked"]) == (None, None, None)
    assert [m["organization"]["id"] for m in before["memberships"]] == [SHUANGLIU_STUDIO]
    assert problem(amend) == ("ForbiddenByAgencyProblem", "mediatorId")
    assert incoming["totalCount"] == 1
    assert incoming["nodes"] == [{"id": request["id"], "state": "PENDING", "mediator": {"id": mediator, "phone": "13800000700"}}]
    assert {"kind": "MEMBERSHIP_REQUESTED", "organization": {"id": WUHOU_STUDIO},
            "membershipRequest": {"id": request["id"], "state": "PENDING"}} in told
    saved = accepted["membershipRequest"]
    assert (saved["state"], saved["decidedBy"], saved["version"]) == ("ACCEPTED", {"name": SHUANGLIU}, 2)
    assert (after["birthYear"], after["phone"]) == (1980, "13800000700")
    assert sorted(m["organization"]["id"] for m in after["memberships"]) == sorted([SHUANGLIU_STUDIO, WUHOU_STUDIO])
    assert (amended["__typename"], amended["mediator"]["version"]) == ("MediatorSaved", 2), amended
    assert {"kind": "MEMBERSHIP_ACCEPTED", "organization": {"id": WUHOU_STUDIO},
            "membershipRequest": {"id": request["id"], "state": "ACCEPTED"}} in answer
    assert [(n["id"], n["state"]) for n in outgoing["nodes"]] == [(request["id"], "ACCEPTED")]
    assert await events(demo, request["id"]) == ["requestMembership", "acceptMembershipRequest"]
    assert await events(demo, mediator) == ["fileMediator", "fileMediator", "acceptMembershipRequest", "amendMediator"]
    court = await demo.read(
        "MATCH (x:Notice {kind: 'MEMBER_JOINED', organizationId: $org})-[:NOTIFIES]->(c:Court) RETURN c.name AS court",
        org=WUHOU_STUDIO,
    )
    assert court == [{"court": WUHOU_COURT}]


async def test_a_refused_request_gives_no_access_and_cannot_be_decided_again(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)
    request = await requested(wuhou, mediator)

    refused = payload(await shuangliu(REFUSE, id=request["id"], reason="该调解员不再兼任"), "refuseMembershipRequest")
    settled = await state_of(demo)
    again = payload(await shuangliu(REFUSE, id=request["id"], reason="再次拒绝"), "refuseMembershipRequest")
    accept = payload(await shuangliu(ACCEPT, id=request["id"]), "acceptMembershipRequest")
    withdraw = payload(await wuhou(WITHDRAW, id=request["id"]), "withdrawMembershipRequest")
    read = payload(await wuhou(READ, id=mediator), "mediator")
    answer = payload(await wuhou(NOTICES), "notices")["notices"]
    outgoing = payload(await wuhou(LIST, direction="OUTGOING", state="REFUSED"), "membershipRequests")

    saved = refused["membershipRequest"]
    assert (saved["state"], saved["reason"], saved["decidedBy"]) == ("REFUSED", "该调解员不再兼任", {"name": SHUANGLIU})
    assert outgoing["nodes"] == [{"id": request["id"], "state": "REFUSED", "mediator": {"id": mediator, "phone": None}}]
    assert [problem(p) for p in (again, accept, withdraw)] == [("IllegalTransitionProblem", "id")] * 3
    assert again["message"] == "The request was already decided: it is REFUSED."
    assert await state_of(demo) == settled
    assert (read["phone"], [m["organization"]["id"] for m in read["memberships"]]) == (None, [SHUANGLIU_STUDIO])
    assert [n["kind"] for n in answer if n["membershipRequest"]] == ["MEMBERSHIP_REFUSED"]
    assert await events(demo, request["id"]) == ["requestMembership", "refuseMembershipRequest"]


async def test_the_requester_withdraws_and_may_ask_again(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)
    request = await requested(wuhou, mediator)

    withdrawn = payload(await wuhou(WITHDRAW, id=request["id"]), "withdrawMembershipRequest")
    settled = await state_of(demo)
    accept = payload(await shuangliu(ACCEPT, id=request["id"]), "acceptMembershipRequest")
    twice = payload(await wuhou(WITHDRAW, id=request["id"]), "withdrawMembershipRequest")
    unchanged = await state_of(demo)
    second = await requested(wuhou, mediator)
    page = payload(await wuhou(LIST, direction="OUTGOING", first=1), "membershipRequests")
    rest = payload(await wuhou(LIST, direction="OUTGOING", first=1, after=page["pageInfo"]["endCursor"]),
                   "membershipRequests")

    assert (withdrawn["membershipRequest"]["state"], withdrawn["membershipRequest"]["decidedBy"]) == (
        "WITHDRAWN", {"name": WUHOU})
    assert [problem(p) for p in (accept, twice)] == [("IllegalTransitionProblem", "id")] * 2
    assert unchanged == settled
    assert second["state"] == "PENDING" and second["id"] != request["id"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (2, True, False)
    assert [n["id"] for n in page["nodes"] + rest["nodes"]] == [second["id"], request["id"]]  # last changed first


async def test_only_a_bureau_that_reaches_the_mediator_decides(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    yucheng = await as_agency(YUCHENG, BUREAU)
    mediator = await filed_by_shuangliu(shuangliu)
    request = await requested(wuhou, mediator)
    before = await state_of(demo)

    stranger = payload(await yucheng(ACCEPT, id=request["id"]), "acceptMembershipRequest")
    stranger_refuses = payload(await yucheng(REFUSE, id=request["id"], reason="不同意"), "refuseMembershipRequest")
    stranger_withdraws = payload(await yucheng(WITHDRAW, id=request["id"]), "withdrawMembershipRequest")
    own = payload(await wuhou(ACCEPT, id=request["id"]), "acceptMembershipRequest")
    decider_withdraws = payload(await shuangliu(WITHDRAW, id=request["id"]), "withdrawMembershipRequest")
    unknown = payload(await shuangliu(ACCEPT, id=str(uuid.uuid4())), "acceptMembershipRequest")
    seen = [payload(await yucheng(LIST, direction=d), "membershipRequests")["totalCount"] for d in ("INCOMING", "OUTGOING")]
    wuhou_incoming = payload(await wuhou(LIST, direction="INCOMING"), "membershipRequests")["totalCount"]

    assert [problem(p) for p in (stranger, stranger_refuses, stranger_withdraws, unknown)] == [("NotFoundProblem", "id")] * 4
    assert [problem(p) for p in (own, decider_withdraws)] == [("ForbiddenByAgencyProblem", "id")] * 2
    assert seen == [0, 0] and wuhou_incoming == 0
    assert await state_of(demo) == before


@pytest.mark.parametrize(("agency", "scopes"), [(WUHOU_COURT, BUREAU), (ACFTU, BUREAU + " registrations:write")])
async def test_a_court_or_a_partner_can_neither_request_nor_decide_nor_see(
    demo: Graph, as_agency: AsAgency, agency: str, scopes: str
) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    other = await as_agency(agency, scopes)
    mediator = await filed_by_shuangliu(shuangliu)
    request = await requested(wuhou, mediator)
    before = await state_of(demo)

    asked = payload(await other(REQUEST, m=mediator, input={"organizationId": WUHOU_STUDIO, "role": "MEMBER",
                                                            **OPEN_TERM}), "requestMembership")
    decided = [payload(await other(q, id=request["id"], **extra), name) for q, name, extra in (
        (ACCEPT, "acceptMembershipRequest", {}), (REFUSE, "refuseMembershipRequest", {"reason": "不同意"}),
        (WITHDRAW, "withdrawMembershipRequest", {}))]
    seen = [payload(await other(LIST, direction=d), "membershipRequests") for d in ("INCOMING", "OUTGOING")]

    assert [problem(p) for p in (asked, *decided)] == [("ForbiddenByAgencyProblem", None)] * 4
    assert asked["message"] == "Only a judicial bureau may do this."
    assert [(s["totalCount"], s["nodes"]) for s in seen] == [(0, [])] * 2
    assert await state_of(demo) == before


async def test_a_mediator_already_in_reach_is_sent_to_add_membership(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, _ = await bureaus(as_agency)
    own = next(s["mediator"] for s in ROSTER.memberships if s["organization"] == WUHOU_COMMITTEE)
    before = await state_of(demo)

    body = payload(await wuhou(REQUEST, m=own, input={"organizationId": WUHOU_STUDIO, "role": "MEMBER", **OPEN_TERM}),
                   "requestMembership")

    assert (body["__typename"], body["code"], body["field"]) == ("ConflictProblem", "CONFLICT", "mediatorId")
    assert body["message"] == "The mediator is already in the bureau's reach: add the membership with addMembership."
    assert await state_of(demo) == before


async def test_bad_requests_are_refused_early_and_write_nothing(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)
    await requested(wuhou, mediator)
    before = await state_of(demo)

    def ask(m: str, organization_id: str, **term: str) -> Any:
        return wuhou(REQUEST, m=m, input={"organizationId": organization_id, "role": "MEMBER", **term})

    twice = payload(await ask(mediator, WUHOU_STUDIO, **OPEN_TERM), "requestMembership")
    outside = payload(await ask(mediator, SHUANGLIU_STUDIO, **OPEN_TERM), "requestMembership")
    unknown = payload(await ask(str(uuid.uuid4()), WUHOU_STUDIO, **OPEN_TERM), "requestMembership")
    endless = payload(await ask(mediator, WUHOU_COMMITTEE, since="2026-01-01"), "requestMembership")
    backwards = payload(await ask(mediator, WUHOU_STUDIO, since="2026-01-01", until="2025-01-01"), "requestMembership")

    assert (problem(twice), twice["message"]) == (
        ("ConflictProblem", "mediatorId"), "A request for this mediator to join this organization is already pending.")
    assert problem(outside) == ("ForbiddenByAgencyProblem", "membership.organizationId")
    assert problem(unknown) == ("NotFoundProblem", "mediatorId")
    assert problem(endless) == ("ValidationProblem", "membership.until")
    assert problem(backwards) == ("ValidationProblem", "membership.until")
    assert await state_of(demo) == before


async def test_acceptance_checks_the_committee_s_composition_again(demo: Graph, as_agency: AsAgency) -> None:
    """A second chair is a lawful term when asked for, but the filed committee would then break Art 8."""
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)
    membership = {"organizationId": WUHOU_COMMITTEE, "role": "CHAIR", **TERM}
    asked = payload(await wuhou(REQUEST, m=mediator, input=membership), "requestMembership")
    request = asked["membershipRequest"]
    before = await state_of(demo)

    accepted = payload(await shuangliu(ACCEPT, id=request["id"]), "acceptMembershipRequest")
    still = payload(await shuangliu(LIST, direction="INCOMING", state="PENDING"), "membershipRequests")

    assert (accepted["__typename"], accepted["field"]) == ("ValidationProblem", "members")
    assert accepted["message"] == "A committee has exactly one chair; this one has 2 (Art 8)."
    assert [n["id"] for n in still["nodes"]] == [request["id"]]
    assert await state_of(demo) == before


async def test_idempotent_and_concurrent_requests_make_one(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)
    membership = {"organizationId": WUHOU_STUDIO, "role": "MEMBER", **OPEN_TERM}

    first = payload(await wuhou(REQUEST, m=mediator, input=membership, key="ask-1"), "requestMembership")
    replay = payload(await wuhou(REQUEST, m=mediator, input=membership, key="ask-1"), "requestMembership")
    await wuhou(WITHDRAW, id=first["membershipRequest"]["id"])
    racing = await asyncio.gather(*(wuhou(REQUEST, m=mediator, input=membership) for _ in range(2)))

    assert (replay["replayed"], replay["membershipRequest"]["id"]) == (True, first["membershipRequest"]["id"])
    kinds = sorted(payload(body, "requestMembership")["__typename"] for body in racing)
    assert kinds == ["ConflictProblem", "MembershipRequestSaved"]
    pending = await demo.read("MATCH (x:MembershipRequest {state: 'PENDING'}) RETURN count(x) AS n")
    assert pending == [{"n": 1}]


async def test_add_membership_still_refuses_the_other_bureau_s_mediator(demo: Graph, as_agency: AsAgency) -> None:
    wuhou, shuangliu = await bureaus(as_agency)
    mediator = await filed_by_shuangliu(shuangliu)
    await requested(wuhou, mediator)  # a pending request gives no reach either
    before = await state_of(demo)

    body = payload(await wuhou(ADD, m=mediator, input={"organizationId": WUHOU_STUDIO, "role": "MEMBER", **OPEN_TERM}),
                   "addMembership")

    assert problem(body) == ("ForbiddenByAgencyProblem", "mediatorId")
    assert await state_of(demo) == before

