"""The hash of an audit event: the canonical JSON of the fields it covers, in each form a chain may hold.

Version 2 (`HASH_VERSION`) covers every field the event stores but `hash`; version 1 (`LEGACY_HASH_VERSION`,
no `hashVersion` stored) left out `id` and `entityKind`. `canonical` is also the registry's one canonical JSON
(digests of published lists, decided assessments, checkpoint leaves).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from neo4j.time import Date, DateTime

from graph.core.records import in_utc


def _plain(value: Any) -> Any:
    """What JSON cannot write itself: dates as `YYYY-MM-DD`; datetimes in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`;
    enums as their values; other mappings as dicts. Called by `json.dumps` only for such values, so plain
    strings, numbers, lists and dicts (nearly everything an event holds) cost no Python call each."""
    if isinstance(value, DateTime | Date):
        value = value.to_native()  # nanoseconds truncated to microseconds
    if isinstance(value, datetime):
        return in_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(key): item for key, item in value.items()}
    raise TypeError(f"cannot audit a value of type {type(value).__name__}")


def canonical(value: Any) -> str:
    """The one serialization that is hashed: JSON with sorted keys, no whitespace, non-ASCII kept as is.

    Dates are `YYYY-MM-DD`. Datetimes are converted to UTC (a naive one is taken as UTC, which is how the
    embedded ArcadeDB returns a stored datetime) and written with exactly six fractional digits and `Z`,
    so a datetime read back from either engine serializes as it did when written (the graph keeps at
    least microseconds). Enums are their values. Strings, numbers, booleans, null, lists (and tuples) and
    maps are JSON's own; anything else (times, durations, NaN) is refused. Encode the result as UTF-8 to
    hash it.
    """
    return json.dumps(
        value, default=_plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def event_hash(fields: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical form of the chained fields (see `chained_fields`)."""
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


HASH_VERSION = 2
"""The form of the hash of new events: every stored field of the event except `hash` itself, `hashVersion`
included (so a version cannot be stripped without breaking the hash). Version 1 (no `hashVersion` stored)
left `id` and `entityKind` out; such events still verify, in their own form, but a chain may not go back
to it once it has a version-2 event."""

LEGACY_HASH_VERSION = 1


def chained_fields(
    *,
    event_id: str,
    entity_id: str,
    entity_kind: str,
    seq: int,
    at: datetime,
    actor_agency: str | None,
    actor_client: str | None,
    operation: str,
    before: str | None,
    after: str | None,
    request_id: str,
    prev_hash: str | None,
) -> dict[str, Any]:
    """Exactly what an event's hash covers (version 2): every field the event stores but `hash`. `before` and
    `after` are the canonical JSON stored on the node."""
    return {
        "id": event_id,
        "entityId": entity_id,
        "entityKind": entity_kind,
        "seq": seq,
        "at": at,
        "actorAgency": actor_agency,
        "actorClient": actor_client,
        "operation": operation,
        "before": before,
        "after": after,
        "requestId": request_id,
        "prevHash": prev_hash,
        "hashVersion": HASH_VERSION,
    }


def legacy_fields(
    *,
    entity_id: str,
    seq: int,
    at: datetime,
    actor_agency: str | None,
    actor_client: str | None,
    operation: str,
    before: str | None,
    after: str | None,
    request_id: str,
    prev_hash: str | None,
) -> dict[str, Any]:
    """What the hash of a version-1 event (no `hashVersion`) covers: neither `id` nor `entityKind`."""
    return {
        "entityId": entity_id,
        "seq": seq,
        "at": at,
        "actorAgency": actor_agency,
        "actorClient": actor_client,
        "operation": operation,
        "before": before,
        "after": after,
        "requestId": request_id,
        "prevHash": prev_hash,
    }
