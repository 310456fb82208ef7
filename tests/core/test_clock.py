"""The registry's one clock: the day in China Standard Time, whatever the process's or the server's zone."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from graph.core import clock
from graph.core.driver import Graph
from resolvers.core.identifiers import resident_id_check_character
from tests.conftest import AsAgency
from tests.helpers.statements import statement_texts

LATE_EVENING_UTC = datetime.datetime(2026, 12, 2, 16, 30, tzinfo=datetime.UTC)  # 00:30 on 3 December in Beijing


def test_the_day_is_the_day_in_china() -> None:
    with clock.frozen_at(LATE_EVENING_UTC):
        assert clock.today() == datetime.date(2026, 12, 3)
        assert clock.now() == LATE_EVENING_UTC


def test_a_configured_zone_moves_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_TIME_ZONE", "UTC")

    with clock.frozen_at(LATE_EVENING_UTC):
        assert clock.today() == datetime.date(2026, 12, 2)


def test_an_unknown_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_TIME_ZONE", "Mars/Olympus")

    with pytest.raises(ValueError, match="unknown time zone"):
        clock.today()


def test_a_naive_moment_cannot_stop_the_clock() -> None:
    naive = datetime.datetime(2026, 1, 1)  # noqa: DTZ001 (the naive moment this test expects to be refused)
    with pytest.raises(ValueError), clock.frozen_at(naive):
        pass


def test_no_module_reads_the_process_clock() -> None:
    """One clock: `date.today()` and `datetime.now()` appear only in graph/core/clock.py."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for layer in ("graph", "resolvers", "schema", "auth")
        for path in (root / layer).rglob("*.py")
        if path.name != "clock.py"
        and any(call in path.read_text(encoding="utf-8") for call in ("date.today()", "datetime.now("))
    ]

    assert offenders == []


async def test_the_embedded_graph_server_keeps_the_registry_s_day(graph: Graph) -> None:
    """Statements that still ask the graph for `date()` get the same day as the registry's clock."""
    rows = await graph.read("RETURN toString(date()) AS day")

    assert rows == [{"day": clock.today().isoformat()}]


MIDNIGHT_IN_BEIJING = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=clock.CHINA_STANDARD_TIME)  # 28 Feb, 16:30 UTC
REGISTRY_DAY = datetime.date(2026, 3, 1)
WUHOU, ACFTU = "成都市武侯区司法局", "中华全国总工会"
FILE_ORG = "mutation($input: OrganizationInput!) { fileOrganization(input: $input, draft: true) {" \
    " __typename ... on OrganizationSaved { organization { id } } } }"
FILE_MEDIATOR = "mutation($input: MediatorInput!, $membership: MembershipInput!) {" \
    " fileMediator(input: $input, membership: $membership) { __typename } }"
COMPLETE = "mutation($id: ID!) { completeFiling(id: $id, version: 1) {" \
    " __typename ... on OrganizationSaved { organization { status filedAt members { mediator { id } } } } } }"
REGISTER_ORG = "mutation($input: OrganizationInput!) { registerOrganization(input: $input) {" \
    " __typename ... on RegistrationSaved { registration { id } } } }"
STAMPS = """MATCH (n {id: $id}) RETURN n.createdAt.epochMillis AS created, n.updatedAt.epochMillis AS updated,
  [(n)-[a:AFFILIATED_WITH]->() | toString(a.since)] AS affiliated"""


def committee(name: str) -> dict[str, str | list[str]]:
    return {"name": name, "kind": "RESIDENTS_COMMITTEE", "jurisdiction": "510107005001", "sectors": ["FAMILY"]}


def member(serial: int, organization: str) -> dict[str, dict[str, str]]:
    """The chair (serial 0) is a woman: an even 17th digit."""
    body = f"51010719800101{serial:02d}{1 if serial else 0}"
    return {
        "input": {"name": f"子夜{serial}", "identityNumber": body + resident_id_check_character(body), "employment": "FULL_TIME"},
        "membership": {"organizationId": organization, "role": "CHAIR" if serial == 0 else "MEMBER",
                       "since": REGISTRY_DAY.isoformat(), "until": "2028-12-31"},
    }


async def test_a_write_just_after_midnight_in_china_is_stamped_and_read_on_the_registry_s_day(
    demo: Graph, as_agency: AsAgency
) -> None:
    """At 00:30 in Beijing (still the day before in UTC, and months away from the graph server's own clock) a
    committee staffed from that day is filed: its stamps are the registry clock's moment, and the reads of
    "current on the day" (the seats the filing counts, the members it lists) see the memberships that begin
    on the registry's day."""
    bureau = await as_agency(WUHOU, "roster:write roster:read")

    with clock.frozen_at(MIDNIGHT_IN_BEIJING):
        drafted = await bureau(FILE_ORG, input=committee("子夜社区人民调解委员会"))
        org_id = drafted["data"]["fileOrganization"]["organization"]["id"]
        for serial in range(3):
            filed = await bureau(FILE_MEDIATOR, **member(serial, org_id))
            assert filed["data"]["fileMediator"]["__typename"] == "MediatorSaved", filed
        completed = (await bureau(COMPLETE, id=org_id))["data"]["completeFiling"]

    assert completed["__typename"] == "OrganizationSaved", completed
    organization = completed["organization"]
    assert (organization["status"], organization["filedAt"]) == ("FILED", REGISTRY_DAY.isoformat())
    assert len(organization["members"]) == 3
    moment = int(MIDNIGHT_IN_BEIJING.timestamp() * 1000)
    assert await demo.read(STAMPS, id=org_id) == [{"created": moment, "updated": moment, "affiliated": []}]
    mediator = organization["members"][0]["mediator"]["id"]
    assert await demo.read(STAMPS, id=mediator) == [{"created": moment, "updated": moment, "affiliated": []}]


async def test_a_partner_s_affiliation_begins_on_the_registry_s_day(demo: Graph, as_agency: AsAgency) -> None:
    partner = await as_agency(ACFTU, "registrations:write")
    organization = {**committee("子夜商事调解中心"), "kind": "COMMERCIAL_MEDIATION", "sectors": ["CONTRACT"]}

    with clock.frozen_at(MIDNIGHT_IN_BEIJING):
        saved = (await partner(REGISTER_ORG, input=organization))["data"]["registerOrganization"]

    assert saved["__typename"] == "RegistrationSaved", saved
    moment = int(MIDNIGHT_IN_BEIJING.timestamp() * 1000)
    assert await demo.read(STAMPS, id=saved["registration"]["id"]) == [
        {"created": moment, "updated": moment, "affiliated": [REGISTRY_DAY.isoformat()]}
    ]


SERVER_CLOCK = re.compile(r"\b(?:date|datetime|localdatetime|time|localtime)(?:\.(?:statement|transaction|realtime))?\(\s*\)")
SERVER_CLOCK_ALLOWED = {
    "graph/core/migrations.py": "the runner's own record of when this server applied a version (housekeeping"
    " of the graph, not a registry fact)",
}


def test_no_statement_asks_the_graph_server_for_the_time() -> None:
    """Every stamp and every day in a statement is a parameter from the registry's clock (`clock.NOW`, `$on`):
    the graph server's `datetime()` and `date()` cannot be set by a test and are not the registry's day."""
    offenders = [
        f"{place}:{line}: {text}"
        for place, line, text in statement_texts()
        if SERVER_CLOCK.search(text) and place not in SERVER_CLOCK_ALLOWED
    ]

    assert offenders == []
