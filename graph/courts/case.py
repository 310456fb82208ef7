"""Cases as edges: `(:Mediator)-[:HANDLED {...}]->(:Court|:PartnerAgency)` for the referring agency.

The registry keeps case metadata only (SPC Fa Shi [2016] No. 14 Art 2: the process and the agreement are not
public); the case itself stays in the courts' systems. Property names are the ones `graph/grading.py` reads:
`closedAt` (date), `outcome` ('AGREEMENT', 'NO_AGREEMENT', 'WITHDRAWN', 'TERMINATED'), `agreementForm`
('ORAL', 'WRITTEN'), `escalatedToCriminal` (boolean), plus `id`, `caseCode` as given, its parsed parts and
`codeKey`, `caseType`, `referral`, `procedure`, `stage`, `acceptedAt`, `deadline`, `extensions`, ...

Uniqueness of a case number. Neither engine offers one constraint on a relationship property that both
accept, so each case also has a `(:CaseKey {key, caseId, mediatorId, agencyId})` node: its `key` (the
parsed number, see `resolvers/case_code.py`) and `caseId` are unique by node constraints. The statement that
creates a case creates the edge and the key together only when no key exists, and when two writers race,
the constraint refuses the second commit. The key node also finds a case by id through a node index.

Reads take the viewer's policy: a court or partner reads the cases it referred; a judicial bureau reads
cases of mediators of organizations inside its jurisdiction; a national viewer reads all; each needs
`roster:read` (`$vRoster`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from pydantic import Field

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row, Tx
from graph.core.records import GraphRecord
from graph.core.terms import current, in_force
from graph.core.viewer import Viewer
from graph.grades.assessment import CURRENT_GRADE, NO_GRADE_RANK


@dataclass(frozen=True, slots=True)
class CaseReader:
    """The viewer plus who reads: a court or partner reads its own cases, a bureau those in its reach."""

    viewer: Viewer
    agency: str | None = None
    kind: str | None = None

    def params(self) -> dict[str, Any]:
        return self.viewer.params() | {
            "vAgency": self.agency,
            "vBureau": self.kind == "JUDICIAL_BUREAU",
            "vCourt": self.kind == "COURT",
        }

    def reads_number(self, referrer_id: str | None) -> bool:
        """graph/reports/jurisdiction.py NUMBER_READABLE for a case referred by `referrer_id`, for rows read
        ahead of the reader (report rollups); tests/reports/test_rollup.py holds the two to the same answers."""
        return self.viewer.roster and (
            self.viewer.national or self.kind == "JUDICIAL_BUREAU" or (referrer_id is not None and referrer_id == self.agency)
        )


CASE_IN_REACH: LiteralString = (
    "($vRoster AND ($vNational OR a.id = $vAgency"
    " OR ($vBureau AND $vJurisdiction IS NOT NULL AND EXISTS {"
    " (m)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
    "(:Jurisdiction {code: $vJurisdiction}) })))"
)
"""Whether case `h` of mediator `m`, referred by agency `a`, may be read."""

_PROJECTION: LiteralString = " RETURN h {.*, mediatorId: m.id, agencyId: a.id, agencyName: a.name} AS props"


class CaseRecord(GraphRecord):
    id: str
    case_code: str
    code_year: int
    code_court: str
    code_type: str
    code_serial: int
    case_type: str
    referral: str
    procedure: str | None = None
    stage: str
    parties: list[str] = Field(default_factory=list)
    referred_at: date
    accepted_at: date | None = None
    deadline: date | None = None
    extensions: int = 0
    extended_days: int = 0
    conflict_grounds: list[str] = Field(default_factory=list)
    outcome: str | None = None
    agreement_form: str | None = None
    agreement_effective_at: date | None = None
    confirmation_status: str | None = None
    confirmation_deadline: date | None = None
    confirmation_applied_on: date | None = None
    closed_at: date | None = None
    escalated_to_criminal: bool | None = None
    later_case_codes: list[str] = Field(default_factory=list)
    mediator_id: str
    agency_id: str
    agency_name: str | None = None
    version: int = 1


async def referral_facts(graph: Graph, tx: Tx, *, mediator: str, agency: str, on: date) -> Row | None:
    """What a referral depends on: the mediator's status, the agency's kind and court code, whether the
    court's list (its own or one it adopted, directly or through an organization) holds the mediator on
    `on`, and whether the mediator is affiliated with the agency (directly or through an organization)."""
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $mediator}), (a:Agency {id: $agency})"
        " RETURN m.status AS status, a.kind AS kind, a.name AS agencyName, a.courtCode AS courtCode,"
        " EXISTS { (a)-[r:INVITES]->(m) WHERE " + in_force("r") + " }"
        " OR EXISTS { (a)-[r:INVITES]->(:Organization)<-[s:MEMBER_OF]-(m) WHERE " + in_force("r") + " AND " + current("s") + " }"
        " OR EXISTS { (a)-[:ADOPTS]->(:Court)-[r:INVITES]->(m) WHERE " + in_force("r") + " }"
        " OR EXISTS { (a)-[:ADOPTS]->(:Court)-[r:INVITES]->(:Organization)<-[s:MEMBER_OF]-(m)"
        " WHERE " + in_force("r") + " AND " + current("s") + " } AS invited,"
        " EXISTS { (m)-[:AFFILIATED_WITH]->(a) } OR EXISTS { (m)-[:MEMBER_OF]->(:Organization)-[:AFFILIATED_WITH]->(a) }"
        " AS affiliated",
        mediator=mediator,
        agency=agency,
        on=on,
    )
    return rows[0] if rows else None


async def create_case(
    graph: Graph, tx: Tx, *, id: str, key: str, mediator: str, agency: str, props: dict[str, Any]
) -> Row | None:
    """The HANDLED edge and its key, only when no case has the key; None when one has (a duplicate)."""
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $mediator}), (a:Agency {id: $agency})"
        " OPTIONAL MATCH (k:CaseKey {key: $key})"
        " WITH m, a, k WHERE k IS NULL"
        " CREATE (:CaseKey {key: $key, caseId: $id, mediatorId: $mediator, agencyId: $agency})"
        " CREATE (m)-[h:HANDLED]->(a) SET h += $props, h.id = $id, h.codeKey = $key, h.version = 1,"
        " h.recordedAt = " + NOW
        + _PROJECTION,
        id=id,
        key=key,
        mediator=mediator,
        agency=agency,
        props=props,
        **stamp(),
    )
    return rows[0]["props"] if rows else None


async def case_for_update(graph: Graph, tx: Tx, *, id: str) -> Row | None:
    """The case as it was, with its agency's kind and name; bumping `version` first takes the write lock on
    Neo4j (and makes a concurrent change conflict on ArcadeDB), so no other writer changes it meanwhile."""
    rows = await graph.rows(
        tx,
        "MATCH (k:CaseKey {caseId: $id})"
        " MATCH (m:Mediator {id: k.mediatorId})-[h:HANDLED]->(a:Agency {id: k.agencyId}) WHERE h.id = $id"
        " WITH m, a, h, h {.*, mediatorId: m.id, agencyId: a.id, agencyName: a.name} AS before"
        " SET h.version = coalesce(h.version, 0) + 1"
        " RETURN before AS props, a.kind AS kind",
        id=id,
    )
    return rows[0] if rows else None


async def update_case(graph: Graph, tx: Tx, *, id: str, props: dict[str, Any]) -> Row:
    rows = await graph.rows(
        tx,
        "MATCH (k:CaseKey {caseId: $id})"
        " MATCH (m:Mediator {id: k.mediatorId})-[h:HANDLED]->(a:Agency {id: k.agencyId}) WHERE h.id = $id"
        " SET h += $props, h.updatedAt = " + NOW
        + _PROJECTION,
        id=id,
        props=props,
        **stamp(),
    )
    saved: dict[str, Any] = rows[0]["props"]
    return saved


async def case_by_id(graph: Graph, *, id: str, reader: CaseReader) -> CaseRecord | None:
    rows = await graph.read(
        "MATCH (k:CaseKey {caseId: $id})"
        " MATCH (m:Mediator {id: k.mediatorId})-[h:HANDLED]->(a:Agency {id: k.agencyId})"
        " WHERE h.id = $id AND " + CASE_IN_REACH + _PROJECTION,
        id=id,
        **reader.params(),
    )
    return CaseRecord.model_validate(rows[0]["props"]) if rows else None


_BY_AGENCY: LiteralString = "MATCH (a:Agency {id: $agency})<-[h:HANDLED]-(m:Mediator) WHERE "
_BY_MEDIATOR: LiteralString = "MATCH (m:Mediator {id: $mediator})-[h:HANDLED]->(a:Agency) WHERE "
_BY_JURISDICTION: LiteralString = (
    "MATCH (root:Jurisdiction {code: $jurisdiction})"
    " MATCH (j:Jurisdiction)-[:PART_OF*0..]->(root)"
    " MATCH (m:Mediator)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j)"
    " WITH DISTINCT m MATCH (m)-[h:HANDLED]->(a:Agency) WHERE "
)
_ALL: LiteralString = "MATCH (m:Mediator)-[h:HANDLED]->(a:Agency) WHERE "
"""Where a listing starts: the agency's, the mediator's or the subtree's cases are reached through an index.
The anchored node comes first: ArcadeDB starts a pattern from its first node, and from every Mediator the
agency's cases took 1.7 s at F = 0.1 (6 ms from the agency)."""

