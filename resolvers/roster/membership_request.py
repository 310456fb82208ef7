"""Membership requests across bureaus (issue 12): a mediator already filed by another bureau joins one of your
organizations only when a bureau that may write the mediator accepts your request.

Until then the requester gains nothing: no membership, so no reach, no personal data and no writes. The rules of
the membership itself (term, overlap, role) are checked when it is requested, for a clear error early, and again
when it is accepted, which enters it by the same rules as `addMembership` (`resolvers.roster.membership.enter`).
Every write is one transaction with its audit events, as filing is (`resolvers.roster.filing`).
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.page import PageRequest
from graph.core.records import native
from graph.core.viewer import Viewer
from graph.core.vocabulary import AgencyKind, RecordStatus
from graph.notices.notice import notify_deciders, notify_requester
from graph.roster.filing import mediator_state, organization_state
from graph.roster.membership_request import (
    MembershipRequestRecord,
    count_requests,
    create_request,
    decide_request,
    list_requests,
    pending_request,
    request_state,
    requests_by_id,
)
from resolvers.core import clock
from resolvers.core.outcomes import Problem, ProblemCode, conflict, forbidden, not_found
from resolvers.core.pagination import Listing
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.directory.organization import Saved
from resolvers.notices.notice import NoticeKind
from resolvers.partners.registration import Rejection
from resolvers.roster.membership import MembershipInput, admissible, enter

__all__ = ["MembershipRequestRecord"]


class RequestState(StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"


class RequestDirection(StrEnum):
    INCOMING = "INCOMING"
    """Requests the caller may decide: other bureaus' requests for mediators in its reach."""
    OUTGOING = "OUTGOING"
    """Requests the caller made."""


KIND = "MembershipRequest"


def pending_key(mediator_id: str, organization_id: str) -> str:
    return f"{mediator_id}:{organization_id}"


async def on_the_roster(writer: Writer, tx: Tx, mediator_id: str) -> dict[str, Any]:
    """The mediator's state, when it is FILED; one awaiting a decision, suspended or deregistered is not on the
    roster and is told apart from none only to a bureau that reaches it."""
    state = await mediator_state(writer.graph, tx, id=mediator_id, viewer=writer.viewer)
    if state is None or (state["props"].get("status") != RecordStatus.FILED.value and not state["allowed"]):
        raise not_found("mediator on the roster", "mediatorId")
    if state["props"].get("status") != RecordStatus.FILED.value:
        status = state["props"].get("status")
        raise Problem(ProblemCode.ILLEGAL_TRANSITION, "mediatorId", f"Only a FILED mediator joins; this one is {status}.")
    return state


