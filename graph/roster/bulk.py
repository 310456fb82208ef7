"""Bulk roster import and export: batched reads for validation, UNWIND MERGE writes keyed on natural keys,
and keyset-paged reads of a jurisdiction's roster in the file format's order.

Every write runs inside the caller's managed transaction (the import adds the batch's audit events to it);
every MERGE is keyed on a natural key, so a batch written twice leaves one node or edge.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from graph.core import clock
from graph.core.driver import Graph, Row, Tx
from graph.core.records import GraphRecord, native
from graph.core.viewer import IN_REACH, Viewer

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
    filing_no: str | None = None


class StoredIdentity(GraphRecord):
    id: str
    identity_hash: str
    gender: str
    employment: str | None = None
    status: str | None = None
    allowed: bool = False
    """Whether the importer reaches one of its organizations (national importers reach every mediator)."""


class StoredMembership(GraphRecord):
    organization: str
    identity_hash: str
    role: str
    since: date
    until: date | None = None
    gender: str
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


async def nearest_basic_courts(graph: Graph, *, codes: Sequence[str]) -> dict[str, str]:
    """For each division code, the id of the basic court with jurisdiction over it or its nearest ancestor."""
    rows = await graph.read(
        "UNWIND $codes AS code"
        " MATCH path = (:Jurisdiction {code: code})-[:PART_OF*0..]->(:Jurisdiction)"
        "<-[:HAS_JURISDICTION]-(court:Court {level: 'BASIC'})"
        " WITH code, court, length(path) AS distance ORDER BY code, distance"
        " WITH code, collect(court.id)[0] AS court RETURN code, court",
        codes=list(codes),
    )
    return {str(row["code"]): str(row["court"]) for row in rows}


_STORED_ORGANIZATION = (
    "n {.id, .kind, .status, .creditCode, .sourceRecordId, .filingNo,"
    " jurisdiction: [(n)-[:LOCATED_IN]->(j:Jurisdiction) | j.code][0]}"
)


async def organizations_by_credit_code(graph: Graph, *, codes: Sequence[str]) -> dict[str, StoredOrganization]:
    rows = await graph.read(
        "UNWIND $codes AS code MATCH (n:Organization {creditCode: code}) RETURN " + _STORED_ORGANIZATION + " AS node",
        codes=list(codes),
    )
    return {row["node"]["creditCode"]: StoredOrganization.model_validate(row["node"]) for row in rows}


async def organizations_by_filing_no(graph: Graph, *, numbers: Sequence[str]) -> dict[str, StoredOrganization]:
    rows = await graph.read(
        "UNWIND $numbers AS number MATCH (n:Organization {filingNo: number})"
        " RETURN " + _STORED_ORGANIZATION + " AS node",
        numbers=list(numbers),
    )
    return {row["node"]["filingNo"]: StoredOrganization.model_validate(row["node"]) for row in rows}


async def organizations_by_key(
    graph: Graph, *, keys: Sequence[str], viewer: Viewer
) -> dict[str, list[StoredOrganization]]:
    """For each key, the organizations inside the writer's reach stored with it as `sourceRecordId`, or (for
    records created without one) as their registry id."""
    rows = await graph.read(
        "UNWIND $keys AS key"
        " CALL (key) { MATCH (n:Organization {sourceRecordId: key}) RETURN n"
        " UNION MATCH (n:Organization {id: key}) WHERE n.sourceRecordId IS NULL RETURN n }"
        " MATCH (n)-[:LOCATED_IN]->(j:Jurisdiction) WITH key, n, j WHERE " + IN_REACH +
        " RETURN key, " + _STORED_ORGANIZATION + " AS node ORDER BY key, n.id",
        keys=list(keys),
        **viewer.params(),
    )
    found: dict[str, list[StoredOrganization]] = {}
    for row in rows:
        found.setdefault(str(row["key"]), []).append(StoredOrganization.model_validate(row["node"]))
    return found


async def identities(graph: Graph, *, hashes: Sequence[str], viewer: Viewer) -> dict[str, StoredIdentity]:
    """The mediators already on the roster under these identity hashes (whatever their id), and whether the
    importer may write them, by the rule of `mediator_state` (graph/roster/filing.py)."""
    rows = await graph.read(
        "UNWIND $hashes AS hash MATCH (n:Mediator {identityHash: hash})"
        " OPTIONAL MATCH (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j:Jurisdiction)"
        " WITH n, collect(" + IN_REACH + ") AS reach"
        " RETURN n {.id, .identityHash, .gender, .employment, .status,"
        " allowed: $vNational OR any(r IN reach WHERE r)} AS node",
        hashes=list(hashes),
        **viewer.params(),
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


# --- the stored state a batch replaces, read inside its write transaction ------------------------------


async def stored_organizations(graph: Graph, tx: Tx, *, ids: Sequence[str]) -> dict[str, Row]:
    """`{props, filed, guided}` of each stored organization by id: every property, and whether it is
    FILED_WITH a bureau and GUIDED_BY a court."""
    rows = await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (n:Organization {id: id})"
        " RETURN id, n {.*} AS props, EXISTS { (n)-[:FILED_WITH]->() } AS filed,"
        " EXISTS { (n)-[:GUIDED_BY]->(:Court) } AS guided",
        ids=list(ids),
    )
    return {str(row["id"]): row for row in rows}


async def stored_mediators(graph: Graph, tx: Tx, *, hashes: Sequence[str]) -> dict[str, Row]:
    """Every property of each stored mediator by identity hash (the hash itself left out, as the API does)."""
    rows = await graph.rows(
        tx,
        "UNWIND $hashes AS hash MATCH (n:Mediator {identityHash: hash}) RETURN hash, n {.*, identityHash: null} AS props",
        hashes=list(hashes),
    )
    return {str(row["hash"]): row["props"] for row in rows}


async def stored_memberships(graph: Graph, tx: Tx, *, keys: Sequence[Row]) -> dict[tuple[str, str, date], Row]:
    """The properties of each stored membership named by `{identityHash, organization, since}`."""
    rows = await graph.rows(
        tx,
        "UNWIND $keys AS key"
        " MATCH (:Mediator {identityHash: key.identityHash})-[r:MEMBER_OF]->(:Organization {id: key.organization})"
        " WHERE r.since = key.since"
        " RETURN key.identityHash AS identityHash, key.organization AS organization, key.since AS since, r {.*} AS props",
        keys=list(keys),
    )
    return {(str(row["identityHash"]), str(row["organization"]), native(row["since"])): row["props"] for row in rows}


# --- writes, each inside the caller's transaction -------------------------------------------------------


async def merge_organization_rows(graph: Graph, tx: Tx, *, rows: Sequence[Row], now: datetime) -> None:
    """Upsert organizations on their registry id, located in their division (which the id implies); a change
    bumps the version as an amendment does, and `updatedAt` is `now`.

    Edges to dense nodes (a division, a bureau, a court) are created after an existence check from the sparse
    end instead of MERGEd: a MERGE may scan the dense end's edges, which made large imports quadratic."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row"
        " MERGE (n:Organization {id: row.id})"
        " ON CREATE SET n.createdAt = $now, n.version = 1"
        " ON MATCH SET n.version = coalesce(n.version, 0) + 1"
        " SET n += row.props, n.updatedAt = $now"
        " WITH n, row WHERE NOT EXISTS { (n)-[:LOCATED_IN]->(:Jurisdiction) }"
        " MATCH (j:Jurisdiction {code: row.jurisdiction}) CREATE (n)-[:LOCATED_IN]->(j)",
        rows=list(rows),
        now=now,
    )


