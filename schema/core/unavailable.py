"""Outside GraphQL too (OAuth, uploads, published lists), a graph that does not answer is 503 with `Retry-After`."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from logs import HTTPMiddleware
from resolvers import RETRY_AFTER_SECONDS, GraphUnavailable


class GraphUnavailableResponse(HTTPMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except GraphUnavailable:
            if started:
                raise
            response = JSONResponse(
                {"error": "temporarily_unavailable", "error_description": "The graph is unavailable; retry later."},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            await response(scope, receive, send)
