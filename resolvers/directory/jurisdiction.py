"""Administrative divisions: listing, and checking that a code exists before it is used."""

from __future__ import annotations

from graph.core.driver import Graph
from graph.core.page import PageRequest
from graph.core.vocabulary import JurisdictionLevel
from graph.directory.jurisdiction import (
    JurisdictionFilter,
    JurisdictionRecord,
    count_jurisdictions,
    find_jurisdictions,
    jurisdiction_paths,
    jurisdictions_by_code,
    jurisdictions_by_id,
)
from resolvers.core.errors import InputError
from resolvers.core.identifiers import IdentifierError, normalize_division_code
from resolvers.core.pagination import Listing, build_filter

__all__ = [
    "JurisdictionLevel",
    "JurisdictionRecord",
    "jurisdiction_paths",
    "jurisdictions_by_code",
    "jurisdictions_by_id",
    "known_code",
    "list_jurisdictions",
]


async def known_code(graph: Graph, code: str | None, *, field: str) -> str | None:
    """A well-formed division code that exists in the graph, normalized; None passes through."""
    division = await known_division(graph, code, field=field)
    return None if division is None else division.code


async def known_division(graph: Graph, code: str | None, *, field: str) -> JurisdictionRecord | None:
    """The division with this code (well-formed and in the graph); None passes through."""
    if code is None:
        return None
    try:
        normalized = normalize_division_code(code)
    except IdentifierError as error:
        raise InputError(f"`{field}`: {error}", field=field) from error
    found = await jurisdictions_by_code(graph, codes=[normalized])
    if normalized not in found:
        raise InputError(f"`{field}`: no administrative division has the code {normalized}.", field=field)
    return found[normalized]


async def list_jurisdictions(
    graph: Graph,
    *,
    level: JurisdictionLevel | None,
    parent: str | None,
    within: str | None,
    name_prefix: str | None,
    page: PageRequest,
) -> Listing[JurisdictionRecord]:
    where = build_filter(
        JurisdictionFilter,
        level=level,
        parent=await known_code(graph, parent, field="parent"),
        within=await known_code(graph, within, field="within"),
        name_prefix=name_prefix,
    )
    found = await find_jurisdictions(graph, where=where, page=page)
    return Listing(found, page.order, lambda: count_jurisdictions(graph, where=where))
