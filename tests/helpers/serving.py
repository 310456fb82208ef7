"""An app served over HTTP with changed settings, and posting a GraphQL request to it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from app import Settings, create_app
from graph.core.driver import Graph
from tests.conftest import ISSUER


@contextlib.asynccontextmanager
async def serving(graph: Graph, settings: Settings, **changes: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app of its own, built with `changes` to the test settings."""
    app = create_app(settings.model_copy(update=changes), graph=graph)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER) as http:
        yield http


async def post(http: httpx.AsyncClient, query: str, *, token: str | None = None, **body: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await http.post("/graphql", json={"query": query, **body}, headers=headers)

