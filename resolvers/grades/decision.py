"""Step 5 of the grade workflow: the decision, on the evidence the graph shows at that moment.

The eligibility computed just before the decision's transaction is stored with it as canonical JSON; a grade
above what that evidence supports needs a recorded override reason. The earlier steps are in
`resolvers.grades.assessment`.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from pydantic import Field

from graph.audit.hashing import canonical
from graph.audit.trail import Change
from graph.core.driver import Tx
from graph.core.records import native
from graph.grades import assessment as store
from resolvers.core import clock
from resolvers.core.outcomes import FieldProblem, invalid, stale
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.courts.invitation import years_after
from resolvers.grades.assessment import (
    AssessmentSaved,
    StepAction,
    Strict,
    advance,
    camel_keys,
    illegal,
    next_status,
    writable_assessment,
)
from resolvers.grades.grading import Eligibility, GradeCheck, grade_eligibility

VALIDITY_YEARS = 2
REASSESSMENT_YEARS = 2
"""Futian assesses every two years (domain.md 1.5); both default to that cycle."""


class Decision(Strict):
    validity_years: int = Field(default=VALIDITY_YEARS, ge=1, le=5)
    reassessment_years: int = Field(default=REASSESSMENT_YEARS, ge=1, le=5)
    override_reason: str | None = Field(default=None, min_length=10, max_length=500)


def check_dict(check: GradeCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "grade": check.grade, "rank": check.rank, "qualified": check.qualified,
        "criteria": [
            {"criterion": c.criterion.value, "required": c.required, "actual": c.actual, "passed": c.passed}
            for c in check.criteria
        ],
    }


def evidence_of(found: Eligibility, computed_at: datetime.datetime) -> str:
    """The eligibility as canonical JSON: what the decision was based on, as the graph showed it then."""
    return canonical(
        {
            "scheme": found.scheme.id, "periodStart": found.period_start, "periodEnd": found.period_end,
            "computedAt": computed_at, "highest": check_dict(found.highest), "next": check_dict(found.next),
        }
    )


def supports(found: Eligibility | None, rank: int) -> bool:
    """The evidence supports a grade when the highest grade qualified for is that grade or a higher one."""
    return found is not None and found.highest is not None and found.highest.rank <= rank


async def decide_grade(writer: Writer, id: str, raw: dict[str, Any], *, idempotency_key: str | None) -> AssessmentSaved:
    """Step 5, after the notice has ended with no appeal pending: the grade is conferred for `validityYears`
    with a reassessment due after `reassessmentYears`, on the evidence computed now."""
    data = validated(Decision, camel_keys(raw))
    today = clock.today()
    reader = dataclasses.replace(writer.viewer, roster=True)  # the writer reads what it may write
    before = await store.assessment_by_id(writer.graph, id=id, viewer=reader)
    computed_at = clock.now()
    found = None
    if before is not None:
        found = await grade_eligibility(
            writer.graph, mediator_id=before.mediator_id, scheme=before.scheme, period_end=before.period_end, viewer=reader
        )

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        stored = await writable_assessment(writer, tx, id)
        next_status(StepAction.DECIDE, stored.status)
        ends = native(stored.props.get("noticeEndsOn"))
        if ends is None or today <= ends:
            raise illegal(f"The public notice runs until {ends}; the grade can be decided from the day after.")
        if before is None or found is None or int(stored.props["version"]) != before.version:
            raise stale("assessment", int(stored.props["version"]))
        rank = int(stored.props["rank"])
        if not supports(found, rank) and not data.override_reason:
            best = found.highest.grade if found.highest else "no grade"
            message = f"The evidence supports {best}, not {stored.props['grade']}; give an overrideReason to decide it anyway."
            raise invalid([FieldProblem("overrideReason", message)])
        override = None if supports(found, rank) else data.override_reason
        props = {
            "decidedAt": computed_at, "validFrom": today, "validUntil": years_after(today, data.validity_years),
            "reassessmentDue": years_after(today, data.reassessment_years) + datetime.timedelta(days=1),
            "evidence": evidence_of(found, computed_at),
            "overrideReason": override,
        }
        return await advance(writer, tx, stored, id, StepAction.DECIDE, props, override, "decideGrade")

    entity, replayed = await unit_of_work(
        writer, operation="decideGrade", payload={"id": id, "input": raw}, idempotency_key=idempotency_key, work=work
    )
    return AssessmentSaved(entity, replayed)
