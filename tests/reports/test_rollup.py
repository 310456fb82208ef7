"""Report rollups (issue 11): a province's or a city's report read from figures computed ahead says the same as
the same report counted live, for every province and city and for readers who see different case numbers; a
rollup is used only where its rules allow, and says how fresh it is."""

from __future__ import annotations

import asyncio
import datetime
import random
from typing import Any

from graph.core import clock
from graph.core.driver import Graph
from graph.core.viewer import Viewer
from graph.courts.case import CaseReader
from graph.reports.jurisdiction import NUMBER_READABLE
from resolvers.reports.rollup import rebuild_rollups, refresh_rollups
from seed.demo import PLATFORM_ADMIN as PLATFORM
from seed.generator import load_merged
from seed.plan import Plan
from tests.conftest import HASH_KEY, AsAgency
from tests.helpers.report_expectations import Case, Demo
from tests.helpers.reports import (
    CHENGDU_COURT,
    JURISDICTION_REPORT,
    READ,
    WUHOU,
    agency,
    given_cases,
    given_staffing_problems,
    report,
    store_cases,
)

TODAY = clock.today()
CHENGDU_BUREAU = "成都市司法局"
LIVE = JURISDICTION_REPORT.replace("periodEnd: $end)", "periodEnd: $end, live: $live)").replace(
    "$end: Date)", "$end: Date, $live: Boolean!)"
).replace("asOf", "asOf figuresAsOf fromRollup")
ROLLED_UP_DIVISIONS = "MATCH (j:Jurisdiction) WHERE j.level IN ['PROVINCE', 'CITY'] RETURN j.code AS code ORDER BY code"


async def given_a_busy_roster(graph: Graph) -> None:
    """The report tests' cases and staffing problems, and an overdue case referred by the Chengdu court."""
    model = Demo()
    cases = given_cases(model)
    wuhou = sorted(model.current(WUHOU, TODAY))
    cases.append(Case("(2026)川01民诉前调9号", wuhou[3], agency(CHENGDU_COURT), TODAY - datetime.timedelta(days=40),
                      TODAY - datetime.timedelta(days=10)))
    await store_cases(graph, cases)
    await given_staffing_problems(graph, model)


def without_freshness(found: dict[str, Any] | None) -> dict[str, Any]:
    assert found is not None
    return {k: v for k, v in found.items() if k not in ("figuresAsOf", "fromRollup")}


async def test_every_rolled_up_report_says_what_the_live_count_says_to_every_reader(
    demo: Graph, as_agency: AsAgency
) -> None:
    await given_a_busy_roster(demo)
    written = await rebuild_rollups(demo)
    divisions = [str(row["code"]) for row in await demo.read(ROLLED_UP_DIVISIONS)]
    readers = {
        "platform": await as_agency(PLATFORM, f"{READ} roster:read"),
        "platform without roster:read": await as_agency(PLATFORM, READ),
        "city bureau": await as_agency(CHENGDU_BUREAU, f"{READ} roster:read"),
        "city court": await as_agency(CHENGDU_COURT, f"{READ} roster:read"),
    }
    compared = 0

    for name, reader in readers.items():
        for code in divisions:
            ahead = await report(reader, LIVE, code=code, live=False)
            live = await report(reader, LIVE, code=code, live=True)
            if live is None:  # outside this reader's reach, and so is the rollup
                assert ahead is None, (name, code)
                continue
            assert ahead is not None and ahead["fromRollup"] and not live["fromRollup"], (name, code)
            assert without_freshness(ahead) == without_freshness(live), (name, code)
            compared += 1

    assert written >= len(divisions) and len(divisions) >= 3
    assert compared >= 2 * len(divisions) + 2  # the platform reads all; the Chengdu agencies their city
    chengdu = await report(readers["city court"], LIVE, code="510100", live=False)
    assert chengdu is not None and chengdu["overdueCases"]["totalCount"] >= 2
    numbers = {c["referrerId"]: c["caseCode"] for c in chengdu["overdueCases"]["cases"]}
    assert numbers[agency(CHENGDU_COURT)] == "(2026)川01民诉前调9号"  # its own case, by number
    assert numbers[agency("成都市武侯区人民法院")] is None  # another court's, without


