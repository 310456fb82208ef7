"""The request surface (issue #12): body limits, malformed bodies, `_entities`, and bad tokens per address."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from app import Settings
from graph.core.driver import Graph
from schema.core.body import MAX_BODY_BYTES, MAX_JSON_DEPTH
from schema.core.limits import MAX_REPRESENTATIONS
from seed.roster import stable_id
from tests.conftest import token_for
from tests.helpers.serving import post, serving

JSON = {"content-type": "application/json"}
WIDE_QUERY = "organizations(first: 100) { edges { node { members { mediator { memberships { organization { name } } } } } } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id name } } }"


def padded(size: int) -> bytes:
    """A valid GraphQL request body of exactly `size` bytes (a long unused variable)."""
    head = b'{"query": "{ __typename }", "variables": {"pad": "'
    tail = b'"}}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


# --- body size ---------------------------------------------------------------------------------------


async def test_a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_413(
    graph: Graph, client: httpx.AsyncClient
) -> None:
    fits = await client.post("/graphql", content=padded(MAX_BODY_BYTES), headers=JSON)
    over = await client.post("/graphql", content=padded(MAX_BODY_BYTES + 1), headers=JSON)

    assert (fits.status_code, fits.json()) == (200, {"data": {"__typename": "Query"}})
    assert (over.status_code, over.text) == (413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")


async def test_an_oversized_declared_length_is_refused_before_the_body_is_read(
    graph: Graph, client: httpx.AsyncClient
) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b"x" * 65536

    headers = {**JSON, "content-length": str(100 * 65536)}
    response = await client.post("/graphql", content=chunks(), headers=headers)

    assert response.status_code == 413
    assert len(sent) <= 1  # the transport may have handed over the first chunk; nobody asked for the rest


async def test_a_chunked_body_is_counted_while_it_is_read(graph: Graph, client: httpx.AsyncClient) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b"x" * 65536

    response = await client.post("/graphql", content=chunks(), headers=JSON)  # no content-length: chunked

    assert response.status_code == 413
    assert len(sent) == MAX_BODY_BYTES // 65536 + 1  # reading stopped at the chunk that passed the limit


async def test_the_body_limit_is_a_setting(graph: Graph, settings: Settings) -> None:
    async with serving(graph, settings, max_body_bytes=1000) as http:
        response = await http.post("/graphql", content=padded(1001), headers=JSON)

    assert (response.status_code, response.text) == (413, "The request body is larger than 1000 bytes.")


async def test_the_roster_import_has_its_own_limit_as_a_setting(demo: Graph, settings: Settings) -> None:
    async with serving(demo, settings, max_import_bytes=1000) as http:
        token = await token_for(http, demo, "成都市武侯区司法局", "roster:write")
        response = await http.post(
            "/roster/import",
            content=b"x" * 1001,
            headers={"authorization": f"Bearer {token}", "content-type": "text/csv"},
        )

    assert response.status_code == 413
    assert response.json()["error_description"] == "A roster file is at most 1000 bytes."


# --- malformed bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": "{ __typename \xff }"}', "The request body is not valid UTF-8 (byte 24)."),
        (b'"{ __typename }"', 'The request body must be a JSON object: {"query": "...", "variables": {...}}.'),
        (b"42", 'The request body must be a JSON object: {"query": "...", "variables": {...}}.'),
        (
            b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}",
            f"The request body nests arrays or objects deeper than {MAX_JSON_DEPTH} levels.",
        ),
        (
            b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 100 + b"]" * 100 + b"}}",
            f"The request body nests arrays or objects deeper than {MAX_JSON_DEPTH} levels.",
        ),
    ],
    ids=["invalid-utf8", "json-string", "json-number", "10000-deep", "100-deep"],
)
async def test_a_malformed_body_is_a_400_with_a_clear_message(
    graph: Graph, client: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await client.post("/graphql", content=body, headers=JSON)

    assert (response.status_code, response.text) == (400, message)
    assert graph.round_trips.count == 0


async def test_variables_nested_to_the_limit_pass_the_body_check(graph: Graph, client: httpx.AsyncClient) -> None:
    nested = json.loads("[" * (MAX_JSON_DEPTH - 2) + "]" * (MAX_JSON_DEPTH - 2))
    response = await post(client, "{ __typename }", variables={"x": nested})

    assert (response.status_code, response.json()) == (200, {"data": {"__typename": "Query"}})


# --- _entities ---------------------------------------------------------------------------------------


def organizations(count: int) -> list[dict[str, str]]:
    return [{"__typename": "Organization", "id": stable_id("organization", str(i))} for i in range(count)]


async def test_more_representations_than_the_cap_are_refused_before_any_statement(
    graph: Graph, client: httpx.AsyncClient
) -> None:
    response = await post(client, ENTITIES, variables={"r": organizations(MAX_REPRESENTATIONS + 1)})

    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == (
        f"`_entities` takes at most {MAX_REPRESENTATIONS} representations; {MAX_REPRESENTATIONS + 1} were given."
    )
    assert graph.round_trips.count == 0


async def test_the_cap_of_representations_resolves(graph: Graph, client: httpx.AsyncClient) -> None:
    response = await post(client, ENTITIES, variables={"r": organizations(MAX_REPRESENTATIONS)})

    assert response.json() == {"data": {"_entities": [None] * MAX_REPRESENTATIONS}}


async def test_representations_count_in_the_cost(graph: Graph, client: httpx.AsyncClient) -> None:
    selection = "... on Organization { members { mediator { memberships { organization { members { mediator { name } } } } } } }"
    query = "query($r: [_Any!]!) { _entities(representations: $r) { " + selection + " } }"

    response = await post(client, query, variables={"r": organizations(MAX_REPRESENTATIONS)})

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 1 + MAX_REPRESENTATIONS * 2221  # each as one organization of NESTED
    assert graph.round_trips.count == 0


@pytest.mark.parametrize(
    ("representation", "message"),
    [
        ({"__typename": "Organization", "id": "x", "name": "y"}, "A representation of Organization has only `id`; got `name`."),
        ({"id": "x"}, "Each representation names its `__typename`."),
        ({"__typename": "Nothing", "id": "x"}, "`Nothing` is not an entity of this service."),
        ({"__typename": "Organization"}, "A representation of Organization needs `id`."),
    ],
    ids=["unknown-key", "no-typename", "unknown-type", "missing-id"],
)
async def test_a_bad_representation_is_a_validation_error(
    graph: Graph, client: httpx.AsyncClient, representation: dict[str, str], message: str
) -> None:
    response = await post(client, ENTITIES, variables={"r": [representation]})

    body = response.json()
    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [(message, "BAD_USER_INPUT")]
    assert graph.round_trips.count == 0


# --- bad tokens per address --------------------------------------------------------------------------


async def test_invalid_tokens_are_rate_limited_per_address(graph: Graph, settings: Settings) -> None:
    async with serving(graph, settings, rate_per_second=0.001, rate_burst=3) as http:
        statuses = [(await post(http, "{ __typename }", token="not-a-token")).status_code for _ in range(4)]
        anonymous = await post(http, "{ __typename }")

    assert statuses == [401, 401, 401, 429]
    assert anonymous.status_code == 429  # the same address: its bucket is empty


@pytest.mark.parametrize(
    ("trusted", "statuses"),
    [("127.0.0.1", [200, 200, 429]), ("", [200, 429, 429]), ("10.0.0.9", [200, 429, 429])],
    ids=["peer-is-a-named-proxy", "no-proxy-named", "another-proxy-named"],
)
async def test_forwarded_for_is_trusted_only_from_named_proxies(
    graph: Graph, settings: Settings, trusted: str, statuses: list[int]
) -> None:
    """The peer is 127.0.0.1: its `X-Forwarded-For` names the caller (and its bucket) only when it is named."""
    changes = {"rate_per_second": 0.001, "rate_burst": 1, "trusted_proxies": trusted}
    async with serving(graph, settings, **changes) as http:
        answers = [
            await http.post("/graphql", json={"query": "{ __typename }"}, headers={"x-forwarded-for": address})
            for address in ("203.0.113.7", "203.0.113.8", "203.0.113.7")
        ]

    assert [answer.status_code for answer in answers] == statuses


# --- one request does not stall the others -----------------------------------------------------------


async def test_healthz_answers_while_the_heaviest_allowed_request_runs(demo: Graph, client: httpx.AsyncClient) -> None:
    """A body at the limit (decoded off the event loop) with a query near the budget; /healthz is polled meanwhile.

    The bound is generous (the machine is shared); the figures are printed for the record (`-s`)."""
    query = "query($pad: String) { " + WIDE_QUERY + " }"
    body = json.dumps({"query": query, "variables": {"pad": "x" * (MAX_BODY_BYTES - 400)}}).encode()
    assert len(body) <= MAX_BODY_BYTES
    began = time.perf_counter()
    heavy = asyncio.create_task(client.post("/graphql", content=body, headers=JSON))
    latencies: list[float] = []
    while not heavy.done():
        started = time.perf_counter()
        assert (await client.get("/healthz")).status_code == 200
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.005)
    answer = await heavy
    took = time.perf_counter() - began

    assert answer.status_code == 200, answer.text
    worst = max(latencies) * 1000
    print(f"healthz during the heavy request: {len(latencies)} polls, max {worst:.1f} ms; it took {took * 1000:.0f} ms")
    assert latencies  # at least one poll overlapped the heavy request
    assert max(latencies) < 1.0
