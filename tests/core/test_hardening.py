"""The endpoint under attack (issue #3): graphql-cop's probes, each limit and each refusal.

Every abusive operation is refused with a clear error before any statement reaches the graph
(`round_trips.count == 0`); an operation just under each limit still works.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from strawberry.extensions.validation_cache import _get_validate_cache

from app import Settings
from auth.clients import create_client
from auth.scopes import parse_scopes
from graph.core.driver import Graph
from schema.core.build import DOCUMENT_CACHE, MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from schema.core.limits import MAX_DIRECTIVES, MAX_REPEATS, CostLimit
from seed.roster import stable_id
from tests.conftest import ISSUER, AsAgency, GraphQLClient, token_for
from tests.helpers.oauth_app import basic
from tests.helpers.serving import post, serving

BUREAU = "成都市武侯区司法局"
VALIDATION = "GRAPHQL_VALIDATION_FAILED"
BUDGET = CostLimit.budget
COUNT = "{ organizations { totalCount } }"
"""An operation that reads the graph: refusing it must leave `round_trips` at 0."""

# --- helpers -----------------------------------------------------------------------------------------


def refused(response: httpx.Response, code: str = VALIDATION) -> list[str]:
    """The messages of an operation refused as a whole: no data, every error with `code`."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == [code] * len(body["errors"])
    return [error["message"] for error in body["errors"]]


