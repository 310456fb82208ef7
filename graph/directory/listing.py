"""Listings: one node per membership with the directory keys of its mediator under each division of its
organization (see graph/directory/keys.py), joined to both by id properties, not edges."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.core.driver import Graph

DIRECTORY_INDEXES: tuple[LiteralString, ...] = (
    "CREATE INDEX organization_name_key IF NOT EXISTS FOR (n:Organization) ON (n.nameKey)",
    "CREATE INDEX organization_in_province IF NOT EXISTS FOR (n:Organization) ON (n.inProvince)",
    "CREATE INDEX organization_in_city IF NOT EXISTS FOR (n:Organization) ON (n.inCity)",
    "CREATE INDEX organization_in_county IF NOT EXISTS FOR (n:Organization) ON (n.inCounty)",
    "CREATE INDEX organization_in_township IF NOT EXISTS FOR (n:Organization) ON (n.inTownship)",
    "CREATE INDEX organization_in_village IF NOT EXISTS FOR (n:Organization) ON (n.inVillage)",
    "CREATE INDEX mediator_name_key IF NOT EXISTS FOR (n:Mediator) ON (n.nameKey)",
    "CREATE INDEX listing_in_province IF NOT EXISTS FOR (n:Listing) ON (n.inProvince)",
    "CREATE INDEX listing_in_city IF NOT EXISTS FOR (n:Listing) ON (n.inCity)",
    "CREATE INDEX listing_in_county IF NOT EXISTS FOR (n:Listing) ON (n.inCounty)",
    "CREATE INDEX listing_in_township IF NOT EXISTS FOR (n:Listing) ON (n.inTownship)",
    "CREATE INDEX listing_in_village IF NOT EXISTS FOR (n:Listing) ON (n.inVillage)",
    "CREATE INDEX listing_mediator IF NOT EXISTS FOR (n:Listing) ON (n.mediator)",
    "CREATE INDEX listing_organization IF NOT EXISTS FOR (n:Listing) ON (n.organization)",
)
"""The directory keys' indexes, until the lead's migration creates them (tests and benchmarks apply these)."""


async def create_directory_indexes(graph: Graph) -> None:
    for statement in DIRECTORY_INDEXES:
        await graph.write(statement)


async def merge_listings(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert listings keyed on (mediator, organization, since); each row is the listing's properties."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MERGE (n:Listing {mediator: row.mediator, organization: row.organization, since: row.since})"
        " SET n += row"
        " RETURN count(n) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0
