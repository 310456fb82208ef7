"""Court and partner reports in GraphQL, and the case figures every report shares (mounted by `schema/report.py`)."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from resolvers.reports import agency as data
from resolvers.reports.jurisdiction import CaseFigures
from schema.core.context import Info
from schema.core.enums import Specialty

AGENCY_PERIOD_START = Annotated[
    datetime.date | None,
    strawberry.argument(description="First day of the period for cases; 1 January of the end's year when omitted."),
]
AGENCY_PERIOD_END = Annotated[
    datetime.date | None, strawberry.argument(description="Last day of the period (inclusive); today when omitted.")
]
SUBTREE = Annotated[
    str | None, strawberry.argument(description="Only organizations and mediators in this division or below.")
]
LIST_FIRST = Annotated[
    int | None, strawberry.argument(description="How many to list: 20 when omitted, at most 100 (the total is exact).")
]


@strawberry.type(description="Cases over a period: accepted and closed in it, agreements, durations, overdue today.")
class ReportCaseFigures:
    referrer_id: strawberry.ID | None = strawberry.field(description="The referring court or partner; null for totals.")
    referrer_name: str | None = strawberry.field(description="Its name; null for totals.")
    referrer_kind: str | None = strawberry.field(description="COURT or PARTNER_AGENCY; null for totals.")
    accepted: int = strawberry.field(description="Cases accepted in the period.")
    closed: int = strawberry.field(description="Cases closed in the period.")
    agreements: int = strawberry.field(description="Closed cases that ended in an agreement.")
    success_rate: float | None = strawberry.field(description="agreements / closed, 0 to 1; null when none closed.")
    average_days: float | None = strawberry.field(
        description="Average days from acceptance to closing of the cases closed; null when none closed."
    )
    overdue: int = strawberry.field(description="Accepted cases still open past their deadline today.")
    by_referrer: list[ReportCaseFigures] = strawberry.field(
        description="The same figures per referring court or partner (empty below the totals)."
    )

    @classmethod
    def of(cls, found: CaseFigures, *, by_referrer: list[ReportCaseFigures] | None = None) -> ReportCaseFigures:
        return cls(
            referrer_id=strawberry.ID(found.referrer_id) if found.referrer_id else None,
            referrer_name=found.referrer_name, referrer_kind=found.referrer_kind, accepted=found.accepted,
            closed=found.closed, agreements=found.agreements, success_rate=found.success_rate,
            average_days=found.average_days, overdue=found.overdue, by_referrer=by_referrer or [],
        )


@strawberry.type(description="Distinct organizations and mediators on a court's list for one panel.")
class ReportPanelCount:
    panel: Specialty = strawberry.field(description="The panel.")
    organizations: int = strawberry.field(description="Invited organizations on it.")
    mediators: int = strawberry.field(description="Mediators on it: invited directly or members of an invited organization.")


@strawberry.type(description="What a court's list holds today (its own and adopted invitations).")
class ReportInvitedFigures:
    organizations: int = strawberry.field(description="Distinct invited organizations.")
    mediators: int = strawberry.field(description="Distinct mediators, directly or through an invited organization.")
    by_panel: list[ReportPanelCount] = strawberry.field(description="Per panel.")


@strawberry.type(description="How many records have one status.")
class ReportStatusCount:
    status: str | None = strawberry.field(description="PENDING, FILED, SUSPENDED, DEREGISTERED or another status.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="An invitation of the court that ends soon.")
class ReportExpiringInvitation:
    kind: str = strawberry.field(description="Mediator or Organization.")
    target_id: strawberry.ID = strawberry.field(description="The invited mediator or organization.")
    name: str = strawberry.field(description="Its name.")
    panels: list[Specialty] = strawberry.field(description="The panels of the invitation.")
    since: datetime.date | None = strawberry.field(description="First day of the invitation.")
    until: datetime.date = strawberry.field(description="Last day of the invitation.")
    certificate_no: str | None = strawberry.field(description="The certificate number; null without `roster:read`.")


@strawberry.type(description="Invitations ending within 90 days: the first ones and how many there are.")
class ReportExpiringInvitations:
    total_count: int = strawberry.field(description="How many in all.")
    invitations: list[ReportExpiringInvitation] = strawberry.field(description="The first ones, soonest first.")


@strawberry.type(description="A court's invited list and cases over a period; each section is computed when selected.")
class CourtReport:
    court_id: strawberry.ID = strawberry.field(description="The court's registry id.")
    name: str = strawberry.field(description="The court's name.")
    period_start: datetime.date = strawberry.field(description="First day of the period.")
    period_end: datetime.date = strawberry.field(description="Last day of the period.")
    source: strawberry.Private[data.CourtReport]

    @strawberry.field(description="Invited organizations and mediators on the list today, by panel.")
    async def invited(self) -> ReportInvitedFigures:
        found = await self.source.invited()
        panels = [
            ReportPanelCount(panel=Specialty(p.panel), organizations=p.organizations, mediators=p.mediators)
            for p in found.panels
            if p.panel is not None and p.panel in Specialty.__members__
        ]
        return ReportInvitedFigures(organizations=found.organizations, mediators=found.mediators, by_panel=panels)

    @strawberry.field(description="The court's own active invitations ending within the next 90 days.")
    async def expiring_invitations(self, first: LIST_FIRST = None) -> ReportExpiringInvitations:
        found = await self.source.expiring(first)
        items = [
            ReportExpiringInvitation(
                kind=row.kind, target_id=strawberry.ID(row.id), name=row.name,
                panels=[Specialty(p) for p in row.panels if p in Specialty.__members__],
                since=row.since, until=row.until, certificate_no=row.certificate_no,
            )
            for row in found.rows
        ]
        return ReportExpiringInvitations(total_count=found.total, invitations=items)

    @strawberry.field(description="Cases the court referred: counts, success rate, average duration, overdue.")
    async def cases(self) -> ReportCaseFigures:
        return ReportCaseFigures.of(await self.source.cases())


@strawberry.type(description="Registrations affiliated with a partner in one kind, status and province.")
class ReportRegistrationCount:
    kind: str = strawberry.field(description="ORGANIZATION or MEDIATOR.")
    status: str | None = strawberry.field(
        description="Where the record stands: PENDING (awaiting the bureau), REJECTED (until the partner amends it),"
        " FILED, SUSPENDED or DEREGISTERED."
    )
    province_code: str | None = strawberry.field(description="Two-digit province code; null when unknown.")
    province_name: str | None = strawberry.field(description="The province's name.")
    records: int = strawberry.field(description="How many.")


@strawberry.type(description="How many registrations lie in one province.")
class ReportProvinceCount:
    province_code: str | None = strawberry.field(description="Two-digit province code; null when unknown.")
    records: int = strawberry.field(description="How many.")


@strawberry.type(description="Records affiliated with a partner, by status and province.")
class ReportRegistrationFigures:
    total: int = strawberry.field(description="Affiliated organizations and mediators.")
    by_status: list[ReportStatusCount] = strawberry.field(description="Per status, largest first.")
    by_province: list[ReportProvinceCount] = strawberry.field(description="Per province, largest first.")
    counts: list[ReportRegistrationCount] = strawberry.field(description="Per kind, status and province.")


@strawberry.type(description="What is affiliated with a partner.")
class ReportAffiliates:
    organizations: int = strawberry.field(description="Organizations affiliated with the partner.")
    mediators: int = strawberry.field(
        description="Mediators affiliated directly or serving in an affiliated organization, each counted once."
    )


@strawberry.type(description="A partner agency's registrations, affiliates and cases; each section computed when selected.")
class PartnerReport:
    partner_id: strawberry.ID = strawberry.field(description="The partner agency's registry id.")
    name: str = strawberry.field(description="Its name.")
    jurisdiction_code: str | None = strawberry.field(description="The subtree the figures are restricted to; null: all.")
    period_start: datetime.date = strawberry.field(description="First day of the period.")
    period_end: datetime.date = strawberry.field(description="Last day of the period.")
    source: strawberry.Private[data.PartnerReport]

    @strawberry.field(description="Affiliated organizations and mediators by status and province.")
    async def registrations(self) -> ReportRegistrationFigures:
        found = await self.source.registrations()
        return ReportRegistrationFigures(
            total=found.total,
            by_status=[ReportStatusCount(status=c.key, count=c.count) for c in found.by_status],
            by_province=[ReportProvinceCount(province_code=c.key, records=c.count) for c in found.by_province],
            counts=[
                ReportRegistrationCount(
                    kind=g.kind, status=g.status, province_code=g.province, province_name=g.province_name, records=g.records
                )
                for g in found.groups
            ],
        )

    @strawberry.field(description="How many organizations and mediators are affiliated with the partner.")
    async def affiliates(self) -> ReportAffiliates:
        found = await self.source.affiliates()
        return ReportAffiliates(organizations=found.organizations, mediators=found.mediators)

    @strawberry.field(description="Cases the partner referred: counts, success rate, average duration, overdue.")
    async def cases(self) -> ReportCaseFigures:
        return ReportCaseFigures.of(await self.source.cases())


COURT_ID = Annotated[strawberry.ID, strawberry.argument(description="The court's registry id.")]
PARTNER_ID = Annotated[strawberry.ID, strawberry.argument(description="The partner agency's registry id.")]


async def court_report(
    info: Info,
    court_id: COURT_ID,
    jurisdiction: SUBTREE = None,
    period_start: AGENCY_PERIOD_START = None,
    period_end: AGENCY_PERIOD_END = None,
) -> CourtReport | None:
    found = await data.court_report(
        info.context.graph, court_id=str(court_id), jurisdiction=jurisdiction, start=period_start, end=period_end,
        viewer=info.context.viewer,
    )
    if found is None:
        return None
    return CourtReport(
        court_id=strawberry.ID(found.court_id), name=found.name, period_start=found.period.start,
        period_end=found.period.end, source=found,
    )


async def partner_report(
    info: Info,
    partner_id: PARTNER_ID,
    jurisdiction: SUBTREE = None,
    period_start: AGENCY_PERIOD_START = None,
    period_end: AGENCY_PERIOD_END = None,
) -> PartnerReport | None:
    found = await data.partner_report(
        info.context.graph, partner_id=str(partner_id), jurisdiction=jurisdiction, start=period_start, end=period_end,
        viewer=info.context.viewer,
    )
    if found is None:
        return None
    return PartnerReport(
        partner_id=strawberry.ID(found.partner_id), name=found.name, jurisdiction_code=found.jurisdiction,
        period_start=found.period.start, period_end=found.period.end, source=found,
    )
