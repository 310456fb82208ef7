"""Where the graph is: the configured Neo4j, or the embedded ArcadeDB server started for as long as it is
needed; and the driver opened on it with the configured timeouts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import SecretStr

from graph.core.driver import Graph, open_graph
from graph.core.embedded import EmbeddedServer, port_is_taken, start_embedded_server


class GraphSettings(Protocol):
    """The settings this module reads (the application's `REGISTRY_GRAPH_*` and data directory)."""

    @property
    def graph_uri(self) -> str | None: ...
    @property
    def graph_user(self) -> str: ...
    @property
    def graph_password(self) -> SecretStr | None: ...
    @property
    def graph_database(self) -> str: ...
    @property
    def embedded_dir(self) -> Path: ...
    @property
    def graph_bolt_port(self) -> int | None: ...
    @property
    def graph_http_port(self) -> int | None: ...
    @property
    def graph_heap(self) -> str: ...
    @property
    def graph_timeout(self) -> float: ...
    @property
    def graph_retry_time(self) -> float: ...


class EmbeddedProcess:
    """The embedded server this process started, and how to start it again on the same data directory and ports."""

    def __init__(self, server: EmbeddedServer, *, heap: str) -> None:
        self.server = server
        self.heap = heap

    def exit_code(self) -> int | None:
        return self.server.process.poll()

    def restart(self) -> EmbeddedServer:
        """Start it again (blocking): the same ports if they are free, so the driver's URI stays valid; else new ones."""
        old = self.server
        old.stop(timeout=5.0)
        same = not port_is_taken(old.bolt_port) and not port_is_taken(old.http_port)
        self.server = start_embedded_server(
            data_dir=old.data_dir,
            database=old.database,
            bolt_port=old.bolt_port if same else None,
            http_port=old.http_port if same else None,
            heap=self.heap,
        )
        return self.server

    def stop(self) -> None:
        self.server.stop()


@dataclass(frozen=True, slots=True)
class GraphConnection:
    uri: str
    user: str
    password: str
    database: str
    embedded: EmbeddedProcess | None = None


@contextlib.contextmanager
def graph_server(settings: GraphSettings) -> Iterator[GraphConnection]:
    """The configured Neo4j, or the embedded server started for as long as the block runs."""
    if settings.graph_uri:
        password = settings.graph_password.get_secret_value() if settings.graph_password else ""
        yield GraphConnection(settings.graph_uri, settings.graph_user, password, settings.graph_database)
        return
    server: EmbeddedServer = start_embedded_server(
        data_dir=settings.embedded_dir,
        database=settings.graph_database,
        bolt_port=settings.graph_bolt_port,
        http_port=settings.graph_http_port,
        heap=settings.graph_heap,
    )
    process = EmbeddedProcess(server, heap=settings.graph_heap)
    try:
        yield GraphConnection(server.uri, server.user, server.password, server.database, process)
    finally:
        process.stop()


def connect(connection: GraphConnection, settings: GraphSettings) -> Graph:
    return open_graph(
        uri=connection.uri,
        user=connection.user,
        password=connection.password,
        database=connection.database,
        timeout=settings.graph_timeout,
        retry_time=settings.graph_retry_time,
    )
