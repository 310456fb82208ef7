"""The only place the bench imports the registry's own code: the composition root `app`, whose names
(`Settings`, `graph_server`, `connect`, `create_app`) survive moves of the modules behind it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import app as registry


@dataclass(frozen=True, slots=True)
class Bolt:
    uri: str
    user: str
    password: str
    database: str


@contextlib.contextmanager
def embedded_graph(data_dir: Path, *, heap: str) -> Iterator[Bolt]:
    """The registry's embedded ArcadeDB server on `data_dir`, started as the registry itself starts it."""
    settings = registry.Settings(graph_uri=None, graph_data_dir=data_dir, graph_heap=heap)
    with registry.graph_server(settings) as connection:
        yield Bolt(connection.uri, connection.user, connection.password, connection.database)


def in_process_app(bolt: Bolt, env: dict[str, str]) -> tuple[Any, Any]:
    """The ASGI app the server runs, in this process, with its graph: used to capture the statements an
    operation sends. `env` holds the same REGISTRY_* settings as the served process (same key, issuer)."""
    fields: dict[str, Any] = {
        key.removeprefix("REGISTRY_").lower(): value for key, value in env.items() if key.startswith("REGISTRY_")
    }
    settings = registry.Settings(**fields)
    graph = registry.connect(registry.GraphConnection(bolt.uri, bolt.user, bolt.password, bolt.database), settings)
    return registry.create_app(settings, graph=graph), graph
