"""Mediators. The identity number itself is never stored: only its keyed hash and a masked form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.core import clock
from graph.core.clock import NOW, stamp
from graph.core.driver import Graph
from graph.core.page import Page, PageRequest, keyset_in_index_order, paged_query, split_page, window_page
from graph.core.records import Choices, Filter, Language, Names, Tracked, millis
from graph.core.viewer import AWAITING, MEDIATOR_IN_FULL, MEDIATOR_LISTED, Viewer
from graph.core.vocabulary import (
    Background,
    Employment,
    Gender,
    JurisdictionLevel,
    RecordStatus,
    Specialty,
)
from graph.directory.listing import LEVEL_PROPERTY, LISTING_CURRENT, MEMBERSHIP_CURRENT, window
from graph.grades.assessment import CURRENT_GRADE_RANK, NO_GRADE_RANK


class MediatorRecord(Tracked):
    name: str
    gender: Gender
    birth_year: int | None = None
    employment: Employment | None = None
    background: Background | None = None
    education: str | None = None
    specialties: list[Specialty] = []
    languages: list[str] = []
    status: RecordStatus | None = None
    identity_masked: str | None = None
    phone: str | None = None


class MediatorFilter(Filter):
    jurisdiction: str | None = None
    level: JurisdictionLevel | None = None
    """The level of `jurisdiction`: which key of the listings its subtree is a range of."""
    organization: str | None = None
    specialties: Choices[Specialty] | None = None
    statuses: Choices[RecordStatus] | None = None
    employment: Employment | None = None
    gender: Gender | None = None
    language: Language | None = None
    name_prefix: Names | None = None
    name_contains: Names | None = None
    min_grade: int | None = None

    def params(self) -> dict[str, Any]:
        today = clock.today()
        return super().params() | {"gradeDay": today, "today": today}



PROJECTION = (
    "n {.id, .name, .gender, .specialties, .languages,"
    " birthYear: CASE WHEN full THEN n.birthYear END, employment: CASE WHEN full THEN n.employment END,"
    " background: CASE WHEN full THEN n.background END, education: CASE WHEN full THEN n.education END,"
    " status: CASE WHEN full THEN n.status END, createdAt: CASE WHEN full THEN " + millis("n.createdAt") + " END,"
    " updatedAt: CASE WHEN full THEN " + millis("n.updatedAt") + " END, version: CASE WHEN full THEN n.version END,"
    " sourceAgency: CASE WHEN full THEN n.sourceAgency END, sourceRecordId: CASE WHEN full THEN n.sourceRecordId END,"
    " identityMasked: CASE WHEN full AND $vPii THEN n.identityMasked END,"
    " phone: CASE WHEN full AND $vPii THEN n.phone END, inFull: full}"
)
"""Public directory fields always; the rest where the viewer sees the mediator in full; personal data with pii."""

_CONDITIONS: LiteralString = (
    "($statuses IS NULL OR (n.status IN $statuses AND " + MEDIATOR_IN_FULL + "))"
    " AND ($employment IS NULL OR (n.employment = $employment AND " + MEDIATOR_IN_FULL + "))"
    " AND ($gender IS NULL OR n.gender = $gender)"
    " AND ($language IS NULL OR $language IN n.languages)"
    " AND ($specialties IS NULL OR any(specialty IN n.specialties WHERE specialty IN $specialties))"
    " AND ($namePrefix IS NULL OR n.name STARTS WITH $namePrefix)"
    " AND ($nameContains IS NULL OR toLower(n.name) CONTAINS toLower($nameContains))"
    " AND ($minGrade IS NULL OR coalesce(" + CURRENT_GRADE_RANK + ", " + NO_GRADE_RANK + ") <= $minGrade)"
    " AND " + MEDIATOR_LISTED
)
"""The filters on mediator `n` itself, the same in every anchoring."""

_IN_DIVISION: dict[JurisdictionLevel, LiteralString] = {
    level: "MATCH (l:Listing) WHERE l." + prop + " > $lo AND l." + prop + " < $hi AND " + LISTING_CURRENT
    + " MATCH (n:Mediator {id: l.mediator}) WHERE " + _CONDITIONS
    for level, prop in LEVEL_PROPERTY.items()
}
"""Mediators with a current membership in the division's subtree: a range of listings in name order."""

_IN_ORGANIZATION: LiteralString = (
    "MATCH (:Organization {id: $organization})<-[r:MEMBER_OF]-(n:Mediator)"
    " WHERE " + MEMBERSHIP_CURRENT + " AND " + _CONDITIONS
    + " AND ($jurisdiction IS NULL OR EXISTS {"
    " (:Organization {id: $organization})-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: $jurisdiction}) })"
    " WITH DISTINCT n"
)
"""The members of one organization (as many as it has), optionally also inside a division."""

_EVERYWHERE: LiteralString = "MATCH (n:Mediator) WHERE n.nameKey > $lo AND n.nameKey < $hi AND " + _CONDITIONS


def _window(where: MediatorFilter, page: PageRequest) -> tuple[LiteralString, LiteralString, dict[str, Any]]:
    return window(jurisdiction=where.jurisdiction, level=where.level, page=page, in_division=_IN_DIVISION,
                  everywhere=_EVERYWHERE, keyed="l")


async def find_mediators(
    graph: Graph, *, where: MediatorFilter, page: PageRequest, viewer: Viewer
) -> Page[MediatorRecord]:
    params = where.params() | page.params() | viewer.params()
    if where.organization is not None:
        text = paged_query(_IN_ORGANIZATION, PROJECTION, page, full=MEDIATOR_IN_FULL)
        return split_page(await graph.read(text, **params), page, MediatorRecord)
    anchored, sort, bounds = _window(where, page)
    if not keyset_in_index_order(page):
        text = paged_query(anchored + " WITH DISTINCT n", PROJECTION, page, full=MEDIATOR_IN_FULL)
        return split_page(await graph.read(text, **params, **bounds), page, MediatorRecord)
    rows = await graph.read_work(
        lambda tx: window_page(graph, tx, anchored, sort, PROJECTION, full=MEDIATOR_IN_FULL, bounds=bounds, params=params)
    )
    return split_page(rows, page, MediatorRecord)


async def count_mediators(graph: Graph, *, where: MediatorFilter, viewer: Viewer) -> int:
    params = where.params() | viewer.params()
    if where.organization is not None:
        text = _IN_ORGANIZATION + " RETURN count(n) AS total"
        rows = await graph.read(text, **params)
    else:
        anchored, _, bounds = _window(where, PageRequest(first=1))
        rows = await graph.read(anchored + " RETURN count(DISTINCT n) AS total", **params, **bounds)
    return int(rows[0]["total"])


async def mediators_by_id(graph: Graph, *, ids: Sequence[str], viewer: Viewer) -> dict[str, MediatorRecord]:
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:Mediator {id: id})"
        " WITH n, " + MEDIATOR_IN_FULL + " AS full WHERE full OR NOT " + AWAITING +
        " RETURN " + PROJECTION + " AS node",
        ids=list(ids),
        **viewer.params(),
    )
    return {row["node"]["id"]: MediatorRecord.model_validate(row["node"]) for row in rows}


async def merge_mediators(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert mediators keyed on their registry id; `props` holds the stored properties."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MERGE (n:Mediator {id: row.id})"
        " ON CREATE SET n.createdAt = " + NOW + ", n.version = 1"
        " SET n += row.props, n.updatedAt = " + NOW +
        " RETURN count(n) AS merged",
        rows=list(rows),
        **stamp(),
    )
    return int(result[0]["merged"]) if result else 0
