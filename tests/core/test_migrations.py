"""Migrations: versioned, recorded in the graph, idempotent, and the constraints they create hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.core.driver import Graph, UniquenessViolation
from graph.core.migrations import (
    LATEST,
    MIGRATIONS,
    SNAPSHOT,
    applied_versions,
    apply_migrations,
    is_migrated,
    schema_snapshot,
)

ROOT = Path(__file__).resolve().parents[2]


async def test_migrations_are_recorded_with_their_versions(graph: Graph) -> None:
    assert await applied_versions(graph) == {migration.version for migration in MIGRATIONS}
    assert await is_migrated(graph)


async def test_running_migrations_again_changes_nothing(graph: Graph) -> None:
    before = await graph.read("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name")
    indexes = await graph.read("SHOW INDEXES YIELD name RETURN name ORDER BY name")

    applied = await apply_migrations(graph)

    assert applied == []
    assert await graph.read("SHOW CONSTRAINTS YIELD name RETURN name ORDER BY name") == before
    assert await graph.read("SHOW INDEXES YIELD name RETURN name ORDER BY name") == indexes
    assert await graph.read("MATCH (m:Migration) RETURN count(m) AS n") == [{"n": LATEST}]


async def test_a_missing_migration_is_applied_and_recorded(graph: Graph) -> None:
    await graph.write("MATCH (m:Migration {version: $version}) DELETE m", version=LATEST)

    applied = await apply_migrations(graph)

    assert applied == [LATEST]
    assert LATEST in await applied_versions(graph)


async def test_migration_10_merges_the_import_counters_into_the_api_counters(graph: Graph) -> None:
    """Imports once kept their own counter per bureau and year; the merged one continues after the higher."""
    await graph.write(
        "CREATE (:FilingCounter {bureau: 'b1', year: 2026, value: 3}),"
        " (:FilingCounter {key: 'b1:2026', bureau: 'b1', year: 2026, value: 2}),"
        " (:FilingCounter {bureau: 'b2', year: 2026, value: 4})"
    )
    await graph.write("MATCH (m:Migration {version: 10}) DELETE m")

    applied = await apply_migrations(graph)

    rows = await graph.read("MATCH (c:FilingCounter) RETURN c.key AS key, c.value AS value ORDER BY key")
    assert applied == [10]
    assert rows == [{"key": "b1:2026", "value": 3}, {"key": "b2:2026", "value": 4}]


@pytest.mark.parametrize(
    ("label", "key"),
    [("Organization", "id"), ("Mediator", "id"), ("Mediator", "identityHash"), ("Jurisdiction", "code")],
)
async def test_natural_keys_are_unique(graph: Graph, label: str, key: str) -> None:
    create = {
        ("Organization", "id"): "CREATE (:Organization {id: $value})",
        ("Mediator", "id"): "CREATE (:Mediator {id: $value})",
        ("Mediator", "identityHash"): "CREATE (:Mediator {identityHash: $value})",
        ("Jurisdiction", "code"): "CREATE (:Jurisdiction {code: $value})",
    }[(label, key)]
    await graph.write(create, value="same")

    with pytest.raises(UniquenessViolation):
        await graph.write(create, value="same")
    assert await graph.read("MATCH (n) WHERE NOT n:Migration RETURN count(n) AS n") == [{"n": 1}]


async def test_an_agency_id_is_unique_across_agency_kinds(graph: Graph) -> None:
    await graph.write("CREATE (:Agency:Court {id: 'a1', name: 'A'})")

    with pytest.raises(UniquenessViolation):
        await graph.write("CREATE (:Agency:PartnerAgency {id: 'a1', name: 'B'})")


async def test_the_committed_schema_snapshot_is_what_the_migrations_make(graph: Graph) -> None:
    """Like schema.graphql for the API: a constraint or index changed outside a new migration shows here."""
    snapshot = await schema_snapshot(graph)

    assert snapshot == (ROOT / SNAPSHOT).read_text(encoding="utf-8"), (
        f"regenerate {SNAPSHOT} (`mediation-registry migrate --snapshot {SNAPSHOT}`) in a new migration's commit"
    )


def test_migration_statements_are_written_in_their_version() -> None:
    """Frozen migrations: no version borrows a live constant from a domain module."""
    source = (ROOT / "graph" / "core" / "migrations.py").read_text(encoding="utf-8")

    assert "_STATEMENTS" not in source
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
