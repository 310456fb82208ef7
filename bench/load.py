"""A bounded HTTP load loop over loopback: `concurrency` workers share `requests` POSTs of a GraphQL body."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

Body = Callable[[], dict[str, Any]]
BUDGET_S = 120.0  # at most this long per cell of the table


@dataclass(slots=True)
class Sample:
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    errors: int = 0
    first_error: str | None = None

    def merge(self, other: Sample) -> Sample:
        return Sample(self.latencies_ms + other.latencies_ms, self.wall_s + other.wall_s,
                      self.errors + other.errors, self.first_error or other.first_error)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(0.99)

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.wall_s if self.wall_s else float("nan")


def failure(answer: httpx.Response) -> str | None:
    """Why an answer is not a clean GraphQL result (HTTP status, `errors`, or a Problem payload), else None."""
    if answer.status_code != 200:
        return f"HTTP {answer.status_code}: {answer.text[:300]}"
    body = answer.json()
    if body.get("errors"):
        return str(body["errors"])[:300]
    data = body.get("data") or {}
    for value in data.values():
        if isinstance(value, dict) and str(value.get("__typename", "")).endswith("Problem"):
            return str(value)[:300]
    return None


async def drive(url: str, body: Body, *, headers: dict[str, str], requests: int, concurrency: int,
                warmup: int = 3, budget_s: float = BUDGET_S) -> Sample:
    """`requests` POSTs by `concurrency` workers, or as many as `budget_s` seconds allow (a worker starts no
    request after it): a server taking seconds a request still ends its cell in bounded time, with fewer
    samples (the table gives their count)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, timeout=120, limits=limits) as client:
        for _ in range(warmup):
            await client.post(url, json=body())
        sample = Sample()
        remaining = iter(range(requests))

        async def worker() -> None:
            for _ in remaining:
                if time.perf_counter() - began > budget_s:
                    return
                payload = body()
                started = time.perf_counter()
                answer = await client.post(url, json=payload)
                sample.latencies_ms.append((time.perf_counter() - started) * 1000)
                if (why := failure(answer)) is not None:
                    sample.errors += 1
                    sample.first_error = sample.first_error or why

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        sample.wall_s = time.perf_counter() - began
    return sample
