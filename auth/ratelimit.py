"""An in-process token bucket per key (a client id); each worker process keeps its own buckets."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("registry.auth")


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(
        self,
        rate_per_second: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be positive and burst at least 1")
        self.rate = rate_per_second
        self.burst = burst
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """Take one token for `key`: None when allowed, else the seconds to wait before the next try."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                self._make_room(now)
                bucket = self._buckets[key] = _Bucket(tokens=float(self.burst), updated=now)
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return (1 - bucket.tokens) / self.rate

    def _make_room(self, now: float) -> None:
        """Forget buckets that have refilled (they behave exactly like new ones), when there are too many."""
        if len(self._buckets) < self.max_keys:
            return
        full = [key for key, bucket in self._buckets.items() if bucket.tokens + (now - bucket.updated) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]


def retry_after(wait: float) -> dict[str, str]:
    """The headers of a 429 answer: whole seconds, rounded up."""
    return {"Retry-After": str(max(1, math.ceil(wait))), "Cache-Control": "no-store"}


def rate_limited(key: str, wait: float) -> None:
    """The log line of a request refused for its rate: whose bucket (a client id, or `address:` and the remote
    address) and how long it must wait."""
    log.warning("rate limit hit", extra={"key": key, "retry_after": round(wait, 1)})
