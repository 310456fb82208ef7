"""Which kind of node a public id names, through each kind's unique index."""

from __future__ import annotations

from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind


async def kind_of(graph: Graph, *, id: str) -> str | None:
    """`Organization`, `Mediator`, `Jurisdiction`, or an agency kind; None when nothing has this id."""
    rows = await graph.read(
        "MATCH (n:Organization {id: $id}) RETURN 'Organization' AS kind"
        " UNION MATCH (n:Mediator {id: $id}) RETURN 'Mediator' AS kind"
        " UNION MATCH (n:Jurisdiction {id: $id}) RETURN 'Jurisdiction' AS kind"
        " UNION MATCH (n:Agency {id: $id}) RETURN n.kind AS kind",
        id=id,
    )
    return str(rows[0]["kind"]) if rows else None


__all__ = ["AgencyKind", "is_empty", "kind_of"]


async def is_empty(graph: Graph) -> bool:
    """True when the directory holds no division yet (a new graph)."""
    rows = await graph.read("MATCH (n:Jurisdiction) RETURN n.code AS code LIMIT 1")
    return not rows
