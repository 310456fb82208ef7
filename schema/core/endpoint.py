"""The GraphQL endpoint: Strawberry's ASGI app with the registry's schema, JSON in UTF-8, and a context per
request that carries the caller (set by `auth.middleware`) and how the caller sees the roster."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult

from auth.policy import viewer_for
from auth.principal import Principal
from logs import request_id
from resolvers import Graph, time_budget
from schema.core.build import build_schema
from schema.core.context import Context, Loaders

CONSOLE_PATH = "/console/"
"""Where the query console lives (web/console.py serves it)."""
Console = Callable[[Request], Awaitable[Response]]
"""What answers a browser at /graphql: the console's page (web/console.py), served at /graphql as well."""


class RegistryGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        graph: Graph,
        *,
        hash_key: bytes,
        introspection: bool,
        console: Console | None,
        allow_get_queries: bool,
    ) -> None:
        super().__init__(
            build_schema(introspection=introspection),
            graphql_ide="graphiql" if console is not None else None,
            allow_queries_via_get=allow_get_queries,
        )
        self.graph = graph
        self.console = console
        self.hash_key = hash_key

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Each request runs within the graph's time budget (`REGISTRY_GRAPH_TIMEOUT`), all its statements together."""
        with time_budget(self.graph.timeout):
            await super().__call__(scope, receive, send)

    async def execute_anonymously(self, document: str, variables: dict[str, Any]) -> ExecutionResult:
        """Run `document` as an anonymous caller of the API, in-process, within the graph's time budget: the web
        pages go through the same resolvers and access rules as the API, so they show no more than it does."""
        with time_budget(self.graph.timeout):
            return await self.schema.execute(document, variable_values=variables, context_value=self.context_for(None))

    def encode_json(self, data: object) -> bytes:
        """orjson: compact UTF-8, several times faster than the standard library on large pages."""
        return orjson.dumps(data)

    async def get_context(self, request: Any, response: Any) -> Context:
        return self.context_for(request.scope.get("principal"), response=response)

    async def render_graphql_ide(self, request: Any) -> Any:
        """A browser asking for /graphql gets the registry's own query console, every asset of it served here."""
        assert self.console is not None  # Strawberry renders an IDE only when `graphql_ide` is set
        return await self.console(request)

    def context_for(self, principal: Principal | None, *, response: Any = None) -> Context:
        """The context of one request by `principal` (None: an anonymous caller), as the endpoint builds it."""
        viewer = viewer_for(principal)
        return Context(
            graph=self.graph,
            request_id=request_id(),
            principal=principal,
            viewer=viewer,
            loaders=Loaders(self.graph, viewer),
            response=response,
            hash_key=self.hash_key,
        )
