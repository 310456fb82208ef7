"""The bearer-token validator the API uses: one test per reason to refuse, each checking the exact challenge."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from joserfc.jwk import ECKey, RSAKey

from auth import AuthConfig, Principal, Scope, TokenError, parse_scopes, token_validator
from auth.clients import disable_client
from auth.ratelimit import RateLimiter
from auth.scopes import UnknownScope
from graph.access.oauth import revoke_token_id
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind
from tests.helpers.oauth_app import (
    AUDIENCE,
    BUREAU,
    ISSUER,
    PARTNER,
    Registry,
    access_claims,
    b64,
    bearer,
    open_registry,
    sign,
    unverified,
)

EXTERNAL = "https://idp.partner.test"


def challenge(error: str, description: str) -> str:
    return f'Bearer realm="mediation-registry", error="{error}", error_description="{description}"'


async def refusal(registry: Registry, token: str) -> tuple[int, str]:
    response = await registry.http.get("/roster", headers=bearer(token))
    return response.status_code, response.headers["www-authenticate"]


def own_key(registry: Registry) -> ECKey:
    return registry.keys().current()


# --- accepted ---------------------------------------------------------------------------------------


async def test_a_valid_token_gives_the_principal(registry: Registry) -> None:
    client_id, secret = await registry.client(Scope.ROSTER_READ, Scope.PII_READ)
    token = (await registry.token_response(client_id, secret)).json()["access_token"]
    validator = token_validator(registry.config, registry.graph)

    principal = await validator.validate(token)

    claims = unverified(token)[1]
    assert principal == Principal(
        client_id=client_id,
        agency_id=BUREAU,
        agency_kind=AgencyKind.JUDICIAL_BUREAU,
        jurisdiction="510107",
        scopes=frozenset({Scope.ROSTER_READ, Scope.PII_READ}),
        token_id=claims["jti"],
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
    assert principal.has(Scope.ROSTER_READ, Scope.PII_READ) and not principal.has(Scope.ADMIN)


async def test_the_protected_route_sees_the_caller(registry: Registry) -> None:
    client_id, secret = await registry.client(Scope.ROSTER_READ, agency=PARTNER)
    token = (await registry.token_response(client_id, secret)).json()["access_token"]

    response = await registry.http.get("/roster", headers=bearer(token))

    assert response.status_code == 200
    assert response.json() == {
        "client_id": client_id,
        "agency": PARTNER,
        "kind": "PARTNER_AGENCY",
        "jurisdiction": None,
        "scopes": ["roster:read"],
    }


async def test_without_a_token_the_caller_is_anonymous(registry: Registry) -> None:
    validator = token_validator(registry.config, registry.graph)

    response = await registry.http.get("/roster")

    assert await validator.authenticate(None) is None
    assert (response.status_code, response.headers["www-authenticate"]) == (401, 'Bearer realm="mediation-registry"')


async def test_a_token_expired_within_the_leeway_is_accepted(registry: Registry) -> None:
    token = sign(access_claims(exp=int(time.time()) - 10), own_key(registry))

    assert (await registry.http.get("/roster", headers=bearer(token))).status_code == 200


# --- refused: one reason each -----------------------------------------------------------------------


async def test_an_expired_token_is_refused(registry: Registry) -> None:
    token = sign(access_claims(exp=int(time.time()) - 60), own_key(registry))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "token expired"))


async def test_a_token_for_another_audience_is_refused(registry: Registry) -> None:
    token = sign(access_claims(aud="https://other.test/api"), own_key(registry))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "invalid claim: aud"))


async def test_a_token_from_another_issuer_is_refused(registry: Registry) -> None:
    token = sign(access_claims(iss="https://evil.test"), own_key(registry))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "unknown issuer"))


async def test_hs256_signed_with_the_public_key_as_secret_is_refused(registry: Registry) -> None:
    public = own_key(registry).as_dict(private=False)
    header = b64(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": public["kid"]}).encode())
    payload = b64(json.dumps(access_claims()).encode())
    secret = json.dumps(public).encode()
    signature = b64(hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())

    token = f"{header}.{payload}.{signature}"

    assert await refusal(registry, token) == (401, challenge("invalid_token", "signing algorithm not allowed"))


async def test_an_unsigned_token_alg_none_is_refused(registry: Registry) -> None:
    header = b64(json.dumps({"alg": "none", "typ": "at+jwt", "kid": own_key(registry).kid}).encode())

    token = f"{header}.{b64(json.dumps(access_claims()).encode())}."

    assert await refusal(registry, token) == (401, challenge("invalid_token", "signing algorithm not allowed"))


async def test_a_token_signed_by_an_unknown_key_id_is_refused(registry: Registry) -> None:
    token = sign(access_claims(), ECKey.generate_key("P-256", parameters={"kid": "not-ours"}))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "unknown key id"))


async def test_a_revoked_token_is_refused(registry: Registry) -> None:
    token = await registry.token()
    claims = unverified(token)[1]

    await revoke_token_id(registry.graph, claims["jti"], datetime.fromtimestamp(claims["exp"], UTC))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "token revoked"))


async def test_a_token_of_a_disabled_client_is_refused(registry: Registry) -> None:
    client_id, secret = await registry.client()
    token = (await registry.token_response(client_id, secret)).json()["access_token"]

    await disable_client(registry.graph, client_id)

    assert await refusal(registry, token) == (401, challenge("invalid_token", "client disabled"))


async def test_a_tampered_payload_is_refused(registry: Registry) -> None:
    header, _, signature = (await registry.token(Scope.ROSTER_READ)).split(".")
    claims = access_claims(scope="roster:read admin")

    token = f"{header}.{b64(json.dumps(claims).encode())}.{signature}"

    assert await refusal(registry, token) == (401, challenge("invalid_token", "signature verification failed"))


async def test_a_token_without_the_required_scope_is_insufficient_scope(registry: Registry) -> None:
    token = await registry.token(Scope.PII_READ)

    response = await registry.http.get("/roster", headers=bearer(token))

    assert response.status_code == 403
    assert response.headers["www-authenticate"] == (
        'Bearer realm="mediation-registry", error="insufficient_scope",'
        ' error_description="the roster:read scope is required", scope="roster:read"'
    )


async def test_an_id_token_or_plain_jwt_is_not_an_access_token(registry: Registry) -> None:
    token = sign(access_claims(), own_key(registry), typ="JWT")

    assert await refusal(registry, token) == (401, challenge("invalid_token", "not an access token (typ must be at+jwt)"))


async def test_a_token_missing_a_required_claim_is_refused(registry: Registry) -> None:
    claims = access_claims()
    del claims["agency"]

    token = sign(claims, own_key(registry))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "missing claim: agency"))


async def test_a_token_issued_in_the_future_is_refused(registry: Registry) -> None:
    token = sign(access_claims(iat=int(time.time()) + 600), own_key(registry))

    assert await refusal(registry, token) == (401, challenge("invalid_token", "invalid claim: iat"))


NOT_AN_OBJECT = b64(b'{"alg":"ES256","typ":"at+jwt"}') + "." + b64(b"[1]") + "." + b64(b"sig")


@pytest.mark.parametrize("token", ["not-a-token", "a.b.c", NOT_AN_OBJECT, "x" * 9000])
async def test_a_malformed_token_is_refused(registry: Registry, token: str) -> None:
    assert await refusal(registry, token) == (401, challenge("invalid_token", "malformed token"))


async def test_a_malformed_authorization_header_is_invalid_request(registry: Registry) -> None:
    response = await registry.http.get("/roster", headers={"Authorization": "Token abc"})

    assert response.status_code == 400
    assert response.headers["www-authenticate"] == challenge(
        "invalid_request", "expected an Authorization header of the form Bearer token"
    )


async def test_token_errors_map_to_rfc_6750_statuses() -> None:
    assert [TokenError(reason, "x").status for reason in ("invalid_request", "invalid_token", "insufficient_scope")] == [
        400,
        401,
        403,
    ]


# --- the external issuer ----------------------------------------------------------------------------

EXTERNAL_KEY = RSAKey.generate_key(2048, parameters={"kid": "partner-2025", "alg": "RS256", "use": "sig"})


def external_token(key: RSAKey = EXTERNAL_KEY, **overrides: Any) -> str:
    claims = access_claims(iss=EXTERNAL, client_id="partner-app", sub="partner-app", agency=PARTNER)
    return sign(claims | {"agency_kind": "PARTNER_AGENCY", "jurisdiction": None} | overrides, key, alg="RS256")


@pytest.fixture(params=["dict", "file"])
async def federated(request: pytest.FixtureRequest, oauth_graph: Graph, tmp_path: Path) -> AsyncIterator[Registry]:
    jwks = {"keys": [EXTERNAL_KEY.as_dict(private=False)]}
    source: Path | dict[str, Any] = jwks
    if request.param == "file":
        source = tmp_path / "partner-jwks.json"
        source.write_text(json.dumps(jwks), encoding="utf-8")
    config = AuthConfig(ISSUER, AUDIENCE, tmp_path / "keys", external_issuer=EXTERNAL, external_jwks=source)
    async for opened in open_registry(oauth_graph, config):
        yield opened


async def test_the_external_issuer_is_accepted_with_its_own_key(federated: Registry) -> None:
    response = await federated.http.get("/roster", headers=bearer(external_token()))

    assert response.status_code == 200
    assert (response.json()["client_id"], response.json()["agency"]) == ("partner-app", PARTNER)


async def test_the_external_issuer_is_refused_with_another_key(federated: Registry) -> None:
    impostor = RSAKey.generate_key(2048, parameters={"kid": "partner-2025", "alg": "RS256"})

    status, header = await refusal(federated, external_token(impostor))

    assert (status, header) == (401, challenge("invalid_token", "signature verification failed"))


async def test_the_external_issuer_cannot_use_our_key_id(federated: Registry) -> None:
    token = sign(access_claims(iss=EXTERNAL), federated.keys().current())

    assert await refusal(federated, token) == (401, challenge("invalid_token", "unknown key id"))


async def test_an_external_issuer_is_not_trusted_unless_configured(registry: Registry) -> None:
    assert await refusal(registry, external_token()) == (401, challenge("invalid_token", "unknown issuer"))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"scope": "roster:read admin"}, "scope not granted to this issuer"),
        ({"agency_kind": "PLATFORM_ADMIN"}, "agency_kind not granted to this issuer"),
    ],
)
async def test_the_external_issuer_cannot_grant_national_powers(
    federated: Registry, overrides: dict[str, Any], reason: str
) -> None:
    assert await refusal(federated, external_token(**overrides)) == (401, challenge("invalid_token", reason))


async def test_the_external_issuer_grants_at_most_its_configured_scopes(oauth_graph: Graph, tmp_path: Path) -> None:
    jwks = {"keys": [EXTERNAL_KEY.as_dict(private=False)]}
    config = AuthConfig(
        ISSUER, AUDIENCE, tmp_path / "keys", external_issuer=EXTERNAL, external_jwks=jwks,
        external_scopes=frozenset({Scope.ROSTER_READ}),
    )
    async for narrow in open_registry(oauth_graph, config):
        allowed = await narrow.http.get("/roster", headers=bearer(external_token()))
        refused = await refusal(narrow, external_token(scope="roster:read roster:write"))

        assert allowed.status_code == 200
        assert refused == (401, challenge("invalid_token", "scope not granted to this issuer"))


# --- rate limiting, scopes --------------------------------------------------------------------------


async def test_the_rate_limiter_answers_429_with_retry_after(oauth_graph: Graph, tmp_path: Path) -> None:
    config = AuthConfig(ISSUER, AUDIENCE, tmp_path / "keys", rate_per_second=0.01, burst=1)
    async for registry in open_registry(oauth_graph, config):
        token = await registry.token()

        first = await registry.http.get("/roster", headers=bearer(token))
        second = await registry.http.get("/roster", headers=bearer(token))

        assert (first.status_code, second.status_code) == (200, 429)
        assert 90 <= int(second.headers["retry-after"]) <= 100  # a slow machine may take seconds in between


def test_a_token_bucket_refills_at_its_rate() -> None:
    now = [100.0]
    limiter = RateLimiter(2, 3, clock=lambda: now[0])

    burst = [limiter.check("client") for _ in range(4)]
    other = limiter.check("another client")
    now[0] += 0.25
    half = limiter.check("client")
    now[0] += 0.25
    refilled = limiter.check("client")

    assert burst == [None, None, None, 0.5]
    assert (other, half, refilled) == (None, 0.25, None)


def test_scopes_are_one_closed_vocabulary() -> None:
    assert [scope.value for scope in Scope] == [
        "roster:read",
        "roster:write",
        "pii:read",
        "invitations:write",
        "registrations:write",
        "cases:write",
        "grades:write",
        "training:write",
        "reports:read",
        "audit:read",
        "admin",
    ]
    assert parse_scopes("admin  roster:read") == frozenset({Scope.ADMIN, Scope.ROSTER_READ})
    with pytest.raises(UnknownScope, match="unknown scope: roster:delete"):
        parse_scopes("roster:read roster:delete")
