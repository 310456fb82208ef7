"""Loaded by the suite's CLI subprocesses (tests/cypher_lint.py puts this folder on PYTHONPATH): each statement
that goes through `Graph.rows` is appended, with its parameter names and map keys, to REGISTRY_CYPHER_RECORD."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any, LiteralString

if TYPE_CHECKING:
    from neo4j import AsyncManagedTransaction

    from graph.core.driver import Row

RECORD = os.environ.get("REGISTRY_CYPHER_RECORD")


def _keys(value: Any, into: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            into.add(str(key))
            _keys(inner, into)
    elif isinstance(value, list | tuple):
        for inner in value:
            _keys(inner, into)
    return into


def _install(record: str) -> None:
    try:
        from graph.core.driver import Graph
    except ImportError:  # a Python subprocess that is not the registry
        return
    original = Graph.rows

    async def rows(graph: Graph, tx: AsyncManagedTransaction, text: LiteralString, **params: Any) -> list[Row]:
        line = {"text": text, "parameters": sorted(params), "keys": sorted(_keys(params, set()))}
        with open(record, "a", encoding="utf-8") as out:  # noqa: ASYNC230 (a line per statement, in order: no thread)
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
        return await original(graph, tx, text, **params)

    Graph.rows = rows  # type: ignore[method-assign, assignment]


if RECORD:
    _install(RECORD)
