"""Relay connections over keyset pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Generic, TypeVar

import strawberry

from resolvers.core.pagination import MAX_PAGE, Listing, R, encode_cursor

T = TypeVar("T")

FIRST = Annotated[
    int | None,
    strawberry.argument(description=f"How many items to return: 20 when omitted, at most {MAX_PAGE}."),
]
AFTER = Annotated[
    str | None,
    strawberry.argument(description="Return the items after this cursor (an `endCursor` or edge `cursor`)."),
]


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow this page.")
    has_previous_page: bool = strawberry.field(description="True when this page was asked for after a cursor.")
    start_cursor: str | None = strawberry.field(description="The cursor of the first item of this page.")
    end_cursor: str | None = strawberry.field(description="The cursor of the last item; pass it as `after`.")


@strawberry.type(description="One item of a page with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="An opaque position; pass it as `after` to continue from here.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, with keyset cursors; `totalCount` is computed only when selected.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page with their cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items match the filters in all; one count() in the graph.")
    async def total_count(self) -> int:
        return await self.count()


def connection(listing: Listing[R], convert: Callable[[R], T], *, after: str | None) -> Connection[T]:
    edges = [
        Edge(cursor=encode_cursor(listing.order, key, record.id), node=convert(record))  # type: ignore[attr-defined]
        for record, key in listing.page.items
    ]
    info = PageInfo(
        has_next_page=listing.page.has_next,
        has_previous_page=after is not None,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, count=listing.count)
