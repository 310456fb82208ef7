"""The grade assessment workflow (issue #6): application, review, public notice, appeal, decision; the current grade."""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from graph.grades.assessment import CURRENT_GRADE_RANK
from resolvers.grades.grading import SCHEMES
from seed.demo import demo_roster
from seed.grades import demo_grades
from seed.roster import stable_id
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient

ROSTER = demo_roster(HASH_KEY)
SEEDED = demo_grades(ROSTER)
WUHOU_BUREAU, YUCHENG_BUREAU, WUHOU_COURT = "成都市武侯区司法局", "雅安市雨城区司法局", "成都市武侯区人民法院"
WRITE = "grades:write"
TODAY = clock.today()

PAYLOAD = """
  __typename
  ... on Problem { code field message }
  ... on GradeAssessmentSaved { replayed assessment {
    id mediatorId scheme grade rank status version periodStart periodEnd noticeStartsOn noticeEndsOn
    refusalReason appealReason appealOutcome decidedAt validFrom validUntil reassessmentDue overrideReason evidence
    steps { seq action status agencyId clientId reason at } } }
"""
APPLY = (
    "mutation($input: GradeApplicationInput!, $key: String) { applyForGrade(input: $input, idempotencyKey: $key) {"
    + PAYLOAD + "} }"
)
REVIEW = (
    "mutation($id: ID!, $input: GradeReviewInput!) { reviewGradeApplication(assessmentId: $id, input: $input) {"
    + PAYLOAD + "} }"
)
APPEAL = "mutation($id: ID!, $input: GradeAppealInput!) { appealGrade(assessmentId: $id, input: $input) {" + PAYLOAD + "} }"
RESOLVE = (
    "mutation($id: ID!, $input: GradeAppealResolutionInput!) { resolveGradeAppeal(assessmentId: $id, input: $input) {"
    + PAYLOAD + "} }"
)
DECIDE = "mutation($id: ID!, $input: GradeDecisionInput) { decideGrade(assessmentId: $id, input: $input) {" + PAYLOAD + "} }"
GRADE = "query($id: ID!) { mediator(id: $id) { grade } }"
HISTORY = "query($id: ID!) { mediator(id: $id) { grade gradeHistory { id grade status validUntil steps { action } } } }"
ONE = "query($id: ID!) { gradeAssessment(id: $id) { id status grade } }"


def wuhou_mediators() -> list[str]:
    inside = {o["id"] for o in ROSTER.organizations if o["jurisdiction"].startswith("510107")}
    graded = {row["mediator"] for row in SEEDED}
    return sorted({m["mediator"] for m in ROSTER.memberships if m["organization"] in inside} - graded)


MEDIATOR, OTHER = wuhou_mediators()[:2]


async def given_training(graph: Graph, mediator: str, hours: float = 24.0) -> None:
    """Enough training hours in the current period for the yaan scheme's lowest grade (三级)."""
    await graph.write(
        "MATCH (m:Mediator {id: $id}) CREATE (m)-[:COMPLETED {hours: $hours, completedAt: $on}]->"
        "(:Training {id: $id + '-assessment-course', title: '等级评定前培训', form: 'CENTRALIZED_TEACHING', hours: $hours})",
        id=mediator, hours=hours, on=TODAY - datetime.timedelta(days=30),
    )


async def end_notice(graph: Graph, assessment: str) -> None:
    """The public notice ran its course: it ended yesterday."""
    await graph.write(
        "MATCH (a:GradeAssessment {id: $id}) SET a.noticeStartsOn = $start, a.noticeEndsOn = $end",
        id=assessment, start=TODAY - datetime.timedelta(days=7), end=TODAY - datetime.timedelta(days=1),
    )


async def step(client: GraphQLClient, query: str, **variables: Any) -> dict[str, Any]:
    body = await client(query, **variables)
    assert "errors" not in body, body
    result: dict[str, Any] = next(iter(body["data"].values()))
    return result


async def applied(client: GraphQLClient, mediator: str = MEDIATOR, grade: str = "三级", **extra: Any) -> dict[str, Any]:
    saved = await step(client, APPLY, input={"mediatorId": mediator, "scheme": "yaan", "grade": grade, **extra})
    assert saved["__typename"] == "GradeAssessmentSaved", saved
    found: dict[str, Any] = saved["assessment"]
    return found


