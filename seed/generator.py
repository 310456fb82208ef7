"""Placeholder replaced by the national-scale generator."""

from __future__ import annotations

from graph.driver import Graph


async def generate(graph: Graph, *, scale: float, hash_key: bytes, progress: bool = False) -> dict[str, int]:
    raise NotImplementedError
