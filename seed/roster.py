"""A roster as rows ready for the graph, and its loading in UNWIND batches."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind, CourtLevel
from graph.directory import listing
from graph.directory.agency import merge_agencies
from graph.directory.jurisdiction import merge_jurisdictions
from graph.directory.mediator import merge_mediators
from graph.directory.organization import merge_organizations
from graph.grades.training import merge_trainings
from graph.roster.credential import merge_credentials
from graph.roster.membership import merge_memberships

NAMESPACE = uuid.UUID("6f1f4d52-3c1e-4a5e-9a7c-5d1b2f0e8a10")
BATCH = 5_000

Row = dict[str, Any]


def stable_id(*parts: str) -> str:
    """A registry id derived from natural keys, so loading the same data twice converges."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def division(code: str, name: str, level: str, parent: str | None) -> Row:
    return {"id": stable_id("jurisdiction", code), "code": code, "name": name, "level": level, "parent": parent}


@dataclass(slots=True)
class Roster:
    jurisdictions: list[Row] = field(default_factory=list)
    agencies: dict[AgencyKind, list[Row]] = field(default_factory=dict)
    organizations: list[Row] = field(default_factory=list)
    mediators: list[Row] = field(default_factory=list)
    memberships: list[Row] = field(default_factory=list)
    listings: list[Row] = field(default_factory=list)
    credentials: list[Row] = field(default_factory=list)
    trainings: list[Row] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "jurisdictions": len(self.jurisdictions),
            "agencies": sum(len(rows) for rows in self.agencies.values()),
            "organizations": len(self.organizations),
            "mediators": len(self.mediators),
            "memberships": len(self.memberships),
            "listings": len(self.listings),
            "credentials": len(self.credentials),
            "trainings": len(self.trainings),
        }


Progress = Callable[[str, int], None]


async def load_roster(graph: Graph, roster: Roster, *, progress: Progress | None = None) -> dict[str, int]:
    """Write a roster in dependency order, in batches; every statement is an idempotent MERGE."""

    async def batches(name: str, rows: Sequence[Row], merge: Callable[[Sequence[Row]], Awaitable[int]]) -> None:
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            await merge(chunk)
            if progress:
                progress(name, len(chunk))

    # divisions one level at a time, so every parent exists before its children are linked
    for level in ("PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "VILLAGE"):
        rows = [row for row in roster.jurisdictions if row["level"] == level]
        await batches("jurisdictions", rows, lambda chunk: merge_jurisdictions(graph, rows=chunk))
    for kind in AgencyKind:
        rows = roster.agencies.get(kind, [])
        # courts top-down, so each supervising court exists before the courts below it
        for level in (None, *CourtLevel):
            tier = [row for row in rows if row.get("level") == level]
            await batches("agencies", tier, partial(merge_agencies_of, graph, kind))
    await batches("organizations", roster.organizations, lambda chunk: merge_organizations(graph, rows=chunk))
    await batches("mediators", roster.mediators, lambda chunk: merge_mediators(graph, rows=chunk))
    await batches("memberships", roster.memberships, lambda chunk: merge_memberships(graph, rows=chunk))
    if roster.listings:  # the generator computed the directory keys (graph/directory/keys.py)
        await batches("listings", roster.listings, lambda chunk: listing.merge_listings(graph, rows=chunk))
    else:  # the demo data: the graph computes them, as it does for the API's writes
        await listing.index_loaded(
            graph,
            organizations=[str(row["id"]) for row in roster.organizations],
            mediators=[str(row["id"]) for row in roster.mediators],
        )
    await batches("credentials", roster.credentials, lambda chunk: merge_credentials(graph, rows=chunk))
    await batches("trainings", roster.trainings, lambda chunk: merge_trainings(graph, rows=chunk))
    return roster.counts()


async def merge_agencies_of(graph: Graph, kind: AgencyKind, rows: Sequence[Row]) -> int:
    return await merge_agencies(graph, kind=kind, rows=rows)


def timed() -> Callable[[], float]:
    start = time.perf_counter()
    return lambda: time.perf_counter() - start
