"""Partner registration mutations: partners register and amend, the governing bureau approves or rejects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.outcomes import ProblemCode
from resolvers.directory.organization import Saved
from resolvers.partners import mediator_registration, registration
from resolvers.partners.mediator_registration import Registered, RowsRefused
from schema.core.context import Info
from schema.core.payloads import PROBLEMS, Problem, outcome
from schema.core.permissions import protected
from schema.core.write import KEY, raw, writer
from schema.partners.registration import Registration
from schema.roster.filing import MediatorAmendment, MediatorInput, MembershipInput, OrganizationAmendment, OrganizationInput

ID = Annotated[strawberry.ID, strawberry.argument(description="The registration's (the record's) registry id.")]
VERSION = Annotated[int, strawberry.argument(description="The `version` the caller read; a stale one is refused.")]
REGISTER = Scope.REGISTRATIONS_WRITE
DECIDE = Scope.ROSTER_WRITE


@strawberry.type(description="The registration as it now stands.")
class RegistrationSaved:
    registration: Registration = strawberry.field(description="The registration after the write.")
    warnings: list[str] = strawberry.field(description="Conventions not followed (names, pilot-era codes).")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="Every mediator of a bulk registration was registered.")
class MediatorsRegistered:
    mediator_ids: list[strawberry.ID] = strawberry.field(description="The new mediators' registry ids, in row order.")
    count: int = strawberry.field(description="How many were registered.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="One refused row of a bulk registration.")
class RowProblem:
    index: int = strawberry.field(description="The row's position in `mediators`, from 0.")
    field: str = strawberry.field(description="The field at fault, as a dotted path in the row.")
    reason: str = strawberry.field(description="Why the row is refused.")
    code: ProblemCode = strawberry.field(description="The kind of problem.")


@strawberry.type(description="Some rows were refused, so no row was registered; `rows` lists every refused row.")
class RowsProblem(Problem):
    rows: list[RowProblem] = strawberry.field(description="Every refused row with the field at fault and why.")


@strawberry.input(description="One mediator of a bulk registration with the first membership.")
class MediatorRegistrationRow:
    input: MediatorInput = strawberry.field(description="The mediator.")
    membership: MembershipInput = strawberry.field(
        description="The first membership, in an organization affiliated with the calling partner."
    )


RegistrationPayload = Annotated[
    RegistrationSaved | PROBLEMS, strawberry.union("RegistrationPayload", description="A registration or a problem.")
]
BulkRegistrationPayload = Annotated[
    MediatorsRegistered | RowsProblem | PROBLEMS,
    strawberry.union("BulkRegistrationPayload", description="The registered mediators, the refused rows, or a problem."),
]



def rows_problem(refused: RowsRefused) -> RowsProblem:
    rows = [RowProblem(index=row.index, field=row.field, reason=row.message, code=row.code) for row in refused.rows]
    return RowsProblem(code=ProblemCode.VALIDATION, field="mediators", message=str(refused), rows=rows)


def registration_saved(info: Info) -> Callable[[Saved], Awaitable[RegistrationSaved]]:
    async def read(saved: Saved) -> RegistrationSaved:
        assert info.context.principal is not None
        info.context.loaders.wrote(saved.id)
        found = await registration.registration_of(
            info.context.graph, id=saved.id, agency=info.context.principal.agency_id, viewer=info.context.viewer
        )
        assert found is not None
        return RegistrationSaved(
            registration=Registration.from_record(found), warnings=list(saved.warnings), replayed=saved.replayed
        )

    return read


async def registered(done: Registered) -> MediatorsRegistered:
    ids = [strawberry.ID(id) for id in done.ids]
    return MediatorsRegistered(mediator_ids=ids, count=len(ids), replayed=done.replayed)


@strawberry.type(description="Partner registration and the bureau's decisions; each is one audited transaction.")
class RegistrationMutation:
    @protected(REGISTER, "Register an organization as the calling partner's: PENDING until its bureau decides.")
    async def register_organization(
        self, info: Info, input: Annotated[OrganizationInput, strawberry.argument(description="The organization.")],
        idempotency_key: KEY = None,
    ) -> RegistrationPayload:
        write = registration.register_organization(writer(info), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, registration_saved(info))

    @protected(REGISTER, "Register a mediator with a first membership in one of the partner's organizations.")
    async def register_mediator(
        self, info: Info, input: Annotated[MediatorInput, strawberry.argument(description="The mediator.")],
        membership: Annotated[MembershipInput, strawberry.argument(description="The first membership.")],
        idempotency_key: KEY = None,
    ) -> RegistrationPayload:
        write = mediator_registration.register_mediator(
            writer(info), raw(input), raw(membership), hash_key=info.context.hash_key, idempotency_key=idempotency_key
        )
        return await outcome(write, registration_saved(info))

    @protected(REGISTER, "Register up to 1,000 mediators in one transaction: all of them, or none with every"
               " refused row reported.")
    async def register_mediators(
        self, info: Info,
        mediators: Annotated[list[MediatorRegistrationRow], strawberry.argument(description="1 to 1,000 rows.")],
        idempotency_key: KEY = None,
    ) -> BulkRegistrationPayload:
        rows = [{"input": raw(row.input), "membership": raw(row.membership)} for row in mediators]
        write = mediator_registration.register_mediators(
            writer(info), rows, hash_key=info.context.hash_key, idempotency_key=idempotency_key
        )
        try:
            return await outcome(write, registered)
        except RowsRefused as refused:
            return rows_problem(refused)

    @protected(REGISTER, "Amend the partner's own organization registration while pending or after a rejection"
               " (which sends it back to the bureau).")
    async def amend_organization_registration(
        self, info: Info, id: ID, version: VERSION,
        input: Annotated[OrganizationAmendment, strawberry.argument(description="What to change.")],
        idempotency_key: KEY = None,
    ) -> RegistrationPayload:
        write = registration.amend_organization_registration(
            writer(info), str(id), version, raw(input), idempotency_key=idempotency_key
        )
        return await outcome(write, registration_saved(info))

    @protected(REGISTER, "Amend the partner's own mediator registration while pending or after a rejection"
               " (which sends it back to the bureau).")
    async def amend_mediator_registration(
        self, info: Info, id: ID, version: VERSION,
        input: Annotated[MediatorAmendment, strawberry.argument(description="What to change.")],
        idempotency_key: KEY = None,
    ) -> RegistrationPayload:
        write = registration.amend_mediator_registration(
            writer(info), str(id), version, raw(input), idempotency_key=idempotency_key
        )
        return await outcome(write, registration_saved(info))

    @protected(DECIDE, "Approve a pending registration the calling bureau governs: the record is filed with it.")
    async def approve_registration(
        self, info: Info, id: ID, version: VERSION,
        reason: Annotated[str | None, strawberry.argument(description="A note for the partner.")] = None,
        idempotency_key: KEY = None,
    ) -> RegistrationPayload:
        write = registration.approve_registration(
            writer(info), str(id), version, reason=reason, idempotency_key=idempotency_key
        )
        return await outcome(write, registration_saved(info))

    @protected(DECIDE, "Reject a pending registration the calling bureau governs, with the reason the partner reads.")
    async def reject_registration(
        self, info: Info, id: ID, version: VERSION,
        reason: Annotated[str, strawberry.argument(description="Why (2 to 500 characters).")],
        idempotency_key: KEY = None,
    ) -> RegistrationPayload:
        write = registration.reject_registration(
            writer(info), str(id), version, reason=reason, idempotency_key=idempotency_key
        )
        return await outcome(write, registration_saved(info))
