"""One AsyncDriver for the process, managed transactions, the database always named."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, LiteralString, TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, unit_of_work
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from graph.core.health import GraphHealth

T = TypeVar("T")
Row = dict[str, Any]
Tx = AsyncManagedTransaction
"""A transaction that a unit of work runs its statements in (read or write)."""
Work = Callable[[AsyncManagedTransaction], Awaitable[T]]
ENTITY_NOT_FOUND = "Neo.ClientError.Statement.EntityNotFound"
UNKNOWN_ERROR = "Neo.DatabaseError.General.UnknownError"
BROKEN_CHAIN = "has a broken chunk chain"
VANISHED_RETRIES = 6
"""A transaction that met a record another transaction was writing at that moment runs again from the start,
up to this many times in all, as the driver retries a transient error: the work reads the graph afresh each
time. ArcadeDB answers such a read with `EntityNotFound`, or, for a record spread over several pages (an
organization with many member edges, appended to by eight filings at once in the benchmark), with an
`UnknownError` saying the record "has a broken chunk chain"; neither is marked transient. Neo4j answers
`EntityNotFound` when a node it matched was deleted."""


def read_mid_write(error: Neo4jError) -> bool:
    """Whether `error` says the transaction read a record while another transaction was writing it."""
    return error.code == ENTITY_NOT_FOUND or (error.code == UNKNOWN_ERROR and BROKEN_CHAIN in str(error.message))
CONNECTION_TIMEOUT = 5.0  # seconds to open a TCP connection: an unreachable server fails fast


_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """A value as `Record.data()` gives it (a node as its properties, a relationship as `(start, type, end)`, a
    path as its nodes and types), without its generic transform: exact-type checks for the strings, numbers,
    lists and maps nearly every row holds, where the driver asks an ABC of each value (a tenth of the API's
    CPU on a directory page)."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [plain(item) for item in value]
    if kind is dict:
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Node):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, Relationship):
        start, end = value.start_node, value.end_node
        return (plain(start) if start is not None else None, type(value).__name__, plain(end) if end is not None else None)
    if isinstance(value, Path):
        walked: list[Any] = [plain(value.start_node)]
        for relationship, node in zip(value.relationships, value.nodes[1:], strict=True):
            walked += [type(relationship).__name__, plain(node)]
        return walked
    return value  # temporal values and points, as the driver gives them


class GraphError(RuntimeError):
    """The graph could not be reached or refused a statement; never the caller's fault."""


class GraphUnavailable(GraphError):
    """The graph does not answer (down, or restarting): the request can be sent again later (HTTP 503)."""


class GraphTimeout(GraphError):
    """A request's statements ran past its time budget and were abandoned: the driver's connection is closed, so
    the server ends the transaction (Neo4j also enforces `timeout` itself, as each transaction's timeout)."""