_FILTERS: LiteralString = (
    " ($agency IS NULL OR a.id = $agency) AND ($mediator IS NULL OR m.id = $mediator)"
    " AND ($stage IS NULL OR h.stage = $stage)"
    " AND (NOT $overdue OR (h.acceptedAt IS NOT NULL AND h.closedAt IS NULL AND h.deadline < $today))"
    " AND ($jurisdiction IS NULL OR EXISTS { (m)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
    "-[:PART_OF*0..]->(:Jurisdiction {code: $jurisdiction}) })"
    " AND " + CASE_IN_REACH
)
_PAGE: LiteralString = (
    " WITH h, m, a ORDER BY coalesce(h.deadline, h.referredAt), h.caseCode, h.id SKIP $skip LIMIT $limit" + _PROJECTION
)


class CaseFilter(GraphRecord):
    agency: str | None = None
    mediator: str | None = None
    jurisdiction: str | None = None
    stage: str | None = None
    overdue: bool = False
    today: date


async def list_cases(graph: Graph, *, where: CaseFilter, skip: int, limit: int, reader: CaseReader) -> list[CaseRecord]:
    """Cases in reach matching every filter, earliest deadline first; `overdue` keeps the accepted, unclosed
    cases whose deadline has passed."""
    start = (
        _BY_AGENCY if where.agency else _BY_MEDIATOR if where.mediator else _BY_JURISDICTION if where.jurisdiction else _ALL
    )
    rows = await graph.read(
        start + _FILTERS + _PAGE, skip=skip, limit=limit, **where.model_dump(), **reader.params()
    )
    return [CaseRecord.model_validate(row["props"]) for row in rows]


