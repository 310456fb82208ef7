"""Cross-department reports: each section is one aggregating statement over a jurisdiction subtree, a court
or a partner agency, with the reach check inside it.

Reach (`reports:read` is checked on the field): a national viewer reads every report; a judicial bureau or a
court reads the subtree of its own jurisdiction and the courts inside it; a partner agency reads its own
partner report; a bureau or court also reads a partner's figures restricted to its own subtree. The checks use
the viewer's `$vNational`, `$vJurisdiction` and `$vPartner`: the scope on the field decides whether reports may
be read at all, these decide where. `$vRoster` decides only values that identify one record (a case's number,
see NUMBER_READABLE): those need what reading the record needs, as everywhere else in the API.

Population: "the mediators of a subtree" are those with a membership overlapping the period in an organization
located in it. Per-mediator values come from pattern comprehensions (linear on ArcadeDB; a `CALL (n) {...}`
after a multi-hop MATCH is quadratic there). Rows come back grouped; Python only folds the groups.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graph.core.driver import Graph, Row
from graph.core.records import GraphRecord
from graph.core.terms import current, overlapping
from graph.core.viewer import Viewer
from graph.courts.case import CaseReader
from graph.grades.assessment import CURRENT_GRADE
from graph.grades.grading import FIRST_SINCE, PROVINCE, TRAINING_MET, YEAR_COURSES

ROOT_IN_REACH: LiteralString = (
    "($vNational OR ($vJurisdiction IS NOT NULL"
    " AND EXISTS { (root)-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) }))"
)
"""Whether division `root` lies inside the viewer's subtree (or the viewer is national)."""

MEDIATOR_IN_REACH: LiteralString = (
    "($vNational"
    " OR ($vJurisdiction IS NOT NULL AND EXISTS {"
    " (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
    "(:Jurisdiction {code: $vJurisdiction}) })"
    " OR ($vPartner IS NOT NULL AND (EXISTS { (n)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $vPartner}) }"
    " OR EXISTS { (n)-[:MEMBER_OF]->(:Organization)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $vPartner}) })))"
)
"""Whether mediator `n` is one the viewer may search and report on (MEDIATOR_IN_FULL without the roster scope)."""

_SUBTREE: LiteralString = (
    "MATCH (root:Jurisdiction {code: $jurisdiction}) WHERE " + ROOT_IN_REACH
    + " MATCH (j:Jurisdiction)-[:PART_OF*0..]->(root)"
)
_MEDIATORS: LiteralString = (
    _SUBTREE
    + " MATCH (n:Mediator)-[a:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j)"
    " WHERE " + overlapping("a", "$start", "$end") +
    " WITH DISTINCT n"
)
"""The report's mediators: a membership overlapping the period in an organization of the subtree."""

_SEATS: LiteralString = (
    " WITH o, j, [(o)<-[r:MEMBER_OF]-(m:Mediator) WHERE " + current("r", "$asOf") +
    " AND coalesce(m.status, 'FILED') <> 'DEREGISTERED' | {role: r.role, gender: m.gender, employment: m.employment}]"
    " AS seats"
    " WITH o, j, size(seats) AS members, size([s IN seats WHERE s.role = 'CHAIR']) AS chairs,"
    " size([s IN seats WHERE s.gender = 'FEMALE']) AS women,"
    " size([s IN seats WHERE s.employment = 'FULL_TIME']) AS fullTime"
)
"""Current seats of organization `o` on `$asOf`, counted as the composition rules of filing count them."""

UNDERSTAFFED: LiteralString = (
    " WITH o, j, members, chairs, women, fullTime,"
    " coalesce(head([r IN $minimums WHERE r.kind = o.kind AND r.province = substring(j.code, 0, 2) | r.minimum]),"
    " head([r IN $minimums WHERE r.kind = o.kind AND r.province IS NULL | r.minimum]), 0) AS minimum"
    " WHERE fullTime < minimum"
)
"""After _SEATS: organization `o` has fewer full-time members than its kind's minimum (`$minimums`: `{kind,
province, minimum}`, a null province for the national default)."""

