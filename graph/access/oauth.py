"""OAuth clients acting for agencies, and the deny-list of revoked access-token ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import LiteralString

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph
from graph.core.records import GraphRecord
from graph.core.vocabulary import AgencyKind

"""Schema for this module; idempotent, to be added to the migrations."""


class ClientStatus(StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class ClientRecord(GraphRecord):
    """A client as listed to administrators: never its secret hash."""

    client_id: str
    agency_id: str
    agency_kind: AgencyKind
    jurisdiction: str | None = None
    scopes: list[str]
    status: ClientStatus
    created_at: datetime
    has_key: bool = False


class ClientCredentials(ClientRecord):
    """A client with what authenticates it; read only by the authorization server."""

    secret_hash: str
    jwks: str | None = None


_CLIENT: LiteralString = (
    "c {.clientId, .scopes, .status, .createdAt, hasKey: c.jwks IS NOT NULL, agencyId: a.id, agencyKind: a.kind,"
    " jurisdiction: CASE a.kind"
    " WHEN 'JUDICIAL_BUREAU' THEN [(a)-[:GOVERNS]->(j:Jurisdiction) | j.code][0]"
    " WHEN 'COURT' THEN [(a)-[:HAS_JURISDICTION]->(j:Jurisdiction) | j.code][0]"
    " ELSE null END"
)


async def insert_client(
    graph: Graph, *, client_id: str, secret_hash: str, scopes: Sequence[str], agency_id: str
) -> ClientRecord | None:
    """Create an active client for the agency; None when there is no such agency."""
    rows = await graph.write(
        "MATCH (a:Agency {id: $agencyId})"
        " CREATE (c:OAuthClient {clientId: $clientId, secretHash: $secretHash, scopes: $scopes,"
        " status: 'ACTIVE', createdAt: " + NOW + "})-[:ACTS_FOR]->(a)"
        " RETURN " + _CLIENT + "} AS client",
        agencyId=agency_id,
        clientId=client_id,
        secretHash=secret_hash,
        scopes=list(scopes),
        **stamp(),
    )
    return ClientRecord.model_validate(rows[0]["client"]) if rows else None


async def client_credentials(graph: Graph, *, client_ids: Sequence[str]) -> dict[str, ClientCredentials]:
    """The named clients with their secret hash and registered keys, in one read."""
    rows = await graph.read(
        "UNWIND $clientIds AS clientId"
        " MATCH (c:OAuthClient {clientId: clientId})-[:ACTS_FOR]->(a:Agency)"
        " RETURN " + _CLIENT + ", .secretHash, .jwks} AS client",
        clientIds=list(client_ids),
    )
    clients = [ClientCredentials.model_validate(row["client"]) for row in rows]
    return {client.client_id: client for client in clients}


async def find_clients(graph: Graph, *, agency_id: str | None = None, limit: int = 500) -> list[ClientRecord]:
    rows = await graph.read(
        "MATCH (c:OAuthClient)-[:ACTS_FOR]->(a:Agency)"
        " WHERE $agencyId IS NULL OR a.id = $agencyId"
        " RETURN " + _CLIENT + "} AS client ORDER BY c.createdAt, c.clientId LIMIT $limit",
        agencyId=agency_id,
        limit=limit,
    )
    return [ClientRecord.model_validate(row["client"]) for row in rows]


async def set_secret_hash(graph: Graph, *, client_id: str, secret_hash: str) -> bool:
    rows = await graph.write(
        "MATCH (c:OAuthClient {clientId: $clientId})"
        " SET c.secretHash = $secretHash, c.secretRotatedAt = " + NOW +
        " RETURN c.clientId AS clientId",
        clientId=client_id,
        secretHash=secret_hash,
        **stamp(),
    )
    return bool(rows)


async def set_client_status(graph: Graph, *, client_id: str, status: ClientStatus) -> bool:
    rows = await graph.write(
        "MATCH (c:OAuthClient {clientId: $clientId})"
        " SET c.status = $status, c.statusChangedAt = " + NOW +
        " RETURN c.clientId AS clientId",
        clientId=client_id,
        status=status.value,
        **stamp(),
    )
    return bool(rows)


async def set_client_jwks(graph: Graph, *, client_id: str, jwks: str) -> bool:
    """Store the client's public JWKS (a JSON string) for private_key_jwt."""
    rows = await graph.write(
        "MATCH (c:OAuthClient {clientId: $clientId})"
        " SET c.jwks = $jwks, c.keysChangedAt = " + NOW +
        " RETURN c.clientId AS clientId",
        clientId=client_id,
        jwks=jwks,
        **stamp(),
    )
    return bool(rows)


async def revoke_token_id(graph: Graph, jti: str, expires_at: datetime) -> None:
    """Deny the token id until it expires anyway; revoking twice changes nothing."""
    await graph.write(
        "MERGE (r:RevokedToken {jti: $jti})"
        " ON CREATE SET r.expiresAt = $expiresAt, r.revokedAt = " + NOW +
        " RETURN r.jti AS jti",
        jti=jti,
        expiresAt=expires_at,
        **stamp(),
    )


async def is_revoked(graph: Graph, jti: str) -> bool:
    rows = await graph.read("OPTIONAL MATCH (r:RevokedToken {jti: $jti}) RETURN r IS NOT NULL AS revoked", jti=jti)
    return bool(rows and rows[0]["revoked"])


async def token_refusal(graph: Graph, *, jti: str, client_id: str) -> str | None:
    """Why a token must be refused although it verifies: its id is revoked or its client is disabled.

    A client id unknown here (a token of the external issuer) is not a reason; one read.
    """
    rows = await graph.read(
        "OPTIONAL MATCH (r:RevokedToken {jti: $jti})"
        " OPTIONAL MATCH (c:OAuthClient {clientId: $clientId})"
        " RETURN r IS NOT NULL AS revoked, c.status AS status",
        jti=jti,
        clientId=client_id,
    )
    if not rows:
        return None
    if rows[0]["revoked"]:
        return "token revoked"
    status = rows[0]["status"]
    if status is not None and status != ClientStatus.ACTIVE:
        return "client disabled"
    return None


async def denials(graph: Graph, *, now: datetime) -> tuple[set[str], set[str]]:
    """Every revoked token id that has not expired yet, and every client that is not active; one read."""
    rows = await graph.read(
        "CALL () { MATCH (r:RevokedToken) WHERE r.expiresAt >= $now RETURN collect(r.jti) AS tokens }"
        " CALL () { MATCH (c:OAuthClient) WHERE c.status <> $active RETURN collect(c.clientId) AS clients }"
        " RETURN tokens, clients",
        now=now,
        active=ClientStatus.ACTIVE.value,
    )
    return {str(jti) for jti in rows[0]["tokens"]}, {str(client) for client in rows[0]["clients"]}


async def purge_revoked_tokens(graph: Graph, *, now: datetime) -> int:
    """Forget revoked ids of tokens that have expired anyway."""
    rows = await graph.write(
        "MATCH (r:RevokedToken) WHERE r.expiresAt < $now DETACH DELETE r RETURN count(*) AS purged", now=now
    )
    return int(rows[0]["purged"]) if rows else 0
