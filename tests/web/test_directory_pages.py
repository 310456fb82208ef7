"""The public pages under /directory: built from the anonymous API, and showing nothing it withholds."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from graph.core.driver import Graph
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient

ROSTER = demo_roster(HASH_KEY)
WUHOU_COURT = stable_id("agency", "成都市武侯区人民法院")
TRAFFIC = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == "成都市武侯区道路交通事故纠纷人民调解委员会")
TRAFFIC_MEMBERS = sorted(m["mediator"] for m in ROSTER.memberships if m["organization"] == TRAFFIC)
WUHOU_FAMILY = {"jurisdiction": "510107", "specialties": ["FAMILY"]}
INVITE = """mutation($input: OrganizationInvitationInput!) { inviteOrganization(input: $input) {
  __typename ... on Problem { code message } } }"""
PUBLISH = "mutation { publishInvitedList { __typename ... on ListPublished { version } } }"
NAMES = """query($filter: MediatorFilter, $after: String) { mediators(filter: $filter, first: 20, after: $after) {
  totalCount pageInfo { endCursor } nodes { name } } }"""
PROFILE = """query($id: ID!) { mediator(id: $id) {
  name gender specialties languages grade credentials { scheme level }
  memberships { role organization { name } } invitedBy { name } } }"""


def texts(page: httpx.Response) -> str:
    """The page's text without its tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page.text))


def select_options(page: httpx.Response, name: str) -> dict[str, str]:
    found = re.search(rf'<select id="{name}" name="{name}">(.*?)</select>', page.text, re.S)
    assert found, f"no {name} select"
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found[1])
    return {value: html.unescape(label) for value, label in options}


def next_link(page: httpx.Response) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', page.text)
    return html.unescape(found[1]) if found else None


async def invite_traffic_committee(as_agency: AsAgency) -> GraphQLClient:
    wuhou = await as_agency("成都市武侯区人民法院", "invitations:write")
    data = {"organizationId": TRAFFIC, "panels": ["ROAD_TRAFFIC"], "certificateNo": "WH-2026-001"}
    body = await wuhou(INVITE, input=data)
    assert body["data"]["inviteOrganization"]["__typename"] == "InvitationSaved", body
    return wuhou


