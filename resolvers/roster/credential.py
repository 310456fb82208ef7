"""Credentials: a bureau records what a mediator holds and verifies it."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Tx
from graph.core.records import native
from graph.roster.credential import create_credential, credential_holder, mark_verified
from resolvers.core.outcomes import FieldProblem, conflict, invalid, not_found
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.directory.mediator import writable_mediator
from resolvers.directory.organization import Saved


class CredentialInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    scheme: str = Field(min_length=2, max_length=60, pattern=r"^[A-Z][A-Z0-9_]*$")
    level: str | None = Field(default=None, max_length=20)
    number: str | None = Field(default=None, max_length=60)
    issuer: str | None = Field(default=None, max_length=100)
    issued_at: datetime.date | None = None
    expires_at: datetime.date | None = None


async def add_credential(
    writer: Writer, mediator_id: str, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    data = validated(CredentialInput, raw)
    if data.issued_at and data.expires_at and data.expires_at <= data.issued_at:
        raise invalid([FieldProblem("expiresAt", "A credential expires after it is issued.")])
    new_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        await writable_mediator(writer, tx, mediator_id, None)
        props = {
            "scheme": data.scheme, "level": data.level, "number": data.number, "issuer": data.issuer,
            "issuedAt": data.issued_at, "expiresAt": data.expires_at,
        }
        created = await create_credential(writer.graph, tx, mediator=mediator_id, id=new_id, props=props)
        assert created is not None
        return new_id, [Change(new_id, "Credential", "addCredential", None, native(created) | {"mediatorId": mediator_id})]

    entity, replayed = await unit_of_work(
        writer, operation="addCredential", payload={"id": mediator_id, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


async def verify_credential(writer: Writer, credential_id: str, *, idempotency_key: str | None) -> Saved:

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        found = await credential_holder(writer.graph, tx, id=credential_id)
        if found is None:
            raise not_found("credential", "credentialId")
        await writable_mediator(writer, tx, str(found["mediator"]), None)
        if found["props"].get("verified"):
            raise conflict("The credential is already verified; its first verification stands.", "credentialId")
        after = await mark_verified(writer.graph, tx, id=credential_id, by=writer.agency_id)
        return credential_id, [Change(credential_id, "Credential", "verifyCredential", native(found["props"]), native(after))]

    entity, replayed = await unit_of_work(
        writer, operation="verifyCredential", payload={"id": credential_id},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)
