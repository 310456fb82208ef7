"""The authorization server's test bench: a tiny app with the OAuth routes and one protected route, signed tokens.

The `oauth_graph` and `registry` fixtures (tests/conftest.py) open it; tests/auth/test_oauth.py and
tests/auth/test_tokens.py use it, and the hardening and mutation-access tests sign and read tokens with it.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import Key
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth import (
    AuthConfig,
    Scope,
    TokenError,
    deny_list,
    insufficient_scope,
    key_store,
    oauth_routes,
    token_validator,
)
from auth.clients import create_client
from auth.keys import KeyStore
from auth.ratelimit import RateLimiter, retry_after
from auth.tokens import www_authenticate
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind
from graph.directory.agency import merge_agencies
from graph.directory.jurisdiction import merge_jurisdictions

ISSUER = "https://registry.test"
AUDIENCE = "https://registry.test/graphql"
TOKEN_URL = ISSUER + "/oauth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
BUREAU, COURT, PARTNER = "bureau-wuhou", "court-chengdu", "partner-acftu"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(base64.urlsafe_b64decode(header + "==")), json.loads(base64.urlsafe_b64decode(payload + "=="))


def sign(claims: dict[str, Any], key: Key, *, alg: str = "ES256", typ: str = "at+jwt") -> str:
    return jwt.encode({"alg": alg, "typ": typ, "kid": key.kid}, claims, key)


def access_claims(**overrides: Any) -> dict[str, Any]:
    """A complete, valid set of access-token claims for a bureau client; override to break one."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "client-1",
        "client_id": "client-1",
        "scope": "roster:read",
        "agency": BUREAU,
        "agency_kind": "JUDICIAL_BUREAU",
        "jurisdiction": "510107",
        "iat": now,
        "exp": now + 300,
        "jti": str(uuid.uuid4()),
    }
    return {**claims, **overrides}


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def seed_agencies(graph: Graph) -> None:
    """A province, a city and a district; a district bureau, a city court, a partner agency and the admin."""
    await merge_jurisdictions(
        graph,
        rows=[
            {"code": "510000", "name": "四川省", "level": "PROVINCE", "parent": None},
            {"code": "510100", "name": "成都市", "level": "CITY", "parent": "510000"},
            {"code": "510107", "name": "武侯区", "level": "COUNTY", "parent": "510100"},
        ],
    )
    bureau = {"id": BUREAU, "name": "成都市武侯区司法局", "jurisdiction": "510107"}
    court: dict[str, str | None] = {"id": COURT, "name": "成都市中级人民法院", "jurisdiction": "510100", "level": "INTERMEDIATE"}
    court |= {"courtCode": "C5101", "supervisor": None}
    await merge_agencies(graph, kind=AgencyKind.JUDICIAL_BUREAU, rows=[bureau])
    await merge_agencies(graph, kind=AgencyKind.COURT, rows=[court])
    await merge_agencies(graph, kind=AgencyKind.PARTNER_AGENCY, rows=[{"id": PARTNER, "name": "中华全国总工会"}])
    await merge_agencies(graph, kind=AgencyKind.PLATFORM_ADMIN, rows=[{"id": "admin", "name": "平台管理中心"}])


def build_app(config: AuthConfig, graph: Graph) -> Starlette:
    """The OAuth routes plus GET /roster, protected the way the API protects its operations (one deny list)."""
    denials = deny_list(config, graph)
    validator = token_validator(config, graph, denials=denials)
    limiter = RateLimiter(config.rate_per_second, config.burst)

    async def roster(request: Request) -> Response:
        try:
            principal = await validator.authenticate(request.headers.get("authorization"))
        except TokenError as error:
            return JSONResponse({"error": error.reason}, status_code=error.status, headers=error.headers())
        if principal is None:
            return JSONResponse({"error": "unauthorized"}, status_code=401, headers={"WWW-Authenticate": www_authenticate()})
        if not principal.has(Scope.ROSTER_READ):
            status, headers = insufficient_scope(Scope.ROSTER_READ)
            return JSONResponse({"error": "insufficient_scope"}, status_code=status, headers=headers)
        wait = limiter.check(principal.client_id)
        if wait is not None:
            return JSONResponse({"error": "too_many_requests"}, status_code=429, headers=retry_after(wait))
        body = {"client_id": principal.client_id, "agency": principal.agency_id, "kind": principal.agency_kind}
        return JSONResponse(body | {"jurisdiction": principal.jurisdiction, "scopes": sorted(principal.scopes)})

    return Starlette(routes=[*oauth_routes(config, graph, denials), Route("/roster", roster)])


@dataclass
class Registry:
    graph: Graph
    config: AuthConfig
    http: httpx.AsyncClient

    async def client(self, *scopes: Scope, agency: str = BUREAU) -> tuple[str, str]:
        return await create_client(self.graph, agency_id=agency, scopes=scopes or (Scope.ROSTER_READ,))

    async def token_response(self, client_id: str, secret: str, scope: str | None = None) -> httpx.Response:
        form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope is not None else {})
        return await self.http.post("/oauth/token", data=form, headers=basic(client_id, secret))

    async def token(self, *scopes: Scope, agency: str = BUREAU) -> str:
        response = await self.token_response(*await self.client(*scopes, agency=agency))
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def keys(self) -> KeyStore:
        return key_store(self.config)


async def open_registry(graph: Graph, config: AuthConfig) -> AsyncIterator[Registry]:
    transport = httpx.ASGITransport(app=build_app(config, graph))
    async with httpx.AsyncClient(transport=transport, base_url=ISSUER) as http:
        yield Registry(graph, config, http)
