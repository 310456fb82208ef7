"""Court and partner reports: each section one aggregating statement that starts from the agency and checks
the viewer's reach itself (see `graph/report.py` for the reach rules and the shared fragments).

A court report is read by the platform, and by bureaus and courts whose subtree holds the court's jurisdiction
(a court reads its own). A partner report is read by the platform and by the partner itself; a bureau or a
court reads it restricted to its own subtree. An optional `$jurisdiction` narrows either to a subtree.
"""

from __future__ import annotations

from datetime import date
from typing import LiteralString

from pydantic import Field

from graph.core.driver import Graph, Row
from graph.core.records import GraphRecord
from graph.core.terms import current, in_force
from graph.core.viewer import Viewer
from graph.reports.jurisdiction import CASE, CASE_FIGURES, CaseGroup, Period

_COURT: LiteralString = (
    "MATCH (x:Court {id: $court})"
    " WHERE $vNational OR ($vJurisdiction IS NOT NULL AND EXISTS {"
    " (x)-[:HAS_JURISDICTION]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) })"
    " WITH x, $jurisdiction AS scope"
)
"""The court when the viewer reaches it; `scope` is the optional subtree asked for."""

_PARTNER: LiteralString = (
    "MATCH (x:PartnerAgency {id: $partner})"
    " WITH x, coalesce($jurisdiction, CASE WHEN $vNational OR $vPartner = x.id THEN null ELSE $vJurisdiction END) AS scope"
    " WHERE $vNational OR $vPartner = x.id OR ($vJurisdiction IS NOT NULL AND scope IS NOT NULL"
    " AND EXISTS { (:Jurisdiction {code: scope})-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) })"
)
"""The partner when the viewer reaches it; `scope` is the subtree the figures are restricted to (null: all).
A bureau or court that names no subtree gets its own; one that names a subtree outside its own gets nothing."""

_MEDIATOR_IN_SCOPE: LiteralString = (
    "(scope IS NULL OR EXISTS { (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
    "-[:PART_OF*0..]->(:Jurisdiction {code: scope}) })"
)
_TARGET_IN_SCOPE: LiteralString = (
    "(scope IS NULL OR EXISTS { (t)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: scope}) }"
    " OR EXISTS { (t)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
    "-[:PART_OF*0..]->(:Jurisdiction {code: scope}) })"
)
"""Whether invited or affiliated `t` (an organization or a mediator) lies in the subtree asked for."""

_CASES: LiteralString = (
    " UNWIND [(n:Mediator)-[h:HANDLED]->(x) | {mediator: n, case: " + CASE + "}] AS handled"
    " WITH scope, handled.mediator AS n, handled.case AS c WHERE " + _MEDIATOR_IN_SCOPE
)
"""The agency's cases as rows `c` for CASE_FIGURES, of mediators in the subtree asked for. Relations of a node
bound by an earlier clause are read through pattern comprehensions: on ArcadeDB a MATCH from such a node is far
slower (see `graph/report.py`)."""


class PanelGroup(GraphRecord):
    panel: str | None = None
    organizations: int
    mediators: int


class ExpiringInvitation(GraphRecord):
    kind: str
    id: str
    name: str
    panels: list[str] = Field(default_factory=list)
    since: date | None = None
    until: date
    certificate_no: str | None = None


class ExpiringPage(GraphRecord):
    total: int
    rows: list[ExpiringInvitation]


class RegistrationGroup(GraphRecord):
    kind: str
    status: str | None = None
    province: str | None = None
    province_name: str | None = None
    records: int


class Affiliates(GraphRecord):
    organizations: int
    mediators: int


async def court_in_reach(graph: Graph, *, court: str, viewer: Viewer) -> Row | None:
    rows = await graph.read(
        _COURT + " RETURN x.id AS id, x.name AS name", court=court, jurisdiction=None, **viewer.params()
    )
    return rows[0] if rows else None


async def partner_in_reach(graph: Graph, *, partner: str, jurisdiction: str | None, viewer: Viewer) -> Row | None:
    rows = await graph.read(
        _PARTNER + " RETURN x.id AS id, x.name AS name, scope",
        partner=partner,
        jurisdiction=jurisdiction,
        **viewer.params(),
    )
    return rows[0] if rows else None


async def invited_by_panel(
    graph: Graph, *, court: str, jurisdiction: str | None, on: date, viewer: Viewer
) -> list[PanelGroup]:
    """The court's list on `on` as `graph/invitation.py` reads it (its own and adopted invitations; FILED members
    of invited organizations count as invited): distinct organizations and mediators per panel, and in all
    (the row whose panel is null)."""
    rows = await graph.read(
        _COURT
        + " WITH x, scope, [x] + [(x)-[:ADOPTS]->(h:Court) | h] AS sources UNWIND sources AS s"
        " UNWIND [(s)-[r:INVITES]->(t) WHERE " + in_force("r") +
        " | {target: t, panels: coalesce(r.panels, [])}] AS invitation"
        " WITH scope, invitation.target AS t, invitation.panels AS panels WHERE " + _TARGET_IN_SCOPE
        + " WITH t, panels, CASE WHEN t:Organization THEN [(t)<-[m:MEMBER_OF]-(p:Mediator) WHERE p.status = 'FILED'"
        " AND " + current("m") + " | p.id] ELSE [t.id] END AS people"
        " UNWIND CASE WHEN size(people) = 0 THEN [null] ELSE people END AS person"
        " UNWIND [null] + panels AS panel"
        " RETURN panel, count(DISTINCT CASE WHEN t:Organization THEN t.id END) AS organizations,"
        " count(DISTINCT person) AS mediators ORDER BY panel",
        court=court,
        jurisdiction=jurisdiction,
        on=on,
        **viewer.params(),
    )
    return [PanelGroup.model_validate(row) for row in rows]


