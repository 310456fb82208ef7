"""Listing agencies and courts."""

from __future__ import annotations

from graph.core.driver import Graph
from graph.core.page import PageRequest
from graph.core.vocabulary import AgencyKind, CourtLevel
from graph.directory.agency import AgencyFilter, AgencyRecord, agencies_by_id, count_agencies, find_agencies
from resolvers.core.pagination import Listing, build_filter
from resolvers.directory.jurisdiction import known_code

__all__ = ["AgencyKind", "AgencyRecord", "CourtLevel", "agencies_by_id", "list_agencies"]


async def list_agencies(
    graph: Graph,
    *,
    kind: AgencyKind | None = None,
    court_level: CourtLevel | None = None,
    within: str | None = None,
    name_prefix: str | None = None,
    page: PageRequest,
) -> Listing[AgencyRecord]:
    where = build_filter(
        AgencyFilter,
        kind=kind,
        court_level=court_level,
        within=await known_code(graph, within, field="jurisdiction"),
        name_prefix=name_prefix,
    )
    found = await find_agencies(graph, where=where, page=page)
    return Listing(found, page.order, lambda: count_agencies(graph, where=where))
