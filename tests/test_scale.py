"""Issue 11: a read's cost follows its answer, not the roster. Not timed: the rows each golden statement touches
(the engine's own PROFILE, every step's row count summed) on the generator's data at F = 0.01 and at F = 0.05,
where the data grows 5x, may grow by at most 1.5x for a page of 20.

The same holds for the writes agencies make every day and the reads around them, sent as GraphQL through the
app over the profiled graph (every statement of the request counted, the token check included): a bureau files
a mediator, a court invites one and reads its list. A statement that matched an unlabelled node
or walked from a label instead of from its anchor cost 1.6 s an invitation at F = 0.1, and only the benchmark
saw it.

Slow (it generates both data sets into graphs of their own): marked `scale`, run by `.ci/run` after the suite,
or with `python -m pytest -q -m scale`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
from neo4j import AsyncManagedTransaction

from app import Settings, create_app
from auth.clients import create_client
from graph.core.driver import Graph, open_graph
from graph.core.embedded import start_embedded_server
from graph.core.migrations import apply_migrations
from graph.core.page import PageRequest
from graph.core.viewer import ANONYMOUS, Viewer
from graph.core.vocabulary import Specialty
from resolvers.core.identifiers import resident_id_check_character
from resolvers.directory.mediator import list_mediators, mediators_by_id
from resolvers.directory.organization import list_organizations
from seed.generator import generate
from tests.conftest import HASH_KEY, ISSUER

pytestmark = pytest.mark.scale

SCALES = (0.01, 0.05)
GROWTH = 1.5
CITY, COUNTY = "110100", "110101"
NATIONAL = Viewer(roster=True, pii=True, national=True)
ROWS = re.compile(r"([\d,]+) rows\)")


@dataclass(slots=True)
class ProfiledGraph(Graph):
    """Runs every statement under PROFILE and adds up the rows that its steps report."""

    touched: int = 0
    statements: list[tuple[int, str]] = field(default_factory=list)
    """(rows, text) of each statement since `touched` was last reset."""

    async def rows(self, tx: AsyncManagedTransaction, text: LiteralString, **params: Any) -> list[dict[str, Any]]:
        result = await tx.run("PROFILE " + text, params)
        data = await result.data()
        summary = await result.consume()
        plan = str((summary.profile or {}).get("args", {}).get("string-representation", ""))
        rows = sum(int(count.replace(",", "")) for count in ROWS.findall(plan))
        self.touched += rows
        self.statements.append((rows, " ".join(text.split())))
        return data


Read = Callable[[Graph], Awaitable[Any]]
TRACES: dict[str, list[list[tuple[int, str]]]] = {}
"""Each measured operation's three heaviest statements, at each scale in turn: what a failure shows."""


async def city_family_page(graph: Graph) -> Any:
    page = PageRequest(first=20)
    found = await list_mediators(graph, jurisdiction=CITY, specialties=[Specialty.FAMILY], page=page, viewer=ANONYMOUS)
    assert len(found.page.items) == 20
    return found


async def county_organizations_with_count(graph: Graph) -> Any:
    found = await list_organizations(graph, jurisdiction=COUNTY, page=PageRequest(first=20), viewer=ANONYMOUS)
    assert len(found.page.items) == 20
    return await found.count()


async def national_mediators(graph: Graph) -> Any:
    found = await list_mediators(graph, page=PageRequest(first=20), viewer=NATIONAL)
    assert len(found.page.items) == 20
    return found


async def national_organizations_second_page(graph: Graph) -> Any:
    first = await list_organizations(graph, page=PageRequest(first=20), viewer=ANONYMOUS)
    last, key = first.page.items[-1]
    page = PageRequest(first=20, after_key=key, after_id=last.id)
    return await list_organizations(graph, page=page, viewer=ANONYMOUS)


async def one_mediator(graph: Graph) -> Any:
    rows = await graph.read("MATCH (m:Mediator) RETURN m.id AS id LIMIT 1")
    return await mediators_by_id(graph, ids=[rows[0]["id"]], viewer=NATIONAL)


async def every_mediator_named_zhang(graph: Graph) -> Any:
    """The control: a statement that scans the label, which the measure must see grow with the data."""
    return await graph.read("MATCH (n:Mediator) WHERE n.name STARTS WITH '张' RETURN count(n) AS n")


READS: dict[str, Read] = {
    "mediators in a city, FAMILY, first 20": city_family_page,
    "organizations in a county, first 20, totalCount": county_organizations_with_count,
    "mediators nationally, first 20": national_mediators,
    "organizations nationally, second page": national_organizations_second_page,
    "mediator(id)": one_mediator,
}
CONTROL = "a scan of every mediator"


FILE = """mutation($input: MediatorInput!, $membership: MembershipInput!) {
  fileMediator(input: $input, membership: $membership) { __typename ... on Problem { field message } } }"""
INVITE = """mutation($input: MediatorInvitationInput!) {
  inviteMediator(input: $input) { __typename ... on Problem { field message } } }"""
