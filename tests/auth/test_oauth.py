"""The authorization server: clients in the graph, the token endpoint, keys, introspection and revocation.

The tiny Starlette app of tests/oauth_app.py is built from `oauth_routes` plus one protected route that
uses `token_validator`, as the API will; every token is really signed and really validated.
"""

from __future__ import annotations

import stat
import time
import uuid
from pathlib import Path

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, Key

from auth import (
    AuthConfig,
    Scope,
)
from auth.clients import (
    UnknownAgency,
    UnknownClient,
    create_client,
    disable_client,
    hash_secret,
    list_clients,
    load_clients,
    register_client_key,
    rotate_secret,
    verify_secret,
)
from auth.keys import KeyStore
from graph.access.oauth import ClientStatus, client_credentials
from graph.core.driver import Graph
from graph.core.migrations import migration
from graph.core.vocabulary import AgencyKind
from seed.demo import PLATFORM_ADMIN
from seed.roster import stable_id
from tests.helpers.oauth_app import (
    ASSERTION_TYPE,
    AUDIENCE,
    BUREAU,
    COURT,
    ISSUER,
    PARTNER,
    TOKEN_URL,
    Registry,
    access_claims,
    basic,
    bearer,
    open_registry,
    sign,
    unverified,
)

# --- clients in the graph ---------------------------------------------------------------------------


async def test_a_created_client_is_stored_with_a_scrypt_hash_and_listed_without_it(oauth_graph: Graph) -> None:
    client_id, secret = await create_client(oauth_graph, agency_id=BUREAU, scopes=[Scope.ROSTER_WRITE, Scope.ROSTER_READ])

    [listed] = await list_clients(oauth_graph, agency_id=BUREAU)
    stored = (await client_credentials(oauth_graph, client_ids=[client_id]))[client_id]

    assert (listed.client_id, listed.agency_id, listed.scopes, listed.status) == (
        client_id,
        BUREAU,
        ["roster:read", "roster:write"],
        ClientStatus.ACTIVE,
    )
    assert "secret_hash" not in listed.model_dump()
    assert stored.secret_hash.startswith("scrypt$16384$8$1$") and secret not in stored.secret_hash
    assert verify_secret(secret, stored.secret_hash) and not verify_secret(secret + "x", stored.secret_hash)


async def test_clients_are_listed_per_agency(oauth_graph: Graph) -> None:
    bureau_client, _ = await create_client(oauth_graph, agency_id=BUREAU, scopes=[Scope.ROSTER_READ])
    court_client, _ = await create_client(oauth_graph, agency_id=COURT, scopes=[Scope.CASES_WRITE])

    assert [c.client_id for c in await list_clients(oauth_graph, agency_id=COURT)] == [court_client]
    assert {c.client_id for c in await list_clients(oauth_graph)} == {bureau_client, court_client}


async def test_creating_a_client_for_an_unknown_agency_fails_clearly(oauth_graph: Graph) -> None:
    with pytest.raises(UnknownAgency, match="no agency with id 'nope'"):
        await create_client(oauth_graph, agency_id="nope", scopes=[Scope.ROSTER_READ])

    assert await list_clients(oauth_graph) == []


async def test_unknown_scopes_and_empty_scopes_are_refused_at_creation(oauth_graph: Graph) -> None:
    with pytest.raises(ValueError, match="unknown scope: roster:delete"):
        await create_client(oauth_graph, agency_id=BUREAU, scopes=["roster:delete"])
    with pytest.raises(ValueError, match="at least one scope"):
        await create_client(oauth_graph, agency_id=BUREAU, scopes=[])


