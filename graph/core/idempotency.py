"""Idempotency keys: the same key and the same input return the first result and write nothing new."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row


async def earlier_result(graph: Graph, tx: AsyncManagedTransaction, *, scoped_key: str) -> Row | None:
    """What the key was first used for: `{operation, inputHash, entityId}`."""
    rows = await graph.rows(
        tx,
        "MATCH (k:IdempotencyKey {scopedKey: $key}) RETURN k.operation AS operation, k.inputHash AS inputHash,"
        " k.entityId AS entityId",
        key=scoped_key,
    )
    return rows[0] if rows else None


async def remember_result(
    graph: Graph, tx: AsyncManagedTransaction, *, scoped_key: str, operation: str, input_hash: str, entity_id: str
) -> None:
    await graph.rows(
        tx,
        "CREATE (:IdempotencyKey {scopedKey: $key, operation: $operation, inputHash: $inputHash,"
        " entityId: $entityId, at: " + NOW + "})",
        key=scoped_key,
        operation=operation,
        inputHash=input_hash,
        entityId=entity_id,
        **stamp(),
    )
