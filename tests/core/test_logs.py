"""The logs: JSON lines with their fields, the request id on every line of a request, and no personal data."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from app import Settings, create_app
from auth.clients import create_client, disable_client
from auth.scopes import parse_scopes
from graph.core.driver import Graph
from graph.core.migrations import LATEST, apply_migrations, migration
from logs import MAX_REQUEST_ID, QUIET_LOGGERS, configure, log_handler
from seed.roster import stable_id
from tests.conftest import token_for
from tests.helpers.filing import identity
from tests.helpers.oauth_app import BUREAU
from tests.helpers.roster_files import committee, csv_text, skeleton

WUHOU = "成都市武侯区司法局"
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
NEW_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class Captured:
    stream: io.StringIO

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def text(self) -> str:
        return self.stream.getvalue()

    def mark(self) -> int:
        return len(self.stream.getvalue().splitlines())

    def since(self, mark: int) -> list[dict[str, Any]]:
        return self.lines()[mark:]


@pytest.fixture
def captured() -> Iterator[Captured]:
    """Every record from INFO up, through the registry's own JSON handler on the root logger; not the lines of the
    test's own HTTP client."""
    stream = io.StringIO()
    handler = log_handler("json", stream)
    handler.addFilter(lambda record: not record.name.startswith("httpx"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield Captured(stream)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def named(lines: list[dict[str, Any]], message: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["message"] == message]


def test_a_json_line_has_the_time_level_logger_message_request_id_and_fields(captured: Captured) -> None:
    logging.getLogger("registry.test").warning("something %s", "happened", extra={"count": 3, "agency": "甲"})

    [line] = captured.lines()
    assert ISO_UTC.fullmatch(line.pop("time")), line
    assert line == {
        "level": "WARNING", "logger": "registry.test", "message": "something happened", "request_id": None,
        "count": 3, "agency": "甲",
    }


def test_a_line_outside_a_request_has_no_request_id_and_a_traceback_is_kept() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("registry.test.text")
    logger.addHandler(handler := log_handler("text", stream))
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logger.error("it failed", extra={"version": 3, "name_of": "a b"}, exc_info=True)
    finally:
        logger.removeHandler(handler)

    first, *rest = stream.getvalue().splitlines()
    assert re.fullmatch(r"\S+Z ERROR registry.test.text \[-\] it failed version=3 name_of=\"a b\"", first), first
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: boom"


async def test_the_request_id_from_the_header_is_echoed_and_on_every_line(
    graph: Graph, client: httpx.AsyncClient, captured: Captured
) -> None:
    response = await client.get("/healthz", headers={"x-request-id": "gw-7f3a:01.b_c"})

    assert response.headers["x-request-id"] == "gw-7f3a:01.b_c"
    [access] = captured.lines()
    assert ISO_UTC.fullmatch(access.pop("time"))
    assert access.pop("duration_ms") >= 0
    assert access == {
        "level": "INFO", "logger": "registry.access", "message": "request", "request_id": "gw-7f3a:01.b_c",
        "method": "GET", "path": "/healthz", "status": 200,
    }


@pytest.mark.parametrize(
    "offered",
    ["x" * (MAX_REQUEST_ID + 1), "id\x01with-control", "id with spaces", "\"quoted\"", "a\u00e9b", ""],
)
async def test_a_malformed_request_id_is_replaced(
    graph: Graph, client: httpx.AsyncClient, captured: Captured, offered: str
) -> None:
    response = await client.get("/healthz", headers={b"x-request-id": offered.encode("latin-1")})

    given = response.headers["x-request-id"]
    assert NEW_ID.fullmatch(given), given
    assert [line["request_id"] for line in captured.lines()] == [given]


async def test_a_graphql_error_names_the_request_the_log_names(
    graph: Graph, client: httpx.AsyncClient, captured: Captured
) -> None:
    """GraphQL (and the upload route) take the id the middleware set: the audit trail, the error extensions and
    the log agree."""
    response = await client.post("/graphql", json={"query": "{ organizations { nope } }"}, headers={"x-request-id": "r-1"})

    assert response.headers["x-request-id"] == "r-1"
    assert [line["request_id"] for line in captured.lines()] == ["r-1"]


async def test_a_migration_run_logs_each_version_it_applies(graph: Graph, captured: Captured) -> None:
    await graph.write("MATCH (m:Migration {version: $version}) DELETE m", version=LATEST)
    try:
        applied = await apply_migrations(graph)
    finally:
        await apply_migrations(graph)

    assert applied == [LATEST]
    [line] = named(captured.lines(), "migration applied")
    assert (line["version"], line["migration"], line["request_id"]) == (LATEST, migration(LATEST).name, None)


async def test_a_refused_token_logs_its_reason_and_client_never_the_token(
    oauth_graph: Graph, client: httpx.AsyncClient, captured: Captured
) -> None:
    client_id, secret = await create_client(oauth_graph, agency_id=BUREAU, scopes=parse_scopes("roster:read"))
    issued = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )
    token = issued.json()["access_token"]
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    await disable_client(oauth_graph, client_id)

    forged = await client.post("/graphql", json={"query": "{ organizations { totalCount } }"},
                               headers={"authorization": f"Bearer {tampered}", "x-request-id": "forged"})
    disabled = await client.post("/graphql", json={"query": "{ organizations { totalCount } }"},
                                 headers={"authorization": f"Bearer {token}", "x-request-id": "disabled"})

    assert (forged.status_code, disabled.status_code) == (401, 401)
    refused = [(line["request_id"], line["level"], line["reason"], line["client_id"])
                      for line in named(captured.lines(), "token refused")]
    assert refused == [
        ("forged", "WARNING", "signature verification failed", None),
        ("disabled", "WARNING", "client disabled", client_id),
    ]
    assert [line["client_id"] for line in named(captured.lines(), "client disabled")] == [client_id]
    assert token[:40] not in captured.text() and secret not in captured.text()


MEDIATOR = """mutation($input: MediatorInput!, $membership: MembershipInput!) {
  fileMediator(input: $input, membership: $membership) { __typename ... on Problem { code field message } } }"""
ORGANIZATION = """mutation($input: OrganizationInput!) { fileOrganization(input: $input, draft: true) {
  __typename ... on OrganizationSaved { organization { id } } } }"""
NAME, PHONE = "隐私测试员", "13800138000"
NUMBER = identity(77)


async def test_no_personal_data_reaches_the_log_and_each_line_names_its_request(
    demo: Graph, client: httpx.AsyncClient
) -> None:
    """At DEBUG, as configured for `serve` (the driver's parameter-carrying lines held back): a mediator filed with
    a name, an identity number and a phone; the same person filed again (refused: a duplicate); variables that do
    not match the schema; a bad token carrying them. Neither the values, the client's secret nor the token show,
    and every line logged while a request is handled carries that request's id."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure("json", "DEBUG", stream)
    try:
        client_id, secret = await create_client(
            demo, agency_id=stable_id("agency", WUHOU), scopes=parse_scopes("roster:read roster:write")
        )
        issued = await client.post(
            "/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
            headers={"x-request-id": "token"},
        )
        token = issued.json()["access_token"]
        bearer = {"authorization": f"Bearer {token}"}
        person = {"name": NAME, "identityNumber": NUMBER, "employment": "FULL_TIME", "phone": PHONE}
        drafted = await client.post(
            "/graphql", headers={**bearer, "x-request-id": "draft"},
            json={"query": ORGANIZATION, "variables": {"input": {
                "name": "隐私测试人民调解委员会", "kind": "RESIDENTS_COMMITTEE", "jurisdiction": "510107005001",
                "sectors": ["FAMILY"]}}},
        )
        organization = drafted.json()["data"]["fileOrganization"]["organization"]["id"]
        membership = {"organizationId": organization, "role": "MEMBER", "since": "2026-01-01", "until": "2028-12-31"}
        requests = {
            "filed": ({**bearer}, {"input": person, "membership": membership}),
            "again": ({**bearer}, {"input": person, "membership": membership}),
            "mistyped": ({**bearer}, {"input": {**person, "birthName": NAME}, "membership": membership}),
            "badtoken": ({"authorization": f"Bearer {token[:-6]}{NUMBER[:6]}"}, {"input": person, "membership": membership}),
        }
        answers, lines_of = {}, {}
        for rid, (headers, variables) in requests.items():
            mark = len(stream.getvalue().splitlines())
            answers[rid] = await client.post(
                "/graphql", headers={**headers, "x-request-id": rid}, json={"query": MEDIATOR, "variables": variables}
            )
            lines_of[rid] = [json.loads(line) for line in stream.getvalue().splitlines()[mark:]]
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for quiet in QUIET_LOGGERS:
            logging.getLogger(quiet).setLevel(logging.NOTSET)

    assert answers["filed"].json()["data"]["fileMediator"]["__typename"] == "MediatorSaved", answers["filed"].text
    assert answers["again"].json()["data"]["fileMediator"]["__typename"] != "MediatorSaved"
    assert "errors" in answers["mistyped"].json()
    assert answers["badtoken"].status_code == 401
    text = stream.getvalue()
    for secret_value in (NAME, NUMBER, NUMBER[-8:], PHONE, secret, token[-20:], token[:40]):
        assert secret_value not in text
    for rid, lines in lines_of.items():
        server_side = [line for line in lines if not line["logger"].startswith("httpx")]  # the test's own client
        assert server_side, rid
        assert {line["request_id"] for line in server_side} == {rid}, (rid, server_side)
        assert named(server_side, "request")[0]["status"] == answers[rid].status_code
    assert {line.get("client_id") for line in lines_of["filed"] if line["logger"] == "registry.access"} == {client_id}


def _broken(number: str) -> str:
    """The same number with a check character that cannot be right."""
    return number[:-1] + ("0" if number[-1] != "0" else "1")


async def test_an_import_logs_its_counts_and_refusals_never_the_rows(
    graph: Graph, client: httpx.AsyncClient, captured: Captured, tmp_path: Path
) -> None:
    await skeleton(graph)
    token = await token_for(client, graph, WUHOU, "roster:write")
    rows = committee("yl-1")
    broken = [{**row, "identity_number": _broken(row["identity_number"])} if "identity_number" in row else row
              for row in rows]
    headers = {"authorization": f"Bearer {token}", "content-type": "text/csv", "x-request-id": "upload"}

    checked = await client.post("/roster/import?dry_run=true", content=csv_text(rows, tmp_path), headers=headers)
    refused = await client.post("/roster/import", content=csv_text(broken, tmp_path), headers=headers)

    assert (checked.status_code, refused.status_code) == (200, 422), refused.text
    imports = [line for line in captured.lines() if line["logger"] == "registry.roster"]
    assert [(line["message"], line["request_id"], line["agency"], line["rows"]) for line in imports] == [
        ("roster import checked (dry run)", "upload", stable_id("agency", WUHOU), 7),
        ("roster import refused", "upload", stable_id("agency", WUHOU), 7),
    ]
    assert imports[1]["bad_rows"] == len(refused.json()["bad"]) > 0
    values = [row[column] for row in rows + broken for column in ("identity_number", "name") if column in row]
    assert values and not [value for value in values if value in captured.text()]


async def test_a_rate_limit_hit_names_the_caller_s_bucket(graph: Graph, settings: Settings, captured: Captured) -> None:
    app = create_app(settings.model_copy(update={"rate_per_second": 0.001, "rate_burst": 1}), graph=graph)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://registry.test") as http:
        statuses = [(await http.post("/graphql", json={"query": "{ __typename }"}, headers={"x-request-id": f"r{n}"})).status_code
                    for n in range(2)]

    assert statuses == [200, 429]
    [hit] = named(captured.lines(), "rate limit hit")
    assert (hit["level"], hit["request_id"], hit["key"]) == ("WARNING", "r1", "address:127.0.0.1")


async def test_a_refused_token_request_names_the_claimed_client_never_the_secret(
    oauth_graph: Graph, client: httpx.AsyncClient, captured: Captured
) -> None:
    client_id, secret = await create_client(oauth_graph, agency_id=BUREAU, scopes=parse_scopes("roster:read"))
    wrong = secret[::-1]

    refused = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": wrong},
        headers={"x-request-id": "guess"},
    )

    assert refused.status_code == 401
    [line] = named(captured.lines(), "oauth request refused")
    assert (line["level"], line["request_id"], line["path"], line["status"], line["error"], line["client_id"]) == (
        "WARNING", "guess", "/oauth/token", 401, "invalid_client", client_id
    )
    assert wrong not in captured.text() and secret not in captured.text()
