"""What grading and the training ledger measure, aggregated in the graph: one statement per call.

Every statement takes the viewer's policy parameters; a mediator or a jurisdiction out of reach yields no rows.
Period bounds are dates, inclusive. `HANDLED.closedAt`, `COMPLETED.completedAt`, `SANCTIONED.on` and
`MEMBER_OF.since/until` are compared as dates.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from pydantic import Field

from graph.core.driver import Graph
from graph.core.records import GraphRecord
from graph.core.terms import overlapping
from graph.core.viewer import MEDIATOR_IN_FULL, Viewer
from graph.core.vocabulary import TrainingTopic


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


class TopicHours(GraphRecord):
    topic: TrainingTopic
    hours: float


class TrainingLedger(GraphRecord):
    """Hours in one calendar year (in all and per topic asked for) and when the first membership began."""

    id: str
    name: str
    province: str | None = None
    hours: float
    topic_hours: list[TopicHours] = Field(default_factory=list)
    first_since: date | None = None


class LedgerPage(GraphRecord):
    total: int
    rows: list[TrainingLedger]


PROVINCE: LiteralString = (
    "substring(reduce(lo = null, code IN [(n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(pj:Jurisdiction) | pj.code]"
    " | CASE WHEN lo IS NULL OR code < lo THEN code ELSE lo END), 0, 2)"
)
"""The two-digit province of mediator `n`'s organizations (the lowest code when there are several): its
scheme decides its grading period and training rule.

Per-mediator values use pattern comprehensions folded with `reduce`/`size`: on ArcadeDB a `CALL (n) {...}`
subquery after a multi-hop MATCH runs in quadratic time, while comprehensions stay linear."""

_PROVINCE: LiteralString = " WITH n, " + PROVINCE + " AS province"

FIRST_SINCE: LiteralString = (
    "reduce(lo = null, since IN [(n)-[m:MEMBER_OF]->(:Organization) | m.since]"
    " | CASE WHEN lo IS NULL OR since < lo THEN since ELSE lo END)"
)
"""When mediator `n`'s first membership began: pre-job hours fall due in that year."""

YEAR_COURSES: LiteralString = (
    "[(n)-[c:COMPLETED]->(t) WHERE c.completedAt >= $yearStart AND c.completedAt <= $yearEnd"
    " | {hours: c.hours, topic: t.topic}]"
)
"""Mediator `n`'s courses completed from `$yearStart` to `$yearEnd`: its hours (`COMPLETED.hours`) and the
course's topic (null when untagged)."""

TRAINING_MET: LiteralString = (
    "any(rule IN [coalesce(head([r IN $training WHERE r.province = province]),"
    " head([r IN $training WHERE r.province IS NULL]))]"
    " WHERE reduce(total = 0.0, d IN done | total + d.hours)"
    " >= rule.annual + CASE WHEN firstSince >= $yearStart AND firstSince <= $yearEnd THEN rule.preJob ELSE 0.0 END"
    " AND all(quota IN rule.topics WHERE reduce(total = 0.0, d IN done"
    " | total + CASE WHEN d.topic = quota.topic THEN d.hours ELSE 0.0 END) >= quota.hours))"
)
"""Whether a mediator met the year's training, over the variables `province` (PROVINCE), `firstSince`
(FIRST_SINCE) and `done` (YEAR_COURSES): the rule of `$training` for its province, else the one with a null
province, is `{province, annual, preJob, topics: [{topic, hours}]}` (`resolvers/training.py` training_rules);
the year's hours reach `annual`, plus `preJob` when the first membership began in the year, and the hours of
courses of each topic reach its quota. The one definition `findMediators`, the jurisdiction report's training
coverage and the list of mediators below their hours apply (`trainingStatus` checks one ledger the same way,
`resolvers/training.py` training_status_of). The `any` over one rule only names it."""

_BY_PROVINCE: LiteralString = (
    _PROVINCE + " WITH n, province, coalesce(head([p IN $periods WHERE p.province = province | p.start]), $start) AS start"
)
"""One mediator: its province's scheme sets the period start."""

