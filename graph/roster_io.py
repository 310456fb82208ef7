"""Bulk roster import and export: batched reads for validation, UNWIND MERGE writes keyed on natural keys,
and keyset-paged reads of a jurisdiction's roster in the file format's order.

Every write runs inside the caller's managed transaction (the import adds the batch's audit events to it);
every MERGE is keyed on a natural key, so a batch written twice leaves one node or edge.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from graph.driver import Graph, Row
from graph.filing import Tx
from graph.records import GraphRecord
from graph.viewer import IN_REACH, Viewer

NAMESPACE = uuid.UUID("6f1f4d52-3c1e-4a5e-9a7c-5d1b2f0e8a10")
"""The namespace of the seeding's `stable_id`, so imported ids are the ids seeding derives from the same keys."""


def natural_id(*parts: str) -> str:
    """A registry id derived from natural keys (the same function as `seed.roster.stable_id`)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


class ImportingAgency(GraphRecord):
    id: str
    kind: str
    jurisdiction: str | None = None


class StoredOrganization(GraphRecord):
    id: str
    kind: str
    status: str | None = None
    credit_code: str | None = None
    source_record_id: str | None = None
    jurisdiction: str | None = None


class StoredIdentity(GraphRecord):
    id: str
    identity_hash: str
    gender: str | None = None
    employment: str | None = None
    status: str | None = None


class StoredMembership(GraphRecord):
    organization: str
    identity_hash: str
    role: str
    since: date
    until: date | None = None
    gender: str | None = None
    employment: str | None = None
    status: str | None = None


# --- reads for validation -------------------------------------------------------------------------------


async def importing_agency(graph: Graph, *, id: str) -> ImportingAgency | None:
    """The agency an import acts for, with the division a bureau governs."""
    rows = await graph.read(
        "MATCH (a:Agency {id: $id})"
        " RETURN a {.id, .kind, jurisdiction: [(a)-[:GOVERNS]->(j:Jurisdiction) | j.code][0]} AS agency",
        id=id,
    )
    return ImportingAgency.model_validate(rows[0]["agency"]) if rows else None


async def divisions_in_reach(graph: Graph, *, codes: Sequence[str], viewer: Viewer) -> dict[str, bool]:
    """For each code that names a division: whether it lies inside the writer's reach. Unknown codes are absent."""
    rows = await graph.read(
        "UNWIND $codes AS code MATCH (j:Jurisdiction {code: code}) RETURN code, " + IN_REACH + " AS allowed",
        codes=list(codes),
        **viewer.params(),
    )
    return {str(row["code"]): bool(row["allowed"]) for row in rows}


_STORED_ORGANIZATION = (
    "n {.id, .kind, .status, .creditCode, .sourceRecordId,"
    " jurisdiction: [(n)-[:LOCATED_IN]->(j:Jurisdiction) | j.code][0]}"
)


async def organizations_by_ids(graph: Graph, *, ids: Sequence[str]) -> dict[str, StoredOrganization]:
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (n:Organization {id: id}) RETURN " + _STORED_ORGANIZATION + " AS node", ids=list(ids)
    )
    return {row["node"]["id"]: StoredOrganization.model_validate(row["node"]) for row in rows}


async def organizations_by_credit_code(graph: Graph, *, codes: Sequence[str]) -> dict[str, StoredOrganization]:
    rows = await graph.read(
        "UNWIND $codes AS code MATCH (n:Organization {creditCode: code}) RETURN " + _STORED_ORGANIZATION + " AS node",
        codes=list(codes),
    )
    return {row["node"]["creditCode"]: StoredOrganization.model_validate(row["node"]) for row in rows}


async def organizations_by_source(
    graph: Graph, *, keys: Sequence[str], viewer: Viewer
) -> dict[str, list[StoredOrganization]]:
    """The organizations inside the writer's reach whose `sourceRecordId` is one of `keys`."""
    rows = await graph.read(
        "UNWIND $keys AS key MATCH (n:Organization {sourceRecordId: key})-[:LOCATED_IN]->(j:Jurisdiction)"
        " WITH n, j WHERE " + IN_REACH + " RETURN " + _STORED_ORGANIZATION + " AS node ORDER BY n.id",
        keys=list(keys),
        **viewer.params(),
    )
    found: dict[str, list[StoredOrganization]] = {}
    for row in rows:
        record = StoredOrganization.model_validate(row["node"])
        found.setdefault(record.source_record_id or "", []).append(record)
    return found


