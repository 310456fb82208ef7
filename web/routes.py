"""Every route of the web pages, for app.py to mount."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from schema.core.endpoint import RegistryGraphQL
from web.console import STATIC, console_routes
from web.home import home_routes
from web.pages import page
from web.profiles import profile_routes
from web.queries import PublicQueryFailed
from web.search import directory_routes

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("registry.web")


def refusing(handler: Handler) -> Handler:
    """A page whose query the API refused (a cursor it cannot read) answers 400 with a page, not 500."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except PublicQueryFailed as error:
            log.warning("public page refused: %s", error)
            return page(request, "not_found.html", status_code=400, heading="bad_request", message="bad_request_text")

    return run


def web_routes(endpoint: RegistryGraphQL, *, console: bool) -> list[BaseRoute]:
    """The home page, the static assets, the directory, and the query console when it is enabled."""
    pages = {**directory_routes(endpoint), **profile_routes(endpoint)}
    routes: list[BaseRoute] = [
        *home_routes(console=console),
        *(Route(path, refusing(handler)) for path, handler in pages.items()),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    if console:
        routes += console_routes(endpoint.schema.as_str())
    return routes
