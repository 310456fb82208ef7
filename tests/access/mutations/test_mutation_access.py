"""Fail-closed writes (issue #3): every mutation, found by walking the schema, refuses an anonymous caller and a
token without its scope, and writes nothing; node and _entities guard personal data as mediator(id) does; and
/graphql itself answers a bad token with 401 and an `invalid_token` challenge.

The module loads the demo data once (overriding conftest's `graph`): no test here writes anything but OAuth
clients, except the controls with the right scope, and every test compares the graph before and after itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from graphql import (
    parse,
    validate,
)
from joserfc.jwk import ECKey

from app import Settings
from auth import key_store
from auth.scopes import Scope
from graph.core.driver import Graph
from schema.core.build import build_schema
from tests.conftest import AsAgency, GraphQLClient, token_for
from tests.helpers.agencies import (
    PHONE,
    WUHOU_BUREAU,
    WUHOU_MEDIATOR,
    YUCHENG_BUREAU,
    caller,
)
from tests.helpers.mutations import (
    MUTATION,
    MUTATIONS,
    graph_size,
    operation,
    required_scope,
    writer_for,
)
from tests.helpers.oauth_app import b64, sign, unverified

"""A demo agency of each kind."""


# --- building an operation from the schema -----------------------------------------------------------


def codes(body: dict[str, Any]) -> list[str | None]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors", [])]


def test_the_operations_cover_every_mutation_and_are_valid() -> None:
    schema = build_schema()._schema
    invalid = {name: validate(schema, parse(operation(name)[0])) for name in MUTATIONS}

    assert len(MUTATIONS) >= 39 and "fileOrganization" in MUTATIONS
    assert {name: errors for name, errors in invalid.items() if errors} == {}


# --- 1. every mutation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MUTATIONS)
async def test_an_anonymous_caller_cannot_mutate(demo: Graph, gql: GraphQLClient, name: str) -> None:
    query, variables = operation(name)
    before = await graph_size(demo)

    body = await gql(query, **variables)

    assert gql.last is not None and gql.last.status_code == 401
    assert gql.last.headers["www-authenticate"] == 'Bearer realm="mediation-registry"'
    assert codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None
    assert await graph_size(demo) == before


@pytest.mark.parametrize("name", MUTATIONS)
async def test_a_token_without_the_required_scope_cannot_mutate(demo: Graph, as_agency: AsAgency, name: str) -> None:
    """Every scope but the one the mutation needs, held by an agency of the right kind: no other scope (not even
    `admin`) stands in for it."""
    scope = required_scope(MUTATION.fields[name])
    agency = writer_for(name)
    assert scope is not None
    others = " ".join(sorted(other.value for other in Scope if other is not scope))
    writer = await as_agency(agency, others)
    query, variables = operation(name)
    before = await graph_size(demo)

    body = await writer(query, **variables)

    assert writer.last is not None and writer.last.status_code == 403
    assert f'scope="{scope.value}"' in writer.last.headers["www-authenticate"]
    assert codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["scope"] == scope.value
    assert body["data"] is None
    assert await graph_size(demo) == before


@pytest.mark.parametrize("name", MUTATIONS)
async def test_the_required_scope_gets_past_the_permission(demo: Graph, as_agency: AsAgency, name: str) -> None:
    """The control for the two refusals above: with its scope, the same operation is not refused for want of it."""
    scope = required_scope(MUTATION.fields[name])
    agency = writer_for(name)
    assert scope is not None
    writer = await as_agency(agency, scope.value)
    query, variables = operation(name)

    body = await writer(query, **variables)

    assert writer.last is not None and writer.last.status_code == 200
    assert "errors" not in body, body
    assert body["data"][name]["__typename"]


# --- 2. node and _entities guard a mediator as mediator(id) does ------------------------------------------

FIELDS = "name status phone identityMasked"
THREE_WAYS = f"""query($id: ID!, $reps: [_Any!]!) {{
  mediator(id: $id) {{ {FIELDS} }}
  node(id: $id) {{ ... on Mediator {{ {FIELDS} }} }}
  _entities(representations: $reps) {{ ... on Mediator {{ {FIELDS} }} }} }}"""
ROOTS = ("mediator", "node", "_entities")


def refusals_by_root(body: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """For each root field, the (field, code) of every error under it."""
    found: dict[str, list[tuple[str, str]]] = {root: [] for root in ROOTS}
    for error in body.get("errors", []):
        found[error["path"][0]].append((error["path"][-1], error["extensions"]["code"]))
    return {root: sorted(errors) for root, errors in found.items()}


def refused(code: str, *fields: str) -> list[tuple[str, str]]:
    return [(field, code) for field in sorted(fields)]


@pytest.mark.parametrize(
    ("agency", "scopes", "status", "refusals", "sees"),
    [
        (None, "", 401, refused("UNAUTHENTICATED", "status", "phone", "identityMasked"), False),
        (WUHOU_BUREAU, "roster:read", 403, refused("FORBIDDEN", "phone", "identityMasked"), False),
        (YUCHENG_BUREAU, "roster:read pii:read", 200, [], False),
        (WUHOU_BUREAU, "roster:read pii:read", 200, [], True),
    ],
    ids=["anonymous", "wrong scope", "wrong agency", "right caller"],
)
async def test_node_and_entities_guard_personal_data_as_mediator_does(
    demo: Graph,
    as_agency: AsAgency,
    gql: GraphQLClient,
    agency: str | None,
    scopes: str,
    status: int,
    refusals: list[tuple[str, str]],
    sees: bool,
) -> None:
    who = await caller(as_agency, gql, agency, scopes)
    mediator_id = WUHOU_MEDIATOR["id"]
    before = await graph_size(demo)

    body = await who(THREE_WAYS, id=mediator_id, reps=[{"__typename": "Mediator", "id": mediator_id}])

    props = WUHOU_MEDIATOR["props"]
    direct = body["data"]["mediator"]
    assert who.last is not None and who.last.status_code == status
    assert (direct["name"], direct["phone"], direct["identityMasked"]) == (
        props["name"],
        props["phone"] if sees else None,
        props["identityMasked"] if sees else None,
    )
    assert body["data"]["node"] == direct
    assert body["data"]["_entities"] == [direct]
    assert refusals_by_root(body) == {root: refusals for root in ROOTS}
    assert await graph_size(demo) == before


# --- 3. /graphql refuses a bad token before GraphQL runs -------------------------------------------------


def challenge(description: str) -> str:
    return f'Bearer realm="mediation-registry", error="invalid_token", error_description="{description}"'


Forge = Callable[[dict[str, Any], ECKey], str]
"""A bad token from the claims of a real one and the server's signing key."""


