"""The training ledger: one course, many attendees, recorded at once."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit import Change
from graph.filing import Tx
from graph.training import create_training, mediators_in_reach
from graph.vocabulary import AgencyKind, TrainingForm
from resolvers.filing import Writer, unit_of_work, validated
from resolvers.organization import Saved
from resolvers.outcomes import FieldProblem, forbidden, invalid

MAX_ATTENDEES = 1_000


class Attendance(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mediator_id: str = Field(min_length=36, max_length=36)
    hours: float | None = Field(default=None, gt=0, le=200)


class TrainingInput(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=200)
    form: TrainingForm
    organizer: str = Field(min_length=2, max_length=100)
    hours: float = Field(gt=0, le=200)
    held_on: datetime.date
    attendees: list[Attendance] = Field(min_length=1, max_length=MAX_ATTENDEES)


async def record_training(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> Saved:
    """One course for many mediators at once: all of them inside the bureau's reach, or nothing is written."""
    writer.require(AgencyKind.JUDICIAL_BUREAU)
    data = validated(TrainingInput, raw)
    if data.held_on > datetime.date.today():
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
        }
        attendance: list[dict[str, Any]] = [{"mediator": seat.mediator_id, "hours": seat.hours or data.hours} for seat in data.attendees]
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
