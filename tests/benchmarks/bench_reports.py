"""Benchmark of the cross-department reports and findMediators on a generated national roster.

    python tests/benchmarks/bench_reports.py --scale 0.02 [--cases-share 0.3] [--graded-share 0.1] [--heap 2g]

Starts its own embedded graph server in a temporary directory, migrates it, generates the roster with
`seed/generator.py`, gives a share of the mediators synthetic cases (HANDLED edges to their county's court)
and decided grades, then times every section of `jurisdictionReport` for the largest province, one of its
cities and one county, and a page plus the total of `findMediators` for a few filter combinations, as the
platform administrator sees them. Prints the figures and cleans up. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from graph.core import clock
from graph.core.driver import Graph, open_graph
from graph.core.embedded import start_embedded_server
from graph.core.migrations import apply_migrations
from graph.core.page import PageRequest
from graph.core.viewer import Viewer
from resolvers.courts.finder import find_mediators
from resolvers.reports.agency import court_report, partner_report
from resolvers.reports.jurisdiction import jurisdiction_report
from seed.generator import generate

HASH_KEY = b"benchmark-identity-hash-key"
NATIONAL = Viewer(roster=True, national=True)
T = TypeVar("T")


async def timed(label: str, work: Callable[[], Awaitable[T]]) -> T:
    started = time.perf_counter()
    result = await work()
    print(f"  {label:<44} {time.perf_counter() - started:7.2f} s")
    return result


async def given_cases_and_grades(graph: Graph, *, cases_share: float, graded_share: float) -> dict[str, int]:
    """Synthetic history in a few statements: per chosen mediator one closed and one open case with its county's
    basic court, and a decided grade under the province's scheme (rank 1 to 4)."""
    today = clock.today()
    cases = await graph.write(
        "MATCH (m:Mediator)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(j:Jurisdiction)"
        "<-[:HAS_JURISDICTION]-(c:Court {level: 'BASIC'})"
        " WITH DISTINCT m, c WHERE rand() < $share"
        " CREATE (m)-[:HANDLED {caseCode: m.id + '-a', caseType: 'FAMILY', acceptedAt: $accepted, deadline: $deadline,"
        " closedAt: $closed, outcome: CASE WHEN rand() < 0.7 THEN 'AGREEMENT' ELSE 'NO_AGREEMENT' END}]->(c)"
        " CREATE (m)-[:HANDLED {caseCode: m.id + '-b', caseType: 'LABOUR', acceptedAt: $open, deadline: $late}]->(c)"
        " RETURN count(m) AS n",
        share=cases_share,
        accepted=today - datetime.timedelta(days=60),
        deadline=today - datetime.timedelta(days=30),
        closed=today - datetime.timedelta(days=40),
        open=today - datetime.timedelta(days=45),
        late=today - datetime.timedelta(days=15),
    )
    graded = await graph.write(
        "MATCH (m:Mediator) WHERE rand() < $share WITH m, toInteger(rand() * 4) + 1 AS rank"
        " CREATE (m)-[:ASSESSED]->(:GradeAssessment {id: m.id + '-grade', scheme: 'national',"
        " grade: ['一级', '二级', '三级', '四级'][rank - 1], rank: rank, status: 'DECIDED',"
        " decidedAt: datetime(), validFrom: $from, validUntil: $until})"
        " RETURN count(m) AS n",
        share=graded_share,
        **{"from": today - datetime.timedelta(days=100), "until": today + datetime.timedelta(days=600)},
    )
    return {"mediators with cases": int(cases[0]["n"]), "graded mediators": int(graded[0]["n"])}


async def roots(graph: Graph) -> list[tuple[str, int]]:
    """The largest province by organizations, its largest city and that city's largest county."""
    found: list[tuple[str, int]] = []
    parent: str | None = None
    for level in ("PROVINCE", "CITY", "COUNTY"):
        rows = await graph.read(
            "MATCH (r:Jurisdiction {level: $level})"
            " WHERE $parent IS NULL OR EXISTS { (r)-[:PART_OF]->(:Jurisdiction {code: $parent}) }"
            " MATCH (j:Jurisdiction)-[:PART_OF*0..]->(r) MATCH (o:Organization)-[:LOCATED_IN]->(j)"
            " RETURN r.code AS code, count(o) AS n ORDER BY n DESC, code LIMIT 1",
            level=level,
            parent=parent,
        )
        if not rows:
            break
        parent = str(rows[0]["code"])
        found.append((parent, int(rows[0]["n"])))
    return found