async def test_a_rollup_answers_only_its_period_on_its_day_and_never_a_county(demo: Graph, as_agency: AsAgency) -> None:
    await rebuild_rollups(demo)
    platform = await as_agency(PLATFORM, READ)
    query = "query($code: String!, $start: Date) { jurisdictionReport(jurisdiction: $code, periodStart: $start) {" \
            " fromRollup figuresAsOf mediators { total } } }"

    city = await report(platform, query, code="510100")
    other_period = await report(platform, query, code="510100", start=(TODAY - datetime.timedelta(days=30)).isoformat())
    county = await report(platform, query, code=WUHOU)
    await demo.write("MATCH (x:ReportRollup) SET x.asOf = $yesterday", yesterday=TODAY - datetime.timedelta(days=1))
    stale = await report(platform, query, code="510100")

    assert city is not None and city["fromRollup"]
    built = datetime.datetime.fromisoformat(city["figuresAsOf"])
    assert datetime.timedelta(0) <= clock.now() - built < datetime.timedelta(minutes=5)
    assert other_period is not None and not other_period["fromRollup"]
    assert county is not None and not county["fromRollup"]
    assert stale is not None and not stale["fromRollup"] and stale["mediators"] == city["mediators"]


async def test_a_rollup_keeps_its_figures_until_rebuilt_and_says_when_they_were_counted(
    demo: Graph, as_agency: AsAgency
) -> None:
    await rebuild_rollups(demo)
    platform = await as_agency(PLATFORM, READ)
    query = "query($live: Boolean!) { jurisdictionReport(jurisdiction: \"510100\", live: $live) {" \
            " fromRollup figuresAsOf organizations { total } } }"
    before = await report(platform, query, live=False)
    await demo.write(
        "MATCH (o:Organization)-[:LOCATED_IN]->(:Jurisdiction {code: $code}) WITH o LIMIT 1 DETACH DELETE o", code=WUHOU
    )

    kept = await report(platform, query, live=False)
    live = await report(platform, query, live=True)
    await rebuild_rollups(demo)
    rebuilt = await report(platform, query, live=False)

    assert before is not None and kept is not None and live is not None and rebuilt is not None
    assert kept == before and kept["fromRollup"]
    assert live["organizations"]["total"] == before["organizations"]["total"] - 1
    assert rebuilt["organizations"] == live["organizations"]
    assert rebuilt["figuresAsOf"] > before["figuresAsOf"]


RANDOM_WRITES: tuple[str, ...] = (
    "MATCH (m:Mediator) WITH m ORDER BY m.id SKIP $k LIMIT 1"
    " SET m.employment = CASE WHEN m.employment = 'FULL_TIME' THEN 'PART_TIME' ELSE 'FULL_TIME' END",
    "MATCH (m:Mediator) WITH m ORDER BY m.id SKIP $k LIMIT 1"
    " SET m.gender = CASE WHEN m.gender = 'FEMALE' THEN 'MALE' ELSE 'FEMALE' END",
    "MATCH (:Mediator)-[r:MEMBER_OF]->(:Organization) WITH r ORDER BY r.since, r.role SKIP $k LIMIT 1 SET r.until = $yesterday",
    "MATCH (:Mediator)-[r:MEMBER_OF]->(:Organization) WITH r ORDER BY r.since, r.role SKIP $k LIMIT 1 SET r.role = 'CHAIR'",
    "MATCH (o:Organization) WITH o ORDER BY o.id SKIP $k LIMIT 1 DETACH DELETE o",
    "MATCH (m:Mediator) WITH m ORDER BY m.id SKIP $k LIMIT 1 MATCH (c:Court) WITH m, c ORDER BY c.id LIMIT 1"
    " CREATE (m)-[:HANDLED {id: 'random-' + toString($k), caseCode: '(2026)随机' + toString($k) + '号',"
    " caseType: 'CIVIL', acceptedAt: $monthAgo, deadline: $yesterday}]->(c)",
    "MATCH (m:Mediator) WITH m ORDER BY m.id SKIP $k LIMIT 1 SET m.status = 'DEREGISTERED'",
)
"""Writes of the kinds that move report figures, each at a row chosen by `$k`."""