_MEASURES: LiteralString = (
    " WITH n, province, start,"
    " [(n)-[m:MEMBER_OF]->(:Organization) WHERE m.since <= $end"
    " | {since: m.since, last: CASE WHEN m.until IS NULL OR m.until > $end THEN $end ELSE m.until END}] AS terms,"
    " [(n)-[h:HANDLED]->() WHERE h.closedAt >= start AND h.closedAt <= $end"
    " | {outcome: h.outcome, form: h.agreementForm, criminal: h.escalatedToCriminal}] AS handled,"
    " [(n)-[c:COMPLETED]->() WHERE c.completedAt >= start AND c.completedAt <= $end | c.hours] AS hours,"
    " [(n)<-[s:SANCTIONED]-(court) WHERE court:Court AND s.on >= start AND s.on <= $end | s.on] AS sanctioned,"
    " [(n)-[:HOLDS]->(k:Credential) WHERE k.verified = true AND (k.expiresAt IS NULL OR k.expiresAt >= $end)"
    " | k {.scheme, .level}] AS credentials"
    " WITH n, province, start, handled, hours, sanctioned, credentials,"
    " reduce(lo = null, t IN terms | CASE WHEN lo IS NULL OR t.since < lo THEN t.since ELSE lo END) AS firstSince,"
    " reduce(hi = null, t IN terms | CASE WHEN hi IS NULL OR t.last > hi THEN t.last ELSE hi END) AS lastDay"
    " RETURN n.id AS id, n.name AS name, province, start AS periodStart,"
    " CASE WHEN firstSince IS NULL THEN 0 ELSE duration.inDays(firstSince, lastDay).days + 1 END AS serviceDays,"
    " size(handled) AS cases,"
    " size([h IN handled WHERE h.outcome = 'AGREEMENT']) AS agreements,"
    " size([h IN handled WHERE h.outcome = 'AGREEMENT' AND h.form = 'ORAL']) AS oral,"
    " size([h IN handled WHERE h.criminal = true]) AS escalated,"
    " reduce(total = 0.0, x IN hours | total + x) AS trainingHours,"
    " size(sanctioned) AS sanctions, credentials"
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
        "MATCH (n:Mediator {id: $id}) WHERE " + MEDIATOR_IN_FULL + _BY_PROVINCE + _MEASURES,
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
    rows = await graph.read(
        _SUBTREE + " WITH n, null AS province, $start AS start" + _MEASURES,
        jurisdiction=jurisdiction,
        **_period(start, end, None),
        **viewer.params(),
    )
    return [Measures.model_validate(row) for row in rows]


_HOURS: LiteralString = (
    " WITH n, " + PROVINCE + " AS province, " + FIRST_SINCE + " AS firstSince, " + YEAR_COURSES + " AS done"
    " WITH n, province, firstSince, done, reduce(total = 0.0, d IN done | total + d.hours) AS hours,"
    " [topic IN $topics | {topic: topic, hours: reduce(total = 0.0, d IN done"
    " | total + CASE WHEN d.topic = topic THEN d.hours ELSE 0.0 END)}] AS topicHours"
)
"""Hours completed by mediator `n` in the year, in all and for each of `$topics` (the course's topic), the
start of its first membership, and the year's courses (`done`, for TRAINING_MET)."""


def _year(year: int) -> dict[str, date]:
    return {"yearStart": date(year, 1, 1), "yearEnd": date(year, 12, 31)}


async def training_of_mediator(graph: Graph, *, id: str, year: int, viewer: Viewer) -> TrainingLedger | None:
    """The year's hours with those of every topic (the mediator's scheme, known from its province, picks)."""
    rows = await graph.read(
        "MATCH (n:Mediator {id: $id}) WHERE " + MEDIATOR_IN_FULL + _HOURS
        + " RETURN n.id AS id, n.name AS name, province, hours, topicHours, firstSince",
        id=id,
        topics=[topic.value for topic in TrainingTopic],
        **_year(year),
        **viewer.params(),
    )
    return TrainingLedger.model_validate(rows[0]) if rows else None


async def below_training_hours(
    graph: Graph,
    *,
    jurisdiction: str,
    year: int,
    rules: list[dict[str, Any]],
    topics: list[TrainingTopic],
    after: tuple[str, str] | None,
    limit: int,
    viewer: Viewer,
) -> LedgerPage:
    """Mediators serving in the subtree during `year` who did not meet the year's training under `rules`
    (TRAINING_MET's `$training`: a list holding only a rule with a null province applies that rule to
    everyone); sorted by name then id, with the total count. Each row carries its hours of `topics`."""
    rows = await graph.read(
        _ROOT
        + " MATCH (j:Jurisdiction)-[:PART_OF*0..]->(root)"
        " MATCH (n:Mediator)-[a:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j)"
        " WHERE " + overlapping("a", "$yearStart", "$yearEnd") +
        " WITH DISTINCT n" + _HOURS
        + " WHERE NOT " + TRAINING_MET
        + " WITH n, province, hours, topicHours, firstSince ORDER BY n.name, n.id"
        " WITH collect({id: n.id, name: n.name, province: province, hours: hours, topicHours: topicHours,"
        " firstSince: firstSince}) AS listed"
        " RETURN size(listed) AS total, [r IN listed WHERE $afterId IS NULL OR r.name > $afterName"
        " OR (r.name = $afterName AND r.id > $afterId)][0..$limit] AS rows",
        jurisdiction=jurisdiction,
        training=rules,
        topics=[topic.value for topic in topics],
        afterName=after[0] if after else None,
        afterId=after[1] if after else None,
        limit=limit,
        **_year(year),
        **viewer.params(),
    )
    return LedgerPage.model_validate(rows[0]) if rows else LedgerPage(total=0, rows=[])