@pytest.mark.parametrize(
    ("agency", "kind", "jurisdiction"),
    [
        (BUREAU, AgencyKind.JUDICIAL_BUREAU, "510107"),
        (COURT, AgencyKind.COURT, "510100"),
        (PARTNER, AgencyKind.PARTNER_AGENCY, None),
        ("admin", AgencyKind.PLATFORM_ADMIN, None),
    ],
)
async def test_a_loaded_client_carries_its_agency_kind_and_jurisdiction(
    oauth_graph: Graph, agency: str, kind: AgencyKind, jurisdiction: str | None
) -> None:
    client_id, _ = await create_client(oauth_graph, agency_id=agency, scopes=[Scope.ROSTER_READ])

    loaded = (await load_clients(oauth_graph, [client_id, "unknown"]))[client_id]

    assert (loaded.agency_id, loaded.agency_kind, loaded.jurisdiction) == (agency, kind, jurisdiction)


async def test_clients_of_demo_agencies_carry_their_jurisdiction(demo: Graph) -> None:
    for statement in migration(3).statements:
        await demo.write(statement)
    bureau = stable_id("agency", "成都市武侯区司法局")
    court = stable_id("agency", "成都市中级人民法院")
    admin = stable_id("agency", PLATFORM_ADMIN)
    ids = {
        agency: (await create_client(demo, agency_id=agency, scopes=[Scope.ROSTER_READ]))[0] for agency in (bureau, court, admin)
    }

    loaded = await load_clients(demo, ids.values())

    assert {agency: loaded[ids[agency]].jurisdiction for agency in ids} == {bureau: "510107", court: "510100", admin: None}


async def test_rotating_a_secret_retires_the_old_one(registry: Registry) -> None:
    client_id, old = await registry.client()

    new = await rotate_secret(registry.graph, client_id)

    assert (await registry.token_response(client_id, old)).status_code == 401
    assert (await registry.token_response(client_id, new)).status_code == 200


async def test_managing_an_unknown_client_fails_clearly(oauth_graph: Graph) -> None:
    with pytest.raises(UnknownClient):
        await rotate_secret(oauth_graph, "nope")
    with pytest.raises(UnknownClient):
        await disable_client(oauth_graph, "nope")


async def test_a_client_key_must_be_public(oauth_graph: Graph) -> None:
    client_id, _ = await create_client(oauth_graph, agency_id=PARTNER, scopes=[Scope.ROSTER_READ])
    key = ECKey.generate_key("P-256", auto_kid=True)

    with pytest.raises(ValueError, match="private key"):
        await register_client_key(oauth_graph, client_id, {"keys": [key.as_dict(private=True)]})


def test_secret_hashes_are_salted() -> None:
    assert hash_secret("same") != hash_secret("same")
    assert not verify_secret("same", "plain-text")


# --- the token endpoint -----------------------------------------------------------------------------


async def test_token_by_client_secret_basic(registry: Registry) -> None:
    client_id, secret = await registry.client(Scope.ROSTER_READ, Scope.ROSTER_WRITE)

    response = await registry.token_response(client_id, secret, "roster:write roster:read")

    body = response.json()
    assert response.status_code == 200
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 900, "roster:read roster:write")
    assert response.headers["cache-control"] == "no-store"


async def test_token_by_client_secret_post(registry: Registry) -> None:
    client_id, secret = await registry.client()
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}

    response = await registry.http.post("/oauth/token", data=form)

    assert response.status_code == 200
    assert response.json()["scope"] == "roster:read"


def client_assertion(client_id: str, key: Key, *, audience: str = TOKEN_URL, lifetime: int = 60) -> str:
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4())}
    return jwt.encode({"alg": "ES256", "kid": key.kid}, claims, key)


def assertion_form(assertion: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion}


async def test_token_by_private_key_jwt(registry: Registry) -> None:
    client_id, _ = await registry.client()
    key = ECKey.generate_key("P-256", auto_kid=True)
    await register_client_key(registry.graph, client_id, {"keys": [key.as_dict(private=False)]})

    response = await registry.http.post("/oauth/token", data=assertion_form(client_assertion(client_id, key)))

    assert response.status_code == 200, response.text
    assert unverified(response.json()["access_token"])[1]["client_id"] == client_id


