"""Which tokens are refused although they verify: revoked token ids and disabled clients, kept in memory.

Revocations are rare, and every authenticated request asked the graph about its token. A `DenyList` reads the
graph's unexpired revocations and disabled clients at most once per `refresh` seconds (one small read for the
whole process) and answers from memory in between. A revocation or a disabling made through this process is
applied here at once; one made through another replica (or the CLI) is seen within `refresh` seconds. With
`refresh` 0, every request reads the graph as before.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from graph.access.oauth import denials, token_refusal
from graph.core import clock
from graph.core.driver import Graph

TOKEN_REVOKED = "token revoked"
CLIENT_DISABLED = "client disabled"


class DenyList:
    def __init__(self, graph: Graph, *, refresh: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.graph = graph
        self.refresh = refresh
        self.monotonic = monotonic
        self.token_ids: set[str] = set()
        self.here: set[str] = set()  # revoked through this process: kept across syncs that started before the write
        self.clients: set[str] = set()
        self.synced_at: float | None = None
        self._sync = asyncio.Lock()

    async def refusal(self, *, jti: str, client_id: str) -> str | None:
        """Why the token must be refused, or None."""
        if self.refresh <= 0:
            return await token_refusal(self.graph, jti=jti, client_id=client_id)
        await self._fresh()
        if jti in self.token_ids or jti in self.here:
            return TOKEN_REVOKED
        if client_id in self.clients:
            return CLIENT_DISABLED
        return None

    def revoked(self, jti: str) -> None:
        """This process revoked the token: refuse it from now on."""
        self.here.add(jti)

    async def _fresh(self) -> None:
        if self.synced_at is not None and self.monotonic() - self.synced_at < self.refresh:
            return
        async with self._sync:
            if self.synced_at is not None and self.monotonic() - self.synced_at < self.refresh:
                return  # another request synced while this one waited
            started = self.monotonic()
            token_ids, clients = await denials(self.graph, now=clock.now())
            self.token_ids, self.clients, self.synced_at = token_ids, clients, started