BREAKING: LiteralString = " WHERE members < $fewest OR members > $most OR chairs <> 1 OR women = 0"
"""After _SEATS: committee `o`'s seats break Art 8 (a member count outside `$fewest..$most`, not one chair, no woman)."""

def mediator_columns(by: LiteralString = "") -> LiteralString:
    """Per mediator `n` (carrying the columns `by`, each followed by a comma): its current grade on `$gradeDay`
    and whether it met the year's training (`$training`)."""
    return (
        " WITH " + by + "n, " + CURRENT_GRADE + " AS grade, " + PROVINCE + " AS province, " + FIRST_SINCE
        + " AS firstSince, " + YEAR_COURSES + " AS done"
        " WITH " + by + "n, grade, " + TRAINING_MET + " AS met"
    )

def listed_organizations(by: LiteralString = "", *, minimum: bool = False) -> LiteralString:
    """After _SEATS (and UNDERSTAFFED with `minimum`): the organizations by name, grouped by the columns `by`
    as well (each followed by a comma), as their total and the first `$limit`."""
    carried: LiteralString = ", minimum" if minimum else ""
    field: LiteralString = ", minimum: minimum" if minimum else ""
    return (
        " WITH " + by + "o, j, members, chairs, women, fullTime" + carried + " ORDER BY o.name, o.id"
        " WITH " + by + "collect({id: o.id, name: o.name, kind: o.kind, jurisdiction: j.code, members: members,"
        " chairs: chairs, women: women, fullTime: fullTime" + field + "}) AS listed"
        " RETURN " + by + "size(listed) AS total, listed[0..$limit] AS rows"
    )


CASE: LiteralString = (
    "{referrerId: x.id, referrerName: x.name,"
    " referrerKind: CASE WHEN x:Court THEN 'COURT' WHEN x:PartnerAgency THEN 'PARTNER_AGENCY' ELSE 'OTHER' END,"
    " acceptedAt: h.acceptedAt, deadline: h.deadline, closedAt: h.closedAt, outcome: h.outcome}"
)
"""What the case figures need of case `(n)-[h:HANDLED]->(x)`, as a map for a pattern comprehension."""

def case_figures(by: LiteralString = "") -> LiteralString:
    """CASE_FIGURES grouped by the columns `by` as well (each followed by a comma), e.g. a rollup's `code, `."""
    return (
        " WITH " + by + "c,"
        " c.acceptedAt IS NOT NULL AND c.acceptedAt >= $start AND c.acceptedAt <= $end AS accepted,"
        " c.closedAt IS NOT NULL AND c.closedAt >= $start AND c.closedAt <= $end AS closed,"
        " c.acceptedAt IS NOT NULL AND c.closedAt IS NULL AND c.deadline < $today AS overdue"
        " WHERE accepted OR closed OR overdue"
        " WITH " + by + "c, accepted, overdue, closed, closed AND c.outcome = 'AGREEMENT' AS agreed,"
        " CASE WHEN closed AND c.acceptedAt IS NOT NULL THEN duration.inDays(c.acceptedAt, c.closedAt).days END AS days"
        " RETURN " + by + "c.referrerId AS referrerId, c.referrerName AS referrerName, c.referrerKind AS referrerKind,"
        " sum(CASE WHEN accepted THEN 1 ELSE 0 END) AS accepted, sum(CASE WHEN closed THEN 1 ELSE 0 END) AS closed,"
        " sum(CASE WHEN agreed THEN 1 ELSE 0 END) AS agreements, sum(CASE WHEN overdue THEN 1 ELSE 0 END) AS overdue,"
        " sum(coalesce(days, 0)) AS totalDays, count(days) AS timed"
        " ORDER BY " + by + "referrerName, referrerId"
    )


CASE_FIGURES: LiteralString = case_figures()
"""Case figures over rows `c` (maps of `CASE`) grouped by referrer: accepted and closed in the period, agreements
among the closed, durations from acceptance to closing, and cases overdue today (accepted, open, past deadline).
The cases reach the rows through a pattern comprehension: on ArcadeDB a MATCH from a node bound by an earlier
clause is far slower than a comprehension (measured in tests/benchmarks/bench_reports.py)."""