async def identities(graph: Graph, *, hashes: Sequence[str]) -> dict[str, StoredIdentity]:
    """The mediators already on the roster under these identity hashes (whatever their id)."""
    rows = await graph.read(
        "UNWIND $hashes AS hash MATCH (n:Mediator {identityHash: hash})"
        " RETURN n {.id, .identityHash, .gender, .employment, .status} AS node",
        hashes=list(hashes),
    )
    return {row["node"]["identityHash"]: StoredIdentity.model_validate(row["node"]) for row in rows}


async def memberships_of(graph: Graph, *, organizations: Sequence[str]) -> list[StoredMembership]:
    """Every stored membership of these organizations, with what the composition rules need of the mediator."""
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (:Organization {id: id})<-[r:MEMBER_OF]-(m:Mediator)"
        " RETURN {organization: id, identityHash: m.identityHash, role: r.role, since: r.since, until: r.until,"
        " gender: m.gender, employment: m.employment, status: m.status} AS membership",
        ids=list(organizations),
    )
    return [StoredMembership.model_validate(row["membership"]) for row in rows]


# --- writes, each inside the caller's transaction -------------------------------------------------------


async def merge_organization_rows(graph: Graph, tx: Tx, *, rows: Sequence[Row]) -> None:
    """Upsert organizations on their registry id (derived from jurisdiction and the bureau's record id), located
    in their division; a change bumps the version as an amendment does."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row"
        " MERGE (n:Organization {id: row.id})"
        " ON CREATE SET n.createdAt = datetime(), n.version = 1"
        " ON MATCH SET n.version = coalesce(n.version, 0) + 1"
        " SET n += row.props, n.updatedAt = datetime()"
        " WITH n, row MATCH (j:Jurisdiction {code: row.jurisdiction}) MERGE (n)-[:LOCATED_IN]->(j)",
        rows=list(rows),
    )


async def file_with_bureau(graph: Graph, tx: Tx, *, ids: Sequence[str], bureau: str, filed_at: date) -> None:
    """FILED_WITH the bureau and the next filing numbers of its year, for the FILED organizations that have none."""
    await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (n:Organization {id: id}) WHERE n.status = 'FILED' AND n.filingNo IS NULL"
        " WITH collect(n) AS fresh WHERE size(fresh) > 0"
        " MATCH (b:Agency {id: $bureau})"
        " MERGE (c:FilingCounter {bureau: $bureau, year: $year}) ON CREATE SET c.value = 0"
        " WITH fresh, b, c, c.value AS base SET c.value = base + size(fresh)"
        " WITH fresh, b, base, [(b)-[:GOVERNS]->(g:Jurisdiction) | g.code][0] AS prefix"
        " UNWIND range(0, size(fresh) - 1) AS i"
        " WITH fresh[i] AS n, b,"
        " prefix + '-' + toString($year) + '-' + right('00000' + toString(base + i + 1), 6) AS filingNo"
        " MERGE (n)-[f:FILED_WITH]->(b) SET f.filedAt = $filedAt, f.filingNo = filingNo"
        " SET n.filingNo = filingNo, n.filedAt = $filedAt",
        ids=list(ids),
        bureau=bureau,
        year=filed_at.year,
        filedAt=filed_at,
    )


async def guide_by_courts(graph: Graph, tx: Tx, *, ids: Sequence[str]) -> None:
    """GUIDED_BY the basic court nearest each FILED organization that has no guiding court yet, with the
    filing notice to that court (People's Mediation Law Art 10)."""
    await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (n:Organization {id: id})"
        " WHERE n.status = 'FILED' AND NOT EXISTS { (n)-[:GUIDED_BY]->(:Court) }"
        " MATCH path = (n)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction)"
        "<-[:HAS_JURISDICTION]-(court:Court {level: 'BASIC'})"
        " WITH n, court, length(path) AS distance ORDER BY distance"
        " WITH n, collect(court)[0] AS court"
        " MERGE (n)-[:GUIDED_BY]->(court)"
        " CREATE (:Notice {id: randomUUID(), at: datetime(), kind: 'FILING', filingNo: n.filingNo,"
        " organizationId: n.id})-[:NOTIFIES]->(court)",
        ids=list(ids),
    )


