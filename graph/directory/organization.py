"""Mediation organizations, where they sit and who guides them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, LiteralString

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph
from graph.core.page import Page, PageRequest, keyset_in_index_order, paged_query, split_page, window_page
from graph.core.records import Choices, Filter, Names, Tracked, millis
from graph.core.viewer import AWAITING, ORGANIZATION_IN_FULL, ORGANIZATION_LISTED, Viewer
from graph.core.vocabulary import JurisdictionLevel, OrganizationKind, RecordStatus, Specialty
from graph.directory.jurisdiction import LOCATION, JurisdictionRecord
from graph.directory.listing import LEVEL_PROPERTY, window


class OrganizationRecord(Tracked):
    name: str
    kind: OrganizationKind
    sectors: list[Specialty] = []
    credit_code: str | None = None
    status: RecordStatus
    filed_at: date | None = None
    filing_no: str | None = None
    public_phone: str | None = None
    address: str | None = None
    charges_fee: bool = False
    jurisdiction: JurisdictionRecord | None = None
    filed_with_id: str | None = None
    guided_by_id: str | None = None
    parent_id: str | None = None


class OrganizationFilter(Filter):
    jurisdiction: str | None = None
    level: JurisdictionLevel | None = None
    """The level of `jurisdiction`: which key its subtree is a range of."""
    kinds: Choices[OrganizationKind] | None = None
    sectors: Choices[Specialty] | None = None
    statuses: Choices[RecordStatus] | None = None
    name_prefix: Names | None = None
    name_contains: Names | None = None



PROJECTION = (
    "n {.id, .name, .kind, .sectors, .status, .publicPhone, .address, .chargesFee, jurisdiction: " + LOCATION + ","
    " creditCode: CASE WHEN full THEN n.creditCode END, filedAt: CASE WHEN full THEN n.filedAt END,"
    " filingNo: CASE WHEN full THEN n.filingNo END, createdAt: CASE WHEN full THEN " + millis("n.createdAt") + " END,"
    " updatedAt: CASE WHEN full THEN " + millis("n.updatedAt") + " END, version: CASE WHEN full THEN n.version END,"
    " sourceAgency: CASE WHEN full THEN n.sourceAgency END, sourceRecordId: CASE WHEN full THEN n.sourceRecordId END,"
    " filedWithId: CASE WHEN full THEN [(n)-[:FILED_WITH]->(b:JudicialBureau) | b.id][0] END,"
    " guidedById: CASE WHEN full THEN [(n)-[:GUIDED_BY]->(c:Court) | c.id][0] END,"
    " parentId: [(n)-[:SUB_UNIT_OF]->(p:Organization) | p.id][0], inFull: full}"
)
"""Public directory fields always; the rest only where the viewer sees the organization in full."""

_CONDITIONS: LiteralString = (
    "($kinds IS NULL OR n.kind IN $kinds)"
    " AND ($statuses IS NULL OR n.status IN $statuses)"
    " AND ($sectors IS NULL OR any(sector IN n.sectors WHERE sector IN $sectors))"
    " AND ($namePrefix IS NULL OR n.name STARTS WITH $namePrefix)"
    " AND ($nameContains IS NULL OR toLower(n.name) CONTAINS toLower($nameContains))"
    " AND " + ORGANIZATION_LISTED
)
"""The filters on organization `n` itself, the same in every anchoring."""

_IN_DIVISION: dict[JurisdictionLevel, LiteralString] = {
    level: "MATCH (n:Organization) WHERE n." + prop + " > $lo AND n." + prop + " < $hi AND " + _CONDITIONS
    for level, prop in LEVEL_PROPERTY.items()
}
"""Organizations in the division's subtree: a range of one key, in name order."""

_EVERYWHERE: LiteralString = "MATCH (n:Organization) WHERE n.nameKey > $lo AND n.nameKey < $hi AND " + _CONDITIONS


def _window(where: OrganizationFilter, page: PageRequest) -> tuple[LiteralString, LiteralString, dict[str, Any]]:
    return window(jurisdiction=where.jurisdiction, level=where.level, page=page, in_division=_IN_DIVISION,
                  everywhere=_EVERYWHERE, keyed="n")


async def find_organizations(
    graph: Graph, *, where: OrganizationFilter, page: PageRequest, viewer: Viewer
) -> Page[OrganizationRecord]:
    params = where.params() | page.params() | viewer.params()
    anchored, sort, bounds = _window(where, page)
    if not keyset_in_index_order(page):
        text = paged_query(anchored, PROJECTION, page, full=ORGANIZATION_IN_FULL)
        return split_page(await graph.read(text, **params, **bounds), page, OrganizationRecord)
    rows = await graph.read_work(
        lambda tx: window_page(graph, tx, anchored, sort, PROJECTION, full=ORGANIZATION_IN_FULL, bounds=bounds, params=params)
    )
    return split_page(rows, page, OrganizationRecord)


async def count_organizations(graph: Graph, *, where: OrganizationFilter, viewer: Viewer) -> int:
    anchored, _, bounds = _window(where, PageRequest(first=1))
    rows = await graph.read(anchored + " RETURN count(n) AS total", **where.params(), **viewer.params(), **bounds)
    return int(rows[0]["total"])


async def organizations_by_id(graph: Graph, *, ids: Sequence[str], viewer: Viewer) -> dict[str, OrganizationRecord]:
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:Organization {id: id})"
        " WITH n, " + ORGANIZATION_IN_FULL + " AS full WHERE full OR NOT " + AWAITING +
        " RETURN " + PROJECTION + " AS node",
        ids=list(ids),
        **viewer.params(),
    )
    return {row["node"]["id"]: OrganizationRecord.model_validate(row["node"]) for row in rows}


async def merge_organizations(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert organizations keyed on their registry id, with location, filing and guidance edges.

    Agencies are found by name through the unique index on `Agency.name`.
    """
    result = await graph.write(
        "UNWIND $rows AS row"
        " MERGE (n:Organization {id: row.id})"
        " ON CREATE SET n.createdAt = " + NOW + ", n.version = 1"
        " SET n += row.props, n.updatedAt = " + NOW +
        " WITH n, row MATCH (j:Jurisdiction {code: row.jurisdiction}) MERGE (n)-[:LOCATED_IN]->(j)"
        " WITH n, row OPTIONAL MATCH (b:Agency {name: row.bureau}) WHERE b:JudicialBureau"
        " FOREACH (_ IN CASE WHEN b IS NULL THEN [] ELSE [1] END |"
        "   MERGE (n)-[f:FILED_WITH]->(b) SET f.filedAt = n.filedAt, f.filingNo = n.filingNo)"
        " WITH n, row OPTIONAL MATCH (c:Agency {name: row.court}) WHERE c:Court"
        " FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (n)-[:GUIDED_BY]->(c))"
        " WITH n, row OPTIONAL MATCH (p:Agency {name: row.partner}) WHERE p:PartnerAgency"
        " FOREACH (_ IN CASE WHEN p IS NULL THEN [] ELSE [1] END | MERGE (n)-[:AFFILIATED_WITH]->(p))"
        " RETURN count(n) AS merged",
        rows=list(rows),
        **stamp(),
    )
    return int(result[0]["merged"]) if result else 0
