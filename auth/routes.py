"""The Starlette side of the authorization server: async routes that load, then hand over to Authlib.

Each POST reads its form, loads the clients it names (one graph read) and, for introspection and
revocation, the presented token's state (one more), and only then runs Authlib, in a worker thread
because client secrets are checked with scrypt. Revocation writes its deny-list entry afterwards.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from authlib.oauth2.rfc6749 import InsecureTransportError, InvalidClientError, OAuth2Error
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from joserfc import jws
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.assertion import ASSERTION_ALGORITHMS
from auth.clients import load_clients
from auth.config import AuthConfig
from auth.keys import KeyStore
from auth.ratelimit import RateLimiter, rate_limited, retry_after
from auth.scopes import Scope
from auth.server import (
    AUTH_METHODS,
    INTROSPECTION_PATH,
    JWKS_PATH,
    METADATA_PATH,
    REVOCATION_PATH,
    TOKEN_PATH,
    IssuedToken,
    RegistryAuthorizationServer,
    RegistryRequest,
)
from auth.tokens import TokenError, TokenValidator
from graph.access.oauth import revoke_token_id, token_refusal
from graph.core.driver import Graph, GraphError
from graph.core.health import RETRY_AFTER_SECONDS

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_CLIENT_ID = 200

log = logging.getLogger("registry.auth")


class OAuthRoutes:
    def __init__(
        self, *, config: AuthConfig, graph: Graph, keys: KeyStore, validator: TokenValidator, limiter: RateLimiter
    ) -> None:
        self.config = config
        self.graph = graph
        self.keys = keys
        self.validator = validator
        self.limiter = limiter
        self.server = RegistryAuthorizationServer(config=config, keys=keys)

    def routes(self) -> list[Route]:
        return [
            Route(TOKEN_PATH, self.token, methods=["POST"]),
            Route(INTROSPECTION_PATH, self.introspect, methods=["POST"]),
            Route(REVOCATION_PATH, self.revoke, methods=["POST"]),
            Route(METADATA_PATH, self.metadata, methods=["GET"]),
            Route(JWKS_PATH, self.jwks, methods=["GET"]),
        ]

    async def token(self, request: Request) -> Response:
        return await self._handle(request, self.server.create_token_response, with_token=False)

    async def introspect(self, request: Request) -> Response:
        return await self._handle(request, self._endpoint("introspection"), with_token=True)

    async def revoke(self, request: Request) -> Response:
        return await self._handle(request, self._endpoint("revocation"), with_token=True)

    async def metadata(self, request: Request) -> Response:
        return JSONResponse(metadata(self.config), headers=NO_STORE)

    async def jwks(self, request: Request) -> Response:
        return JSONResponse(self.keys.jwks(), headers=NO_STORE)

    def _endpoint(self, name: str) -> Callable[[RegistryRequest], Response]:
        return lambda oauth_request: self.server.create_endpoint_response(name, oauth_request)

    async def _handle(
        self, request: Request, run: Callable[[RegistryRequest], Response], *, with_token: bool
    ) -> Response:
        try:
            form = await _form(request)
            claimed = _claimed_client_ids(request, form)
        except OAuth2Error as error:
            refused: Response = self.server.handle_error_response(None, error)
            return refused
        host = request.client.host if request.client else "-"
        key = f"{host}|{claimed[0] if claimed else '-'}"
        wait = self.limiter.check(key)
        if wait is not None:
            rate_limited(key, wait)
            return JSONResponse({"error": "too_many_requests"}, status_code=429, headers=retry_after(wait))
        try:
            oauth_request = RegistryRequest(
                method=request.method,
                uri=str(request.url),
                headers=request.headers,
                form=form,
                clients=await load_clients(self.graph, claimed),
                token=await self._issued_token(form.get("token")) if with_token else None,
            )
            response = await run_in_threadpool(run, oauth_request)
            if response.status_code >= 400:
                _refused(request, response, claimed)
            if oauth_request.revoked is not None and not oauth_request.revoked.expired:
                await revoke_token_id(self.graph, oauth_request.revoked.jti, oauth_request.revoked.expires_at)
                self.validator.denials.revoked(oauth_request.revoked.jti)
        except InsecureTransportError as error:
            refused = self.server.handle_error_response(None, error)
            return refused
        except GraphError:
            unavailable = {**NO_STORE, "Retry-After": str(RETRY_AFTER_SECONDS)}
            return JSONResponse({"error": "temporarily_unavailable"}, status_code=503, headers=unavailable)
        return response

    async def _issued_token(self, token: str | None) -> IssuedToken | None:
        """This server's token, verified (expired or not), with its graph state; None for anything else."""
        if not token:
            return None
        try:
            verified = self.validator.verify(token, allow_expired=True)
        except TokenError:
            return None
        if verified.issuer.issuer != self.config.issuer:
            return None
        claims = verified.claims
        refusal = await token_refusal(self.graph, jti=str(claims["jti"]), client_id=str(claims["client_id"]))
        return IssuedToken(claims=claims, expired=verified.expired, revoked=refusal is not None)


