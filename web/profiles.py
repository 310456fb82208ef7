"""The public record pages: a mediator's profile, an organization's page, and a court's page with its current
specially invited list (filterable by panel) and its published versions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from schema.core.endpoint import RegistryGraphQL
from web.pages import page
from web.queries import COURT, MEDIATOR, ORGANIZATION, PAGE_SIZE, public, published_versions
from web.search import choice, page_links


def not_found(request: Request) -> Response:
    return page(request, "not_found.html", status_code=404)


def profile_routes(endpoint: RegistryGraphQL) -> dict[str, Any]:
    """The handlers, by path."""

    async def mediator(request: Request) -> Response:
        found = (await public(endpoint, MEDIATOR, id=request.path_params["id"]))["mediator"]
        return page(request, "mediator.html", mediator=found) if found else not_found(request)

    async def organization(request: Request) -> Response:
        found = (await public(endpoint, ORGANIZATION, id=request.path_params["id"]))["organization"]
        return page(request, "organization.html", organization=found) if found else not_found(request)

    async def court(request: Request) -> Response:
        court_id, panel = request.path_params["id"], choice(request, "panel", "Specialty")
        data = await public(endpoint, COURT, id=court_id, panel=panel, first=PAGE_SIZE, after=request.query_params.get("after"))
        if not data["node"]:
            return not_found(request)
        listed = data["speciallyInvitedList"]
        versions = await published_versions(endpoint, court_id)
        return page(
            request, "court.html", court=data["node"], panel=panel, entries=listed["entries"],
            links=page_links(request, listed), versions=versions,
        )

    return {
        "/directory/mediators/{id}": mediator,
        "/directory/organizations/{id}": organization,
        "/directory/courts/{id}": court,
    }
