"""What every public page must be: in the caller's language, usable on a phone and with a screen reader,
cacheable, and loading nothing from another host."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from graph.core.driver import Graph
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY

ROSTER = demo_roster(HASH_KEY)
ORGANIZATION = next(o["id"] for o in ROSTER.organizations if o["props"]["name"] == "成都市武侯区道路交通事故纠纷人民调解委员会")
MEDIATOR = next(m["mediator"] for m in ROSTER.memberships if m["organization"] == ORGANIZATION)
PAGES = [
    "/",
    "/directory",
    "/directory/mediators?province=510000&city=510100&county=510107&specialty=FAMILY",
    "/directory/organizations?province=510000&kind=PROFESSIONAL_COMMITTEE",
    f"/directory/mediators/{MEDIATOR}",
    f"/directory/organizations/{ORGANIZATION}",
    f"/directory/courts/{stable_id('agency', '成都市武侯区人民法院')}",
]


class Structure(HTMLParser):
    """The parts of a page the checks need: its language, viewport, headings, controls and labels, links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.viewport = False
        self.headings: list[int] = []
        self.controls: list[str | None] = []
        self.labelled: set[str] = set()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "meta" and found.get("name") == "viewport":
            self.viewport = "width=device-width" in (found.get("content") or "")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.controls.append(found.get("id"))
        if tag == "label" and found.get("for"):
            self.labelled.add(found["for"] or "")
        self.urls += [value for name, value in attrs if name in ("href", "src", "action") and value]


def structure(page: httpx.Response) -> Structure:
    parsed = Structure()
    parsed.feed(page.text)
    return parsed


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_is_accessible_mobile_and_self_contained(demo: Graph, client: httpx.AsyncClient, path: str) -> None:
    page = await client.get(path)
    parsed = structure(page)

    assert page.status_code == 200
    assert parsed.lang == "zh-CN"
    assert parsed.viewport
    assert parsed.headings[0] == 1 and parsed.headings.count(1) == 1
    assert all(later - earlier <= 1 for earlier, later in zip(parsed.headings, parsed.headings[1:], strict=False))
    assert None not in parsed.controls
    assert [control for control in parsed.controls if control not in parsed.labelled] == []
    assert [url for url in parsed.urls if not url.startswith(("/", "#"))] == []
    assert page.headers["etag"] and page.headers["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize("path", PAGES)
async def test_every_page_speaks_english_when_asked(demo: Graph, client: httpx.AsyncClient, path: str) -> None:
    by_header = await client.get(path, headers={"accept-language": "en-US,en;q=0.8,zh;q=0.5"})
    by_switch = await client.get(path + ("&" if "?" in path else "?") + "lang=en")

    assert structure(by_header).lang == structure(by_switch).lang == "en"
    assert "Mediation Registry" in by_header.text
    assert "中文" in by_switch.text and "lang=zh" in by_switch.text
    assert by_header.headers["vary"] == "Accept-Language"


async def test_enum_values_have_their_proper_names_in_both_languages(demo: Graph, client: httpx.AsyncClient) -> None:
    chinese = await client.get(f"/directory/organizations/{ORGANIZATION}")
    english = await client.get(f"/directory/organizations/{ORGANIZATION}?lang=en")

    assert "专业性人民调解委员会" in chinese.text and "PROFESSIONAL_COMMITTEE" not in chinese.text
    assert "Professional committee" in english.text and "PROFESSIONAL_COMMITTEE" not in english.text


async def test_a_page_revalidates_by_its_etag(demo: Graph, client: httpx.AsyncClient) -> None:
    path = f"/directory/organizations/{ORGANIZATION}"
    first = await client.get(path)
    held = {"if-none-match": first.headers["etag"]}
    again, english = await client.get(path, headers=held), await client.get(path + "?lang=en", headers=held)

    assert again.status_code == 304
    assert english.status_code == 200 and english.headers["etag"] != first.headers["etag"]
