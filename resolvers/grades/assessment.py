"""The grade assessment workflow (scope `grades:write`) and the current grade.

A judicial bureau (or the platform) acts for the mediator and for the mediators' association, which has no
client of its own here: it files the application, records the review, the public notice, any appeal during
the notice and the decision (Xianning procedure, domain.md 1.5). Each step is one audited transaction that
appends an `AssessmentStep` with its agency, client and time, and an event to the mediator's audit chain:

    APPLIED --pass--> UNDER_NOTICE --decide (after the notice ends)--> DECIDED
       |                 |    ^
     refuse            appeal | dismissed
       v                 v    |
    REFUSED <--upheld-- APPEALED

A mediator has at most one open assessment. The decision stores the eligibility computed from the graph at
that moment (`resolvers/grading.py`) as its evidence; deciding a grade above the highest one the evidence
supports needs an `overrideReason`, which is recorded with the decision. The current grade is the latest
DECIDED assessment whose validity covers today; refused and expired ones stay in the history.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.records import camel, native
from graph.core.viewer import Viewer
from graph.core.vocabulary import RecordStatus
from graph.grades import assessment as store
from graph.grades.assessment import AssessmentRecord, CurrentGrade
from resolvers.core import clock
from resolvers.core.outcomes import (
    FieldProblem,
    Problem,
    ProblemCode,
    conflict,
    invalid,
    stale,
)
from resolvers.core.write import Writer, checked_state, unit_of_work, validated
from resolvers.directory.mediator import writable_mediator
from resolvers.grades.grading import SCHEMES

__all__ = ["AssessmentRecord", "CurrentGrade"]

NOTICE_DAYS = 7
"""Default length of the public notice. domain.md 1.5 requires a notice with appeals during it (Xianning)
but gives no length; 7 days is a registry default the reviewing bureau may change per assessment."""


class AssessmentStatus(StrEnum):
    APPLIED = "APPLIED"
    UNDER_NOTICE = "UNDER_NOTICE"
    APPEALED = "APPEALED"
    DECIDED = "DECIDED"
    REFUSED = "REFUSED"


class StepAction(StrEnum):
    APPLY = "APPLY"
    PASS_REVIEW = "PASS_REVIEW"
    REFUSE_REVIEW = "REFUSE_REVIEW"
    APPEAL = "APPEAL"
    UPHOLD_APPEAL = "UPHOLD_APPEAL"
    DISMISS_APPEAL = "DISMISS_APPEAL"
    DECIDE = "DECIDE"


class ReviewDecision(StrEnum):
    PASS = "PASS"
    REFUSE = "REFUSE"


class AppealOutcome(StrEnum):
    UPHELD = "UPHELD"
    DISMISSED = "DISMISSED"


S = AssessmentStatus
STEPS: dict[StepAction, tuple[frozenset[AssessmentStatus], AssessmentStatus]] = {
    StepAction.PASS_REVIEW: (frozenset({S.APPLIED}), S.UNDER_NOTICE),
    StepAction.REFUSE_REVIEW: (frozenset({S.APPLIED}), S.REFUSED),
    StepAction.APPEAL: (frozenset({S.UNDER_NOTICE}), S.APPEALED),
    StepAction.UPHOLD_APPEAL: (frozenset({S.APPEALED}), S.REFUSED),
    StepAction.DISMISS_APPEAL: (frozenset({S.APPEALED}), S.UNDER_NOTICE),
    StepAction.DECIDE: (frozenset({S.UNDER_NOTICE}), S.DECIDED),
}
"""Which status each step leaves from and where it goes; an upheld appeal refuses the grade."""
CLOSED = frozenset({S.DECIDED, S.REFUSED})


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, alias_generator=camel)


class GradeApplication(Strict):
    mediator_id: str = Field(min_length=1, max_length=64)
    scheme: str = Field(min_length=1, max_length=40)
    grade: str = Field(min_length=1, max_length=20)
    period_end: datetime.date | None = None
    note: str | None = Field(default=None, max_length=500)


class Review(Strict):
    decision: ReviewDecision
    reason: str | None = Field(default=None, min_length=2, max_length=500)
    notice_days: int = Field(default=NOTICE_DAYS, ge=1, le=30)


class Appeal(Strict):
    reason: str = Field(min_length=2, max_length=500)
    appellant: str | None = Field(default=None, max_length=100)


class AppealResolution(Strict):
    outcome: AppealOutcome
    reason: str = Field(min_length=2, max_length=500)


@dataclass(frozen=True, slots=True)
class AssessmentSaved:
    id: str
    replayed: bool = False


def camel_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """Inputs arrive with Python names; validating by their GraphQL names makes problems name those."""
    return {camel(key): value for key, value in raw.items()}


def illegal(message: str) -> Problem:
    return Problem(ProblemCode.ILLEGAL_TRANSITION, "status", message)


def next_status(action: StepAction, current: AssessmentStatus) -> AssessmentStatus:
    sources, target = STEPS[action]
    if current not in sources:
        allowed = ", ".join(sorted(s.value for s in sources))
        raise illegal(f"An assessment that is {current.value} cannot take the step {action.value} (allowed from {allowed}).")
    return target


def step_of(writer: Writer, action: StepAction, status: AssessmentStatus, reason: str | None) -> dict[str, Any]:
    return {
        "action": action.value,
        "status": status.value,
        "at": clock.now(),
        "agencyId": writer.actor.agency_id,
        "clientId": writer.actor.client_id,
        "reason": reason,
    }


def change_of(operation: str, mediator: str, id: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Change:
    """Steps are audited on the mediator's chain, where a bureau reading the mediator's trail finds them."""
    old = {"gradeAssessment": id, "status": before.get("status") if before else None}
    changed = {key: value for key, value in native(after).items() if not before or before.get(key) != value}
    return Change(mediator, "Mediator", operation, old, {"gradeAssessment": id, **changed})


async def apply_for_grade(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> AssessmentSaved:
    """Step 1: the bureau files a FILED mediator's application for a grade of a scheme over a period."""
    data = validated(GradeApplication, camel_keys(raw))
    scheme = SCHEMES.get(data.scheme)
    if scheme is None:
        known = ", ".join(sorted(SCHEMES))
        raise invalid([FieldProblem("scheme", f"No grade scheme is called {data.scheme!r}; known: {known}.")])
    grade = next((g for g in scheme.grades if g.grade == data.grade), None)
    if grade is None:
        names = ", ".join(g.grade for g in scheme.by_rank())
        raise invalid([FieldProblem("grade", f"The scheme {scheme.id} has no grade {data.grade!r}; its grades: {names}.")])
    today = clock.today()
    end = data.period_end or today
    if end > today:
        raise invalid([FieldProblem("periodEnd", "The assessment period cannot end in the future.")])
    start, end = scheme.period(end)
    new_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        mediator = await writable_mediator(writer, tx, data.mediator_id, None)
        if mediator.get("status") != RecordStatus.FILED.value:
            raise invalid([FieldProblem("mediatorId", "Only a FILED mediator may apply for a grade.")])
        open_one = await store.claim_slot(writer.graph, tx, mediator=data.mediator_id, assessment=new_id)
        if open_one is not None:
            raise conflict(
                f"The mediator's assessment {open_one} is still open; it must be decided or refused first.", "mediatorId"
            )
        props = {
            "scheme": scheme.id, "grade": grade.grade, "rank": grade.rank, "periodStart": start, "periodEnd": end,
            "period": f"{start.isoformat()}/{end.isoformat()}", "status": S.APPLIED.value,
            "appliedAt": clock.now(), "note": data.note,
        }
        step = step_of(writer, StepAction.APPLY, S.APPLIED, data.note)
        after = await store.create_assessment(writer.graph, tx, mediator=data.mediator_id, id=new_id, props=props, step=step)
        return new_id, [change_of("applyForGrade", data.mediator_id, new_id, None, after)]

    entity, replayed = await unit_of_work(
        writer, operation="applyForGrade", payload=raw, idempotency_key=idempotency_key, work=work
    )
    return AssessmentSaved(entity, replayed)


