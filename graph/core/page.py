"""Keyset pagination: a sort key plus the public id as tie-break, over literal query fragments."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, LiteralString, TypeVar

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
