"""Court and partner reports: what a court's list holds and its cases; what a partner registered and its cases.

Like the jurisdiction report, each section is one statement run when selected, with the reach check inside
it; the report itself is null when the agency is unknown or out of the caller's reach.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from graph.core.driver import Graph
from graph.core.viewer import Viewer
from graph.reports.agency import (
    Affiliates,
    ExpiringPage,
    PanelGroup,
    RegistrationGroup,
    affiliates_of_partner,
    cases_of_court,
    cases_of_partner,
    court_in_reach,
    expiring_invitations,
    invited_by_panel,
    partner_in_reach,
    registrations_of_partner,
)
from graph.reports.jurisdiction import Period
from resolvers.grades.grading import valid_division
from resolvers.reports.jurisdiction import (
    CaseFigures,
    Count,
    case_figures,
    counted,
    list_size,
)
from resolvers.reports.period import report_period

EXPIRY_HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class PanelTally:
    panels: list[PanelGroup]
    organizations: int
    mediators: int


def panel_tally(groups: list[PanelGroup]) -> PanelTally:
    """The row with a null panel holds the distinct totals over every panel."""
    total = next((g for g in groups if g.panel is None), None)
    return PanelTally(
        [g for g in groups if g.panel is not None],
        total.organizations if total else 0,
        total.mediators if total else 0,
    )


def scope_of(jurisdiction: str | None) -> str | None:
    return valid_division(jurisdiction) if jurisdiction is not None else None


@dataclass(frozen=True)
class CourtReport:
    graph: Graph
    viewer: Viewer
    court_id: str
    name: str
    jurisdiction: str | None
    period: Period

    async def invited(self) -> PanelTally:
        groups = await invited_by_panel(
            self.graph, court=self.court_id, jurisdiction=self.jurisdiction, on=self.period.as_of, viewer=self.viewer
        )
        return panel_tally(groups)

    async def expiring(self, first: int | None) -> ExpiringPage:
        today = self.period.today
        return await expiring_invitations(
            self.graph, court=self.court_id, jurisdiction=self.jurisdiction, today=today,
            horizon=today + datetime.timedelta(days=EXPIRY_HORIZON_DAYS), limit=list_size(first), viewer=self.viewer,
        )

    async def cases(self) -> CaseFigures:
        groups = await cases_of_court(
            self.graph, court=self.court_id, jurisdiction=self.jurisdiction, period=self.period, viewer=self.viewer
        )
        return case_figures(groups).totals


async def court_report(
    graph: Graph,
    *,
    court_id: str,
    jurisdiction: str | None,
    start: datetime.date | None,
    end: datetime.date | None,
    viewer: Viewer,
) -> CourtReport | None:
    scope = scope_of(jurisdiction)
    period = report_period(start, end)
    found = await court_in_reach(graph, court=court_id, viewer=viewer)
    if found is None:
        return None
    return CourtReport(graph, viewer, court_id, str(found["name"]), scope, period)


@dataclass(frozen=True, slots=True)
class Registrations:
    groups: list[RegistrationGroup]
    by_status: list[Count]
    by_province: list[Count]
    total: int


@dataclass(frozen=True)
class PartnerReport:
    graph: Graph
    viewer: Viewer
    partner_id: str
    name: str
    jurisdiction: str | None
    """The subtree the figures are restricted to: the one asked for, or a bureau's or court's own."""
    period: Period

    async def registrations(self) -> Registrations:
        groups = await registrations_of_partner(
            self.graph, partner=self.partner_id, jurisdiction=self.jurisdiction, viewer=self.viewer
        )
        return Registrations(
            groups,
            counted((g.status, g.records) for g in groups),
            counted((g.province, g.records) for g in groups),
            sum(g.records for g in groups),
        )

    async def affiliates(self) -> Affiliates:
        found = await affiliates_of_partner(
            self.graph, partner=self.partner_id, jurisdiction=self.jurisdiction, on=self.period.as_of, viewer=self.viewer
        )
        return found or Affiliates(organizations=0, mediators=0)

    async def cases(self) -> CaseFigures:
        groups = await cases_of_partner(
            self.graph, partner=self.partner_id, jurisdiction=self.jurisdiction, period=self.period, viewer=self.viewer
        )
        return case_figures(groups).totals


async def partner_report(
    graph: Graph,
    *,
    partner_id: str,
    jurisdiction: str | None,
    start: datetime.date | None,
    end: datetime.date | None,
    viewer: Viewer,
) -> PartnerReport | None:
    scope = scope_of(jurisdiction)
    period = report_period(start, end)
    found = await partner_in_reach(graph, partner=partner_id, jurisdiction=scope, viewer=viewer)
    if found is None:
        return None
    return PartnerReport(graph, viewer, partner_id, str(found["name"]), found["scope"], period)
