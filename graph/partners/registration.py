"""Partner registration: PENDING organizations and mediators a partner agency registers, the bureau's queue.

A registration is the record itself, created PENDING with `registeredBy` (the partner's id),
`registrationStatus` (PENDING, APPROVED, REJECTED) and `-[:AFFILIATED_WITH]->(:PartnerAgency)`. The bureau
that governs the record's location (an organization's division; a mediator's organizations' divisions)
decides it and the decision (`decisionReason`, `decidedAt`, `decidedBy`) stays on the record for the partner
to read. Who may see or decide what is part of every statement: `$vPartner` for the registering partner,
`$agency` (the caller's agency id) for the governing bureau, `$vNational` for the platform administrator.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, LiteralString

from graph.core import clock
from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row, Tx
from graph.core.page import Page, PageRequest, paged_query, split_page
from graph.core.records import Choices, Filter, GraphRecord, Tracked
from graph.core.terms import not_ended
from graph.core.viewer import MEDIATOR_IN_FULL, ORGANIZATION_IN_FULL, Viewer
from graph.core.vocabulary import RecordStatus

"""The bureau's queue starts from the PENDING registrations; a replayed bulk call finds its batch."""


class RegistrationRecord(Tracked):
    """A registration as its partner and its bureau see it: the record's own fields and the decision."""

    kind: str
    name: str
    status: RecordStatus
    registration_status: str
    registered_by: str
    registered_at: datetime | None = None
    decision_reason: str | None = None
    decided_at: datetime | None = None
    decided_by: str | None = None
    jurisdiction: str | None = None


class RegistrationFilter(Filter):
    kind: str | None = None
    statuses: Choices[str] | None = None


GOVERNED: LiteralString = (
    "(EXISTS { (n)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction)<-[:GOVERNS]-"
    "(:JudicialBureau {id: $agency}) }"
    " OR EXISTS { (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
    "(:Jurisdiction)<-[:GOVERNS]-(:JudicialBureau {id: $agency}) })"
)
"""Whether bureau `$agency` governs where registration `n` is: its division, or a division of one of its
organizations (an organization has no MEMBER_OF and a mediator no LOCATED_IN, so one test serves both)."""

OWN: LiteralString = "coalesce(n.registeredBy = $vPartner, false)"
"""Whether registration `n` is the calling partner's."""

SEES: LiteralString = "($vNational OR " + OWN + " OR " + GOVERNED + ")"

PROJECTION: LiteralString = (
    "n {.id, .name, .status, .registrationStatus, .registeredBy, .registeredAt, .decisionReason, .decidedAt,"
    " .decidedBy, .version, .createdAt, .updatedAt, .sourceAgency, .sourceRecordId,"
    " kind: CASE WHEN n:Organization THEN 'ORGANIZATION' ELSE 'MEDIATOR' END,"
    " jurisdiction: coalesce([(n)-[:LOCATED_IN]->(j:Jurisdiction) | j.code][0],"
    " [(n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j:Jurisdiction) | j.code][0])}"
)

_KIND: LiteralString = (
    " AND ($kind IS NULL OR CASE WHEN n:Organization THEN 'ORGANIZATION' ELSE 'MEDIATOR' END = $kind)"
    " AND ($statuses IS NULL OR n.registrationStatus IN $statuses)"
)

_OWN_LIST: LiteralString = (
    "MATCH (:PartnerAgency {id: $vPartner})<-[:AFFILIATED_WITH]-(n)"
    " WHERE (n:Organization OR n:Mediator) AND " + OWN + _KIND
)
"""The calling partner's registrations, reached from its own node (nothing when the caller is no partner)."""

_QUEUE: LiteralString = (
    "CALL () { MATCH (n:Organization) WHERE n.registrationStatus = 'PENDING' RETURN n"
    " UNION MATCH (n:Mediator) WHERE n.registrationStatus = 'PENDING' RETURN n }"
    " WITH n WHERE n.status = 'PENDING' AND ($vNational OR " + GOVERNED + ")" + _KIND
)
"""Registrations waiting for the calling bureau (every one for a national caller), from the status index."""


async def governed_division(graph: Graph, tx: Tx, *, code: str) -> bool:
    """Whether some judicial bureau governs the division (or a division above it), so someone can decide."""
    rows = await graph.rows(
        tx,
        "MATCH (j:Jurisdiction {code: $code})"
        " RETURN EXISTS { (j)-[:PART_OF*0..]->(:Jurisdiction)<-[:GOVERNS]-(:JudicialBureau) } AS governed",
        code=code,
    )
    return bool(rows and rows[0]["governed"])


