"""Grade eligibility, bulk grade assessment and the training ledger in GraphQL.

Mount on the root Query one line each, as `auditTrail` is (tests/grades/test_grades.py mounts them exactly so):

    from schema.grades import grading
    ...
    grade_eligibility = protected(Scope.ROSTER_READ, grading.ELIGIBILITY)(grading.grade_eligibility)
    bulk_assess_grades = protected(Scope.ROSTER_READ, grading.BULK)(grading.bulk_assess_grades)
    training_status = protected(Scope.ROSTER_READ, grading.TRAINING)(grading.training_status)
    mediators_below_training_hours = protected(Scope.ROSTER_READ, grading.BELOW)(grading.mediators_below_training_hours)
"""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from resolvers.grades import grading, training
from resolvers.grades.grading import Criterion
from resolvers.grades.grading import GradeScheme as SchemeData
from schema.core.connection import AFTER, FIRST
from schema.core.context import Info
from schema.core.enums import TrainingTopic

strawberry.enum(Criterion, name="GradeCriterion", description="A condition a grade scheme sets for a grade.")

ELIGIBILITY = (
    "Every criterion of the highest grade the mediator qualifies for and of the next grade up, with the required"
    " value, the mediator's value and whether it passes; null when the mediator is unknown or outside the"
    " caller's reach."
)
BULK = (
    "Grade eligibility of every mediator serving in a jurisdiction subtree, computed in one pass: how many"
    " qualify for each grade and a page of mediators with their highest grade; null outside the caller's reach."
)
TRAINING = (
    "A mediator's training hours in a calendar year against the scheme's annual requirement, plus pre-job hours"
    " in the year the mediator's first membership began, and against each topic quota of the scheme; null when"
    " unknown or outside the caller's reach."
)
BELOW = (
    "Mediators serving in a jurisdiction subtree during a year whose training hours fall short of the requirement"
    " or of any topic quota of the jurisdiction's scheme, sorted by name; null outside the caller's reach."
)


@strawberry.type(description="A grade scheme: the grades a province uses and how they are earned.")
class GradeScheme:
    id: str = strawberry.field(description="The scheme's id, e.g. national, guangdong or yaan.")
    name: str = strawberry.field(description="The scheme's name as issued.")
    provinces: list[str] = strawberry.field(description="Two-digit codes of the provinces that use it.")
    period_years: int = strawberry.field(description="Length of the assessment period in years.")
    grades: list[str] = strawberry.field(description="Grade names, highest first.")

    @classmethod
    def of(cls, scheme: SchemeData) -> GradeScheme:
        names = [grade.grade for grade in scheme.by_rank()]
        return cls(id=scheme.id, name=scheme.name, provinces=scheme.provinces, period_years=scheme.period_years, grades=names)


@strawberry.type(description="One criterion of a grade checked against a mediator's record.")
class CriterionCheck:
    criterion: Criterion = strawberry.field(description="Which condition.")
    required: float = strawberry.field(
        description="The threshold: a minimum for service years, cases, success rate, training hours and credentials;"
        " a maximum for oral share, sanctions and criminal escalations."
    )
    actual: float = strawberry.field(
        description="The mediator's value in the period (rates are shares of closed cases, 0 to 1)."
    )
    passed: bool = strawberry.field(description="Whether the value meets the threshold.")


@strawberry.type(description="A grade and how a mediator's record compares with each of its criteria.")
class GradeCheck:
    grade: str = strawberry.field(description="The grade's name in its scheme.")
    rank: int = strawberry.field(description="1 for the highest grade of the scheme.")
    qualified: bool = strawberry.field(description="Whether every criterion passes.")
    criteria: list[CriterionCheck] = strawberry.field(description="Each criterion the scheme sets for this grade.")

    @classmethod
    def of(cls, check: grading.GradeCheck | None) -> GradeCheck | None:
        if check is None:
            return None
        criteria = [
            CriterionCheck(criterion=c.criterion, required=c.required, actual=c.actual, passed=c.passed) for c in check.criteria
        ]
        return cls(grade=check.grade, rank=check.rank, qualified=check.qualified, criteria=criteria)


