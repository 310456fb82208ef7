"""Cross-department reports: a jurisdiction subtree, a court, a partner agency, over a period.

A report is one GraphQL query. Its sections are computed lazily, each by one aggregating statement in
`graph/report.py` or `graph/agency_report.py` (with the viewer's reach inside), so a caller pays only for the
sections it selects. Python folds grouped rows (kinds, grades, referrers), never mediators one by one. Rates
are shares from 0 to 1; a rate or an average over nothing is null rather than zero.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from graph.core.driver import Graph
from graph.core.viewer import Viewer
from graph.core.vocabulary import PEOPLES_COMMITTEES
from graph.courts.case import CaseReader
from graph.reports.jurisdiction import (
    CaseGroup,
    MediatorGroup,
    OrganizationGroup,
    OrganizationPage,
    OverduePage,
    Period,
    cases_in_subtree,
    committees_breaking_composition,
    mediator_groups,
    organizations_by_kind_and_status,
    overdue_in_subtree,
    subtree_in_reach,
    understaffed_organizations,
)
from graph.reports.jurisdiction import (
    StaffedOrganization as StaffedOrganization,
)
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.pagination import DEFAULT_PAGE, MAX_PAGE
from resolvers.grades.grading import (
    TrainingRule,
    scheme_for_division,
    valid_division,
)
from resolvers.grades.training import training_rules
from resolvers.reports.period import report_period, staffing_table
from resolvers.reports.rollup import Rollup, usable_rollup
from resolvers.roster.composition import (
    MAX_MEMBERS,
    MIN_MEMBERS,
)

T = TypeVar("T")
def list_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InputError(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    return size


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class Once(Generic[T]):
    """A statement run at most once per report, however many fields need its rows."""

    def __init__(self, run: Callable[[], Awaitable[T]]) -> None:
        self._run = run
        self._task: asyncio.Task[T] | None = None

    async def __call__(self) -> T:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())
        return await self._task


@dataclass(frozen=True, slots=True)
class Count:
    key: str | None
    count: int


@dataclass(frozen=True, slots=True)
class GradeTally:
    scheme: str
    grade: str
    rank: int | None
    mediators: int


@dataclass(frozen=True, slots=True)
class OrganizationFigures:
    total: int
    by_kind: list[Count]
    by_status: list[Count]
    by_kind_and_status: list[tuple[str | None, str | None, int]]


@dataclass(frozen=True, slots=True)
class MediatorFigures:
    total: int
    full_time: int
    full_time_ratio: float | None
    by_grade: list[GradeTally]
    ungraded: int
    by_employment: list[Count]
    by_background: list[Count]


@dataclass(frozen=True, slots=True)
class TrainingCoverage:
    year: int
    annual_hours: float
    pre_job_hours: float
    mediators: int
    met: int
    share: float | None


@dataclass(frozen=True, slots=True)
class CaseFigures:
    referrer_id: str | None
    referrer_name: str | None
    referrer_kind: str | None
    accepted: int
    closed: int
    agreements: int
    success_rate: float | None
    average_days: float | None
    overdue: int


@dataclass(frozen=True, slots=True)
class CaseReport:
    totals: CaseFigures
    by_referrer: list[CaseFigures]


def counted(pairs: Iterable[tuple[str | None, int]]) -> list[Count]:
    """Sums per key, largest first, then by key."""
    sums: dict[str | None, int] = {}
    for key, n in pairs:
        sums[key] = sums.get(key, 0) + n
    return [Count(key, n) for key, n in sorted(sums.items(), key=lambda item: (-item[1], item[0] or ""))]


def case_figures(groups: list[CaseGroup]) -> CaseReport:
    def figures(rows: list[CaseGroup], who: CaseGroup | None) -> CaseFigures:
        closed, agreed, timed = sum(r.closed for r in rows), sum(r.agreements for r in rows), sum(r.timed for r in rows)
        days = sum(r.total_days for r in rows)
        return CaseFigures(
            who.referrer_id if who else None, who.referrer_name if who else None, who.referrer_kind if who else None,
            sum(r.accepted for r in rows), closed, agreed, share(agreed, closed),
            round(days / timed, 2) if timed else None, sum(r.overdue for r in rows),
        )

    return CaseReport(figures(groups, None), [figures([group], group) for group in groups])


def organization_figures(groups: list[OrganizationGroup]) -> OrganizationFigures:
    return OrganizationFigures(
        total=sum(g.organizations for g in groups),
        by_kind=counted((g.kind, g.organizations) for g in groups),
        by_status=counted((g.status, g.organizations) for g in groups),
        by_kind_and_status=[(g.kind, g.status, g.organizations) for g in groups],
    )


def mediator_figures(groups: list[MediatorGroup]) -> MediatorFigures:
    grades: dict[tuple[str, str, int | None], int] = {}
    for g in groups:
        if g.scheme is not None and g.grade is not None:
            key = (g.scheme, g.grade, g.rank)
            grades[key] = grades.get(key, 0) + g.mediators
    by_grade = [GradeTally(s, name, rank, n) for (s, name, rank), n in grades.items()]
    by_grade.sort(key=lambda t: (t.scheme, t.rank or 99, t.grade))
    total = sum(g.mediators for g in groups)
    full_time = sum(g.mediators for g in groups if g.employment == "FULL_TIME")
    return MediatorFigures(
        total=total,
        full_time=full_time,
        full_time_ratio=share(full_time, total),
        by_grade=by_grade,
        ungraded=total - sum(grades.values()),
        by_employment=counted((g.employment, g.mediators) for g in groups),
        by_background=counted((g.background, g.mediators) for g in groups),
    )


class CompositionRule(StrEnum):
    MEMBER_COUNT = "MEMBER_COUNT"
    """3 to 9 members (People's Mediation Law Art 8)."""
    ONE_CHAIR = "ONE_CHAIR"
    """Exactly one chair (Art 8)."""
    A_WOMAN = "A_WOMAN"
    """At least one woman (Art 8)."""


def composition_breaches(row: StaffedOrganization) -> list[CompositionRule]:
    """The rules of `resolvers/composition.py` a committee's current seats break, from the counted seats."""
    broken = []
    if not MIN_MEMBERS <= row.members <= MAX_MEMBERS:
        broken.append(CompositionRule.MEMBER_COUNT)
    if row.chairs != 1:
        broken.append(CompositionRule.ONE_CHAIR)
    if row.women == 0:
        broken.append(CompositionRule.A_WOMAN)
    return broken


@dataclass
class JurisdictionReport:
    """Figures for a jurisdiction subtree; each method is one statement, run when the field is selected."""

    graph: Graph
    viewer: Viewer
    code: str
    name: str
    period: Period
    rule: TrainingRule
    reader: CaseReader
    """Who reads case numbers: the agency and its kind beside the viewer (`graph/case.py`)."""
    rollup: Rollup | None = None
    """The figures computed ahead (resolvers/reports/rollup.py), when the report may use them."""
    _mediators: Once[list[MediatorGroup]] = field(init=False)

    def __post_init__(self) -> None:
        self._mediators = Once(self._mediator_groups)

    @property
    def figures_as_of(self) -> datetime.datetime:
        """When the figures were counted: the rollup's build, or now."""
        return self.rollup.built_at if self.rollup else clock.now()

    async def _mediator_groups(self) -> list[MediatorGroup]:
        if self.rollup:
            return [MediatorGroup.model_validate(row) for row in self.rollup.sections["mediators"]]
        return await mediator_groups(
            self.graph, jurisdiction=self.code, period=self.period, training=training_rules(), viewer=self.viewer
        )

    async def organizations(self) -> OrganizationFigures:
        if self.rollup:
            groups = [OrganizationGroup.model_validate(row) for row in self.rollup.sections["organizations"]]
        else:
            groups = await organizations_by_kind_and_status(self.graph, jurisdiction=self.code, viewer=self.viewer)
        return organization_figures(groups)

    async def mediators(self) -> MediatorFigures:
        return mediator_figures(await self._mediators())

    async def training(self) -> TrainingCoverage:
        """Met as `trainingStatus` decides, each mediator under its own province's rule (`graph/grading.py`
        TRAINING_MET); the hours shown are the jurisdiction's scheme's."""
        groups = await self._mediators()
        total, met = sum(g.mediators for g in groups), sum(g.mediators for g in groups if g.met)
        return TrainingCoverage(
            self.period.as_of.year, self.rule.annual_hours, self.rule.pre_job_hours, total, met, share(met, total)
        )

    async def understaffed(self, first: int | None) -> OrganizationPage:
        if self.rollup:
            return self.rollup.organizations("understaffed", list_size(first))
        return await understaffed_organizations(
            self.graph, jurisdiction=self.code, as_of=self.period.as_of, minimums=staffing_table(),
            limit=list_size(first), viewer=self.viewer,
        )

    async def composition_breaches(self, first: int | None) -> OrganizationPage:
        if self.rollup:
            return self.rollup.organizations("breaching", list_size(first))
        return await committees_breaking_composition(
            self.graph, jurisdiction=self.code, as_of=self.period.as_of,
            kinds=sorted(kind.value for kind in PEOPLES_COMMITTEES), members=(MIN_MEMBERS, MAX_MEMBERS),
            limit=list_size(first), viewer=self.viewer,
        )

    async def cases(self) -> CaseReport:
        if self.rollup:
            return case_figures([CaseGroup.model_validate(row) for row in self.rollup.sections["cases"]])
        return case_figures(await cases_in_subtree(self.graph, jurisdiction=self.code, period=self.period, viewer=self.viewer))

    async def overdue_cases(self, first: int | None) -> OverduePage:
        if self.rollup:
            return self.rollup.overdue(list_size(first), self.reader)
        return await overdue_in_subtree(
            self.graph, jurisdiction=self.code, period=self.period, limit=list_size(first), reader=self.reader
        )


async def jurisdiction_report(
    graph: Graph,
    *,
    jurisdiction: str,
    start: datetime.date | None,
    end: datetime.date | None,
    viewer: Viewer,
    reader: CaseReader | None = None,
    live: bool = False,
) -> JurisdictionReport | None:
    """None when the division is unknown or outside the caller's reach. Case numbers are shown as `reader`
    may read the cases; without one, only to a national viewer with the roster scope. A province or a city is
    read from its rollup when one was built today for the default period, unless `live` asks for a recount."""
    code = valid_division(jurisdiction)
    period = report_period(start, end)
    found = await subtree_in_reach(graph, jurisdiction=code, viewer=viewer)
    if found is None:
        return None
    rule = scheme_for_division(code).training
    ahead = None if live else await usable_rollup(graph, code=code, level=str(found["level"]), period=period)
    return JurisdictionReport(
        graph, viewer, code, str(found["name"]), period, rule, reader or CaseReader(viewer), ahead
    )
