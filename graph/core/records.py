"""Typed records read from the graph: pydantic models over camelCase properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, LiteralString, TypeVar

from neo4j.time import Date, DateTime
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator


def native(value: Any) -> Any:
    """The driver's temporal values as standard-library ones, recursively.

    Every row of every read passes through here, so values that need nothing are not even visited: exact
    type tests, and a container's plain items are copied without a call."""
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) not in _VISITED else native(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) not in _VISITED else native(item) for item in value]
    if kind is DateTime or kind is Date:
        return value.to_native()
    if isinstance(value, dict):
        return native(dict(value))
    if isinstance(value, list):
        return native(list(value))
    return value


_VISITED = frozenset({dict, list, DateTime, Date})


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


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _from_millis(value: Any) -> Any:
    return EPOCH + timedelta(milliseconds=value) if isinstance(value, int) else value


Stamp = Annotated[datetime, BeforeValidator(_from_millis)]
"""A stamp that a statement may return as its `.epochMillis`: the driver decodes an integer several times
faster than a zoned datetime, which counts when a page carries a hundred of them. Stamps are whole
milliseconds (`graph.core.clock.NOW`), so nothing is lost."""


def millis(stamp: LiteralString) -> LiteralString:
    """The Cypher for a stamp as a `Stamp` field reads it fastest."""
    return stamp + ".epochMillis"


class Tracked(GraphRecord):
    """A node that users edit: public id, timestamps, optimistic version and provenance.

    `in_full` tells whether the viewer's policy let the statement return more than the public fields.
    """

    id: str
    created_at: Stamp | None = None
    updated_at: Stamp | None = None
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
