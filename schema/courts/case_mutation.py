"""The referring agency's writes on its cases (`cases:write`); each is one audited transaction."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.courts import case
from schema.core.context import Info
from schema.core.enums import Specialty
from schema.core.payloads import PROBLEMS, AnyProblem, outcome
from schema.core.permissions import protected
from schema.core.write import KEY, raw, writer
from schema.courts.case import (
    AgreementForm,
    ConfirmationStatus,
    ConflictGround,
    MediationCase,
    Outcome,
    Procedure,
    Referral,
)

WRITE = Scope.CASES_WRITE


@strawberry.input(description="A party's recorded consent.")
class ConsentInput:
    party: str = strawberry.field(description="The party's role label as given at referral.")
    consented_at: datetime.date = strawberry.field(description="When the party consented.")


@strawberry.input(description="The mediator's acceptance: the clock starts; a conflict needs every party's consent.")
class AcceptanceTermsInput:
    accepted_at: datetime.date | None = strawberry.field(default=None, description="When accepted; today if omitted.")
    disclosed_conflicts: list[ConflictGround] = strawberry.field(
        default_factory=list, description="Conflicts the mediator disclosed (empty: none); must include those known."
    )
    consents: list[ConsentInput] = strawberry.field(
        default_factory=list, description="Every party's consent, needed when there is a conflict (at most 20)."
    )


@strawberry.input(description="A case the calling court or partner refers to a mediator.")
class CaseReferralInput:
    case_code: str = strawberry.field(description="The case number, e.g. (2024)川0107民诉前调595号; unique.")
    mediator_id: strawberry.ID = strawberry.field(
        description="A FILED mediator on the court's invited list, or affiliated with the partner."
    )
    case_type: Specialty = strawberry.field(description="The dispute domain.")
    referral: Referral = strawberry.field(description="Delegated (pre-filing) or entrusted (post-filing).")
    parties: list[str] = strawberry.field(description="Role labels of the parties, 2 to 20, e.g. 申请人, 被申请人.")
    procedure: Procedure | None = strawberry.field(default=None, description="For an entrusted case: its procedure.")
    referred_at: datetime.date | None = strawberry.field(default=None, description="When referred; today if omitted.")
    known_conflicts: list[ConflictGround] = strawberry.field(
        default_factory=list, description="Conflicts of the mediator known at referral (e.g. raised by a party)."
    )
    acceptance: AcceptanceTermsInput | None = strawberry.field(
        default=None, description="The mediator's acceptance, when it is recorded with the referral."
    )


@strawberry.input(description="The mediator accepts a referred case.")
class CaseAcceptanceInput:
    case_id: strawberry.ID = strawberry.field(description="The case's registry id.")
    accepted_at: datetime.date | None = strawberry.field(default=None, description="When accepted; today if omitted.")
    disclosed_conflicts: list[ConflictGround] = strawberry.field(
        default_factory=list, description="Conflicts the mediator disclosed (empty: none); must include those known."
    )
    consents: list[ConsentInput] = strawberry.field(
        default_factory=list, description="Every party's consent, needed when there is a conflict."
    )


@strawberry.input(description="An extension of an accepted case's deadline, with every party's consent.")
class CaseExtensionInput:
    case_id: strawberry.ID = strawberry.field(description="The case's registry id.")
    days: int = strawberry.field(description="Days added to the deadline (the court's policy may cap the total).")
    consents: list[ConsentInput] = strawberry.field(description="Every party's consent, dated since acceptance.")


@strawberry.input(description="How an accepted case ended.")
class CaseClosingInput:
    case_id: strawberry.ID = strawberry.field(description="The case's registry id.")
    outcome: Outcome = strawberry.field(description="Agreement, no agreement, withdrawn or terminated.")
    closed_at: datetime.date | None = strawberry.field(default=None, description="When closed; today if omitted.")
    agreement_form: AgreementForm | None = strawberry.field(default=None, description="For an agreement: oral or written.")
    agreement_effective_at: datetime.date | None = strawberry.field(
        default=None, description="For an agreement: when it took effect; the closing date if omitted."
    )
    confirmation_status: ConfirmationStatus | None = strawberry.field(
        default=None, description="For an agreement: judicial confirmation so far; NOT_APPLIED if omitted."
    )
    confirmation_applied_on: datetime.date | None = strawberry.field(
        default=None, description="When the parties applied for confirmation: within 30 days of the effective date."
    )
    escalated_to_criminal: bool = strawberry.field(default=False, description="Whether the dispute became a crime.")
    litigation_case_code: str | None = strawberry.field(
        default=None, description="The case number the dispute was filed under in court, if known."
    )


@strawberry.input(description="A step of judicial confirmation of an agreement.")
class JudicialConfirmationInput:
    case_id: strawberry.ID = strawberry.field(description="The case's registry id.")
    status: ConfirmationStatus = strawberry.field(description="APPLIED, then CONFIRMED or REJECTED.")
    applied_on: datetime.date | None = strawberry.field(
        default=None, description="When the parties applied (first step only): within the 30-day window."
    )


@strawberry.type(description="The case as it is now recorded.")
class CaseSaved:
    case: MediationCase | None = strawberry.field(description="The case after the write.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


CasePayload = Annotated[CaseSaved | PROBLEMS, strawberry.union("CasePayload", description="A case or a problem.")]


async def settled(info: Info, write: Awaitable[case.CaseSaved]) -> CaseSaved | AnyProblem:
    return await outcome(write, lambda saved: case_saved(info, saved))


async def case_saved(info: Info, saved: case.CaseSaved) -> CaseSaved:
    assert info.context.principal is not None
    found = await case.own_case(info.context.graph, id=saved.id, agency=info.context.principal.agency_id)
    return CaseSaved(case=MediationCase.of(found) if found else None, replayed=saved.replayed)


@strawberry.type(description="The referring agency's changes to its cases.")
class CaseMutation:
    @protected(WRITE, "Record a case the calling court or partner referred to a mediator (and its acceptance).")
    async def record_case_referral(
        self, info: Info, input: Annotated[CaseReferralInput, strawberry.argument(description="The referral.")],
        idempotency_key: KEY = None,
    ) -> CasePayload:
        return await settled(info, case.record_case_referral(writer(info), raw(input), idempotency_key=idempotency_key))

    @protected(WRITE, "Record the mediator's acceptance of a case of the calling agency: the deadline is set.")
    async def accept_case(
        self, info: Info, input: Annotated[CaseAcceptanceInput, strawberry.argument(description="The acceptance.")],
        idempotency_key: KEY = None,
    ) -> CasePayload:
        return await settled(info, case.accept_case(writer(info), raw(input), idempotency_key=idempotency_key))

    @protected(WRITE, "Extend the deadline of an accepted case of the calling agency with every party's consent.")
    async def extend_case_deadline(
        self, info: Info, input: Annotated[CaseExtensionInput, strawberry.argument(description="The extension.")],
        idempotency_key: KEY = None,
    ) -> CasePayload:
        return await settled(info, case.extend_case_deadline(writer(info), raw(input), idempotency_key=idempotency_key))

    @protected(WRITE, "Close an accepted case of the calling agency with its outcome.")
    async def close_case(
        self, info: Info, input: Annotated[CaseClosingInput, strawberry.argument(description="The closing.")],
        idempotency_key: KEY = None,
    ) -> CasePayload:
        return await settled(info, case.close_case(writer(info), raw(input), idempotency_key=idempotency_key))

    @protected(WRITE, "Record an application for, or the result of, judicial confirmation of an agreement.")
    async def record_judicial_confirmation(
        self, info: Info,
        input: Annotated[JudicialConfirmationInput, strawberry.argument(description="The confirmation step.")],
        idempotency_key: KEY = None,
    ) -> CasePayload:
        write = case.record_judicial_confirmation(writer(info), raw(input), idempotency_key=idempotency_key)
        return await settled(info, write)
