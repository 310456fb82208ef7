"""Training courses and the hours each mediator completed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph
from graph.core.records import GraphRecord
from graph.core.viewer import IN_REACH, MEDIATOR_IN_FULL, Viewer
from graph.core.vocabulary import TrainingForm, TrainingTopic


class TrainingRecord(GraphRecord):
    id: str
    title: str
    form: TrainingForm
    topic: TrainingTopic | None = None
    hours: float
    organizer: str | None = None
    held_on: date | None = None


class CompletedTraining(GraphRecord):
    hours: float
    completed_at: date
    training: TrainingRecord


async def trainings_of_mediators(
    graph: Graph, *, ids: Sequence[str], viewer: Viewer
) -> dict[str, list[CompletedTraining]]:
    """Only for mediators the viewer sees in full; others get an empty ledger."""
    rows = await graph.read(
        "UNWIND $ids AS mediatorId"
        " MATCH (n:Mediator {id: mediatorId})"
        " WHERE " + MEDIATOR_IN_FULL +
        " MATCH (n)-[r:COMPLETED]->(t:Training)"
        " RETURN mediatorId, r.hours AS hours, r.completedAt AS completedAt, t {.*} AS training"
        " ORDER BY r.completedAt DESC, t.id",
        ids=list(ids),
        **viewer.params(),
    )
    found: dict[str, list[CompletedTraining]] = {key: [] for key in ids}
    for row in rows:
        found[row["mediatorId"]].append(CompletedTraining.model_validate(row))
    return found


async def merge_trainings(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert courses keyed on their id with attendance edges: `row.attendees` is a list of mediator ids."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MERGE (t:Training {id: row.id})"
        " SET t += row.props"
        " WITH t, row UNWIND row.attendees AS mediatorId"
        " MATCH (m:Mediator {id: mediatorId})"
        " MERGE (m)-[r:COMPLETED]->(t)"
        " SET r.hours = t.hours, r.completedAt = t.heldOn"
        " RETURN count(r) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0


async def create_training(
    graph: Graph, tx: AsyncManagedTransaction, *, id: str, props: dict[str, Any], attendance: list[dict[str, Any]]
) -> list[str]:
    """A course with its attendance edges ({mediator, hours}); returns the mediators found."""
    rows = await graph.rows(
        tx,
        "CREATE (t:Training {id: $id}) SET t += $props, t.createdAt = " + NOW +
        " WITH t UNWIND $attendance AS seat MATCH (m:Mediator {id: seat.mediator})"
        " CREATE (m)-[:COMPLETED {hours: seat.hours, completedAt: t.heldOn}]->(t) RETURN m.id AS mediator",
        id=id,
        props=props,
        attendance=attendance,
        **stamp(),
    )
    return [str(row["mediator"]) for row in rows]


async def mediators_in_reach(
    graph: Graph, tx: AsyncManagedTransaction, *, ids: list[str], viewer: Viewer
) -> dict[str, bool]:
    """For each known mediator id, whether the writer reaches one of its organizations."""
    rows = await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (n:Mediator {id: id})"
        " OPTIONAL MATCH (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j:Jurisdiction)"
        " WITH id, collect(" + IN_REACH + ") AS reach"
        " RETURN id, $vNational OR any(r IN reach WHERE r) AS allowed",
        ids=ids,
        **viewer.params(),
    )
    return {str(row["id"]): bool(row["allowed"]) for row in rows}
