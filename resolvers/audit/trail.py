"""Reading audit trails within the caller's reach, and verifying every hash chain."""

from __future__ import annotations

import dataclasses
import itertools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from graph.audit.trail import AuditEventRecord, EntityKind, audit_trail, canonical, chains, count_events
from graph.core.driver import Graph
from graph.core.viewer import Viewer
from resolvers.core.errors import InputError

__all__ = [
    "AuditEventRecord",
    "Breakage",
    "BrokenLink",
    "EntityKind",
    "VerifyReport",
    "describe",
    "id_ranges",
    "trail",
    "verify_audit",
]

MAX_TRAIL = 1_000
"""The most events one trail returns, oldest first."""

EVENTS_PER_RANGE = 2_000
"""About how many events the verifier holds at once."""

ABOVE_ANY_ID = "\uffff"
"""Sorts after every registry id (in the graph's UTF-16 string order)."""


class Breakage(StrEnum):
    SEQUENCE = "SEQUENCE"
    """The event with this `seq` is missing or duplicated: the chain does not run 1..n."""
    PREV_HASH = "PREV_HASH"
    """The event's `prevHash` is not the previous event's `hash`."""
    HASH = "HASH"
    """The event's stored `hash` is not the hash of its fields: the event was altered."""


@dataclass(frozen=True, slots=True)
class BrokenLink:
    entity_id: str
    seq: int
    reason: Breakage


@dataclass(frozen=True, slots=True)
class VerifyReport:
    checked_events: int
    checked_entities: int
    first_broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def audit_viewer(viewer: Viewer) -> Viewer:
    """The caller's reach over audit trails: its roster reach, whether or not it holds `roster:read`
    (the `audit:read` scope is checked on the field), and never personal data."""
    return dataclasses.replace(viewer, roster=True, pii=False)


CASE_OPERATIONS = ("recordCaseReferral", "acceptCase", "extendCaseDeadline", "closeCase", "recordJudicialConfirmation")
"""Case events sit on the mediator's chain but belong to the case: `cases` shows a case to the agency that
referred it, bureaus over the mediator and the platform, so a mediator's trail shows them to no one else."""

PERSONAL = frozenset({"phone", "identityMasked", "identityHash"})
"""Personal data in an event's before and after; `audit:read` never shows it (see `redacted`)."""

REDACTED = "[redacted]"


def redacted(record: AuditEventRecord) -> AuditEventRecord:
    """The event with personal values in `before` and `after` replaced by `[redacted]` (keys kept, so a reader
    sees that they changed). The stored event is untouched: `audit verify` works on the graph, not on this."""

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        values = json.loads(text)
        if not isinstance(values, dict) or not PERSONAL & values.keys():
            return text
        return canonical({key: REDACTED if key in PERSONAL and value is not None else value
                          for key, value in values.items()})

    return record.model_copy(update={"before": clean(record.before), "after": clean(record.after)})


async def trail(
    graph: Graph, *, entity_id: str, viewer: Viewer, agency: str | None = None, bureau: bool = False
) -> list[AuditEventRecord]:
    """The entity's events by `seq`; empty for an entity without events or outside the caller's reach.

    `agency` is the caller's agency and `bureau` whether it is a judicial bureau: case events are shown to
    the referring agency, bureaus and the platform only (`CASE_OPERATIONS`). Personal data is redacted.
    """
    try:
        uuid.UUID(entity_id)
    except ValueError as error:
        raise InputError("`entityId` is not a registry id (a UUID).", field="entityId") from error
    records = await audit_trail(
        graph, entity_id=entity_id, viewer=audit_viewer(viewer), limit=MAX_TRAIL,
        withheld=CASE_OPERATIONS, agency=agency, sees_withheld=bureau,
    )
    return [redacted(record) for record in records]


def first_break(events: Sequence[AuditEventRecord]) -> BrokenLink | None:
    """Where one entity's chain (ordered by `seq`) first breaks, if it does."""
    previous: str | None = None
    for expected, event in enumerate(events, start=1):
        if event.seq != expected:
            return BrokenLink(event.entity_id, expected, Breakage.SEQUENCE)
        if event.prev_hash != previous:
            return BrokenLink(event.entity_id, event.seq, Breakage.PREV_HASH)
        if event.hash != event.recomputed_hash():
            return BrokenLink(event.entity_id, event.seq, Breakage.HASH)
        previous = event.hash
    return None


def id_ranges(*, events: int, per_range: int) -> list[tuple[str, str]]:
    """Adjacent ranges `[start, stop)` of entity ids that cover every id, split on leading hex digits: with
    registry ids (UUIDs, whose digits spread evenly) each holds about `per_range` of the `events`."""
    digits = 0
    while 16**digits * per_range < events:
        digits += 1
    bounds = ["", *(format(prefix, f"0{digits}x") for prefix in range(1, 16**digits)), ABOVE_ANY_ID]
    return list(itertools.pairwise(bounds))


async def verify_audit(graph: Graph, *, per_range: int = EVENTS_PER_RANGE) -> VerifyReport:
    """Recompute every chain, one range of entity ids at a time in id order; report the first broken link
    in that order (by entity id, then seq) and count everything checked."""
    events = entities = 0
    first: BrokenLink | None = None
    for start, stop in id_ranges(events=await count_events(graph), per_range=per_range):
        for chain in await chains(graph, start=start, stop=stop):
            first = first or first_break(chain.events)
            events += len(chain.events)
            entities += 1
    return VerifyReport(checked_events=events, checked_entities=entities, first_broken=first)


def describe(report: VerifyReport) -> str:
    """One line for the operator."""
    checked = f"{report.checked_events} events of {report.checked_entities} entities"
    link = report.first_broken
    if link is None:
        return f"audit trail intact: {checked}"
    return f"audit trail broken: entity {link.entity_id} at seq {link.seq} ({link.reason}); checked {checked}"