async def test_a_replayed_client_assertion_is_refused(registry: Registry) -> None:
    client_id, _ = await registry.client()
    key = ECKey.generate_key("P-256", auto_kid=True)
    await register_client_key(registry.graph, client_id, {"keys": [key.as_dict(private=False)]})
    assertion = client_assertion(client_id, key, audience=ISSUER)

    first = await registry.http.post("/oauth/token", data=assertion_form(assertion))
    replay = await registry.http.post("/oauth/token", data=assertion_form(assertion))

    assert first.status_code == 200
    assert (replay.status_code, replay.json()["error"]) == (400, "invalid_client")


@pytest.mark.parametrize("problem", ["no registered key", "another key", "long lived"])
async def test_a_bad_client_assertion_is_invalid_client(registry: Registry, problem: str) -> None:
    client_id, _ = await registry.client()
    key = ECKey.generate_key("P-256", auto_kid=True)
    if problem != "no registered key":
        await register_client_key(registry.graph, client_id, {"keys": [key.as_dict(private=False)]})
    signer = ECKey.generate_key("P-256", auto_kid=True) if problem == "another key" else key
    assertion = client_assertion(client_id, signer, lifetime=3600 if problem == "long lived" else 60)

    response = await registry.http.post("/oauth/token", data=assertion_form(assertion))

    assert (response.status_code, response.json()["error"]) == (400, "invalid_client")
    assert "access_token" not in response.json()


async def test_an_invalid_secret_is_invalid_client(registry: Registry) -> None:
    client_id, secret = await registry.client()

    response = await registry.token_response(client_id, secret + "x")

    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert response.headers["www-authenticate"].startswith("Basic ")


async def test_a_disabled_client_is_invalid_client(registry: Registry) -> None:
    client_id, secret = await registry.client()

    await disable_client(registry.graph, client_id)
    response = await registry.token_response(client_id, secret)

    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


async def test_a_scope_the_client_lacks_is_invalid_scope_never_narrowed(registry: Registry) -> None:
    client_id, secret = await registry.client(Scope.ROSTER_READ)

    response = await registry.token_response(client_id, secret, "roster:read roster:write")

    assert (response.status_code, response.json()["error"]) == (400, "invalid_scope")
    assert "access_token" not in response.json()


async def test_an_unknown_scope_is_invalid_scope(registry: Registry) -> None:
    client_id, secret = await registry.client(Scope.ROSTER_READ)

    response = await registry.token_response(client_id, secret, "roster:read roster:delete")

    assert (response.status_code, response.json()["error"]) == (400, "invalid_scope")


async def test_omitting_the_scope_grants_every_registered_scope(registry: Registry) -> None:
    client_id, secret = await registry.client(Scope.REPORTS_READ, Scope.ROSTER_READ)

    response = await registry.token_response(client_id, secret)

    assert response.json()["scope"] == "reports:read roster:read"


@pytest.mark.parametrize(
    ("agency", "kind", "jurisdiction"),
    [(BUREAU, "JUDICIAL_BUREAU", "510107"), (COURT, "COURT", "510100"), (PARTNER, "PARTNER_AGENCY", None)],
)
async def test_token_claims_and_header(registry: Registry, agency: str, kind: str, jurisdiction: str | None) -> None:
    client_id, secret = await registry.client(Scope.ROSTER_READ, agency=agency)

    token = (await registry.token_response(client_id, secret)).json()["access_token"]

    header, claims = unverified(token)
    assert header == {"alg": "ES256", "typ": "at+jwt", "kid": registry.keys().current().kid}
    assert set(claims) == {
        "iss", "aud", "exp", "iat", "jti", "sub", "client_id", "scope", "agency", "agency_kind", "jurisdiction"
    }
    assert (claims["iss"], claims["aud"], claims["sub"], claims["client_id"]) == (ISSUER, AUDIENCE, client_id, client_id)
    granted = (claims["scope"], claims["agency"], claims["agency_kind"], claims["jurisdiction"])
    assert granted == ("roster:read", agency, kind, jurisdiction)
    assert claims["exp"] - claims["iat"] == 900 and claims["jti"]


