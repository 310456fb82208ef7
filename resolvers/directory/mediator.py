"""Listing and reading mediators with their memberships, credentials and training."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.page import PageRequest
from graph.core.records import Language, native
from graph.core.viewer import Viewer
from graph.core.vocabulary import (
    Background,
    Employment,
    Gender,
    RecordStatus,
    Specialty,
)
from graph.directory.mediator import (
    MediatorFilter,
    MediatorRecord,
    count_mediators,
    find_mediators,
    mediators_by_id,
)
from graph.grades.training import (
    CompletedTraining,
    TrainingRecord,
    trainings_of_mediators,
)
from graph.roster.credential import CredentialRecord, credentials_of_mediators
from graph.roster.filing import (
    awaiting_mediator,
    create_mediator,
    end_membership,
    filed_organizations_of,
    identity_owner,
    mediator_state,
    notify_membership_change,
    organization_state,
    update_mediator,
)
from graph.roster.membership import (
    MediatorMembership,
    MembershipRecord,
    memberships_of_mediators,
)
from resolvers.core import clock
from resolvers.core.identifiers import (
    IdentifierError,
    age_on,
    identity_hash,
    parse_resident_id,
)
from resolvers.core.lifecycle import Transition, next_status
from resolvers.core.outcomes import (
    FieldProblem,
    conflict,
    forbidden,
    invalid,
    not_found,
    stale,
)
from resolvers.core.pagination import Listing, build_filter
from resolvers.core.write import Writer, checked_state, unit_of_work, validated
from resolvers.courts.finder import valid_grade_rank
from resolvers.directory.jurisdiction import known_division
from resolvers.directory.organization import Saved, file_awaiting, require_composition
from resolvers.roster.membership import MembershipInput, enter, keep_composition

__all__ = [
    "CompletedTraining",
    "CredentialRecord",
    "MediatorMembership",
    "MediatorRecord",
    "MembershipInput",
    "MembershipRecord",
    "TrainingRecord",
    "credentials_of_mediators",
    "list_mediators",
    "mediators_by_id",
    "memberships_of_mediators",
    "trainings_of_mediators",
]


async def list_mediators(
    graph: Graph,
    *,
    jurisdiction: str | None = None,
    organization: str | None = None,
    specialties: list[Specialty] | None = None,
    statuses: list[RecordStatus] | None = None,
    employment: Employment | None = None,
    gender: Gender | None = None,
    language: str | None = None,
    name_prefix: str | None = None,
    name_contains: str | None = None,
    min_grade: int | None = None,
    page: PageRequest,
    viewer: Viewer,
) -> Listing[MediatorRecord]:
    valid_grade_rank(min_grade)
    division = await known_division(graph, jurisdiction, field="jurisdiction")
    where = build_filter(
        MediatorFilter,
        jurisdiction=None if division is None else division.code,
        level=None if division is None else division.level,
        organization=organization,
        specialties=specialties,
        statuses=statuses,
        employment=employment,
        gender=gender,
        language=language,
        name_prefix=name_prefix,
        name_contains=name_contains,
        min_grade=min_grade,
    )
    found = await find_mediators(graph, where=where, page=page, viewer=viewer)
    return Listing(found, page.order, lambda: count_mediators(graph, where=where, viewer=viewer))


class MediatorInput(BaseModel):
    """What a judicial bureau files about a mediator; the identity number is validated, hashed and masked."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=50)
    identity_number: str = Field(min_length=18, max_length=18)
    employment: Employment
    background: Background | None = None
    education: str | None = Field(default=None, max_length=50)
    specialties: list[Specialty] = Field(default_factory=list, max_length=20)
    languages: list[Language] = Field(default_factory=lambda: ["zh"], max_length=10)
    phone: str | None = Field(default=None, pattern=r"^[0-9+\-() ]{5,30}$")
    source_record_id: str | None = Field(default=None, max_length=100)


class MediatorAmendment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=50)
    employment: Employment | None = None
    background: Background | None = None
    education: str | None = Field(default=None, max_length=50)
    specialties: list[Specialty] | None = Field(default=None, max_length=20)
    languages: list[Language] | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, pattern=r"^[0-9+\-() ]{5,30}$")