async def file_with_bureau(graph: Graph, tx: Tx, *, ids: Sequence[str], bureau: str, filed_at: date) -> None:
    """FILED_WITH the bureau and the next filing numbers of its year, for the FILED organizations that have no
    filing number (so none has been filed: a filing sets both in one transaction). The counter is the one
    `graph/filing.record_filing` draws from, so imports and the API never hand out the same number.

    Organizations that came with their filing number (an exported roster imported again) are FILED_WITH the
    bureau under that number and date; where the number is in the bureau's own form (`<its division>-<year>-
    <serial>`), its counter for that year moves past it."""
    await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (n:Organization {id: id}) WHERE n.status = 'FILED' AND n.filingNo IS NULL"
        " WITH collect(n) AS fresh WHERE size(fresh) > 0"
        " MATCH (b:Agency {id: $bureau})"
        " MERGE (c:FilingCounter {key: $bureau + ':' + toString($year)})"
        " ON CREATE SET c.bureau = $bureau, c.year = $year, c.value = 0"
        " WITH fresh, b, c, c.value AS base SET c.value = base + size(fresh)"
        " WITH fresh, b, base, [(b)-[:GOVERNS]->(g:Jurisdiction) | g.code][0] AS prefix"
        " UNWIND range(0, size(fresh) - 1) AS i"
        " WITH fresh[i] AS n, b,"
        " prefix + '-' + toString($year) + '-' + right('00000' + toString(base + i + 1), 6) AS filingNo"
        " CREATE (n)-[:FILED_WITH {filedAt: $filedAt, filingNo: filingNo}]->(b)"
        " SET n.filingNo = filingNo, n.filedAt = $filedAt",
        ids=list(ids),
        bureau=bureau,
        year=filed_at.year,
        filedAt=filed_at,
    )
    await graph.rows(
        tx,
        "UNWIND $ids AS id MATCH (n:Organization {id: id}) WHERE n.filingNo IS NOT NULL"
        " AND NOT EXISTS { (n)-[:FILED_WITH]->() }"
        " MATCH (b:Agency {id: $bureau})"
        " CREATE (n)-[:FILED_WITH {filedAt: n.filedAt, filingNo: n.filingNo}]->(b)"
        " WITH n, b, [(b)-[:GOVERNS]->(g:Jurisdiction) | g.code][0] AS prefix"
        " WHERE n.filingNo =~ (prefix + '-[0-9]{4}-[0-9]{1,9}')"
        " WITH b, split(n.filingNo, '-') AS parts"
        " WITH b, parts[1] AS year, max(toInteger(parts[2])) AS serial"
        " MERGE (c:FilingCounter {key: $bureau + ':' + year})"
        " ON CREATE SET c.bureau = $bureau, c.year = toInteger(year), c.value = 0"
        " SET c.value = CASE WHEN serial > c.value THEN serial ELSE c.value END",
        ids=list(ids),
        bureau=bureau,
    )