@strawberry.type(description="Where a mediator stands in a grade scheme for one assessment period.")
class GradeEligibility:
    mediator_id: strawberry.ID = strawberry.field(description="The mediator's registry id.")
    scheme: GradeScheme = strawberry.field(description="The scheme applied.")
    period_start: datetime.date = strawberry.field(description="First day of the assessment period.")
    period_end: datetime.date = strawberry.field(description="Last day of the assessment period.")
    highest: GradeCheck | None = strawberry.field(description="The highest grade qualified for; null if none.")
    next: GradeCheck | None = strawberry.field(
        description="The grade above the highest one qualified for (the lowest grade when none); null at the top."
    )


@strawberry.type(description="How many mediators qualify for a grade as their highest.")
class GradeCount:
    grade: str = strawberry.field(description="The grade's name.")
    mediators: int = strawberry.field(description="Mediators whose highest qualified grade this is.")


@strawberry.type(description="One mediator of a bulk assessment.")
class AssessedMediator:
    mediator_id: strawberry.ID = strawberry.field(description="The mediator's registry id.")
    name: str = strawberry.field(description="The mediator's name.")
    highest_grade: str | None = strawberry.field(description="The highest grade qualified for; null if none.")
    cursor: str = strawberry.field(description="Pass as `after` to continue after this mediator.")


@strawberry.type(description="Grade eligibility of every mediator in a jurisdiction subtree for one period.")
class GradeReport:
    scheme: GradeScheme = strawberry.field(description="The scheme applied.")
    period_start: datetime.date = strawberry.field(description="First day of the assessment period.")
    period_end: datetime.date = strawberry.field(description="Last day of the assessment period.")
    assessed: int = strawberry.field(description="How many mediators were assessed.")
    counts: list[GradeCount] = strawberry.field(description="Mediators per highest qualified grade, highest first.")
    ungraded: int = strawberry.field(description="Mediators who qualify for no grade.")
    mediators: list[AssessedMediator] = strawberry.field(description="This page of mediators, sorted by name.")
    has_next_page: bool = strawberry.field(description="True when more mediators follow this page.")


@strawberry.type(description="A mediator's hours of one topic in a calendar year against the scheme's quota.")
class TopicQuotaStatus:
    topic: TrainingTopic = strawberry.field(description="The topic the scheme sets a quota for.")
    required_hours: float = strawberry.field(description="The minimum hours of the topic a year.")
    hours: float = strawberry.field(description="Hours of courses on the topic completed in the year.")
    met: bool = strawberry.field(description="Whether the hours completed reach the quota.")


@strawberry.type(description="A mediator's training hours in one calendar year against the requirement.")
class TrainingStatus:
    mediator_id: strawberry.ID = strawberry.field(description="The mediator's registry id.")
    name: str = strawberry.field(description="The mediator's name.")
    year: int = strawberry.field(description="The calendar year.")
    hours: float = strawberry.field(description="Hours completed in the year.")
    annual_hours: float = strawberry.field(description="The scheme's annual requirement (20 unless it says otherwise).")
    pre_job_hours: float = strawberry.field(description="Pre-job hours due this year (only in the first year).")
    required_hours: float = strawberry.field(description="Annual plus pre-job hours.")
    topic_quotas: list[TopicQuotaStatus] = strawberry.field(
        description="Each topic quota of the mediator's scheme (the jurisdiction's in a list); empty when it sets none."
    )
    met: bool = strawberry.field(description="Whether the hours completed meet the requirement and every topic quota.")
    cursor: str = strawberry.field(description="Pass as `after` to continue after this mediator in a list.")

    @classmethod
    def of(cls, status: training.TrainingStatus) -> TrainingStatus:
        quotas = [
            TopicQuotaStatus(topic=t.topic, required_hours=t.required_hours, hours=t.hours, met=t.met)
            for t in status.topic_quotas
        ]
        return cls(
            mediator_id=strawberry.ID(status.mediator_id), name=status.name, year=status.year, hours=status.hours,
            annual_hours=status.annual_hours, pre_job_hours=status.pre_job_hours,
            required_hours=status.required_hours, topic_quotas=quotas, met=status.met, cursor=status.cursor,
        )


