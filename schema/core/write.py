"""What every mutation resolver shares: the idempotency key argument, an input as the fields the caller gave,
and the `Writer` of the request."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from resolvers.core.write import Writer, writer_for
from schema.core.context import Info

KEY = Annotated[
    str | None,
    strawberry.argument(description="Send the same key again with the same input to get the first result back."),
]


def raw(value: Any) -> dict[str, Any]:
    """An input as a plain dict of the fields the caller gave (UNSET ones left out)."""
    data = strawberry.asdict(value)
    return {key: item for key, item in data.items() if item is not strawberry.UNSET}


def writer(info: Info) -> Writer:
    context = info.context
    assert context.principal is not None  # every mutation declares a scope
    return writer_for(context.graph, context.viewer, context.principal, context.request_id)
