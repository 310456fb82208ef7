"""Typed records read from the graph: pydantic models over camelCase properties."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from neo4j.time import Date, DateTime, Duration
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator


def native(value: Any) -> Any:
    """The driver's temporal values as standard-library ones, recursively."""
    if isinstance(value, DateTime | Date):
        return value.to_native()
    if isinstance(value, Duration):
        return value
    if isinstance(value, list):
        return [native(item) for item in value]
    if isinstance(value, dict):
        return {key: native(item) for key, item in value.items()}
    return value


def in_utc(moment: datetime) -> datetime:
    """An instant the registry wrote in UTC, as the engine hands it back (ArcadeDB may drop the zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class GraphRecord(BaseModel):
    """Immutable; ignores properties it does not name, so a hash stored on a node never reaches a record."""

    model_config = ConfigDict(frozen=True, extra="ignore", alias_generator=camel, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _native(cls, data: Any) -> Any:
        return native(data)


class Tracked(GraphRecord):
    """A node that users edit: public id, timestamps, optimistic version and provenance.

    `in_full` tells whether the viewer's policy let the statement return more than the public fields.
    """

    id: str
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int | None = None
    source_agency: str | None = None
    source_record_id: str | None = None
    in_full: bool = False


E = TypeVar("E")
Choices = Annotated[list[E], Field(min_length=1, max_length=20)]
"""A filter's list of allowed values: at least one, at most 20."""
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
Names = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Filter(BaseModel):
    """Filter arguments, validated before any statement runs; None means "any"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def params(self) -> dict[str, Any]:
        return {camel(name): value for name, value in self}
