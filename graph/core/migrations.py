"""Versioned, idempotent schema migrations, recorded in the graph as (:Migration) nodes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from graph.grades.assessment import ASSESSMENT_STATEMENTS
from graph.audit.trail import AUDIT_STATEMENTS
from graph.courts.case import CASE_STATEMENTS
from graph.core.driver import Graph
from graph.core.idempotency import IDEMPOTENCY_STATEMENTS
from graph.courts.invitation import INVITATION_STATEMENTS
from graph.access.oauth import OAUTH_STATEMENTS
from graph.partners.registration import REGISTRATION_STATEMENTS


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

    Migration(3, "oauth: clients and revoked tokens", OAUTH_STATEMENTS),
    Migration(
        4,
        "filing: idempotency keys and filing counters",
        (
            *IDEMPOTENCY_STATEMENTS,
            "CREATE CONSTRAINT filing_counter IF NOT EXISTS FOR (n:FilingCounter) REQUIRE n.key IS UNIQUE",
            "CREATE INDEX notice_organization IF NOT EXISTS FOR (n:Notice) ON (n.organizationId)",
        ),
    ),
    Migration(5, "audit: hash-chained events", AUDIT_STATEMENTS),
    Migration(6, "invitations: published list versions", INVITATION_STATEMENTS),
    Migration(7, "registrations: the bureau's queue and bulk batches", REGISTRATION_STATEMENTS),
    Migration(8, "cases: unique case numbers through their keys", CASE_STATEMENTS),
    Migration(9, "grades: assessments and open-assessment slots", ASSESSMENT_STATEMENTS),
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
)

LATEST = MIGRATIONS[-1].version


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
    return applied


async def is_migrated(graph: Graph) -> bool:
    return LATEST in await applied_versions(graph)
