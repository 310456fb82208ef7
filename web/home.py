"""`GET /`: a page that leads a person to the directory, the query console and the documentation."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from schema.core.endpoint import CONSOLE_PATH
from web.pages import page

README = Path(__file__).resolve().parent.parent / "README.md"


def home_routes(*, console: bool) -> list[BaseRoute]:
    """The home page, and the README as the documentation (`/docs`) when the installation carries it."""

    async def home(request: Request) -> Response:
        return page(request, "home.html", console=CONSOLE_PATH if console else None, docs=README.exists())

    async def docs(request: Request) -> Response:
        if not README.exists():
            return PlainTextResponse("No documentation in this installation.", status_code=404)
        return PlainTextResponse(README.read_text(encoding="utf-8"), media_type="text/markdown; charset=utf-8")

    return [Route("/", home), Route("/docs", docs)]
