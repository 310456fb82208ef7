"""The generator's fast path into an empty graph: worker processes each generate a share of the counties and
write it with CREATE statements (graph/directory/census.py) over their own driver, one writer at a time: a
share is generated while another is written, and the writes never meet on a page (two writers creating the
same types collide on the last page of its bucket, and each collision costs a retry of a whole batch).
The result is the graph the MERGE path (seed/roster.py) writes from the same rows; tests/seed/test_seed_paths.py compares the two.

Provinces, cities and counties (with their bureaus and courts) and the national agencies go first, through
the MERGE path (a few thousand rows); a worker then writes its counties' townships and villages, their
organizations, mediators (each with membership, listing and credentials) and courses. Edges onto the partner
agencies, which every worker would share, are written once at the end.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.synchronize import Lock
from typing import Any

from graph.core.driver import Graph, open_graph
from graph.directory.census import (
    affiliate_organizations,
    create_attendance,
    create_divisions,
    create_mediators,
    create_organizations,
    create_trainings,
)
from seed.generator import ATTENDANCE_BATCH, CHUNK, WORKERS, Builder
from seed.plan import Plan, Seat, divisions, share
from seed.roster import Roster, Row, load_roster

BATCH = 4_000  # rows per CREATE statement


@dataclass(frozen=True, slots=True)
class Address:
    """Where a worker connects (picklable)."""

    uri: str
    user: str
    password: str
    database: str


@dataclass(frozen=True, slots=True)
class County:
    """A county with the indices the builder's shares need (its place in the national order)."""

    province: Seat
    city: Seat
    county: Seat
    county_index: int
    township_index: int


def plan_counties(plan: Plan, hash_key: bytes) -> tuple[Roster, list[list[County]]]:
    """The divisions down to counties with their agencies, and the counties cut into shares of about CHUNK
    organizations."""
    builder = Builder(plan, hash_key)
    builder.national()
    seen: set[str] = set()
    shares: list[list[County]] = [[]]
    units = township_index = 0
    for index, (province, city, county) in enumerate(divisions(plan)):
        for seat, level, court, parent in ((province, "PROVINCE", "HIGH", None), (city, "CITY", "INTERMEDIATE", province)):
            if seat.code not in seen:
                seen.add(seat.code)
                builder.place(seat, level, court, parent)
        builder.place(county, "COUNTY", "BASIC", city)
        shares[-1].append(County(province, city, county, index, township_index))
        townships = share(plan.townships, plan.counties, index)
        villages = sum(share(plan.villages, plan.townships, township_index + i) for i in range(townships))
        township_index += townships
        units += townships + villages + 2 + sum(share(n, plan.counties, index) for n in plan.spread.values())
        if units >= CHUNK:
            shares.append([])
            units = 0
    return builder.take(), [counties for counties in shares if counties]


def build_share(plan: Plan, hash_key: bytes, counties: Sequence[County]) -> Roster:
    """The rows of these counties below the county level (the county itself and its agencies come first)."""
    builder = Builder(plan, hash_key)
    for county in counties:
        builder.county_index, builder.township_index = county.county_index, county.township_index
        builder.county(county.city, county.county)
    roster = builder.take()
    roster.jurisdictions = [row for row in roster.jurisdictions if row["level"] != "COUNTY"]
    roster.agencies = {}
    return roster


def batches(rows: Sequence[Row], size: int = BATCH) -> Iterator[Sequence[Row]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def write_share(graph: Graph, roster: Roster) -> list[Row]:
    """Write a share's rows with CREATE; returns the partner affiliations left for the end."""
    for level in ("TOWNSHIP", "VILLAGE"):
        for chunk in batches([row for row in roster.jurisdictions if row["level"] == level]):
            await create_divisions(graph, rows=chunk)
    for chunk in batches(roster.organizations):
        await create_organizations(graph, rows=chunk)
    held: dict[str, list[Row]] = {}
    for credential in roster.credentials:
        held.setdefault(credential["mediator"], []).append({"id": credential["id"], "props": credential["props"]})
    mediators = [
        {"id": mediator["id"], "props": mediator["props"], "membership": membership, "listing": listing,
         "credentials": held.get(mediator["id"], [])}
        for mediator, membership, listing in zip(roster.mediators, roster.memberships, roster.listings, strict=True)
    ]
    for chunk in batches(mediators):
        await create_mediators(graph, rows=chunk)
    await create_trainings(graph, rows=roster.trainings)
    for chunk in attendance(roster.trainings):
        await create_attendance(graph, rows=chunk)
    return [{"id": row["id"], "partner": row["partner"]} for row in roster.organizations if row["partner"]]


def attendance(trainings: Sequence[Row]) -> Iterator[list[Row]]:
    """{training, attendees} rows of at most ATTENDANCE_BATCH attendees per statement."""
    batch: list[Row] = []
    size = 0
    for row in trainings:
        for start in range(0, len(row["attendees"]), ATTENDANCE_BATCH):
            part = row["attendees"][start : start + ATTENDANCE_BATCH]
            if batch and size + len(part) > ATTENDANCE_BATCH:
                yield batch
                batch, size = [], 0
            batch.append({"training": row["id"], "attendees": part})
            size += len(part)
    if batch:
        yield batch


# --- worker processes --------------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _start_worker(address: Address, plan: Plan, hash_key: bytes, writing: Lock) -> None:
    loop = asyncio.new_event_loop()
    graph = open_graph(uri=address.uri, user=address.user, password=address.password, database=address.database,
                       timeout=600.0, retry_time=120.0)
    _worker.update(loop=loop, graph=graph, plan=plan, hash_key=hash_key, writing=writing)


def _run_share(counties: list[County]) -> tuple[dict[str, int], list[Row]]:
    roster = build_share(_worker["plan"], _worker["hash_key"], counties)
    with _worker["writing"]:
        affiliations = _worker["loop"].run_until_complete(write_share(_worker["graph"], roster))
    counts = roster.counts()
    counts["attendances"] = sum(len(row["attendees"]) for row in roster.trainings)
    return counts, affiliations


async def load_national(
    graph: Graph, address: Address, *, plan: Plan, hash_key: bytes, workers: int = WORKERS,
    progress: Callable[[str, int], None] | None = None,
) -> None:
    """Load the plan's roster into a graph that holds no organizations or mediators yet."""
    top, shares = plan_counties(plan, hash_key)
    await load_roster(graph, top, progress=progress)
    affiliations: list[Row] = []
    context = multiprocessing.get_context("spawn")
    writing = context.Lock()
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                             initargs=(address, plan, hash_key, writing)) as pool:
        loop = asyncio.get_running_loop()
        pending = [loop.run_in_executor(pool, _run_share, counties) for counties in shares]
        for done in asyncio.as_completed(pending):
            counts, affiliated = await done
            affiliations += affiliated
            if progress:
                for name, count in counts.items():
                    progress(name, count)
    for chunk in batches(affiliations):
        await affiliate_organizations(graph, rows=chunk)
