"""Keeps the graph's health current for the life of the app: restarts a dead embedded server with backoff, and
probes the graph (embedded or Neo4j) so that an outage is noticed without waiting for a request and the end of
one is noticed at once."""

from __future__ import annotations

import asyncio
import logging
import time

from neo4j.exceptions import DriverError, Neo4jError

from graph.core.connection import EmbeddedProcess
from graph.core.driver import Graph
from graph.core.embedded import EmbeddedServerError
from graph.core.health import GraphState

log = logging.getLogger("registry.graph")


class Supervisor:
    def __init__(
        self,
        graph: Graph,
        *,
        embedded: EmbeddedProcess | None = None,
        tick: float = 0.25,
        probe_interval: float = 2.0,
        probe_timeout: float = 5.0,
        first_backoff: float = 0.5,
        max_backoff: float = 30.0,
    ) -> None:
        self.graph = graph
        self.embedded = embedded
        self.tick = tick
        self.probe_interval = probe_interval
        self.probe_timeout = probe_timeout
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff
        self.task: asyncio.Task[None] | None = None

    @property
    def alive(self) -> bool:
        """False once the supervising task has stopped (it never stops on its own unless it crashed)."""
        return self.task is not None and not self.task.done()

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="graph-supervisor")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)

    async def run(self) -> None:
        health = self.graph.health
        next_probe = 0.0
        while True:
            await asyncio.sleep(self.tick)
            if self.embedded is not None and (code := self.embedded.exit_code()) is not None:
                await self.restart(f"the embedded graph exited with code {code}")
                next_probe = 0.0
                continue
            now = time.monotonic()
            if now >= next_probe:
                await self.probe()
                next_probe = now + (self.probe_interval if health.up else self.tick * 4)

    async def probe(self) -> None:
        health = self.graph.health
        try:
            async with asyncio.timeout(self.probe_timeout):
                await self.graph.probe()
        except (Neo4jError, DriverError, OSError, TimeoutError) as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            if health.up:
                log.warning("the graph stopped answering", extra={"state": GraphState.DOWN.value, "error": reason})
            health.mark_down(reason)
            return
        if not health.up:
            log.warning("the graph answers again", extra={"state": GraphState.UP.value})
            health.mark_up()

    async def restart(self, reason: str) -> None:
        """Start the embedded server again until it answers, waiting 0.5, 1, 2, ... 30 s between failed attempts."""
        assert self.embedded is not None
        health = self.graph.health
        health.mark_down(reason, state=GraphState.RESTARTING)
        log.error("restarting the embedded graph", extra={"state": GraphState.RESTARTING.value, "error": reason})
        delay = self.first_backoff
        while True:
            old = self.embedded.server
            try:
                # the server is started from a worker thread of the loop's executor, which lives as long as the loop
                server = await asyncio.to_thread(self.embedded.restart)
            except EmbeddedServerError as error:
                health.mark_down(f"{reason}; restart failed: {error}", state=GraphState.RESTARTING)
                log.error("restarting the embedded graph failed", extra={"error": str(error), "retry_in": delay})
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                continue
            break
        health.restarts += 1
        if server.uri != old.uri:
            await self.graph.reopen(uri=server.uri, user=server.user, password=server.password)
        log.warning("the embedded graph was restarted", extra={"uri": server.uri, "restarts": health.restarts})
        await self.probe()