def resigned(claims: dict[str, Any], key: ECKey, **changes: Any) -> str:
    return sign(claims | changes, key)


def expired(claims: dict[str, Any], key: ECKey) -> str:
    now = int(time.time())
    return resigned(claims, key, iat=now - 600, exp=now - 120)


def other_audience(claims: dict[str, Any], key: ECKey) -> str:
    return resigned(claims, key, aud="https://other.test/api")


def other_issuer(claims: dict[str, Any], key: ECKey) -> str:
    return resigned(claims, key, iss="https://evil.test")


def unknown_key(claims: dict[str, Any], key: ECKey) -> str:
    return sign(claims, ECKey.generate_key("P-256", parameters={"kid": "not-ours"}))


def hs256_with_the_public_key(claims: dict[str, Any], key: ECKey) -> str:
    public = key.as_dict(private=False)
    header = b64(json.dumps({"alg": "HS256", "typ": "at+jwt", "kid": public["kid"]}).encode())
    payload = b64(json.dumps(claims).encode())
    signature = hmac.new(json.dumps(public).encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def unsigned(claims: dict[str, Any], key: ECKey) -> str:
    header = b64(json.dumps({"alg": "none", "typ": "at+jwt", "kid": key.kid}).encode())
    return f"{header}.{b64(json.dumps(claims).encode())}."


@pytest.mark.parametrize(
    ("forge", "description"),
    [
        (expired, "token expired"),
        (other_audience, "invalid claim: aud"),
        (other_issuer, "unknown issuer"),
        (unknown_key, "unknown key id"),
        (hs256_with_the_public_key, "signing algorithm not allowed"),
        (unsigned, "signing algorithm not allowed"),
    ],
    ids=["expired", "other audience", "other issuer", "unknown key", "HS256 with the public key", "alg none"],
)
async def test_graphql_refuses_a_bad_token_with_invalid_token(
    demo: Graph, client: httpx.AsyncClient, settings: Settings, forge: Forge, description: str
) -> None:
    claims = unverified(await token_for(client, demo, WUHOU_BUREAU, "roster:read pii:read"))[1]
    key = key_store(settings.auth()).current()
    control = GraphQLClient(client, resigned(claims, key))
    forged = GraphQLClient(client, forge(claims, key))

    accepted = await control(PHONE, id=WUHOU_MEDIATOR["id"])
    refused = await forged(PHONE, id=WUHOU_MEDIATOR["id"])

    assert control.last is not None and control.last.status_code == 200
    assert accepted["data"]["mediator"]["phone"] == WUHOU_MEDIATOR["props"]["phone"]
    assert forged.last is not None and forged.last.status_code == 401
    assert forged.last.headers["www-authenticate"] == challenge(description)
    assert refused == {"error": "invalid_token", "error_description": description}