@dataclass(frozen=True, slots=True)
class Stored:
    mediator: str
    props: dict[str, Any]

    @property
    def status(self) -> AssessmentStatus:
        return AssessmentStatus(self.props["status"])


async def writable_assessment(writer: Writer, tx: Tx, id: str) -> Stored:
    state = await store.assessment_state(writer.graph, tx, id=id, viewer=writer.viewer)
    outside = "The mediator serves no organization inside the bureau's jurisdiction."
    props = checked_state(state, None, kind="assessment", outside=outside)
    assert state is not None
    return Stored(str(state["mediator"]), props)


async def advance(
    writer: Writer,
    tx: Tx,
    found: Stored,
    id: str,
    action: StepAction,
    props: dict[str, Any],
    reason: str | None,
    operation: str,
) -> tuple[str, list[Change]]:
    """Move the assessment one step (refused when its status does not allow it) and free the mediator's slot
    when the step closes it."""
    status = next_status(action, found.status)
    after = await store.advance_assessment(
        writer.graph, tx, id=id, version=int(found.props["version"]), props=props | {"status": status.value},
        step=step_of(writer, action, status, reason),
    )
    if after is None:
        raise stale("assessment", int(found.props["version"]))
    if status in CLOSED:
        await store.release_slot(writer.graph, tx, mediator=found.mediator, assessment=id)
    return id, [change_of(operation, found.mediator, id, found.props, after)]


