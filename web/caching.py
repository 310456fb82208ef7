"""ETag and Cache-Control for what the web pages send: a strong tag over the body, 304 when it matches."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

PAGE_CACHE = "public, max-age=300"
"""A public page: a proxy or a browser may keep it five minutes, and then revalidates it by its ETag."""
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
"""A published version of a list never changes: cached for good."""


def cached(request: Request, body: bytes, *, media_type: str, cache_control: str = PAGE_CACHE) -> Response:
    """`body` with its ETag and `cache_control`, or an empty 304 when the caller already holds it."""
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": cache_control, "Vary": "Accept-Language"}
    held = {value.strip().removeprefix("W/") for value in request.headers.get("if-none-match", "").split(",")}
    if tag in held:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