async def test_the_token_lifetime_is_configurable(oauth_graph: Graph, tmp_path: Path) -> None:
    config = AuthConfig(issuer=ISSUER, audience=AUDIENCE, key_dir=tmp_path / "keys", token_lifetime=120)
    async for registry in open_registry(oauth_graph, config):
        response = await registry.token_response(*await registry.client())

        assert response.json()["expires_in"] == 120


@pytest.mark.parametrize(
    ("content_type", "body", "description"),
    [
        ("application/json", b"{}", "the body must be application/x-www-form-urlencoded"),
        ("application/x-www-form-urlencoded", b"grant_type=client_credentials&scope=a&scope=b", "repeated parameter: scope"),
    ],
)
async def test_a_malformed_token_request_is_invalid_request(
    registry: Registry, content_type: str, body: bytes, description: str
) -> None:
    response = await registry.http.post("/oauth/token", content=body, headers={"content-type": content_type})

    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": description}


async def test_the_token_endpoint_requires_https(registry: Registry) -> None:
    client_id, secret = await registry.client()

    response = await registry.http.post(
        "http://registry.test/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(client_id, secret)
    )

    assert (response.status_code, response.json()["error"]) == (400, "insecure_transport")


async def test_the_token_endpoint_is_rate_limited(oauth_graph: Graph, tmp_path: Path) -> None:
    config = AuthConfig(issuer=ISSUER, audience=AUDIENCE, key_dir=tmp_path / "keys", rate_per_second=0.1, burst=2)
    async for registry in open_registry(oauth_graph, config):
        client_id, secret = await registry.client()

        statuses = [(await registry.token_response(client_id, secret)).status_code for _ in range(3)]
        limited = await registry.token_response(client_id, secret)

        assert statuses == [200, 200, 429]
        assert (limited.status_code, limited.headers["retry-after"]) == (429, "10")


# --- keys, metadata ---------------------------------------------------------------------------------


async def test_jwks_publishes_only_public_keys(registry: Registry) -> None:
    response = await registry.http.get("/.well-known/jwks.json")

    [key] = response.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "y", "kid", "alg", "use"}
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
    assert response.headers["cache-control"] == "no-store"
    assert [stat.S_IMODE(path.stat().st_mode) for path in registry.config.key_dir.iterdir()] == [0o600]
    assert stat.S_IMODE(registry.config.key_dir.stat().st_mode) == 0o700


async def test_rotation_keeps_the_previous_key_until_its_tokens_have_expired(registry: Registry) -> None:
    before = await registry.token()

    registry.keys().rotate()
    after = await registry.token()
    published = [key["kid"] for key in (await registry.http.get("/.well-known/jwks.json")).json()["keys"]]

    assert unverified(before)[0]["kid"] != unverified(after)[0]["kid"]
    assert sorted(published) == sorted([unverified(before)[0]["kid"], unverified(after)[0]["kid"]])
    assert (await registry.http.get("/roster", headers=bearer(before))).status_code == 200
    assert (await registry.http.get("/roster", headers=bearer(after))).status_code == 200


async def test_a_retired_key_no_longer_validates_its_tokens(registry: Registry) -> None:
    before = await registry.token()
    registry.keys().rotate()

    retirement = registry.config.key_retirement
    retired = KeyStore(registry.config.key_dir, retire_after=retirement, clock=lambda: time.time() + retirement + 1).prune()
    response = await registry.http.get("/roster", headers=bearer(before))

    assert retired == [unverified(before)[0]["kid"]]
    assert len((await registry.http.get("/.well-known/jwks.json")).json()["keys"]) == 1
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'Bearer realm="mediation-registry", error="invalid_token", error_description="unknown key id"'
    )


