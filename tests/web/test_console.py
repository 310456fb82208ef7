"""The home page and the query console: every asset from this service, and /graphql unchanged for programs."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from app import Settings, create_app
from graph.core.driver import Graph
from schema.core.build import build_schema

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
URL = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
ASSET = re.compile(r"""<(?:script src|link rel="stylesheet" href)="([^"]*)\"""")


async def console_client(graph: Graph, settings: Settings, *, enabled: bool) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update={"graphiql": enabled}), graph=graph)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://registry.local")


def foreign_urls(text: str) -> list[str]:
    """Every absolute or protocol-relative URL in `text` (the console's own are all relative paths)."""
    return URL.findall(text)


async def test_a_browser_asking_for_graphql_gets_the_console(graph: Graph, settings: Settings) -> None:
    async with await console_client(graph, settings, enabled=True) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        console = await http.get("/console/")

    assert page.status_code == 200
    assert page.text == console.text
    assert '<textarea id="query"' in page.text and '<input id="token"' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


async def test_the_console_and_its_assets_load_nothing_from_another_host(graph: Graph, settings: Settings) -> None:
    async with await console_client(graph, settings, enabled=True) as http:
        page = await http.get("/console/")
        assets = ASSET.findall(page.text)
        bodies = {path: await http.get(path) for path in assets}

    assert sorted(assets) == ["/static/console.css", "/static/console.js", "/static/site.css"]
    assert all(response.status_code == 200 for response in bodies.values())
    assert foreign_urls(page.text) == []
    assert {path: foreign_urls(response.text) for path, response in bodies.items()} == {path: [] for path in assets}


async def test_the_console_browses_the_schema_from_its_sdl(graph: Graph, settings: Settings) -> None:
    async with await console_client(graph, settings, enabled=True) as http:
        sdl = await http.get("/console/schema.graphql")
        script = await http.get("/static/console.js")

    assert sdl.status_code == 200
    assert sdl.text == build_schema().as_str()
    assert '"/console/schema.graphql"' in script.text and '"/graphql"' in script.text


async def test_without_the_console_setting_there_is_no_console(graph: Graph, settings: Settings) -> None:
    async with await console_client(graph, settings, enabled=False) as http:
        ide = await http.get("/graphql", headers={"accept": "text/html"})
        console = await http.get("/console/")
        sdl = await http.get("/console/schema.graphql")
        home = await http.get("/")

    assert (ide.status_code, console.status_code, sdl.status_code) == (404, 404, 404)
    assert home.status_code == 200 and "/console/" not in home.text


async def test_api_clients_still_post_and_get_queries(graph: Graph, settings: Settings) -> None:
    query = "{ jurisdictions(first: 1) { totalCount } }"
    enabled = settings.model_copy(update={"allow_get_queries": True})
    async with await console_client(graph, enabled, enabled=True) as http:
        posted = await http.post("/graphql", json={"query": query})
        got = await http.get("/graphql", params={"query": query}, headers={"accept": "application/json"})

    assert posted.json() == got.json() == {"data": {"jurisdictions": {"totalCount": 0}}}


async def test_the_home_page_leads_to_the_directory_the_console_and_the_docs(graph: Graph, settings: Settings) -> None:
    async with await console_client(graph, settings, enabled=True) as http:
        home = await http.get("/")
        english = await http.get("/", headers={"accept-language": "en-GB,en;q=0.9"})
        docs = await http.get("/docs")

    assert home.status_code == 200
    assert '<html lang="zh-CN">' in home.text and '<html lang="en">' in english.text
    assert {'href="/directory"', 'href="/console/"', 'href="/docs"'} <= set(re.findall(r'href="[^"]*"', home.text))
    assert "Public directory" in english.text and "公共名录" in home.text
    assert home.headers["etag"] and home.headers["cache-control"].startswith("public")
    assert docs.text == README
    assert foreign_urls(home.text) == []


async def test_a_page_the_caller_holds_is_not_sent_again(graph: Graph, settings: Settings) -> None:
    async with await console_client(graph, settings, enabled=True) as http:
        first = await http.get("/")
        again = await http.get("/", headers={"if-none-match": first.headers["etag"]})

    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", first.headers["etag"])
