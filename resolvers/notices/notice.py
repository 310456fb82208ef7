"""Notices as their agency reads them: newest first, one page at a time, marked read when it says so.

A notice is the agency's own: the query lists only the caller's, and marking names only the caller's (an id
that is not the caller's notice is refused as unknown, and nothing is marked). Marking is not a roster change,
so it writes no audit event; it is idempotent (a notice keeps the moment it was first read).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from enum import StrEnum

from graph.core.driver import Graph
from graph.notices.notice import NoticeRecord as NoticeRecord
from graph.notices.notice import mark_read, notices_of, unread_count
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.outcomes import FieldProblem, invalid, not_found
from resolvers.core.pagination import DEFAULT_PAGE, MAX_PAGE


class NoticeKind(StrEnum):
    FILING = "FILING"
    """A committee was filed under the agency's guidance."""
    MEMBER_JOINED = "MEMBER_JOINED"
    MEMBER_LEFT = "MEMBER_LEFT"
    ORGANIZATION_REGISTERED = "ORGANIZATION_REGISTERED"
    """A partner registered an organization that awaits the bureau's decision."""
    MEDIATORS_REGISTERED = "MEDIATORS_REGISTERED"
    """A partner registered mediators into the organization; they await the bureau's decision."""
    MEMBERSHIP_REQUESTED = "MEMBERSHIP_REQUESTED"
    """Another bureau asks that a mediator in the agency's reach join one of its organizations."""
    MEMBERSHIP_ACCEPTED = "MEMBERSHIP_ACCEPTED"
    """The mediator's bureau accepted the agency's membership request: the mediator joined."""
    MEMBERSHIP_REFUSED = "MEMBERSHIP_REFUSED"
    """The mediator's bureau refused the agency's membership request."""


MAX_MARKED = MAX_PAGE
"""The most notices one call marks read: a page."""


@dataclass(frozen=True, slots=True)
class NoticePage:
    notices: list[NoticeRecord]
    has_next_page: bool
    end_cursor: str | None


def _cursor(notice: NoticeRecord) -> str:
    raw = json.dumps(["NOTICE", notice.at.isoformat(), notice.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _after(cursor: str) -> tuple[datetime.datetime, str]:
    try:
        kind, at, id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if kind != "NOTICE" or not isinstance(id, str):
            raise ValueError(kind)
        return datetime.datetime.fromisoformat(at), id
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as error:
        raise InputError("The cursor is not one this API issued for notices.", field="after") from error


async def notices(graph: Graph, *, agency: str, unread: bool, first: int | None, after: str | None) -> NoticePage:
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InputError(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    found = await notices_of(
        graph, agency=agency, unread=unread, limit=size + 1, before=_after(after) if after is not None else None
    )
    shown = found[:size]
    return NoticePage(shown, len(found) > size, _cursor(shown[-1]) if shown else None)


async def unread_notices(graph: Graph, *, agency: str) -> int:
    return await unread_count(graph, agency=agency)


async def mark_notices_read(graph: Graph, *, agency: str, ids: list[str]) -> int:
    """Marks the caller's notices `ids` read and returns how many remain unread; refuses the whole call when an
    id is not one of the caller's notices."""
    if not 1 <= len(ids) <= MAX_MARKED:
        raise invalid([FieldProblem("ids", f"Name between 1 and {MAX_MARKED} notices.")])
    missing = await mark_read(graph, agency=agency, ids=list(dict.fromkeys(ids)), now=clock.now())
    if missing:
        raise not_found("notice of the calling agency", "ids")
    return await unread_count(graph, agency=agency)
