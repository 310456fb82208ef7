"""Audit events: an append-only hash chain per entity, written in the same transaction as the change.

Every change to an entity adds `(:AuditEvent)-[:ABOUT]->(entity)` with the next `seq` of that entity, the
`hash` of the previous event as `prevHash` (null for the first) and its own `hash` over every other field
of the event (`HASH_VERSION` 2; events written before it carry no `hashVersion` and the legacy form, see
`legacy_fields`). The chain's head, `(:AuditHead {entityId, entityKind, seq, hash, at})`, moves in the same
transaction, so that deleting the newest events of a chain leaves a head pointing past its end. This module
only creates and reads events: no statement here updates or deletes one (heads are updated, never events).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import groupby
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction
from pydantic import field_validator

from graph.audit.hashing import (
    HASH_VERSION,
    LEGACY_HASH_VERSION,
    canonical,
    chained_fields,
    event_hash,
    legacy_fields,
)
from graph.core import clock
from graph.core.driver import Graph
from graph.core.records import GraphRecord, in_utc
from graph.core.viewer import MEDIATOR_IN_FULL, ORGANIZATION_IN_FULL, Viewer

"""Schema for this module; idempotent, to be added to the migrations. The (entityId, seq) constraint also
refuses a second event with the same place in a chain when two writers race."""


class EntityKind(StrEnum):
    """The audited kinds of node, each found by its unique `id`."""

    ORGANIZATION = "Organization"
    MEDIATOR = "Mediator"
    CREDENTIAL = "Credential"
    TRAINING = "Training"
    JURISDICTION = "Jurisdiction"
    AGENCY = "Agency"
    MEMBERSHIP_REQUEST = "MembershipRequest"


@dataclass(frozen=True)
class Change:
    """One change to one entity: its properties before (None when created) and after (None when deleted)."""

    entity_id: str
    entity_kind: str
    operation: str
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True)
class Actor:
    """Who made the change: the agency and OAuth client (None for the CLI and seeding) and the request."""

    agency_id: str | None
    client_id: str | None
    request_id: str


class AuditEventRecord(GraphRecord):
    id: str
    at: datetime
    seq: int
    entity_id: str
    entity_kind: str
    operation: str
    actor_agency: str | None = None
    actor_client: str | None = None
    request_id: str
    before: str | None = None
    after: str | None = None
    prev_hash: str | None = None
    hash_version: int | None = None
    hash: str

    @field_validator("at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return in_utc(value)

    @property
    def form(self) -> int:
        """The hash form this event claims: `HASH_VERSION`, or 1 for an event stored without one."""
        return LEGACY_HASH_VERSION if self.hash_version is None else self.hash_version

    def stored_fields(self) -> dict[str, Any]:
        """Every field the event stores, `hash` included, under its graph name (a Merkle leaf hashes this)."""
        return {
            **chained_fields(
                event_id=self.id,
                entity_id=self.entity_id,
                entity_kind=self.entity_kind,
                seq=self.seq,
                at=self.at,
                actor_agency=self.actor_agency,
                actor_client=self.actor_client,
                operation=self.operation,
                before=self.before,
                after=self.after,
                request_id=self.request_id,
                prev_hash=self.prev_hash,
            ),
            "hashVersion": self.hash_version,
            "hash": self.hash,
        }

    def recomputed_hash(self) -> str | None:
        """The hash of the event's fields in the form it claims; None for a form this registry never wrote."""
        if self.form == HASH_VERSION:
            fields = self.stored_fields()
            del fields["hash"]
            return event_hash(fields)
        if self.form != LEGACY_HASH_VERSION:
            return None
        return event_hash(
            legacy_fields(
                entity_id=self.entity_id,
                seq=self.seq,
                at=self.at,
                actor_agency=self.actor_agency,
                actor_client=self.actor_client,
                operation=self.operation,
                before=self.before,
                after=self.after,
                request_id=self.request_id,
                prev_hash=self.prev_hash,
            )
        )


@dataclass(frozen=True, slots=True)
class AuditChain:
    """One entity's events, ordered by `seq`."""

    entity_id: str
    events: list[AuditEventRecord]


_EVENT: LiteralString = (
    "ev {.id, .at, .seq, .entityId, .entityKind, .operation, .actorAgency, .actorClient, .requestId,"
    " .before, .after, .prevHash, .hashVersion, .hash}"
)


async def chain_heads(
    graph: Graph, tx: AsyncManagedTransaction, *, entity_ids: Sequence[str]
) -> dict[str, tuple[int, str]]:
    """The head `(seq, hash)` of each entity that has events, in one statement (one unique-index lookup each).

    An entity whose events lost their head starts again at seq 1, which the (entityId, seq) constraint
    refuses: a chain whose head is gone takes no more events until an operator has looked at it."""
    rows = await graph.rows(
        tx,
        "UNWIND $entityIds AS entityId"
        " MATCH (head:AuditHead {entityId: entityId})"
        " RETURN entityId, head.seq AS seq, head.hash AS hash",
        entityIds=list(entity_ids),
    )
    return {row["entityId"]: (int(row["seq"]), str(row["hash"])) for row in rows}