async def request_membership(
    writer: Writer, mediator_id: str, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    """Ask that a mediator outside the calling bureau's reach join one of its organizations."""
    membership = validated(MembershipInput, raw)
    new_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        organization = await organization_state(writer.graph, tx, id=membership.organization_id, viewer=writer.viewer)
        if organization is None:
            raise not_found("organization", "membership.organizationId")
        if not organization["allowed"]:
            raise forbidden("The organization lies outside the bureau's jurisdiction.", "membership.organizationId")
        mediator = await on_the_roster(writer, tx, mediator_id)
        if mediator["allowed"]:
            raise conflict("The mediator is already in the bureau's reach: add the membership with addMembership.",
                           "mediatorId")
        await admissible(writer, tx, mediator_id, membership, organization["props"])
        key = pending_key(mediator_id, membership.organization_id)
        if await pending_request(writer.graph, tx, key=key) is not None:
            raise conflict("A request for this mediator to join this organization is already pending.", "mediatorId")
        now = clock.now()
        props = {
            "state": RequestState.PENDING.value, "mediatorId": mediator_id, "organizationId": membership.organization_id,
            "requestedBy": writer.agency_id, "role": membership.role.value, "since": membership.since,
            "until": membership.until, "pendingKey": key,
        }
        created = await create_request(
            writer.graph, tx, id=new_id, props=props, mediator=mediator_id, organization=membership.organization_id,
            requester=writer.agency_id, now=now,
        )
        await notify_deciders(writer.graph, tx, request=new_id, mediator=mediator_id,
                              organization=membership.organization_id, kind=NoticeKind.MEMBERSHIP_REQUESTED)
        return new_id, [Change(new_id, KIND, "requestMembership", None, created)]

    entity, replayed = await unit_of_work(
        writer, operation="requestMembership", payload={"id": mediator_id, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


async def pending(writer: Writer, tx: Tx, id: str, *, by_requester: bool) -> dict[str, Any]:
    """The PENDING request `id` for the calling bureau to decide (`by_requester` False) or withdraw (True).

    A bureau that neither made it nor may decide it cannot tell it from none."""
    state = await request_state(writer.graph, tx, id=id)
    if state is None:
        raise not_found("membership request", "id")
    props: dict[str, Any] = native(state["props"])
    own = props["requestedBy"] == writer.agency_id
    mediator = await mediator_state(writer.graph, tx, id=props["mediatorId"], viewer=writer.viewer)
    decides = mediator is not None and bool(mediator["allowed"]) and not own
    if not own and not decides:
        raise not_found("membership request", "id")
    if by_requester and not own:
        raise forbidden("Only the bureau that made the request withdraws it.", "id")
    if not by_requester and not decides:
        raise forbidden("A bureau that may write the mediator decides the request, not the requesting bureau.", "id")
    if props["state"] != RequestState.PENDING.value:
        raise Problem(ProblemCode.ILLEGAL_TRANSITION, "id", f"The request was already decided: it is {props['state']}.")
    return props | {"requesterReaches": bool(state["requesterReaches"])}


async def decided(
    writer: Writer, tx: Tx, id: str, before: dict[str, Any], state: RequestState, reason: str | None, operation: str
) -> Change:
    """Record the decision (or the withdrawal) on the request and its audit change."""
    now = clock.now()
    props = {"state": state.value, "decidedBy": writer.agency_id, "reason": reason}
    after = await decide_request(writer.graph, tx, id=id, props=props, now=now)
    if after is None:
        raise Problem(ProblemCode.ILLEGAL_TRANSITION, "id", "The request was decided meanwhile.")
    stored = {key: value for key, value in before.items() if key != "requesterReaches"}
    return Change(id, KIND, operation, stored, after)


async def accept_membership_request(writer: Writer, id: str, *, idempotency_key: str | None) -> Saved:
    """The mediator joins the requesting bureau's organization, by the rules of `addMembership`."""

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await pending(writer, tx, id, by_requester=False)
        if not before["requesterReaches"]:
            raise conflict("The organization no longer lies where the requesting bureau governs.", "id")
        await on_the_roster(writer, tx, before["mediatorId"])
        organization = await organization_state(writer.graph, tx, id=before["organizationId"], viewer=writer.viewer)
        assert organization is not None  # the request's INTO edge holds it
        membership = MembershipInput(
            organization_id=before["organizationId"], role=before["role"], since=before["since"], until=before.get("until")
        )
        joined = await enter(writer, tx, before["mediatorId"], membership, organization["props"],
                             operation="acceptMembershipRequest")
        change = await decided(writer, tx, id, before, RequestState.ACCEPTED, None, "acceptMembershipRequest")
        await notify_requester(writer.graph, tx, request=id, requester=before["requestedBy"],
                               organization=before["organizationId"], kind=NoticeKind.MEMBERSHIP_ACCEPTED)
        return id, [change, joined]

    entity, replayed = await unit_of_work(
        writer, operation="acceptMembershipRequest", payload={"id": id}, idempotency_key=idempotency_key, work=work
    )
    return Saved(entity, (), replayed)


async def refuse_membership_request(writer: Writer, id: str, *, reason: str, idempotency_key: str | None) -> Saved:
    """Refuse the request with a reason the requesting bureau reads."""
    why = validated(Rejection, {"reason": reason}).reason

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await pending(writer, tx, id, by_requester=False)
        change = await decided(writer, tx, id, before, RequestState.REFUSED, why, "refuseMembershipRequest")
        await notify_requester(writer.graph, tx, request=id, requester=before["requestedBy"],
                               organization=before["organizationId"], kind=NoticeKind.MEMBERSHIP_REFUSED)
        return id, [change]

    entity, replayed = await unit_of_work(
        writer, operation="refuseMembershipRequest", payload={"id": id, "reason": why},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


async def withdraw_membership_request(writer: Writer, id: str, *, idempotency_key: str | None) -> Saved:
    """The requesting bureau takes back its request while it is pending."""

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await pending(writer, tx, id, by_requester=True)
        return id, [await decided(writer, tx, id, before, RequestState.WITHDRAWN, None, "withdrawMembershipRequest")]

    entity, replayed = await unit_of_work(
        writer, operation="withdrawMembershipRequest", payload={"id": id}, idempotency_key=idempotency_key, work=work
    )
    return Saved(entity, (), replayed)


async def membership_requests(
    graph: Graph, *, direction: RequestDirection, state: RequestState | None, page: PageRequest, agency: str,
    kind: AgencyKind, viewer: Viewer,
) -> Listing[MembershipRequestRecord]:
    """The requests the calling bureau made (OUTGOING) or may decide (INCOMING); none for any other caller."""
    scope: dict[str, Any] = {
        "incoming": direction is RequestDirection.INCOMING, "state": state.value if state else None, "agency": agency,
        "bureau": kind is AgencyKind.JUDICIAL_BUREAU, "viewer": viewer,
    }
    found = await list_requests(graph, page=page, **scope)
    return Listing(found, page.order, lambda: count_requests(graph, **scope))


async def membership_request_of(
    graph: Graph, *, id: str, agency: str, kind: AgencyKind, viewer: Viewer
) -> MembershipRequestRecord | None:
    found = await requests_by_id(graph, ids=[id], agency=agency, bureau=kind is AgencyKind.JUDICIAL_BUREAU, viewer=viewer)
    return found.get(id)
