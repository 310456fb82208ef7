"""Mutation payloads: a success type or a typed problem with its code and the field at fault."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import strawberry

from resolvers.core.outcomes import Problem as ProblemRaised
from resolvers.core.outcomes import ProblemCode as Code
from resolvers.directory.organization import Saved
from schema.core.context import Info
from schema.directory.mediator import Mediator
from schema.directory.organization import Organization

ProblemCode = Code
strawberry.enum(ProblemCode, description="Why a write did not happen.")


@strawberry.type(description="One field at fault and why.")
class FieldProblem:
    field: str = strawberry.field(description="The input field, as a dotted path.")
    message: str = strawberry.field(description="What is wrong with it.")


@strawberry.interface(description="A write that did not happen; nothing was written.")
class Problem:
    code: ProblemCode = strawberry.field(description="The kind of problem.")
    field: str | None = strawberry.field(description="The input field at fault, when there is one.")
    message: str = strawberry.field(description="What went wrong, for people.")


@strawberry.type(description="The input broke a rule; `details` lists every field at fault.")
class ValidationProblem(Problem):
    details: list[FieldProblem] = strawberry.field(description="Every field at fault.")


@strawberry.type(description="Something the input names does not exist.")
class NotFoundProblem(Problem):
    pass


@strawberry.type(description="The write conflicts with what is recorded (the same person twice, an overlap, a reused key).")
class ConflictProblem(Problem):
    pass


@strawberry.type(description="The record changed since the caller read it; read it again and retry.")
class StaleVersionProblem(Problem):
    pass


@strawberry.type(description="The record lies outside what the caller's agency may change.")
class ForbiddenByAgencyProblem(Problem):
    pass


@strawberry.type(description="The record's status does not allow this step of the lifecycle.")
class IllegalTransitionProblem(Problem):
    pass


PROBLEM_TYPES: dict[Code, type[Problem]] = {
    Code.VALIDATION: ValidationProblem,
    Code.NOT_FOUND: NotFoundProblem,
    Code.CONFLICT: ConflictProblem,
    Code.STALE_VERSION: StaleVersionProblem,
    Code.FORBIDDEN_BY_AGENCY: ForbiddenByAgencyProblem,
    Code.ILLEGAL_TRANSITION: IllegalTransitionProblem,
}


AnyProblem = (
    ValidationProblem
    | NotFoundProblem
    | ConflictProblem
    | StaleVersionProblem
    | ForbiddenByAgencyProblem
    | IllegalTransitionProblem
)


def problem(raised: ProblemRaised) -> AnyProblem:
    if raised.code is Code.VALIDATION:
        details = [FieldProblem(field=item.field, message=item.message) for item in raised.details] or [
            FieldProblem(field=raised.field or "input", message=raised.message)
        ]
        return ValidationProblem(code=raised.code, field=raised.field, message=raised.message, details=details)
    kind: type[AnyProblem] = PROBLEM_TYPES[raised.code]  # type: ignore[assignment]
    return kind(code=raised.code, field=raised.field, message=raised.message)  # type: ignore[call-arg]


@strawberry.type(description="The organization as it is now recorded.")
class OrganizationSaved:
    organization: Organization = strawberry.field(description="The organization after the write.")
    warnings: list[str] = strawberry.field(description="Conventions not followed (names, pilot-era codes).")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="The mediator as it is now recorded.")
class MediatorSaved:
    mediator: Mediator = strawberry.field(description="The mediator after the write.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="A credential was recorded or verified.")
class CredentialSaved:
    credential_id: strawberry.ID = strawberry.field(description="The credential's registry id.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


@strawberry.type(description="A training course was recorded with its attendance.")
class TrainingRecorded:
    training_id: strawberry.ID = strawberry.field(description="The course's registry id.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


PROBLEMS = AnyProblem
OrganizationPayload = Annotated[
    OrganizationSaved | PROBLEMS, strawberry.union("OrganizationPayload", description="An organization or a problem.")
]
MediatorPayload = Annotated[
    MediatorSaved | PROBLEMS, strawberry.union("MediatorPayload", description="A mediator or a problem.")
]
CredentialPayload = Annotated[
    CredentialSaved | PROBLEMS, strawberry.union("CredentialPayload", description="A credential or a problem.")
]
TrainingPayload = Annotated[
    TrainingRecorded | PROBLEMS, strawberry.union("TrainingPayload", description="A course or a problem.")
]

S = TypeVar("S")
P = TypeVar("P")


async def outcome(write: Awaitable[S], success: Callable[[S], Awaitable[P]]) -> P | AnyProblem:
    """The one error contract of every mutation: a `Problem` raised by the use case (its transaction rolled
    back) becomes its typed payload; otherwise `success` reads what was written."""
    try:
        saved = await write
    except ProblemRaised as raised:
        return problem(raised)
    return await success(saved)


async def organization_saved(info: Info, saved: Saved) -> OrganizationSaved:
    info.context.loaders.wrote(saved.id)
    organization = await Organization.resolve_reference(info, strawberry.ID(saved.id))
    assert organization is not None
    return OrganizationSaved(organization=organization, warnings=list(saved.warnings), replayed=saved.replayed)


async def mediator_saved(info: Info, saved: Saved) -> MediatorSaved:
    info.context.loaders.wrote(saved.id)
    mediator = await Mediator.resolve_reference(info, strawberry.ID(saved.id))
    assert mediator is not None
    return MediatorSaved(mediator=mediator, replayed=saved.replayed)