async def guide_by_courts(graph: Graph, tx: Tx, *, rows: Sequence[Row]) -> None:
    """GUIDED_BY the given court (`row.court`) for each organization that has no guiding court yet, with the
    filing notice to that court (People's Mediation Law Art 10)."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row MATCH (n:Organization {id: row.id}) WHERE NOT EXISTS { (n)-[:GUIDED_BY]->(:Court) }"
        " MATCH (court:Agency {id: row.court})"
        " CREATE (n)-[:GUIDED_BY]->(court)"
        " CREATE (:Notice {id: randomUUID(), at: $noticeAt, kind: 'FILING', filingNo: n.filingNo,"
        " organizationId: n.id})-[:NOTIFIES]->(court)",
        rows=list(rows),
        noticeAt=clock.now(),
    )


async def merge_mediator_rows(graph: Graph, tx: Tx, *, rows: Sequence[Row], now: datetime) -> None:
    """Upsert mediators on their identity hash: a person already on the roster keeps the id they have."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row"
        " MERGE (n:Mediator {identityHash: row.identityHash})"
        " ON CREATE SET n.id = row.id, n.createdAt = $now, n.version = 1"
        " ON MATCH SET n.version = coalesce(n.version, 0) + 1"
        " SET n += row.props, n.updatedAt = $now",
        rows=list(rows),
        now=now,
    )