async def expiring_invitations(
    graph: Graph, *, court: str, jurisdiction: str | None, today: date, horizon: date, limit: int, viewer: Viewer
) -> ExpiringPage:
    """The court's own ACTIVE invitations ending between `today` and `horizon`, soonest first; the certificate
    number only with `$vRoster`, as `InvitedEntry.certificateNo` needs `roster:read`."""
    rows = await graph.read(
        _COURT
        + " UNWIND [(x)-[r:INVITES]->(t) WHERE r.status = 'ACTIVE' AND r.until >= $today AND r.until <= $horizon"
        " | {target: t, invitation: r}] AS found"
        " WITH scope, found.target AS t, found.invitation AS r WHERE " + _TARGET_IN_SCOPE
        + " WITH r, t ORDER BY r.until, t.name, t.id"
        " WITH collect({kind: CASE WHEN t:Mediator THEN 'Mediator' ELSE 'Organization' END, id: t.id, name: t.name,"
        " panels: r.panels, since: r.since, until: r.until,"
        " certificateNo: CASE WHEN $vRoster THEN r.certificateNo END}) AS listed"
        " RETURN size(listed) AS total, listed[0..$limit] AS rows",
        court=court,
        jurisdiction=jurisdiction,
        today=today,
        horizon=horizon,
        limit=limit,
        **viewer.params(),
    )
    return ExpiringPage.model_validate(rows[0]) if rows else ExpiringPage(total=0, rows=[])


async def cases_of_court(
    graph: Graph, *, court: str, jurisdiction: str | None, period: Period, viewer: Viewer
) -> list[CaseGroup]:
    rows = await graph.read(
        _COURT + _CASES + CASE_FIGURES,
        court=court,
        jurisdiction=jurisdiction,
        **period.params(),
        **viewer.params(),
    )
    return [CaseGroup.model_validate(row) for row in rows]


async def cases_of_partner(
    graph: Graph, *, partner: str, jurisdiction: str | None, period: Period, viewer: Viewer
) -> list[CaseGroup]:
    rows = await graph.read(
        _PARTNER + _CASES + CASE_FIGURES,
        partner=partner,
        jurisdiction=jurisdiction,
        **period.params(),
        **viewer.params(),
    )
    return [CaseGroup.model_validate(row) for row in rows]


async def registrations_of_partner(
    graph: Graph, *, partner: str, jurisdiction: str | None, viewer: Viewer
) -> list[RegistrationGroup]:
    """Organizations and mediators affiliated with the partner, by kind, status and province (the province of
    an organization's location, of a mediator's organizations; null for a mediator with none). A registration
    the bureau rejected counts as REJECTED, not as the PENDING record it remains."""
    rows = await graph.read(
        _PARTNER
        + " UNWIND [(t)-[:AFFILIATED_WITH]->(x) WHERE t:Organization OR t:Mediator | t] AS t"
        " WITH t, scope WHERE " + _TARGET_IN_SCOPE
        + " WITH t, [(t)-[:LOCATED_IN]->(j:Jurisdiction) | j.code]"
        " + [(t)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(k:Jurisdiction) | k.code] AS codes"
        " WITH t, reduce(lo = null, code IN codes | CASE WHEN lo IS NULL OR code < lo THEN code ELSE lo END) AS lowest"
        " WITH CASE WHEN t:Organization THEN 'ORGANIZATION' ELSE 'MEDIATOR' END AS kind,"
        " CASE WHEN t.registrationStatus = 'REJECTED' THEN 'REJECTED' ELSE t.status END AS status,"
        " substring(lowest, 0, 2) AS province, count(t) AS records"
        " OPTIONAL MATCH (pj:Jurisdiction {code: province + '0000'})"
        " RETURN kind, status, province, pj.name AS provinceName, records ORDER BY kind, status, province",
        partner=partner,
        jurisdiction=jurisdiction,
        **viewer.params(),
    )
    return [RegistrationGroup.model_validate(row) for row in rows]


async def affiliates_of_partner(
    graph: Graph, *, partner: str, jurisdiction: str | None, on: date, viewer: Viewer
) -> Affiliates | None:
    """Affiliated organizations, and the mediators affiliated directly or through a membership current on `on`
    in an affiliated organization, each counted once."""
    rows = await graph.read(
        _PARTNER
        + " WITH x, scope, [(t:Organization)-[:AFFILIATED_WITH]->(x) | t] AS organizations,"
        " [(t:Mediator)-[:AFFILIATED_WITH]->(x) | t] AS direct"
        " UNWIND [null] + organizations + direct AS t"
        " WITH t, scope WHERE t IS NULL OR " + _TARGET_IN_SCOPE
        + " WITH t, CASE WHEN t:Organization THEN [(t)<-[m:MEMBER_OF]-(p:Mediator)"
        " WHERE " + current("m") + " | p.id] WHEN t:Mediator THEN [t.id] ELSE [] END AS people"
        " UNWIND [null] + people AS person"
        " RETURN count(DISTINCT CASE WHEN t:Organization THEN t.id END) AS organizations,"
        " count(DISTINCT person) AS mediators",
        partner=partner,
        jurisdiction=jurisdiction,
        on=on,
        **viewer.params(),
    )
    return Affiliates.model_validate(rows[0]) if rows else None