_CREATE_HEADS: LiteralString = (
    "UNWIND $heads AS h"
    " CREATE (:AuditHead {entityId: h.entityId, entityKind: h.entityKind, seq: h.seq, hash: h.hash, at: $at})"
)

_MOVE_HEADS: LiteralString = (
    "UNWIND $heads AS h"
    " MATCH (head:AuditHead {entityId: h.entityId})"
    " SET head.seq = h.seq, head.hash = h.hash, head.at = $at"
)
"""Heads are created with a chain's first event and moved by later ones, never merged: two writers starting
the same chain both create its head and the unique constraint refuses one (as the (entityId, seq)
constraint refuses its event), and two moving one head conflict as writes of one record do."""


async def advance_heads(
    graph: Graph,
    tx: AsyncManagedTransaction,
    *,
    heads: Sequence[Mapping[str, Any]],
    at: datetime,
) -> None:
    """Move each chain's head to its newest event (`entityId`, `entityKind`, `seq`, `hash`, and `new` for a
    chain that had no head), creating the heads of new chains: at most two statements."""
    created = [{k: v for k, v in head.items() if k != "new"} for head in heads if head["new"]]
    moved = [{k: v for k, v in head.items() if k != "new"} for head in heads if not head["new"]]
    if created:
        await graph.rows(tx, _CREATE_HEADS, heads=created, at=at)
    if moved:
        await graph.rows(tx, _MOVE_HEADS, heads=moved, at=at)


def _create_about(label: LiteralString) -> LiteralString:
    return (
        "UNWIND $events AS e"
        " OPTIONAL MATCH (n:" + label + " {id: e.entityId})"
        " CREATE (ev:AuditEvent {id: e.id, at: $at, seq: e.seq, entityId: e.entityId, entityKind: e.entityKind,"
        " operation: e.operation, actorAgency: $actorAgency, actorClient: $actorClient, requestId: $requestId,"
        " before: e.before, after: e.after, prevHash: e.prevHash, hashVersion: e.hashVersion, hash: e.hash})"
        " FOREACH (entity IN CASE WHEN n IS NULL THEN [] ELSE [n] END | CREATE (ev)-[:ABOUT]->(entity))"
    )


_CREATE_ABOUT: dict[EntityKind, LiteralString] = {
    EntityKind.ORGANIZATION: _create_about("Organization"),
    EntityKind.MEDIATOR: _create_about("Mediator"),
    EntityKind.CREDENTIAL: _create_about("Credential"),
    EntityKind.TRAINING: _create_about("Training"),
    EntityKind.JURISDICTION: _create_about("Jurisdiction"),
    EntityKind.AGENCY: _create_about("Agency"),
    EntityKind.MEMBERSHIP_REQUEST: _create_about("MembershipRequest"),
}
"""One statement per kind, the label written out: an entity found through its label's `id` index. (A single
statement choosing the label per row with `CALL { ... UNION ... }` ran about twice as slowly on ArcadeDB.)"""


_SHARED = ("at", "actorAgency", "actorClient", "requestId")
"""Fields every event of one call has in common: sent once as parameters, not once per event."""


async def create_events(graph: Graph, tx: AsyncManagedTransaction, *, events: Sequence[Mapping[str, Any]]) -> None:
    """Create the events and link each to its entity, found by `id` under the label its kind names; an
    event whose entity is not found is created without the link. One statement per kind present; an
    entity's events keep their order, since all of them have its kind. All events share one moment and
    one actor (`_SHARED`)."""
    if not events:
        return
    shared = {name: events[0][name] for name in _SHARED}
    if any(event[name] != shared[name] for event in events for name in _SHARED):
        raise ValueError("the events of one call share their moment and actor")
    by_kind: dict[EntityKind, list[dict[str, Any]]] = {}
    for event in events:
        own = {name: value for name, value in event.items() if name not in _SHARED}
        by_kind.setdefault(EntityKind(event["entityKind"]), []).append(own)
    for kind, group in by_kind.items():
        await graph.rows(tx, _CREATE_ABOUT[kind], events=group, **shared)


