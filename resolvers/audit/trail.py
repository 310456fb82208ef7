"""Reading audit trails within the caller's reach, and verifying every hash chain."""

from __future__ import annotations

import dataclasses
import itertools
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from graph.audit.hashing import HASH_VERSION, LEGACY_HASH_VERSION, canonical
from graph.audit.trail import (
    AuditEventRecord,
    AuditHeadRecord,
    EntityKind,
    audit_trail,
    chains,
    count_events,
    heads,
)
from graph.core.driver import Graph
from graph.core.viewer import Viewer
from resolvers.audit.merkle import MerkleTree, TreeHead
from resolvers.core.errors import InputError

__all__ = [
    "AuditEventRecord",
    "Breakage",
    "BrokenLink",
    "EntityKind",
    "TreeHead",
    "VerifyReport",
    "describe",
    "heads",
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
    HASH_FORM = "HASH_FORM"
    """The event claims a hash form older than an earlier event of its chain, or one never written."""
    MISSING_TAIL = "MISSING_TAIL"
    """The chain's head names a later event than the chain's last one: its newest events are gone."""
    HEAD = "HEAD"
    """The chain's head is not its last event: the last event's hash differs, or events lie past the head."""
    NO_HEAD = "NO_HEAD"
    """The chain has events but no head."""


EXPLANATIONS = {
    Breakage.SEQUENCE: "an event of the chain is missing or duplicated (seq does not run 1..n)",
    Breakage.PREV_HASH: "prevHash is not the previous event's hash",
    Breakage.HASH: "the stored hash is not the hash of the event's fields: the event was altered",
    Breakage.HASH_FORM: "the event's hash form is older than an earlier event's, or unknown",
    Breakage.MISSING_TAIL: "the chain's head names a later event than its last one: the newest events are gone",
    Breakage.HEAD: "the chain's head does not match its last event",
    Breakage.NO_HEAD: "the chain has events but no head",
}


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
    broken_entities: int = 0
    """How many chains are broken (the first, in entity id order, is `first_broken`)."""
    legacy_events: int = 0
    """Events in hash form 1, whose hash leaves out `id` and `entityKind`."""
    tree: TreeHead | None = None
    """The Merkle tree head over the events before `verify_audit`'s `cutoff`, when one was asked for."""

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


def first_break(
    events: Sequence[AuditEventRecord], head: AuditHeadRecord | None, *, entity_id: str | None = None
) -> BrokenLink | None:
    """Where one entity's chain (its events ordered by `seq`, and its head) first breaks, if it does: the
    links from the first event on, then whether the head is the last event."""
    entity = entity_id or (events[0].entity_id if events else head.entity_id if head else "")
    previous: str | None = None
    form = LEGACY_HASH_VERSION
    for expected, event in enumerate(events, start=1):
        if event.seq != expected:
            return BrokenLink(entity, expected, Breakage.SEQUENCE)
        if event.prev_hash != previous:
            return BrokenLink(entity, event.seq, Breakage.PREV_HASH)
        if event.form < form or event.form not in (LEGACY_HASH_VERSION, HASH_VERSION):
            return BrokenLink(entity, event.seq, Breakage.HASH_FORM)
        if event.hash != event.recomputed_hash():
            return BrokenLink(entity, event.seq, Breakage.HASH)
        previous, form = event.hash, event.form
    last = len(events)
    if head is None:
        return BrokenLink(entity, last, Breakage.NO_HEAD) if events else None
    if head.seq > last:
        return BrokenLink(entity, last + 1, Breakage.MISSING_TAIL)
    if head.seq < last or head.hash != previous:
        return BrokenLink(entity, last, Breakage.HEAD)
    return None


def id_ranges(*, events: int, per_range: int) -> list[tuple[str, str]]:
    """Adjacent ranges `[start, stop)` of entity ids that cover every id, split on leading hex digits: with
    registry ids (UUIDs, whose digits spread evenly) each holds about `per_range` of the `events`."""
    digits = 0
    while 16**digits * per_range < events:
        digits += 1
    bounds = ["", *(format(prefix, f"0{digits}x") for prefix in range(1, 16**digits)), ABOVE_ANY_ID]
    return list(itertools.pairwise(bounds))


def leaf(event: AuditEventRecord) -> bytes:
    """An event as a Merkle leaf: the canonical JSON (UTF-8) of every field it stores, `hash` included."""
    return canonical(event.stored_fields()).encode("utf-8")


HEAD_BREAKAGES = frozenset({Breakage.MISSING_TAIL, Breakage.HEAD, Breakage.NO_HEAD})
"""What a write committed between reading a chain and reading its head also looks like."""

SETTLE_ATTEMPTS = 3
"""How often a chain whose head disagrees is read again (events, then head) before the break is reported."""


async def _settled(graph: Graph, entity_id: str) -> tuple[list[AuditEventRecord], BrokenLink | None]:
    """The chain and its break once more, read alone: its events, then its head. A chain a writer moved on
    while it was read agrees with its head at the next reading; a truncated one never does."""
    chain: list[AuditEventRecord] = []
    link: BrokenLink | None = None
    stop = entity_id + "\u0000"  # nothing sorts between an id and the id followed by U+0000
    for _ in range(SETTLE_ATTEMPTS):
        found = await chains(graph, start=entity_id, stop=stop)
        chain = found[0].events if found else []
        head = (await heads(graph, start=entity_id, stop=stop)).get(entity_id)
        link = first_break(chain, head, entity_id=entity_id)
        if link is None or link.reason not in HEAD_BREAKAGES:
            break
    return chain, link


async def verify_audit(
    graph: Graph, *, per_range: int = EVENTS_PER_RANGE, cutoff: datetime | None = None
) -> VerifyReport:
    """Recompute every chain and check it against its head, one range of entity ids at a time in id order;
    report the first broken link in that order (by entity id, then seq), and count everything checked.

    The trail may grow while it is read (heads and events are read by separate statements): a chain that
    disagrees with its head is read again, alone, before the break is reported (`_settled`). With a
    `cutoff`, also build the Merkle tree head over the events whose `at` is before it, in the same order
    (entity id, then seq): what a checkpoint signs."""
    events = entities = broken = legacy = 0
    first: BrokenLink | None = None
    tree = MerkleTree() if cutoff is not None else None
    for start, stop in id_ranges(events=await count_events(graph), per_range=per_range):
        found = {chain.entity_id: chain.events for chain in await chains(graph, start=start, stop=stop)}
        chain_heads = await heads(graph, start=start, stop=stop)
        for entity_id in sorted(found.keys() | chain_heads.keys()):
            chain = found.get(entity_id, [])
            link = first_break(chain, chain_heads.get(entity_id), entity_id=entity_id)
            if link is not None and link.reason in HEAD_BREAKAGES:
                chain, link = await _settled(graph, entity_id)
            if link is not None:
                broken += 1
                first = first or link
            events += len(chain)
            entities += 1
            legacy += sum(1 for event in chain if event.hash_version is None)
            if tree is not None and cutoff is not None:
                for event in chain:
                    if event.at < cutoff:
                        tree.append(leaf(event))
    return VerifyReport(
        checked_events=events, checked_entities=entities, first_broken=first, broken_entities=broken,
        legacy_events=legacy, tree=tree.head() if tree is not None else None,
    )


def describe(report: VerifyReport) -> str:
    """What the operator reads: one line when intact, the first broken link and how many chains are broken
    otherwise."""
    checked = f"{report.checked_events} events of {report.checked_entities} entities"
    if report.legacy_events:
        checked += f" ({report.legacy_events} in the legacy hash form without id and entityKind)"
    link = report.first_broken
    if link is None:
        return f"audit trail intact: {checked}"
    return (
        f"audit trail broken: entity {link.entity_id} at seq {link.seq} ({link.reason}:"
        f" {EXPLANATIONS[link.reason]}); {report.broken_entities} broken chain(s); checked {checked}"
    )

