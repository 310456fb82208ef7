"""Credentials a mediator holds: scheme, level, number, issuer and validity."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row
from graph.core.records import GraphRecord
from graph.core.viewer import MEDIATOR_IN_FULL, Viewer


class CredentialRecord(GraphRecord):
    id: str
    scheme: str
    level: str | None = None
    number: str | None = None
    issuer: str | None = None
    issued_at: date | None = None
    expires_at: date | None = None
    verified: bool | None = None


async def credentials_of_mediators(
    graph: Graph, *, ids: Sequence[str], viewer: Viewer
) -> dict[str, list[CredentialRecord]]:
    """Scheme and level are public; the rest is shown where the viewer sees the mediator in full."""
    rows = await graph.read(
        "UNWIND $ids AS mediatorId"
        " MATCH (n:Mediator {id: mediatorId})-[:HOLDS]->(c:Credential)"
        " WITH mediatorId, c, " + MEDIATOR_IN_FULL + " AS full"
        " RETURN mediatorId, c {.id, .scheme, .level, number: CASE WHEN full THEN c.number END,"
        " issuer: CASE WHEN full THEN c.issuer END, issuedAt: CASE WHEN full THEN c.issuedAt END,"
        " expiresAt: CASE WHEN full THEN c.expiresAt END, verified: CASE WHEN full THEN c.verified END} AS credential"
        " ORDER BY c.scheme, c.id",
        ids=list(ids),
        **viewer.params(),
    )
    found: dict[str, list[CredentialRecord]] = {key: [] for key in ids}
    for row in rows:
        found[row["mediatorId"]].append(CredentialRecord.model_validate(row["credential"]))
    return found


async def merge_credentials(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert credentials keyed on their id, each held by `row.mediator`."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MATCH (m:Mediator {id: row.mediator})"
        " MERGE (c:Credential {id: row.id})"
        " SET c += row.props"
        " MERGE (m)-[:HOLDS]->(c)"
        " RETURN count(c) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0


async def create_credential(
    graph: Graph, tx: AsyncManagedTransaction, *, mediator: str, id: str, props: dict[str, Any]
) -> Row | None:
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $mediator}) CREATE (m)-[:HOLDS]->(c:Credential {id: $id}) SET c += $props,"
        " c.verified = false, c.createdAt = " + NOW + " RETURN c {.*} AS props",
        mediator=mediator,
        id=id,
        props=props,
        **stamp(),
    )
    return rows[0]["props"] if rows else None


async def credential_holder(graph: Graph, tx: AsyncManagedTransaction, *, id: str) -> Row | None:
    """The credential's properties and its holder's id."""
    rows = await graph.rows(
        tx, "MATCH (c:Credential {id: $id})<-[:HOLDS]-(m:Mediator) RETURN c {.*} AS props, m.id AS mediator", id=id
    )
    return rows[0] if rows else None


async def mark_verified(graph: Graph, tx: AsyncManagedTransaction, *, id: str, by: str) -> Row:
    rows = await graph.rows(
        tx,
        "MATCH (c:Credential {id: $id}) SET c.verified = true, c.verifiedBy = $by, c.verifiedAt = " + NOW +
        " RETURN c {.*} AS props",
        id=id,
        by=by,
        **stamp(),
    )
    written: dict[str, Any] = rows[0]["props"]
    return written
