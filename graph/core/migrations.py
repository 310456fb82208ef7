"""Versioned, idempotent schema migrations, recorded in the graph as (:Migration) nodes.

Migrations are frozen: each version writes out its own statements and is never edited once released,
so a database migrated step by step ends with the same constraints and indexes as a new one. A change
to the graph's schema is a new version at the end. `graph-schema.txt` at the repository root is the
snapshot of what the migrations make; a test fails when the two drift apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import LiteralString

from graph.core.driver import Graph, Row

log = logging.getLogger("registry.graph")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[LiteralString, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "directory: identities and natural keys",
        (
            "CREATE CONSTRAINT migration_version IF NOT EXISTS FOR (n:Migration) REQUIRE n.version IS UNIQUE",
            "CREATE CONSTRAINT jurisdiction_id IF NOT EXISTS FOR (n:Jurisdiction) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT jurisdiction_code IF NOT EXISTS FOR (n:Jurisdiction) REQUIRE n.code IS UNIQUE",
            "CREATE CONSTRAINT agency_id IF NOT EXISTS FOR (n:Agency) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT agency_name IF NOT EXISTS FOR (n:Agency) REQUIRE n.name IS UNIQUE",
            "CREATE CONSTRAINT organization_id IF NOT EXISTS FOR (n:Organization) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT organization_credit_code IF NOT EXISTS FOR (n:Organization) REQUIRE n.creditCode IS UNIQUE",
            "CREATE CONSTRAINT mediator_id IF NOT EXISTS FOR (n:Mediator) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT mediator_identity IF NOT EXISTS FOR (n:Mediator) REQUIRE n.identityHash IS UNIQUE",
            "CREATE CONSTRAINT credential_id IF NOT EXISTS FOR (n:Credential) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT training_id IF NOT EXISTS FOR (n:Training) REQUIRE n.id IS UNIQUE",
        ),
    ),
    Migration(
        2,
        "directory: search and sort indexes",
        (
            "CREATE INDEX organization_name IF NOT EXISTS FOR (n:Organization) ON (n.name)",
            "CREATE INDEX organization_updated IF NOT EXISTS FOR (n:Organization) ON (n.updatedAt)",
            "CREATE INDEX organization_source IF NOT EXISTS FOR (n:Organization) ON (n.sourceRecordId)",
            "CREATE INDEX mediator_name IF NOT EXISTS FOR (n:Mediator) ON (n.name)",
            "CREATE INDEX mediator_updated IF NOT EXISTS FOR (n:Mediator) ON (n.updatedAt)",
            "CREATE INDEX mediator_source IF NOT EXISTS FOR (n:Mediator) ON (n.sourceRecordId)",
            "CREATE INDEX jurisdiction_level IF NOT EXISTS FOR (n:Jurisdiction) ON (n.level)",
        ),
    ),

    Migration(
        3,
        "oauth: clients and revoked tokens",
        (
            "CREATE CONSTRAINT oauth_client_id IF NOT EXISTS FOR (n:OAuthClient) REQUIRE n.clientId IS UNIQUE",
            "CREATE CONSTRAINT revoked_token_jti IF NOT EXISTS FOR (n:RevokedToken) REQUIRE n.jti IS UNIQUE",
            "CREATE INDEX revoked_token_expires IF NOT EXISTS FOR (n:RevokedToken) ON (n.expiresAt)",
        ),
    ),
    Migration(
        4,
        "filing: idempotency keys and filing counters",
        (
            "CREATE CONSTRAINT idempotency_key IF NOT EXISTS FOR (n:IdempotencyKey) REQUIRE n.scopedKey IS UNIQUE",
            "CREATE CONSTRAINT filing_counter IF NOT EXISTS FOR (n:FilingCounter) REQUIRE n.key IS UNIQUE",
            "CREATE INDEX notice_organization IF NOT EXISTS FOR (n:Notice) ON (n.organizationId)",
        ),
    ),
    Migration(
        5,
        "audit: hash-chained events",
        (
            "CREATE CONSTRAINT audit_event_id IF NOT EXISTS FOR (n:AuditEvent) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT audit_event_seq IF NOT EXISTS FOR (n:AuditEvent) REQUIRE (n.entityId, n.seq) IS UNIQUE",
            "CREATE INDEX audit_event_entity IF NOT EXISTS FOR (n:AuditEvent) ON (n.entityId)",
        ),
    ),
    Migration(
        6,
        "invitations: published list versions",
        (
            "CREATE CONSTRAINT invited_list_version IF NOT EXISTS FOR (n:InvitedListVersion) REQUIRE n.key IS UNIQUE",
        ),
    ),
    Migration(
        7,
        "registrations: the bureau's queue and bulk batches",
        (
            "CREATE INDEX organization_registration IF NOT EXISTS FOR (n:Organization) ON (n.registrationStatus)",
            "CREATE INDEX mediator_registration IF NOT EXISTS FOR (n:Mediator) ON (n.registrationStatus)",
            "CREATE INDEX mediator_registration_batch IF NOT EXISTS FOR (n:Mediator) ON (n.registrationBatch)",
        ),
    ),
    Migration(
        8,
        "cases: unique case numbers through their keys",
        (
            "CREATE CONSTRAINT case_key IF NOT EXISTS FOR (n:CaseKey) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT case_key_case IF NOT EXISTS FOR (n:CaseKey) REQUIRE n.caseId IS UNIQUE",
        ),
    ),
    Migration(
        9,
        "grades: assessments and open-assessment slots",
        (
            "CREATE CONSTRAINT grade_assessment_id IF NOT EXISTS FOR (n:GradeAssessment) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT grade_slot_mediator IF NOT EXISTS FOR (n:GradeSlot) REQUIRE n.mediatorId IS UNIQUE",
            "CREATE INDEX grade_assessment_status IF NOT EXISTS FOR (n:GradeAssessment) ON (n.status)",
        ),
    ),
    Migration(
        10,
        "filing: one counter per bureau and year for imports and the API",
        (
            "MATCH (old:FilingCounter) WHERE old.key IS NULL"
            " MERGE (c:FilingCounter {key: old.bureau + ':' + toString(old.year)})"
            " ON CREATE SET c.bureau = old.bureau, c.year = old.year, c.value = 0"
            " SET c.value = CASE WHEN old.value > c.value THEN old.value ELSE c.value END"
            " DELETE old",
        ),
    ),
    Migration(
        11,
        "directory: subtree keys on organizations and membership listings, so reads follow their answer",
        (
            "CREATE INDEX organization_name_key IF NOT EXISTS FOR (n:Organization) ON (n.nameKey)",
            "CREATE INDEX organization_in_province IF NOT EXISTS FOR (n:Organization) ON (n.inProvince)",
            "CREATE INDEX organization_in_city IF NOT EXISTS FOR (n:Organization) ON (n.inCity)",
            "CREATE INDEX organization_in_county IF NOT EXISTS FOR (n:Organization) ON (n.inCounty)",
            "CREATE INDEX organization_in_township IF NOT EXISTS FOR (n:Organization) ON (n.inTownship)",
            "CREATE INDEX organization_in_village IF NOT EXISTS FOR (n:Organization) ON (n.inVillage)",
            "CREATE INDEX mediator_name_key IF NOT EXISTS FOR (n:Mediator) ON (n.nameKey)",
            "CREATE INDEX listing_mediator IF NOT EXISTS FOR (n:Listing) ON (n.mediator)",
            "CREATE INDEX listing_organization IF NOT EXISTS FOR (n:Listing) ON (n.organization)",
            "CREATE INDEX listing_in_province IF NOT EXISTS FOR (n:Listing) ON (n.inProvince)",
            "CREATE INDEX listing_in_city IF NOT EXISTS FOR (n:Listing) ON (n.inCity)",
            "CREATE INDEX listing_in_county IF NOT EXISTS FOR (n:Listing) ON (n.inCounty)",
            "CREATE INDEX listing_in_township IF NOT EXISTS FOR (n:Listing) ON (n.inTownship)",
            "CREATE INDEX listing_in_village IF NOT EXISTS FOR (n:Listing) ON (n.inVillage)",
            # the keys of what is already there (separator U+0001, as graph/directory/listing.py writes them)
            "MATCH (o:Organization)"
            " OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(a:Jurisdiction)"
            " WITH o, collect(a) AS up"
            " SET o.nameKey = o.name + '\u0001' + o.id,"
            " o.inProvince = [a IN up WHERE a.level = 'PROVINCE' | a.code + '\u0001' + o.name + '\u0001' + o.id][0],"
            " o.inCity = [a IN up WHERE a.level = 'CITY' | a.code + '\u0001' + o.name + '\u0001' + o.id][0],"
            " o.inCounty = [a IN up WHERE a.level = 'COUNTY' | a.code + '\u0001' + o.name + '\u0001' + o.id][0],"
            " o.inTownship = [a IN up WHERE a.level = 'TOWNSHIP' | a.code + '\u0001' + o.name + '\u0001' + o.id][0],"
            " o.inVillage = [a IN up WHERE a.level = 'VILLAGE' | a.code + '\u0001' + o.name + '\u0001' + o.id][0]",
            "MATCH (m:Mediator) SET m.nameKey = m.name + '\u0001' + m.id",
            "MATCH (m:Mediator)-[r:MEMBER_OF]->(o:Organization)"
            " OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(a:Jurisdiction)"
            " WITH m, r, o, collect(a) AS up"
            " CREATE (:Listing {mediator: m.id, organization: o.id, since: r.since, until: r.until,"
            " inProvince: [a IN up WHERE a.level = 'PROVINCE' | a.code + '\u0001' + m.name + '\u0001' + m.id][0],"
            " inCity: [a IN up WHERE a.level = 'CITY' | a.code + '\u0001' + m.name + '\u0001' + m.id][0],"
            " inCounty: [a IN up WHERE a.level = 'COUNTY' | a.code + '\u0001' + m.name + '\u0001' + m.id][0],"
            " inTownship: [a IN up WHERE a.level = 'TOWNSHIP' | a.code + '\u0001' + m.name + '\u0001' + m.id][0],"
            " inVillage: [a IN up WHERE a.level = 'VILLAGE' | a.code + '\u0001' + m.name + '\u0001' + m.id][0]})",
        ),
    ),
    Migration(
        12,
        "reports: one rollup per province, city and county, computed ahead",
        ("CREATE CONSTRAINT report_rollup_code IF NOT EXISTS FOR (n:ReportRollup) REQUIRE n.code IS UNIQUE",),
    ),
    Migration(
        13,
        "audit: chain heads, so that a missing tail shows, and signed checkpoints",
        (
            "CREATE CONSTRAINT audit_head_entity IF NOT EXISTS FOR (n:AuditHead) REQUIRE n.entityId IS UNIQUE",
            "CREATE CONSTRAINT audit_checkpoint_seq IF NOT EXISTS FOR (n:AuditCheckpoint) REQUIRE n.seq IS UNIQUE",
            # the heads of the chains already there: their newest events as they stand now
            "MATCH (ev:AuditEvent)"
            " WITH ev.entityId AS entityId, max(ev.seq) AS seq"
            " MATCH (last:AuditEvent {entityId: entityId, seq: seq})"
            " WHERE NOT EXISTS { MATCH (:AuditHead {entityId: entityId}) }"
            " CREATE (:AuditHead {entityId: entityId, entityKind: last.entityKind, seq: seq, hash: last.hash,"
            " at: last.at})",
        ),
    ),
    Migration(
        14,
        "roster: membership requests across bureaus, one pending request per mediator and organization",
        (
            "CREATE CONSTRAINT membership_request_id IF NOT EXISTS FOR (n:MembershipRequest) REQUIRE n.id IS UNIQUE",
            "CREATE CONSTRAINT membership_request_pending IF NOT EXISTS"
            " FOR (n:MembershipRequest) REQUIRE n.pendingKey IS UNIQUE",
            "CREATE INDEX membership_request_state IF NOT EXISTS FOR (n:MembershipRequest) ON (n.state)",
        ),
    ),
    Migration(
        15,
        "agencies, notices and list versions: an id index for each kind of agency, so that a lookup written with the kind's label"
        " seeks rather than scans every court (the Agency constraint serves only `(:Agency {id})`)",
        (
            "CREATE INDEX court_id IF NOT EXISTS FOR (n:Court) ON (n.id)",
            "CREATE INDEX judicial_bureau_id IF NOT EXISTS FOR (n:JudicialBureau) ON (n.id)",
            "CREATE INDEX partner_agency_id IF NOT EXISTS FOR (n:PartnerAgency) ON (n.id)",
            "CREATE INDEX platform_admin_id IF NOT EXISTS FOR (n:PlatformAdmin) ON (n.id)",
            "CREATE INDEX notice_id IF NOT EXISTS FOR (n:Notice) ON (n.id)",
            "CREATE INDEX invited_list_version_id IF NOT EXISTS FOR (n:InvitedListVersion) ON (n.id)",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version
SNAPSHOT = "graph-schema.txt"


def migration(version: int) -> Migration:
    return next(m for m in MIGRATIONS if m.version == version)


async def applied_versions(graph: Graph) -> set[int]:
    rows = await graph.read("MATCH (m:Migration) RETURN m.version AS version")
    return {int(row["version"]) for row in rows}


async def apply_migrations(graph: Graph) -> list[int]:
    """Apply what is missing, in order; return the versions applied now (empty when up to date)."""
    done = await applied_versions(graph)
    applied: list[int] = []
    for migration in MIGRATIONS:
        if migration.version in done:
            continue
        for statement in migration.statements:
            await graph.write(statement)
        await graph.write(
            "MERGE (m:Migration {version: $version}) ON CREATE SET m.name = $name, m.appliedAt = datetime()",
            version=migration.version,
            name=migration.name,
        )
        applied.append(migration.version)
        log.info("migration applied", extra={"version": migration.version, "migration": migration.name})
    return applied


async def is_migrated(graph: Graph) -> bool:
    return LATEST in await applied_versions(graph)


async def schema_snapshot(graph: Graph) -> str:
    """The graph's constraints and indexes, one sorted line each: what `graph-schema.txt` records."""
    constraints = await graph.read(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties"
    )
    indexes = await graph.read(
        "SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties"
    )
    def target(row: Row) -> str:
        labels = ",".join(str(label) for label in row["labelsOrTypes"] or [])
        properties = ",".join(str(key) for key in row["properties"] or [])
        return f"{labels} ({properties})"

    backed = {target(row) for row in constraints}
    # every engine backs a uniqueness constraint with an index of its own naming: the constraint stands for it
    lines = {f"constraint {row['name']} {row['type']} {target(row)}" for row in constraints} | {
        f"index {row['name']} {row['type']} {target(row)}" for row in indexes if target(row) not in backed
    }
    return "".join(f"{line}\n" for line in sorted(lines))
