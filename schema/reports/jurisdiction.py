"""Cross-department reports and findMediators in GraphQL (scope `reports:read`).

Mounted on the root Query through `ReportQuery`. A report's sections resolve lazily: each is one aggregating
statement, run only when selected. Reports are null when the jurisdiction or agency is unknown or outside the
caller's reach; mediators and organizations reached from a report show the fields the caller's roster scope allows.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.pagination import page_request
from resolvers.courts import finder
from resolvers.reports import jurisdiction as data
from schema.core.connection import AFTER, FIRST, Connection, connection
from schema.core.context import Info
from schema.core.enums import Background, Employment, OrganizationKind, Specialty
from schema.core.permissions import protected
from schema.courts.case import reader as case_reader
from schema.directory.mediator import Mediator
from schema.directory.organization import Organization
from schema.reports.agency import (
    ReportCaseFigures,
    ReportStatusCount,
    court_report,
    partner_report,
)

CompositionRule = data.CompositionRule
strawberry.enum(CompositionRule, description="A composition rule of the People's Mediation Law (Art 8) for committees.")

PERIOD_START = Annotated[
    datetime.date | None,
    strawberry.argument(description="First day of the period; 1 January of the end's year when omitted."),
]
PERIOD_END = Annotated[
    datetime.date | None, strawberry.argument(description="Last day of the period (inclusive); today when omitted.")
]
JURISDICTION = Annotated[str, strawberry.argument(description="A division code: the report covers the subtree below it.")]
LIST_FIRST = Annotated[
    int | None, strawberry.argument(description="How many to list: 20 when omitted, at most 100 (the total is exact).")
]


@strawberry.type(description="How many organizations are of one kind.")
class ReportKindCount:
    kind: OrganizationKind = strawberry.field(description="The kind.")
    organizations: int = strawberry.field(description="How many.")


@strawberry.type(description="How many organizations are of one kind and have one status.")
class ReportKindStatusCount:
    kind: OrganizationKind = strawberry.field(description="The kind.")
    status: str | None = strawberry.field(description="The status.")
    organizations: int = strawberry.field(description="How many.")


@strawberry.type(description="Organizations of a jurisdiction subtree, counted.")
class ReportOrganizationFigures:
    total: int = strawberry.field(description="All organizations located in the subtree.")
    by_kind: list[ReportKindCount] = strawberry.field(description="Per kind, largest first.")
    by_status: list[ReportStatusCount] = strawberry.field(description="Per status, largest first.")
    by_kind_and_status: list[ReportKindStatusCount] = strawberry.field(description="Per kind and status.")


@strawberry.type(description="How many mediators hold one grade as their current grade.")
class ReportGradeCount:
    scheme: str = strawberry.field(description="The scheme the grade was decided under.")
    grade: str = strawberry.field(description="The grade's name in that scheme.")
    rank: int | None = strawberry.field(description="1 for the scheme's highest grade.")
    mediators: int = strawberry.field(description="How many.")


@strawberry.type(description="How many mediators work full-time or part-time.")
class ReportEmploymentCount:
    employment: Employment | None = strawberry.field(description="Full-time or part-time; null when not recorded.")
    mediators: int = strawberry.field(description="How many.")


@strawberry.type(description="How many mediators have one professional background.")
class ReportBackgroundCount:
    background: Background | None = strawberry.field(description="The background; null when not recorded.")
    mediators: int = strawberry.field(description="How many.")


@strawberry.type(description="Mediators serving in a jurisdiction subtree during the period, counted.")
class ReportMediatorFigures:
    total: int = strawberry.field(description="Mediators with a membership overlapping the period in the subtree.")
    full_time: int = strawberry.field(description="How many of them work full-time.")
    full_time_ratio: float | None = strawberry.field(description="Full-time share, 0 to 1; null when there are none.")
    by_grade: list[ReportGradeCount] = strawberry.field(
        description="Per current grade (the latest decided, unexpired assessment)."
    )
    ungraded: int = strawberry.field(description="Mediators with no current grade.")
    by_employment: list[ReportEmploymentCount] = strawberry.field(description="Per employment, largest first.")
    by_background: list[ReportBackgroundCount] = strawberry.field(description="Per background, largest first.")


@strawberry.type(description="How many mediators met their training hours in a calendar year.")
class ReportTrainingCoverage:
    year: int = strawberry.field(description="The calendar year of the period's end (or today).")
    annual_hours: float = strawberry.field(description="Annual hours the jurisdiction's scheme requires.")
    pre_job_hours: float = strawberry.field(description="Extra hours due in a mediator's first year of service.")
    mediators: int = strawberry.field(description="Mediators counted (those of the mediator figures).")
    met: int = strawberry.field(
        description="How many met the year as `trainingStatus` does: the hours due and every topic quota of the"
        " scheme of their own province."
    )
    share: float | None = strawberry.field(description="met / mediators, 0 to 1; null when there are none.")


@strawberry.type(description="An organization a report lists, with its current seats.")
class ReportedOrganization:
    organization_id: strawberry.ID = strawberry.field(description="The organization's registry id.")
    name: str = strawberry.field(description="Its name.")
    kind: OrganizationKind = strawberry.field(description="Its kind.")
    jurisdiction_code: str = strawberry.field(description="The division it is located in.")
    members: int = strawberry.field(description="Current members (deregistered mediators excluded).")
    chairs: int = strawberry.field(description="Current chairs.")
    women: int = strawberry.field(description="Current women members.")
    full_time: int = strawberry.field(description="Current full-time members.")
    full_time_minimum: int = strawberry.field(description="Full-time members its kind needs in its province.")
    broken_rules: list[CompositionRule] = strawberry.field(description="Composition rules it breaks (committees).")

    @strawberry.field(description="The organization itself.")
    async def organization(self, info: Info) -> Organization | None:
        return await Organization.resolve_reference(info, self.organization_id)

    @classmethod
    def of(cls, row: data.StaffedOrganization) -> ReportedOrganization:
        return cls(
            organization_id=strawberry.ID(row.id), name=row.name, kind=OrganizationKind(row.kind),
            jurisdiction_code=row.jurisdiction, members=row.members, chairs=row.chairs, women=row.women,
            full_time=row.full_time, full_time_minimum=row.minimum,
            broken_rules=[CompositionRule(rule) for rule in data.composition_breaches(row)],
        )


@strawberry.type(description="Organizations a report lists: the first ones by name and how many there are.")
class ReportedOrganizations:
    total_count: int = strawberry.field(description="How many organizations there are in all.")
    organizations: list[ReportedOrganization] = strawberry.field(description="The first ones, sorted by name.")


@strawberry.type(description="An accepted case still open after its deadline.")
class ReportedOverdueCase:
    case_code: str | None = strawberry.field(
        description="The court's or partner's case code; null unless the caller may read the case (`mediationCase`)."
    )
    case_type: str | None = strawberry.field(description="The case type.")
    accepted_at: datetime.date | None = strawberry.field(description="When the mediator accepted it.")
    deadline: datetime.date | None = strawberry.field(description="Its deadline, extensions included.")
    days_overdue: int = strawberry.field(description="Days past the deadline today.")
    mediator_id: strawberry.ID = strawberry.field(description="The mediator handling it.")
    mediator_name: str = strawberry.field(description="The mediator's name.")
    referrer_id: strawberry.ID | None = strawberry.field(description="The referring court or partner agency.")
    referrer_name: str | None = strawberry.field(description="Its name.")


@strawberry.type(description="Overdue cases: the first ones by deadline and how many there are.")
class ReportedOverdueCases:
    total_count: int = strawberry.field(description="How many cases are overdue in all.")
    cases: list[ReportedOverdueCase] = strawberry.field(description="The first ones, earliest deadline first.")


@strawberry.type(description="Figures for a jurisdiction subtree over a period; each section is computed when selected.")
class JurisdictionReport:
    jurisdiction_code: str = strawberry.field(description="The division at the root of the subtree.")
    jurisdiction_name: str = strawberry.field(description="Its name.")
    period_start: datetime.date = strawberry.field(description="First day of the period.")
    period_end: datetime.date = strawberry.field(description="Last day of the period.")
    as_of: datetime.date = strawberry.field(description="The day memberships and seats are read on.")
    figures_as_of: datetime.datetime = strawberry.field(
        description="When the figures were counted: now for a live report, the rollup's build for a rolled-up one."
    )
    from_rollup: bool = strawberry.field(
        description="Whether the figures come from the rollup computed ahead for a province or a city (default period"
        " only, built today); ask `live: true` for a recount."
    )
    source: strawberry.Private[data.JurisdictionReport]

    @strawberry.field(description="Organizations by kind and status.")
    async def organizations(self) -> ReportOrganizationFigures:
        found = await self.source.organizations()
        return ReportOrganizationFigures(
            total=found.total,
            by_kind=[ReportKindCount(kind=OrganizationKind(c.key), organizations=c.count) for c in found.by_kind if c.key],
            by_status=[ReportStatusCount(status=c.key, count=c.count) for c in found.by_status],
            by_kind_and_status=[
                ReportKindStatusCount(kind=OrganizationKind(kind), status=status, organizations=n)
                for kind, status, n in found.by_kind_and_status
                if kind
            ],
        )

    @strawberry.field(description="Mediators by grade, employment and background, and the full-time ratio.")
    async def mediators(self) -> ReportMediatorFigures:
        found = await self.source.mediators()
        return ReportMediatorFigures(
            total=found.total, full_time=found.full_time, full_time_ratio=found.full_time_ratio,
            by_grade=[
                ReportGradeCount(scheme=g.scheme, grade=g.grade, rank=g.rank, mediators=g.mediators)
                for g in found.by_grade
            ],
            ungraded=found.ungraded,
            by_employment=[
                ReportEmploymentCount(employment=Employment(c.key) if c.key else None, mediators=c.count)
                for c in found.by_employment
            ],
            by_background=[
                ReportBackgroundCount(background=Background(c.key) if c.key else None, mediators=c.count)
                for c in found.by_background
            ],
        )

    @strawberry.field(description="Training coverage: the share of mediators who met the year's hours.")
    async def training(self) -> ReportTrainingCoverage:
        found = await self.source.training()
        return ReportTrainingCoverage(
            year=found.year, annual_hours=found.annual_hours, pre_job_hours=found.pre_job_hours,
            mediators=found.mediators, met=found.met, share=found.share,
        )

    @strawberry.field(description="FILED organizations with fewer full-time members than their kind's minimum.")
    async def understaffed_organizations(self, first: LIST_FIRST = None) -> ReportedOrganizations:
        found = await self.source.understaffed(first)
        return ReportedOrganizations(total_count=found.total, organizations=[ReportedOrganization.of(r) for r in found.rows])

    @strawberry.field(description="FILED people's mediation committees breaking the composition rules.")
    async def composition_breaches(self, first: LIST_FIRST = None) -> ReportedOrganizations:
        found = await self.source.composition_breaches(first)
        return ReportedOrganizations(total_count=found.total, organizations=[ReportedOrganization.of(r) for r in found.rows])

    @strawberry.field(description="Cases of the subtree's mediators, in all and per referring court or partner.")
    async def cases(self) -> ReportCaseFigures:
        found = await self.source.cases()
        return ReportCaseFigures.of(found.totals, by_referrer=[ReportCaseFigures.of(f) for f in found.by_referrer])

    @strawberry.field(description="Cases of the subtree's mediators accepted, still open and past their deadline today.")
    async def overdue_cases(self, first: LIST_FIRST = None) -> ReportedOverdueCases:
        found = await self.source.overdue_cases(first)
        cases = [
            ReportedOverdueCase(
                case_code=c.case_code, case_type=c.case_type, accepted_at=c.accepted_at, deadline=c.deadline,
                days_overdue=c.days_overdue, mediator_id=strawberry.ID(c.mediator_id), mediator_name=c.mediator_name,
                referrer_id=strawberry.ID(c.referrer_id) if c.referrer_id else None, referrer_name=c.referrer_name,
            )
            for c in found.rows
        ]
        return ReportedOverdueCases(total_count=found.total, cases=cases)


@strawberry.type
class ReportQuery:
    @protected(
        Scope.REPORTS_READ,
        "Figures for a jurisdiction subtree over a period, in one query; null when the division is unknown or"
        " outside the caller's jurisdiction.",
    )
    async def jurisdiction_report(
        self,
        info: Info,
        jurisdiction: JURISDICTION,
        period_start: PERIOD_START = None,
        period_end: PERIOD_END = None,
        live: Annotated[
            bool,
            strawberry.argument(
                description="Count now even where a rollup computed ahead (today) would answer a province or a city."
            ),
        ] = False,
    ) -> JurisdictionReport | None:
        found = await data.jurisdiction_report(
            info.context.graph, jurisdiction=jurisdiction, start=period_start, end=period_end, viewer=info.context.viewer,
            reader=case_reader(info), live=live,
        )
        if found is None:
            return None
        period = found.period
        return JurisdictionReport(
            jurisdiction_code=found.code, jurisdiction_name=found.name, period_start=period.start,
            period_end=period.end, as_of=period.as_of, figures_as_of=found.figures_as_of,
            from_rollup=found.rollup is not None, source=found,
        )

    court_report = protected(
        Scope.REPORTS_READ,
        "A court's invited organizations and mediators by panel, invitations expiring within 90 days and its cases;"
        " null when the court is unknown or outside the caller's jurisdiction.",
    )(court_report)
    partner_report = protected(
        Scope.REPORTS_READ,
        "A partner agency's registrations by status and province, its affiliates and its cases; for a bureau or"
        " court restricted to its own jurisdiction; null when the partner is unknown or out of reach.",
    )(partner_report)

    @protected(
        Scope.REPORTS_READ,
        "FILED mediators within the caller's reach matching every filter given, sorted by name, one page at a time.",
    )
    async def find_mediators(
        self,
        info: Info,
        invited_by: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="On this court's list: directly, through an invited organization or adopted."),
        ] = None,
        jurisdiction: Annotated[
            str | None, strawberry.argument(description="Serving in an organization in this division or below.")
        ] = None,
        specialty: Annotated[Specialty | None, strawberry.argument(description="Handling this dispute domain.")] = None,
        min_grade: Annotated[
            int | None,
            strawberry.argument(description="A current grade of this rank or better: 1 is a scheme's highest, 2 the next."),
        ] = None,
        met_training_hours: Annotated[
            bool | None,
            strawberry.argument(
                description="True: met this year's training so far as `trainingStatus` does (the hours due and every"
                " topic quota of the province's scheme); false: not yet met. Needs `roster:read`"
                " (the hours are not public): without it, matches no one."
            ),
        ] = None,
        language: Annotated[str | None, strawberry.argument(description="Speaking this BCP 47 language tag.")] = None,
        employment: Annotated[
            Employment | None,
            strawberry.argument(
                description="Full-time or part-time. Needs `roster:read` (not public): without it, matches no one."
            ),
        ] = None,
        panel: Annotated[
            Specialty | None,
            strawberry.argument(description="Invited on this court panel (of `invitedBy`, else of any court)."),
        ] = None,
        first: FIRST = None,
        after: AFTER = None,
    ) -> Connection[Mediator]:
        listing = await finder.find_mediators(
            info.context.graph,
            court=str(invited_by) if invited_by is not None else None,
            jurisdiction=jurisdiction,
            specialty=specialty,
            min_grade=min_grade,
            training_met=met_training_hours,
            language=language,
            employment=employment,
            panel=panel,
            page=page_request(first=first, after=after),
            viewer=info.context.viewer,
        )
        return connection(listing, Mediator.from_record, after=after)