def _refused(request: Request, response: Response, claimed: list[str]) -> None:
    """A refused token, introspection or revocation request: its OAuth error and the client it claims to be (not
    verified: a wrong secret is refused for the client it names), never what it presented."""
    try:
        error = json.loads(bytes(response.body)).get("error")
    except (ValueError, AttributeError):  # not a JSON object
        error = None
    client_id = claimed[0] if claimed else None
    log.warning("oauth request refused", extra={"path": request.url.path, "status": response.status_code, "error": error,
                                                "client_id": client_id})


def metadata(config: AuthConfig) -> dict[str, Any]:
    """RFC 8414 metadata. There is no authorization endpoint, hence no response types."""
    algorithms = list(ASSERTION_ALGORITHMS)
    return {
        "issuer": config.issuer,
        "token_endpoint": config.endpoint(TOKEN_PATH),
        "jwks_uri": config.endpoint(JWKS_PATH),
        "introspection_endpoint": config.endpoint(INTROSPECTION_PATH),
        "revocation_endpoint": config.endpoint(REVOCATION_PATH),
        "scopes_supported": [scope.value for scope in Scope],
        "response_types_supported": [],
        "grant_types_supported": ["client_credentials"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": algorithms,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_signing_alg_values_supported": algorithms,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_signing_alg_values_supported": algorithms,
    }


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded body; RFC 6749 section 3.2 forbids repeating a parameter."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM_TYPE:
        raise _invalid_request(f"the body must be {FORM_TYPE}")
    form: FormData = await request.form()
    repeated = sorted(name for name in form if len(form.getlist(name)) > 1)
    if repeated:
        raise _invalid_request(f"repeated parameter: {', '.join(repeated)}")
    return {name: str(value) for name, value in form.items()}


def _claimed_client_ids(request: Request, form: dict[str, str]) -> list[str]:
    """The client ids a request claims (Basic user, client_id, assertion sub), unverified: only to load them."""
    try:
        basic_id, _ = extract_basic_authorization(request.headers)
    except ValueError as error:
        raise InvalidClientError(status_code=401, description="Malformed Basic credentials.") from error
    claimed = [basic_id, form.get("client_id"), _assertion_subject(form.get("client_assertion"))]
    unique = dict.fromkeys(value for value in claimed if isinstance(value, str) and 0 < len(value) <= MAX_CLIENT_ID)
    return list(unique)


def _assertion_subject(assertion: str | None) -> str | None:
    if not assertion:
        return None
    try:
        claims = json.loads(jws.extract_compact(assertion.encode("ascii")).payload)
    except (JoseError, ValueError):
        return None
    subject = claims.get("sub") if isinstance(claims, dict) else None
    return subject if isinstance(subject, str) else None


def _invalid_request(description: str) -> OAuth2Error:
    return OAuth2Error(error="invalid_request", description=description, status_code=400)
