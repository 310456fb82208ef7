"""Benchmark of the bulk roster import: N mediator rows with their committees and memberships.

    python tests/benchmarks/bench_import.py --rows 100000 [--format csv|ndjson] [--batch 5000]

Starts its own embedded graph server in a temporary directory, migrates it, loads the demo's divisions and
agencies, writes a synthetic file (committees of 5 in Wuhou district, lawful compositions, identity numbers
in clear), then times a dry run (validation only) and the import as the Wuhou judicial bureau, prints rows per
second, times an export of the district, and cleans up. Not collected by pytest (its name is no test_*.py).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from auth.upload import cli_importer
from graph.core.driver import Graph, open_graph
from graph.core.embedded import start_embedded_server
from graph.core.migrations import apply_migrations
from resolvers.core.identifiers import resident_id_check_character
from resolvers.roster.export import export_roster_file
from resolvers.roster.file import RosterFormat, RowWriter
from resolvers.roster.importer import ImportReport, import_roster_file
from seed.demo import demo_roster
from seed.roster import Roster, load_roster, stable_id

HASH_KEY = b"benchmark-identity-hash-key"
BUREAU = "成都市武侯区司法局"
VILLAGES = ("510107001004", "510107001006", "510107005001", "510107005006")
SEATS = 5
BIRTHS = [datetime.date(1955, 1, 1) + datetime.timedelta(days=day) for day in range(365 * 45)]


def identity_number(serial: int, *, female: bool) -> str:
    """Unique per serial: a birth date from the serial, and a sequence whose parity gives the gender."""
    birth = BIRTHS[serial % len(BIRTHS)]
    sequence = 2 * (serial // len(BIRTHS)) + (0 if female else 1)
    body = f"510107{birth:%Y%m%d}{sequence:03d}"
    return body + resident_id_check_character(body)


def synthetic_rows(mediators: int) -> Iterator[dict[str, Any]]:
    """Committees of 5 (a full-time chair, a woman vice chair, three members), organizations first."""
    committees = -(-mediators // SEATS)
    for org in range(committees):
        yield {
            "record": "organization", "organization_key": f"bench-{org:07d}",
            "name": f"基准第{org}社区人民调解委员会",
            "kind": "RESIDENTS_COMMITTEE", "jurisdiction": VILLAGES[org % len(VILLAGES)],
            "sectors": ["FAMILY", "NEIGHBOURHOOD"], "public_phone": "028-85000000", "charges_fee": False,
        }
    for serial in range(mediators):
        seat = serial % SEATS
        yield {
            "record": "mediator", "identity_number": identity_number(serial, female=seat == 1),
            "name": f"调解员{serial}", "employment": "FULL_TIME" if seat == 0 else "PART_TIME",
            "background": "COMMUNITY_WORKER", "education": "本科", "specialties": ["FAMILY"], "languages": ["zh"],
            "phone": f"139{serial:08d}",
        }
    for serial in range(mediators):
        seat = serial % SEATS
        yield {
            "record": "membership", "organization_key": f"bench-{serial // SEATS:07d}",
            "identity_number": identity_number(serial, female=seat == 1),
            "role": "CHAIR" if seat == 0 else "VICE_CHAIR" if seat == 1 else "MEMBER",
            "since": "2025-01-01", "until": "2027-12-31",
        }


def write_file(path: Path, mediators: int) -> int:
    fmt = RosterFormat.for_path(path)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = RowWriter(out, fmt)
        for row in synthetic_rows(mediators):
            writer.write(row)
    return writer.count


async def skeleton(graph: Graph) -> None:
    """The demo's divisions and agencies, nothing else."""
    demo = demo_roster(HASH_KEY)
    await load_roster(graph, Roster(jurisdictions=demo.jurisdictions, agencies=demo.agencies))


async def timed_import(graph: Graph, path: Path, *, dry_run: bool, batch: int) -> tuple[ImportReport, float]:
    importer = await cli_importer(graph, agency_id=stable_id("agency", BUREAU))
    start = time.perf_counter()
    report = await import_roster_file(
        graph, path, hash_key=HASH_KEY, importer=importer, dry_run=dry_run, batch_size=batch
    )
    return report, time.perf_counter() - start


async def counts(graph: Graph) -> dict[str, int]:
    rows = await graph.read(
        "MATCH (n) WHERE n:Organization OR n:Mediator OR n:AuditEvent"
        " RETURN CASE WHEN n:Organization THEN 'organizations' WHEN n:Mediator THEN 'mediators'"
        " ELSE 'audit events' END AS kind, count(n) AS n"
    )
    found = {str(row["kind"]): int(row["n"]) for row in rows}
    found["memberships"] = int((await graph.read("MATCH ()-[r:MEMBER_OF]->() RETURN count(r) AS n"))[0]["n"])
    return found


async def run(args: argparse.Namespace, workdir: Path) -> None:
    path = workdir / f"roster.{args.format}"
    started = time.perf_counter()
    rows = write_file(path, args.rows)
    print(f"file: {rows:,} rows ({path.stat().st_size / 1e6:.1f} MB) written in {time.perf_counter() - started:.1f} s")
    server = start_embedded_server(data_dir=workdir / "graph", database="registry", heap=args.heap)
    graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
    try:
        await apply_migrations(graph)
        await skeleton(graph)
        checked, validate_seconds = await timed_import(graph, path, dry_run=True, batch=args.batch)
        assert not checked.bad, checked.bad[:5]
        print(f"validation (dry run): {checked.rows:,} rows in {validate_seconds:.1f} s")
        report, seconds = await timed_import(graph, path, dry_run=False, batch=args.batch)
        assert not report.bad and report.written == rows, report.bad[:5]
        print(f"import: {report.written:,} rows in {seconds:.1f} s = {report.written / seconds:,.0f} rows/s"
              f" ({args.rows / seconds:,.0f} mediator rows/s)")
        print("graph:", ", ".join(f"{n:,} {kind}" for kind, n in sorted((await counts(graph)).items())))
        started = time.perf_counter()
        exported = await export_roster_file(graph, workdir / f"export.{args.format}", jurisdiction="510107")
        seconds = time.perf_counter() - started
        print(f"export of 510107: {exported:,} rows in {seconds:.1f} s = {exported / seconds:,.0f} rows/s")
    finally:
        await graph.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="mediator rows (committees of 5 come with them)")
    parser.add_argument("--format", choices=("csv", "ndjson"), default="csv")
    parser.add_argument("--batch", type=int, default=5_000, help="rows per write transaction")
    parser.add_argument("--heap", default="2g", help="the embedded server's Java heap")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as workdir:
        asyncio.run(run(args, Path(workdir)))


if __name__ == "__main__":
    main()
