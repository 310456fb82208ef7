"""Membership requests in GraphQL: a bureau asks that a mediator another bureau filed join one of its
organizations; a bureau that may write the mediator accepts or refuses; the requester may withdraw."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.pagination import page_request
from resolvers.core.vocabulary import Direction as Dir
from resolvers.core.vocabulary import Order as Ord
from resolvers.directory.organization import Saved
from resolvers.roster import membership_request as requests
from resolvers.roster.membership_request import MembershipRequestRecord
from schema.core.connection import AFTER, FIRST, Connection, connection
from schema.core.context import Info
from schema.core.enums import MembershipRole
from schema.core.payloads import PROBLEMS, outcome
from schema.core.permissions import protected
from schema.core.write import KEY, raw, writer
from schema.directory.agency import Agency, agency_of
from schema.directory.mediator import Mediator
from schema.directory.organization import Organization
from schema.roster.filing import MEDIATOR_ID, MembershipInput

MembershipRequestState = requests.RequestState
strawberry.enum(
    MembershipRequestState,
    name="MembershipRequestState",
    description="Where a membership request stands: pending, accepted (the mediator joined), refused or withdrawn.",
)
MembershipRequestDirection = requests.RequestDirection
strawberry.enum(
    MembershipRequestDirection,
    name="MembershipRequestDirection",
    description="Requests the calling bureau may decide, or those it made.",
)

ID = Annotated[strawberry.ID, strawberry.argument(description="The membership request's registry id.")]


@strawberry.type(description="A bureau's request that a mediator another bureau filed join one of its organizations.")
class MembershipRequest:
    id: strawberry.ID = strawberry.field(description="The request's registry id.")
    state: MembershipRequestState = strawberry.field(description="Pending, accepted, refused or withdrawn.")
    role: MembershipRole = strawberry.field(description="The role asked for.")
    since: datetime.date = strawberry.field(description="The first day of the term asked for.")
    until: datetime.date | None = strawberry.field(description="The last day of the term asked for.")
    requested_at: datetime.datetime = strawberry.field(description="When the request was made.")
    decided_at: datetime.datetime | None = strawberry.field(description="When it was decided or withdrawn.")
    reason: str | None = strawberry.field(description="Why it was refused.")
    version: int | None = strawberry.field(description="The request's version; each decision moves it on.")
    updated_at: datetime.datetime | None = strawberry.field(description="When the request last changed.")
    mediator_id: strawberry.Private[str]
    organization_id: strawberry.Private[str]
    requested_by_id: strawberry.Private[str]
    decided_by_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: MembershipRequestRecord) -> MembershipRequest:
        return cls(
            id=strawberry.ID(record.id), state=MembershipRequestState(record.state), role=record.role,
            since=record.since, until=record.until, requested_at=record.requested_at, decided_at=record.decided_at,
            reason=record.reason, version=record.version, updated_at=record.updated_at, mediator_id=record.mediator_id,
            organization_id=record.organization_id, requested_by_id=record.requested_by, decided_by_id=record.decided_by,
        )

    @strawberry.field(description="The mediator as the caller may see it: the public directory's facts until the"
                      " caller's reach includes the mediator (a requester's, once its request is accepted).")
    async def mediator(self, info: Info) -> Mediator | None:
        return await Mediator.resolve_reference(info, strawberry.ID(self.mediator_id))

    @strawberry.field(description="The requesting bureau's organization the mediator would join.")
    async def organization(self, info: Info) -> Organization | None:
        return await Organization.resolve_reference(info, strawberry.ID(self.organization_id))

    @strawberry.field(description="The bureau that made the request.")
    async def requested_by(self, info: Info) -> Agency | None:
        return await agency_of(info, self.requested_by_id)

    @strawberry.field(description="The bureau that decided it (the requester, when withdrawn); null while pending.")
    async def decided_by(self, info: Info) -> Agency | None:
        return await agency_of(info, self.decided_by_id)


@strawberry.type(description="The membership request as it now stands.")
class MembershipRequestSaved:
    membership_request: MembershipRequest = strawberry.field(description="The request after the write.")
    replayed: bool = strawberry.field(description="True when an idempotency key returned an earlier result.")


MembershipRequestPayload = Annotated[
    MembershipRequestSaved | PROBLEMS,
    strawberry.union("MembershipRequestPayload", description="A membership request or a problem."),
]


async def request_of(info: Info, id: str) -> MembershipRequest | None:
    principal = info.context.principal
    assert principal is not None  # every field here declares a scope
    found = await requests.membership_request_of(
        info.context.graph, id=id, agency=principal.agency_id, kind=principal.agency_kind, viewer=info.context.viewer
    )
    return MembershipRequest.from_record(found) if found else None


async def saved(info: Info, done: Saved) -> MembershipRequestSaved:
    found = await request_of(info, done.id)
    assert found is not None  # the caller made it or decided it
    return MembershipRequestSaved(membership_request=found, replayed=done.replayed)


@strawberry.type(description="Membership requests the calling bureau made or may decide.")
class MembershipRequestQuery:
    @protected(Scope.ROSTER_READ, "Membership requests of the calling judicial bureau, most recently changed first:"
               " those it may decide (INCOMING) or those it made (OUTGOING); none for any other caller.")
    async def membership_requests(
        self,
        info: Info,
        direction: Annotated[
            MembershipRequestDirection, strawberry.argument(description="Requests to decide, or requests made.")
        ],
        state: Annotated[
            MembershipRequestState | None, strawberry.argument(description="Only requests in this state.")
        ] = None,
        first: FIRST = None,
        after: AFTER = None,
    ) -> Connection[MembershipRequest]:
        principal = info.context.principal
        assert principal is not None
        listing = await requests.membership_requests(
            info.context.graph, direction=direction, state=state, agency=principal.agency_id,
            kind=principal.agency_kind, viewer=info.context.viewer,
            page=page_request(first=first, after=after, order=Ord.UPDATED_AT, direction=Dir.DESC),
        )
        return connection(listing, MembershipRequest.from_record, after=after)


@strawberry.type(description="Membership requests across bureaus; each write is one audited transaction.")
class MembershipRequestMutation:
    @protected(Scope.ROSTER_WRITE, "Ask that a mediator filed by another bureau join one of the calling bureau's"
               " organizations; the mediator's bureau accepts or refuses. The term is checked now and at acceptance.")
    async def request_membership(
        self, info: Info, mediator_id: MEDIATOR_ID,
        input: Annotated[MembershipInput, strawberry.argument(description="The membership asked for.")],
        idempotency_key: KEY = None,
    ) -> MembershipRequestPayload:
        write = requests.request_membership(writer(info), str(mediator_id), raw(input), idempotency_key=idempotency_key)
        return await outcome(write, lambda done: saved(info, done))

    @protected(Scope.ROSTER_WRITE, "Accept a pending request for a mediator in the calling bureau's reach: the"
               " mediator joins the organization by the rules of `addMembership`.")
    async def accept_membership_request(self, info: Info, id: ID, idempotency_key: KEY = None) -> MembershipRequestPayload:
        write = requests.accept_membership_request(writer(info), str(id), idempotency_key=idempotency_key)
        return await outcome(write, lambda done: saved(info, done))

    @protected(Scope.ROSTER_WRITE, "Refuse a pending request for a mediator in the calling bureau's reach.")
    async def refuse_membership_request(
        self, info: Info, id: ID,
        reason: Annotated[str, strawberry.argument(description="Why (2 to 500 characters); the requester reads it.")],
        idempotency_key: KEY = None,
    ) -> MembershipRequestPayload:
        write = requests.refuse_membership_request(writer(info), str(id), reason=reason, idempotency_key=idempotency_key)
        return await outcome(write, lambda done: saved(info, done))

    @protected(Scope.ROSTER_WRITE, "Withdraw a pending request the calling bureau made.")
    async def withdraw_membership_request(
        self, info: Info, id: ID, idempotency_key: KEY = None
    ) -> MembershipRequestPayload:
        write = requests.withdraw_membership_request(writer(info), str(id), idempotency_key=idempotency_key)
        return await outcome(write, lambda done: saved(info, done))