@strawberry.type(description="A page of mediators below their training requirement.")
class TrainingShortfall:
    total_count: int = strawberry.field(description="How many mediators fall short in all.")
    mediators: list[TrainingStatus] = strawberry.field(description="This page, sorted by name.")
    has_next_page: bool = strawberry.field(description="True when more mediators follow this page.")


MEDIATOR_ID = Annotated[strawberry.ID, strawberry.argument(description="The mediator's registry id.")]
SCHEME = Annotated[
    str | None,
    strawberry.argument(description="A scheme id (national, guangdong, yaan); the province's scheme when omitted."),
]
PERIOD_END = Annotated[
    datetime.date | None,
    strawberry.argument(description="Last day of the assessment period; today when omitted."),
]
JURISDICTION = Annotated[str, strawberry.argument(description="A division code: the subtree below it is assessed.")]
YEAR = Annotated[int, strawberry.argument(description="The calendar year.")]


async def grade_eligibility(
    info: Info, mediator_id: MEDIATOR_ID, scheme: SCHEME = None, period_end: PERIOD_END = None
) -> GradeEligibility | None:
    found = await grading.grade_eligibility(
        info.context.graph, mediator_id=str(mediator_id), scheme=scheme, period_end=period_end, viewer=info.context.viewer
    )
    if found is None:
        return None
    return GradeEligibility(
        mediator_id=strawberry.ID(found.mediator_id), scheme=GradeScheme.of(found.scheme),
        period_start=found.period_start, period_end=found.period_end,
        highest=GradeCheck.of(found.highest), next=GradeCheck.of(found.next),
    )


async def bulk_assess_grades(
    info: Info,
    jurisdiction: JURISDICTION,
    scheme: SCHEME = None,
    period_end: PERIOD_END = None,
    first: FIRST = None,
    after: AFTER = None,
) -> GradeReport | None:
    report = await grading.bulk_assess(
        info.context.graph, jurisdiction=jurisdiction, scheme=scheme, period_end=period_end,
        first=first, after=after, viewer=info.context.viewer,
    )
    if report is None:
        return None
    page = [
        AssessedMediator(
            mediator_id=strawberry.ID(a.mediator_id), name=a.name,
            highest_grade=a.highest, cursor=a.cursor,
        )
        for a in report.page
    ]
    return GradeReport(
        scheme=GradeScheme.of(report.scheme), period_start=report.period_start, period_end=report.period_end,
        assessed=report.assessed, counts=[GradeCount(grade=g, mediators=n) for g, n in report.counts.items()],
        ungraded=report.ungraded, mediators=page, has_next_page=report.has_next,
    )


async def training_status(info: Info, mediator_id: MEDIATOR_ID, year: YEAR) -> TrainingStatus | None:
    found = await training.training_status(
        info.context.graph, mediator_id=str(mediator_id), year=year, viewer=info.context.viewer
    )
    return TrainingStatus.of(found) if found else None


async def mediators_below_training_hours(
    info: Info, jurisdiction: JURISDICTION, year: YEAR, first: FIRST = None, after: AFTER = None
) -> TrainingShortfall | None:
    found = await training.mediators_below_training_hours(
        info.context.graph, jurisdiction=jurisdiction, year=year, first=first, after=after, viewer=info.context.viewer
    )
    if found is None:
        return None
    items = [TrainingStatus.of(item) for item in found.items]
    return TrainingShortfall(total_count=found.total, mediators=items, has_next_page=found.has_next)