_deadline: ContextVar[float | None] = ContextVar("graph_deadline", default=None)


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Every statement run inside the block (a request) must be done within `seconds` of its start. Bulk work
    (migrations, loads, the CLI) runs outside any budget."""
    token = _deadline.set(asyncio.get_running_loop().time() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


CONNECTION_FAILURES = (ServiceUnavailable, SessionExpired, OSError)


class UniquenessViolation(GraphError):
    """A write broke a uniqueness constraint (a natural key that exists already)."""


@dataclass(slots=True)
class RoundTrips:
    """Counts statements sent to the graph; tests use it to prove there is no N+1."""

    count: int = 0


@dataclass(slots=True)
class Graph:
    """Every statement runs in a managed transaction with a timeout, on the named database."""

    driver: AsyncDriver
    database: str
    timeout: float = 15.0
    retry_time: float = 10.0
    round_trips: RoundTrips = field(default_factory=RoundTrips)
    health: GraphHealth = field(default_factory=GraphHealth)

    async def rows(self, tx: AsyncManagedTransaction, text: LiteralString, **params: Any) -> list[Row]:
        """Run one statement inside a managed transaction and consume its rows there."""
        self.round_trips.count += 1
        result = await tx.run(text, params)
        keys = result.keys()
        return [{key: plain(value) for key, value in zip(keys, record, strict=True)} async for record in result]

    async def read(self, text: LiteralString, **params: Any) -> list[Row]:
        async def work(tx: AsyncManagedTransaction) -> list[Row]:
            return await self.rows(tx, text, **params)

        return await self.read_work(work)

    async def write(self, text: LiteralString, **params: Any) -> list[Row]:
        async def work(tx: AsyncManagedTransaction) -> list[Row]:
            return await self.rows(tx, text, **params)

        return await self.write_work(work)

    async def read_work(self, work: Work[T]) -> T:
        return await self._managed(work, write=False)

    async def write_work(self, work: Work[T]) -> T:
        return await self._managed(work, write=True)

    async def _managed(self, work: Work[T], *, write: bool) -> T:
        """Fail at once while the graph is down; a connection failure marks it down (503), anything else is a
        GraphError (500)."""
        try:
            return await self.health.race(lambda: self._execute(work, write=write), GraphUnavailable)
        except ConstraintError as error:
            raise UniquenessViolation(str(error)) from error
        except CONNECTION_FAILURES as error:
            self.health.mark_down(_first_line(error))
            raise GraphUnavailable(self.health.reason()) from error
        except (Neo4jError, DriverError) as error:
            raise GraphError(str(error)) from error

    async def _execute(self, work: Work[T], *, write: bool) -> T:
        deadline = _deadline.get()
        try:
            async with asyncio.timeout_at(deadline), self.driver.session(database=self.database) as session:
                managed = unit_of_work(timeout=self.timeout)(work)
                for attempt in range(1, VANISHED_RETRIES + 1):
                    try:
                        if write:
                            return await session.execute_write(managed)
                        return await session.execute_read(managed)
                    except Neo4jError as error:
                        if not read_mid_write(error) or attempt == VANISHED_RETRIES:
                            raise
                    await asyncio.sleep(0.02 * attempt * (1 + random.random()))  # apart from the other retriers
                raise AssertionError("unreachable")
        except TimeoutError as error:
            raise GraphTimeout("the request ran past its time budget") from error

    async def probe(self) -> None:
        """One `RETURN 1`, not retried and not guarded by the health state; raises what the driver raises.
        The caller bounds it (`asyncio.timeout`)."""
        async with self.driver.session(database=self.database, max_transaction_retry_time=0) as session:
            await session.execute_read(lambda tx: _consume(tx, "RETURN 1 AS ok"))

    async def reopen(self, *, uri: str, user: str, password: str) -> None:
        """Point at a server that came back at another address (an embedded server restarted on new ports)."""
        old, self.driver = self.driver, open_driver(
            uri=uri, user=user, password=password, timeout=self.timeout, retry_time=self.retry_time
        )
        await old.close()

    async def close(self) -> None:
        await self.driver.close()


async def _consume(tx: AsyncManagedTransaction, text: LiteralString) -> None:
    await (await tx.run(text)).consume()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def open_driver(*, uri: str, user: str, password: str, timeout: float, retry_time: float) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        uri,
        auth=(user, password),
        max_connection_pool_size=50,
        max_transaction_retry_time=retry_time,
        connection_acquisition_timeout=timeout,
        connection_timeout=min(timeout, CONNECTION_TIMEOUT),
    )


def open_graph(
    *, uri: str, user: str, password: str, database: str, timeout: float = 15.0, retry_time: float = 10.0
) -> Graph:
    """Create the driver; nothing connects until the first statement.

    Transient failures (a busy page on ArcadeDB, a cluster leader switch) are retried for `retry_time` seconds,
    unless the graph is marked down meanwhile (see `graph.core.health`).
    """
    driver = open_driver(uri=uri, user=user, password=password, timeout=timeout, retry_time=retry_time)
    return Graph(driver=driver, database=database, timeout=timeout, retry_time=retry_time)
