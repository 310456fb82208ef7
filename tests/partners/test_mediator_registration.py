"""Partner registration of mediators (issue #5): one at a time or 1,000 in one call, all or nothing, checked
as filing checks them, decided by the bureau that governs their organization."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph
from resolvers.core.identifiers import resident_id_check_character
from tests.conftest import AsAgency, GraphQLClient
from tests.helpers.registration import (
    ACFTU,
    APPROVE,
    DECIDE,
    MINE,
    PAYLOAD,
    QUEUE,
    REGISTER,
    WUHOU,
    YULIN,
    agency,
    counts,
    data,
    demo_organization,
    register_org,
)

REGISTER_MEDIATOR = "mutation($input: MediatorInput!, $membership: MembershipInput!) {" \
    " registerMediator(input: $input, membership: $membership) {" + PAYLOAD + "} }"
BULK = """mutation($rows: [MediatorRegistrationRow!]!, $key: String) {
  registerMediators(mediators: $rows, idempotencyKey: $key) {
    __typename ... on Problem { code field message }
    ... on RowsProblem { rows { index field reason code } }
    ... on MediatorsRegistered { mediatorIds count replayed } } }"""
AMEND_MEDIATOR = "mutation($id: ID!, $version: Int!, $input: MediatorAmendment!) {" \
    " amendMediatorRegistration(id: $id, version: $version, input: $input) {" + PAYLOAD + "} }"


def identity(n: int, *, female: bool = False, born: datetime.date | None = None) -> str:
    """A valid resident identity number no demo person has (the demo is born in Sichuan, this in Beijing)."""
    birth = born or datetime.date(1970, 1, 1) + datetime.timedelta(days=n)
    body = f"110101{birth:%Y%m%d}{(n % 400) * 2 + (0 if female else 1):03d}"
    return body + resident_id_check_character(body)


def mediator(n: int, **extra: Any) -> dict[str, Any]:
    return {"name": f"调解员{n:04d}", "identityNumber": identity(n), "employment": "PART_TIME", **extra}


def membership(organization_id: str, **extra: Any) -> dict[str, Any]:
    return {"organizationId": organization_id, "role": "MEMBER", "since": "2025-01-01", **extra}


async def test_a_partner_registers_a_mediator_into_its_own_organization(demo: Graph, as_agency: AsAgency) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    org = await register_org(acftu)

    saved = await data(acftu, REGISTER_MEDIATOR, input=mediator(1), membership=membership(org["id"]))
    queue = await data(wuhou, QUEUE, kind="MEDIATOR")
    registration = saved["registration"]
    renamed = (await data(acftu, AMEND_MEDIATOR, id=registration["id"], version=1, input={"name": "张调解"}))["registration"]
    approved = (await data(wuhou, APPROVE, id=registration["id"], version=renamed["version"]))["registration"]
    amend = await data(acftu, AMEND_MEDIATOR, id=registration["id"], version=approved["version"], input={"name": "改名"})

    filed = (registration["kind"], registration["status"], registration["jurisdiction"])
    assert filed == ("MEDIATOR", "PENDING", {"code": YULIN})
    assert [n["id"] for n in queue["nodes"]] == [registration["id"]]
    assert (renamed["name"], renamed["version"], approved["name"]) == ("张调解", 2, "张调解")
    assert (approved["status"], approved["registrationStatus"]) == ("FILED", "APPROVED")
    assert amend["code"] == "ILLEGAL_TRANSITION"
    rows = await demo.read(
        "MATCH (a:PartnerAgency)<-[:AFFILIATED_WITH]-(m:Mediator {id: $id})-[r:MEMBER_OF]->(o:Organization)"
        " RETURN a.id AS partner, o.id AS org, r.role AS role, m.identityMasked AS masked, m.gender AS gender",
        id=registration["id"],
    )
    masked = "110" + "*" * 13 + identity(1)[-2:]
    assert rows == [{"partner": agency(ACFTU), "org": org["id"], "role": "MEMBER", "masked": masked, "gender": "MALE"}]


PUBLIC_MEDIATOR = """query($id: ID!, $org: ID!) { mediators(filter: {nameContains: "调解员0007"}) { totalCount nodes { id } }
  mediator(id: $id) { id } organization(id: $org) { members { mediator { id } } } }"""


async def test_a_pending_mediator_joins_the_public_directory_when_approved(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient
) -> None:
    acftu, wuhou = await as_agency(ACFTU, REGISTER), await as_agency(WUHOU, DECIDE)
    org = await register_org(acftu)
    await data(wuhou, APPROVE, id=org["id"], version=org["version"])
    saved = (await data(acftu, REGISTER_MEDIATOR, input=mediator(7), membership=membership(org["id"])))["registration"]

    pending = (await gql(PUBLIC_MEDIATOR, id=saved["id"], org=org["id"]))["data"]
    await data(wuhou, APPROVE, id=saved["id"], version=saved["version"])
    filed = (await gql(PUBLIC_MEDIATOR, id=saved["id"], org=org["id"]))["data"]

    assert pending == {"mediators": {"totalCount": 0, "nodes": []}, "mediator": None, "organization": {"members": []}}
    seen = {"id": saved["id"]}
    assert filed == {"mediators": {"totalCount": 1, "nodes": [seen]}, "mediator": seen,
                     "organization": {"members": [{"mediator": seen}]}}


@pytest.mark.parametrize(
    ("case", "code", "field"),
    [
        ("minor", "VALIDATION", "input.identityNumber"),
        ("on the roster", "CONFLICT", "input.identityNumber"),
        ("another partner's organization", "FORBIDDEN_BY_AGENCY", "membership.organizationId"),
        ("unknown organization", "NOT_FOUND", "membership.organizationId"),
        ("committee term without end", "VALIDATION", "membership.until"),
    ],
)
async def test_a_mediator_registration_is_checked_as_filing_is(
    demo: Graph, as_agency: AsAgency, case: str, code: str, field: str
) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    own = await register_org(acftu)
    labour = demo_organization("成都市武侯区劳动争议人民调解委员会")  # a demo committee affiliated with ACFTU
    person, where = mediator(2), membership(own["id"])
    if case == "minor":
        person = mediator(2, identityNumber=identity(2, born=clock.today() - datetime.timedelta(days=17 * 365)))
    elif case == "on the roster":
        await data(acftu, REGISTER_MEDIATOR, input=person, membership=where)
    elif case == "another partner's organization":
        where = membership(demo_organization("成都市金融消费纠纷调解中心"))
    elif case == "unknown organization":
        where = membership("00000000-0000-0000-0000-000000000000")
    else:
        where = membership(labour)
    before = await counts(demo)

    refused = await data(acftu, REGISTER_MEDIATOR, input=person, membership=where)

    assert (refused["code"], refused["field"]) == (code, field)
    assert await counts(demo) == before


def rows(organization_id: str, count: int, start: int = 100) -> list[dict[str, Any]]:
    return [{"input": mediator(start + n), "membership": membership(organization_id)} for n in range(count)]


async def test_a_thousand_mediators_register_in_one_transaction(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    org = await register_org(acftu)
    events = await demo.read("MATCH (e:AuditEvent) RETURN count(e) AS n")

    started = time.perf_counter()
    done = await data(acftu, BULK, rows=rows(org["id"], 1000), key="bulk-1")
    elapsed = time.perf_counter() - started
    replay = await data(acftu, BULK, rows=rows(org["id"], 1000), key="bulk-1")

    assert (done["__typename"], done["count"], done["replayed"]) == ("MediatorsRegistered", 1000, False)
    assert (replay["replayed"], replay["mediatorIds"]) == (True, done["mediatorIds"])
    [batch] = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.registrationBatch AS b", id=done["mediatorIds"][0])
    stored = await demo.read("MATCH (m:Mediator {registrationBatch: $batch}) RETURN count(m) AS n", batch=batch["b"])
    assert stored == [{"n": 1000}]
    after = await demo.read("MATCH (e:AuditEvent {operation: 'registerMediators'}) RETURN count(e) AS n")
    assert after == [{"n": 1000}]
    assert (await demo.read("MATCH (e:AuditEvent) RETURN count(e) AS n"))[0]["n"] == events[0]["n"] + 1000
    assert (await data(acftu, MINE, first=1))["totalCount"] == 1001
    print(f"\n1,000 mediators registered in {elapsed:.2f} s")
    assert elapsed < 60


async def test_a_bulk_registration_with_bad_rows_writes_nothing_and_reports_each(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    org = await register_org(acftu)
    batch = rows(org["id"], 8)
    batch[3]["input"]["identityNumber"] = identity(103)[:-1] + ("0" if identity(103)[-1] != "0" else "1")
    batch[5]["input"]["identityNumber"] = batch[1]["input"]["identityNumber"]
    batch[6]["input"]["employment"] = "SOMETIMES"
    before = await counts(demo)

    early = await acftu(BULK, rows=batch)
    batch[6]["input"]["employment"] = "FULL_TIME"
    refused = await data(acftu, BULK, rows=batch)
    batch[3] = rows(org["id"], 1, start=103)[0]
    batch[5] = rows(org["id"], 1, start=105)[0]
    batch[7]["membership"] = membership(demo_organization("成都市金融消费纠纷调解中心"))
    late = await data(acftu, BULK, rows=batch)

    assert early["data"] is None and "SOMETIMES" in early["errors"][0]["message"]
    assert refused["__typename"] == "RowsProblem"
    assert [(r["index"], r["field"], r["code"]) for r in refused["rows"]] == [
        (3, "input.identityNumber", "VALIDATION"), (5, "input.identityNumber", "CONFLICT"),
    ]
    assert [(r["index"], r["field"], r["code"]) for r in late["rows"]] == [
        (7, "membership.organizationId", "FORBIDDEN_BY_AGENCY")
    ]
    assert await counts(demo) == before


async def test_a_bulk_registration_keeps_a_filed_committee_lawful(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    labour = demo_organization("成都市武侯区劳动争议人民调解委员会")  # FILED, 3 members, at most 9
    batch = [{"input": mediator(200 + n), "membership": membership(labour, until="2027-12-31")} for n in range(7)]
    before = await counts(demo)

    refused = await data(acftu, BULK, rows=batch)
    unchanged = await counts(demo)
    fits = await data(acftu, BULK, rows=batch[:6])

    assert [r["index"] for r in refused["rows"]] == list(range(7))
    assert "3 to 9 members" in refused["rows"][0]["reason"]
    assert unchanged == before
    assert fits["count"] == 6
    notices = await demo.read("MATCH (n:Notice {organizationId: $id, kind: 'MEMBER_JOINED'}) RETURN count(n) AS n", id=labour)
    assert notices == [{"n": 1}]


async def test_a_bulk_registration_takes_at_most_a_thousand_rows(demo: Graph, as_agency: AsAgency) -> None:
    acftu = await as_agency(ACFTU, REGISTER)
    before = await counts(demo)

    refused = await data(acftu, BULK, rows=rows("00000000-0000-0000-0000-000000000000", 1001))

    assert (refused["code"], refused["field"]) == ("VALIDATION", "mediators")
    assert await counts(demo) == before
