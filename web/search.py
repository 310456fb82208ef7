"""The directory's landing page and its two searches, mediators and organizations, by division chosen step by
step (province, city, county, township), specialty or kind, language and name; paged as the API pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from schema.core.endpoint import RegistryGraphQL
from web.labels import ENUMS
from web.pages import page
from web.queries import COURTS, DIVISIONS, MEDIATORS, ORGANIZATIONS, PAGE_SIZE, public

LEVELS = ("province", "city", "county", "township")
"""The division's steps, each a form field named after its level."""
MAX_NAME = 50
"""The longest name fragment searched for."""


@dataclass(frozen=True, slots=True)
class Step:
    """One level of the division chooser: its options and the one chosen, if any."""

    level: str
    options: list[dict[str, Any]]
    chosen: str | None


async def divisions(endpoint: RegistryGraphQL, request: Request) -> tuple[list[Step], str | None]:
    """The chooser's steps down to the first level not yet chosen, and the deepest division chosen. A code that
    is not among its parent's divisions is dropped, with every level below it."""
    steps: list[Step] = []
    parent: str | None = None
    for level in LEVELS:
        data = await public(endpoint, DIVISIONS, parent=parent, level=None if parent else "PROVINCE")
        options: list[dict[str, Any]] = data["jurisdictions"]["nodes"]
        if not options:
            break
        asked = request.query_params.get(level)
        chosen = asked if asked in {option["code"] for option in options} else None
        steps.append(Step(level, options, chosen))
        if chosen is None:
            break
        parent = chosen
    return steps, parent


def choice(request: Request, name: str, enum: str) -> str | None:
    """A query parameter that must be one of the enum's values; anything else counts as not given."""
    value = request.query_params.get(name)
    return value if value in ENUMS[enum] else None


def name_fragment(request: Request) -> str | None:
    return request.query_params.get("name", "").strip()[:MAX_NAME] or None


def page_links(request: Request, info: dict[str, Any]) -> dict[str, str | None]:
    """The next page (by the API's cursor) and, past the first, the first page; other parameters kept."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "after"]
    following = urlencode([*kept, ("after", info["endCursor"])]) if info["hasNextPage"] and info["endCursor"] else None
    return {
        "next": request.url.path + "?" + following if following else None,
        "first": request.url.path + ("?" + urlencode(kept) if kept else "") if "after" in request.query_params else None,
    }


def directory_routes(endpoint: RegistryGraphQL) -> dict[str, Any]:
    """The handlers, by path."""

    async def landing(request: Request) -> Response:
        courts = (await public(endpoint, COURTS))["courts"]["nodes"]
        return page(request, "directory.html", courts=courts)

    async def mediators(request: Request) -> Response:
        steps, division = await divisions(endpoint, request)
        specialty, language = choice(request, "specialty", "Specialty"), choice(request, "language", "Language")
        name = name_fragment(request)
        search = {
            "jurisdiction": division,
            "specialties": [specialty] if specialty else None,
            "language": language,
            "nameContains": name,
        }
        data = await public(endpoint, MEDIATORS, filter=search, first=PAGE_SIZE, after=request.query_params.get("after"))
        found = data["mediators"]
        return page(
            request, "mediators.html", steps=steps, specialty=specialty, language=language, name=name or "",
            found=found, links=page_links(request, found["pageInfo"]),
        )

    async def organizations(request: Request) -> Response:
        steps, division = await divisions(endpoint, request)
        kind, name = choice(request, "kind", "OrganizationKind"), name_fragment(request)
        search = {"jurisdiction": division, "kinds": [kind] if kind else None, "nameContains": name}
        data = await public(endpoint, ORGANIZATIONS, filter=search, first=PAGE_SIZE, after=request.query_params.get("after"))
        found = data["organizations"]
        return page(
            request, "organizations.html", steps=steps, kind=kind, name=name or "",
            found=found, links=page_links(request, found["pageInfo"]),
        )

    return {"/directory": landing, "/directory/mediators": mediators, "/directory/organizations": organizations}
