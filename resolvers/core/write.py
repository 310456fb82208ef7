"""The unit of work of every write: one transaction holding the change, its audit events and its idempotency
key; a `Problem` raised inside rolls all of it back and goes to the caller as a typed payload. `Writer` is who
writes; `validated` is pydantic at the edge, as a VALIDATION problem."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from auth.principal import Principal
from auth.scopes import kinds_refusal
from graph.audit.hashing import canonical
from graph.audit.trail import Actor, Change, record_changes
from graph.core.driver import Graph, Tx, UniquenessViolation
from graph.core.idempotency import earlier_result, remember_result
from graph.core.records import native
from graph.core.viewer import Viewer
from graph.core.vocabulary import AgencyKind
from graph.directory import listing
from resolvers.core.outcomes import (
    FieldProblem,
    conflict,
    forbidden,
    input_path,
    invalid,
    not_found,
    stale,
)

T = TypeVar("T")
RACE_ATTEMPTS = 3
"""How often a write that lost a race at the commit runs again before it answers a bare conflict."""
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Writer:
    """Who writes: the agency (and its kind) behind the token, where it may write, and the audit actor."""

    graph: Graph
    viewer: Viewer
    agency_id: str
    agency_kind: AgencyKind
    actor: Actor

    def require(self, *kinds: AgencyKind) -> None:
        """A kind check that depends on the data; which kinds may run an operation at all is declared in
        `auth.scopes.AGENCY_KINDS` and checked before the resolver runs."""
        if self.agency_kind not in kinds:
            raise forbidden(kinds_refusal(kinds))


def writer_for(graph: Graph, viewer: Viewer, principal: Principal, request_id: str) -> Writer:
    actor = Actor(agency_id=principal.agency_id, client_id=principal.client_id, request_id=request_id)
    return Writer(graph, viewer, principal.agency_id, principal.agency_kind, actor)


def validated(model: type[M], data: Any) -> M:
    """Pydantic validation at the edge, as a VALIDATION problem listing every field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid(
            [
                FieldProblem(input_path(item["loc"]), item["msg"])
                for item in error.errors()
            ]
        ) from None


def input_hash(operation: str, payload: Any) -> str:
    return hashlib.sha256(canonical({"operation": operation, "input": payload}).encode()).hexdigest()


async def unit_of_work(
    writer: Writer,
    *,
    operation: str,
    payload: Any,
    idempotency_key: str | None,
    work: Callable[[Tx], Awaitable[tuple[str, Sequence[Change]]]],
) -> tuple[str, bool]:
    """Run `work` (which returns the entity id and its changes) in one write transaction with its audit events.

    With an idempotency key already used for the same operation and input, nothing is written and the first
    entity id comes back (with `replayed` True); the same key with other input is a conflict. A writer that
    loses a race at the commit (a uniqueness constraint refusing it) runs once more, so it gets the answer of
    a writer that came second: a stale version for an update, a conflict naming the natural key for a create,
    the first result for a repeated idempotency key. Only a writer that keeps losing gets a bare conflict.
    """
    graph = writer.graph
    fingerprint = input_hash(operation, payload)
    scoped = f"{writer.agency_id}:{idempotency_key}" if idempotency_key else None

    async def transaction(tx: Tx) -> tuple[str, bool]:
        if scoped is not None:
            earlier = await earlier_result(graph, tx, scoped_key=scoped)
            if earlier is not None:
                if earlier["operation"] != operation or earlier["inputHash"] != fingerprint:
                    raise conflict("This idempotency key was used for another request.", "idempotencyKey")
                return str(earlier["entityId"]), True
        entity_id, changes = await work(tx)
        await record_changes(graph, tx, changes=changes, actor=writer.actor)
        await listing.refresh_changed(graph, tx, changes=changes)
        if scoped is not None:
            await remember_result(
                graph, tx, scoped_key=scoped, operation=operation, input_hash=fingerprint, entity_id=entity_id
            )
        return entity_id, False

    for _ in range(RACE_ATTEMPTS):
        try:
            return await graph.write_work(transaction)
        except UniquenessViolation:
            # Two writers raced past the checks (the same new natural key, the same place in an audit chain,
            # the same idempotency key); the graph's constraints let one commit and this one wrote nothing.
            # Its checks, run again, now see the winner's write.
            continue
    raise conflict("A concurrent change to the same record won; read it again and retry.")


def checked_state(state: dict[str, Any] | None, version: int | None, *, kind: str, outside: str) -> dict[str, Any]:
    """The stored properties of a record the writer may change at `version` (None: any version)."""
    field = f"{kind}Id"
    if state is None:
        raise not_found(kind, field)
    if not state["allowed"]:
        raise forbidden(outside, field)
    props: dict[str, Any] = native(state["props"])
    if version is not None and props.get("version") != version:
        raise stale(kind, int(props.get("version") or 0))
    return props


def changed(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """The properties of `after` that differ from `before` (all of them for a new record)."""
    if before is None:
        return dict(after)
    return {key: value for key, value in after.items() if before.get(key) != value}
