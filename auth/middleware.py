"""Bearer authentication and the per-client rate limit in front of the API, as pure ASGI middleware.

A request without a token is anonymous (the public directory). A request with a token that fails
validation never reaches GraphQL: it gets 401 with an RFC 6750 challenge. A valid token puts its
`Principal` in the ASGI scope under `principal`. Each client (or, for anonymous callers, each address)
spends from its own token bucket, and so does a request whose token is refused (per address); an empty
bucket answers 429 with `Retry-After`. A refused token and an empty bucket are logged (WARNING) with the
reason and the client id or address, never the token; a valid token's client id goes on every later line.
"""

from __future__ import annotations

import logging

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from auth.ratelimit import RateLimiter, rate_limited, retry_after
from auth.tokens import TokenError, TokenValidator
from graph.core.driver import GraphError
from graph.core.health import RETRY_AFTER_SECONDS
from logs import bind

log = logging.getLogger("registry.auth")


class BearerAuthentication:
    def __init__(self, app: ASGIApp, *, validator: TokenValidator, limiter: RateLimiter) -> None:
        self.app = app
        self.validator = validator
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = f"address:{client[0] if client else 'unknown'}"
        try:
            principal = await self.validator.authenticate(Headers(scope=scope).get("authorization"))
        except TokenError as error:
            log.warning("token refused", extra={"error": error.reason.value, "reason": error.description,
                                                "client_id": error.client_id})
            if (wait := self.limiter.check(address)) is not None:  # bad tokens spend the address's bucket
                rate_limited(address, wait)
                await JSONResponse({"error": "rate_limited"}, status_code=429, headers=retry_after(wait))(scope, receive, send)
                return
            response = JSONResponse(
                {"error": error.reason.value, "error_description": error.description},
                status_code=error.status,
                headers=error.headers(),
            )
            await response(scope, receive, send)
            return
        except GraphError:
            response = JSONResponse(
                {"error": "temporarily_unavailable"}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            )
            await response(scope, receive, send)
            return
        if principal is not None:
            bind(client_id=principal.client_id)
        key = principal.client_id if principal else address
        wait = self.limiter.check(key)
        if wait is not None:
            rate_limited(key, wait)
            response = JSONResponse({"error": "rate_limited"}, status_code=429, headers=retry_after(wait))
            await response(scope, receive, send)
            return
        scope["principal"] = principal
        await self.app(scope, receive, send)