async def credit_code_owner(graph: Graph, tx: Tx, *, credit_code: str) -> str | None:
    rows = await graph.rows(tx, "MATCH (n:Organization {creditCode: $code}) RETURN n.id AS id", code=credit_code)
    return str(rows[0]["id"]) if rows else None


async def affiliate_organization(graph: Graph, tx: Tx, *, id: str, partner: str) -> None:
    """Affiliate the organization with the partner from the registry's day."""
    await graph.rows(
        tx,
        "MATCH (n:Organization {id: $id}), (a:PartnerAgency {id: $partner})"
        " CREATE (n)-[:AFFILIATED_WITH {since: $on}]->(a)",
        id=id,
        partner=partner,
        on=clock.today(),
    )


async def identity_owners(graph: Graph, tx: Tx, *, hashes: Sequence[str]) -> dict[str, str]:
    """The mediators already holding these identity hashes, by hash."""
    rows = await graph.rows(
        tx,
        "UNWIND $hashes AS hash MATCH (m:Mediator {identityHash: hash}) RETURN hash, m.id AS id",
        hashes=list(hashes),
    )
    return {str(row["hash"]): str(row["id"]) for row in rows}


async def organizations_for_partner(graph: Graph, tx: Tx, *, ids: Sequence[str], partner: str) -> dict[str, Row]:
    """Kind, status, division and whether each organization is affiliated with `partner`, by id."""
    rows = await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (o:Organization {id: id})"
        " RETURN o.id AS id, o.kind AS kind, o.status AS status, o {.*} AS props,"
        " [(o)-[:LOCATED_IN]->(j:Jurisdiction) | j.code][0] AS code,"
        " EXISTS { (o)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $partner}) } AS own",
        ids=list(ids),
        partner=partner,
    )
    return {str(row["id"]): row for row in rows}


async def create_registered_mediators(graph: Graph, tx: Tx, *, rows: Sequence[dict[str, Any]], partner: str) -> int:
    """Each row's mediator (`id`, `props`), affiliated with the partner from the registry's day, with its first
    membership; one moment of the clock stamps every row."""
    moment = clock.now()
    created = await graph.rows(
        tx,
        "MATCH (a:PartnerAgency {id: $partner})"
        " UNWIND $rows AS row MATCH (o:Organization {id: row.organization})"
        " CREATE (m:Mediator {id: row.id}) SET m += row.props, m.createdAt = " + NOW + ", m.updatedAt = " + NOW + ","
        " m.version = 1"
        " CREATE (m)-[:AFFILIATED_WITH {since: $on}]->(a)"
        " CREATE (m)-[r:MEMBER_OF]->(o) SET r.role = row.role, r.since = row.since, r.until = row.until"
        " RETURN count(m) AS created",
        rows=list(rows),
        partner=partner,
        on=clock.day_of(moment),
        **stamp(moment),
    )
    return int(created[0]["created"]) if created else 0


async def batch_members(graph: Graph, *, batch: str) -> list[str]:
    """The mediators one bulk registration created, in row order."""
    rows = await graph.read(
        "MATCH (m:Mediator {registrationBatch: $batch}) RETURN m.id AS id ORDER BY m.registrationRow",
        batch=batch,
    )
    return [str(row["id"]) for row in rows]


async def registration_state(graph: Graph, tx: Tx, *, id: str, agency: str, viewer: Viewer) -> Row | None:
    """The record's kind and stored properties (no identity hash), whether it is the calling partner's own
    and whether the calling bureau governs it; None when no organization or mediator has this id."""
    rows = await graph.rows(
        tx,
        "OPTIONAL MATCH (o:Organization {id: $id}) OPTIONAL MATCH (m:Mediator {id: $id})"
        " WITH coalesce(o, m) AS n WHERE n IS NOT NULL"
        " RETURN CASE WHEN n:Organization THEN 'Organization' ELSE 'Mediator' END AS kind,"
        " n {.*, identityHash: null} AS props, " + OWN + " AS own, ($vNational OR " + GOVERNED + ") AS governs",
        id=id,
        agency=agency,
        **viewer.params(),
    )
    return rows[0] if rows else None


_DECISION: dict[str, LiteralString] = {
    "Organization": "MATCH (n:Organization {id: $id}) SET n += $props RETURN n {.*} AS props",
    "Mediator": "MATCH (n:Mediator {id: $id}) SET n += $props RETURN n {.*, identityHash: null} AS props",
}


async def record_decision(graph: Graph, tx: Tx, *, kind: str, id: str, props: dict[str, Any]) -> Row:
    """The bureau's decision on the record, in the transaction that also filed it (which bumped the version)."""
    rows = await graph.rows(tx, _DECISION[kind], id=id, props=props)
    written: dict[str, Any] = rows[0]["props"]
    return written


