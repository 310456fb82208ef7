"""The query console at /console/: one page, its script and style sheet, and the schema's SDL it browses.

Every asset is served by this service (web/static), so the console works where there is no internet.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from schema.core.endpoint import CONSOLE_PATH
from web.caching import cached

STATIC = Path(__file__).parent / "static"
ONLY_THIS_SERVICE = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
"""The console's Content-Security-Policy: the browser itself refuses anything from another host."""


PAGE = (STATIC / "console.html").read_bytes()


async def console(request: Request) -> Response:
    """The console's page (at /console/, and at /graphql for a browser); its assets' paths are absolute."""
    response = cached(request, PAGE, media_type="text/html; charset=utf-8", cache_control="no-cache")
    response.headers["Content-Security-Policy"] = ONLY_THIS_SERVICE
    return response


def console_routes(sdl: str) -> list[BaseRoute]:
    """The console's page and the SDL of the schema it browses (`sdl`, as `export-schema` prints it)."""
    schema_text = sdl.encode("utf-8")

    async def schema(request: Request) -> Response:
        return cached(request, schema_text, media_type="text/plain; charset=utf-8", cache_control="no-cache")

    return [Route(CONSOLE_PATH, console), Route(CONSOLE_PATH + "schema.graphql", schema)]
