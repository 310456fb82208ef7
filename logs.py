"""The registry's logs: one setup, two formats, and the request id on every line logged while a request is handled.

`RequestLog` (ASGI middleware, outermost in app.py) gives each HTTP request its id once: the caller's
`x-request-id` when it is a sane token, else a new one. It keeps the id in a context variable, echoes it in the
response's `x-request-id` header and ends the request with one access line (method, path, status, duration,
client id; never the query string, which can carry a GET query's variables). The handler that `configure`
installs adds the id, and what `bind` added during the request (the client id), to every record it writes;
lines logged outside a request (startup, migrations, rollups, the graph supervisor) carry `request_id: null`.

An event is a short fixed message with its data as fields: `log.info("migration applied", extra={"version":
3})`. JSON lines carry the fields as keys; the text format appends them as `key=value`. No personal data goes
into a log line (names, identity numbers, phone numbers, query variables, tokens, secrets): ids and counts only.

This module imports nothing of the registry's, so any layer may use it; graph/ does not need it (it logs through
the standard library, and the handler adds the request id).
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LogFormat = Literal["json", "text"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

HEADER = "x-request-id"
MAX_REQUEST_ID = 64
SAFE_REQUEST_ID = re.compile(rf"[A-Za-z0-9._:-]{{1,{MAX_REQUEST_ID}}}")
"""A caller's request id is kept only when it is this: bounded, and nothing a log line or a header must escape."""

QUIET_LOGGERS = {"neo4j": logging.WARNING, "authlib": logging.WARNING}
"""Loggers whose lower levels carry values, held at WARNING whatever the level: the driver's DEBUG lines hold every
statement's parameters, Authlib's every token it issues and the client's secret hash."""

access = logging.getLogger("registry.access")


@dataclass(slots=True)
class _Request:
    request_id: str
    fields: dict[str, Any] = field(default_factory=dict)


_current: ContextVar[_Request | None] = ContextVar("registry_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(offered: str | None) -> str:
    """The caller's id when it is a sane token (see `SAFE_REQUEST_ID`), else a new one."""
    return offered if offered is not None and SAFE_REQUEST_ID.fullmatch(offered) else new_request_id()


def current_request_id() -> str | None:
    """The id of the request being handled, or None outside one."""
    request = _current.get()
    return request.request_id if request is not None else None


def request_id() -> str:
    """The request's id, as `RequestLog` set it; a new one when no `RequestLog` runs in front (an app mounted
    without it)."""
    return current_request_id() or new_request_id()


def bind(**fields: str | int | float | bool | None) -> None:
    """Add fields to every later line of the request being handled (and its access line); nothing outside one."""
    request = _current.get()
    if request is not None:
        request.fields.update(fields)


class HTTPMiddleware:
    """A pure ASGI middleware that acts on HTTP requests only (lifespan and other scopes pass through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.http(scope, receive, send)

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestLog(HTTPMiddleware):
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        offered = [value.decode("latin-1") for name, value in scope["headers"] if name.lower() == HEADER.encode()]
        request = _Request(accepted_request_id(offered[0] if len(offered) == 1 else None))
        token = _current.set(request)
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[HEADER] = request.request_id
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            # the id stays set, so that the server's own line about this exception names the request too (uvicorn
            # runs every request in a task of its own, so it goes no further)
            _access(scope, status, started)
            raise
        _access(scope, status, started)
        _current.reset(token)


def _access(scope: Scope, status: int, started: float) -> None:
    duration = round((time.perf_counter() - started) * 1000, 1)
    access.info("request", extra={"method": scope["method"], "path": scope["path"], "status": status, "duration_ms": duration})


class RequestFields(logging.Filter):
    """Adds `request_id` (None outside a request) and the request's bound fields to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _current.get()
        if not hasattr(record, "request_id"):
            record.request_id = request.request_id if request is not None else None
        for name, value in (request.fields.items() if request is not None else ()):
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}
_DROPPED = frozenset({"color_message"})  # uvicorn's copy of its message with terminal colours


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The event's own fields: what `extra` (or `bind`) added to the record."""
    return {
        name: value for name, value in record.__dict__.items()
        if name not in _STANDARD and name not in _DROPPED and not name.startswith("_")
    }


def timestamp(record: logging.LogRecord) -> str:
    """ISO 8601 in UTC, to the millisecond: 2026-12-07T12:50:25.123Z."""
    moment = datetime.datetime.fromtimestamp(record.created, datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the fields, and a traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            **fields_of(record),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


_PLAIN = re.compile(r"[^\s\"'=\\]+")


class Readable(logging.Formatter):
    """For a terminal: `2026-12-07T12:50:25.123Z INFO registry.graph [-] migration applied version=3 name="..."`."""

    def format(self, record: logging.LogRecord) -> str:
        rid = getattr(record, "request_id", None) or "-"
        fields = " ".join(f"{name}={_text(value)}" for name, value in fields_of(record).items())
        line = f"{timestamp(record)} {record.levelname} {record.name} [{rid}] {record.getMessage()}"
        line = f"{line} {fields}" if fields else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        if record.stack_info:
            line = f"{line}\n{self.formatStack(record.stack_info)}"
        return line


def _text(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if _PLAIN.fullmatch(text) else json.dumps(text, ensure_ascii=False)


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the moment (a progress bar's redirection, pytest's capture)."""

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _: IO[str]) -> None:
        pass


def log_handler(fmt: LogFormat | None = None, stream: IO[str] | None = None) -> logging.Handler:
    """A handler in `fmt` (None: text on a terminal, JSON lines otherwise) that adds the request's fields."""
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
    out = stream if stream is not None else sys.stderr
    chosen = fmt or ("text" if out.isatty() else "json")
    handler.setFormatter(JsonLines() if chosen == "json" else Readable())
    handler.addFilter(RequestFields())
    return handler


_installed: list[logging.Handler] = []


def configure(fmt: LogFormat | None = None, level: LogLevel = "INFO", stream: IO[str] | None = None) -> logging.Handler:
    """The process's logging: one handler on the root logger (replacing the one an earlier call installed), the
    level, uvicorn's loggers through it, and the driver's value-carrying levels kept quiet."""
    root = logging.getLogger()
    for old in _installed:
        root.removeHandler(old)
    handler = log_handler(fmt, stream)
    _installed[:] = [handler]
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(floor, logging.getLevelNamesMapping()[level]))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return handler