async def test_a_person_finds_a_family_mediator_in_wuhou_step_by_step(
    demo: Graph, client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    start = await client.get("/directory/mediators")
    province = await client.get("/directory/mediators", params={"province": "510000"})
    county = await client.get("/directory/mediators", params={"province": "510000", "city": "510100", "county": "510107"})
    found = await client.get(
        "/directory/mediators", params={"province": "510000", "city": "510100", "county": "510107", "specialty": "FAMILY"}
    )
    api = (await gql(NAMES, filter=WUHOU_FAMILY))["data"]["mediators"]

    assert select_options(start, "province") == {"": "不限", "510000": "四川省"}
    assert "成都市" in select_options(province, "city").values()
    assert set(select_options(county, "township").values()) == {"不限", "浆洗街街道", "玉林街道"}
    assert select_options(found, "specialty")["FAMILY"] == "婚姻家庭"
    assert f"共找到 {api['totalCount']} 条结果" in texts(found)
    shown = re.findall(r'<a href="/directory/mediators/[^"]+">([^<]+)</a>', found.text)
    assert shown == [node["name"] for node in api["nodes"]]


async def test_results_page_as_the_api_pages(demo: Graph, client: httpx.AsyncClient, gql: GraphQLClient) -> None:
    first = await client.get("/directory/mediators", params={"county": "510107", "province": "510000", "city": "510100"})
    link = next_link(first)
    assert link is not None
    second = await client.get(link)
    wuhou = {"jurisdiction": "510107"}
    api_first = (await gql(NAMES, filter=wuhou))["data"]["mediators"]
    api_second = (await gql(NAMES, filter=wuhou, after=api_first["pageInfo"]["endCursor"]))["data"]["mediators"]

    shown = re.findall(r'<a href="/directory/mediators/[^"]+">([^<]+)</a>', second.text)
    assert shown == [node["name"] for node in api_second["nodes"]]
    assert "第一页" in second.text and "第一页" not in first.text


async def test_a_division_that_is_not_under_its_parent_is_dropped(demo: Graph, client: httpx.AsyncClient) -> None:
    page = await client.get("/directory/mediators", params={"province": "510000", "city": "510107"})

    assert "selected" not in re.search(r'<select id="city".*?</select>', page.text, re.S)[0]  # type: ignore[index]
    assert "共找到 " in texts(page)


async def test_a_profile_shows_what_the_anonymous_api_shows_and_nothing_more(
    demo: Graph, client: httpx.AsyncClient, gql: GraphQLClient, as_agency: AsAgency
) -> None:
    await invite_traffic_committee(as_agency)
    member = TRAFFIC_MEMBERS[0]
    private = (await demo.read(
        "MATCH (m:Mediator {id: $id})-[r:MEMBER_OF]->() RETURN m.phone AS phone, m.identityMasked AS masked, "
        "m.birthYear AS born, r.since AS since", id=member,
    ))[0]

    page = await client.get(f"/directory/mediators/{member}")
    api: dict[str, Any] = (await gql(PROFILE, id=member))["data"]["mediator"]
    withheld = await gql("query($id: ID!) { mediator(id: $id) { phone identityMasked birthYear } }", id=member)

    shown = texts(page)
    assert page.status_code == 200
    assert api["name"] in shown and ("男" if api["gender"] == "MALE" else "女") in shown
    assert all(court["name"] in shown for court in api["invitedBy"]) and "成都市武侯区人民法院" in shown
    assert all(m["organization"]["name"] in shown for m in api["memberships"])
    assert all(credential["scheme"] in shown for credential in api["credentials"])
    assert {error["extensions"]["code"] for error in withheld["errors"]} == {"UNAUTHENTICATED"}
    assert private["phone"] and private["phone"] not in shown
    assert private["masked"] and private["masked"] not in shown
    assert str(private["born"]) not in shown
    assert private["since"] is None or str(private["since"]) not in shown


async def test_an_organization_page_shows_its_public_record_and_members(demo: Graph, client: httpx.AsyncClient) -> None:
    filing = (await demo.read("MATCH (o:Organization {id: $id})-[f:FILED_WITH]->() RETURN f.filingNo AS no", id=TRAFFIC))
    english = await client.get(f"/directory/organizations/{TRAFFIC}", params={"lang": "en"})
    page = await client.get(f"/directory/organizations/{TRAFFIC}")

    shown = texts(page)
    assert "成都市武侯区道路交通事故纠纷人民调解委员会" in shown and "专业性人民调解委员会" in shown
    assert "四川省 › 成都市 › 武侯区" in shown
    assert len(re.findall(r'href="/directory/mediators/', page.text)) == len(TRAFFIC_MEMBERS)
    assert "Professional committee" in texts(english) and '<html lang="en">' in english.text
    assert all(row["no"] not in shown for row in filing if row["no"])


async def test_a_court_page_lists_its_invited_list_by_panel_and_its_published_versions(
    demo: Graph, client: httpx.AsyncClient, as_agency: AsAgency
) -> None:
    wuhou = await invite_traffic_committee(as_agency)
    assert (await wuhou(PUBLISH))["data"]["publishInvitedList"]["version"] == 1

    page = await client.get(f"/directory/courts/{WUHOU_COURT}")
    traffic = await client.get(f"/directory/courts/{WUHOU_COURT}", params={"panel": "ROAD_TRAFFIC"})
    family = await client.get(f"/directory/courts/{WUHOU_COURT}", params={"panel": "FAMILY"})

    assert "成都市武侯区人民法院" in texts(page)
    assert len(re.findall(r'href="/directory/mediators/', page.text)) == len(TRAFFIC_MEMBERS)
    assert re.findall(r'href="/directory/organizations/([^"?]+)"', page.text) == [TRAFFIC]
    assert len(re.findall(r'href="/directory/mediators/', traffic.text)) == len(TRAFFIC_MEMBERS)
    assert texts(page).count("随组织特邀") == len(TRAFFIC_MEMBERS)
    assert "没有找到符合条件的结果" in texts(family)
    assert f'href="/courts/{WUHOU_COURT}/invited-list/1.csv"' in page.text


async def test_unknown_records_are_404_and_a_bad_cursor_is_400(demo: Graph, client: httpx.AsyncClient) -> None:
    mediator = await client.get("/directory/mediators/no-such-id")
    court = await client.get(f"/directory/courts/{TRAFFIC}")
    cursor = await client.get("/directory/mediators", params={"after": "not-a-cursor"})

    assert (mediator.status_code, court.status_code, cursor.status_code) == (404, 404, 400)
    assert "未找到" in texts(mediator) and "无法查询" in texts(cursor)
