"""Resolving a public id of any kind."""

from __future__ import annotations

import uuid

from graph.core.driver import Graph
from graph.directory.node import kind_of
from resolvers.core.errors import InputError


async def node_kind(graph: Graph, *, id: str) -> str | None:
    """The kind of node `id` names (`Organization`, `Mediator`, `Jurisdiction` or an agency kind), if any."""
    try:
        uuid.UUID(id)
    except ValueError as error:
        raise InputError("`id` is not a registry id (a UUID).", field="id") from error
    return await kind_of(graph, id=id)