async def in_notice(client: GraphQLClient, graph: Graph, mediator: str = MEDIATOR, grade: str = "三级") -> str:
    assessment = (await applied(client, mediator, grade))["id"]
    passed = await step(client, REVIEW, id=assessment, input={"decision": "PASS"})
    assert passed["assessment"]["status"] == "UNDER_NOTICE"
    return str(assessment)


async def counts(graph: Graph) -> list[dict[str, Any]]:
    return await graph.read("MATCH (n) WHERE NOT n:OAuthClient RETURN count(n) AS nodes, COUNT { ()-->() } AS edges")


async def stored(graph: Graph, assessment: str) -> dict[str, Any]:
    rows = await graph.read("MATCH (a:GradeAssessment {id: $id}) RETURN a {.*} AS a", id=assessment)
    found: dict[str, Any] = rows[0]["a"]
    return found


def years_later(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year + years)


# --- the whole workflow -----------------------------------------------------------------------------------


async def test_a_grade_goes_from_application_through_notice_to_a_decision_on_evidence(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    await given_training(demo, MEDIATOR)
    bureau = await as_agency(WUHOU_BUREAU, WRITE)

    application = await applied(bureau, note="所在调委会推荐")
    passed = await step(bureau, REVIEW, id=application["id"], input={"decision": "PASS", "noticeDays": 7})
    await end_notice(demo, application["id"])
    decided = await step(bureau, DECIDE, id=application["id"])

    start = SCHEMES["yaan"].period(TODAY)[0]
    assert (application["status"], application["periodStart"], application["periodEnd"]) == ("APPLIED", str(start), str(TODAY))
    assert (application["rank"], application["version"]) == (4, 1)
    assert passed["assessment"]["noticeStartsOn"] == str(TODAY)
    assert passed["assessment"]["noticeEndsOn"] == str(TODAY + datetime.timedelta(days=6))
    final = decided["assessment"]
    assert (final["status"], final["grade"], final["overrideReason"]) == ("DECIDED", "三级", None)
    assert (final["validFrom"], final["validUntil"]) == (str(TODAY), str(years_later(TODAY, 2) - datetime.timedelta(days=1)))
    assert final["reassessmentDue"] == str(years_later(TODAY, 2))
    evidence = final["evidence"]
    assert (evidence["scheme"], evidence["periodEnd"], evidence["highest"]["grade"]) == ("yaan", str(TODAY), "三级")
    assert {c["criterion"]: c["passed"] for c in evidence["highest"]["criteria"]}["TRAINING_HOURS"] is True
    assert evidence["next"]["grade"] == "二级" and evidence["next"]["qualified"] is False
    bureau_id = stable_id("agency", WUHOU_BUREAU)
    assert [(s["seq"], s["action"], s["status"], s["agencyId"]) for s in final["steps"]] == [
        (1, "APPLY", "APPLIED", bureau_id),
        (2, "PASS_REVIEW", "UNDER_NOTICE", bureau_id),
        (3, "DECIDE", "DECIDED", bureau_id),
    ]
    assert final["steps"][0]["reason"] == "所在调委会推荐" and all(s["clientId"] for s in final["steps"])
    assert (await gql(GRADE, id=MEDIATOR))["data"]["mediator"]["grade"] == "三级"
    events = await demo.read(
        "MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op, e.after AS after ORDER BY e.seq", id=MEDIATOR
    )
    assert [e["op"] for e in events] == ["applyForGrade", "reviewGradeApplication", "decideGrade"]
    assert json.loads(events[-1]["after"])["status"] == "DECIDED"


async def test_a_decision_before_the_notice_ends_is_an_illegal_transition(demo: Graph, as_agency: AsAgency) -> None:
    await given_training(demo, MEDIATOR)
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    assessment = await in_notice(bureau, demo)
    before, graph_before = await stored(demo, assessment), await counts(demo)

    early = await step(bureau, DECIDE, id=assessment)

    assert (early["code"], early["field"]) == ("ILLEGAL_TRANSITION", "status")
    assert await stored(demo, assessment) == before and await counts(demo) == graph_before


async def test_a_grade_the_evidence_does_not_support_needs_a_recorded_override(demo: Graph, as_agency: AsAgency) -> None:
    await given_training(demo, MEDIATOR)
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    assessment = await in_notice(bureau, demo, grade="二级")
    await end_notice(demo, assessment)
    before = await stored(demo, assessment)

    refused = await step(bureau, DECIDE, id=assessment)
    unchanged = await stored(demo, assessment)
    reason = "市级专家委员会认定其处理重大疑难纠纷成效显著"
    overridden = await step(bureau, DECIDE, id=assessment, input={"overrideReason": reason})

    assert (refused["code"], refused["field"]) == ("VALIDATION", "overrideReason")
    assert "三级" in refused["message"] and unchanged == before
    final = overridden["assessment"]
    assert (final["status"], final["grade"]) == ("DECIDED", "二级")
    assert final["overrideReason"] == "市级专家委员会认定其处理重大疑难纠纷成效显著"
    assert final["evidence"]["highest"]["grade"] == "三级"
    assert final["steps"][-1]["reason"] == final["overrideReason"]


async def test_an_appeal_during_the_notice_holds_the_decision_until_it_is_resolved(demo: Graph, as_agency: AsAgency) -> None:
    await given_training(demo, MEDIATOR)
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    assessment = await in_notice(bureau, demo)

    appealed = await step(bureau, APPEAL, id=assessment, input={"reason": "调解协议履行率存疑", "appellant": "当事人张某"})
    await end_notice(demo, assessment)
    held = await step(bureau, DECIDE, id=assessment)
    dismissed = await step(bureau, RESOLVE, id=assessment, input={"outcome": "DISMISSED", "reason": "经核查履行记录完整"})
    late = await step(bureau, APPEAL, id=assessment, input={"reason": "公示期后补充异议"})
    decided = await step(bureau, DECIDE, id=assessment)

    assert appealed["assessment"]["status"] == "APPEALED"
    assert appealed["assessment"]["appealReason"] == "当事人张某: 调解协议履行率存疑"
    assert (held["code"], held["field"]) == ("ILLEGAL_TRANSITION", "status")
    assert (dismissed["assessment"]["status"], dismissed["assessment"]["appealOutcome"]) == ("UNDER_NOTICE", "DISMISSED")
    assert late["code"] == "ILLEGAL_TRANSITION" and "ended" in late["message"]
    assert [s["action"] for s in decided["assessment"]["steps"]] == [
        "APPLY", "PASS_REVIEW", "APPEAL", "DISMISS_APPEAL", "DECIDE"
    ]


async def test_an_upheld_appeal_refuses_the_grade_and_frees_the_mediator_to_apply_again(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    assessment = await in_notice(bureau, demo)
    await step(bureau, APPEAL, id=assessment, input={"reason": "曾因偏袒一方被投诉"})

    upheld = await step(bureau, RESOLVE, id=assessment, input={"outcome": "UPHELD", "reason": "投诉属实"})
    again = await applied(bureau)

    assert (upheld["assessment"]["status"], upheld["assessment"]["refusalReason"]) == ("REFUSED", "投诉属实")
    assert again["status"] == "APPLIED" and again["id"] != assessment


async def test_a_refusal_needs_a_reason_and_ends_the_assessment(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    assessment = (await applied(bureau))["id"]

    bare = await step(bureau, REVIEW, id=assessment, input={"decision": "REFUSE"})
    refused = await step(bureau, REVIEW, id=assessment, input={"decision": "REFUSE", "reason": "培训学时不足"})
    again = await step(bureau, REVIEW, id=assessment, input={"decision": "PASS"})
    appeal = await step(bureau, APPEAL, id=assessment, input={"reason": "不服"})

    assert (bare["code"], bare["field"]) == ("VALIDATION", "reason")
    assert (refused["assessment"]["status"], refused["assessment"]["refusalReason"]) == ("REFUSED", "培训学时不足")
    assert (again["code"], appeal["code"]) == ("ILLEGAL_TRANSITION", "ILLEGAL_TRANSITION")


async def test_a_mediator_has_one_open_assessment_at_a_time(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    first = await applied(bureau)
    before = await counts(demo)

    second = await step(bureau, APPLY, input={"mediatorId": MEDIATOR, "scheme": "national", "grade": "四级"})

    assert (second["code"], second["field"]) == ("CONFLICT", "mediatorId")
    assert first["id"] in second["message"]
    assert await counts(demo) == before


async def test_two_racing_applications_open_one_assessment(demo: Graph, as_agency: AsAgency) -> None:
    one, two = await as_agency(WUHOU_BUREAU, WRITE), await as_agency(WUHOU_BUREAU, WRITE)
    data = {"mediatorId": MEDIATOR, "scheme": "yaan", "grade": "三级"}

    results = await asyncio.gather(step(one, APPLY, input=data), step(two, APPLY, input=data))

    assert sorted(r["__typename"] for r in results) == ["ConflictProblem", "GradeAssessmentSaved"]
    rows = await demo.read("MATCH (:Mediator {id: $id})-[:ASSESSED]->(a) RETURN count(a) AS n", id=MEDIATOR)
    assert rows == [{"n": 1}]


async def test_an_idempotency_key_replays_the_application(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    data = {"mediatorId": MEDIATOR, "scheme": "yaan", "grade": "三级"}

    one = await step(bureau, APPLY, input=data, key="apply-1")
    two = await step(bureau, APPLY, input=data, key="apply-1")

    assert (one["replayed"], two["replayed"]) == (False, True)
    assert one["assessment"]["id"] == two["assessment"]["id"]
    rows = await demo.read("MATCH (:Mediator {id: $id})-[:ASSESSED]->(a) RETURN count(a) AS n", id=MEDIATOR)
    assert rows == [{"n": 1}]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"scheme": "nowhere"}, "VALIDATION", "scheme"),
        ({"grade": "五级"}, "VALIDATION", "grade"),
        ({"periodEnd": str(TODAY + datetime.timedelta(days=1))}, "VALIDATION", "periodEnd"),
        ({"note": "x" * 501}, "VALIDATION", "note"),
        ({"mediatorId": "no-such-mediator"}, "NOT_FOUND", "mediatorId"),
    ],
)
async def test_a_bad_application_is_refused_and_writes_nothing(
    demo: Graph, as_agency: AsAgency, change: dict[str, Any], code: str, field: str
) -> None:
    bureau = await as_agency(WUHOU_BUREAU, WRITE)
    before = await counts(demo)

    refused = await step(bureau, APPLY, input={"mediatorId": MEDIATOR, "scheme": "yaan", "grade": "三级", **change})

    assert (refused["code"], refused["field"]) == (code, field)
    assert await counts(demo) == before


async def test_an_unfiled_mediator_cannot_apply(demo: Graph, as_agency: AsAgency) -> None:
    await demo.write("MATCH (m:Mediator {id: $id}) SET m.status = 'SUSPENDED'", id=MEDIATOR)
    bureau = await as_agency(WUHOU_BUREAU, WRITE)

    refused = await step(bureau, APPLY, input={"mediatorId": MEDIATOR, "scheme": "yaan", "grade": "三级"})

    assert (refused["code"], refused["field"]) == ("VALIDATION", "mediatorId")


# --- who may take the steps --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agency", "scopes", "code"),
    [
        (None, None, "UNAUTHENTICATED"),
        (WUHOU_BUREAU, "roster:read roster:write", "FORBIDDEN"),
        (YUCHENG_BUREAU, WRITE, "FORBIDDEN_BY_AGENCY"),
        (WUHOU_COURT, WRITE, "FORBIDDEN_BY_AGENCY"),
        (WUHOU_BUREAU, WRITE, None),
    ],
)
async def test_each_step_needs_grades_write_and_a_bureau_reaching_the_mediator(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient, agency: str | None, scopes: str | None, code: str | None
) -> None:
    owner = await as_agency(WUHOU_BUREAU, WRITE)
    open_one = await in_notice(owner, demo, mediator=OTHER)
    caller = await as_agency(agency, scopes) if agency and scopes else gql
    before, assessment_before = await counts(demo), await stored(demo, open_one)

    application = await caller(APPLY, input={"mediatorId": MEDIATOR, "scheme": "yaan", "grade": "三级"})
    appeal = await caller(APPEAL, id=open_one, input={"reason": "异议"})

    if code is None:
        assert application["data"]["applyForGrade"]["assessment"]["status"] == "APPLIED"
        assert appeal["data"]["appealGrade"]["assessment"]["status"] == "APPEALED"
        return
    for body, name in ((application, "applyForGrade"), (appeal, "appealGrade")):
        if code in ("UNAUTHENTICATED", "FORBIDDEN"):
            assert body["data"] is None and body["errors"][0]["extensions"]["code"] == code
        else:
            assert body["data"][name]["code"] == code
    assert await counts(demo) == before
    assert await stored(demo, open_one) == assessment_before


