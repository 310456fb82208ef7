"""Keyset pagination: a sort key plus the public id as tie-break, over literal query fragments."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, LiteralString, TypeVar

from neo4j import AsyncManagedTransaction

from graph.core.driver import Graph
from graph.core.records import GraphRecord

SortValue = str | int
R = TypeVar("R", bound=GraphRecord)


class Order(StrEnum):
    NAME = "NAME"
    UPDATED_AT = "UPDATED_AT"


class Direction(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@dataclass(frozen=True, slots=True)
class PageRequest:
    first: int
    order: Order = Order.NAME
    direction: Direction = Direction.ASC
    after_key: SortValue | None = None
    after_id: str | None = None

    def params(self) -> dict[str, Any]:
        return {"afterKey": self.after_key, "afterId": self.after_id, "limit": self.first + 1}


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    items: list[tuple[R, SortValue]]
    has_next: bool


_SORT_KEY: dict[Order, LiteralString] = {Order.NAME: "n.name", Order.UPDATED_AT: "n.updatedAt.epochMillis"}
"""Update times sort by epoch milliseconds: an exact value that survives the trip through a cursor."""

_AFTER: dict[Direction, LiteralString] = {
    Direction.ASC: " WHERE $afterId IS NULL OR sortKey > $afterKey OR (sortKey = $afterKey AND n.id > $afterId)",
    Direction.DESC: " WHERE $afterId IS NULL OR sortKey < $afterKey OR (sortKey = $afterKey AND n.id < $afterId)",
}

_ORDER_BY: dict[Direction, LiteralString] = {
    Direction.ASC: " ORDER BY sortKey ASC, n.id ASC",
    Direction.DESC: " ORDER BY sortKey DESC, n.id DESC",
}


def paged_query(
    match: LiteralString, projection: LiteralString, request: PageRequest, *, full: LiteralString = "true"
) -> LiteralString:
    """`match` binds `n` and filters it; `full` (the viewer policy) is computed for the page's rows only.

    The result has `node` (the projection, which may use `full`) and `sortKey`.
    """
    order = _ORDER_BY[request.direction]
    return (
        match
        + " WITH n, "
        + _SORT_KEY[request.order]
        + " AS sortKey"
        + _AFTER[request.direction]
        + " WITH n, sortKey"
        + order
        + " LIMIT $limit WITH n, sortKey, "
        + full
        + " AS full RETURN "
        + projection
        + " AS node, sortKey"
        + order
    )


def split_page(rows: list[dict[str, Any]], request: PageRequest, record: type[R]) -> Page[R]:
    items = [(record.model_validate(row["node"]), row["sortKey"]) for row in rows[: request.first]]
    return Page(items=items, has_next=len(rows) > request.first)


def keyset_in_index_order(request: PageRequest) -> bool:
    """Whether a page can be read as a window of an ascending key index (name order, ascending)."""
    return request.order is Order.NAME and request.direction is Direction.ASC


async def window_page(
    graph: Graph,
    tx: AsyncManagedTransaction,
    anchored: LiteralString,
    sort: LiteralString,
    projection: LiteralString,
    *,
    full: LiteralString,
    bounds: dict[str, Any],
    params: dict[str, Any],
) -> list[dict[str, Any]]:
    """A page of the rows that `anchored` binds as `n`, ranging over an indexed key between `$lo` and `$hi`,
    in key order, touching about as many rows as the page holds.

    An engine may not stop a sort early (ArcadeDB reads the whole range before `ORDER BY ... LIMIT`), but it
    stops a bare `LIMIT`. So the first statement takes any `$limit` matching keys of the range; the page is
    then inside (`$lo`, the greatest of them], which the second statement sorts. The page is exact whatever
    order the first statement saw; when the engine reads the index in order (both engines do), the second
    range holds just the page.
    """
    limit = int(params["limit"])
    probe = await graph.rows(
        tx,
        anchored + " WITH DISTINCT " + sort + " AS k LIMIT $limit RETURN max(k) AS bound, count(k) AS found",
        **params,
        **bounds,
    )
    if probe and int(probe[0]["found"]) >= limit:
        bounds = bounds | {"hi": str(probe[0]["bound"]) + WINDOW_EDGE}  # the engine's own string order
    return await graph.rows(
        tx,
        anchored
        + " WITH DISTINCT n, "
        + sort
        + " AS k ORDER BY k LIMIT $limit WITH n, k, "
        + full
        + " AS full RETURN "
        + projection
        + " AS node, n.name AS sortKey ORDER BY k",
        **params,
        **bounds,
    )


WINDOW_EDGE = "\u0001"
"""Appended to a key, the least string above it that another key could not fall under: `< key + WINDOW_EDGE` is
`<= key` for keys made of parts joined by this separator (graph/directory/listing.py)."""
