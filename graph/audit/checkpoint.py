"""Signed checkpoints of the audit trail: each one a Merkle tree head over every event, signed by the registry.

A checkpoint is only created, never changed: `(:AuditCheckpoint {seq, takenAt, cutoff, treeSize, rootHash,
kid, publicKey, jws})`, `seq` running 1, 2, 3, ... (the unique constraint refuses a second with the same
number when two are taken at once). The `jws` is what counts; the other properties repeat its claims so
that they can be listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import LiteralString

from neo4j import AsyncManagedTransaction
from pydantic import field_validator

from graph.core.driver import Graph
from graph.core.records import GraphRecord, in_utc


class CheckpointRecord(GraphRecord):
    seq: int
    taken_at: datetime
    cutoff: datetime
    tree_size: int
    root_hash: str
    kid: str
    public_key: str
    """The signer's public JWK as JSON, kept for when the key is no longer in the JWKS."""
    jws: str

    @field_validator("taken_at", "cutoff")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return in_utc(value)


_CHECKPOINT: LiteralString = "c {.seq, .takenAt, .cutoff, .treeSize, .rootHash, .kid, .publicKey, .jws}"


async def latest_checkpoint(graph: Graph) -> CheckpointRecord | None:
    rows = await graph.read("MATCH (c:AuditCheckpoint) RETURN " + _CHECKPOINT + " AS checkpoint ORDER BY c.seq DESC LIMIT 1")
    return CheckpointRecord.model_validate(rows[0]["checkpoint"]) if rows else None


async def checkpoint(graph: Graph, *, seq: int) -> CheckpointRecord | None:
    rows = await graph.read("MATCH (c:AuditCheckpoint {seq: $seq}) RETURN " + _CHECKPOINT + " AS checkpoint", seq=seq)
    return CheckpointRecord.model_validate(rows[0]["checkpoint"]) if rows else None


async def next_checkpoint_seq(graph: Graph, tx: AsyncManagedTransaction) -> int:
    rows = await graph.rows(tx, "MATCH (c:AuditCheckpoint) RETURN max(c.seq) AS seq")
    last = rows[0]["seq"] if rows else None
    return 1 if last is None else int(last) + 1


async def create_checkpoint(graph: Graph, tx: AsyncManagedTransaction, *, record: CheckpointRecord) -> None:
    await graph.rows(
        tx,
        "CREATE (:AuditCheckpoint {seq: $seq, takenAt: $takenAt, cutoff: $cutoff, treeSize: $treeSize,"
        " rootHash: $rootHash, kid: $kid, publicKey: $publicKey, jws: $jws})",
        seq=record.seq,
        takenAt=record.taken_at,
        cutoff=record.cutoff,
        treeSize=record.tree_size,
        rootHash=record.root_hash,
        kid=record.kid,
        publicKey=record.public_key,
        jws=record.jws,
    )