async def registrations_by_id(
    graph: Graph, *, ids: Sequence[str], agency: str | None, viewer: Viewer
) -> dict[str, RegistrationRecord]:
    """The registrations the caller may see: its own (a partner), the ones it governs (a bureau), all (national)."""
    rows = await graph.read(
        "UNWIND $ids AS id OPTIONAL MATCH (o:Organization {id: id}) OPTIONAL MATCH (m:Mediator {id: id})"
        " WITH coalesce(o, m) AS n WHERE n IS NOT NULL AND n.registeredBy IS NOT NULL AND " + SEES +
        " RETURN " + PROJECTION + " AS node",
        ids=list(ids),
        agency=agency,
        **viewer.params(),
    )
    return {row["node"]["id"]: RegistrationRecord.model_validate(row["node"]) for row in rows}


async def own_registrations(
    graph: Graph, *, where: RegistrationFilter, page: PageRequest, viewer: Viewer
) -> Page[RegistrationRecord]:
    rows = await graph.read(
        paged_query(_OWN_LIST, PROJECTION, page), **where.params(), **page.params(), **viewer.params()
    )
    return split_page(rows, page, RegistrationRecord)


async def count_own_registrations(graph: Graph, *, where: RegistrationFilter, viewer: Viewer) -> int:
    rows = await graph.read(_OWN_LIST + " RETURN count(n) AS total", **where.params(), **viewer.params())
    return int(rows[0]["total"])


async def pending_registrations(
    graph: Graph, *, where: RegistrationFilter, page: PageRequest, agency: str, viewer: Viewer
) -> Page[RegistrationRecord]:
    rows = await graph.read(
        paged_query(_QUEUE, PROJECTION, page), agency=agency, **where.params(), **page.params(), **viewer.params()
    )
    return split_page(rows, page, RegistrationRecord)


async def count_pending_registrations(graph: Graph, *, where: RegistrationFilter, agency: str, viewer: Viewer) -> int:
    rows = await graph.read(_QUEUE + " RETURN count(n) AS total", agency=agency, **where.params(), **viewer.params())
    return int(rows[0]["total"])


class ProvinceCount(GraphRecord):
    """What is affiliated with a partner in one province: counts by status and the first ids by name."""

    province: str
    kind: str
    total: int
    filed: int
    pending: int
    ids: list[str]


_DIRECTORY: LiteralString = (
    "MATCH (:PartnerAgency {id: $partner})<-[:AFFILIATED_WITH]-(n:Organization) WHERE " + ORGANIZATION_IN_FULL +
    " MATCH (n)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(p:Jurisdiction {level: 'PROVINCE'})"
    " WITH p.code AS province, n ORDER BY n.name, n.id"
    " WITH province, collect(n) AS found"
    " RETURN province, 'ORGANIZATION' AS kind, size(found) AS total,"
    " size([x IN found WHERE x.status = 'FILED']) AS filed, size([x IN found WHERE x.status = 'PENDING']) AS pending,"
    " [x IN found | x.id][0..$first] AS ids"
    " UNION ALL "
    "MATCH (:PartnerAgency {id: $partner})<-[:AFFILIATED_WITH]-(o:Organization)<-[r:MEMBER_OF]-(n:Mediator)"
    " WHERE " + not_ended("r") + " AND " + MEDIATOR_IN_FULL +
    " MATCH (o)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(p:Jurisdiction {level: 'PROVINCE'})"
    " WITH DISTINCT p.code AS province, n ORDER BY n.name, n.id"
    " WITH province, collect(n) AS found"
    " RETURN province, 'MEDIATOR' AS kind, size(found) AS total,"
    " size([x IN found WHERE x.status = 'FILED']) AS filed, size([x IN found WHERE x.status = 'PENDING']) AS pending,"
    " [x IN found | x.id][0..$first] AS ids"
)
"""Per province, the organizations affiliated with the partner and the current members of those organizations
(which include every mediator the partner registered while the membership runs), as far as the viewer sees
them in full; one statement."""


async def partner_exists(graph: Graph, *, partner: str) -> bool:
    rows = await graph.read("MATCH (a:PartnerAgency {id: $partner}) RETURN count(a) AS n", partner=partner)
    return int(rows[0]["n"]) > 0


async def partner_directory(graph: Graph, *, partner: str, first: int, viewer: Viewer) -> list[ProvinceCount]:
    rows = await graph.read(_DIRECTORY, partner=partner, first=first, on=clock.today(), **viewer.params())
    return [ProvinceCount.model_validate(row) for row in rows]
