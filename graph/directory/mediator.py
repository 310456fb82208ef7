"""Mediators. The identity number itself is never stored: only its keyed hash and a masked form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from graph.grades.assessment import CURRENT_GRADE_RANK
from graph.core.driver import Graph
from graph.core.page import Page, PageRequest, paged_query, split_page
from graph.core.records import Choices, Filter, Language, Names, Tracked
from graph.core.viewer import MEDIATOR_AWAITING, MEDIATOR_IN_FULL, MEDIATOR_LISTED, PUBLIC_SEAT, Viewer
from graph.core.vocabulary import Background, Employment, Gender, RecordStatus, Specialty


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
        return super().params() | {"gradeDay": date.today()}



PROJECTION = (
    "n {.id, .name, .gender, .specialties, .languages,"
    " birthYear: CASE WHEN full THEN n.birthYear END, employment: CASE WHEN full THEN n.employment END,"
    " background: CASE WHEN full THEN n.background END, education: CASE WHEN full THEN n.education END,"
    " status: CASE WHEN full THEN n.status END, createdAt: CASE WHEN full THEN n.createdAt END,"
    " updatedAt: CASE WHEN full THEN n.updatedAt END, version: CASE WHEN full THEN n.version END,"
    " sourceAgency: CASE WHEN full THEN n.sourceAgency END, sourceRecordId: CASE WHEN full THEN n.sourceRecordId END,"
    " identityMasked: CASE WHEN full AND $vPii THEN n.identityMasked END,"
    " phone: CASE WHEN full AND $vPii THEN n.phone END, inFull: full}"
)
"""Public directory fields always; the rest where the viewer sees the mediator in full; personal data with pii."""

_FILTER = (
    "MATCH (n:Mediator)"
    " WHERE ($statuses IS NULL OR (n.status IN $statuses AND " + MEDIATOR_IN_FULL + "))"
    " AND ($employment IS NULL OR (n.employment = $employment AND " + MEDIATOR_IN_FULL + "))"
    " AND ($gender IS NULL OR n.gender = $gender)"
    " AND ($language IS NULL OR $language IN n.languages)"
    " AND ($specialties IS NULL OR any(specialty IN n.specialties WHERE specialty IN $specialties))"
    " AND ($namePrefix IS NULL OR n.name STARTS WITH $namePrefix)"
    " AND ($nameContains IS NULL OR toLower(n.name) CONTAINS toLower($nameContains))"
    " AND ($organization IS NULL OR EXISTS {"
    " (n)-[r:MEMBER_OF]->(o:Organization {id: $organization}) WHERE (r.until IS NULL OR r.until >= date())"
    " AND " + PUBLIC_SEAT + " })"
    " AND ($jurisdiction IS NULL OR EXISTS {"
    " (n)-[r:MEMBER_OF]->(o:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: $jurisdiction})"
    " WHERE (r.until IS NULL OR r.until >= date()) AND " + PUBLIC_SEAT + " })"
    " AND " + MEDIATOR_LISTED
    + " WITH n WHERE CASE WHEN $minGrade IS NULL THEN true ELSE coalesce(" + CURRENT_GRADE_RANK + ", 99) <= $minGrade END"
)


async def find_mediators(
    graph: Graph, *, where: MediatorFilter, page: PageRequest, viewer: Viewer
) -> Page[MediatorRecord]:
    rows = await graph.read(
        paged_query(_FILTER, PROJECTION, page, full=MEDIATOR_IN_FULL),
        **where.params(),
        **page.params(),
        **viewer.params(),
    )
    return split_page(rows, page, MediatorRecord)


async def count_mediators(graph: Graph, *, where: MediatorFilter, viewer: Viewer) -> int:
    rows = await graph.read(_FILTER + " RETURN count(n) AS total", **where.params(), **viewer.params())
    return int(rows[0]["total"])


async def mediators_by_id(graph: Graph, *, ids: Sequence[str], viewer: Viewer) -> dict[str, MediatorRecord]:
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:Mediator {id: id})"
        " WITH n, " + MEDIATOR_IN_FULL + " AS full WHERE full OR NOT " + MEDIATOR_AWAITING +
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
        " ON CREATE SET n.createdAt = datetime(), n.version = 1"
        " SET n += row.props, n.updatedAt = datetime()"
        " RETURN count(n) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0
