"""Keyset pagination: every item once, in order, and clear errors for bad cursors and sizes."""

from __future__ import annotations

import base64
import json

import pytest

from graph.core.driver import Graph
from tests.conftest import GraphQLClient

PAGE = """query($first: Int, $after: String, $order: Order, $direction: Direction) {
  mediators(first: $first, after: $after, orderBy: $order, direction: $direction) {
    totalCount edges { cursor node { id name updatedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def walk(gql: GraphQLClient, *, first: int, order: str, direction: str) -> list[dict[str, str]]:
    seen: list[dict[str, str]] = []
    after = None
    while True:
        body = await gql(PAGE, first=first, after=after, order=order, direction=direction)
        page = body["data"]["mediators"]
        seen += [edge["node"] for edge in page["edges"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(("order", "direction"), [("NAME", "ASC"), ("NAME", "DESC"), ("UPDATED_AT", "DESC")])
async def test_walking_all_pages_yields_every_item_once_in_order(
    demo: Graph, gql: GraphQLClient, order: str, direction: str
) -> None:
    nodes = await walk(gql, first=37, order=order, direction=direction)

    assert len(nodes) == 436
    assert len({node["id"] for node in nodes}) == 436
    key = "name" if order == "NAME" else "updatedAt"
    keys = [(node[key], node["id"]) for node in nodes]
    assert keys == sorted(keys, reverse=direction == "DESC")


async def test_the_last_page_is_short_and_has_no_next(demo: Graph, gql: GraphQLClient) -> None:
    first = await gql(PAGE, first=100, order="NAME", direction="ASC")
    cursor = first["data"]["mediators"]["edges"][-1]["cursor"]
    for _ in range(3):
        body = await gql(PAGE, first=100, after=cursor, order="NAME", direction="ASC")
        cursor = body["data"]["mediators"]["pageInfo"]["endCursor"]

    last = await gql(PAGE, first=100, after=cursor, order="NAME", direction="ASC")

    page = last["data"]["mediators"]
    assert len(page["edges"]) == 436 - 400
    assert page["pageInfo"]["hasNextPage"] is False
    assert page["totalCount"] == 436


async def test_an_empty_graph_gives_an_empty_page(graph: Graph, gql: GraphQLClient) -> None:
    body = await gql(PAGE, order="NAME", direction="ASC")

    assert body["data"]["mediators"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None},
    }


async def test_after_the_last_item_nothing_follows(demo: Graph, gql: GraphQLClient) -> None:
    everything = await gql(PAGE, first=100, order="NAME", direction="DESC")
    smallest = everything["data"]["mediators"]["edges"][-1]["cursor"]
    body = await gql(PAGE, first=100, order="NAME", direction="DESC")
    nodes = body["data"]["mediators"]["edges"]
    assert nodes

    tail = await gql(PAGE, first=5, after=smallest, order="NAME", direction="DESC")

    assert len(tail["data"]["mediators"]["edges"]) == 5


async def test_first_zero_gives_only_the_count(demo: Graph, gql: GraphQLClient) -> None:
    body = await gql(PAGE, first=0, order="NAME", direction="ASC")

    assert body["data"]["mediators"]["edges"] == []
    assert body["data"]["mediators"]["pageInfo"]["hasNextPage"] is True
    assert body["data"]["mediators"]["totalCount"] == 436


def forged(payload: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


ANOTHER_ORDERING = "The cursor belongs to another ordering; start again without `after`."

@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"first": 10000}, "first", "`first` must be between 0 and 100."),
        ({"first": -1}, "first", "`first` must be between 0 and 100."),
        ({"after": "not a cursor"}, "after", "The cursor is not one this API issued."),
        ({"after": forged({"x": 1})}, "after", "The cursor is not one this API issued."),
        ({"after": forged(["UPDATED_AT", 1767225600000, "x"])}, "after", ANOTHER_ORDERING),
        ({"after": forged(["NAME", 42, "x"])}, "after", ANOTHER_ORDERING),
    ],
)
async def test_bad_page_arguments_are_clear_errors(
    demo: Graph, gql: GraphQLClient, variables: dict[str, object], field: str, message: str
) -> None:
    body = await gql(PAGE, order="NAME", direction="ASC", **variables)

    assert body["data"] is None
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (message, {"code": "BAD_USER_INPUT", "field": field})
    ]
    assert demo.round_trips.count == 0