async def record_changes(
    graph: Graph,
    tx: AsyncManagedTransaction,
    *,
    changes: Sequence[Change],
    actor: Actor,
    at: datetime | None = None,
    fresh: frozenset[str] = frozenset(),
) -> None:
    """Append one event per change, in order, inside the caller's transaction: one statement reads the chain
    heads, one per kind of entity creates the events, and one moves the heads. `fresh` names entities
    created in this transaction, whose chains start here unread (were one not new after all, the
    (entityId, seq) constraint refuses the commit)."""
    if not changes:
        return
    kinds = [EntityKind(change.entity_kind) for change in changes]  # an unknown kind raises before any write
    moment = in_utc(at or clock.now())
    chained = sorted({change.entity_id for change in changes} - fresh)
    heads = await chain_heads(graph, tx, entity_ids=chained) if chained else {}
    events: list[dict[str, Any]] = []
    moved: dict[str, dict[str, Any]] = {}
    headless = {change.entity_id for change in changes} - heads.keys()
    for change, kind in zip(changes, kinds, strict=True):
        seq, prev_hash = heads.get(change.entity_id, (0, None))
        fields = chained_fields(
            event_id=str(uuid.uuid4()),
            entity_id=change.entity_id,
            entity_kind=kind.value,
            seq=seq + 1,
            at=moment,
            actor_agency=actor.agency_id,
            actor_client=actor.client_id,
            operation=change.operation,
            before=None if change.before is None else canonical(change.before),
            after=None if change.after is None else canonical(change.after),
            request_id=actor.request_id,
            prev_hash=prev_hash,
        )
        digest = event_hash(fields)
        events.append({**fields, "hash": digest})
        heads[change.entity_id] = (seq + 1, digest)
        moved[change.entity_id] = {
            "entityId": change.entity_id, "entityKind": kind.value, "seq": seq + 1, "hash": digest,
            "new": change.entity_id in headless,
        }
    await create_events(graph, tx, events=events)
    await advance_heads(graph, tx, heads=list(moved.values()), at=moment)


_IN_REACH: LiteralString = (
    "$vNational OR (n:Organization AND " + ORGANIZATION_IN_FULL + ") OR (n:Mediator AND " + MEDIATOR_IN_FULL + ")"
)
"""Whether `n` (the audited entity, or a mediator holding the audited credential or training) is in reach."""


async def audit_trail(
    graph: Graph,
    *,
    entity_id: str,
    viewer: Viewer,
    limit: int,
    withheld: Sequence[str] = (),
    agency: str | None = None,
    sees_withheld: bool = False,
) -> list[AuditEventRecord]:
    """The entity's first `limit` events by `seq`, or none when the entity is outside the viewer's reach.

    Organizations and mediators are in reach as the viewer's roster is; a credential or a training through
    a mediator holding or completing it; jurisdictions, agencies and entities no longer in the graph only
    for a national viewer. `viewer.roster` must be true for anything to be in reach. Events whose operation
    is in `withheld` are returned only to a national viewer, to `sees_withheld`, or to the `agency` that
    acted in them; the others keep their `seq`, so a trail may skip numbers.
    """
    rows = await graph.read(
        "OPTIONAL MATCH (:AuditEvent {entityId: $entityId})-[:ABOUT]->(entity)"
        " WITH DISTINCT entity"
        " OPTIONAL MATCH (entity)<-[:HOLDS|COMPLETED*0..1]-(n)"
        " WITH n WHERE " + _IN_REACH +
        " WITH n LIMIT 1"
        " MATCH (ev:AuditEvent {entityId: $entityId})"
        " WHERE NOT ev.operation IN $withheld OR $vNational OR $seesWithheld OR ev.actorAgency = $agency"
        " RETURN " + _EVENT + " AS event ORDER BY ev.seq LIMIT $limit",
        entityId=entity_id,
        limit=limit,
        withheld=list(withheld),
        agency=agency,
        seesWithheld=sees_withheld,
        **viewer.params(),
    )
    return [AuditEventRecord.model_validate(row["event"]) for row in rows]


async def count_events(graph: Graph) -> int:
    rows = await graph.read("MATCH (ev:AuditEvent) RETURN count(ev) AS events")
    return int(rows[0]["events"])


class AuditHeadRecord(GraphRecord):
    entity_id: str
    seq: int
    hash: str


async def heads(graph: Graph, *, start: str, stop: str) -> dict[str, AuditHeadRecord]:
    """The chain heads of the entities whose id is in [start, stop), by entity id (an index range scan)."""
    rows = await graph.read(
        "MATCH (head:AuditHead) WHERE head.entityId >= $start AND head.entityId < $stop"
        " RETURN head {.entityId, .seq, .hash} AS head",
        start=start,
        stop=stop,
    )
    records = (AuditHeadRecord.model_validate(row["head"]) for row in rows)
    return {record.entity_id: record for record in records}


async def chains(graph: Graph, *, start: str, stop: str) -> list[AuditChain]:
    """The chains of the entities whose id is in [start, stop), ordered by entity id, each by `seq`.

    A verifier walks adjacent ranges, so it holds one range at a time; each is an index range scan.
    """
    rows = await graph.read(
        "MATCH (ev:AuditEvent) WHERE ev.entityId >= $start AND ev.entityId < $stop"
        " RETURN " + _EVENT + " AS event ORDER BY ev.entityId, ev.seq, ev.id",
        start=start,
        stop=stop,
    )
    events = [AuditEventRecord.model_validate(row["event"]) for row in rows]
    return [
        AuditChain(entity_id=entity_id, events=list(group))
        for entity_id, group in groupby(events, key=lambda event: event.entity_id)
    ]