def answered(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def aliases(count: int, prefix: str = "a") -> str:
    return " ".join(f"{prefix}{i}: __typename" for i in range(count))


def deep(levels: int) -> str:
    """Jurisdictions with `levels` nested parents: the field `name` lies at depth `levels + 2`."""
    return "jurisdictions { nodes { " + "parent { " * levels + "name" + " }" * levels + " } }"


def tokens(count: int) -> str:
    """A valid document of exactly `count` tokens: operations `query Qn { __typename }` of 5 tokens each."""
    operations = [f"query Q{i} {{ __typename }}" for i in range(count // 5)]
    operations[0] = "query Q0 { " + "__typename " * (1 + count % 5) + "}"
    return " ".join(operations)


NESTED = (
    "organizations(first: %s) { edges { node { members { mediator { memberships"
    " { organization { members { mediator { name } } } } } } } } }"
)
"""Cost 1 + first × 2223: a page of organizations, each with ten members, ten memberships, ten members."""
BY_VARIABLE = "query($first: Int) { %s }" % (NESTED % "$first")
WIDE = "organizations(first: 100) { edges { node { members { mediator { memberships { organization { name } } } } } } }"
"""Cost 22301."""


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# --- limits: depth, aliases, tokens ------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["{ %s }", "{ ...F } fragment F on Query { %s }"], ids=["inline", "fragment"])
async def test_a_query_deeper_than_the_limit_is_refused_before_it_runs(
    graph: Graph, client: httpx.AsyncClient, shape: str
) -> None:
    under = await post(client, shape % deep(MAX_DEPTH - 2))
    graph.round_trips.count = 0

    response = await post(client, shape % deep(MAX_DEPTH - 1))

    assert refused(response) == [f"'anonymous' exceeds maximum operation depth of {MAX_DEPTH}"]
    assert graph.round_trips.count == 0
    assert answered(under) == {"jurisdictions": {"nodes": []}}


@pytest.mark.parametrize(
    ("query", "count"),
    [
        (f"{{ {aliases(MAX_ALIASES + 1)} }}", 31),
        (f"{{ ...A ...B }} fragment A on Query {{ {aliases(16)} }} fragment B on Query {{ {aliases(15, 'b')} }}", 31),
        (f"{{ ...A ...A ...A ...A }} fragment A on Query {{ {aliases(8)} }}", 32),
        (f"{{ ...A }} fragment A on Query {{ ...B x: __typename }} fragment B on Query {{ {aliases(MAX_ALIASES)} }}", 31),
    ],
    ids=["flat", "two-fragments", "one-fragment-spread-four-times", "nested-fragments"],
)
async def test_more_aliases_than_the_limit_are_refused_even_inside_fragments(
    graph: Graph, client: httpx.AsyncClient, query: str, count: int
) -> None:
    response = await post(client, query)

    assert refused(response) == [f"{count} aliases found. Allowed: {MAX_ALIASES}"]
    assert graph.round_trips.count == 0


async def test_a_document_seen_before_is_not_validated_again(graph: Graph, client: httpx.AsyncClient) -> None:
    """The limits' rules are the same classes on every request, so the validation cache keys hit (a rule made per
    request made every request validate again: a sixth of the API's CPU on the directory search)."""
    cached: Any = _get_validate_cache(DOCUMENT_CACHE)  # an lru_cache wrapper
    query = "{ jurisdictions(first: 1) { nodes { code } } }"
    await post(client, query)
    before = cached.cache_info()

    for _ in range(3):
        answered(await post(client, query))

    after = cached.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (3, 0)


async def test_as_many_aliases_as_the_limit_work(graph: Graph, client: httpx.AsyncClient) -> None:
    response = await post(client, f"{{ ...A }} fragment A on Query {{ {aliases(MAX_ALIASES)} }}")

    assert answered(response) == {f"a{i}": "Query" for i in range(MAX_ALIASES)}


async def test_more_tokens_than_the_limit_are_refused_and_exactly_the_limit_works(
    graph: Graph, client: httpx.AsyncClient
) -> None:
    over = await post(client, tokens(MAX_TOKENS + 1), operationName="Q0")
    at_limit = await post(client, tokens(MAX_TOKENS), operationName="Q0")

    assert refused(over) == [f"Syntax Error: Document contains more than {MAX_TOKENS} tokens. Parsing aborted."]
    assert answered(at_limit) == {"__typename": "Query"}


# --- limits: cost and page size ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        (f"{{ {NESTED % 100} }}", {}, 222_301),
        (BY_VARIABLE, {"first": 100}, 222_301),
        (BY_VARIABLE, {"first": 23}, 51_130),
        (BY_VARIABLE.replace("$first: Int", "$first: Int = 100"), {}, 222_301),
        (f"{{ a: {WIDE} b: {WIDE} c: {WIDE} }}", {}, 66_903),
    ],
    ids=["literal", "variable", "variable-just-over", "variable-default", "three-connections"],
)
async def test_a_query_over_the_cost_budget_is_refused_before_it_runs(
    demo: Graph, client: httpx.AsyncClient, query: str, variables: dict[str, int], cost: int
) -> None:
    response = await post(client, query, variables=variables)

    body = response.json()
    assert refused(response, "QUERY_TOO_COSTLY") == [
        f"The query would cost {cost}, over the budget of {BUDGET}: ask for smaller pages or fewer nested lists."
    ]
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": BUDGET}
    assert demo.round_trips.count == 0


@pytest.mark.parametrize(
    ("query", "variables", "pages"),
    [(BY_VARIABLE, {"first": 22}, {"organizations": 22}), (f"{{ a: {WIDE} b: {WIDE} }}", {}, {"a": 93, "b": 93})],
    ids=["nested-cost-48907", "two-connections-cost-44602"],
)
async def test_a_query_just_under_the_budget_runs(
    demo: Graph, client: httpx.AsyncClient, query: str, variables: dict[str, int], pages: dict[str, int]
) -> None:
    data = answered(await post(client, query, variables=variables))

    assert {name: len(page["edges"]) for name, page in data.items()} == pages


async def page(http: httpx.AsyncClient, size: int, *, by_variable: bool) -> httpx.Response:
    if by_variable:
        return await post(http, "query($n: Int) { organizations(first: $n) { totalCount } }", variables={"n": size})
    return await post(http, f"{{ organizations(first: {size}) {{ totalCount }} }}")


@pytest.mark.parametrize("by_variable", [False, True], ids=["literal", "variable"])
async def test_a_page_larger_than_100_is_refused(graph: Graph, client: httpx.AsyncClient, by_variable: bool) -> None:
    response = await page(client, 101, by_variable=by_variable)

    assert refused(response, "BAD_USER_INPUT") == ["`first` must be between 0 and 100."]
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert graph.round_trips.count == 0
    assert answered(await page(client, 100, by_variable=by_variable)) == {"organizations": {"totalCount": 0}}


# --- graphql-cop: batching, duplication, directives, circular fragments ------------------------------


async def test_a_batch_of_operations_is_refused(graph: Graph, client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json=[{"query": COUNT}] * 10)

    assert (response.status_code, response.text) == (400, "Batching is not enabled")
    assert graph.round_trips.count == 0


@pytest.mark.parametrize(
    "query",
    [
        f"{{ {'__typename ' * (MAX_REPEATS + 1)} }}",
        f"{{ {'__typename ' * 500} }}",
        f"{{ ...A ...B }} fragment A on Query {{ {'__typename ' * 6} }} fragment B on Query {{ {'__typename ' * 6} }}",
        f"{{ {'... on Query { __typename } ' * (MAX_REPEATS + 1)} }}",
    ],
    ids=["eleven", "graphql-cop-500", "in-fragment-spreads", "in-inline-fragments"],
)
async def test_a_field_selected_more_than_max_repeats_times_is_refused(
    graph: Graph, client: httpx.AsyncClient, query: str
) -> None:
    response = await post(client, query)

    assert refused(response) == [f"`__typename` is selected more than {MAX_REPEATS} times."]
    assert graph.round_trips.count == 0
    assert answered(await post(client, "{ %s }" % ("__typename " * MAX_REPEATS))) == {"__typename": "Query"}


@pytest.mark.parametrize(
    ("directive", "also"),
    [
        ("@include(if: true)", "The directive '@include' can only be used once at this location."),
        ("@aa", "Unknown directive '@aa'."),
    ],
    ids=["repeated-include", "unknown"],
)
async def test_directive_overloading_is_refused(
    graph: Graph, client: httpx.AsyncClient, directive: str, also: str
) -> None:
    response = await post(client, "query { organizations %s { totalCount } }" % (f"{directive} " * 50))

    messages = refused(response)
    assert messages.count(f"More than {MAX_DIRECTIVES} directives on one field.") == 1
    assert set(messages) == {f"More than {MAX_DIRECTIVES} directives on one field.", also}
    assert graph.round_trips.count == 0


async def test_circular_fragments_are_refused(graph: Graph, client: httpx.AsyncClient) -> None:
    query = "{ ...A } fragment A on Query { organizations { totalCount } ...B } fragment B on Query { ...A }"

    response = await post(client, query)

    assert refused(response) == ["Cannot spread fragment 'A' within itself via 'B'."]
    assert graph.round_trips.count == 0


# --- graphql-cop: CSRF probes over GET and form posts ------------------------------------------------


async def test_a_query_over_get_is_refused_by_default(graph: Graph, client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": COUNT})

    assert (response.status_code, response.text) == (400, "queries are not allowed when using GET")
    assert graph.round_trips.count == 0


async def test_a_mutation_over_get_is_refused_even_when_get_queries_are_allowed(
    graph: Graph, settings: Settings
) -> None:
    async with serving(graph, settings, allow_get_queries=True) as http:
        allowed = await http.get("/graphql", params={"query": "{ __typename }"})
        response = await http.get("/graphql", params={"query": "mutation { __typename }"})

    assert answered(allowed) == {"__typename": "Query"}
    assert (response.status_code, response.text) == (400, "mutations are not allowed when using GET")
    assert graph.round_trips.count == 0


async def test_a_url_encoded_post_is_refused(graph: Graph, client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", data={"query": COUNT})

    assert (response.status_code, response.text) == (400, "Unsupported content type")
    assert graph.round_trips.count == 0


# --- graphql-cop: suggestions, introspection, unhandled errors ---------------------------------------


@pytest.mark.parametrize(
    ("introspection", "message"),
    [
        (False, "Cannot query field 'nodez' on type 'OrganizationConnection'."),
        (True, "Cannot query field 'nodez' on type 'OrganizationConnection'. Did you mean 'nodes'?"),
    ],
    ids=["production", "introspection-on"],
)
async def test_field_suggestions_only_with_introspection(
    graph: Graph, settings: Settings, introspection: bool, message: str
) -> None:
    async with serving(graph, settings, introspection=introspection) as http:
        response = await post(http, "{ organizations { nodez } }")

    assert refused(response) == [message]


INTROSPECTION = [
    ("{ __schema { queryType { name } } }", "__schema", {"__schema": {"queryType": {"name": "Query"}}}),
    ('{ __type(name: "Query") { name } }', "__type", {"__type": {"name": "Query"}}),
]


@pytest.mark.parametrize(("query", "field", "data"), INTROSPECTION, ids=["__schema", "__type"])
async def test_introspection_is_refused_in_production_and_allowed_when_enabled(
    graph: Graph, settings: Settings, query: str, field: str, data: dict[str, Any]
) -> None:
    async with serving(graph, settings) as production, serving(graph, settings, introspection=True) as enabled:
        refusal = await post(production, query)
        allowed = await post(enabled, query)

    disabled = "GraphQL introspection has been disabled, but the requested query contained the field '{}'."
    assert refused(refusal)[0] == disabled.format(field)
    assert answered(allowed) == data


async def test_the_federation_sdl_is_refused_in_production_and_allowed_when_enabled(
    graph: Graph, settings: Settings
) -> None:
    async with serving(graph, settings) as production, serving(graph, settings, introspection=True) as enabled:
        refusal = await post(production, "{ _service { sdl } }")
        allowed = await post(enabled, "{ _service { sdl } }")

    assert refused(refusal) == ["Introspection is disabled."]
    assert "type Query {" in answered(allowed)["_service"]["sdl"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": "{ organizations { totalCount } ', "Unable to parse request body as JSON"),
        (b'{"query": 42}', "The GraphQL operation's `query` must be a string or null, if provided."),
        (b'{"query": "{ __typename }", "variables": "x"}',
         "The GraphQL operation's `variables` must be an object or null, if provided."),
    ],
    ids=["malformed-json", "query-not-a-string", "variables-not-an-object"],
)
async def test_a_malformed_request_is_a_400_without_a_stack_trace(
    graph: Graph, client: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await client.post("/graphql", content=body, headers={"content-type": "application/json"})

    assert (response.status_code, response.text) == (400, message)
    assert "Traceback" not in response.text
    assert graph.round_trips.count == 0


# --- rate limit --------------------------------------------------------------------------------------


async def test_the_third_request_of_a_client_within_the_burst_is_limited_and_others_are_not(
    demo: Graph, settings: Settings
) -> None:
    async with serving(demo, settings, rate_per_second=0.001, rate_burst=2) as http:
        mine = await token_for(http, demo, BUREAU, "roster:read")
        others = await token_for(http, demo, BUREAU, "roster:read")
        first, second, third = [await post(http, "{ __typename }", token=mine) for _ in range(3)]
        other = await post(http, "{ __typename }", token=others)

    assert [first.status_code, second.status_code] == [200, 200]
    assert (third.status_code, third.json()) == (429, {"error": "rate_limited"})
    assert 990 <= int(third.headers["retry-after"]) <= 1000  # one token back at 0.001 a second, rounded up
    assert answered(other) == {"__typename": "Query"}


# --- tokens at /graphql ------------------------------------------------------------------------------


MakeToken = Callable[[httpx.AsyncClient, Graph], Awaitable[str]]


async def tampered(http: httpx.AsyncClient, graph: Graph) -> str:
    header, payload, signature = (await token_for(http, graph, BUREAU, "roster:read")).split(".")
    return ".".join([header, payload, ("B" if signature[0] == "A" else "A") + signature[1:]])


async def garbage(http: httpx.AsyncClient, graph: Graph) -> str:
    """Shaped like an access token of this issuer, long expired, signed with nothing."""
    return ".".join([b64({"alg": "ES256", "typ": "at+jwt", "kid": "k1"}), b64({"iss": ISSUER, "exp": 1}), "c2ln"])


async def revoked(http: httpx.AsyncClient, graph: Graph) -> str:
    agency, scopes = stable_id("agency", BUREAU), parse_scopes("roster:read")
    client_id, secret = await create_client(graph, agency_id=agency, scopes=scopes)
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    token: str = (await http.post("/oauth/token", data=form)).json()["access_token"]
    response = await http.post("/oauth/revoke", data={"token": token}, headers=basic(client_id, secret))
    assert response.status_code == 200, response.text
    return token


@pytest.mark.parametrize(
    ("make", "description", "lookups"),
    [(tampered, "signature verification failed", 0), (garbage, "unknown key id", 0), (revoked, "token revoked", 1)],
    ids=["tampered", "garbage", "revoked"],
)
async def test_a_bad_token_gets_401_with_a_challenge_and_nothing_runs(
    demo: Graph, client: httpx.AsyncClient, make: MakeToken, description: str, lookups: int
) -> None:
    token = await make(client, demo)
    demo.round_trips.count = 0

    response = await post(client, COUNT, token=token)

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_token", "error_description": description}
    assert response.headers["www-authenticate"] == (
        f'Bearer realm="mediation-registry", error="invalid_token", error_description="{description}"'
    )
    assert demo.round_trips.count == lookups  # the revocation check only, no statement of the query


async def test_a_token_without_the_scope_gets_403_for_a_protected_field(demo: Graph, as_agency: AsAgency) -> None:
    gql = await as_agency(BUREAU, "pii:read")

    body = await gql("{ mediators(first: 1) { nodes { birthYear } } }")

    assert gql.last is not None and gql.last.status_code == 403
    assert gql.last.headers["www-authenticate"] == (
        'Bearer realm="mediation-registry", error="insufficient_scope",'
        ' error_description="the roster:read scope is required", scope="roster:read"'
    )
    assert body["data"] == {"mediators": {"nodes": [{"birthYear": None}]}}
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "scope": "roster:read"}


async def test_an_anonymous_caller_gets_401_for_a_protected_field(demo: Graph, gql: GraphQLClient) -> None:
    body = await gql("{ mediators(first: 1) { nodes { birthYear } } }")

    assert gql.last is not None and gql.last.status_code == 401
    assert gql.last.headers["www-authenticate"] == 'Bearer realm="mediation-registry"'
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED", "scope": "roster:read"}
