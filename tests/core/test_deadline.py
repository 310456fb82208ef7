"""Issue 11: a read over its time budget is abandoned and the caller gets a typed TIMEOUT error, at once."""

from __future__ import annotations

import time

import httpx
import pytest

from app import Settings, create_app
from graph.core.driver import Graph, GraphTimeout, time_budget
from tests.conftest import ISSUER

SLOW = "UNWIND range(1, 1000000) AS x UNWIND range(1, 3) AS y RETURN count(x + y) AS n"


async def test_bulk_work_outside_a_request_has_no_budget(graph: Graph) -> None:
    assert await Graph(graph.driver, graph.database, timeout=0.3).read(SLOW) == [{"n": 3000000}]


async def test_a_statement_past_the_budget_is_abandoned_with_a_timeout(graph: Graph) -> None:
    started = time.perf_counter()

    with time_budget(0.3), pytest.raises(GraphTimeout, match="time budget"):
        await graph.read(SLOW)

    assert time.perf_counter() - started < 5
    assert await graph.read("RETURN 1 AS ok") == [{"ok": 1}]


async def test_graphql_answers_a_timeout_with_its_code_not_data(demo: Graph, settings: Settings) -> None:
    budget = Graph(demo.driver, demo.database, timeout=0.0001)
    app = create_app(settings, graph=budget)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER) as http:
        response = await http.post("/graphql", json={"query": "{ organizations(first: 5) { nodes { name } } }"})

    body = response.json()
    assert response.status_code == 200
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["TIMEOUT"]
    assert body["errors"][0]["message"].startswith("The request ran past its time budget")
