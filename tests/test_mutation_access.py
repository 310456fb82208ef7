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
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    parse,
    validate,
)
from graphql.pyutils import Undefined
from joserfc.jwk import ECKey
from strawberry.permission import PermissionExtension

from app import Settings
from auth import key_store
from auth.scopes import AGENCY_KINDS, Scope
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind
from schema.core.build import build_schema
from schema.core.permissions import HasScope
from seed.demo import PLATFORM_ADMIN, load_demo
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient, token_for
from tests.oauth_app import b64, sign, unverified
from tests.test_access import (
    ACFTU,
    PHONE,
    WUHOU_BUREAU,
    WUHOU_COURT,
    WUHOU_MEDIATOR,
    YUCHENG_BUREAU,
    caller,
)


def mutation_type() -> GraphQLObjectType:
    """The Mutation type of the schema the app serves, walked at collection time: a new mutation is covered."""
    kind = build_schema()._schema.mutation_type
    assert kind is not None
    return kind


MUTATION = mutation_type()
MUTATIONS = sorted(MUTATION.fields)

AGENCY_OF_KIND: dict[AgencyKind, str] = {
    AgencyKind.JUDICIAL_BUREAU: WUHOU_BUREAU,
    AgencyKind.COURT: WUHOU_COURT,
    AgencyKind.PARTNER_AGENCY: ACFTU,
    AgencyKind.PLATFORM_ADMIN: PLATFORM_ADMIN,
}
"""A demo agency of each kind."""


def writer_for(name: str) -> str:
    """A demo agency of the first kind the table beside the scopes (`auth.scopes.AGENCY_KINDS`) lets run `name`."""
    assert name in AGENCY_KINDS, f"{name} has no agency kinds in auth.scopes.AGENCY_KINDS"
    return AGENCY_OF_KIND[AGENCY_KINDS[name][0]]


SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": "2026-01-01",
    "DateTime": "2026-01-01T00:00:00+00:00",
    "JSON": {},
}


@pytest.fixture(scope="module")
async def demo_once(session_graph: Graph) -> Graph:
    """The demo data, loaded once for this module: its tests write nothing but OAuth clients (or fail)."""
    await session_graph.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    await load_demo(session_graph, hash_key=HASH_KEY)
    return session_graph


@pytest.fixture
def graph(demo_once: Graph) -> Graph:
    """Overrides conftest's `graph` (which empties the graph for every test), so `client` serves the demo."""
    demo_once.round_trips.count = 0
    return demo_once


@pytest.fixture
def demo(graph: Graph) -> Graph:
    return graph


async def graph_size(graph: Graph) -> dict[str, Any]:
    """Nodes, edges and the sum of record versions, without OAuth clients (tokens are issued during the tests).

    Three plain reads: `COUNT { ()-->() }` (tests/test_access.py) takes seconds on the embedded server.
    """
    nodes = await graph.read("MATCH (n) WHERE NOT n:OAuthClient RETURN count(n) AS nodes")
    edges = await graph.read("MATCH (a)-[r]->() WHERE NOT a:OAuthClient RETURN count(r) AS edges")
    versions = await graph.read("MATCH (n) WHERE n.version IS NOT NULL RETURN sum(n.version) AS versions")
    return nodes[0] | edges[0] | versions[0]


# --- building an operation from the schema -----------------------------------------------------------


def required_scope(field: GraphQLField) -> Scope | None:
    """The scope the field's permission extension asks for, from the strawberry definition behind it."""
    definition = field.extensions["strawberry-definition"]
    scopes = [
        permission.scope
        for extension in definition.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
        if isinstance(permission, HasScope)
    ]
    assert len(scopes) <= 1, f"more than one scope: {scopes}"
    return scopes[0] if scopes else None


def is_required(argument: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


def dummy(kind: GraphQLInputType) -> Any:
    """A value of the type that passes GraphQL coercion: required input fields only, one-element lists."""
    if isinstance(kind, GraphQLNonNull):
        return dummy(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [dummy(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {name: dummy(field.type) for name, field in kind.fields.items() if is_required(field)}
    assert isinstance(kind, GraphQLScalarType)
    if kind.name == "ID":
        return str(uuid.uuid4())
    if kind.name not in SCALARS:
        raise LookupError(f"no dummy value for the scalar {kind.name}: add one to SCALARS")
    return SCALARS[kind.name]


def operation(name: str) -> tuple[str, dict[str, Any]]:
    """`mutation($a: T!, ...) { name(a: $a, ...) { __typename } }` with dummy values for the required arguments."""
    arguments = {arg: argument for arg, argument in MUTATION.fields[name].args.items() if is_required(argument)}
    variables = {arg: dummy(argument.type) for arg, argument in arguments.items()}
    declared = ", ".join(f"${arg}: {argument.type}" for arg, argument in arguments.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in arguments)
    return (
        f"mutation{f'({declared})' if declared else ''} {{ {name}{f'({passed})' if passed else ''} {{ __typename }} }}",
        variables,
    )


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
