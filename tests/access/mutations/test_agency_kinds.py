"""The agency kinds of every write (issue 13): one table beside the scopes (`auth.scopes.AGENCY_KINDS`), read by
the schema (one check before the resolver), the roster import route and these tests. Every mutation of the
schema has an entry; every kind outside an entry gets the typed refusal and writes nothing; every kind inside
gets past it. Runs on the demo data loaded once, like tests/access/mutations/test_mutation_access.py.
"""

from __future__ import annotations

from typing import Any

import pytest
import strawberry

from auth.scopes import AGENCY_KINDS, ROSTER_IMPORT, kinds_refusal
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind
from schema.core.kinds import MissingAgencyKinds, guard_kinds
from tests.conftest import AsAgency
from tests.helpers.mutations import (
    AGENCY_OF_KIND,
    MUTATION,
    MUTATIONS,
    graph_size,
    operation,
    required_scope,
)

REFUSED = [(name, kind) for name in MUTATIONS for kind in AgencyKind if kind not in AGENCY_KINDS.get(name, ())]
ALLOWED = [(name, kind) for name in MUTATIONS for kind in AGENCY_KINDS.get(name, ())]


async def run_as(as_agency: AsAgency, name: str, kind: AgencyKind) -> dict[str, Any]:
    """`name` with dummy arguments, by a demo agency of `kind` holding the mutation's scope, reading the problem."""
    scope = required_scope(MUTATION.fields[name])
    assert scope is not None
    caller = await as_agency(AGENCY_OF_KIND[kind], scope.value)
    query, variables = operation(name)
    return await caller(query.replace("{ __typename }", "{ __typename ... on Problem { code field message } }"), **variables)


def test_every_mutation_and_only_those_have_agency_kinds() -> None:
    assert [name for name in MUTATIONS if name not in AGENCY_KINDS] == []
    assert sorted(set(AGENCY_KINDS) - set(MUTATIONS) - {ROSTER_IMPORT}) == []
    assert all(AGENCY_KINDS[name] for name in AGENCY_KINDS)
    assert len(REFUSED) >= 80 and ("fileOrganization", AgencyKind.COURT) in REFUSED


def test_a_mutation_without_agency_kinds_stops_the_schema() -> None:
    @strawberry.type(description="A mutation nobody declared kinds for.")
    class Unlisted:
        undeclared_write: bool = strawberry.field(description="Not in the table.")

    with pytest.raises(MissingAgencyKinds, match="undeclaredWrite"):
        guard_kinds(Unlisted)


@pytest.mark.parametrize(("name", "kind"), [pytest.param(name, kind, id=f"{name}-{kind.value}") for name, kind in REFUSED])
async def test_a_kind_outside_the_entry_is_refused_without_a_write(
    demo: Graph, as_agency: AsAgency, name: str, kind: AgencyKind
) -> None:
    before = await graph_size(demo)

    body = await run_as(as_agency, name, kind)

    assert "errors" not in body, body
    assert body["data"][name] == {
        "__typename": "ForbiddenByAgencyProblem", "code": "FORBIDDEN_BY_AGENCY", "field": None,
        "message": kinds_refusal(AGENCY_KINDS[name]),
    }
    assert await graph_size(demo) == before


@pytest.mark.parametrize(("name", "kind"), [pytest.param(name, kind, id=f"{name}-{kind.value}") for name, kind in ALLOWED])
async def test_a_kind_inside_the_entry_gets_past_the_check(
    demo: Graph, as_agency: AsAgency, name: str, kind: AgencyKind
) -> None:
    """The control: the same operation (dummy ids, so nothing it names exists) is answered by the resolver."""
    body = await run_as(as_agency, name, kind)

    assert "errors" not in body, body
    assert body["data"][name].get("message") != kinds_refusal(AGENCY_KINDS[name]), body