async def test_rollups_match_a_full_recount_after_a_random_mix_of_writes(demo: Graph, as_agency: AsAgency) -> None:
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    await given_a_busy_roster(demo)
    for _ in range(40):
        await demo.write(
            chance.choice(RANDOM_WRITES), k=chance.randrange(300),
            yesterday=TODAY - datetime.timedelta(days=1), monthAgo=TODAY - datetime.timedelta(days=30),
        )
    await rebuild_rollups(demo)
    platform = await as_agency(PLATFORM, f"{READ} roster:read")

    for code in [str(row["code"]) for row in await demo.read(ROLLED_UP_DIVISIONS)]:
        ahead = await report(platform, LIVE, code=code, live=False)
        live = await report(platform, LIVE, code=code, live=True)
        assert ahead is not None and ahead["fromRollup"], (seed, code)
        assert without_freshness(ahead) == without_freshness(live), (seed, code)


async def test_the_service_rebuilds_rollups_in_the_background(demo: Graph) -> None:
    refresher = asyncio.create_task(refresh_rollups(demo, interval=0.2))
    try:
        for _ in range(100):
            if await demo.read("MATCH (x:ReportRollup {code: '510000'}) RETURN x.builtAt AS at"):
                break
            await asyncio.sleep(0.1)
        first = await demo.read("MATCH (x:ReportRollup {code: '510000'}) RETURN x.builtAt AS at")
        await asyncio.sleep(1.0)
        later = await demo.read("MATCH (x:ReportRollup {code: '510000'}) RETURN x.builtAt AS at")
    finally:
        refresher.cancel()
        await asyncio.gather(refresher, return_exceptions=True)

    assert first and later and later[0]["at"] > first[0]["at"]


async def test_a_case_number_read_ahead_is_shown_exactly_where_the_live_statement_shows_it(graph: Graph) -> None:
    """CaseReader.reads_number against NUMBER_READABLE itself, evaluated by the graph for every kind of reader."""
    court, other = "court-1", "court-2"
    for roster in (False, True):
        for national in (False, True):
            viewer = Viewer(roster=roster, national=national, jurisdiction=None if national else "510100")
            for kind, agency_id in (("JUDICIAL_BUREAU", "bureau-1"), ("COURT", court), ("PARTNER_AGENCY", "p-1"), (None, None)):
                reader = CaseReader(viewer, agency_id, kind)
                for referrer in (court, other, None):
                    rows = await graph.read(
                        "WITH {id: $referrer} AS x RETURN " + NUMBER_READABLE + " AS readable",
                        referrer=referrer, **reader.params(),
                    )
                    assert reader.reads_number(referrer) is bool(rows[0]["readable"]), (roster, national, kind, referrer)


async def test_provinces_built_at_once_are_counted_and_stored_as_one_at_a_time(graph: Graph) -> None:
    spread = dict.fromkeys(("industry", "enterprise", "individual", "lawyer", "partner"), 2)
    tiny = Plan(provinces=3, cities=3, counties=3, townships=3, villages=6, spread=spread)
    await load_merged(graph, tiny, HASH_KEY, lambda name, rows: None)  # three provinces, unlike the demo's one
    stored = "MATCH (x:ReportRollup) RETURN x.code AS code, x.sections AS sections ORDER BY code"
    provinces = await graph.read("MATCH (p:Jurisdiction {level: 'PROVINCE'}) RETURN count(p) AS n")
    one_at_a_time = await rebuild_rollups(graph)
    before = await graph.read(stored)

    at_once = await rebuild_rollups(graph, concurrency=3)

    assert provinces[0]["n"] >= 3
    assert at_once == one_at_a_time == len(before)
    assert await graph.read(stored) == before