ADULT = 18


def identity_props(number: str, hash_key: bytes, *, today: datetime.date) -> dict[str, Any]:
    """Gender and birth year come from the identity number; only its keyed hash and mask are kept."""
    try:
        resident = parse_resident_id(number)
    except IdentifierError as error:
        raise invalid([FieldProblem("identityNumber", str(error))]) from None
    if age_on(resident.birth_date, today) < ADULT:
        raise invalid([FieldProblem("identityNumber", "A mediator must be an adult (People's Mediation Law Art 14).")])
    return {
        "gender": resident.gender.value,
        "birthYear": resident.birth_date.year,
        "identityHash": identity_hash(number, key=hash_key),
        "identityMasked": resident.masked,
    }


def mediator_fields(data: MediatorInput) -> dict[str, Any]:
    """The stored properties a mediator's input gives besides identity, the same for the API and a roster file."""
    return {
        "name": data.name,
        "employment": data.employment.value,
        "background": data.background.value if data.background else None,
        "education": data.education,
        "specialties": [specialty.value for specialty in data.specialties],
        "languages": list(data.languages),
        "phone": data.phone,
    }


async def file_mediator(
    writer: Writer,
    raw: dict[str, Any],
    membership_raw: dict[str, Any],
    *,
    hash_key: bytes,
    idempotency_key: str | None,
) -> Saved:
    """File a mediator with a first membership; the same person filed twice is a conflict, not a second node."""
    data = validated(MediatorInput, raw)
    membership = validated(MembershipInput, membership_raw)
    identity = identity_props(data.identity_number, hash_key, today=clock.today())
    new_id = str(uuid.uuid4())
    masked_raw = {**raw, "identity_number": identity["identityHash"]}

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        owner = await identity_owner(writer.graph, tx, identity_hash=identity["identityHash"])
        if owner is not None:
            raise conflict(f"This person is already on the roster as mediator {owner}.", "identityNumber")
        organization = await organization_state(writer.graph, tx, id=membership.organization_id, viewer=writer.viewer)
        draft = organization is not None and organization["props"].get("status") == RecordStatus.PENDING.value
        # into a committee still awaiting its filing: PENDING (out of the directory) until it is filed (issue 12)
        props = identity | mediator_fields(data) | {
            "status": (RecordStatus.PENDING if draft else RecordStatus.FILED).value,
            "sourceAgency": writer.agency_id,
            "sourceRecordId": data.source_record_id,
        }
        created = await create_mediator(writer.graph, tx, id=new_id, props=props)
        change = await join(writer, tx, new_id, membership, operation="fileMediator")
        return new_id, [Change(new_id, "Mediator", "fileMediator", None, created), change]

    entity, replayed = await unit_of_work(
        writer,
        operation="fileMediator",
        payload={"input": masked_raw, "membership": membership_raw},
        idempotency_key=idempotency_key,
        work=work,
    )
    return Saved(entity, (), replayed)


async def join(writer: Writer, tx: Tx, mediator_id: str, membership: MembershipInput, *, operation: str) -> Change:
    """Add a membership of an organization inside the bureau's reach, by the rules of `enter`."""
    organization = await organization_state(writer.graph, tx, id=membership.organization_id, viewer=writer.viewer)
    if organization is None:
        raise not_found("organization", "membership.organizationId")
    if not organization["allowed"]:
        raise forbidden("The organization lies outside the bureau's jurisdiction.", "membership.organizationId")
    return await enter(writer, tx, mediator_id, membership, organization["props"], operation=operation)


async def keep_compositions_of(writer: Writer, tx: Tx, mediator_id: str) -> None:
    """After a change to a mediator (deregistered, or full-time no more), every FILED organization it serves
    must still be lawfully composed."""
    today = clock.today()
    for organization_id in await filed_organizations_of(writer.graph, tx, mediator=mediator_id, on=today):
        await require_composition(writer, tx, organization_id)