async def barring_cases(graph: Graph, *, mediator: str, key: str, reader: CaseReader) -> list[Row]:
    """Cases the mediator accepted (so mediated) whose number, or a later litigation number recorded for
    it, is `key`. Any court may ask (it seats assessors and hears witnesses); anyone else learns of the cases
    it may read (CASE_IN_REACH): its own referrals or, for a bureau, its mediators' cases."""
    return await graph.read(
        "MATCH (m:Mediator {id: $mediator})-[h:HANDLED]->(a:Agency)"
        " WHERE h.acceptedAt IS NOT NULL AND (h.codeKey = $key OR $key IN coalesce(h.laterCodeKeys, []))"
        " AND (($vRoster AND $vCourt) OR " + CASE_IN_REACH + ")"
        " RETURN h.id AS id, h.caseCode AS caseCode ORDER BY h.caseCode",
        mediator=mediator,
        key=key,
        **reader.params(),
    )


class Candidate(GraphRecord):
    """A mediator on a court's list with what the recommendation weighs."""

    id: str
    name: str
    panels: list[str]
    specialties: list[str] = Field(default_factory=list)
    open: int
    closed: int
    agreements: int
    grade_scheme: str | None = None
    grade: str | None = None
    grade_rank: int | None = None


async def court_in_reach(graph: Graph, *, court: str, reader: CaseReader) -> bool:
    """Whether the court exists and the reader is that court (or national), with `roster:read`."""
    rows = await graph.read(
        "MATCH (c:Court {id: $court}) WHERE $vRoster AND ($vNational OR c.id = $vAgency) RETURN c.id AS id",
        court=court,
        **reader.params(),
    )
    return bool(rows)


