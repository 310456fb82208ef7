"""Every route of the web pages, for app.py to mount."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from schema.core.endpoint import RegistryGraphQL
from web.console import STATIC, console_routes
from web.home import home_routes


def web_routes(endpoint: RegistryGraphQL, *, console: bool) -> list[BaseRoute]:
    """The home page, the static assets, the directory, and the query console when it is enabled."""
    routes: list[BaseRoute] = [*home_routes(console=console), Mount("/static", StaticFiles(directory=STATIC), name="static")]
    if console:
        routes += console_routes(endpoint.schema.as_str())
    return routes