async def add_membership(
    writer: Writer, mediator_id: str, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    membership = validated(MembershipInput, raw)

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        state = await mediator_state(writer.graph, tx, id=mediator_id, viewer=writer.viewer)
        if state is None:
            raise not_found("mediator", "mediatorId")
        if not state["allowed"]:
            # Joining a mediator to one of your organizations would bring it into your reach (issue 12).
            raise forbidden("The mediator serves no organization inside the bureau's jurisdiction.", "mediatorId")
        joined = await join(writer, tx, mediator_id, membership, operation="addMembership")
        return mediator_id, [joined, *await file_awaiting(writer, tx, await awaiting_mediator(
            writer.graph, tx, mediator=mediator_id, on=clock.today()), operation="addMembership")]

    entity, replayed = await unit_of_work(
        writer, operation="addMembership", payload={"id": mediator_id, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


async def leave(
    writer: Writer, mediator_id: str, organization_id: str, until: datetime.date, *, idempotency_key: str | None
) -> Saved:
    """End a membership on `until`; a filed committee must keep a lawful composition."""

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        organization = await organization_state(writer.graph, tx, id=organization_id, viewer=writer.viewer)
        if organization is None:
            raise not_found("organization", "organizationId")
        if not organization["allowed"]:
            raise forbidden("The organization lies outside the bureau's jurisdiction.", "organizationId")
        ended = await end_membership(writer.graph, tx, mediator=mediator_id, organization=organization_id, until=until)
        if ended is None:
            raise not_found("current membership", "organizationId")
        await keep_composition(writer, tx, organization_id, organization["props"], without=mediator_id)
        await notify_membership_change(writer.graph, tx, organization=organization_id, change="MEMBER_LEFT")
        after = native(ended) | {"organizationId": organization_id}
        return mediator_id, [Change(mediator_id, "Mediator", "endMembership", None, after)]

    entity, replayed = await unit_of_work(
        writer, operation="endMembership",
        payload={"id": mediator_id, "organization": organization_id, "until": until.isoformat()},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


async def writable_mediator(writer: Writer, tx: Tx, mediator_id: str, version: int | None) -> dict[str, Any]:
    state = await mediator_state(writer.graph, tx, id=mediator_id, viewer=writer.viewer)
    outside = "The mediator serves no organization inside the bureau's jurisdiction."
    return checked_state(state, version, kind="mediator", outside=outside)


async def amend_mediator(
    writer: Writer, mediator_id: str, version: int, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    data = validated(MediatorAmendment, raw)
    values = {
        "name": data.name,
        "employment": data.employment.value if data.employment else None,
        "background": data.background.value if data.background else None,
        "education": data.education,
        "specialties": [s.value for s in data.specialties] if data.specialties is not None else None,
        "languages": list(data.languages) if data.languages is not None else None,
        "phone": data.phone,
    }
    props = {key: value for key, value in values.items() if to_snake(key) in raw}

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await writable_mediator(writer, tx, mediator_id, version)
        after = await update_mediator(writer.graph, tx, id=mediator_id, version=version, props=props)
        if after is None:
            raise stale("mediator", version + 1)
        if "employment" in props:
            await keep_compositions_of(writer, tx, mediator_id)
        return mediator_id, [Change(mediator_id, "Mediator", "amendMediator", before, after)]

    entity, replayed = await unit_of_work(
        writer, operation="amendMediator", payload={"id": mediator_id, "version": version, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


def to_snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


async def change_mediator_status(
    writer: Writer, mediator_id: str, version: int, transition: Transition, *, reason: str | None,
    idempotency_key: str | None,
) -> Saved:
    """Suspend, deregister or reinstate a mediator; an illegal transition is a typed problem."""
    operation = f"{transition.value.lower()}Mediator"

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await writable_mediator(writer, tx, mediator_id, version)
        status = next_status(transition, RecordStatus(before["status"]))
        props = {"status": status.value, "statusReason": reason, "statusChangedAt": clock.today()}
        after = await update_mediator(writer.graph, tx, id=mediator_id, version=version, props=props)
        assert after is not None
        if status is RecordStatus.DEREGISTERED:
            await keep_compositions_of(writer, tx, mediator_id)
        return mediator_id, [Change(mediator_id, "Mediator", operation, before, after)]

    entity, replayed = await unit_of_work(
        writer, operation=operation, payload={"id": mediator_id, "version": version, "reason": reason},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)