async def recommendation_candidates(
    graph: Graph,
    *,
    court: str,
    case_type: str,
    on: date,
    since: date,
    language: str | None,
    jurisdiction: str | None,
    limit: int,
) -> list[Candidate]:
    """Every FILED mediator on the court's list on `on` (its own invitations and adopted lists, directly or
    through an invited organization) with the panels it serves on, its open cases (with any agency), the
    cases it closed since `since` and their agreements, and its current grade (`graph/assessment.py`); call
    `court_in_reach` first. Past `limit`, the weakest are left out: those not on a `case_type` panel, then
    without that specialty, then of lower grade, then with more open cases."""
    rows = await graph.read(
        "MATCH (c:Court {id: $court})"
        " WITH c, [c] + [(c)-[:ADOPTS]->(h:Court) | h] AS sources"
        " UNWIND sources AS s"
        " MATCH (s)-[r:INVITES]->(t) WHERE " + in_force("r") +
        " WITH r, t, [(t)<-[ms:MEMBER_OF]-(p:Mediator) WHERE t:Organization AND " + current("ms") + " | p] AS members"
        " UNWIND CASE WHEN t:Mediator THEN [t] ELSE members END AS n"
        " WITH n, r WHERE n.status = 'FILED' AND ($language IS NULL OR $language IN coalesce(n.languages, []))"
        " AND ($jurisdiction IS NULL OR EXISTS { (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
        "-[:PART_OF*0..]->(:Jurisdiction {code: $jurisdiction}) })"
        " WITH n, collect(r.panels) AS panelLists"
        " WITH n, reduce(acc = [], p IN panelLists | acc + p) AS panels,"
        " [(n)-[h:HANDLED]->() | h {.closedAt, .outcome}] AS handled, " + CURRENT_GRADE + " AS grade"
        " WITH n, panels, handled, grade, size([x IN handled WHERE x.closedAt IS NULL]) AS open,"
        " CASE WHEN $caseType IN panels THEN 0 ELSE 1 END AS offPanel,"
        " CASE WHEN $caseType IN coalesce(n.specialties, []) THEN 0 ELSE 1 END AS otherSpecialty"
        " RETURN n.id AS id, n.name AS name, panels, coalesce(n.specialties, []) AS specialties, open,"
        " size([x IN handled WHERE x.closedAt >= $since]) AS closed,"
        " size([x IN handled WHERE x.closedAt >= $since AND x.outcome = 'AGREEMENT']) AS agreements,"
        " grade.scheme AS gradeScheme, grade.grade AS grade, grade.rank AS gradeRank"
        " ORDER BY offPanel, otherSpecialty, coalesce(gradeRank, " + NO_GRADE_RANK + "), open, name, id LIMIT $limit",
        court=court,
        caseType=case_type,
        on=on,
        gradeDay=on,
        since=since,
        language=language,
        jurisdiction=jurisdiction,
        limit=limit,
    )
    return [Candidate.model_validate(row) for row in rows]