NUMBER_READABLE: LiteralString = "($vRoster AND ($vNational OR $vBureau OR x.id = $vAgency))"
"""Whether the reader of a jurisdiction report may see the number of case `(n)-[h:HANDLED]->(x)`: what
`mediationCase` needs (`graph/case.py` CASE_IN_REACH, with a `CaseReader`'s parameters). A bureau's branch
there always holds here: the report's mediators serve inside a subtree the bureau reaches (ROOT_IN_REACH)."""

OVERDUE: LiteralString = (
    "[(n)-[h:HANDLED]->(x) WHERE h.acceptedAt IS NOT NULL AND h.closedAt IS NULL AND h.deadline < $today"
    " | {caseCode: h.caseCode, readable: " + NUMBER_READABLE + ", caseType: h.caseType, acceptedAt: h.acceptedAt,"
    " deadline: h.deadline, mediatorId: n.id, mediatorName: n.name, referrerId: x.id, referrerName: x.name,"
    " daysOverdue: duration.inDays(h.deadline, $today).days}]"
)
"""Mediator `n`'s open cases past their deadline today."""

def overdue_list(by: LiteralString = "") -> LiteralString:
    """OVERDUE_LIST grouped by the columns `by` as well (each followed by a comma)."""
    return (
        " WITH " + by + "c ORDER BY c.deadline, c.caseCode"
        " WITH " + by + "collect({caseCode: CASE WHEN c.readable THEN c.caseCode END, caseType: c.caseType,"
        " acceptedAt: c.acceptedAt, deadline: c.deadline, mediatorId: c.mediatorId, mediatorName: c.mediatorName,"
        " referrerId: c.referrerId, referrerName: c.referrerName, daysOverdue: c.daysOverdue}) AS listed"
        " RETURN " + by + "size(listed) AS total, listed[0..$limit] AS rows"
    )


OVERDUE_LIST: LiteralString = overdue_list()
"""The overdue cases, earliest deadline first; a number the reader may not read leaves the statement as null."""


class Period(GraphRecord):
    start: date
    end: date
    as_of: date
    today: date

    def params(self) -> dict[str, Any]:
        year = self.as_of.year
        return {
            "start": self.start, "end": self.end, "asOf": self.as_of, "today": self.today, "gradeDay": self.as_of,
            "yearStart": date(year, 1, 1), "yearEnd": date(year, 12, 31),
        }


class CaseGroup(GraphRecord):
    referrer_id: str | None = None
    referrer_name: str | None = None
    referrer_kind: str
    accepted: int
    closed: int
    agreements: int
    overdue: int
    total_days: int
    timed: int


class OverdueCase(GraphRecord):
    case_code: str | None = None
    case_type: str | None = None
    accepted_at: date | None = None
    deadline: date | None = None
    mediator_id: str
    mediator_name: str
    referrer_id: str | None = None
    referrer_name: str | None = None
    days_overdue: int


class OverduePage(GraphRecord):
    total: int
    rows: list[OverdueCase]


class OrganizationGroup(GraphRecord):
    kind: str | None = None
    status: str | None = None
    organizations: int


class MediatorGroup(GraphRecord):
    employment: str | None = None
    background: str | None = None
    scheme: str | None = None
    grade: str | None = None
    rank: int | None = None
    met: bool
    mediators: int


class StaffedOrganization(GraphRecord):
    id: str
    name: str
    kind: str
    jurisdiction: str
    members: int
    chairs: int
    women: int
    full_time: int
    minimum: int = 0


class OrganizationPage(GraphRecord):
    total: int
    rows: list[StaffedOrganization]


async def subtree_in_reach(graph: Graph, *, jurisdiction: str, viewer: Viewer) -> Row | None:
    """The division (code, name, level) when it exists and the viewer reaches it."""
    rows = await graph.read(
        "MATCH (root:Jurisdiction {code: $jurisdiction}) WHERE " + ROOT_IN_REACH
        + " RETURN root.code AS code, root.name AS name, root.level AS level",
        jurisdiction=jurisdiction,
        **viewer.params(),
    )
    return rows[0] if rows else None


