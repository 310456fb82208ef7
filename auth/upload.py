"""Who may import a roster, and `POST /roster/import`: a roster file as the request body.

The route expects `BearerAuthentication` in front of it (pass it as `middleware`), which puts the caller's
`Principal` in the ASGI scope. It needs the `roster:write` scope and a judicial bureau or the platform
administrator: 401 for an anonymous caller, 403 for a missing scope or another kind of agency, both with RFC
6750 challenges. The body is `text/csv` or `application/x-ndjson` (UTF-8), at most `max_bytes`; the import
itself comes in as a function (auth/ does not import resolvers/), which answers 422 with the report when a
row is bad and 200 with it when the roster was written (or only validated, with `?dry_run=true`).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from auth.principal import Principal
from auth.scopes import ROSTER_IMPORT, Scope, may_run
from auth.tokens import NO_STORE, BearerError, insufficient_scope, www_authenticate
from graph.audit.trail import Actor
from graph.core.driver import Graph, GraphError
from graph.core.health import RETRY_AFTER_SECONDS
from graph.core.viewer import Viewer
from graph.core.vocabulary import AgencyKind, RosterMediaType
from graph.roster.bulk import importing_agency
from logs import request_id

MAX_BYTES = 50 * 1024 * 1024
MEDIA_TYPES = frozenset(RosterMediaType)


@dataclass(frozen=True, slots=True)
class Importer:
    """Who imports: a bureau writes inside its jurisdiction and files with itself; a national importer
    (the platform administrator, or the CLI without `--agency`) writes anywhere and files with nobody."""

    actor: Actor
    jurisdiction: str | None = None
    bureau_id: str | None = None

    @property
    def viewer(self) -> Viewer:
        return Viewer(national=self.jurisdiction is None, jurisdiction=self.jurisdiction)


class ImportRefused(ValueError):
    """The agency may not import rosters (unknown, of another kind, or a bureau governing no division)."""


def importer_for(principal: Principal, request_id: str) -> Importer:
    actor = Actor(agency_id=principal.agency_id, client_id=principal.client_id, request_id=request_id)
    return _importer(actor, kind=principal.agency_kind, agency_id=principal.agency_id, governs=principal.jurisdiction)


async def cli_importer(graph: Graph, *, agency_id: str | None) -> Importer:
    """National without an agency; otherwise as that bureau (or the platform administrator)."""
    actor = Actor(agency_id=agency_id, client_id=None, request_id=f"import-{uuid.uuid4().hex}")
    if agency_id is None:
        return Importer(actor)
    agency = await importing_agency(graph, id=agency_id)
    if agency is None:
        raise ImportRefused(f"No agency has the id {agency_id}.")
    return _importer(actor, kind=agency.kind, agency_id=agency.id, governs=agency.jurisdiction)


def _importer(actor: Actor, *, kind: str, agency_id: str, governs: str | None) -> Importer:
    if may_run(ROSTER_IMPORT, kind):
        if kind == AgencyKind.PLATFORM_ADMIN:
            return Importer(actor)
        if governs:  # a bureau imports into the division it governs
            return Importer(actor, jurisdiction=governs, bureau_id=agency_id)
    raise ImportRefused("Only a judicial bureau or the platform administrator may import rosters.")


@dataclass(frozen=True, slots=True)
class Upload:
    """An authorized upload: the body as text, its media type, who sends it and whether to write."""

    text: str
    media_type: str
    importer: Importer
    dry_run: bool


@dataclass(frozen=True, slots=True)
class UploadResult:
    accepted: bool
    report: dict[str, Any]


RosterUpload = Callable[[Upload], Awaitable[UploadResult]]


def upload_route(
    run: RosterUpload,
    *,
    middleware: Sequence[Middleware] = (),
    path: str = "/roster/import",
    max_bytes: int = MAX_BYTES,
) -> Route:
    """`POST path`: authorize, read the body within `max_bytes`, and hand it to `run`."""

    async def endpoint(request: Request) -> Response:
        principal: Principal | None = request.scope.get("principal")
        if principal is None:
            return _challenge(401, "unauthorized", "a bearer token is required", www_authenticate())
        if not principal.has(Scope.ROSTER_WRITE):
            status, headers = insufficient_scope(Scope.ROSTER_WRITE)
            description = f"the {Scope.ROSTER_WRITE} scope is required"
            return _challenge(status, BearerError.INSUFFICIENT_SCOPE, description, headers["WWW-Authenticate"])
        try:
            importer = importer_for(principal, request_id())
        except ImportRefused:
            description = "only a judicial bureau or the platform administrator may import rosters"
            challenge = www_authenticate(BearerError.INSUFFICIENT_SCOPE, description)
            return _challenge(403, BearerError.INSUFFICIENT_SCOPE, description, challenge)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in MEDIA_TYPES:
            return _error(415, "unsupported_media_type", "Send text/csv or application/x-ndjson.")
        body = await read_body(request, max_bytes)
        if body is None:
            return _error(413, "too_large", f"A roster file is at most {max_bytes} bytes.")
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _error(400, "invalid_encoding", "A roster file is UTF-8.")
        upload = Upload(text, media_type, importer, _flag(request.query_params.get("dry_run")))
        try:
            result = await run(upload)
        except GraphError:
            return _error(503, "temporarily_unavailable", "The graph is unavailable; send the same file again.")
        return JSONResponse(result.report, status_code=200 if result.accepted else 422, headers=NO_STORE)

    return Route(path, endpoint, methods=["POST"], middleware=middleware)


def _challenge(status: int, error: str, description: str, challenge: str) -> Response:
    """A refusal with its RFC 6750 `WWW-Authenticate` challenge."""
    body = {"error": str(error), "error_description": description}
    return JSONResponse(body, status_code=status, headers={"WWW-Authenticate": challenge, **NO_STORE})


async def read_body(request: Request, max_bytes: int) -> bytes | None:
    """The body, or None as soon as it (or its declared length) exceeds `max_bytes` (or the client left)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return None
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                return None
            parts.append(chunk)
    except ClientDisconnect:
        return None
    return b"".join(parts)


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes")


def _error(status: int, error: str, description: str) -> Response:
    headers = {**NO_STORE, "Retry-After": str(RETRY_AFTER_SECONDS)} if status == 503 else NO_STORE
    return JSONResponse({"error": error, "error_description": description}, status_code=status, headers=headers)
