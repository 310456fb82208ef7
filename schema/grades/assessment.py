"""The grade assessment workflow in GraphQL: the steps as mutations, an assessment by id.

`Mediator.grade` (public) and `Mediator.gradeHistory` (roster:read) live on the mediator type and read
through the per-request loaders; this module builds the assessment type they return.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Awaitable
from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON

from auth.scopes import Scope
from resolvers.core.write import Writer
from resolvers.grades import assessment
from resolvers.grades import decision as grade_decision
from resolvers.grades.assessment import (
    AppealOutcome,
    AssessmentRecord,
    AssessmentSaved,
    AssessmentStatus,
    ReviewDecision,
    StepAction,
)
from schema.core.context import Info
from schema.core.payloads import PROBLEMS, AnyProblem, outcome
from schema.core.permissions import protected
from schema.core.write import KEY, raw, writer

strawberry.enum(
    AssessmentStatus,
    name="GradeAssessmentStatus",
    description="Where a grade assessment stands: APPLIED, UNDER_NOTICE (public notice), APPEALED, then DECIDED"
    " or REFUSED.",
)
strawberry.enum(StepAction, name="GradeStepAction", description="A step of the grade assessment workflow.")
strawberry.enum(ReviewDecision, name="GradeReviewDecision", description="The review's outcome: pass to notice, or refuse.")
strawberry.enum(
    AppealOutcome, name="GradeAppealOutcome", description="UPHELD refuses the grade; DISMISSED returns to the notice."
)

ASSESSMENT_ID = Annotated[strawberry.ID, strawberry.argument(description="The assessment's registry id.")]
WRITE = Scope.GRADES_WRITE


@strawberry.type(description="One recorded step of an assessment: what happened, who did it and when.")
class GradeAssessmentStep:
    seq: int = strawberry.field(description="1 for the application, then one more per step.")
    action: StepAction = strawberry.field(description="The step taken.")
    status: AssessmentStatus = strawberry.field(description="The status the step left the assessment in.")
    at: datetime.datetime = strawberry.field(description="When it was recorded.")
    agency_id: strawberry.ID | None = strawberry.field(description="The agency that recorded it.")
    client_id: str | None = strawberry.field(description="The OAuth client that recorded it.")
    reason: str | None = strawberry.field(description="The reason or note given with the step.")


@strawberry.type(description="A grade assessment of a mediator under a scheme, from application to decision.")
class GradeAssessment:
    id: strawberry.ID = strawberry.field(description="The registry id of the assessment.")
    mediator_id: strawberry.ID = strawberry.field(description="The assessed mediator.")
    scheme: str = strawberry.field(description="The grade scheme's id.")
    grade: str = strawberry.field(description="The grade applied for (and conferred when DECIDED).")
    rank: int = strawberry.field(description="The grade's rank in its scheme; 1 is the highest.")
    period_start: datetime.date = strawberry.field(description="First day of the assessment period.")
    period_end: datetime.date = strawberry.field(description="Last day of the assessment period.")
    status: AssessmentStatus = strawberry.field(description="Where the assessment stands.")
    version: int = strawberry.field(description="Bumped by every step.")
    applied_at: datetime.datetime = strawberry.field(description="When the application was filed.")
    notice_starts_on: datetime.date | None = strawberry.field(description="First day of the public notice.")
    notice_ends_on: datetime.date | None = strawberry.field(
        description="Last day of the public notice; appeals are accepted until then, the decision from the day after."
    )
    refusal_reason: str | None = strawberry.field(description="Why the review or an upheld appeal refused the grade.")
    appeal_reason: str | None = strawberry.field(description="The latest appeal lodged during the notice.")
    appeal_outcome: AppealOutcome | None = strawberry.field(description="How the latest appeal was resolved.")
    decided_at: datetime.datetime | None = strawberry.field(description="When the grade was decided.")
    valid_from: datetime.date | None = strawberry.field(description="First day the decided grade is valid.")
    valid_until: datetime.date | None = strawberry.field(description="Last day the decided grade is valid.")
    reassessment_due: datetime.date | None = strawberry.field(description="When the next assessment is due.")
    override_reason: str | None = strawberry.field(
        description="Why the grade was decided although the evidence did not support it; null when it did."
    )
    evidence: JSON | None = strawberry.field(
        description="The eligibility computed from the graph when the grade was decided: the scheme, period and"
        " every criterion of the highest grade qualified for and of the next one up."
    )
    steps: list[GradeAssessmentStep] = strawberry.field(description="Every step so far, oldest first.")

    @classmethod
    def from_record(cls, record: AssessmentRecord) -> GradeAssessment:
        steps = [
            GradeAssessmentStep(
                seq=step.seq, action=StepAction(step.action), status=AssessmentStatus(step.status), at=step.at,
                agency_id=strawberry.ID(step.agency_id) if step.agency_id else None, client_id=step.client_id,
                reason=step.reason,
            )
            for step in record.steps
        ]
        return cls(
            id=strawberry.ID(record.id), mediator_id=strawberry.ID(record.mediator_id), scheme=record.scheme,
            grade=record.grade, rank=record.rank, period_start=record.period_start, period_end=record.period_end,
            status=AssessmentStatus(record.status), version=record.version, applied_at=record.applied_at,
            notice_starts_on=record.notice_starts_on, notice_ends_on=record.notice_ends_on,
            refusal_reason=record.refusal_reason, appeal_reason=record.appeal_reason,
            appeal_outcome=AppealOutcome(record.appeal_outcome) if record.appeal_outcome else None,
            decided_at=record.decided_at, valid_from=record.valid_from, valid_until=record.valid_until,
            reassessment_due=record.reassessment_due, override_reason=record.override_reason,
            evidence=cast(JSON, json.loads(record.evidence)) if record.evidence else None, steps=steps,
        )


@strawberry.type(description="Grade assessments as they can be queried.")
class AssessmentQuery:
    @protected(Scope.ROSTER_READ, "One grade assessment; null when unknown or the mediator is outside the caller's reach.")
    async def grade_assessment(self, info: Info, id: ASSESSMENT_ID) -> GradeAssessment | None:
        found = await assessment.grade_assessment(info.context.graph, id=str(id), viewer=info.context.viewer)
        return GradeAssessment.from_record(found) if found else None


@strawberry.input(description="A mediator's application for a grade, filed by the bureau acting for the mediator.")
class GradeApplicationInput:
    mediator_id: strawberry.ID = strawberry.field(description="A FILED mediator with no open assessment.")
    scheme: str = strawberry.field(description="The scheme's id (national, guangdong, yaan).")
    grade: str = strawberry.field(description="The grade applied for, by its name in the scheme.")
    period_end: datetime.date | None = strawberry.field(
        default=None, description="Last day of the assessment period (the scheme sets its length); today if omitted."
    )
    note: str | None = strawberry.field(default=None, description="A note with the application (at most 500 characters).")


@strawberry.input(description="The filing bureau's (or association's) review of an application.")
class GradeReviewInput:
    decision: ReviewDecision = strawberry.field(description="PASS opens the public notice today; REFUSE ends it.")
    reason: str | None = strawberry.field(default=None, description="Why; required to refuse (2 to 500 characters).")
    notice_days: int = strawberry.field(
        default=assessment.NOTICE_DAYS, description="Length of the public notice in days (1 to 30; 7 by default)."
    )


@strawberry.input(description="An appeal or complaint lodged during the public notice.")
class GradeAppealInput:
    reason: str = strawberry.field(description="The grounds (2 to 500 characters).")
    appellant: str | None = strawberry.field(default=None, description="Who lodged it, as they gave it (at most 100).")


@strawberry.input(description="How the pending appeal was resolved.")
class GradeAppealResolutionInput:
    outcome: AppealOutcome = strawberry.field(description="UPHELD refuses the grade; DISMISSED resumes the notice.")
    reason: str = strawberry.field(description="Why (2 to 500 characters).")


@strawberry.input(description="The decision conferring the grade after the notice.")
class GradeDecisionInput:
    validity_years: int = strawberry.field(
        default=grade_decision.VALIDITY_YEARS, description="Years the grade is valid (1 to 5)."
    )
    reassessment_years: int = strawberry.field(
        default=grade_decision.REASSESSMENT_YEARS, description="Years until the next assessment is due (1 to 5)."
    )
    override_reason: str | None = strawberry.field(
        default=None,
        description="Required, and recorded, to decide a grade above what the evidence supports (10 to 500 characters).",
    )


@strawberry.type(description="The assessment after the step.")
class GradeAssessmentSaved:
    assessment: GradeAssessment = strawberry.field(description="The assessment as it now stands.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


GradeAssessmentPayload = Annotated[
    GradeAssessmentSaved | PROBLEMS,
    strawberry.union("GradeAssessmentPayload", description="The assessment after the step, or a problem."),
]


async def settle(step: Writer, write: Awaitable[AssessmentSaved]) -> GradeAssessmentSaved | AnyProblem:
    return await outcome(write, lambda saved: assessment_saved(step, saved))


async def assessment_saved(step: Writer, saved: AssessmentSaved) -> GradeAssessmentSaved:
    found = await assessment.saved_assessment(step, saved.id)
    assert found is not None
    return GradeAssessmentSaved(assessment=GradeAssessment.from_record(found), replayed=saved.replayed)


@strawberry.type(description="The grade assessment workflow; each step is one audited transaction.")
class AssessmentMutation:
    @protected(WRITE, "File a mediator's grade application, as the bureau acting for the mediator within its reach.")
    async def apply_for_grade(
        self, info: Info, input: Annotated[GradeApplicationInput, strawberry.argument(description="The application.")],
        idempotency_key: KEY = None,
    ) -> GradeAssessmentPayload:
        step = writer(info)
        return await settle(step, assessment.apply_for_grade(step, raw(input), idempotency_key=idempotency_key))

    @protected(WRITE, "Record the review of an APPLIED assessment: pass to public notice, or refuse with a reason.")
    async def review_grade_application(
        self, info: Info, assessment_id: ASSESSMENT_ID,
        input: Annotated[GradeReviewInput, strawberry.argument(description="The review.")],
        idempotency_key: KEY = None,
    ) -> GradeAssessmentPayload:
        step = writer(info)
        write = assessment.review_grade_application(step, str(assessment_id), raw(input), idempotency_key=idempotency_key)
        return await settle(step, write)

    @protected(WRITE, "Record an appeal lodged during the public notice of an assessment.")
    async def appeal_grade(
        self, info: Info, assessment_id: ASSESSMENT_ID,
        input: Annotated[GradeAppealInput, strawberry.argument(description="The appeal.")],
        idempotency_key: KEY = None,
    ) -> GradeAssessmentPayload:
        step = writer(info)
        write = assessment.appeal_grade(step, str(assessment_id), raw(input), idempotency_key=idempotency_key)
        return await settle(step, write)

    @protected(WRITE, "Resolve the pending appeal of an assessment: upheld (grade refused) or dismissed.")
    async def resolve_grade_appeal(
        self, info: Info, assessment_id: ASSESSMENT_ID,
        input: Annotated[GradeAppealResolutionInput, strawberry.argument(description="The resolution.")],
        idempotency_key: KEY = None,
    ) -> GradeAssessmentPayload:
        step = writer(info)
        write = assessment.resolve_grade_appeal(step, str(assessment_id), raw(input), idempotency_key=idempotency_key)
        return await settle(step, write)

    @protected(WRITE, "Decide the grade after its notice ended, storing the evidence computed from the graph now.")
    async def decide_grade(
        self, info: Info, assessment_id: ASSESSMENT_ID,
        input: Annotated[
            GradeDecisionInput | None, strawberry.argument(description="Validity, reassessment and any override.")
        ] = None,
        idempotency_key: KEY = None,
    ) -> GradeAssessmentPayload:
        step = writer(info)
        data = raw(input) if input is not None else {}
        write = grade_decision.decide_grade(step, str(assessment_id), data, idempotency_key=idempotency_key)
        return await settle(step, write)
