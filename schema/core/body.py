"""The body of a GraphQL request, checked before Strawberry reads it: at most `max_bytes` (413 before reading
an oversized declared length, and as soon as a chunked stream passes it), UTF-8, JSON, an object (or a batch,
which Strawberry refuses), nested at most `MAX_JSON_DEPTH` levels. Each refusal is a 400 in plain text, as
Strawberry's own are. A large body is decoded on a worker thread so that it does not hold the event loop.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from auth.upload import read_body

MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
"""Arrays and objects inside arrays and objects: the registry's deepest input nests five levels."""
OFF_LOOP_BYTES = 64 * 1024
"""From this size on, a body is decoded on a worker thread."""


class BodyRefused(ValueError):
    pass


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in a decoded JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def check_json(body: bytes) -> None:
    """Refuse (with the reason) a body that is not a JSON object of bounded depth in UTF-8."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyRefused(f"The request body is not valid UTF-8 (byte {error.start}).") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise BodyRefused(f"The request body nests arrays or objects deeper than {MAX_JSON_DEPTH} levels.") from None
    except json.JSONDecodeError:
        return  # Strawberry answers "Unable to parse request body as JSON"
    if not isinstance(data, dict | list):
        raise BodyRefused('The request body must be a JSON object: {"query": "...", "variables": {...}}.')
    if depth(data) > MAX_JSON_DEPTH:
        raise BodyRefused(f"The request body nests arrays or objects deeper than {MAX_JSON_DEPTH} levels.")


class GraphQLBody:
    """ASGI middleware in front of the GraphQL endpoint: reads the body within the limit, checks it, replays it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await read_body(Request(scope, receive), self.max_bytes)
        if body is None:
            message = f"The request body is larger than {self.max_bytes} bytes."
            await PlainTextResponse(message, status_code=413)(scope, receive, send)
            return
        if "json" in Request(scope).headers.get("content-type", ""):
            try:
                if len(body) < OFF_LOOP_BYTES:
                    check_json(body)
                else:
                    await asyncio.to_thread(check_json, body)
            except BodyRefused as refused:
                await PlainTextResponse(str(refused), status_code=400)(scope, receive, send)
                return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body read once more, then the client's own messages (its disconnect)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