LIST = """query($court: ID!) { speciallyInvitedList(courtId: $court, first: 50) {
  entries { since mediator { id name } organization { id name } } } }"""
CLEAR = {"criminalRecord": False, "seriousAdministrativePenalty": False, "dishonestJudgmentDebtor": False}
AGENCIES = (
    "MATCH (b:JudicialBureau)-[:GOVERNS]->(j:Jurisdiction {code: $county})"
    " MATCH (c:Court {level: 'BASIC'})-[:HAS_JURISDICTION]->(j)"
    " MATCH (o:Organization {kind: 'LAWYER_STUDIO', status: 'FILED'})-[:LOCATED_IN]->(j)"
    " MATCH (n:Mediator {status: 'FILED'})-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
    "-[:PART_OF*0..]->(j)"
    " RETURN b.id AS bureau, c.id AS court, o.id AS organization, n.id AS mediator ORDER BY o.id, n.id LIMIT 1"
)
WRITES = ("fileMediator by the county's bureau", "inviteMediator by the county's court",
          "the court's speciallyInvitedList, first 50")


async def agency_day(opened: Graph, profiled: ProfiledGraph, data_dir: Path) -> dict[str, int]:
    """Rows touched by each of WRITES, in county COUNTY, each request on its own."""
    found = (await opened.read(AGENCIES, county=COUNTY))[0]
    settings = Settings(data_dir=data_dir, identity_hash_key=HASH_KEY.decode(), issuer=ISSUER,
                        rate_per_second=1000, rate_burst=1000)
    app = create_app(settings, graph=profiled)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER) as http:

        async def as_agency(agency: str, scopes: str) -> dict[str, str]:
            client_id, secret = await create_client(opened, agency_id=agency, scopes=scopes.split())
            answer = await http.post("/oauth/token", data={
                "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scopes})
            return {"authorization": f"Bearer {answer.json()['access_token']}"}

        bureau = await as_agency(found["bureau"], "roster:write roster:read")
        court = await as_agency(found["court"], "invitations:write cases:write roster:read")
        body = f"{COUNTY}19500101123"
        requests = (
            (bureau, FILE, {"input": {"name": "规模测试", "identityNumber": body + resident_id_check_character(body),
                                      "employment": "PART_TIME", "specialties": ["FAMILY"]},
                            "membership": {"organizationId": found["organization"], "role": "MEMBER",
                                           "since": "2026-01-01"}}),
            (court, INVITE, {"input": {"mediatorId": found["mediator"], "panels": ["FAMILY"],
                                       "certificateNo": "SCALE-1", "exclusionCheck": CLEAR}}),
            (court, LIST, {"court": found["court"]}),
        )
        figures = {}
        for name, (headers, query, variables) in zip(WRITES, requests, strict=True):
            profiled.touched, profiled.statements = 0, []
            answer = (await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)).json()
            assert "errors" not in answer and "Problem" not in str(answer), (name, answer)
            figures[name] = profiled.touched
            TRACES.setdefault(name, []).append(sorted(profiled.statements, reverse=True)[:3])
    return figures


@pytest.fixture(scope="module")
async def touched(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[float, dict[str, int]]]:
    """Rows touched by each read, at each scale."""
    figures: dict[float, dict[str, int]] = {}
    for scale in SCALES:
        server = start_embedded_server(data_dir=Path(tmp_path_factory.mktemp(f"scale{scale}")), database="registry")
        try:
            opened = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
            await apply_migrations(opened)
            await generate(opened, scale=scale, hash_key=HASH_KEY)
            profiled = ProfiledGraph(opened.driver, opened.database, opened.timeout)
            figures[scale] = {}
            for name, read in (*READS.items(), (CONTROL, every_mediator_named_zhang)):
                profiled.touched, profiled.statements = 0, []
                await read(profiled)
                figures[scale][name] = profiled.touched
                TRACES.setdefault(name, []).append(sorted(profiled.statements, reverse=True)[:3])
            figures[scale] |= await agency_day(opened, profiled, Path(tmp_path_factory.mktemp(f"app{scale}")))
            await opened.close()
        finally:
            server.stop()
    yield figures


@pytest.mark.parametrize("name", [*READS, *WRITES])
def test_a_read_touches_rows_that_follow_its_answer(touched: dict[float, dict[str, int]], name: str) -> None:
    small, large = (touched[scale][name] for scale in SCALES)
    print(f"{name}: {small} rows at F={SCALES[0]}, {large} at F={SCALES[1]}")

    assert small > 0
    heaviest = "\n".join(f"  {rows} rows: {text[:300]}" for rows, text in TRACES[name][-1])
    assert large <= GROWTH * small, f"{name}: {small} rows at F={SCALES[0]}, {large} at F={SCALES[1]}:\n{heaviest}"


def test_the_measure_sees_a_scan_grow_with_the_data(touched: dict[float, dict[str, int]]) -> None:
    small, large = (touched[scale][CONTROL] for scale in SCALES)

    assert large >= 3 * small > 0