async def merge_membership_rows(graph: Graph, tx: Tx, *, rows: Sequence[Row]) -> None:
    """Upsert memberships on (mediator, organization, since), setting `row.props` (the role, and the end
    where the row gives one)."""
    await graph.rows(
        tx,
        "UNWIND $rows AS row"
        " MATCH (m:Mediator {identityHash: row.identityHash})"
        " MATCH (o:Organization {id: row.organization})"
        " MERGE (m)-[r:MEMBER_OF {since: row.since}]->(o)"
        " SET r += row.props",
        rows=list(rows),
    )


# --- export: the sorted keys of a division's roster once, then its records page by page ----------------------

_SUBTREE = "(:Jurisdiction {code: $code})<-[:PART_OF*0..]-(j:Jurisdiction)<-[:LOCATED_IN]-(n:Organization)"


async def organization_keys_within(graph: Graph, *, code: str) -> list[Row]:
    """`{key, id}` of the organizations located in the division or below it, by key then id; the key is the
    bureau's record id, or the registry id for an organization created without one."""
    return await graph.read(
        "MATCH " + _SUBTREE + " RETURN coalesce(n.sourceRecordId, n.id) AS key, n.id AS id ORDER BY key, id",
        code=code,
    )


async def organizations_for_export(graph: Graph, *, ids: Sequence[str]) -> list[Row]:
    return await graph.read(
        "UNWIND $ids AS id MATCH (n:Organization {id: id})-[:LOCATED_IN]->(j:Jurisdiction)"
        " RETURN n.id AS id, coalesce(n.sourceRecordId, n.id) AS key, n.name AS name, n.kind AS kind,"
        " j.code AS jurisdiction, n.sectors AS sectors, n.creditCode AS creditCode, n.publicPhone AS publicPhone,"
        " n.address AS address, n.chargesFee AS chargesFee, n.status AS status, n.filingNo AS filingNo,"
        " n.filedAt AS filedAt",
        ids=list(ids),
    )


async def mediator_hashes_within(graph: Graph, *, code: str) -> list[str]:
    """The identity hashes of the mediators with a membership of an organization in the division or below it."""
    rows = await graph.read(
        "MATCH " + _SUBTREE + "<-[:MEMBER_OF]-(m:Mediator) WHERE m.identityHash IS NOT NULL"
        " WITH DISTINCT m.identityHash AS hash RETURN hash ORDER BY hash",
        code=code,
    )
    return [str(row["hash"]) for row in rows]


async def mediators_for_export(graph: Graph, *, hashes: Sequence[str]) -> list[Row]:
    return await graph.read(
        "UNWIND $hashes AS hash MATCH (m:Mediator {identityHash: hash})"
        " RETURN m.identityHash AS identityHash, m.identityMasked AS identityMasked, m.name AS name,"
        " m.gender AS gender, m.birthYear AS birthYear, m.employment AS employment, m.background AS background,"
        " m.education AS education, m.specialties AS specialties, m.languages AS languages, m.phone AS phone,"
        " m.status AS status",
        hashes=list(hashes),
    )


async def memberships_for_export(graph: Graph, *, ids: Sequence[str]) -> list[Row]:
    """The memberships of these organizations, by organization key and id, mediator hash, and since."""
    return await graph.read(
        "UNWIND $ids AS id MATCH (n:Organization {id: id})<-[r:MEMBER_OF]-(m:Mediator)"
        " RETURN coalesce(n.sourceRecordId, n.id) AS key, n.id AS id, m.identityHash AS identityHash,"
        " r.role AS role, r.since AS since, r.until AS until"
        " ORDER BY key, id, identityHash, since",
        ids=list(ids),
    )