async def test_authorization_server_metadata(registry: Registry) -> None:
    response = await registry.http.get("/.well-known/oauth-authorization-server")

    metadata = response.json()
    assert (metadata["issuer"], metadata["token_endpoint"], metadata["jwks_uri"]) == (
        ISSUER,
        TOKEN_URL,
        ISSUER + "/.well-known/jwks.json",
    )
    assert (metadata["introspection_endpoint"], metadata["revocation_endpoint"]) == (
        ISSUER + "/oauth/introspect",
        ISSUER + "/oauth/revoke",
    )
    assert metadata["grant_types_supported"] == ["client_credentials"]
    assert metadata["token_endpoint_auth_methods_supported"] == ["client_secret_basic", "client_secret_post", "private_key_jwt"]
    assert metadata["scopes_supported"] == [scope.value for scope in Scope]


# --- introspection and revocation -------------------------------------------------------------------


async def introspect(registry: Registry, token: str, credentials: tuple[str, str]) -> httpx.Response:
    return await registry.http.post("/oauth/introspect", data={"token": token}, headers=basic(*credentials))


async def test_introspection_of_an_active_token(registry: Registry) -> None:
    credentials = await registry.client(Scope.ROSTER_READ, Scope.ROSTER_WRITE)
    token = (await registry.token_response(*credentials)).json()["access_token"]

    response = await introspect(registry, token, credentials)

    claims = unverified(token)[1]
    assert response.status_code == 200
    assert response.json() == {"active": True, "token_type": "Bearer", **claims}
    assert response.headers["cache-control"] == "no-store"


async def test_introspection_of_a_revoked_token_is_inactive(registry: Registry) -> None:
    credentials = await registry.client()
    token = (await registry.token_response(*credentials)).json()["access_token"]

    await registry.http.post("/oauth/revoke", data={"token": token}, headers=basic(*credentials))
    response = await introspect(registry, token, credentials)

    assert response.json() == {"active": False}


async def test_introspection_of_an_expired_token_is_inactive(registry: Registry) -> None:
    credentials = await registry.client()
    expired = sign(access_claims(client_id=credentials[0], exp=int(time.time()) - 120), registry.keys().current())

    response = await introspect(registry, expired, credentials)

    assert response.json() == {"active": False}


async def test_introspection_of_a_foreign_token_is_inactive(registry: Registry) -> None:
    credentials = await registry.client()
    others = await registry.token()
    stranger = sign(access_claims(client_id=credentials[0]), ECKey.generate_key("P-256", auto_kid=True))

    answers = [(await introspect(registry, token, credentials)).json() for token in (others, stranger, "not-a-token")]

    assert answers == [{"active": False}] * 3


async def test_an_admin_client_may_introspect_any_token(registry: Registry) -> None:
    admin = await registry.client(Scope.ADMIN, agency="admin")
    token = await registry.token()

    response = await introspect(registry, token, admin)

    assert response.json()["active"] is True


async def test_introspection_requires_client_authentication(registry: Registry) -> None:
    token = await registry.token()

    response = await registry.http.post("/oauth/introspect", data={"token": token})

    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")


async def test_revocation_makes_the_validator_refuse_the_token_at_once(registry: Registry) -> None:
    credentials = await registry.client()
    token = (await registry.token_response(*credentials)).json()["access_token"]
    assert (await registry.http.get("/roster", headers=bearer(token))).status_code == 200

    revoked = await registry.http.post("/oauth/revoke", data={"token": token}, headers=basic(*credentials))
    response = await registry.http.get("/roster", headers=bearer(token))

    assert (revoked.status_code, revoked.headers["cache-control"]) == (200, "no-store")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'Bearer realm="mediation-registry", error="invalid_token", error_description="token revoked"'
    )


async def test_a_client_cannot_revoke_another_clients_token(registry: Registry) -> None:
    credentials = await registry.client()
    others = await registry.token()

    response = await registry.http.post("/oauth/revoke", data={"token": others}, headers=basic(*credentials))

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")
    assert (await registry.http.get("/roster", headers=bearer(others))).status_code == 200


async def test_revoking_an_unknown_token_is_accepted_and_changes_nothing(registry: Registry) -> None:
    credentials = await registry.client()

    response = await registry.http.post("/oauth/revoke", data={"token": "not-a-token"}, headers=basic(*credentials))

    assert (response.status_code, response.json()) == (200, {})

