"""Whether the graph answers: up, down (unreachable) or restarting (the embedded server is being started again).

Every statement checks it first, so while the graph is away a request fails at once instead of waiting out the
driver's retries; a statement already running when the graph goes away is abandoned as soon as it is marked down.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from graph.core import clock

T = TypeVar("T")
RETRY_AFTER_SECONDS = 5


class GraphState(enum.StrEnum):
    UP = "up"
    DOWN = "down"
    RESTARTING = "restarting"


@dataclass(slots=True)
class GraphHealth:
    state: GraphState = GraphState.UP
    since: datetime = field(default_factory=clock.now)
    last_error: str | None = None
    restarts: int = 0
    _down: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def up(self) -> bool:
        return self.state is GraphState.UP

    def mark_down(self, error: str, *, state: GraphState = GraphState.DOWN) -> None:
        if self.state is not state:
            self.state, self.since = state, clock.now()
        self.last_error = error
        self._down.set()

    def mark_up(self) -> None:
        if self.state is not GraphState.UP:
            self.state, self.since = GraphState.UP, clock.now()
        self._down.clear()

    def reason(self) -> str:
        since = self.since.isoformat(timespec="seconds")
        return f"the graph is {self.state.value} since {since}: {self.last_error or 'no answer'}"

    def describe(self) -> dict[str, Any]:
        return {
            "state": self.state.value,
            "since": self.since.isoformat(timespec="seconds"),
            "lastError": self.last_error,
            "restarts": self.restarts,
        }

    async def race(self, work: Callable[[], Coroutine[Any, Any, T]], unavailable: type[Exception]) -> T:
        """Run `work`, or give up with `unavailable` as soon as the graph is marked down (or at once if it is)."""
        if not self.up:
            raise unavailable(self.reason())
        task = asyncio.ensure_future(work())
        watch = asyncio.ensure_future(self._down.wait())
        try:
            await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            watch.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if task.cancelled():
            raise unavailable(self.reason())
        return task.result()
