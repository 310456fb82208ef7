"""The public directory queries over the demo data set."""

from __future__ import annotations

from graph.driver import Graph
from tests.conftest import GraphQLClient


async def test_organizations_in_a_county_are_listed_by_name(demo: Graph, gql: GraphQLClient) -> None:
    body = await gql(
        """query($code: String!) { organizations(filter: {jurisdiction: $code}, first: 100) {
            totalCount edges { cursor node { name kind jurisdiction { code path { code } } } } } }""",
        code="510107",
    )
    print(body)
    assert "errors" not in body
