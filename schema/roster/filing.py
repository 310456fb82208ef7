"""Roster filing by judicial bureaus: the mutations and their inputs."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.lifecycle import Transition
from resolvers.directory import mediator, organization
from resolvers.grades import training
from resolvers.roster import credential
from schema.core.context import Info
from schema.core.enums import Background, Employment, MembershipRole, OrganizationKind, Specialty, TrainingForm, TrainingTopic
from schema.core.payloads import (
    CredentialPayload,
    CredentialSaved,
    MediatorPayload,
    OrganizationPayload,
    TrainingPayload,
    TrainingRecorded,
    mediator_saved,
    organization_saved,
    outcome,
)
from schema.core.permissions import protected
from schema.core.write import KEY, raw, writer

ID = Annotated[strawberry.ID, strawberry.argument(description="The registry id.")]
VERSION = Annotated[int, strawberry.argument(description="The `version` the caller read; a stale one is refused.")]
REASON = Annotated[str | None, strawberry.argument(description="Why, for the record.")]
MEDIATOR_ID = Annotated[strawberry.ID, strawberry.argument(description="The mediator's registry id.")]
ORGANIZATION_ID = Annotated[strawberry.ID, strawberry.argument(description="The organization's registry id.")]


@strawberry.input(description="An organization to file.")
class OrganizationInput:
    name: str = strawberry.field(description="The registered name (2 to 100 characters).")
    kind: OrganizationKind = strawberry.field(description="What kind of organization it is.")
    jurisdiction: str = strawberry.field(description="The division code where it is located.")
    sectors: list[Specialty] = strawberry.field(default_factory=list, description="Dispute domains (at most 20).")
    credit_code: str | None = strawberry.field(default=None, description="Unified social credit code, if any.")
    public_phone: str | None = strawberry.field(default=None, description="Public contact telephone.")
    address: str | None = strawberry.field(default=None, description="Public address.")
    charges_fee: bool = strawberry.field(default=False, description="Whether it charges a fee.")
    source_record_id: str | None = strawberry.field(default=None, description="The id in the bureau's own system.")


@strawberry.input(description="Changes to an organization; omitted fields stay as they are.")
class OrganizationAmendment:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    jurisdiction: str | None = strawberry.field(default=strawberry.UNSET, description="A new location code.")
    sectors: list[Specialty] | None = strawberry.field(default=strawberry.UNSET, description="New dispute domains.")
    credit_code: str | None = strawberry.field(default=strawberry.UNSET, description="A new credit code.")
    public_phone: str | None = strawberry.field(default=strawberry.UNSET, description="A new public telephone.")
    address: str | None = strawberry.field(default=strawberry.UNSET, description="A new public address.")
    charges_fee: bool | None = strawberry.field(default=strawberry.UNSET, description="Whether it charges a fee.")


@strawberry.input(description="A mediator to file; the identity number is validated, then kept only hashed and masked.")
class MediatorInput:
    name: str = strawberry.field(description="The mediator's name.")
    identity_number: str = strawberry.field(description="Resident identity number (GB 11643); never returned.")
    employment: Employment = strawberry.field(description="Full-time or part-time.")
    background: Background | None = strawberry.field(default=None, description="Professional background.")
    education: str | None = strawberry.field(default=None, description="Highest education.")
    specialties: list[Specialty] = strawberry.field(default_factory=list, description="Dispute domains.")
    languages: list[str] = strawberry.field(default_factory=lambda: ["zh"], description="BCP 47 language tags.")
    phone: str | None = strawberry.field(default=None, description="Personal telephone (personal data).")
    source_record_id: str | None = strawberry.field(default=None, description="The id in the bureau's own system.")


@strawberry.input(description="Changes to a mediator; omitted fields stay as they are.")
class MediatorAmendment:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    employment: Employment | None = strawberry.field(default=strawberry.UNSET, description="Full-time or part-time.")
    background: Background | None = strawberry.field(default=strawberry.UNSET, description="Background.")
    education: str | None = strawberry.field(default=strawberry.UNSET, description="Highest education.")
    specialties: list[Specialty] | None = strawberry.field(default=strawberry.UNSET, description="Dispute domains.")
    languages: list[str] | None = strawberry.field(default=strawberry.UNSET, description="BCP 47 language tags.")
    phone: str | None = strawberry.field(default=strawberry.UNSET, description="Personal telephone.")


@strawberry.input(description="A term in an organization.")
class MembershipInput:
    organization_id: strawberry.ID = strawberry.field(description="The organization.")
    role: MembershipRole = strawberry.field(description="Chair, vice-chair, member or engaged mediator.")
    since: datetime.date = strawberry.field(description="First day of the term.")
    until: datetime.date | None = strawberry.field(default=None, description="Last day (committees: at most 3 years).")


@strawberry.input(description="A credential a mediator holds.")
class CredentialInput:
    scheme: str = strawberry.field(description="The scheme, in UPPER_SNAKE_CASE (e.g. PEOPLES_MEDIATOR_GRADE).")
    level: str | None = strawberry.field(default=None, description="The level within the scheme.")
    number: str | None = strawberry.field(default=None, description="The certificate number.")
    issuer: str | None = strawberry.field(default=None, description="Who issued it.")
    issued_at: datetime.date | None = strawberry.field(default=None, description="When it was issued.")
    expires_at: datetime.date | None = strawberry.field(default=None, description="When it expires.")


@strawberry.input(description="One attendee of a course.")
class AttendanceInput:
    mediator_id: strawberry.ID = strawberry.field(description="The mediator.")
    hours: float | None = strawberry.field(default=None, description="Hours attended; the course's hours if omitted.")


@strawberry.input(description="A training course and who attended it.")
class TrainingInput:
    title: str = strawberry.field(description="The course title.")
    form: TrainingForm = strawberry.field(description="How it was given.")
    organizer: str = strawberry.field(description="Who organized it.")
    hours: float = strawberry.field(description="The course's hours.")
    held_on: datetime.date = strawberry.field(description="When it took place.")
    attendees: list[AttendanceInput] = strawberry.field(description="Who attended (1 to 1,000).")
    topic: TrainingTopic | None = strawberry.field(
        default=None,
        description="What it teaches, counted toward a scheme's topic quota; without one, the hours count only"
        " toward the annual hours.",
    )


WRITE = Scope.ROSTER_WRITE


async def organization_status(
    info: Info, id: str, version: int, transition: Transition, reason: str | None, key: str | None
) -> OrganizationPayload:
    write = organization.change_organization_status(
        writer(info), id, version, transition, reason=reason, idempotency_key=key
    )
    return await outcome(write, lambda saved: organization_saved(info, saved))


async def mediator_status(
    info: Info, id: str, version: int, transition: Transition, reason: str | None, key: str | None
) -> MediatorPayload:
    write = mediator.change_mediator_status(writer(info), id, version, transition, reason=reason, idempotency_key=key)
    return await outcome(write, lambda saved: mediator_saved(info, saved))


@strawberry.type(description="Changes to the roster; each is one transaction with its audit events.")
class FilingMutation:
    @protected(WRITE, "File an organization with the caller's bureau, or keep it as a draft (PENDING).")
    async def file_organization(
        self, info: Info,
        input: Annotated[OrganizationInput, strawberry.argument(description="The organization.")],
        idempotency_key: KEY = None,
        draft: Annotated[bool, strawberry.argument(description="Keep as PENDING; file later.")] = False,
    ) -> OrganizationPayload:
        write = organization.file_organization(writer(info), raw(input), draft=draft, idempotency_key=idempotency_key)
        return await outcome(write, lambda saved: organization_saved(info, saved))

    @protected(WRITE, "Change an organization's details.")
    async def amend_organization(
        self, info: Info, id: ID, version: VERSION,
        input: Annotated[OrganizationAmendment, strawberry.argument(description="What to change.")],
        idempotency_key: KEY = None,
    ) -> OrganizationPayload:
        write = organization.amend_organization(writer(info), str(id), version, raw(input), idempotency_key=idempotency_key)
        return await outcome(write, lambda saved: organization_saved(info, saved))

    @protected(WRITE, "File a draft (PENDING) organization: its composition must now be lawful.")
    async def complete_filing(self, info: Info, id: ID, version: VERSION, idempotency_key: KEY = None) -> OrganizationPayload:
        return await organization_status(info, str(id), version, Transition.FILE, None, idempotency_key)

    @protected(WRITE, "Suspend a filed organization.")
    async def suspend_organization(
        self, info: Info, id: ID, version: VERSION, reason: REASON = None, idempotency_key: KEY = None
    ) -> OrganizationPayload:
        return await organization_status(info, str(id), version, Transition.SUSPEND, reason, idempotency_key)

    @protected(WRITE, "Deregister a filed or suspended organization.")
    async def deregister_organization(
        self, info: Info, id: ID, version: VERSION, reason: REASON = None, idempotency_key: KEY = None
    ) -> OrganizationPayload:
        return await organization_status(info, str(id), version, Transition.DEREGISTER, reason, idempotency_key)

    @protected(WRITE, "Reinstate a suspended or deregistered organization to FILED.")
    async def reinstate_organization(
        self, info: Info, id: ID, version: VERSION, reason: REASON = None, idempotency_key: KEY = None
    ) -> OrganizationPayload:
        return await organization_status(info, str(id), version, Transition.REINSTATE, reason, idempotency_key)

    @protected(WRITE, "File a mediator with a first membership.")
    async def file_mediator(
        self, info: Info,
        input: Annotated[MediatorInput, strawberry.argument(description="The mediator.")],
        membership: Annotated[MembershipInput, strawberry.argument(description="The first membership.")],
        idempotency_key: KEY = None,
    ) -> MediatorPayload:
        write = mediator.file_mediator(
            writer(info), raw(input), raw(membership), hash_key=info.context.hash_key, idempotency_key=idempotency_key
        )
        return await outcome(write, lambda saved: mediator_saved(info, saved))

    @protected(WRITE, "Change a mediator's details.")
    async def amend_mediator(
        self, info: Info, id: ID, version: VERSION,
        input: Annotated[MediatorAmendment, strawberry.argument(description="What to change.")],
        idempotency_key: KEY = None,
    ) -> MediatorPayload:
        write = mediator.amend_mediator(writer(info), str(id), version, raw(input), idempotency_key=idempotency_key)
        return await outcome(write, lambda saved: mediator_saved(info, saved))

    @protected(WRITE, "Add a membership to a mediator.")
    async def add_membership(
        self, info: Info, mediator_id: MEDIATOR_ID,
        input: Annotated[MembershipInput, strawberry.argument(description="The membership.")],
        idempotency_key: KEY = None,
    ) -> MediatorPayload:
        write = mediator.add_membership(writer(info), str(mediator_id), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, lambda saved: mediator_saved(info, saved))

    @protected(WRITE, "End a mediator's current membership of an organization.")
    async def end_membership(
        self, info: Info, mediator_id: MEDIATOR_ID, organization_id: ORGANIZATION_ID,
        until: Annotated[datetime.date, strawberry.argument(description="The last day of the membership.")],
        idempotency_key: KEY = None,
    ) -> MediatorPayload:
        write = mediator.leave(writer(info), str(mediator_id), str(organization_id), until, idempotency_key=idempotency_key)
        return await outcome(write, lambda saved: mediator_saved(info, saved))

    @protected(WRITE, "Suspend a filed mediator.")
    async def suspend_mediator(
        self, info: Info, id: ID, version: VERSION, reason: REASON = None, idempotency_key: KEY = None
    ) -> MediatorPayload:
        return await mediator_status(info, str(id), version, Transition.SUSPEND, reason, idempotency_key)

    @protected(WRITE, "Deregister a filed or suspended mediator.")
    async def deregister_mediator(
        self, info: Info, id: ID, version: VERSION, reason: REASON = None, idempotency_key: KEY = None
    ) -> MediatorPayload:
        return await mediator_status(info, str(id), version, Transition.DEREGISTER, reason, idempotency_key)

    @protected(WRITE, "Reinstate a suspended or deregistered mediator to FILED.")
    async def reinstate_mediator(
        self, info: Info, id: ID, version: VERSION, reason: REASON = None, idempotency_key: KEY = None
    ) -> MediatorPayload:
        return await mediator_status(info, str(id), version, Transition.REINSTATE, reason, idempotency_key)

    @protected(WRITE, "Record a credential a mediator holds (unverified until a bureau verifies it).")
    async def add_credential(
        self, info: Info, mediator_id: MEDIATOR_ID,
        input: Annotated[CredentialInput, strawberry.argument(description="The credential.")],
        idempotency_key: KEY = None,
    ) -> CredentialPayload:
        write = credential.add_credential(writer(info), str(mediator_id), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, credential_saved)

    @protected(WRITE, "Mark a credential as verified by the caller's bureau.")
    async def verify_credential(self, info: Info, id: ID, idempotency_key: KEY = None) -> CredentialPayload:
        write = credential.verify_credential(writer(info), str(id), idempotency_key=idempotency_key)
        return await outcome(write, credential_saved)

    @protected(Scope.TRAINING_WRITE, "Record one training course for many mediators at once.")
    async def record_training(
        self, info: Info,
        input: Annotated[TrainingInput, strawberry.argument(description="The course and its attendees.")],
        idempotency_key: KEY = None,
    ) -> TrainingPayload:
        write = training.record_training(writer(info), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, training_recorded)


async def credential_saved(saved: organization.Saved) -> CredentialSaved:
    return CredentialSaved(credential_id=strawberry.ID(saved.id), replayed=saved.replayed)


async def training_recorded(saved: organization.Saved) -> TrainingRecorded:
    return TrainingRecorded(training_id=strawberry.ID(saved.id), replayed=saved.replayed)
