"""Administrative divisions and their PART_OF hierarchy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph
from graph.core.page import Page, PageRequest, paged_query, split_page
from graph.core.records import Filter, GraphRecord, Names
from graph.core.vocabulary import JurisdictionLevel


class JurisdictionRecord(GraphRecord):
    id: str
    code: str
    name: str
    level: JurisdictionLevel
    parent_code: str | None = None


_PROJECTION = "n {.id, .code, .name, .level, parentCode: [(n)-[:PART_OF]->(p:Jurisdiction) | p.code][0]}"

LOCATION = (
    "[(n)-[:LOCATED_IN]->(j:Jurisdiction) |"
    " j {.id, .code, .name, .level, parentCode: [(j)-[:PART_OF]->(p:Jurisdiction) | p.code][0]}][0]"
)
"""The division `n` is located in, projected in the same statement as `n`."""

_FILTER = (
    "MATCH (n:Jurisdiction)"
    " WHERE ($level IS NULL OR n.level = $level)"
    " AND ($parent IS NULL OR EXISTS { (n)-[:PART_OF]->(:Jurisdiction {code: $parent}) })"
    " AND ($within IS NULL OR EXISTS { (n)-[:PART_OF*0..]->(:Jurisdiction {code: $within}) })"
    " AND ($namePrefix IS NULL OR n.name STARTS WITH $namePrefix)"
)


class JurisdictionFilter(Filter):
    level: JurisdictionLevel | None = None
    parent: str | None = None
    within: str | None = None
    name_prefix: Names | None = None


async def find_jurisdictions(graph: Graph, *, where: JurisdictionFilter, page: PageRequest) -> Page[JurisdictionRecord]:
    rows = await graph.read(paged_query(_FILTER, _PROJECTION, page), **where.params(), **page.params())
    return split_page(rows, page, JurisdictionRecord)


async def count_jurisdictions(graph: Graph, *, where: JurisdictionFilter) -> int:
    rows = await graph.read(_FILTER + " RETURN count(n) AS total", **where.params())
    return int(rows[0]["total"])


async def jurisdictions_by_code(graph: Graph, *, codes: Sequence[str]) -> dict[str, JurisdictionRecord]:
    rows = await graph.read(
        "UNWIND $codes AS code MATCH (n:Jurisdiction {code: code}) RETURN " + _PROJECTION + " AS node",
        codes=list(codes),
    )
    return {row["node"]["code"]: JurisdictionRecord.model_validate(row["node"]) for row in rows}


async def jurisdictions_by_id(graph: Graph, *, ids: Sequence[str]) -> dict[str, JurisdictionRecord]:
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:Jurisdiction {id: id}) RETURN " + _PROJECTION + " AS node", ids=list(ids)
    )
    return {row["node"]["id"]: JurisdictionRecord.model_validate(row["node"]) for row in rows}


async def jurisdiction_paths(graph: Graph, *, codes: Sequence[str]) -> dict[str, list[JurisdictionRecord]]:
    """For each code, the division itself followed by its ancestors up to the province."""
    rows = await graph.read(
        "UNWIND $codes AS code"
        " MATCH path = (:Jurisdiction {code: code})-[:PART_OF*0..]->(top:Jurisdiction)"
        " WHERE NOT EXISTS { (top)-[:PART_OF]->() }"
        " RETURN code, [n IN nodes(path) | " + _PROJECTION + "] AS path",
        codes=list(codes),
    )
    return {row["code"]: [JurisdictionRecord.model_validate(node) for node in row["path"]] for row in rows}


async def merge_jurisdictions(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert divisions keyed on `code` ({id?, code, name, level, parent}); parents must come first or exist."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MERGE (j:Jurisdiction {code: row.code})"
        " ON CREATE SET j.id = coalesce(row.id, randomUUID()), j.createdAt = " + NOW + ", j.version = 1"
        " SET j.name = row.name, j.level = row.level, j.updatedAt = " + NOW +
        " WITH j, row WHERE row.parent IS NOT NULL"
        " MATCH (p:Jurisdiction {code: row.parent})"
        " MERGE (j)-[:PART_OF]->(p)"
        " RETURN count(j) AS linked",
        rows=list(rows),
        **stamp(),
    )
    return int(result[0]["linked"]) if result else 0
