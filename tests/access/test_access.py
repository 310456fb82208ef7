"""Scopes say what, the agency says where: each protected read over anonymous, wrong scope, wrong agency
and right caller, checking what the caller saw (and, for every case, that nothing was written)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.core.driver import Graph
from seed.demo import PLATFORM_ADMIN
from tests.conftest import AsAgency, GraphQLClient
from tests.helpers.agencies import (
    ACFTU,
    CHENGDU_BUREAU,
    PBOC,
    PHONE,
    ROSTER,
    WUHOU_BUREAU,
    WUHOU_COURT,
    WUHOU_MEDIATOR,
    WUHOU_ORG,
    YUCHENG_BUREAU,
    caller,
)

LABOUR_ORG = next(r for r in ROSTER.organizations if r["props"]["name"] == "成都市武侯区劳动争议人民调解委员会")
ANONYMOUS = None

FILING_NO = "query($id: ID!) { organization(id: $id) { name filingNo } }"


async def graph_size(graph: Graph) -> list[dict[str, Any]]:
    return await graph.read("MATCH (n) WHERE NOT n:OAuthClient RETURN count(n) AS nodes, COUNT { ()-->() } AS edges")


@pytest.mark.parametrize(
    ("agency", "scopes", "status", "code", "sees"),
    [
        (ANONYMOUS, "", 401, "UNAUTHENTICATED", False),
        (WUHOU_BUREAU, "reports:read", 403, "FORBIDDEN", False),
        (YUCHENG_BUREAU, "roster:read", 200, None, False),
        (PBOC, "roster:read", 200, None, False),
        (WUHOU_BUREAU, "roster:read", 200, None, True),
        (CHENGDU_BUREAU, "roster:read", 200, None, True),
        (WUHOU_COURT, "roster:read", 200, None, True),
        (PLATFORM_ADMIN, "roster:read", 200, None, True),
    ],
)
async def test_filing_details_of_an_organization(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient,
    agency: str | None, scopes: str, status: int, code: str | None, sees: bool,
) -> None:
    who = await caller(as_agency, gql, agency, scopes)
    before = await graph_size(demo)

    body = await who(FILING_NO, id=WUHOU_ORG["id"])

    assert who.last is not None and who.last.status_code == status
    assert body["data"]["organization"] == {
        "name": WUHOU_ORG["props"]["name"],
        "filingNo": WUHOU_ORG["props"]["filingNo"] if sees else None,
    }
    assert [error["extensions"]["code"] for error in body.get("errors", [])] == ([code] if code else [])
    assert await graph_size(demo) == before


@pytest.mark.parametrize(
    ("agency", "scopes", "sees"),
    [(ACFTU, "roster:read", True), (PBOC, "roster:read", False)],
)
async def test_a_partner_sees_in_full_only_what_is_affiliated_with_it(
    demo: Graph, as_agency: AsAgency, agency: str, scopes: str, sees: bool
) -> None:
    partner = await as_agency(agency, scopes)

    body = await partner(FILING_NO, id=LABOUR_ORG["id"])

    assert body["data"]["organization"]["filingNo"] == (LABOUR_ORG["props"]["filingNo"] if sees else None)


@pytest.mark.parametrize(
    ("agency", "scopes", "status", "codes", "sees"),
    [
        (ANONYMOUS, "", 401, ["UNAUTHENTICATED", "UNAUTHENTICATED"], False),
        (WUHOU_BUREAU, "roster:read", 403, ["FORBIDDEN", "FORBIDDEN"], False),
        (YUCHENG_BUREAU, "roster:read pii:read", 200, [], False),
        (WUHOU_BUREAU, "roster:read pii:read", 200, [], True),
    ],
)
async def test_personal_data_needs_pii_and_stays_inside_the_jurisdiction(
    demo: Graph, as_agency: AsAgency, gql: GraphQLClient,
    agency: str | None, scopes: str, status: int, codes: list[str], sees: bool,
) -> None:
    who = await caller(as_agency, gql, agency, scopes)

    body = await who(PHONE, id=WUHOU_MEDIATOR["id"])

    props = WUHOU_MEDIATOR["props"]
    assert who.last is not None and who.last.status_code == status
    assert body["data"]["mediator"] == {
        "name": props["name"],
        "phone": props["phone"] if sees else None,
        "identityMasked": props["identityMasked"] if sees else None,
    }
    assert sorted(error["extensions"]["code"] for error in body.get("errors", [])) == codes


async def test_filters_on_protected_fields_only_match_records_in_reach(demo: Graph, as_agency: AsAgency) -> None:
    query = '{ mediators(filter: {jurisdiction: "510107", employment: FULL_TIME}, first: 100) { totalCount } }'
    full_time_in_wuhou = sum(
        1 for m in ROSTER.mediators
        if m["props"]["employment"] == "FULL_TIME"
        and any(
            s["mediator"] == m["id"]
            and next(o for o in ROSTER.organizations if o["id"] == s["organization"])["jurisdiction"].startswith("510107")
            for s in ROSTER.memberships
        )
    )
    outsider = await as_agency(YUCHENG_BUREAU, "roster:read")
    insider = await as_agency(WUHOU_BUREAU, "roster:read")

    assert (await outsider(query))["data"]["mediators"]["totalCount"] == 0
    assert (await insider(query))["data"]["mediators"]["totalCount"] == full_time_in_wuhou > 0


@pytest.mark.parametrize(("agency", "sees"), [(YUCHENG_BUREAU, False), (WUHOU_BUREAU, True)])
async def test_node_and_entities_apply_the_same_rules(demo: Graph, as_agency: AsAgency, agency: str, sees: bool) -> None:
    who = await as_agency(agency, "roster:read")
    expected = WUHOU_ORG["props"]["filingNo"] if sees else None

    body = await who(
        """query($id: ID!, $reps: [_Any!]!) {
             node(id: $id) { ... on Organization { filingNo } }
             _entities(representations: $reps) { ... on Organization { filingNo } } }""",
        id=WUHOU_ORG["id"],
        reps=[{"__typename": "Organization", "id": WUHOU_ORG["id"]}],
    )

    assert body["data"] == {"node": {"filingNo": expected}, "_entities": [{"filingNo": expected}]}


async def test_memberships_that_ended_are_hidden_from_the_public(demo: Graph, gql: GraphQLClient, as_agency: AsAgency) -> None:
    await demo.write(
        "MATCH (m:Mediator {id: $id})-[r:MEMBER_OF]->() SET r.until = date('2025-01-31')", id=WUHOU_MEDIATOR["id"]
    )
    query = "query($id: ID!) { mediator(id: $id) { memberships(current: false) { role } } }"
    bureau = await as_agency(WUHOU_BUREAU, "roster:read")

    assert (await gql(query, id=WUHOU_MEDIATOR["id"]))["data"]["mediator"]["memberships"] == []
    assert len((await bureau(query, id=WUHOU_MEDIATOR["id"]))["data"]["mediator"]["memberships"]) == 1
