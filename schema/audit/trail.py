"""Audit trails in GraphQL: the hash-chained events of one registry object."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from resolvers.audit.trail import AuditEventRecord, EntityKind, trail
from resolvers.directory.agency import AgencyKind
from schema.core.context import Info

AuditedKind = EntityKind
strawberry.enum(AuditedKind, name="AuditedKind", description="The kind of registry object an audit event is about.")

TRAIL_DESCRIPTION = (
    "The audit trail of one registry object, oldest first (at most 1,000 events): empty when the object is"
    " outside the caller's reach (a judicial bureau's or court's jurisdiction subtree, what is affiliated"
    " with a partner agency, everything for the platform administrator)."
)
"""For the root field: `protected(Scope.AUDIT_READ, TRAIL_DESCRIPTION)(audit_trail)`."""


@strawberry.type(
    description="One change to a registry object. Events of an object form a hash chain: `seq` runs 1, 2, 3,"
    " ...; `prevHash` is the previous event's `hash`; `hash` is the SHA-256 of the canonical JSON of every other"
    " field as stored: {id, entityId, entityKind, seq, at, actorAgency, actorClient, operation, before, after,"
    " requestId, prevHash, hashVersion} (entityKind in its stored form, e.g. \"Organization\"; hashVersion 2;"
    " an event with hashVersion null was hashed without id, entityKind and hashVersion). Personal data in"
    " before and after is redacted here, so such an event's hash cannot be recomputed from this type."
)
class AuditEvent:
    id: strawberry.ID = strawberry.field(description="The registry id of the event.")
    at: datetime.datetime = strawberry.field(description="When the change was committed (UTC).")
    seq: int = strawberry.field(description="The event's place in its object's chain, from 1.")
    entity_id: strawberry.ID = strawberry.field(description="The registry id of the object that changed.")
    entity_kind: AuditedKind = strawberry.field(description="The kind of the object that changed.")
    operation: str = strawberry.field(
        description="What was done: the operation's name, e.g. fileOrganization or amendMediator."
    )
    actor_agency: strawberry.ID | None = strawberry.field(
        description="The registry id of the agency that made the change; null for the registry itself."
    )
    actor_client: str | None = strawberry.field(
        description="The OAuth client that made the change; null for the registry's own tools."
    )
    request_id: str = strawberry.field(description="The id of the request that made the change.")
    before: str | None = strawberry.field(
        description="The object's properties before the change as canonical JSON (hashed as is); null when created."
    )
    after: str | None = strawberry.field(
        description="The object's properties after the change as canonical JSON (hashed as is); null when deleted."
    )
    prev_hash: str | None = strawberry.field(description="The previous event's hash; null for the first event.")
    hash_version: int | None = strawberry.field(
        description="The form of the hash: 2 covers every field; null for an event written before it (form 1)."
    )
    hash: str = strawberry.field(description="SHA-256 (hex) of this event's chained fields.")

    @classmethod
    def from_record(cls, record: AuditEventRecord) -> AuditEvent:
        return cls(
            id=strawberry.ID(record.id),
            at=record.at,
            seq=record.seq,
            entity_id=strawberry.ID(record.entity_id),
            entity_kind=EntityKind(record.entity_kind),
            operation=record.operation,
            actor_agency=strawberry.ID(record.actor_agency) if record.actor_agency else None,
            actor_client=record.actor_client,
            request_id=record.request_id,
            before=record.before,
            after=record.after,
            prev_hash=record.prev_hash,
            hash_version=record.hash_version,
            hash=record.hash,
        )


ENTITY_ID = Annotated[strawberry.ID, strawberry.argument(description="The registry id of the object.")]


async def audit_trail(info: Info, entity_id: ENTITY_ID) -> list[AuditEvent]:
    """The resolver of `Query.auditTrail`; the caller's agency policy runs inside the read."""
    principal = info.context.principal
    records = await trail(
        info.context.graph, entity_id=str(entity_id), viewer=info.context.viewer,
        agency=principal.agency_id if principal else None,
        bureau=principal is not None and principal.agency_kind is AgencyKind.JUDICIAL_BUREAU,
    )
    return [AuditEvent.from_record(record) for record in records]
