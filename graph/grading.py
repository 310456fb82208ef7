"""What grading and the training ledger measure, aggregated in the graph: one statement per call.

Every statement takes the viewer's policy parameters; a mediator or a jurisdiction out of reach yields no rows.
Period bounds are dates, inclusive. `HANDLED.closedAt`, `COMPLETED.completedAt`, `SANCTIONED.on` and
`MEMBER_OF.since/until` are compared as dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graph.driver import Graph
from graph.records import GraphRecord
from graph.viewer import MEDIATOR_IN_FULL, Viewer


class HeldCredential(GraphRecord):
    scheme: str
    level: str | None = None


class Measures(GraphRecord):
    """The raw values the grade criteria are checked against, for one mediator and one period."""

    id: str
    name: str
    province: str | None = None
    period_start: date
    service_days: int
    cases: int
    agreements: int
    oral: int
    escalated: int
    training_hours: float
    sanctions: int
    credentials: list[HeldCredential]


class TrainingLedger(GraphRecord):
    """Hours in one calendar year and when the mediator's first membership began."""

    id: str
    name: str
    province: str | None = None
    hours: float
    first_since: date | None = None


class LedgerPage(GraphRecord):
    total: int
    rows: list[TrainingLedger]


_PROVINCE: LiteralString = (
    " CALL (n) { OPTIONAL MATCH (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(pj:Jurisdiction)"
    " RETURN substring(min(pj.code), 0, 2) AS province }"
)
"""The province of the mediator's organizations (the lowest code when there are several)."""

_MEASURES: LiteralString = (
    _PROVINCE
    + " WITH n, province, coalesce(head([p IN $periods WHERE p.province = province | p.start]), $start) AS start"
    " CALL (n) { OPTIONAL MATCH (n)-[m:MEMBER_OF]->(:Organization) WHERE m.since <= $end"
    " RETURN min(m.since) AS firstSince,"
    " max(CASE WHEN m.until IS NULL OR m.until > $end THEN $end ELSE m.until END) AS lastDay }"
    " CALL (n, start) { OPTIONAL MATCH (n)-[h:HANDLED]->() WHERE h.closedAt >= start AND h.closedAt <= $end"
    " RETURN count(h) AS cases,"
    " count(CASE WHEN h.outcome = 'AGREEMENT' THEN 1 END) AS agreements,"
    " count(CASE WHEN h.outcome = 'AGREEMENT' AND h.agreementForm = 'ORAL' THEN 1 END) AS oral,"
    " count(CASE WHEN h.escalatedToCriminal = true THEN 1 END) AS escalated }"
    " CALL (n, start) { OPTIONAL MATCH (n)-[c:COMPLETED]->(:Training)"
    " WHERE c.completedAt >= start AND c.completedAt <= $end RETURN sum(c.hours) AS trainingHours }"
    " CALL (n, start) { OPTIONAL MATCH (:Court)-[s:SANCTIONED]->(n) WHERE s.on >= start AND s.on <= $end"
    " RETURN count(s) AS sanctions }"
    " CALL (n) { OPTIONAL MATCH (n)-[:HOLDS]->(k:Credential)"
    " WHERE k.verified = true AND (k.expiresAt IS NULL OR k.expiresAt >= $end)"
    " RETURN collect(k {.scheme, .level}) AS credentials }"
    " RETURN n.id AS id, n.name AS name, province, start AS periodStart,"
    " CASE WHEN firstSince IS NULL THEN 0 ELSE duration.inDays(firstSince, lastDay).days + 1 END AS serviceDays,"
    " cases, agreements, oral, escalated, coalesce(trainingHours, 0.0) AS trainingHours, sanctions, credentials"
)
"""Everything a grade needs for mediator `n`: service from its memberships, closed cases, training hours,
sanctions in the period, and verified credentials still valid at its end."""

_ROOT: LiteralString = (
    "MATCH (root:Jurisdiction {code: $jurisdiction})"
    " WHERE $vRoster AND ($vNational OR ($vJurisdiction IS NOT NULL"
    " AND EXISTS { (root)-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) }))"
)
"""The jurisdiction asked for, only when the viewer reads the roster and reaches it (national or inside)."""

_SUBTREE: LiteralString = (
    _ROOT
    + " MATCH (j:Jurisdiction)-[:PART_OF*0..]->(root)"
    " MATCH (n:Mediator)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j)"
    " WITH DISTINCT n"
)
"""Every mediator of an organization inside the jurisdiction subtree, when the viewer reaches its root."""


