"""The same Cypher without the API: capture the statements each golden operation sends (by wrapping the
registry's Graph in this process, around the very app the server runs) and replay them through the neo4j
driver, one managed transaction per captured transaction, as the app does."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from neo4j import AsyncGraphDatabase

from bench.load import Sample, failure
from bench.registry import Bolt, in_process_app


@dataclass(slots=True)
class Transaction:
    write: bool
    statements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass(slots=True)
class Capture:
    transactions: list[Transaction] = field(default_factory=list)

    @property
    def round_trips(self) -> int:
        return sum(len(tx.statements) for tx in self.transactions)


@contextlib.contextmanager
def recording(graph: Any, capture: Capture) -> Any:
    """Record every statement and its transaction; writes run in an explicit transaction that is rolled back,
    so a captured mutation can be replayed later with its own (still unused) identifiers."""
    cls = type(graph)
    rows, read_work, write_work = cls.rows, cls.read_work, cls.write_work

    async def recorded_rows(self: Any, tx: Any, text: str, **params: Any) -> Any:
        capture.transactions[-1].statements.append((text, dict(params)))
        return await rows(self, tx, text, **params)

    async def recorded_read(self: Any, work: Any) -> Any:
        capture.transactions.append(Transaction(write=False))
        return await read_work(self, work)

    async def rolled_back_write(self: Any, work: Any) -> Any:
        capture.transactions.append(Transaction(write=True))
        async with self.driver.session(database=self.database) as session:
            tx = await session.begin_transaction()
            try:
                return await work(tx)
            finally:
                await tx.rollback()

    cls.rows, cls.read_work, cls.write_work = recorded_rows, recorded_read, rolled_back_write
    try:
        yield
    finally:
        cls.rows, cls.read_work, cls.write_work = rows, read_work, write_work


@contextlib.asynccontextmanager
async def capturing_client(bolt: Bolt, env: dict[str, str]) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    app, graph = in_process_app(bolt, env)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
            yield client, graph
    finally:
        await graph.close()


async def capture(client: httpx.AsyncClient, graph: Any, body: dict[str, Any], headers: dict[str, str]) -> Capture:
    captured = Capture()
    with recording(graph, captured):
        answer = await client.post("/graphql", json=body, headers=headers)
    if (why := failure(answer)) is not None:
        raise RuntimeError(f"capturing failed: {why}")
    return captured


async def replay(bolt: Bolt, captures: list[Capture]) -> Sample:
    """Each capture once, in order, sequentially: its transactions as managed transactions."""
    sample = Sample()
    async with AsyncGraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:

        async def run_all(tx: Any, statements: list[tuple[str, dict[str, Any]]]) -> None:
            for text, params in statements:
                result = await tx.run(text, params)
                await result.data()

        async def once(captured: Capture) -> None:
            for transaction in captured.transactions:
                async with driver.session(database=bolt.database) as session:
                    run = session.execute_write if transaction.write else session.execute_read
                    await run(run_all, transaction.statements)

        await once(captures[0]) if not any(tx.write for tx in captures[0].transactions) else None  # warm-up
        started = time.perf_counter()
        for captured in captures:
            begun = time.perf_counter()
            await once(captured)
            sample.latencies_ms.append((time.perf_counter() - begun) * 1000)
        sample.wall_s = time.perf_counter() - started
    return sample
