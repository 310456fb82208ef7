"""A published version of a court's list as an A4 PDF whose Chinese text reads back out of it."""

from __future__ import annotations

import io

import httpx
from pypdf import PdfReader

from graph.core.driver import Graph
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, AsAgency

ROSTER = demo_roster(HASH_KEY)
WUHOU = "成都市武侯区人民法院"
TRAFFIC = next(o for o in ROSTER.organizations if o["props"]["name"] == "成都市武侯区道路交通事故纠纷人民调解委员会")
MEMBERS = [
    next(m["props"]["name"] for m in ROSTER.mediators if m["id"] == member["mediator"])
    for member in ROSTER.memberships if member["organization"] == TRAFFIC["id"]
]
INVITE = """mutation($input: OrganizationInvitationInput!) { inviteOrganization(input: $input) { __typename } }"""
PUBLISH = "mutation { publishInvitedList { __typename ... on ListPublished { version digest } } }"
A4_POINTS = (595, 842)


async def publish_wuhou(as_agency: AsAgency) -> dict[str, str]:
    wuhou = await as_agency(WUHOU, "invitations:write")
    data = {"organizationId": TRAFFIC["id"], "panels": ["ROAD_TRAFFIC", "LABOUR"], "certificateNo": "WH-2026-001"}
    assert (await wuhou(INVITE, input=data))["data"]["inviteOrganization"]["__typename"] == "InvitationSaved"
    published: dict[str, str] = (await wuhou(PUBLISH))["data"]["publishInvitedList"]
    return published


def pdf_text(body: bytes) -> tuple[str, list[tuple[int, int]]]:
    reader = PdfReader(io.BytesIO(body))
    sizes = [(round(float(page.mediabox.width)), round(float(page.mediabox.height))) for page in reader.pages]
    return "".join(page.extract_text() for page in reader.pages).replace("\n", ""), sizes  # cells wrap long names


async def test_a_published_list_prints_as_an_a4_pdf_with_its_names_readable(
    demo: Graph, client: httpx.AsyncClient, as_agency: AsAgency
) -> None:
    published = await publish_wuhou(as_agency)
    court = stable_id("agency", WUHOU)

    response = await client.get(f"/courts/{court}/invited-list/1.pdf")
    text, sizes = pdf_text(response.content)

    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert set(sizes) == {A4_POINTS}
    assert WUHOU in text and "当前特邀调解名册" in text
    assert "版本: 1" in text and published["digest"] in text
    assert "专业组: 劳动争议" in text and "专业组: 道路交通" in text
    assert text.count(TRAFFIC["props"]["name"]) >= 2  # listed under both panels, and named as the members' organization
    assert MEMBERS and all(text.count(name) == 2 for name in MEMBERS)


async def test_a_published_version_is_cached_for_good(demo: Graph, client: httpx.AsyncClient, as_agency: AsAgency) -> None:
    await publish_wuhou(as_agency)
    path = f"/courts/{stable_id('agency', WUHOU)}/invited-list/1.pdf"

    first = await client.get(path)
    again = await client.get(path)
    held = await client.get(path, headers={"if-none-match": first.headers["etag"]})

    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert first.content == again.content
    assert held.status_code == 304


async def test_the_csv_and_json_of_a_version_are_cached_for_good_too(
    demo: Graph, client: httpx.AsyncClient, as_agency: AsAgency
) -> None:
    await publish_wuhou(as_agency)
    path = f"/courts/{stable_id('agency', WUHOU)}/invited-list/1"

    csv, payload = await client.get(path + ".csv"), await client.get(path + ".json")
    held = await client.get(path + ".json", headers={"if-none-match": payload.headers["etag"]})

    assert csv.headers["cache-control"] == payload.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert csv.text.startswith("kind,id,name,panels") and payload.json()["version"] == 1
    assert held.status_code == 304


async def test_an_unknown_version_or_court_has_no_pdf(demo: Graph, client: httpx.AsyncClient) -> None:
    missing = await client.get(f"/courts/{stable_id('agency', WUHOU)}/invited-list/7.pdf")
    not_a_court = await client.get(f"/courts/{TRAFFIC['id']}/invited-list/1.pdf")

    assert (missing.status_code, not_a_court.status_code) == (404, 404)
