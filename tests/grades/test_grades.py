"""Grade schemes as data, grade eligibility computed in the graph, bulk assessment and the training ledger."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.core.driver import Graph
from graph.core.viewer import Viewer
from graph.directory import listing
from resolvers.core.errors import InputError
from resolvers.grades.grading import (
    SCHEMES,
    Criterion,
    SchemeFileError,
    bulk_assess,
    grade_eligibility,
    load_schemes,
    scheme_for_division,
)
from resolvers.grades.training import mediators_below_training_hours, training_status
from seed.demo import demo_roster
from tests.conftest import HASH_KEY, GraphQLClient, token_for
from tests.helpers.grades import copy_schemes, demo_hours, demo_wuhou

NATIONAL = Viewer(roster=True, national=True)
WUHOU = Viewer(roster=True, jurisdiction="510107")
GUANGZHOU = Viewer(roster=True, jurisdiction="440100")
PERIOD_END = datetime.date(2026, 6, 30)


# --- scheme files -----------------------------------------------------------------------------------------


def test_scheme_files_load_and_provinces_choose_them() -> None:
    assert sorted(SCHEMES) == ["guangdong", "national", "yaan"]
    assert [g.grade for g in SCHEMES["yaan"].by_rank()] == ["首席", "一级", "二级", "三级"]
    assert [g.grade for g in SCHEMES["national"].by_rank()] == ["一级", "二级", "三级", "四级"]
    assert scheme_for_division("440106").id == "guangdong"
    assert scheme_for_division("510107002000").id == "yaan"
    assert scheme_for_division("110101").id == "national"
    assert scheme_for_division(None).id == "national"
    fourth = SCHEMES["guangdong"].by_rank()[3].criteria
    assert (fourth.min_years_of_service, fourth.min_cases, fourth.max_oral_share, fourth.min_success_rate) == (2, 50, 0.3, 0.85)
    assert fourth.no_criminal_escalation is True
    assert SCHEMES["national"].training.annual_hours == 20


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["grades"][0].update(rank=2), "grade ranks must be 1..4"),
        (lambda s: s["grades"][0]["criteria"].update(maxOralShare=1.5), "maxOralShare"),
        (lambda s: s["grades"][0]["criteria"].update(minCasez=3), "minCasez"),
        (lambda s: s.update(provinces=["44"]), "province 44 already uses 'guangdong'"),
        (lambda s: s.update(provinces=["4"]), "provinces.0"),
    ],
)
def test_a_broken_scheme_is_rejected_with_its_file_name(tmp_path: Path, change: Any, message: str) -> None:
    directory = copy_schemes(tmp_path)
    scheme = json.loads((directory / "yaan.json").read_text(encoding="utf-8"))
    change(scheme)
    (directory / "yaan.json").write_text(json.dumps(scheme, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SchemeFileError, match="yaan.json") as raised:
        load_schemes(directory)
    assert message in str(raised.value)


def test_a_scheme_file_that_is_not_json_is_rejected(tmp_path: Path) -> None:
    directory = copy_schemes(tmp_path)
    (directory / "zz_broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SchemeFileError, match="zz_broken.json"):
        load_schemes(directory)


async def test_bad_arguments_are_refused_before_any_statement(graph: Graph) -> None:
    with pytest.raises(InputError, match="scheme") as unknown:
        await grade_eligibility(graph, mediator_id="x", scheme="nowhere", period_end=None, viewer=NATIONAL)
    with pytest.raises(InputError) as division:
        await bulk_assess(graph, jurisdiction="51", scheme=None, period_end=None, first=1, after=None, viewer=NATIONAL)
    with pytest.raises(InputError) as year:
        await training_status(graph, mediator_id="x", year=3000, viewer=NATIONAL)

    assert (unknown.value.field, division.value.field, year.value.field) == ("scheme", "jurisdiction", "year")
    assert graph.round_trips.count == 0


# --- eligibility from a hand-built graph ------------------------------------------------------------------


async def given_guangdong(graph: Graph) -> None:
    await graph.write(
        "CREATE (p:Jurisdiction {id: 'j44', code: '440000', name: '广东省', level: 'PROVINCE'})"
        " CREATE (c:Jurisdiction {id: 'j4401', code: '440100', name: '广州市', level: 'CITY'})-[:PART_OF]->(p)"
        " CREATE (k:Jurisdiction {id: 'j440106', code: '440106', name: '天河区', level: 'COUNTY'})-[:PART_OF]->(c)"
        " CREATE (:Organization {id: 'org-th', name: '天河区人民调解委员会', kind: 'TOWNSHIP_COMMITTEE'})-[:LOCATED_IN]->(k)"
        " CREATE (:Agency:Court {id: 'court-th', name: '天河区人民法院', kind: 'COURT', level: 'BASIC'})"
    )
    # the directory keys every write keeps (graph/directory/listing.py): the viewer policy reads them
    await graph.write_work(lambda tx: listing.refresh(graph, tx, organizations=["org-th"]))


async def given_mediator(
    graph: Graph, *, id: str, since: datetime.date, cases: int, agreements: int, oral: int, escalated: int = 0
) -> None:
    """A Tianhe mediator with `cases` closed in the period, 24 training hours in it and 10 before it,
    one case closed before the period and a verified credential."""
    await graph.write(
        "MATCH (o:Organization {id: 'org-th'}), (c:Court {id: 'court-th'})"
        " CREATE (m:Mediator {id: $id, name: $id})-[:MEMBER_OF {role: 'MEMBER', since: $since}]->(o)"
        " CREATE (m)-[:HOLDS]->(:Credential {id: $id + '-cred', scheme: 'PEOPLES_MEDIATOR_GRADE', level: '4',"
        " verified: true, expiresAt: date('2027-12-31')})"
        " CREATE (m)-[:COMPLETED {hours: 16.0, completedAt: date('2025-04-15')}]->(:Training {id: $id + '-t1', hours: 16.0})"
        " CREATE (m)-[:COMPLETED {hours: 8.0, completedAt: date('2026-03-01')}]->(:Training {id: $id + '-t2', hours: 8.0})"
        " CREATE (m)-[:COMPLETED {hours: 10.0, completedAt: date('2023-05-01')}]->(:Training {id: $id + '-t0', hours: 10.0})"
        " CREATE (m)-[:HANDLED {caseCode: $id + '-old', outcome: 'NO_AGREEMENT', closedAt: date('2024-05-01'),"
        " escalatedToCriminal: true}]->(c)"
        " WITH m, c UNWIND range(1, $cases) AS i"
        " CREATE (m)-[:HANDLED {caseCode: $id + '-' + toString(i), caseType: 'FAMILY', stage: 'CLOSED',"
        " acceptedAt: date('2025-01-02'), deadline: date('2025-01-31'),"
        " outcome: CASE WHEN i <= $agreements THEN 'AGREEMENT' ELSE 'NO_AGREEMENT' END,"
        " agreementForm: CASE WHEN i <= $oral THEN 'ORAL' ELSE 'WRITTEN' END,"
        " escalatedToCriminal: i <= $escalated, closedAt: date('2025-01-20')}]->(c)",
        id=id, since=since, cases=cases, agreements=agreements, oral=oral, escalated=escalated,
    )


def table(check: Any) -> dict[Criterion, tuple[float, float, bool]]:
    return {c.criterion: (c.required, c.actual, c.passed) for c in check.criteria}


async def test_a_guangdong_grade_4_candidate_passes_every_criterion(graph: Graph) -> None:
    await given_guangdong(graph)
    await given_mediator(graph, id="med-a", since=datetime.date(2024, 1, 1), cases=60, agreements=54, oral=12)
    graph.round_trips.count = 0

    found = await grade_eligibility(graph, mediator_id="med-a", scheme=None, period_end=PERIOD_END, viewer=GUANGZHOU)

    assert found is not None and found.scheme.id == "guangdong"
    assert (found.period_start, found.period_end) == (datetime.date(2024, 7, 1), PERIOD_END)
    assert found.highest is not None and (found.highest.grade, found.highest.rank) == ("四级", 4)
    assert table(found.highest) == {
        Criterion.YEARS_OF_SERVICE: (2.0, 2.5, True),  # 912 days / 365.25
        Criterion.CASES: (50.0, 60.0, True),
        Criterion.SUCCESS_RATE: (0.85, 0.9, True),
        Criterion.ORAL_SHARE: (0.3, 0.2, True),
        Criterion.TRAINING_HOURS: (20.0, 24.0, True),
        Criterion.SANCTIONS: (0.0, 0.0, True),
        Criterion.CRIMINAL_ESCALATION: (0.0, 0.0, True),
    }
    assert found.next is not None and (found.next.grade, found.next.qualified) == ("三级", False)
    assert table(found.next) == {
        Criterion.YEARS_OF_SERVICE: (4.0, 2.5, False),
        Criterion.CASES: (100.0, 60.0, False),
        Criterion.SUCCESS_RATE: (0.88, 0.9, True),
        Criterion.ORAL_SHARE: (0.3, 0.2, True),
        Criterion.TRAINING_HOURS: (20.0, 24.0, True),
        Criterion.SANCTIONS: (0.0, 0.0, True),
        Criterion.CRIMINAL_ESCALATION: (0.0, 0.0, True),
    }
    assert graph.round_trips.count == 1


async def test_a_candidate_with_too_many_oral_agreements_fails_grade_4_on_that_alone(graph: Graph) -> None:
    await given_guangdong(graph)
    await given_mediator(graph, id="med-b", since=datetime.date(2024, 1, 1), cases=60, agreements=54, oral=20)

    found = await grade_eligibility(graph, mediator_id="med-b", scheme="guangdong", period_end=PERIOD_END, viewer=NATIONAL)

    assert found is not None and found.highest is None
    assert found.next is not None and (found.next.grade, found.next.qualified) == ("四级", False)
    assert [c.criterion for c in found.next.criteria if not c.passed] == [Criterion.ORAL_SHARE]
    assert table(found.next)[Criterion.ORAL_SHARE] == (0.3, 0.3333, False)


async def test_sanctions_escalations_and_expired_credentials_count_against_the_mediator(graph: Graph) -> None:
    await given_guangdong(graph)
    await given_mediator(graph, id="med-c", since=datetime.date(2016, 1, 1), cases=200, agreements=190, oral=10, escalated=1)
    await graph.write(
        "MATCH (m:Mediator {id: 'med-c'}), (c:Court {id: 'court-th'})"
        " CREATE (c)-[:SANCTIONED {kind: 'WARNING', on: date('2025-09-01')}]->(m)"
        " CREATE (c)-[:SANCTIONED {kind: 'WARNING', on: date('2023-09-01')}]->(m)"
    )

    found = await grade_eligibility(graph, mediator_id="med-c", scheme="yaan", period_end=PERIOD_END, viewer=NATIONAL)

    assert found is not None and found.highest is None
    checks = table(found.next)
    assert checks[Criterion.SANCTIONS] == (0.0, 1.0, False)
    assert checks[Criterion.CRIMINAL_ESCALATION] == (0.0, 1.0, False)
    assert found.next is not None and found.next.grade == "三级"


async def test_the_chief_grade_needs_a_verified_unexpired_credential(graph: Graph) -> None:
    await given_guangdong(graph)
    await given_mediator(graph, id="med-d", since=datetime.date(2016, 1, 1), cases=200, agreements=190, oral=10)
    await graph.write(
        "MATCH (m:Mediator {id: 'med-d'}) CREATE (m)-[:COMPLETED {hours: 20.0, completedAt: date('2026-05-01')}]->"
        "(:Training {id: 'med-d-t3', hours: 20.0})"
    )

    valid = await grade_eligibility(graph, mediator_id="med-d", scheme="yaan", period_end=PERIOD_END, viewer=NATIONAL)
    await graph.write("MATCH (k:Credential {id: 'med-d-cred'}) SET k.expiresAt = date('2026-06-29')")
    expired = await grade_eligibility(graph, mediator_id="med-d", scheme="yaan", period_end=PERIOD_END, viewer=NATIONAL)

    assert valid is not None and valid.highest is not None and valid.highest.grade == "首席" and valid.next is None
    assert table(valid.highest)[Criterion.CREDENTIALS] == (1.0, 1.0, True)
    assert expired is not None and expired.highest is not None and expired.highest.grade == "一级"
    assert expired.next is not None and expired.next.grade == "首席"
    assert [(c.criterion, c.required, c.actual) for c in expired.next.criteria if not c.passed] == [
        (Criterion.CREDENTIALS, 1.0, 0.0)
    ]


async def test_a_mediator_out_of_reach_gives_null(graph: Graph) -> None:
    await given_guangdong(graph)
    await given_mediator(graph, id="med-a", since=datetime.date(2024, 1, 1), cases=60, agreements=54, oral=12)

    assert await grade_eligibility(graph, mediator_id="med-a", scheme=None, period_end=PERIOD_END, viewer=WUHOU) is None
    assert await training_status(graph, mediator_id="med-a", year=2025, viewer=WUHOU) is None
    assert await bulk_assess(
        graph, jurisdiction="440000", scheme=None, period_end=PERIOD_END, first=10, after=None, viewer=GUANGZHOU
    ) is None
    assert await grade_eligibility(
        graph, mediator_id="med-a", scheme=None, period_end=PERIOD_END, viewer=Viewer(roster=False, national=True)
    ) is None


# --- bulk assessment and the training ledger on the demo data ---------------------------------------------


async def test_bulk_assessment_equals_the_per_mediator_results(demo: Graph) -> None:
    rows = await demo.write(
        "MATCH (m:Mediator)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j:Jurisdiction) WHERE j.code STARTS WITH '510107'"
        " WITH m ORDER BY m.id LIMIT 12 MATCH (m)-[r:MEMBER_OF]->(:Organization) SET r.since = date('2020-01-01')"
        " WITH DISTINCT m MATCH (c:Court {name: '成都市武侯区人民法院'})"
        " UNWIND range(1, 60) AS i CREATE (m)-[:HANDLED {caseCode: m.id + toString(i), outcome: 'AGREEMENT',"
        " agreementForm: CASE WHEN i % 4 = 0 THEN 'ORAL' ELSE 'WRITTEN' END, escalatedToCriminal: false,"
        " closedAt: date('2025-11-01')}]->(c) RETURN count(*) AS made"
    )
    assert rows[0]["made"] == 720
    pages, after = [], None
    while True:
        report = await bulk_assess(
            demo, jurisdiction="510107", scheme=None, period_end=PERIOD_END, first=40, after=after, viewer=WUHOU
        )
        assert report is not None
        pages += report.page
        if not report.has_next:
            break
        after = report.page[-1].cursor

    singles = {}
    for assessed in pages:
        found = await grade_eligibility(demo, mediator_id=assessed.mediator_id, scheme=None, period_end=PERIOD_END, viewer=WUHOU)
        assert found is not None
        singles[assessed.mediator_id] = found.highest.grade if found.highest else None

    assert report.scheme.id == "yaan" and report.assessed == len(pages) == len(singles)
    assert {a.mediator_id: a.highest for a in pages} == singles
    expected_counts = {grade: list(singles.values()).count(grade) for grade in ["首席", "一级", "二级", "三级"]}
    assert report.counts == expected_counts and report.ungraded == list(singles.values()).count(None)
    assert expected_counts["二级"] >= 1 and expected_counts["三级"] >= 1
    assert [(a.name, a.mediator_id) for a in pages] == sorted((a.name, a.mediator_id) for a in pages)


async def test_training_status_matches_the_demo_roster(demo: Graph) -> None:
    hours = demo_hours(2026)
    some = sorted(demo_wuhou())[:5]

    statuses = [await training_status(demo, mediator_id=id, year=2026, viewer=WUHOU) for id in some]
    first_year = await training_status(demo, mediator_id=some[0], year=2024, viewer=NATIONAL)

    assert [(s.mediator_id, s.hours, s.required_hours, s.met) for s in statuses if s] == [
        (id, hours[id], 20.0, hours[id] >= 20.0) for id in some
    ]
    assert first_year is not None
    assert (first_year.hours, first_year.annual_hours, first_year.pre_job_hours, first_year.met) == (0.0, 20.0, 10.0, False)


async def test_mediators_below_training_hours_match_the_demo_roster(demo: Graph) -> None:
    hours = demo_hours(2026)
    wuhou = demo_wuhou()
    expected = sorted((name, id) for id, name in wuhou.items() if hours[id] < 20.0)

    listed, after, totals = [], None, set()
    while True:
        page = await mediators_below_training_hours(demo, jurisdiction="510107", year=2026, first=7, after=after, viewer=WUHOU)
        assert page is not None
        listed += page.items
        totals.add(page.total)
        if not page.has_next:
            break
        after = page.items[-1].cursor

    assert [(s.name, s.mediator_id) for s in listed] == expected
    assert totals == {len(expected)} and len(expected) > 0
    assert all(s.hours == hours[s.mediator_id] and s.required_hours == 20.0 and not s.met for s in listed)
    assert await mediators_below_training_hours(
        demo, jurisdiction="510100", year=2026, first=7, after=None, viewer=WUHOU
    ) is None


# --- through GraphQL -------------------------------------------------------------------------------------


@pytest.fixture
async def mounted(demo: Graph, client: httpx.AsyncClient) -> httpx.AsyncClient:
    return client


QUERY = """
query ($inside: ID!, $outside: ID!) {
  inside: gradeEligibility(mediatorId: $inside, periodEnd: "2026-06-30") {
    scheme { id grades } periodStart highest { grade } next { grade qualified criteria { criterion required actual passed } }
  }
  outside: gradeEligibility(mediatorId: $outside) { mediatorId }
  trainingStatus(mediatorId: $inside, year: 2026) { hours requiredHours met }
  mediatorsBelowTrainingHours(jurisdiction: "510107", year: 2026, first: 2) { totalCount mediators { name } }
  bulkAssessGrades(jurisdiction: "510107", periodEnd: "2026-06-30", first: 1) { assessed ungraded counts { grade mediators } }
  above: bulkAssessGrades(jurisdiction: "510100") { assessed }
}
"""


async def test_the_mounted_fields_answer_inside_the_bureau_s_reach_and_null_outside(
    mounted: httpx.AsyncClient, demo: Graph
) -> None:
    wuhou = demo_wuhou()
    inside = min(wuhou)
    outside = next(m["mediator"] for m in demo_roster(HASH_KEY).memberships if m["mediator"] not in wuhou)
    hours = demo_hours(2026)[inside]
    bureau = GraphQLClient(mounted, await token_for(mounted, demo, "成都市武侯区司法局", "roster:read"))

    body = await bureau(QUERY, inside=inside, outside=outside)

    assert "errors" not in body, body
    data = body["data"]
    assert data["inside"]["scheme"] == {"id": "yaan", "grades": ["首席", "一级", "二级", "三级"]}
    assert data["inside"]["periodStart"] == "2024-07-01"
    assert data["outside"] is None and data["above"] is None
    assert data["trainingStatus"] == {"hours": hours, "requiredHours": 20.0, "met": hours >= 20.0}
    below = sorted(name for id, name in wuhou.items() if demo_hours(2026)[id] < 20.0)
    assert data["mediatorsBelowTrainingHours"]["totalCount"] == len(below)
    assert [m["name"] for m in data["mediatorsBelowTrainingHours"]["mediators"]] == below[:2]
    assert data["bulkAssessGrades"]["assessed"] == len(wuhou)


@pytest.mark.parametrize(("scopes", "code"), [(None, "UNAUTHENTICATED"), ("reports:read", "FORBIDDEN")])
async def test_the_mounted_fields_need_roster_read(
    mounted: httpx.AsyncClient, demo: Graph, scopes: str | None, code: str
) -> None:
    token = await token_for(mounted, demo, "成都市武侯区司法局", scopes) if scopes else None
    caller = GraphQLClient(mounted, token)
    some = min(demo_wuhou())

    body = await caller(
        "query ($id: ID!) { gradeEligibility(mediatorId: $id) { mediatorId }"
        " trainingStatus(mediatorId: $id, year: 2026) { hours } }",
        id=some,
    )

    assert body["data"] is None or body["data"] == {"gradeEligibility": None, "trainingStatus": None}
    assert {error["extensions"]["code"] for error in body["errors"]} == {code}
