"""Listing and reading mediation organizations."""

from __future__ import annotations

from graph.driver import Graph
from graph.membership import OrganizationMember, members_of_organizations
from graph.organization import (
    OrganizationFilter,
    OrganizationRecord,
    count_organizations,
    find_organizations,
    organizations_by_id,
)
from graph.page import PageRequest
from graph.viewer import Viewer
from graph.vocabulary import OrganizationKind, RecordStatus
from resolvers.jurisdiction import known_code
from resolvers.pagination import Listing, build_filter

__all__ = [
    "OrganizationKind",
    "OrganizationMember",
    "OrganizationRecord",
    "list_organizations",
    "members_of_organizations",
    "organizations_by_id",
]


async def list_organizations(
    graph: Graph,
    *,
    jurisdiction: str | None = None,
    kinds: list[OrganizationKind] | None = None,
    sectors: list[str] | None = None,
    statuses: list[RecordStatus] | None = None,
    name_prefix: str | None = None,
    name_contains: str | None = None,
    page: PageRequest,
    viewer: Viewer,
) -> Listing[OrganizationRecord]:
    where = build_filter(
        OrganizationFilter,
        jurisdiction=await known_code(graph, jurisdiction, field="jurisdiction"),
        kinds=kinds,
        sectors=sectors,
        statuses=statuses,
        name_prefix=name_prefix,
        name_contains=name_contains,
    )
    found = await find_organizations(graph, where=where, page=page, viewer=viewer)
    return Listing(found, page.order, lambda: count_organizations(graph, where=where))
