"""Writes of the roster, each a statement run inside the caller's managed transaction.

The use cases in resolvers/ compose them into one transaction together with the audit events, so a
rejected write leaves the graph as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graph.core import clock
from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row, Tx
from graph.core.terms import current
from graph.core.viewer import IN_REACH, Viewer
from graph.core.vocabulary import OrganizationKind


async def division_reach(graph: Graph, tx: Tx, *, code: str, viewer: Viewer) -> bool | None:
    """None when no division has the code; otherwise whether the writer may write there."""
    rows = await graph.rows(
        tx, "MATCH (j:Jurisdiction {code: $code}) RETURN " + IN_REACH + " AS allowed", code=code, **viewer.params()
    )
    return bool(rows[0]["allowed"]) if rows else None


async def organization_state(graph: Graph, tx: Tx, *, id: str, viewer: Viewer) -> Row | None:
    """The stored properties, the division code and whether the writer may write it; None if unknown."""
    rows = await graph.rows(
        tx,
        "MATCH (n:Organization {id: $id}) OPTIONAL MATCH (n)-[:LOCATED_IN]->(j:Jurisdiction)"
        " RETURN n {.*} AS props, j.code AS jurisdiction, " + IN_REACH + " AS allowed",
        id=id,
        **viewer.params(),
    )
    return rows[0] if rows else None


async def mediator_state(graph: Graph, tx: Tx, *, id: str, viewer: Viewer) -> Row | None:
    """A mediator's stored properties (without the identity hash) and whether the writer reaches any of its
    organizations (a mediator with no organization is reached by national writers only)."""
    rows = await graph.rows(
        tx,
        "MATCH (n:Mediator {id: $id})"
        " OPTIONAL MATCH (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j:Jurisdiction)"
        " WITH n, collect(" + IN_REACH + ") AS reach"
        " RETURN n {.*, identityHash: null} AS props, $vNational OR any(r IN reach WHERE r) AS allowed",
        id=id,
        **viewer.params(),
    )
    return rows[0] if rows else None


async def create_organization(graph: Graph, tx: Tx, *, id: str, props: dict[str, Any], jurisdiction: str) -> Row:
    rows = await graph.rows(
        tx,
        "MATCH (j:Jurisdiction {code: $jurisdiction})"
        " CREATE (n:Organization {id: $id}) SET n += $props, n.createdAt = " + NOW + ", n.updatedAt = " + NOW + ","
        " n.version = 1 CREATE (n)-[:LOCATED_IN]->(j) RETURN n {.*} AS props",
        id=id,
        props=props,
        jurisdiction=jurisdiction,
        **stamp(),
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


async def update_organization(graph: Graph, tx: Tx, *, id: str, version: int, props: dict[str, Any]) -> Row | None:
    """Applies `props` when the stored version is `version`, and bumps it; None when the version is stale."""
    rows = await graph.rows(
        tx,
        "MATCH (n:Organization {id: $id}) WHERE n.version = $version"
        " SET n += $props, n.version = n.version + 1, n.updatedAt = " + NOW + " RETURN n {.*} AS props",
        id=id,
        version=version,
        props=props,
        **stamp(),
    )
    return rows[0]["props"] if rows else None


async def move_organization(graph: Graph, tx: Tx, *, id: str, jurisdiction: str) -> None:
    await graph.rows(
        tx,
        "MATCH (n:Organization {id: $id})-[r:LOCATED_IN]->() DELETE r"
        " WITH DISTINCT n MATCH (j:Jurisdiction {code: $jurisdiction}) CREATE (n)-[:LOCATED_IN]->(j)",
        id=id,
        jurisdiction=jurisdiction,
    )


async def record_filing(graph: Graph, tx: Tx, *, organization: str, bureau: str, filed_at: date) -> Row:
    """FILED_WITH the bureau with the next filing number of its year, GUIDED_BY the basic court nearest the
    organization's division, and a notice to that court, all in the caller's transaction."""
    rows = await graph.rows(
        tx,
        "MATCH (n:Organization {id: $organization}), (b:Agency {id: $bureau})"
        " MERGE (c:FilingCounter {key: $bureau + ':' + toString($year)})"
        " ON CREATE SET c.bureau = $bureau, c.year = $year, c.value = 0 SET c.value = c.value + 1"
        " WITH n, b, c.value AS serial"
        " WITH n, b, [(b)-[:GOVERNS]->(g:Jurisdiction) | g.code][0] + '-' + toString($year) + '-'"
        " + right('00000' + toString(serial), 6) AS filingNo"
        " MERGE (n)-[f:FILED_WITH]->(b) SET f.filedAt = $filedAt, f.filingNo = filingNo"
        " SET n.filingNo = filingNo, n.filedAt = $filedAt"
        " WITH n, filingNo"
        " OPTIONAL MATCH path = (n)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction)"
        "<-[:HAS_JURISDICTION]-(court:Court {level: 'BASIC'})"
        " WITH n, filingNo, court ORDER BY length(path) LIMIT 1"
        " FOREACH (_ IN CASE WHEN court IS NULL THEN [] ELSE [1] END |"
        "   MERGE (n)-[:GUIDED_BY]->(court)"
        "   CREATE (:Notice {id: randomUUID(), at: $noticeAt, kind: 'FILING', filingNo: filingNo,"
        "   organizationId: n.id})-[:NOTIFIES]->(court))"
        " RETURN filingNo, court.id AS court",
        organization=organization,
        bureau=bureau,
        year=filed_at.year,
        filedAt=filed_at,
        noticeAt=clock.now(),
    )
    return rows[0]


async def notify_membership_change(graph: Graph, tx: Tx, *, organization: str, change: str) -> None:
    """People's Mediation Law Art 10: the guiding basic court hears of every change of a committee's members."""
    await graph.rows(
        tx,
        "MATCH (n:Organization {id: $organization})-[:GUIDED_BY]->(court:Court)"
        " CREATE (:Notice {id: randomUUID(), at: $noticeAt, kind: $change, organizationId: n.id})-[:NOTIFIES]->(court)",
        organization=organization,
        change=change,
        noticeAt=clock.now(),
    )


async def seats(graph: Graph, tx: Tx, *, organization: str, on: date, without: str | None = None) -> list[Row]:
    """The current memberships of an organization with what the composition rules need; `without` leaves one
    mediator out (one who is leaving, whatever the day the membership ends)."""
    return await graph.rows(
        tx,
        "MATCH (:Organization {id: $organization})<-[r:MEMBER_OF]-(m:Mediator)"
        " WHERE " + current("r") +
        " AND coalesce(m.status, 'FILED') <> 'DEREGISTERED' AND ($without IS NULL OR m.id <> $without)"
        " RETURN r.role AS role, m.gender AS gender, m.employment AS employment, r.since AS since, r.until AS until",
        organization=organization,
        on=on,
        without=without,
    )


async def filed_organizations_of(graph: Graph, tx: Tx, *, mediator: str, on: date) -> list[str]:
    """The FILED organizations the mediator is a current member of, whose composition a change to it touches."""
    rows = await graph.rows(
        tx,
        "MATCH (:Mediator {id: $mediator})-[r:MEMBER_OF]->(o:Organization {status: 'FILED'})"
        " WHERE " + current("r") + " RETURN DISTINCT o.id AS id ORDER BY id",
        mediator=mediator,
        on=on,
    )
    return [str(row["id"]) for row in rows]


async def identity_owner(graph: Graph, tx: Tx, *, identity_hash: str) -> str | None:
    rows = await graph.rows(
        tx, "MATCH (m:Mediator {identityHash: $hash}) RETURN m.id AS id", hash=identity_hash
    )
    return str(rows[0]["id"]) if rows else None


async def create_mediator(graph: Graph, tx: Tx, *, id: str, props: dict[str, Any]) -> Row:
    rows = await graph.rows(
        tx,
        "CREATE (n:Mediator {id: $id}) SET n += $props, n.createdAt = " + NOW + ", n.updatedAt = " + NOW + ","
        " n.version = 1 RETURN n {.*, identityHash: null} AS props",
        id=id,
        props=props,
        **stamp(),
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


async def update_mediator(graph: Graph, tx: Tx, *, id: str, version: int, props: dict[str, Any]) -> Row | None:
    rows = await graph.rows(
        tx,
        "MATCH (n:Mediator {id: $id}) WHERE n.version = $version"
        " SET n += $props, n.version = n.version + 1, n.updatedAt = " + NOW +
        " RETURN n {.*, identityHash: null} AS props",
        id=id,
        version=version,
        props=props,
        **stamp(),
    )
    return rows[0]["props"] if rows else None


_AWAITING_FILED: LiteralString = (
    " WHERE m.status = 'PENDING' AND m.registrationStatus IS NULL"
    " AND EXISTS { (m)-[r:MEMBER_OF]->(o:Organization) WHERE o.status = 'FILED' AND " + current("r") + " }"
    " RETURN m.id AS id, m.version AS version, m {.*, identityHash: null} AS props ORDER BY id"
)
"""Of mediators `m`: those still PENDING that the bureau filed (no partner registration awaits a decision) and
that now serve a FILED organization, so they join the public roster."""


async def awaiting_members(graph: Graph, tx: Tx, *, organization: str, on: date) -> list[Row]:
    """The members of `organization` that its filing makes FILED (see `_AWAITING_FILED`)."""
    return await graph.rows(
        tx,
        "MATCH (:Organization {id: $organization})<-[:MEMBER_OF]-(x:Mediator) WITH DISTINCT x AS m" + _AWAITING_FILED,
        organization=organization,
        on=on,
    )


async def awaiting_mediator(graph: Graph, tx: Tx, *, mediator: str, on: date) -> list[Row]:
    """`mediator`, if a membership just entered makes it FILED (see `_AWAITING_FILED`)."""
    return await graph.rows(tx, "MATCH (m:Mediator {id: $mediator})" + _AWAITING_FILED, mediator=mediator, on=on)


async def overlapping_membership(
    graph: Graph, tx: Tx, *, mediator: str, organization: str, since: date, until: date | None
) -> bool:
    rows = await graph.rows(
        tx,
        "MATCH (:Mediator {id: $mediator})-[r:MEMBER_OF]->(:Organization {id: $organization})"
        " WHERE (r.until IS NULL OR r.until >= $since) AND ($until IS NULL OR r.since <= $until)"
        " RETURN count(r) AS n",
        mediator=mediator,
        organization=organization,
        since=since,
        until=until,
    )
    return int(rows[0]["n"]) > 0


async def create_membership(
    graph: Graph, tx: Tx, *, mediator: str, organization: str, props: dict[str, Any]
) -> Row | None:
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $mediator}), (o:Organization {id: $organization})"
        " CREATE (m)-[r:MEMBER_OF]->(o) SET r += $props RETURN r {.*} AS props",
        mediator=mediator,
        organization=organization,
        props=props,
    )
    return rows[0]["props"] if rows else None


async def end_membership(
    graph: Graph, tx: Tx, *, mediator: str, organization: str, until: date
) -> Row | None:
    """Ends the open or current membership on `until`; None when there is none."""
    rows = await graph.rows(
        tx,
        "MATCH (:Mediator {id: $mediator})-[r:MEMBER_OF]->(:Organization {id: $organization})"
        " WHERE " + current("r", "$until") +
        " WITH r LIMIT 1 SET r.until = $until RETURN r {.*} AS props",
        mediator=mediator,
        organization=organization,
        until=until,
    )
    return rows[0]["props"] if rows else None


async def organization_kind(graph: Graph, tx: Tx, *, id: str) -> tuple[OrganizationKind, str] | None:
    rows = await graph.rows(
        tx,
        "MATCH (n:Organization {id: $id})-[:LOCATED_IN]->(j:Jurisdiction) RETURN n.kind AS kind, j.code AS code",
        id=id,
    )
    return (OrganizationKind(rows[0]["kind"]), str(rows[0]["code"])) if rows else None