async def bench_report(graph: Graph, code: str, organizations: int) -> None:
    print(f"jurisdictionReport({code}) over {organizations:,} organizations:")
    started = time.perf_counter()
    report = await jurisdiction_report(graph, jurisdiction=code, start=None, end=None, viewer=NATIONAL)
    assert report is not None
    organized = await timed("organizations by kind and status", report.organizations)
    people = await timed("mediators by grade, employment, background", report.mediators)
    training = await timed("training coverage (shares the statement above)", report.training)
    short = await timed("understaffed organizations", lambda: report.understaffed(20))
    broken = await timed("committees breaking the composition rules", lambda: report.composition_breaches(20))
    cases = await timed("cases by referrer", report.cases)
    overdue = await timed("overdue cases", lambda: report.overdue_cases(20))
    print(f"  {'whole report, sequentially':<44} {time.perf_counter() - started:7.2f} s")
    print(
        f"  = {organized.total:,} organizations, {people.total:,} mediators ({people.full_time_ratio} full-time,"
        f" {people.total - people.ungraded:,} graded), training met {training.met:,}, {short.total:,} understaffed,"
        f" {broken.total:,} breaking composition, {cases.totals.closed:,} closed cases"
        f" (success {cases.totals.success_rate}, {cases.totals.average_days} days), {overdue.total:,} overdue"
    )


async def bench_agencies(graph: Graph, county: str) -> None:
    rows = await graph.read(
        "MATCH (c:Court {level: 'BASIC'})-[:HAS_JURISDICTION]->(:Jurisdiction {code: $code}) RETURN c.id AS id LIMIT 1",
        code=county,
    )
    partner = await graph.read("MATCH (p:PartnerAgency) RETURN p.id AS id ORDER BY p.name LIMIT 1")
    court = await court_report(graph, court_id=str(rows[0]["id"]), jurisdiction=None, start=None, end=None, viewer=NATIONAL)
    assert court is not None
    print(f"courtReport({court.name}):")
    invited = await timed("invited by panel", court.invited)
    expiring = await timed("expiring invitations", lambda: court.expiring(20))
    cases = await timed("cases", court.cases)
    print(f"  = {invited.mediators:,} invited mediators, {expiring.total:,} expiring, {cases.closed:,} closed cases")
    found = await partner_report(
        graph, partner_id=str(partner[0]["id"]), jurisdiction=None, start=None, end=None, viewer=NATIONAL
    )
    assert found is not None
    print(f"partnerReport({found.name}):")
    registrations = await timed("registrations by status and province", found.registrations)
    affiliates = await timed("affiliates", found.affiliates)
    partner_cases = await timed("cases", found.cases)
    print(f"  = {registrations.total:,} registrations, {affiliates.mediators:,} affiliated mediators,"
          f" {partner_cases.accepted:,} cases accepted")


async def bench_finder(graph: Graph, county: str, province: str) -> None:
    combinations: list[tuple[str, dict[str, Any]]] = [
        ("no filter", {}),
        (f"jurisdiction {province}", {"jurisdiction": province}),
        (f"jurisdiction {county}, FAMILY, FULL_TIME", {"jurisdiction": county, "specialty": "FAMILY", "employment": "FULL_TIME"}),
        (f"jurisdiction {province}, minGrade 2", {"jurisdiction": province, "min_grade": 2}),
        (f"jurisdiction {province}, met training", {"jurisdiction": province, "training_met": True}),
        ("language bo, minGrade 3, met training", {"language": "bo", "min_grade": 3, "training_met": True}),
    ]
    print("findMediators (a page of 20, then totalCount):")
    for label, filters in combinations:
        listing = await timed(
            f"{label} (page)",
            lambda filters=filters: find_mediators(graph, page=PageRequest(first=20), viewer=NATIONAL, **filters),
        )
        total = await timed(f"{label} (count)", listing.count)
        print(f"  = {len(listing.page.items)} on the page, {total:,} in all")


async def run(args: argparse.Namespace, workdir: Path) -> None:
    server = start_embedded_server(data_dir=workdir / "graph", database="registry", heap=args.heap)
    graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
    graph.timeout = 600.0
    try:
        await apply_migrations(graph)
        started = time.perf_counter()
        loaded = await generate(graph, scale=args.scale, hash_key=HASH_KEY)
        print(f"generated at scale {args.scale}: {loaded} in {time.perf_counter() - started:.1f} s")
        history = await given_cases_and_grades(graph, cases_share=args.cases_share, graded_share=args.graded_share)
        print("history:", history)
        places = await roots(graph)
        for code, organizations in places:
            await bench_report(graph, code, organizations)
        await bench_agencies(graph, places[-1][0])
        await bench_finder(graph, places[-1][0], places[0][0])
    finally:
        await graph.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.02, help="share of national size (0.02: about 64,000 mediators)")
    parser.add_argument("--cases-share", type=float, default=0.3, help="share of mediators given two cases")
    parser.add_argument("--graded-share", type=float, default=0.1, help="share of mediators given a decided grade")
    parser.add_argument("--heap", default="2g", help="the embedded server's Java heap")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as workdir:
        asyncio.run(run(args, Path(workdir)))


if __name__ == "__main__":
    main()
