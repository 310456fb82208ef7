"""Grade assessments: the workflow's records and the current grade of a mediator.

`(:Mediator)-[:ASSESSED]->(a:GradeAssessment {id, scheme, grade, rank, period, periodStart, periodEnd, status,
appliedAt, noticeStartsOn, noticeEndsOn, decidedAt, validFrom, validUntil, reassessmentDue, evidence, version})`,
and every step of it `(a)-[:STEP]->(:AssessmentStep {seq, action, status, at, agencyId, clientId, reason})`
(`seq` is the assessment's `version` after the step). `evidence` is the eligibility the decision was based
on, serialized as canonical JSON. `(:GradeSlot {mediatorId, open})` holds the one open assessment of a
mediator: every step that opens or closes one writes it, so two racing applications cannot both open.

Reuse: `CURRENT_GRADE` is an expression over mediator `n` and the date parameter `$gradeDay` that yields
the current grade as a map `{id, scheme, grade, rank, decidedAt, validUntil}` or null: the latest DECIDED
assessment (by `decidedAt`, then `id`) whose validity covers `$gradeDay`. `CURRENT_GRADE_RANK` is its
`rank` (1 is the highest grade of the assessment's own scheme; null when ungraded), e.g. "grade 2 or
better": `WHERE coalesce(<CURRENT_GRADE_RANK>, 99) <= $rank`. Both are pattern comprehensions folded with
`reduce`, so they stay linear after a multi-hop MATCH on ArcadeDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, LiteralString

from pydantic import Field

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row, Tx
from graph.core.records import GraphRecord
from graph.core.viewer import IN_REACH, MEDIATOR_IN_FULL, Viewer

"""Schema for migration 9."""

CURRENT_GRADE: LiteralString = (
    "reduce(best = null, g IN [(n)-[:ASSESSED]->(x:GradeAssessment) WHERE x.status = 'DECIDED'"
    " AND x.validFrom <= $gradeDay AND x.validUntil >= $gradeDay"
    " | x {.id, .scheme, .grade, .rank, .decidedAt, .validUntil}]"
    " | CASE WHEN best IS NULL OR g.decidedAt > best.decidedAt"
    " OR (g.decidedAt = best.decidedAt AND g.id > best.id) THEN g ELSE best END)"
)
"""The current grade of mediator `n` on `$gradeDay` as a map, or null (see the module docstring)."""

CURRENT_GRADE_RANK: LiteralString = "(" + CURRENT_GRADE + ").rank"
"""The rank of the current grade of mediator `n` on `$gradeDay` (1 highest), or null."""

NO_GRADE_RANK: LiteralString = "99"
"""The rank an ungraded mediator counts as: below every grade of every scheme."""


class CurrentGrade(GraphRecord):
    id: str
    scheme: str
    grade: str
    rank: int
    decided_at: datetime
    valid_until: date


class AssessmentStep(GraphRecord):
    seq: int
    action: str
    status: str
    at: datetime
    agency_id: str | None = None
    client_id: str | None = None
    reason: str | None = None


class AssessmentRecord(GraphRecord):
    """An assessment with its steps, oldest first."""

    id: str
    mediator_id: str
    scheme: str
    grade: str
    rank: int
    period_start: date
    period_end: date
    status: str
    version: int
    applied_at: datetime
    note: str | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    refusal_reason: str | None = None
    appeal_reason: str | None = None
    appeal_outcome: str | None = None
    decided_at: datetime | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    reassessment_due: date | None = None
    override_reason: str | None = None
    evidence: str | None = None
    steps: list[AssessmentStep] = Field(default_factory=list)


_RECORD: LiteralString = "a {.*, mediatorId: n.id, steps: [(a)-[:STEP]->(s:AssessmentStep) | s {.*}]}"


def _record(props: Row) -> AssessmentRecord:
    record = AssessmentRecord.model_validate(props)
    return record.model_copy(update={"steps": sorted(record.steps, key=lambda step: step.seq)})


async def current_grades_of_mediators(graph: Graph, *, ids: Sequence[str], on: date) -> dict[str, CurrentGrade]:
    """Public: the current grade of each graded mediator, in one statement (the ungraded are left out)."""
    rows = await graph.read(
        "UNWIND $ids AS mediatorId MATCH (n:Mediator {id: mediatorId}) RETURN mediatorId, " + CURRENT_GRADE + " AS current",
        ids=list(ids),
        gradeDay=on,
    )
    found: dict[str, CurrentGrade] = {}
    for row in rows:
        if row["current"] is not None:
            found[row["mediatorId"]] = CurrentGrade.model_validate(row["current"])
    return found


async def assessments_of_mediators(
    graph: Graph, *, ids: Sequence[str], viewer: Viewer
) -> dict[str, list[AssessmentRecord]]:
    """Every assessment of each mediator the viewer sees in full, newest application first."""
    rows = await graph.read(
        "UNWIND $ids AS mediatorId MATCH (n:Mediator {id: mediatorId}) WHERE " + MEDIATOR_IN_FULL +
        " MATCH (n)-[:ASSESSED]->(a:GradeAssessment)"
        " RETURN mediatorId, " + _RECORD + " AS assessment ORDER BY a.appliedAt DESC, a.id",
        ids=list(ids),
        **viewer.params(),
    )
    found: dict[str, list[AssessmentRecord]] = {key: [] for key in ids}
    for row in rows:
        found[row["mediatorId"]].append(_record(row["assessment"]))
    return found


async def assessment_by_id(graph: Graph, *, id: str, viewer: Viewer) -> AssessmentRecord | None:
    """None when unknown or when the viewer does not see the mediator in full."""
    rows = await graph.read(
        "MATCH (a:GradeAssessment {id: $id})<-[:ASSESSED]-(n:Mediator) WHERE " + MEDIATOR_IN_FULL +
        " RETURN " + _RECORD + " AS assessment",
        id=id,
        **viewer.params(),
    )
    return _record(rows[0]["assessment"]) if rows else None


async def claim_slot(graph: Graph, tx: Tx, *, mediator: str, assessment: str) -> str | None:
    """Open `assessment` for the mediator unless another is open; returns that other one's id (or None)."""
    rows = await graph.rows(
        tx,
        "MERGE (s:GradeSlot {mediatorId: $mediator})"
        " WITH s, s.open AS previous SET s.open = coalesce(previous, $assessment), s.touchedAt = " + NOW +
        " RETURN previous",
        mediator=mediator,
        assessment=assessment,
        **stamp(),
    )
    previous = rows[0]["previous"]
    return str(previous) if previous is not None else None


