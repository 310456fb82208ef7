"""Membership requests: a bureau asks that a mediator another bureau filed join one of its organizations.

`(:MembershipRequest {id, state, mediatorId, organizationId, requestedBy, role, since, until, requestedAt,
decidedAt?, decidedBy?, reason?, pendingKey?, version, createdAt, updatedAt})` with `-[:REQUESTS]->(:Mediator)`,
`-[:INTO]->(:Organization)` and `-[:REQUESTED_BY]->(:JudicialBureau)`. `pendingKey` (mediator and organization)
is held only while the request is PENDING, under a unique constraint: two pending requests for the same pair
cannot both commit. A request is seen by the bureau that made it and by the bureaus that may decide it (whose
reach includes the mediator, as `mediator_state` has it); by nobody else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, LiteralString

from pydantic import field_validator

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row, Tx
from graph.core.page import Page, PageRequest, paged_query, split_page
from graph.core.records import Tracked, in_utc
from graph.core.viewer import Viewer
from graph.core.vocabulary import MembershipRole


class MembershipRequestRecord(Tracked):
    state: str
    mediator_id: str
    organization_id: str
    requested_by: str
    role: MembershipRole
    since: date
    until: date | None = None
    requested_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str | None = None

    @field_validator("requested_at", "decided_at")
    @classmethod
    def _in_utc(cls, moment: datetime | None) -> datetime | None:
        return None if moment is None else in_utc(moment)


DECIDES: LiteralString = (
    "($bureau AND $vJurisdiction IS NOT NULL AND EXISTS {"
    " (n)-[:REQUESTS]->(:Mediator)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
    "(:Jurisdiction {code: $vJurisdiction}) })"
)
"""Whether the calling bureau (`$bureau`) reaches the mediator of request `n`, so that it may decide it."""

SEES: LiteralString = "(n.requestedBy = $agency OR " + DECIDES + ")"

PROJECTION: LiteralString = (
    "n {.id, .state, .mediatorId, .organizationId, .requestedBy, .role, .since, .until, .requestedAt, .decidedAt,"
    " .decidedBy, .reason, .version, .createdAt, .updatedAt}"
)

_OUTGOING: LiteralString = (
    "MATCH (:JudicialBureau {id: $agency})<-[:REQUESTED_BY]-(n:MembershipRequest)"
    " WHERE $state IS NULL OR n.state = $state"
)
"""The requests the calling bureau made, reached from its own node."""

_INCOMING: LiteralString = (
    "MATCH (n:MembershipRequest) WHERE ($state IS NULL OR n.state = $state) AND n.requestedBy <> $agency AND " + DECIDES
)
"""The requests the calling bureau may decide (other bureaus' requests for mediators in its reach)."""

_LISTS: dict[bool, LiteralString] = {False: _OUTGOING, True: _INCOMING}

async def pending_request(graph: Graph, tx: Tx, *, key: str) -> str | None:
    """The PENDING request for this mediator and organization (`key`), if there is one."""
    rows = await graph.rows(tx, "MATCH (x:MembershipRequest {pendingKey: $key}) RETURN x.id AS id", key=key)
    return str(rows[0]["id"]) if rows else None


async def create_request(
    graph: Graph, tx: Tx, *, id: str, props: dict[str, Any], mediator: str, organization: str, requester: str,
    now: datetime,
) -> Row:
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $mediator}), (o:Organization {id: $organization}), (b:JudicialBureau {id: $requester})"
        " CREATE (x:MembershipRequest {id: $id}) SET x += $props, x.requestedAt = " + NOW + ","
        " x.createdAt = " + NOW + ", x.updatedAt = " + NOW + ", x.version = 1"
        " CREATE (x)-[:REQUESTS]->(m) CREATE (x)-[:INTO]->(o) CREATE (x)-[:REQUESTED_BY]->(b)"
        " RETURN x {.*} AS props",
        id=id,
        props=props,
        mediator=mediator,
        organization=organization,
        requester=requester,
        **stamp(now),
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


async def request_state(graph: Graph, tx: Tx, *, id: str) -> Row | None:
    """The stored request and whether its organization still lies where its requesting bureau governs."""
    rows = await graph.rows(
        tx,
        "MATCH (x:MembershipRequest {id: $id})"
        " RETURN x {.*} AS props, EXISTS { (x)-[:INTO]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
        "-[:PART_OF*0..]->(:Jurisdiction)<-[:GOVERNS]-(:JudicialBureau {id: x.requestedBy}) } AS requesterReaches",
        id=id,
    )
    return rows[0] if rows else None


async def decide_request(graph: Graph, tx: Tx, *, id: str, props: dict[str, Any], now: datetime) -> Row | None:
    """Record the decision on a PENDING request (its pending key goes); None when it is no longer pending."""
    rows = await graph.rows(
        tx,
        "MATCH (x:MembershipRequest {id: $id}) WHERE x.state = 'PENDING'"
        " SET x += $props, x.pendingKey = null, x.version = x.version + 1, x.decidedAt = " + NOW + ","
        " x.updatedAt = " + NOW + " RETURN x {.*} AS props",
        id=id,
        props=props,
        **stamp(now),
    )
    return rows[0]["props"] if rows else None


def _params(agency: str, bureau: bool, viewer: Viewer) -> dict[str, Any]:
    return {"agency": agency, "bureau": bureau, **viewer.params()}


async def requests_by_id(
    graph: Graph, *, ids: Sequence[str], agency: str, bureau: bool, viewer: Viewer
) -> dict[str, MembershipRequestRecord]:
    """The requests the caller made or may decide, by id."""
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:MembershipRequest {id: id}) WHERE " + SEES + " RETURN " + PROJECTION + " AS node",
        ids=list(ids),
        **_params(agency, bureau, viewer),
    )
    return {row["node"]["id"]: MembershipRequestRecord.model_validate(row["node"]) for row in rows}


async def list_requests(
    graph: Graph, *, incoming: bool, state: str | None, page: PageRequest, agency: str, bureau: bool, viewer: Viewer
) -> Page[MembershipRequestRecord]:
    rows = await graph.read(
        paged_query(_LISTS[incoming], PROJECTION, page), state=state, **page.params(), **_params(agency, bureau, viewer)
    )
    return split_page(rows, page, MembershipRequestRecord)


async def count_requests(
    graph: Graph, *, incoming: bool, state: str | None, agency: str, bureau: bool, viewer: Viewer
) -> int:
    rows = await graph.read(
        _LISTS[incoming] + " RETURN count(n) AS total", state=state, **_params(agency, bureau, viewer)
    )
    return int(rows[0]["total"])
