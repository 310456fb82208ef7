"""The training ledger: one course, many attendees, recorded at once; a mediator's year checked against the
training rule of its scheme (annual hours, pre-job hours in the first year, topic sub-quotas)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.page import Order
from graph.core.viewer import Viewer
from graph.core.vocabulary import TrainingForm, TrainingTopic
from graph.grades.grading import (
    TrainingLedger,
    below_training_hours,
    jurisdiction_in_reach,
    training_of_mediator,
)
from graph.grades.training import create_training, mediators_in_reach
from resolvers.core import clock
from resolvers.core.outcomes import FieldProblem, forbidden, invalid
from resolvers.core.pagination import encode_cursor, page_request
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.directory.organization import Saved
from resolvers.grades.grading import (
    DEFAULT_SCHEME,
    SCHEMES,
    TrainingRule,
    scheme_for_division,
    valid_division,
    valid_year,
)

MAX_ATTENDEES = 1_000


class Attendance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mediator_id: str = Field(min_length=36, max_length=36)
    hours: float | None = Field(default=None, gt=0, le=200)


class TrainingInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=200)
    form: TrainingForm
    topic: TrainingTopic | None = None
    organizer: str = Field(min_length=2, max_length=100)
    hours: float = Field(gt=0, le=200)
    held_on: datetime.date
    attendees: list[Attendance] = Field(min_length=1, max_length=MAX_ATTENDEES)


async def record_training(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> Saved:
    """One course for many mediators at once: all of them inside the bureau's reach, or nothing is written."""
    data = validated(TrainingInput, raw)
    if data.held_on > clock.today():
        raise invalid([FieldProblem("heldOn", "A training is recorded once it has taken place.")])
    ids = [seat.mediator_id for seat in data.attendees]
    if len(set(ids)) != len(ids):
        raise invalid([FieldProblem("attendees", "A mediator is listed twice.")])
    new_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        reach = await mediators_in_reach(writer.graph, tx, ids=ids, viewer=writer.viewer)
        unknown = [i for i in ids if i not in reach]
        if unknown:
            raise invalid([FieldProblem(f"attendees.{ids.index(i)}.mediatorId", "No mediator has this id.") for i in unknown])
        outside = [i for i in ids if not reach[i]]
        if outside:
            raise forbidden(f"{len(outside)} attendees serve no organization inside the bureau's jurisdiction.", "attendees")
        props = {
            "title": data.title, "form": data.form.value, "organizer": data.organizer,
            "hours": data.hours, "heldOn": data.held_on,
        } | ({"topic": data.topic.value} if data.topic else {})
        attendance: list[dict[str, Any]] = [
            {"mediator": seat.mediator_id, "hours": seat.hours or data.hours} for seat in data.attendees
        ]
        await create_training(writer.graph, tx, id=new_id, props=props, attendance=attendance)
        changes = [Change(new_id, "Training", "recordTraining", None, props | {"attendees": len(ids)})]
        changes += [
            Change(seat["mediator"], "Mediator", "recordTraining", None, {"trainingId": new_id, "hours": seat["hours"]})
            for seat in attendance
        ]
        return new_id, changes

    entity, replayed = await unit_of_work(
        writer, operation="recordTraining", payload=raw, idempotency_key=idempotency_key, work=work
    )
    return Saved(entity, (), replayed)


@dataclass(frozen=True, slots=True)
class TopicQuotaStatus:
    topic: TrainingTopic
    required_hours: float
    hours: float
    met: bool


@dataclass(frozen=True, slots=True)
class TrainingStatus:
    mediator_id: str
    name: str
    year: int
    hours: float
    annual_hours: float
    pre_job_hours: float
    required_hours: float
    topic_quotas: list[TopicQuotaStatus]
    met: bool
    cursor: str = ""


def rule_params(rule: TrainingRule, province: str | None = None) -> dict[str, Any]:
    """One training rule as the graph statements read it (`graph/grading.py` TRAINING_MET)."""
    return {
        "province": province,
        "annual": rule.annual_hours,
        "preJob": rule.pre_job_hours,
        "topics": [{"topic": topic.value, "hours": hours} for topic, hours in rule.topic_hours.items()],
    }


def training_rules() -> list[dict[str, Any]]:
    """The `$training` rules of findMediators and the jurisdiction report: each province's rule from the scheme
    files, and the national scheme's with a null province for every other province."""
    listed = [rule_params(s.training, province) for s in SCHEMES.values() for province in s.provinces]
    return listed + [rule_params(SCHEMES[DEFAULT_SCHEME].training)]


def training_status_of(ledger: TrainingLedger, year: int, rule: TrainingRule) -> TrainingStatus:
    """Met when the year's hours reach the annual (plus pre-job) hours and every topic quota of the rule: the
    check `graph/grading.py` TRAINING_MET makes in the statements over many mediators."""
    new = ledger.first_since is not None and ledger.first_since.year == year
    pre_job = rule.pre_job_hours if new else 0.0
    required = rule.annual_hours + pre_job
    done = {row.topic: row.hours for row in ledger.topic_hours}
    quotas = [
        TopicQuotaStatus(topic, minimum, done.get(topic, 0.0), done.get(topic, 0.0) >= minimum)
        for topic, minimum in rule.topic_hours.items()
    ]
    met = ledger.hours >= required and all(quota.met for quota in quotas)
    cursor = encode_cursor(Order.NAME, ledger.name, ledger.id)
    return TrainingStatus(
        ledger.id, ledger.name, year, ledger.hours, rule.annual_hours, pre_job, required, quotas, met, cursor
    )


async def training_status(graph: Graph, *, mediator_id: str, year: int, viewer: Viewer) -> TrainingStatus | None:
    ledger = await training_of_mediator(graph, id=mediator_id, year=valid_year(year), viewer=viewer)
    if ledger is None:
        return None
    return training_status_of(ledger, year, scheme_for_division(ledger.province).training)


@dataclass(frozen=True, slots=True)
class BelowHours:
    total: int
    items: list[TrainingStatus]
    has_next: bool


async def mediators_below_training_hours(
    graph: Graph, *, jurisdiction: str, year: int, first: int | None, after: str | None, viewer: Viewer
) -> BelowHours | None:
    """One aggregated statement over the subtree; the rule is the jurisdiction's province's scheme, and a
    mediator short of one of its topic quotas is listed even with the annual hours done."""
    request = page_request(first=first, after=after)
    rule = scheme_for_division(valid_division(jurisdiction)).training
    if not await jurisdiction_in_reach(graph, jurisdiction=jurisdiction, viewer=viewer):
        return None
    key = (str(request.after_key), request.after_id) if request.after_id is not None else None
    found = await below_training_hours(
        graph,
        jurisdiction=jurisdiction,
        year=valid_year(year),
        rules=[rule_params(rule)],
        topics=list(rule.topic_hours),
        after=key,
        limit=request.first + 1,
        viewer=viewer,
    )
    items = [training_status_of(row, year, rule) for row in found.rows]
    return BelowHours(found.total, items[: request.first], len(items) > request.first)
