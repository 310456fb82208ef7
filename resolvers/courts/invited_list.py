"""A court's specially invited list as read and published: one page of today's list, numbered frozen versions
with their digests (JSON and CSV for notice boards), and the courts that list a mediator. The writes that
make the list are in `resolvers.courts.invitation`.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from graph.audit.hashing import canonical
from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.records import native
from graph.core.viewer import Viewer
from graph.core.vocabulary import Specialty
from graph.courts import invitation as store
from graph.courts.invitation import InvitedEntry, ListFilter, SeenEntry
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.pagination import DEFAULT_PAGE, MAX_PAGE
from resolvers.core.write import Writer, unit_of_work
from resolvers.courts.invitation import PANELS
from resolvers.directory.jurisdiction import known_code

__all__ = ["InvitedEntry", "SeenEntry"]

PUBLISH_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Published:
    id: str
    version: int
    digest: str
    replayed: bool = False


PUBLIC_KEYS = ("kind", "id", "name", "panels", "since", "until", "how", "through_id", "through_name",
               "adopted_from_id", "adopted_from_name")


def frozen_entries(entries: list[InvitedEntry]) -> list[dict[str, Any]]:
    """The published form: public fields only, in list order, dates as ISO strings."""
    return [json.loads(canonical(entry.model_dump(include=set(PUBLIC_KEYS), by_alias=True))) for entry in entries]


def digest_of(entries: list[dict[str, Any]]) -> str:
    return hashlib.sha256(canonical(entries).encode("utf-8")).hexdigest()


async def publish_invited_list(writer: Writer, *, idempotency_key: str | None) -> Published:
    """Freeze today's list as the court's next numbered version with the SHA-256 of its canonical form."""
    made: dict[str, Any] = {}

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        entries = frozen_entries(
            await store.invited_entries_in(writer.graph, tx, court=writer.agency_id, on=clock.today(), limit=PUBLISH_LIMIT)
        )
        digest = digest_of(entries)
        made.update(
            await store.publish_version(writer.graph, tx, court=writer.agency_id, digest=digest, entries=canonical(entries))
        )
        after = {"publishedVersion": made["version"], "digest": digest}
        return str(made["id"]), [Change(writer.agency_id, "Agency", "publishInvitedList", None, after)]

    entity, replayed = await unit_of_work(
        writer, operation="publishInvitedList", payload={}, idempotency_key=idempotency_key, work=work
    )
    if replayed:
        made.update(await store.version_by_id(writer.graph, id=entity) or {})
    return Published(entity, int(made["version"]), str(made["digest"]), replayed)


@dataclass(frozen=True, slots=True)
class InvitedPage:
    entries: list[SeenEntry]
    has_next: bool
    end_cursor: str | None


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"invited:{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "invited":
            raise ValueError(prefix)
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InputError("The cursor is not one this API issued.", field="after") from error


async def specially_invited_list(
    graph: Graph, *, court: str, viewer: Viewer, panel: Specialty | None = None, jurisdiction: str | None = None,
    specialty: Specialty | None = None, language: str | None = None, grade: int | None = None,
    first: int | None = None, after: str | None = None,
) -> InvitedPage:
    """A court's list today in one statement: its own entries, members through organizations, adopted ones,
    each with its records as `viewer` sees them."""
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InputError(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    if panel is not None and panel not in PANELS:
        raise InputError(f"`panel`: {panel.value} is not a court panel.", field="panel")
    if grade is not None and not 1 <= grade <= 10:
        raise InputError("`grade` is a rank from 1 (a scheme's highest grade) down.", field="grade")
    start = decode_offset(after) if after else 0
    where = ListFilter(
        panel=panel.value if panel else None,
        jurisdiction=await known_code(graph, jurisdiction, field="jurisdiction"),
        specialty=specialty.value if specialty else None,
        language=language,
        grade=grade,
    )
    rows = await store.invited_entries(
        graph, court=court, on=clock.today(), where=where, skip=start, limit=size + 1, viewer=viewer
    )
    entries = rows[:size]
    end = encode_offset(start + len(entries)) if entries else None
    return InvitedPage(entries, len(rows) > size, end)


@dataclass(frozen=True, slots=True)
class ListVersion:
    court_id: str
    version: int
    published_at: datetime.datetime
    digest: str
    entries: list[dict[str, Any]]


async def invited_list_version(graph: Graph, *, court: str, version: int) -> ListVersion | None:
    found = await store.list_version(graph, court=court, version=version)
    if found is None:
        return None
    props = native(found)
    return ListVersion(
        props["courtId"], int(props["version"]), props["publishedAt"], props["digest"], json.loads(props["entries"])
    )


CSV_COLUMNS = ("kind", "id", "name", "panels", "since", "until", "how", "throughId", "throughName",
               "adoptedFromId", "adoptedFromName")


async def published_csv(graph: Graph, *, court: str, version: int) -> str | None:
    """A published version as CSV (panels joined with `;`), for a plain HTTP route; None when unknown."""
    found = await invited_list_version(graph, court=court, version=version)
    if found is None:
        return None
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    table.writerow(CSV_COLUMNS)
    for entry in found.entries:
        table.writerow([";".join(entry[c]) if c == "panels" else entry.get(c) or "" for c in CSV_COLUMNS])
    return out.getvalue()


async def published_json(graph: Graph, *, court: str, version: int) -> dict[str, Any] | None:
    """A published version as a JSON-ready payload with its digest; None when unknown."""
    found = await invited_list_version(graph, court=court, version=version)
    if found is None:
        return None
    return {
        "courtId": found.court_id,
        "version": found.version,
        "publishedAt": canonical(found.published_at).strip('"'),
        "digest": found.digest,
        "entries": found.entries,
    }


async def inviting_courts(graph: Graph, *, ids: list[str]) -> dict[str, list[str]]:
    """The courts whose lists hold each mediator today (public: the directory names the inviting courts)."""
    return await store.inviting_courts(graph, ids=ids, on=clock.today())
