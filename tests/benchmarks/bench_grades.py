"""Benchmark of bulkAssessGrades: every mediator of one district measured and graded in one pass.

    python tests/benchmarks/bench_grades.py --mediators 100000 [--heap 2g]

Starts its own embedded graph server in a temporary directory, imports the synthetic district roster of
`bench_import.py` (committees of 5 in Wuhou district), gives every mediator a start of service up to ten years
back, a case history (most a handful of closed cases, one in ten more than fifty) and training attendance,
then times `bulk_assess` for the district under each shipped scheme, splitting the graph statement from the
grading of its rows. Prints the figures and cleans up. Not collected by pytest (its name is no test_*.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_import import BUREAU, skeleton, timed_import, write_file

from graph.core import clock
from graph.core.driver import Graph, open_graph
from graph.core.embedded import start_embedded_server
from graph.core.migrations import apply_migrations
from graph.core.viewer import Viewer
from graph.grades.grading import measures_in_jurisdiction
from resolvers.grades.grading import SCHEMES, bulk_assess

DISTRICT = "510107"
NATIONAL = Viewer(roster=True, national=True)
BATCH = 2_000


def history(rng: random.Random, today: datetime.date) -> dict[str, Any]:
    """When one mediator began serving, its closed cases in the last two years and this year's training."""
    count = rng.randint(50, 56) if rng.random() < 0.1 else rng.randint(0, 6)
    cases = [
        {
            "closedAt": today - datetime.timedelta(days=rng.randint(1, 700)),
            "outcome": "AGREEMENT" if rng.random() < 0.9 else "NO_AGREEMENT",
            "agreementForm": "ORAL" if rng.random() < 0.2 else "WRITTEN",
        }
        for _ in range(count)
    ]
    courses = [{"course": rng.randrange(20), "hours": float(rng.choice((4, 6, 8, 12)))} for _ in range(rng.randint(1, 3))]
    since = today - datetime.timedelta(days=rng.randint(200, 3650))
    return {"since": since, "cases": cases, "courses": courses}


async def given_history(graph: Graph, today: datetime.date) -> dict[str, int]:
    rng = random.Random(2026)
    courts = [str(row["id"]) for row in await graph.read("MATCH (c:Court) RETURN c.id AS id ORDER BY c.id")]
    await graph.write(
        "UNWIND range(0, 19) AS k CREATE (:Training {id: 'bench-course-' + toString(k), title: 'course ' + toString(k),"
        " form: 'CENTRALIZED_TEACHING', hours: 8.0, heldOn: $held})",
        held=today.replace(month=1, day=15),
    )
    ids = [str(row["id"]) for row in await graph.read("MATCH (m:Mediator) RETURN m.id AS id ORDER BY m.id")]
    totals = {"cases": 0, "attendances": 0}
    for at in range(0, len(ids), BATCH):
        rows = [{"id": id, "court": courts[n % len(courts)], **history(rng, today)} for n, id in enumerate(ids[at : at + BATCH])]
        await graph.write(
            "UNWIND $rows AS row MATCH (m:Mediator {id: row.id})-[r:MEMBER_OF]->() SET r.since = row.since"
            " WITH m, row MATCH (c:Court {id: row.court}) UNWIND row.cases AS k"
            " CREATE (m)-[:HANDLED {caseCode: randomUUID(), caseType: 'FAMILY',"
            " acceptedAt: k.closedAt - duration({days: 20}), closedAt: k.closedAt, outcome: k.outcome,"
            " agreementForm: k.agreementForm}]->(c)",
            rows=rows,
        )
        await graph.write(
            "UNWIND $rows AS row MATCH (m:Mediator {id: row.id})"
            " UNWIND row.courses AS k MATCH (t:Training {id: 'bench-course-' + toString(k.course)})"
            " CREATE (m)-[:COMPLETED {hours: k.hours, completedAt: t.heldOn}]->(t)",
            rows=rows,
        )
        totals["cases"] += sum(len(row["cases"]) for row in rows)
        totals["attendances"] += sum(len(row["courses"]) for row in rows)
    return totals


async def run(args: argparse.Namespace, workdir: Path) -> None:
    path = workdir / "roster.csv"
    write_file(path, args.mediators)
    server = start_embedded_server(data_dir=workdir / "graph", database="registry", heap=args.heap)
    graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
    graph.timeout = 600.0
    today = clock.today()
    try:
        await apply_migrations(graph)
        await skeleton(graph)
        report, seconds = await timed_import(graph, path, dry_run=False, batch=5_000)
        assert not report.bad, report.bad[:5]
        print(f"roster: {report.written:,} rows imported as {BUREAU} in {seconds:.1f} s")
        started = time.perf_counter()
        totals = await given_history(graph, today)
        print(f"history: {totals['cases']:,} closed cases, {totals['attendances']:,} attendances"
              f" in {time.perf_counter() - started:.1f} s")
        for scheme in sorted(SCHEMES):
            used = SCHEMES[scheme]
            start, end = used.period(today)
            started = time.perf_counter()
            rows = await measures_in_jurisdiction(graph, jurisdiction=DISTRICT, start=start, end=end, viewer=NATIONAL)
            measured = time.perf_counter() - started
            started = time.perf_counter()
            graded = await bulk_assess(
                graph, jurisdiction=DISTRICT, scheme=scheme, period_end=today, first=20, after=None, viewer=NATIONAL
            )
            whole = time.perf_counter() - started
            assert graded is not None and graded.assessed == len(rows)
            counts = ", ".join(f"{grade} {n:,}" for grade, n in graded.counts.items())
            print(f"bulkAssessGrades({DISTRICT}, {scheme}): {graded.assessed:,} mediators in {whole:.1f} s"
                  f" (the graph statement alone {measured:.1f} s); {counts}, ungraded {graded.ungraded:,}")
    finally:
        await graph.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mediators", type=int, default=100_000, help="mediators in the district")
    parser.add_argument("--heap", default="2g", help="the embedded server's Java heap")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grades-") as workdir:
        asyncio.run(run(args, Path(workdir)))


if __name__ == "__main__":
    main()
