"""Notices (issue 12): the guiding court reads the filings and member changes it is told of, page by page,
and marks them read; another agency neither sees them nor marks them."""

from __future__ import annotations

from typing import Any

from graph.core.driver import Graph, Tx
from graph.roster.filing import notify_membership_change
from tests.conftest import AsAgency
from tests.helpers.registration import REGISTER, register_org

WUHOU_COURT, YUCHENG_COURT = "成都市武侯区人民法院", "雅安市雨城区人民法院"
WUHOU_BUREAU, ACFTU = "成都市武侯区司法局", "中华全国总工会"
NOTICES = """query($unread: Boolean! = false, $first: Int, $after: String) {
  notices(unread: $unread, first: $first, after: $after) {
    notices { id kind at filingNo read readAt organization { id name } }
    hasNextPage endCursor unreadCount
  } }"""
MARK = """mutation($ids: [ID!]!) { markNoticesRead(ids: $ids) {
  __typename ... on NoticesRead { unreadCount } ... on Problem { code field message } } }"""
READ_AT = "MATCH (x:Notice) RETURN x.id AS id, x.readAt AS readAt ORDER BY id"


async def given_notices(graph: Graph) -> None:
    """Member changes in the committees each basic court guides, told to it as the roster's writes tell it."""
    guided = await graph.read(
        "MATCH (o:Organization)-[:GUIDED_BY]->(c:Court) WHERE c.name IN $courts RETURN o.id AS id ORDER BY id",
        courts=[WUHOU_COURT, YUCHENG_COURT],
    )

    async def work(tx: Tx) -> None:
        for i, row in enumerate(guided[:12]):
            change = "MEMBER_JOINED" if i % 2 else "MEMBER_LEFT"
            await notify_membership_change(graph, tx, organization=str(row["id"]), change=change)

    await graph.write_work(work)


async def page(caller: Any, **variables: Any) -> dict[str, Any]:
    body = await caller(NOTICES, **variables)
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["notices"]
    return found


async def every_notice(caller: Any, size: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    after = None
    while True:
        found = await page(caller, first=size, after=after)
        seen += found["notices"]
        if not found["hasNextPage"]:
            return seen
        after = found["endCursor"]


async def test_the_guiding_court_reads_its_filing_notices_page_by_page(demo: Graph, as_agency: AsAgency) -> None:
    await given_notices(demo)
    court = await as_agency(WUHOU_COURT, "roster:read")
    expected = await demo.read(
        "MATCH (x:Notice)-[:NOTIFIES]->(:Agency {name: $court}) RETURN x.id AS id, x.organizationId AS organization",
        court=WUHOU_COURT,
    )

    whole = await page(court, first=100)
    paged = await every_notice(court, 3)

    assert len(expected) > 3
    assert [n["id"] for n in paged] == [n["id"] for n in whole["notices"]]
    assert sorted(n["id"] for n in paged) == sorted(row["id"] for row in expected)
    assert [n["at"] for n in paged] == sorted((n["at"] for n in paged), reverse=True)
    assert {n["kind"] for n in paged} <= {"MEMBER_JOINED", "MEMBER_LEFT"} and not any(n["read"] for n in paged)
    assert {n["organization"]["id"] for n in paged} == {row["organization"] for row in expected}
    assert whole["unreadCount"] == len(expected)


async def test_marking_notices_read_counts_down_and_keeps_the_first_reading(demo: Graph, as_agency: AsAgency) -> None:
    await given_notices(demo)
    court = await as_agency(WUHOU_COURT, "roster:read")
    first_two = [n["id"] for n in (await page(court, first=2))["notices"]]
    total = (await page(court))["unreadCount"]

    marked = await court(MARK, ids=first_two)
    again = await court(MARK, ids=first_two[:1])
    unread = await page(court, unread=True, first=100)
    read = {n["id"]: n for n in (await page(court, first=100))["notices"]}

    assert marked["data"]["markNoticesRead"] == {"__typename": "NoticesRead", "unreadCount": total - 2}
    assert again["data"]["markNoticesRead"] == {"__typename": "NoticesRead", "unreadCount": total - 2}
    assert not set(first_two) & {n["id"] for n in unread["notices"]} and unread["unreadCount"] == total - 2
    assert all(read[id]["read"] and read[id]["readAt"] for id in first_two)


async def test_another_agency_neither_sees_nor_marks_a_court_s_notices(demo: Graph, as_agency: AsAgency) -> None:
    await given_notices(demo)
    wuhou = await as_agency(WUHOU_COURT, "roster:read")
    yucheng = await as_agency(YUCHENG_COURT, "roster:read")
    theirs = [n["id"] for n in (await page(wuhou, first=2))["notices"]]
    before = await demo.read(READ_AT)

    seen = {n["id"] for n in await every_notice(yucheng, 100)}
    refused = await yucheng(MARK, ids=theirs)
    mixed = await yucheng(MARK, ids=[*sorted(seen)[:1], *theirs[:1]])

    assert not seen & set(theirs)
    assert refused["data"]["markNoticesRead"]["code"] == "NOT_FOUND"
    assert mixed["data"]["markNoticesRead"]["code"] == "NOT_FOUND"
    assert await demo.read(READ_AT) == before  # not even the caller's own notice in the refused call


async def test_notices_need_roster_read_and_a_bounded_list_of_ids(demo: Graph, as_agency: AsAgency) -> None:
    without = await as_agency(WUHOU_COURT, "reports:read")
    court = await as_agency(WUHOU_COURT, "roster:read")

    query = await without(NOTICES)
    mark = await without(MARK, ids=["x"])
    empty = await court(MARK, ids=[])
    too_many = await court(MARK, ids=[str(i) for i in range(101)])
    bad_cursor = await court(NOTICES, after="not-a-cursor")

    assert query["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert mark["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert empty["data"]["markNoticesRead"]["code"] == "VALIDATION"
    assert too_many["data"]["markNoticesRead"]["field"] == "ids"
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_bureau_nearest_a_partner_s_registration_is_told_of_it(demo: Graph, as_agency: AsAgency) -> None:
    union = await as_agency(ACFTU, REGISTER)
    wuhou = await as_agency(WUHOU_BUREAU, "roster:read")
    chengdu = await as_agency("成都市司法局", "roster:read")

    registered = await register_org(union, sourceRecordId="ACFTU-NOTICE-1")  # in 武侯区 (YULIN)
    told = (await page(wuhou, unread=True))["notices"]
    above = (await page(chengdu, unread=True))["notices"]

    assert [(n["kind"], n["organization"]["id"]) for n in told] == [("ORGANIZATION_REGISTERED", registered["id"])]
    assert above == []  # the district bureau decides it; the city's bureau is not told twice
