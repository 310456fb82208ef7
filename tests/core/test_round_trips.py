"""No N+1: nested fields cost a fixed number of statements, whatever the page size."""

from __future__ import annotations

import pytest

from graph.core.driver import Graph
from seed.demo import PLATFORM_ADMIN
from tests.conftest import AsAgency, GraphQLClient

THREE_LEVELS = """
query($first: Int) {
  mediators(first: $first) {
    totalCount
    edges { node { name
      memberships { role organization { name kind jurisdiction { code path { code name } } } }
    } }
  }
}"""


@pytest.mark.parametrize("first", [10, 100])
async def test_a_three_level_query_costs_at_most_five_round_trips(
    demo: Graph, gql: GraphQLClient, first: int
) -> None:
    body = await gql(THREE_LEVELS, first=first)

    assert "errors" not in body
    edges = body["data"]["mediators"]["edges"]
    assert len(edges) == first
    assert all(edge["node"]["memberships"][0]["organization"]["jurisdiction"]["path"] for edge in edges)
    # the page is a window of an index (two statements in one transaction), the count one, each level one
    assert demo.round_trips.count <= 5


async def test_round_trips_do_not_grow_with_the_page(demo: Graph, gql: GraphQLClient) -> None:
    await gql(THREE_LEVELS, first=5)
    small = demo.round_trips.count
    demo.round_trips.count = 0

    await gql(THREE_LEVELS, first=100)

    assert demo.round_trips.count == small


async def test_organization_members_with_credentials_and_training_are_batched(
    demo: Graph, as_agency: AsAgency
) -> None:
    admin = await as_agency(PLATFORM_ADMIN, "roster:read")
    demo.round_trips.count = 0

    body = await admin(
        """{ organizations(first: 100) { edges { node { name
              members { role mediator { name credentials { level } trainings { hours } } } } } } }"""
    )

    assert "errors" not in body
    assert len(body["data"]["organizations"]["edges"]) == 93
    # the token's revocation check, organizations (a window of an index: two statements in one transaction),
    # their members, the members' credentials and training
    assert demo.round_trips.count == 6
