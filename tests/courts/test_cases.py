"""Cases as edges (issue #5): referral, acceptance, time limits, extensions, closing, conflicts, the later-role
bar, overdue cases, recommendations, and who may write and read them."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from graph.core.viewer import Viewer
from graph.grades.grading import measures_of_mediator
from resolvers.courts import recommendation
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient

ROSTER = demo_roster(HASH_KEY)
WUHOU, YUCHENG = "成都市武侯区人民法院", "雅安市雨城区人民法院"
WUHOU_BUREAU, YUCHENG_BUREAU = "成都市武侯区司法局", "雅安市雨城区司法局"
UNION, BANK = "中华全国总工会", "中国人民银行"
JIYUAN = "济源市人民法院"
COURT_SCOPES = "cases:write roster:read invitations:write"
TODAY = clock.today()


def days(n: int) -> str:
    return str(TODAY + datetime.timedelta(days=n))


def agency(name: str) -> str:
    return stable_id("agency", name)


def members(name: str) -> list[str]:
    org = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == name)
    return sorted(m["mediator"] for m in ROSTER.memberships if m["organization"] == org)


LABOUR = members("成都市武侯区劳动争议人民调解委员会")  # affiliated with the union
TRAFFIC = members("成都市武侯区道路交通事故纠纷人民调解委员会")
YAAN = members("雅安市雨城区道路交通事故纠纷人民调解委员会")

CASE = """__typename ... on Problem { code field message }
  ... on CaseSaved { replayed case { id caseCode codeYear codeCourt codeType codeSerial stage referral procedure
    acceptedAt deadline extensions extendedDays conflictGrounds outcome agreementForm agreementEffectiveAt
    confirmationStatus confirmationDeadline closedAt overdue mediator { id } referringAgency { id } } }"""
REFER = "mutation($input: CaseReferralInput!) { recordCaseReferral(input: $input) {" + CASE + "} }"
ACCEPT = "mutation($input: CaseAcceptanceInput!) { acceptCase(input: $input) {" + CASE + "} }"
EXTEND = "mutation($input: CaseExtensionInput!) { extendCaseDeadline(input: $input) {" + CASE + "} }"
CLOSE = "mutation($input: CaseClosingInput!) { closeCase(input: $input) {" + CASE + "} }"
CONFIRM = "mutation($input: JudicialConfirmationInput!) { recordJudicialConfirmation(input: $input) {" + CASE + "} }"
INVITE = """mutation($input: MediatorInvitationInput!) { inviteMediator(input: $input) { __typename } }"""
READ_ONE = "query($id: ID!) { mediationCase(id: $id) { id caseCode overdue } }"
OVERDUE = """query($agency: ID, $jurisdiction: String) { overdueCases(agencyId: $agency, jurisdiction: $jurisdiction) {
  hasNextPage cases { id caseCode deadline overdue } } }"""
ROLE = """query($m: ID!, $code: String!, $role: LaterRole!) { laterRoleCheck(mediatorId: $m, caseCode: $code, role: $role) {
  barred caseIds reason } }"""
RECOMMEND = """query($court: ID!, $type: Specialty!) { recommendMediators(courtId: $court, caseType: $type) {
  score mediator { id } scores { factor points maximum reason } } }"""
BOTH = [{"party": "申请人", "consentedAt": days(0)}, {"party": "被申请人", "consentedAt": days(0)}]


def referral(code: str, mediator: str, **extra: Any) -> dict[str, Any]:
    return {"caseCode": code, "mediatorId": mediator, "caseType": "LABOUR", "referral": "DELEGATED",
            "parties": ["申请人", "被申请人"], "referredAt": days(-3), **extra}


async def payload(client: GraphQLClient, query: str, data: dict[str, Any]) -> dict[str, Any]:
    body = await client(query, input=data)
    assert "errors" not in body, body
    result: dict[str, Any] = next(iter(body["data"].values()))
    return result


async def invited(court: GraphQLClient, mediator: str, panels: tuple[str, ...] = ("LABOUR",)) -> None:
    check = {"criminalRecord": False, "seriousAdministrativePenalty": False, "dishonestJudgmentDebtor": False}
    data = {"mediatorId": mediator, "panels": list(panels), "certificateNo": f"T-{mediator[:8]}", "exclusionCheck": check,
            "since": days(-90)}
    assert (await payload(court, INVITE, data))["__typename"] == "InvitationSaved"


async def accepted_case(court: GraphQLClient, code: str, mediator: str, on: int = -2, **extra: Any) -> dict[str, Any]:
    saved = await payload(court, REFER, referral(code, mediator, referredAt=days(on - 1), **extra))
    assert saved["__typename"] == "CaseSaved", saved
    done = await payload(court, ACCEPT, {"caseId": saved["case"]["id"], "acceptedAt": days(on)})
    assert done["__typename"] == "CaseSaved", done
    case: dict[str, Any] = done["case"]
    return case


async def counts(graph: Graph) -> tuple[int, int, int]:
    rows = await graph.read(
        "OPTIONAL MATCH ()-[h:HANDLED]->() WITH count(h) AS cases"
        " OPTIONAL MATCH (k:CaseKey) WITH cases, count(k) AS keys"
        " OPTIONAL MATCH (e:AuditEvent) RETURN cases, keys, count(e) AS events"
    )
    return int(rows[0]["cases"]), int(rows[0]["keys"]), int(rows[0]["events"])


@pytest.fixture
async def wuhou(demo: Graph, as_agency: AsAgency) -> GraphQLClient:
    court = await as_agency(WUHOU, COURT_SCOPES)
    for mediator in (*LABOUR[:2], TRAFFIC[0]):
        await invited(court, mediator)
    return court


@pytest.mark.parametrize(
    ("kind", "procedure", "limit"), [("DELEGATED", None, 30), ("ENTRUSTED", "ORDINARY", 15), ("ENTRUSTED", "SIMPLE", 7)]
)
async def test_the_deadline_is_the_time_limit_from_acceptance(
    wuhou: GraphQLClient, demo: Graph, kind: str, procedure: str | None, limit: int
) -> None:
    code = "(2026)川0107民诉前调11号" if kind == "DELEGATED" else "(2026)川0107民初11号"
    saved = await payload(wuhou, REFER, referral(code, LABOUR[0], referral=kind, procedure=procedure))
    assert (saved["case"]["stage"], saved["case"]["deadline"]) == ("REFERRED", None)

    accepted = await payload(wuhou, ACCEPT, {"caseId": saved["case"]["id"], "acceptedAt": days(-2)})

    case = accepted["case"]
    assert (case["stage"], case["acceptedAt"], case["deadline"]) == ("ACCEPTED", days(-2), days(limit - 2))
    assert (case["codeYear"], case["codeCourt"], case["codeSerial"], case["mediator"]["id"]) == (2026, "川0107", 11, LABOUR[0])
    events = await demo.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op ORDER BY e.seq", id=LABOUR[0])
    assert [row["op"] for row in events][-2:] == ["recordCaseReferral", "acceptCase"]


async def test_a_duplicate_case_number_is_refused_whatever_its_brackets(wuhou: GraphQLClient, demo: Graph) -> None:
    first = await payload(wuhou, REFER, referral("(2026)川0107民诉前调595号", LABOUR[0]))
    before = await counts(demo)

    again = await payload(wuhou, REFER, referral("（2026）川0107民诉前调0595号", LABOUR[1]))

    assert first["case"]["caseCode"] == "(2026)川0107民诉前调595号"
    assert (again["__typename"], again["field"]) == ("ConflictProblem", "caseCode")
    assert await counts(demo) == before
    assert before[:2] == (1, 1)


async def test_two_racing_referrals_of_one_number_leave_one_case(wuhou: GraphQLClient, demo: Graph) -> None:
    code = "(2026)川0107民诉前调777号"

    results = await asyncio.gather(*(wuhou(REFER, input=referral(code, m)) for m in (LABOUR[0], LABOUR[1], TRAFFIC[0])))

    kinds = sorted(body["data"]["recordCaseReferral"]["__typename"] for body in results)
    assert kinds == ["CaseSaved", "ConflictProblem", "ConflictProblem"]
    assert (await counts(demo))[:2] == (1, 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"caseCode": "(2026)川1802民初5号", "referral": "ENTRUSTED", "procedure": "SIMPLE"}, "caseCode!"),
        ({"caseCode": "川0107民初5号"}, "caseCode"),
        ({"caseCode": "(2026)川0107民初5号", "referral": "ENTRUSTED"}, "procedure"),
        ({"caseCode": "(2026)川0107民诉前调5号", "referral": "ENTRUSTED", "procedure": "ORDINARY"}, "referral"),
        ({"parties": ["申请人", "申请人"]}, "parties"),
        ({"referredAt": days(1)}, "referredAt"),
    ],
)
async def test_a_referral_that_breaks_a_rule_writes_nothing(
    wuhou: GraphQLClient, demo: Graph, change: dict[str, Any], field: str
) -> None:
    before = await counts(demo)

    saved = await payload(wuhou, REFER, referral("(2026)川0107民诉前调5号", LABOUR[0]) | change)

    kind = "ForbiddenByAgencyProblem" if field.endswith("!") else "ValidationProblem"  # another court's number
    assert (saved["__typename"], saved["field"]) == (kind, field.rstrip("!"))
    assert await counts(demo) == before


async def test_a_court_refers_only_to_mediators_on_its_list(wuhou: GraphQLClient, demo: Graph) -> None:
    before = await counts(demo)

    saved = await payload(wuhou, REFER, referral("(2026)川0107民诉前调6号", TRAFFIC[1]))

    assert (saved["code"], saved["field"]) == ("FORBIDDEN_BY_AGENCY", "mediatorId")
    assert await counts(demo) == before


async def test_a_partner_refers_only_to_mediators_affiliated_with_it(demo: Graph, as_agency: AsAgency) -> None:
    union = await as_agency(UNION, "cases:write")

    ours = await payload(union, REFER, referral("(2026)总工调字第7号", LABOUR[2]))
    theirs = await payload(union, REFER, referral("(2026)总工调字第8号", TRAFFIC[0]))

    assert ours["case"]["referringAgency"]["id"] == agency(UNION)
    assert (theirs["code"], theirs["field"]) == ("FORBIDDEN_BY_AGENCY", "mediatorId")
    assert (await counts(demo))[0] == 1


async def test_a_partner_cannot_take_a_court_s_case_number(demo: Graph, as_agency: AsAgency) -> None:
    """Issue 12: the union recorded (2026)川0107民初8888号, which carries the Wuhou court's code, and the court's own
    record of that case was then refused as a duplicate."""
    union = await as_agency(UNION, "cases:write")
    before = await counts(demo)

    taken = await payload(union, REFER, referral("(2026)川0107民初8888号", LABOUR[2]))
    legacy_form = await payload(union, REFER, referral("(2026)川0107民初字第8888号", LABOUR[2]))

    for refused in (taken, legacy_form):
        assert (refused["__typename"], refused["code"], refused["field"]) == (
            "ForbiddenByAgencyProblem", "FORBIDDEN_BY_AGENCY", "caseCode"
        ), refused
        assert "川0107" in refused["message"]
    assert await counts(demo) == before
    court = await as_agency(WUHOU, COURT_SCOPES)
    await invited(court, LABOUR[2])
    own = await payload(court, REFER, referral("(2026)川0107民初8888号", LABOUR[2], referral="ENTRUSTED",
                                               procedure="ORDINARY"))
    assert own["__typename"] == "CaseSaved", own


async def test_an_extension_needs_every_party_s_consent(wuhou: GraphQLClient) -> None:
    case = await accepted_case(wuhou, "(2026)川0107民诉前调21号", LABOUR[0])

    one = await payload(wuhou, EXTEND, {"caseId": case["id"], "days": 10, "consents": BOTH[:1]})
    both = await payload(wuhou, EXTEND, {"caseId": case["id"], "days": 10, "consents": BOTH})

    assert (one["__typename"], one["field"]) == ("ValidationProblem", "consents")
    assert "被申请人" in one["message"]
    extended = both["case"]
    assert (extended["deadline"], extended["extensions"], extended["extendedDays"]) == (days(38), 1, 10)


async def test_extensions_have_no_cap_unless_the_court_s_policy_sets_one(demo: Graph, as_agency: AsAgency) -> None:
    await demo.write(
        "MATCH (j:Jurisdiction {code: '510000'})"
        " CREATE (c:Agency:Court {id: $id, name: $name, kind: 'COURT', level: 'BASIC', courtCode: '豫9001'})"
        "-[:HAS_JURISDICTION]->(j)",
        id=agency(JIYUAN), name=JIYUAN,
    )
    jiyuan, wuhou = await as_agency(JIYUAN, COURT_SCOPES), await as_agency(WUHOU, COURT_SCOPES)
    await invited(jiyuan, YAAN[0])
    await invited(wuhou, LABOUR[0])
    capped = await accepted_case(jiyuan, "(2026)豫9001民诉前调1号", YAAN[0])
    free = await accepted_case(wuhou, "(2026)川0107民诉前调31号", LABOUR[0])

    within = await payload(jiyuan, EXTEND, {"caseId": capped["id"], "days": 20, "consents": BOTH})
    beyond = await payload(jiyuan, EXTEND, {"caseId": capped["id"], "days": 11, "consents": BOTH})
    long = await payload(wuhou, EXTEND, {"caseId": free["id"], "days": 90, "consents": BOTH})

    assert within["case"]["extendedDays"] == 20
    assert (beyond["__typename"], beyond["field"]) == ("ValidationProblem", "days")
    assert long["case"]["extendedDays"] == 90


async def test_accepting_with_an_undisclosed_conflict_is_refused(wuhou: GraphQLClient, demo: Graph) -> None:
    saved = await payload(wuhou, REFER, referral("(2026)川0107民诉前调41号", LABOUR[0], knownConflicts=["INTEREST_IN_DISPUTE"]))
    before = await counts(demo)

    silent = await payload(wuhou, ACCEPT, {"caseId": saved["case"]["id"], "consents": BOTH})

    assert (silent["__typename"], silent["field"]) == ("ValidationProblem", "disclosedConflicts")
    assert await counts(demo) == before
    stage = await demo.read("MATCH ()-[h:HANDLED]->() RETURN h.stage AS stage, h.deadline AS deadline")
    assert stage == [{"stage": "REFERRED", "deadline": None}]


async def test_a_disclosed_conflict_blocks_acceptance_until_both_parties_consent(wuhou: GraphQLClient) -> None:
    saved = await payload(wuhou, REFER, referral("(2026)川0107民诉前调42号", LABOUR[0]))
    accept = {"caseId": saved["case"]["id"], "disclosedConflicts": ["CLOSE_RELATIVE"]}

    alone = await payload(wuhou, ACCEPT, accept | {"consents": BOTH[1:]})
    agreed = await payload(wuhou, ACCEPT, accept | {"consents": BOTH})
    twice = await payload(wuhou, ACCEPT, accept | {"consents": BOTH})

    assert (alone["__typename"], alone["field"]) == ("ValidationProblem", "consents")
    assert (agreed["case"]["stage"], agreed["case"]["conflictGrounds"]) == ("ACCEPTED", ["CLOSE_RELATIVE"])
    assert twice["code"] == "ILLEGAL_TRANSITION"


async def test_an_agreement_opens_a_thirty_day_confirmation_window(wuhou: GraphQLClient) -> None:
    case = await accepted_case(wuhou, "(2026)川0107民诉前调51号", LABOUR[0], on=-45)
    closing = {"caseId": case["id"], "outcome": "AGREEMENT", "agreementForm": "WRITTEN", "closedAt": days(-40)}

    closed = (await payload(wuhou, CLOSE, closing))["case"]
    late = await payload(wuhou, CONFIRM, {"caseId": case["id"], "status": "APPLIED", "appliedOn": days(-9)})
    applied = await payload(wuhou, CONFIRM, {"caseId": case["id"], "status": "APPLIED", "appliedOn": days(-11)})
    confirmed = await payload(wuhou, CONFIRM, {"caseId": case["id"], "status": "CONFIRMED"})
    again = await payload(wuhou, CONFIRM, {"caseId": case["id"], "status": "APPLIED", "appliedOn": days(-11)})

    assert (closed["stage"], closed["outcome"], closed["agreementEffectiveAt"]) == ("CLOSED", "AGREEMENT", days(-40))
    assert (closed["confirmationStatus"], closed["confirmationDeadline"]) == ("NOT_APPLIED", days(-10))
    assert (late["__typename"], late["field"]) == ("ValidationProblem", "confirmationAppliedOn")
    assert applied["case"]["confirmationStatus"] == "APPLIED"
    assert confirmed["case"]["confirmationStatus"] == "CONFIRMED"
    assert again["code"] == "ILLEGAL_TRANSITION"


async def test_closing_follows_the_stage_and_the_outcome(wuhou: GraphQLClient) -> None:
    referred = await payload(wuhou, REFER, referral("(2026)川0107民诉前调61号", LABOUR[0]))
    case = await accepted_case(wuhou, "(2026)川0107民诉前调62号", LABOUR[1])

    early = await payload(wuhou, CLOSE, {"caseId": referred["case"]["id"], "outcome": "WITHDRAWN"})
    formless = await payload(wuhou, CLOSE, {"caseId": case["id"], "outcome": "AGREEMENT"})
    oral_failure = await payload(wuhou, CLOSE, {"caseId": case["id"], "outcome": "NO_AGREEMENT", "agreementForm": "ORAL"})
    withdrawn = await payload(wuhou, CLOSE, {"caseId": case["id"], "outcome": "WITHDRAWN"})

    assert early["code"] == "ILLEGAL_TRANSITION"
    assert (formless["__typename"], formless["field"]) == ("ValidationProblem", "agreementForm")
    assert (oral_failure["__typename"], oral_failure["field"]) == ("ValidationProblem", "agreementForm")
    assert (withdrawn["case"]["outcome"], withdrawn["case"]["confirmationStatus"]) == ("WITHDRAWN", None)


async def test_grading_counts_the_cases_closed_through_the_api(wuhou: GraphQLClient, demo: Graph) -> None:
    for serial, (outcome, form) in enumerate([("AGREEMENT", "ORAL"), ("AGREEMENT", "WRITTEN"), ("NO_AGREEMENT", None)]):
        case = await accepted_case(wuhou, f"(2026)川0107民诉前调7{serial}号", LABOUR[0], on=-5)
        closing = {"caseId": case["id"], "outcome": outcome, "agreementForm": form, "closedAt": days(-1)}
        assert (await payload(wuhou, CLOSE, closing))["__typename"] == "CaseSaved"

    measures = await measures_of_mediator(
        demo, id=LABOUR[0], start=TODAY - datetime.timedelta(days=30), end=TODAY, periods=None,
        viewer=Viewer(roster=True, national=True),
    )

    assert measures is not None
    assert (measures.cases, measures.agreements, measures.oral, measures.escalated) == (3, 2, 1, 0)


async def test_overdue_cases_are_accepted_unclosed_and_past_their_deadline(
    wuhou: GraphQLClient, demo: Graph, as_agency: AsAgency
) -> None:
    late = await accepted_case(wuhou, "(2026)川0107民诉前调81号", LABOUR[0], on=-40)
    await accepted_case(wuhou, "(2026)川0107民诉前调82号", LABOUR[1], on=-1)
    done = await accepted_case(wuhou, "(2026)川0107民诉前调83号", TRAFFIC[0], on=-40)
    await payload(wuhou, CLOSE, {"caseId": done["id"], "outcome": "TERMINATED", "closedAt": days(-2)})
    bureau, elsewhere = await as_agency(WUHOU_BUREAU, "roster:read"), await as_agency(YUCHENG, "roster:read")

    court_view = (await wuhou(OVERDUE))["data"]["overdueCases"]["cases"]
    bureau_view = (await bureau(OVERDUE))["data"]["overdueCases"]["cases"]
    other_court = (await elsewhere(OVERDUE, agency=agency(WUHOU)))["data"]["overdueCases"]["cases"]

    assert [(c["id"], c["deadline"], c["overdue"]) for c in court_view] == [(late["id"], days(-10), True)]
    assert [c["id"] for c in bureau_view] == [late["id"]]
    assert other_court == []


async def test_cases_are_read_by_their_agency_and_the_bureau_in_reach_only(
    wuhou: GraphQLClient, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    case = await accepted_case(wuhou, "(2026)川0107民诉前调91号", LABOUR[0])
    readers = {
        "court": wuhou,
        "bureau": await as_agency(WUHOU_BUREAU, "roster:read"),
        "other bureau": await as_agency(YUCHENG_BUREAU, "roster:read"),
        "other court": await as_agency(YUCHENG, "roster:read"),
        "other partner": await as_agency(BANK, "roster:read"),
        "no roster:read": await as_agency(WUHOU, "cases:write"),
    }

    seen = {name: (await client(READ_ONE, id=case["id"])) for name, client in readers.items()}
    anonymous = await gql(READ_ONE, id=case["id"])

    assert seen["court"]["data"]["mediationCase"]["caseCode"] == "(2026)川0107民诉前调91号"
    assert seen["bureau"]["data"]["mediationCase"]["id"] == case["id"]
    assert [seen[n]["data"]["mediationCase"] for n in ("other bureau", "other court", "other partner")] == [None] * 3
    assert seen["no roster:read"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("caller", ["anonymous", "wrong scope", "bureau", "other court", "right court"])
async def test_only_the_referring_agency_writes_its_case(
    wuhou: GraphQLClient, demo: Graph, as_agency: AsAgency, gql: GraphQLClient, caller: str
) -> None:
    case = await accepted_case(wuhou, "(2026)川0107民诉前调101号", LABOUR[0])
    clients = {
        "anonymous": gql,
        "wrong scope": await as_agency(WUHOU, "roster:read invitations:write"),
        "bureau": await as_agency(WUHOU_BUREAU, "cases:write"),
        "other court": await as_agency(YUCHENG, "cases:write"),
        "right court": wuhou,
    }
    before = await counts(demo)

    body = await clients[caller](EXTEND, input={"caseId": case["id"], "days": 5, "consents": BOTH})

    if caller == "right court":
        assert body["data"]["extendCaseDeadline"]["case"]["extensions"] == 1
        assert (await counts(demo))[2] == before[2] + 1
        return
    if caller in ("anonymous", "wrong scope"):
        code = "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
        assert body["errors"][0]["extensions"]["code"] == code
    else:
        assert body["data"]["extendCaseDeadline"]["code"] == "FORBIDDEN_BY_AGENCY"
    assert await counts(demo) == before
    rows = await demo.read("MATCH ()-[h:HANDLED]->() RETURN h.extensions AS n, h.version AS version")
    assert rows == [{"n": 0, "version": 2}]


async def test_a_mediator_who_mediated_a_case_is_barred_from_later_roles_in_it(wuhou: GraphQLClient) -> None:
    case = await accepted_case(wuhou, "(2026)川0107民诉前调111号", LABOUR[0])
    await payload(wuhou, CLOSE, {"caseId": case["id"], "outcome": "NO_AGREEMENT", "litigationCaseCode": "(2026)川0107民初222号"})
    await payload(wuhou, REFER, referral("(2026)川0107民诉前调112号", LABOUR[1]))

    same = (await wuhou(ROLE, m=LABOUR[0], code="（2026）川0107民诉前调111号", role="WITNESS"))["data"]["laterRoleCheck"]
    trial = (await wuhou(ROLE, m=LABOUR[0], code="(2026)川0107民初222号", role="PEOPLES_ASSESSOR"))["data"]["laterRoleCheck"]
    other = (await wuhou(ROLE, m=LABOUR[1], code="(2026)川0107民诉前调111号", role="AGENT"))["data"]["laterRoleCheck"]
    unaccepted = (await wuhou(ROLE, m=LABOUR[1], code="(2026)川0107民诉前调112号", role="TRANSLATOR"))["data"]["laterRoleCheck"]
    bad = await wuhou(ROLE, m=LABOUR[0], code="川0107", role="WITNESS")

    assert (same["barred"], same["caseIds"]) == (True, [case["id"]])
    assert "Art 16" in same["reason"]
    assert trial["barred"] is True
    assert (other["barred"], unaccepted["barred"]) == (False, False)
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_bureau_learns_of_the_bar_for_its_own_mediators_only(wuhou: GraphQLClient, as_agency: AsAgency) -> None:
    await accepted_case(wuhou, "(2026)川0107民诉前调111号", LABOUR[0])
    bureau, elsewhere = await as_agency(WUHOU_BUREAU, "roster:read"), await as_agency(YUCHENG_BUREAU, "roster:read")

    own = (await bureau(ROLE, m=LABOUR[0], code="(2026)川0107民诉前调111号", role="WITNESS"))["data"]["laterRoleCheck"]
    other = (await elsewhere(ROLE, m=LABOUR[0], code="(2026)川0107民诉前调111号", role="WITNESS"))["data"]["laterRoleCheck"]

    assert (own["barred"], other["barred"], other["caseIds"]) == (True, False, [])


async def test_recommendations_rank_the_court_s_list_and_explain_each_score(
    wuhou: GraphQLClient, demo: Graph, as_agency: AsAgency
) -> None:
    await demo.write("MATCH (g:GradeAssessment) DETACH DELETE g")
    await demo.write(
        "MATCH (m:Mediator {id: $id}) CREATE (m)-[:ASSESSED]->(:GradeAssessment {id: 'g-test', scheme: 'national',"
        " grade: '一级', rank: 1, status: 'DECIDED', decidedAt: datetime(), validFrom: date() - duration({days: 1}),"
        " validUntil: date() + duration({days: 700})})",
        id=TRAFFIC[1],
    )
    await invited(wuhou, TRAFFIC[1], panels=("ROAD_TRAFFIC",))
    await accepted_case(wuhou, "(2026)川0107民诉前调121号", LABOUR[1])
    await accepted_case(wuhou, "(2026)川0107民诉前调122号", LABOUR[1])

    ranked = (await wuhou(RECOMMEND, court=agency(WUHOU), type="LABOUR"))["data"]["recommendMediators"]
    elsewhere = (await (await as_agency(YUCHENG, "roster:read"))(RECOMMEND, court=agency(WUHOU), type="LABOUR"))

    order = [r["mediator"]["id"] for r in ranked]
    assert order[:2] == [LABOUR[0], LABOUR[1]]  # same panel and specialty; LABOUR[1] has two open cases
    assert set(order) == {LABOUR[0], LABOUR[1], TRAFFIC[0], TRAFFIC[1]}
    first = {s["factor"]: (s["points"], s["maximum"]) for s in ranked[0]["scores"]}
    assert (first["PANEL"], first["SPECIALTY"], first["CASELOAD"]) == ((40.0, 40), (20.0, 20), (10.0, 10))
    second = {s["factor"]: (s["points"], s["reason"]) for s in ranked[1]["scores"]}
    assert second["CASELOAD"] == (6.0, "2 open cases.")
    assert ranked[0]["score"] == sum(s["points"] for s in ranked[0]["scores"])
    traffic = next(r for r in ranked if r["mediator"]["id"] == TRAFFIC[1])
    points = {s["factor"]: s["points"] for s in traffic["scores"]}
    assert (points["PANEL"], points["GRADE"]) == (0.0, 20.0)
    assert elsewhere["data"]["recommendMediators"] is None


@pytest.mark.parametrize("case_type", ["LABOUR", "ROAD_TRAFFIC"])
async def test_a_capped_candidate_pool_keeps_the_best_matches(
    wuhou: GraphQLClient, monkeypatch: pytest.MonkeyPatch, case_type: str
) -> None:
    await invited(wuhou, TRAFFIC[1], panels=("ROAD_TRAFFIC",))
    full = (await wuhou(RECOMMEND, court=agency(WUHOU), type=case_type))["data"]["recommendMediators"]
    monkeypatch.setattr(recommendation, "CANDIDATE_LIMIT", 1)

    capped = (await wuhou(RECOMMEND, court=agency(WUHOU), type=case_type))["data"]["recommendMediators"]

    assert len(full) > 1
    assert [r["mediator"]["id"] for r in capped] == [full[0]["mediator"]["id"]]


async def test_a_page_of_cases_costs_the_same_statements_for_one_case_or_three(wuhou: GraphQLClient, demo: Graph) -> None:
    page = "{ cases(first: 10) { cases { id mediator { id name } referringAgency { id name } } } }"
    await accepted_case(wuhou, "(2026)川0107民诉前调131号", LABOUR[0])
    demo.round_trips.count = 0
    one = (await wuhou(page))["data"]["cases"]["cases"]
    single = demo.round_trips.count
    await accepted_case(wuhou, "(2026)川0107民诉前调132号", LABOUR[1])
    await accepted_case(wuhou, "(2026)川0107民诉前调133号", TRAFFIC[0])
    demo.round_trips.count = 0

    three = (await wuhou(page))["data"]["cases"]["cases"]

    assert (len(one), len(three)) == (1, 3)
    assert demo.round_trips.count == single <= 4  # token check, the page, mediators, agencies
    assert {c["mediator"]["id"] for c in three} == {LABOUR[0], LABOUR[1], TRAFFIC[0]}


async def test_an_idempotency_key_returns_the_first_case_and_writes_nothing_more(wuhou: GraphQLClient, demo: Graph) -> None:
    query = REFER.replace("recordCaseReferral(input: $input)", "recordCaseReferral(input: $input, idempotencyKey: \"k-141\")")
    data = referral("(2026)川0107民诉前调141号", LABOUR[0])
    first = await payload(wuhou, query, data)
    before = await counts(demo)

    again = await payload(wuhou, query, data)

    assert (again["replayed"], again["case"]["id"]) == (True, first["case"]["id"])
    assert await counts(demo) == before
