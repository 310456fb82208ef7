"""Notices in GraphQL: the calling agency's inbox (a guiding court hears of filings and member changes) and
marking notices read. Both need `roster:read`: a notice names an organization of the roster."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.notices import notice
from resolvers.notices.notice import MAX_MARKED
from schema.core.connection import AFTER, FIRST
from schema.core.context import Info
from schema.core.payloads import PROBLEMS, AnyProblem, outcome
from schema.core.permissions import protected
from schema.directory.organization import Organization
from schema.roster.membership_request import MembershipRequest, request_of

READ = Scope.ROSTER_READ


NoticeKind = notice.NoticeKind
strawberry.enum(NoticeKind, description="What a notice tells.")


@strawberry.type(description="Something the registry told the calling agency: a committee filed under its guidance,"
                 " a member joining or leaving one (People's Mediation Law Art 10), a partner's registration, or a"
                 " membership request across bureaus and its decision.")
class Notice:
    id: strawberry.ID = strawberry.field(description="The notice's id, for `markNoticesRead`.")
    kind: NoticeKind = strawberry.field(description="What it tells.")
    at: datetime.datetime = strawberry.field(description="When the registry recorded it.")
    filing_no: str | None = strawberry.field(description="For a filing: the organization's filing number.")
    read_at: datetime.datetime | None = strawberry.field(description="When the agency marked it read; null if unread.")
    organization_id: strawberry.Private[str | None]
    request_id: strawberry.Private[str | None]

    @strawberry.field(description="Whether the agency marked it read.")
    def read(self) -> bool:
        return self.read_at is not None

    @strawberry.field(description="The organization it is about, as the caller may see it.")
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_id is None:
            return None
        return await Organization.resolve_reference(info, strawberry.ID(self.organization_id))

    @strawberry.field(description="For a membership request or its decision: the request, as the caller may see it.")
    async def membership_request(self, info: Info) -> MembershipRequest | None:
        return None if self.request_id is None else await request_of(info, self.request_id)

    @classmethod
    def of(cls, record: notice.NoticeRecord) -> Notice:
        return cls(id=strawberry.ID(record.id), kind=notice.NoticeKind(record.kind), at=record.at, filing_no=record.filing_no,
                   read_at=record.read_at, organization_id=record.organization_id, request_id=record.request_id)


@strawberry.type(description="A page of notices, newest first.")
class NoticePage:
    notices: list[Notice] = strawberry.field(description="The notices of this page.")
    has_next_page: bool = strawberry.field(description="Whether older notices follow.")
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    agency: strawberry.Private[str]

    @strawberry.field(description="How many of the agency's notices are unread, in all.")
    async def unread_count(self, info: Info) -> int:
        return await notice.unread_notices(info.context.graph, agency=self.agency)


@strawberry.type(description="The notices are marked read.")
class NoticesRead:
    unread_count: int = strawberry.field(description="How many of the agency's notices are still unread.")


NoticesReadPayload = Annotated[
    NoticesRead | PROBLEMS, strawberry.union("NoticesReadPayload", description="The unread count or a problem.")
]
UNREAD = Annotated[bool, strawberry.argument(description="Only the notices not yet marked read.")]
IDS = Annotated[
    list[strawberry.ID], strawberry.argument(description=f"The notices' ids (1 to {MAX_MARKED}), all the caller's.")
]


def agency(info: Info) -> str:
    assert info.context.principal is not None  # every field here declares a scope
    return info.context.principal.agency_id


@strawberry.type(description="The calling agency's notices.")
class NoticeQuery:
    @protected(READ, "The calling agency's notices, newest first: filings under its guidance and member changes.")
    async def notices(
        self, info: Info, unread: UNREAD = False, first: FIRST = None, after: AFTER = None
    ) -> NoticePage:
        found = await notice.notices(info.context.graph, agency=agency(info), unread=unread, first=first, after=after)
        return NoticePage(
            notices=[Notice.of(record) for record in found.notices], has_next_page=found.has_next_page,
            end_cursor=found.end_cursor, agency=agency(info),
        )


@strawberry.type(description="Marking the calling agency's notices read.")
class NoticeMutation:
    @protected(READ, "Mark notices of the calling agency read; an id that is not its notice refuses the whole call.")
    async def mark_notices_read(self, info: Info, ids: IDS) -> NoticesReadPayload:
        async def unread(left: int) -> NoticesRead:
            return NoticesRead(unread_count=left)

        marked = notice.mark_notices_read(info.context.graph, agency=agency(info), ids=[str(id) for id in ids])
        result: NoticesRead | AnyProblem = await outcome(marked, unread)
        return result
