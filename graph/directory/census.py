"""CREATE statements for loading a generated roster into an empty graph: the same nodes, properties and edges
as the MERGE upserts of the directory, roster and grades modules, without their existence checks.

Only for a graph that holds none of these rows yet (the generator's fast path checks it is empty): a row
written twice here makes two nodes, which the unique constraints then refuse. Edges onto nodes that several
writers share (partner agencies) are left to `affiliate_organizations`, run once after the parallel part.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph

Rows = Sequence[dict[str, Any]]


async def create_divisions(graph: Graph, *, rows: Rows) -> None:
    """Divisions of one level under parents that exist ({id, code, name, level, parent})."""
    await graph.write(
        "UNWIND $rows AS row"
        " MATCH (p:Jurisdiction {code: row.parent})"
        " CREATE (j:Jurisdiction {code: row.code, id: row.id, name: row.name, level: row.level,"
        " createdAt: " + NOW + ", version: 1, updatedAt: " + NOW + "})"
        " CREATE (j)-[:PART_OF]->(p)",
        rows=list(rows),
        **stamp(),
    )


async def create_organizations(graph: Graph, *, rows: Rows) -> None:
    """Organizations located in their division, filed with their bureau and guided by their court."""
    await graph.write(
        "UNWIND $rows AS row"
        " MATCH (j:Jurisdiction {code: row.jurisdiction})"
        " MATCH (b:Agency {name: row.bureau}) WHERE b:JudicialBureau"
        " MATCH (c:Agency {name: row.court}) WHERE c:Court"
        " CREATE (n:Organization {id: row.id, createdAt: " + NOW + ", version: 1})"
        " SET n += row.props, n.updatedAt = " + NOW +
        " CREATE (n)-[:LOCATED_IN]->(j)"
        " CREATE (n)-[:FILED_WITH {filedAt: n.filedAt, filingNo: n.filingNo}]->(b)"
        " CREATE (n)-[:GUIDED_BY]->(c)",
        rows=list(rows),
        **stamp(),
    )


async def affiliate_organizations(graph: Graph, *, rows: Rows) -> None:
    """AFFILIATED_WITH ({id, partner}) for organizations written by `create_organizations`."""
    await graph.write(
        "UNWIND $rows AS row"
        " MATCH (p:Agency {name: row.partner}) WHERE p:PartnerAgency"
        " MATCH (n:Organization {id: row.id})"
        " CREATE (n)-[:AFFILIATED_WITH]->(p)",
        rows=list(rows),
    )


async def create_mediators(graph: Graph, *, rows: Rows) -> None:
    """Mediators each with their one membership, its listing and their credentials:
    {id, props, membership: {organization, role, since, until}, listing: {...}, credentials: [{id, props}]}."""
    await graph.write(
        "UNWIND $rows AS row"
        " MATCH (o:Organization {id: row.membership.organization})"
        " CREATE (m:Mediator {id: row.id, createdAt: " + NOW + ", version: 1})"
        " SET m += row.props, m.updatedAt = " + NOW +
        " CREATE (m)-[r:MEMBER_OF {since: row.membership.since}]->(o)"
        " SET r.role = row.membership.role, r.until = row.membership.until"
        " CREATE (l:Listing) SET l = row.listing"
        " FOREACH (credential IN row.credentials |"
        "   CREATE (m)-[:HOLDS]->(c:Credential {id: credential.id}) SET c += credential.props)",
        rows=list(rows),
        **stamp(),
    )


async def create_trainings(graph: Graph, *, rows: Rows) -> None:
    """Courses with their attendance ({id, props, attendees: [mediator id]}); each course once."""
    await graph.write(
        "UNWIND $rows AS row"
        " CREATE (t:Training {id: row.id}) SET t += row.props",
        rows=list(rows),
    )


async def create_attendance(graph: Graph, *, rows: Rows) -> None:
    """COMPLETED edges ({training, attendees}) onto courses that exist."""
    await graph.write(
        "UNWIND $rows AS row"
        " MATCH (t:Training {id: row.training})"
        " UNWIND row.attendees AS mediatorId"
        " MATCH (m:Mediator {id: mediatorId})"
        " CREATE (m)-[:COMPLETED {hours: t.hours, completedAt: t.heldOn}]->(t)",
        rows=list(rows),
    )


async def holds_no_roster(graph: Graph) -> bool:
    """Whether the graph has no organization, mediator or listing yet (the CREATE path's precondition)."""
    rows = await graph.read(
        "OPTIONAL MATCH (o:Organization) WITH o LIMIT 1"
        " OPTIONAL MATCH (m:Mediator) WITH o, m LIMIT 1"
        " OPTIONAL MATCH (l:Listing) WITH o, m, l LIMIT 1"
        " RETURN o IS NULL AND m IS NULL AND l IS NULL AS empty"
    )
    return bool(rows[0]["empty"])