async def release_slot(graph: Graph, tx: Tx, *, mediator: str, assessment: str) -> None:
    await graph.rows(
        tx,
        "MATCH (s:GradeSlot {mediatorId: $mediator}) WHERE s.open = $assessment"
        " SET s.open = null, s.touchedAt = " + NOW,
        mediator=mediator,
        assessment=assessment,
        **stamp(),
    )


async def assessment_state(graph: Graph, tx: Tx, *, id: str, viewer: Viewer) -> Row | None:
    """The stored properties, the mediator's id and whether the writer reaches one of its organizations."""
    rows = await graph.rows(
        tx,
        "MATCH (a:GradeAssessment {id: $id})<-[:ASSESSED]-(m:Mediator)"
        " OPTIONAL MATCH (m)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j:Jurisdiction)"
        " WITH m, a, collect(" + IN_REACH + ") AS reach"
        " RETURN a {.*} AS props, m.id AS mediator, $vNational OR any(r IN reach WHERE r) AS allowed",
        id=id,
        **viewer.params(),
    )
    return rows[0] if rows else None


async def create_assessment(
    graph: Graph, tx: Tx, *, mediator: str, id: str, props: dict[str, Any], step: dict[str, Any]
) -> Row:
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $mediator})"
        " CREATE (m)-[:ASSESSED]->(a:GradeAssessment {id: $id}) SET a += $props, a.version = 1"
        " CREATE (a)-[:STEP]->(s:AssessmentStep) SET s += $step, s.seq = 1, s.assessmentId = a.id"
        " RETURN a {.*} AS props",
        mediator=mediator,
        id=id,
        props=props,
        step=step,
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


async def advance_assessment(
    graph: Graph, tx: Tx, *, id: str, version: int, props: dict[str, Any], step: dict[str, Any]
) -> Row | None:
    """Applies `props` and appends `step` when the stored version is `version`; None when it is stale."""
    rows = await graph.rows(
        tx,
        "MATCH (a:GradeAssessment {id: $id}) WHERE a.version = $version"
        " SET a += $props, a.version = a.version + 1"
        " CREATE (a)-[:STEP]->(s:AssessmentStep) SET s += $step, s.seq = a.version, s.assessmentId = a.id"
        " RETURN a {.*} AS props",
        id=id,
        version=version,
        props=props,
        step=step,
    )
    return rows[0]["props"] if rows else None


async def merge_assessments(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert decided assessments keyed on their id, with their steps (`row.steps`, each with a `seq`);
    for seeding, where the history happened before the registry existed."""
    result = await graph.write(
        "UNWIND $rows AS row MATCH (m:Mediator {id: row.mediator})"
        " MERGE (m)-[:ASSESSED]->(a:GradeAssessment {id: row.id}) SET a += row.props"
        " WITH a, row UNWIND row.steps AS step"
        " MERGE (a)-[:STEP]->(s:AssessmentStep {assessmentId: a.id, seq: step.seq}) SET s += step"
        " RETURN count(DISTINCT a) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0
