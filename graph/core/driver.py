"""One AsyncDriver for the process, managed transactions, the database always named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, LiteralString, TypeVar

from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, unit_of_work
from neo4j.exceptions import ConstraintError, DriverError, Neo4jError

T = TypeVar("T")
Row = dict[str, Any]
Work = Callable[[AsyncManagedTransaction], Awaitable[T]]


class GraphError(RuntimeError):
    """The graph could not be reached or refused a statement; never the caller's fault."""


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
    round_trips: RoundTrips = field(default_factory=RoundTrips)

    async def rows(self, tx: AsyncManagedTransaction, text: LiteralString, **params: Any) -> list[Row]:
        """Run one statement inside a managed transaction and consume its rows there."""
        self.round_trips.count += 1
        result = await tx.run(text, params)
        return await result.data()

    async def read(self, text: LiteralString, **params: Any) -> list[Row]:
        async def work(tx: AsyncManagedTransaction) -> list[Row]:
            return await self.rows(tx, text, **params)

        return await self.read_work(work)

    async def write(self, text: LiteralString, **params: Any) -> list[Row]:
        async def work(tx: AsyncManagedTransaction) -> list[Row]:
            return await self.rows(tx, text, **params)

        return await self.write_work(work)

    async def read_work(self, work: Work[T]) -> T:
        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_read(unit_of_work(timeout=self.timeout)(work))
        except (Neo4jError, DriverError, OSError) as error:
            raise GraphError(str(error)) from error

    async def write_work(self, work: Work[T]) -> T:
        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_write(unit_of_work(timeout=self.timeout)(work))
        except ConstraintError as error:
            raise UniquenessViolation(str(error)) from error
        except (Neo4jError, DriverError, OSError) as error:
            raise GraphError(str(error)) from error

    async def close(self) -> None:
        await self.driver.close()


def open_graph(
    *, uri: str, user: str, password: str, database: str, timeout: float = 15.0, retry_time: float = 10.0
) -> Graph:
    """Create the driver; nothing connects until the first statement.

    Transient failures (a busy page on ArcadeDB, a cluster leader switch) are retried for `retry_time` seconds.
    """
    driver = AsyncGraphDatabase.driver(
        uri,
        auth=(user, password),
        max_connection_pool_size=50,
        max_transaction_retry_time=retry_time,
        connection_acquisition_timeout=timeout,
    )
    return Graph(driver=driver, database=database, timeout=timeout)
