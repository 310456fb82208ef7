"""Notices: `(:Notice {id, at, kind, organizationId, filingNo?, requestId?, readAt?})-[:NOTIFIES]->(:Agency)`.

The writes that make them are those of the roster (graph/roster/filing.py, graph/roster/bulk.py): the guiding
basic court hears of every committee filed under it and of every change of its members (People's Mediation
Law Art 10); the judicial bureau nearest above a partner's registration hears of it (`notify_bureau`). A
membership request (graph/roster/membership_request.py) is told to the bureaus nearest above the mediator's
organizations, which decide it (`notify_deciders`), and its decision to the requesting bureau
(`notify_requester`). Here the notified agency reads its own, newest first, and marks them read. A notice is
read only by the agency it notifies; nobody else learns it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, LiteralString

from pydantic import field_validator

from graph.core import clock
from graph.core.driver import Graph, Tx
from graph.core.records import GraphRecord, in_utc

_TO_BUREAU: LiteralString = (
    "MATCH (n:Organization {id: $organization})-[:LOCATED_IN]->(:Jurisdiction)-[up:PART_OF*0..]->(:Jurisdiction)"
    "<-[:GOVERNS]-(b:JudicialBureau)"
    " WITH n, b ORDER BY size(up) LIMIT 1"
    " CREATE (:Notice {id: randomUUID(), at: $noticeAt, kind: $kind, organizationId: n.id})-[:NOTIFIES]->(b)"
)
"""Tell the bureau nearest above organization `$organization` (the one whose queue its registrations reach
first) of `$kind`."""

_TO_DECIDERS: LiteralString = (
    "MATCH (:Mediator {id: $mediator})-[:MEMBER_OF]->(o:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
    "-[up:PART_OF*0..]->(:Jurisdiction)<-[:GOVERNS]-(b:JudicialBureau)"
    " WITH o, b ORDER BY size(up) WITH o, collect(b)[0] AS nearest WITH DISTINCT nearest"
    " CREATE (:Notice {id: randomUUID(), at: $noticeAt, kind: $kind, organizationId: $organization,"
    " requestId: $request})-[:NOTIFIES]->(nearest)"
)
"""Tell the bureau nearest above each of mediator `$mediator`'s organizations (once each) of request `$request`
into organization `$organization`."""

_TO_REQUESTER: LiteralString = (
    "MATCH (b:JudicialBureau {id: $requester})"
    " CREATE (:Notice {id: randomUUID(), at: $noticeAt, kind: $kind, organizationId: $organization,"
    " requestId: $request})-[:NOTIFIES]->(b)"
)

_OWN: LiteralString = "MATCH (:Agency {id: $agency})<-[:NOTIFIES]-(x:Notice)"  # from the agency: its index

_PAGE: LiteralString = (
    _OWN + " WHERE (NOT $unread OR x.readAt IS NULL)"
    " AND ($beforeAt IS NULL OR x.at < $beforeAt OR (x.at = $beforeAt AND x.id < $beforeId))"
    " WITH x ORDER BY x.at DESC, x.id DESC LIMIT $limit"
    " RETURN x {.id, .kind, .at, .organizationId, .filingNo, .requestId, .readAt} AS notice"
)
"""The agency's notices after the cursor (`$beforeAt`, `$beforeId`), newest first; only the unread with `$unread`."""

_UNREAD: LiteralString = _OWN + " WHERE x.readAt IS NULL RETURN count(x) AS unread"

_THEIRS: LiteralString = (
    "UNWIND $ids AS id MATCH (x:Notice {id: id})-[:NOTIFIES]->(:Agency {id: $agency}) RETURN x.id AS id"
)
"""Which of `$ids` are the agency's notices."""

_MARK: LiteralString = (
    "UNWIND $ids AS id MATCH (x:Notice {id: id})-[:NOTIFIES]->(:Agency {id: $agency})"
    " SET x.readAt = coalesce(x.readAt, $now)"
)
"""Mark the agency's notices `$ids` read (a notice read before keeps its first `readAt`)."""


class NoticeRecord(GraphRecord):
    id: str
    kind: str
    at: datetime
    organization_id: str | None = None
    filing_no: str | None = None
    request_id: str | None = None
    read_at: datetime | None = None

    @field_validator("at", "read_at")
    @classmethod
    def _in_utc(cls, moment: datetime | None) -> datetime | None:
        return None if moment is None else in_utc(moment)


async def notify_bureau(graph: Graph, tx: Tx, *, organization: str, kind: str) -> None:
    """A partner registered something in `organization` (the organization itself, or mediators into it): the
    bureau that decides it hears of it, in the registration's transaction."""
    await graph.rows(tx, _TO_BUREAU, organization=organization, kind=kind, noticeAt=clock.now())


async def notify_deciders(graph: Graph, tx: Tx, *, request: str, mediator: str, organization: str, kind: str) -> None:
    """A bureau asks that `mediator` join `organization`: the bureaus that decide it hear of it, in its transaction."""
    await graph.rows(
        tx, _TO_DECIDERS, request=request, mediator=mediator, organization=organization, kind=kind, noticeAt=clock.now()
    )


async def notify_requester(graph: Graph, tx: Tx, *, request: str, requester: str, organization: str, kind: str) -> None:
    """The requesting bureau hears of the decision on its request, in the decision's transaction."""
    await graph.rows(
        tx, _TO_REQUESTER, request=request, requester=requester, organization=organization, kind=kind, noticeAt=clock.now()
    )


async def notices_of(
    graph: Graph, *, agency: str, unread: bool, limit: int, before: tuple[datetime, str] | None
) -> list[NoticeRecord]:
    params: dict[str, Any] = {"beforeAt": before[0] if before else None, "beforeId": before[1] if before else None}
    rows = await graph.read(_PAGE, agency=agency, unread=unread, limit=limit, **params)
    return [NoticeRecord.model_validate(row["notice"]) for row in rows]


async def unread_count(graph: Graph, *, agency: str) -> int:
    rows = await graph.read(_UNREAD, agency=agency)
    return int(rows[0]["unread"]) if rows else 0


async def mark_read(graph: Graph, *, agency: str, ids: list[str], now: datetime) -> list[str]:
    """Mark notices `ids` of the agency read, in one transaction; when any of them is not the agency's, nothing is
    marked and those ids come back (the caller cannot tell another agency's notice from none)."""

    async def work(tx: Tx) -> list[str]:
        theirs = {str(row["id"]) for row in await graph.rows(tx, _THEIRS, agency=agency, ids=ids)}
        missing = [id for id in ids if id not in theirs]
        if not missing:
            await graph.rows(tx, _MARK, agency=agency, ids=ids, now=now)
        return missing

    return await graph.write_work(work)