def _period(start: date, end: date, periods: dict[str, date] | None) -> dict[str, Any]:
    listed = [{"province": code, "start": day} for code, day in (periods or {}).items()]
    return {"start": start, "end": end, "periods": listed}


async def measures_of_mediator(
    graph: Graph, *, id: str, start: date, end: date, periods: dict[str, date] | None, viewer: Viewer
) -> Measures | None:
    """`periods` gives a start per province (the mediator's scheme decides); `start` applies otherwise."""
    rows = await graph.read(
        "MATCH (n:Mediator {id: $id}) WHERE " + MEDIATOR_IN_FULL + _MEASURES,
        id=id,
        **_period(start, end, periods),
        **viewer.params(),
    )
    return Measures.model_validate(rows[0]) if rows else None


async def jurisdiction_in_reach(graph: Graph, *, jurisdiction: str, viewer: Viewer) -> bool:
    """Whether the viewer may read the roster of the whole subtree below `jurisdiction`."""
    rows = await graph.read(_ROOT + " RETURN root.code AS code", jurisdiction=jurisdiction, **viewer.params())
    return bool(rows)


async def measures_in_jurisdiction(
    graph: Graph, *, jurisdiction: str, start: date, end: date, viewer: Viewer
) -> list[Measures]:
    """All mediators of the subtree, aggregated in one statement (the reach check is inside it too)."""
    rows = await graph.read(_SUBTREE + _MEASURES, jurisdiction=jurisdiction, **_period(start, end, None), **viewer.params())
    return [Measures.model_validate(row) for row in rows]


_HOURS: LiteralString = (
    _PROVINCE
    + " CALL (n) { OPTIONAL MATCH (n)-[m:MEMBER_OF]->(:Organization) RETURN min(m.since) AS firstSince }"
    " CALL (n) { OPTIONAL MATCH (n)-[c:COMPLETED]->(:Training)"
    " WHERE c.completedAt >= $yearStart AND c.completedAt <= $yearEnd RETURN sum(c.hours) AS hours }"
    " WITH n, province, firstSince, coalesce(hours, 0.0) AS hours"
)
"""Hours completed by mediator `n` in the year, and the start of its first membership."""


def _year(year: int) -> dict[str, date]:
    return {"yearStart": date(year, 1, 1), "yearEnd": date(year, 12, 31)}


async def training_of_mediator(graph: Graph, *, id: str, year: int, viewer: Viewer) -> TrainingLedger | None:
    rows = await graph.read(
        "MATCH (n:Mediator {id: $id}) WHERE " + MEDIATOR_IN_FULL + _HOURS
        + " RETURN n.id AS id, n.name AS name, province, hours, firstSince",
        id=id,
        **_year(year),
        **viewer.params(),
    )
    return TrainingLedger.model_validate(rows[0]) if rows else None


async def below_training_hours(
    graph: Graph,
    *,
    jurisdiction: str,
    year: int,
    annual: float,
    pre_job: float,
    after: tuple[str, str] | None,
    limit: int,
    viewer: Viewer,
) -> LedgerPage:
    """Mediators serving in the subtree during `year` whose hours fall short of `annual`, plus `pre_job`
    in the year their first membership began; sorted by name then id, with the total count."""
    rows = await graph.read(
        _ROOT
        + " MATCH (j:Jurisdiction)-[:PART_OF*0..]->(root)"
        " MATCH (n:Mediator)-[a:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j)"
        " WHERE a.since <= $yearEnd AND (a.until IS NULL OR a.until >= $yearStart)"
        " WITH DISTINCT n" + _HOURS + ","
        " $annual + CASE WHEN firstSince >= $yearStart AND firstSince <= $yearEnd THEN $preJob ELSE 0.0 END AS required"
        " WHERE hours < required"
        " WITH n, province, hours, firstSince ORDER BY n.name, n.id"
        " WITH collect({id: n.id, name: n.name, province: province, hours: hours, firstSince: firstSince}) AS listed"
        " RETURN size(listed) AS total, [r IN listed WHERE $afterId IS NULL OR r.name > $afterName"
        " OR (r.name = $afterName AND r.id > $afterId)][0..$limit] AS rows",
        jurisdiction=jurisdiction,
        annual=float(annual),
        preJob=float(pre_job),
        afterName=after[0] if after else None,
        afterId=after[1] if after else None,
        limit=limit,
        **_year(year),
        **viewer.params(),
    )
    return LedgerPage.model_validate(rows[0]) if rows else LedgerPage(total=0, rows=[])
