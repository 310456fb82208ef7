"""The lint gate itself (tests/cypher_lint.py): what Neo4j would reject, deprecates or cannot know fails it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cypher_lint import MODE, MODULES, PACKAGE, lint

WRITES = "CREATE (m:Mediator {id: $id, name: $name})-[:MEMBER_OF]->(:Organization {id: $org})"


def statements(*texts: str) -> dict[str, dict[str, Any]]:
    return {text: {"source": "sent by this test", "parameters": ["id", "name", "org", "props"]} for text in texts}


@pytest.fixture(autouse=True)
def installed() -> None:
    if not (MODULES / PACKAGE).is_dir() and MODE != "required":
        pytest.skip(f"{PACKAGE} is not installed in {MODULES} (see .ci/run)")


def test_statements_within_the_vocabulary_pass() -> None:
    outcome = lint(statements(WRITES, "MATCH (m:Mediator {id: $id})-[:MEMBER_OF]->(o) RETURN m.name AS name, o.id AS org"),
                   set(), partial=False)

    assert not outcome.failed, outcome.lines


@pytest.mark.parametrize(
    ("read", "complaint"),
    [
        ("MATCH (m:Mediatr {id: $id}) RETURN m.id AS id", "Label Mediatr is not present in the database"),
        ("MATCH (m:Mediator {id: $id})-[:MEMBER]->(o) RETURN o.id AS id", "Relationship type MEMBER is not present"),
        ("MATCH (m:Mediator {id: $id}) RETURN m.nmae AS name", "nmae is not present in the database"),
        ("MATCH (m:Mediator) CALL { WITH m RETURN m.name AS n } RETURN n", "CALL subquery without a variable scope"),
        ("MATCH (m:Mediator) WHERE id(m) = 1 RETURN m.name AS n", "The query used a deprecated function"),
        ("MATCH (m:Mediator {id: $other}) RETURN m.name AS n", "Parameter $other is not defined"),
        ("MATCH (m:Mediator {id: $id}) RETURN m.name AS n ORDER", "Invalid input"),
    ],
)
def test_a_misspelling_a_deprecation_or_an_error_fails_the_gate(read: str, complaint: str) -> None:
    outcome = lint(statements(WRITES, read), set(), partial=False)

    assert outcome.failed
    assert any(complaint in line for line in outcome.lines), outcome.lines


def test_keys_of_map_parameters_are_properties() -> None:
    written = "MATCH (m:Mediator {id: $id}) SET m += $props"
    outcome = lint(statements(WRITES, written, "MATCH (m:Mediator {id: $id}) RETURN m.phone AS phone"), {"phone"},
                   partial=False)

    assert not outcome.failed, outcome.lines
