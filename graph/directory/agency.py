"""Agencies: judicial bureaus, courts, national partner agencies and the platform administrator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph
from graph.core.page import Page, PageRequest, paged_query, split_page
from graph.core.records import Filter, GraphRecord, Names
from graph.core.vocabulary import AgencyKind, CourtLevel


class AgencyRecord(GraphRecord):
    id: str
    name: str
    kind: AgencyKind
    court_level: CourtLevel | None = None
    court_code: str | None = None
    jurisdiction_code: str | None = None
    supervisor_id: str | None = None


_PROJECTION = (
    "n {.id, .name, .kind, courtLevel: n.level, .courtCode,"
    " jurisdictionCode: [(n)-[:GOVERNS|HAS_JURISDICTION]->(j:Jurisdiction) | j.code][0],"
    " supervisorId: [(n)-[:SUPERVISED_BY]->(s:Court) | s.id][0]}"
)

_FILTER = (
    "MATCH (n:Agency)"
    " WHERE ($kind IS NULL OR n.kind = $kind)"
    " AND ($courtLevel IS NULL OR n.level = $courtLevel)"
    " AND ($namePrefix IS NULL OR n.name STARTS WITH $namePrefix)"
    " AND ($within IS NULL OR EXISTS {"
    " (n)-[:GOVERNS|HAS_JURISDICTION]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: $within}) })"
)


class AgencyFilter(Filter):
    kind: AgencyKind | None = None
    court_level: CourtLevel | None = None
    within: str | None = None
    name_prefix: Names | None = None


async def find_agencies(graph: Graph, *, where: AgencyFilter, page: PageRequest) -> Page[AgencyRecord]:
    rows = await graph.read(paged_query(_FILTER, _PROJECTION, page), **where.params(), **page.params())
    return split_page(rows, page, AgencyRecord)


async def count_agencies(graph: Graph, *, where: AgencyFilter) -> int:
    rows = await graph.read(_FILTER + " RETURN count(n) AS total", **where.params())
    return int(rows[0]["total"])


async def agencies_by_id(graph: Graph, *, ids: Sequence[str]) -> dict[str, AgencyRecord]:
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:Agency {id: id}) RETURN " + _PROJECTION + " AS node", ids=list(ids)
    )
    return {row["node"]["id"]: AgencyRecord.model_validate(row["node"]) for row in rows}


_MERGE: dict[AgencyKind, LiteralString] = {
    AgencyKind.JUDICIAL_BUREAU: "UNWIND $rows AS row"
    " MERGE (n:Agency:JudicialBureau {name: row.name})"
    " ON CREATE SET n.id = coalesce(row.id, randomUUID()), n.createdAt = " + NOW + ", n.version = 1"
    " SET n.kind = 'JUDICIAL_BUREAU', n.updatedAt = " + NOW +
    " WITH n, row MATCH (j:Jurisdiction {code: row.jurisdiction}) MERGE (n)-[:GOVERNS]->(j)"
    " RETURN count(n) AS merged",
    AgencyKind.COURT: "UNWIND $rows AS row"
    " MERGE (n:Agency:Court {name: row.name})"
    " ON CREATE SET n.id = coalesce(row.id, randomUUID()), n.createdAt = " + NOW + ", n.version = 1"
    " SET n.kind = 'COURT', n.level = row.level, n.courtCode = row.courtCode, n.updatedAt = " + NOW +
    " WITH n, row MATCH (j:Jurisdiction {code: row.jurisdiction}) MERGE (n)-[:HAS_JURISDICTION]->(j)"
    " WITH n, row OPTIONAL MATCH (s:Agency {name: row.supervisor}) WHERE s:Court"
    " FOREACH (_ IN CASE WHEN s IS NULL THEN [] ELSE [1] END | MERGE (n)-[:SUPERVISED_BY]->(s))"
    " RETURN count(n) AS merged",
    AgencyKind.PARTNER_AGENCY: "UNWIND $rows AS row"
    " MERGE (n:Agency:PartnerAgency {name: row.name})"
    " ON CREATE SET n.id = coalesce(row.id, randomUUID()), n.createdAt = " + NOW + ", n.version = 1"
    " SET n.kind = 'PARTNER_AGENCY', n.field = row.field, n.updatedAt = " + NOW +
    " RETURN count(n) AS merged",
    AgencyKind.PLATFORM_ADMIN: "UNWIND $rows AS row"
    " MERGE (n:Agency:PlatformAdmin {name: row.name})"
    " ON CREATE SET n.id = coalesce(row.id, randomUUID()), n.createdAt = " + NOW + ", n.version = 1"
    " SET n.kind = 'PLATFORM_ADMIN', n.updatedAt = " + NOW +
    " RETURN count(n) AS merged",
}


async def merge_agencies(graph: Graph, *, kind: AgencyKind, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert agencies of one kind keyed on their name; every label is given at creation."""
    result = await graph.write(_MERGE[kind], rows=list(rows), **stamp())
    return int(result[0]["merged"]) if result else 0