# --- reading grades ----------------------------------------------------------------------------------------


async def test_the_current_grade_is_the_latest_decided_unexpired_one_and_history_is_kept(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    graded = SEEDED[0]["mediator"]
    seeded = [row for row in SEEDED if row["mediator"] == graded]
    current = next(row for row in seeded if row["props"]["validUntil"] >= TODAY)
    await given_training(demo, graded)
    bureau = await as_agency(WUHOU_BUREAU, f"{WRITE} roster:read")
    public_before = (await gql(GRADE, id=graded))["data"]["mediator"]["grade"]

    assessment = await in_notice(bureau, demo, mediator=graded)
    await end_notice(demo, assessment)
    await step(bureau, DECIDE, id=assessment)
    after = (await gql(GRADE, id=graded))["data"]["mediator"]["grade"]
    yesterday = TODAY - datetime.timedelta(days=1)
    await demo.write("MATCH (a:GradeAssessment {id: $id}) SET a.validUntil = $day", id=assessment, day=yesterday)
    expired = (await gql(GRADE, id=graded))["data"]["mediator"]["grade"]
    history = (await bureau(HISTORY, id=graded))["data"]["mediator"]

    assert len(seeded) == 2 and public_before == current["props"]["grade"]
    assert after == "三级"
    assert expired == current["props"]["grade"]  # the newer grade lapsed; the seeded one is still valid
    assert [h["id"] for h in history["gradeHistory"]] == [assessment] + [row["id"] for row in sorted(
        seeded, key=lambda row: row["props"]["appliedAt"], reverse=True
    )]
    assert history["gradeHistory"][0]["steps"] == [{"action": "APPLY"}, {"action": "PASS_REVIEW"}, {"action": "DECIDE"}]


async def test_grades_on_a_page_of_mediators_are_one_batched_statement(demo: Graph, gql: GraphQLClient) -> None:
    expected = {row["mediator"]: row["props"]["grade"] for row in SEEDED if row["props"]["validUntil"] >= TODAY}
    query = """query($after: String) { mediators(filter: {jurisdiction: "510107"}, first: 100, after: $after) {
      edges { node { id grade } } pageInfo { hasNextPage endCursor } } }"""

    demo.round_trips.count = 0
    body = await gql(query)
    with_grades = demo.round_trips.count
    demo.round_trips.count = 0
    without = await gql(query.replace(" grade ", " "))

    assert "errors" not in body and "errors" not in without, body
    nodes = [edge["node"] for edge in body["data"]["mediators"]["edges"]]
    listed = {n["id"] for n in nodes}
    assert {n["id"]: n["grade"] for n in nodes if n["grade"]} == {m: g for m, g in expected.items() if m in listed}
    assert any(n["grade"] for n in nodes)
    assert with_grades == demo.round_trips.count + 1  # every grade on the page comes from one statement


async def test_history_and_single_assessments_need_roster_read_and_reach(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    row = next(r for r in SEEDED if r["mediator"] != SEEDED[0]["mediator"])  # graded once, still valid
    inside = await as_agency(WUHOU_BUREAU, "roster:read")
    outside = await as_agency(YUCHENG_BUREAU, "roster:read")

    mine = (await inside(ONE, id=row["id"]))["data"]["gradeAssessment"]
    theirs = (await outside(ONE, id=row["id"]))["data"]["gradeAssessment"]
    history = (await outside(HISTORY, id=row["mediator"]))["data"]["mediator"]
    anonymous = await gql(HISTORY, id=row["mediator"])

    assert mine == {"id": row["id"], "status": "DECIDED", "grade": row["props"]["grade"]}
    assert theirs is None
    assert history["gradeHistory"] == [] and history["grade"] == row["props"]["grade"]
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_current_grade_rank_fragment_filters_mediators(demo: Graph) -> None:
    rows = await demo.read(
        "MATCH (n:Mediator) WITH n, " + CURRENT_GRADE_RANK + " AS rank WHERE rank IS NOT NULL AND rank <= $rank"
        " RETURN n.id AS id ORDER BY id",
        gradeDay=TODAY, rank=2,
    )

    expected = sorted({r["mediator"] for r in SEEDED if r["props"]["validUntil"] >= TODAY and r["props"]["rank"] <= 2})
    assert [row["id"] for row in rows] == expected and expected