async def merge_mediator_rows(graph: Graph, tx: Tx, *, rows: Sequence[Row]) -> None:
    """Upsert mediators on their identity hash: a person already on the roster keeps the id they have."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row"
        " MERGE (n:Mediator {identityHash: row.identityHash})"
        " ON CREATE SET n.id = row.id, n.createdAt = datetime(), n.version = 1"
        " ON MATCH SET n.version = coalesce(n.version, 0) + 1"
        " SET n += row.props, n.updatedAt = datetime()",
        rows=list(rows),
    )


async def merge_membership_rows(graph: Graph, tx: Tx, *, rows: Sequence[Row]) -> None:
    """Upsert memberships on (mediator, organization, since)."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row"
        " MATCH (m:Mediator {identityHash: row.identityHash})"
        " MATCH (o:Organization {id: row.organization})"
        " MERGE (m)-[r:MEMBER_OF {since: row.since}]->(o)"
        " SET r.role = row.role, r.until = row.until",
        rows=list(rows),
    )


# --- export: keyset pages in the file's order -----------------------------------------------------------

_SUBTREE = "(:Jurisdiction {code: $code})<-[:PART_OF*0..]-(j:Jurisdiction)<-[:LOCATED_IN]-(n:Organization)"


async def exported_organizations(
    graph: Graph, *, code: str, after: tuple[str, str] | None, limit: int
) -> list[Row]:
    """Organizations located in the division or below it, by (organization key, id), after the given pair."""
    return await graph.read(
        "MATCH " + _SUBTREE +
        " WITH n, j, coalesce(n.sourceRecordId, n.id) AS key"
        " WHERE $afterKey IS NULL OR key > $afterKey OR (key = $afterKey AND n.id > $afterId)"
        " RETURN key, n.id AS id, n.name AS name, n.kind AS kind, j.code AS jurisdiction, n.sectors AS sectors,"
        " n.creditCode AS creditCode, n.publicPhone AS publicPhone, n.address AS address,"
        " n.chargesFee AS chargesFee, n.status AS status"
        " ORDER BY key, id LIMIT $limit",
        code=code,
        afterKey=after[0] if after else None,
        afterId=after[1] if after else None,
        limit=limit,
    )


async def exported_mediators(graph: Graph, *, code: str, after: str | None, limit: int) -> list[Row]:
    """Mediators with a membership of an organization in the division or below it, by identity hash."""
    return await graph.read(
        "MATCH " + _SUBTREE + "<-[:MEMBER_OF]-(m:Mediator)"
        " WITH DISTINCT m WHERE $after IS NULL OR m.identityHash > $after"
        " RETURN m.identityHash AS identityHash, m.identityMasked AS identityMasked, m.name AS name,"
        " m.gender AS gender, m.birthYear AS birthYear, m.employment AS employment, m.background AS background,"
        " m.education AS education, m.specialties AS specialties, m.languages AS languages, m.phone AS phone,"
        " m.status AS status"
        " ORDER BY identityHash LIMIT $limit",
        code=code,
        after=after,
        limit=limit,
    )


async def exported_memberships(graph: Graph, *, code: str, skip: int, limit: int) -> list[Row]:
    """Memberships of organizations in the division or below it, by (organization key, id, mediator, since)."""
    return await graph.read(
        "MATCH " + _SUBTREE + "<-[r:MEMBER_OF]-(m:Mediator)"
        " RETURN coalesce(n.sourceRecordId, n.id) AS key, n.id AS id, m.identityHash AS identityHash,"
        " r.role AS role, r.since AS since, r.until AS until"
        " ORDER BY key, id, identityHash, since SKIP $skip LIMIT $limit",
        code=code,
        skip=skip,
        limit=limit,
    )