async def review_grade_application(
    writer: Writer, id: str, raw: dict[str, Any], *, idempotency_key: str | None
) -> AssessmentSaved:
    """Step 2 and 3: a pass opens the public notice today for `noticeDays` days; a refusal needs a reason."""
    data = validated(Review, camel_keys(raw))
    if data.decision is ReviewDecision.REFUSE and not data.reason:
        raise invalid([FieldProblem("reason", "A refusal needs a reason.")])
    today = clock.today()

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        found = await writable_assessment(writer, tx, id)
        if data.decision is ReviewDecision.REFUSE:
            return await advance(
                writer, tx, found, id, StepAction.REFUSE_REVIEW, {"refusalReason": data.reason}, data.reason,
                "reviewGradeApplication",
            )
        notice = {"noticeStartsOn": today, "noticeEndsOn": today + datetime.timedelta(days=data.notice_days - 1)}
        return await advance(writer, tx, found, id, StepAction.PASS_REVIEW, notice, data.reason, "reviewGradeApplication")

    entity, replayed = await unit_of_work(
        writer, operation="reviewGradeApplication", payload={"id": id, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return AssessmentSaved(entity, replayed)


async def appeal_grade(writer: Writer, id: str, raw: dict[str, Any], *, idempotency_key: str | None) -> AssessmentSaved:
    """Step 4: an appeal or complaint recorded during the notice period (its last day included)."""
    data = validated(Appeal, camel_keys(raw))
    today = clock.today()

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        found = await writable_assessment(writer, tx, id)
        next_status(StepAction.APPEAL, found.status)
        ends = native(found.props.get("noticeEndsOn"))
        if ends is None or today > ends:
            raise illegal(f"The notice period ended on {ends}; an appeal is no longer accepted.")
        reason = f"{data.appellant}: {data.reason}" if data.appellant else data.reason
        props = {"appealReason": reason, "appealOutcome": None, "appealedOn": today}
        return await advance(writer, tx, found, id, StepAction.APPEAL, props, reason, "appealGrade")

    entity, replayed = await unit_of_work(
        writer, operation="appealGrade", payload={"id": id, "input": raw}, idempotency_key=idempotency_key, work=work
    )
    return AssessmentSaved(entity, replayed)


async def resolve_grade_appeal(
    writer: Writer, id: str, raw: dict[str, Any], *, idempotency_key: str | None
) -> AssessmentSaved:
    """An upheld appeal refuses the grade; a dismissed one returns the assessment to its notice."""
    data = validated(AppealResolution, camel_keys(raw))
    upheld = data.outcome is AppealOutcome.UPHELD
    action = StepAction.UPHOLD_APPEAL if upheld else StepAction.DISMISS_APPEAL

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        found = await writable_assessment(writer, tx, id)
        props: dict[str, Any] = {"appealOutcome": data.outcome.value}
        if upheld:
            props["refusalReason"] = data.reason
        return await advance(writer, tx, found, id, action, props, data.reason, "resolveGradeAppeal")

    entity, replayed = await unit_of_work(
        writer, operation="resolveGradeAppeal", payload={"id": id, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return AssessmentSaved(entity, replayed)


async def grade_assessment(graph: Graph, *, id: str, viewer: Viewer) -> AssessmentRecord | None:
    return await store.assessment_by_id(graph, id=id, viewer=viewer)


async def saved_assessment(writer: Writer, id: str) -> AssessmentRecord | None:
    """The assessment after a step, as its writer may read it even without `roster:read`."""
    return await store.assessment_by_id(writer.graph, id=id, viewer=dataclasses.replace(writer.viewer, roster=True))


async def current_grades(graph: Graph, *, ids: Sequence[str]) -> dict[str, CurrentGrade]:
    return await store.current_grades_of_mediators(graph, ids=ids, on=clock.today())


async def grade_histories(graph: Graph, *, ids: Sequence[str], viewer: Viewer) -> dict[str, list[AssessmentRecord]]:
    return await store.assessments_of_mediators(graph, ids=ids, viewer=viewer)