async def organizations_by_kind_and_status(
    graph: Graph, *, jurisdiction: str, viewer: Viewer
) -> list[OrganizationGroup]:
    rows = await graph.read(
        _SUBTREE + " MATCH (o:Organization)-[:LOCATED_IN]->(j)"
        " RETURN o.kind AS kind, o.status AS status, count(o) AS organizations ORDER BY kind, status",
        jurisdiction=jurisdiction,
        **viewer.params(),
    )
    return [OrganizationGroup.model_validate(row) for row in rows]


async def mediator_groups(
    graph: Graph,
    *,
    jurisdiction: str,
    period: Period,
    training: list[dict[str, Any]],
    viewer: Viewer,
) -> list[MediatorGroup]:
    """The subtree's mediators grouped by employment, background, current grade and whether they met the
    training of the year of `period.as_of`: TRAINING_MET under `training`, the rule of each one's province."""
    rows = await graph.read(
        _MEDIATORS + mediator_columns()
        + " RETURN n.employment AS employment, n.background AS background, grade.scheme AS scheme,"
        " grade.grade AS grade, grade.rank AS rank, met, count(n) AS mediators",
        jurisdiction=jurisdiction,
        training=training,
        **period.params(),
        **viewer.params(),
    )
    return [MediatorGroup.model_validate(row) for row in rows]


async def understaffed_organizations(
    graph: Graph, *, jurisdiction: str, as_of: date, minimums: list[dict[str, Any]], limit: int, viewer: Viewer
) -> OrganizationPage:
    """FILED organizations of the subtree with fewer current full-time members than their kind's minimum
    (`minimums`: `{kind, province, minimum}`, a null province for the national default), sorted by name."""
    rows = await graph.read(
        _SUBTREE + " MATCH (o:Organization)-[:LOCATED_IN]->(j) WHERE o.status = 'FILED'"
        + _SEATS + UNDERSTAFFED + listed_organizations(minimum=True),
        jurisdiction=jurisdiction,
        asOf=as_of,
        minimums=minimums,
        limit=limit,
        **viewer.params(),
    )
    return OrganizationPage.model_validate(rows[0]) if rows else OrganizationPage(total=0, rows=[])


async def committees_breaking_composition(
    graph: Graph,
    *,
    jurisdiction: str,
    as_of: date,
    kinds: list[str],
    members: tuple[int, int],
    limit: int,
    viewer: Viewer,
) -> OrganizationPage:
    """FILED people's mediation committees (`kinds`) of the subtree whose current members break Art 8: a
    member count outside `members`, not exactly one chair, or no woman; sorted by name."""
    rows = await graph.read(
        _SUBTREE + " MATCH (o:Organization)-[:LOCATED_IN]->(j) WHERE o.status = 'FILED' AND o.kind IN $kinds"
        + _SEATS + BREAKING + listed_organizations(),
        jurisdiction=jurisdiction,
        asOf=as_of,
        kinds=kinds,
        fewest=members[0],
        most=members[1],
        limit=limit,
        **viewer.params(),
    )
    return OrganizationPage.model_validate(rows[0]) if rows else OrganizationPage(total=0, rows=[])


async def cases_in_subtree(
    graph: Graph, *, jurisdiction: str, period: Period, viewer: Viewer
) -> list[CaseGroup]:
    """Cases handled by the subtree's mediators, grouped by the referring court or partner."""
    rows = await graph.read(
        _MEDIATORS + " UNWIND [(n)-[h:HANDLED]->(x) | " + CASE + "] AS c" + CASE_FIGURES,
        jurisdiction=jurisdiction,
        **period.params(),
        **viewer.params(),
    )
    return [CaseGroup.model_validate(row) for row in rows]


async def overdue_in_subtree(
    graph: Graph, *, jurisdiction: str, period: Period, limit: int, reader: CaseReader
) -> OverduePage:
    """Open cases past their deadline today, of the subtree's mediators, earliest deadline first; each case's
    number only where `reader` may read the case (`NUMBER_READABLE`)."""
    rows = await graph.read(
        _MEDIATORS + " UNWIND " + OVERDUE + " AS c" + OVERDUE_LIST,
        jurisdiction=jurisdiction,
        limit=limit,
        **period.params(),
        **reader.params(),
    )
    return OverduePage.model_validate(rows[0]) if rows else OverduePage(total=0, rows=[])
