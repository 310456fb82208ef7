"""Entering a membership: the rules every path that adds one shares (a bureau's own `addMembership`, filing a
mediator, accepting another bureau's membership request). Who may reach the organization is the caller's
check; here are the term, the overlap, the committee's composition and the guiding court's notice."""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Tx
from graph.core.vocabulary import MembershipRole, OrganizationKind, RecordStatus
from graph.roster.filing import create_membership, notify_membership_change, overlapping_membership
from resolvers.core.outcomes import FieldProblem, conflict, invalid
from resolvers.core.write import Writer
from resolvers.directory.organization import require_composition
from resolvers.roster.composition import term_problems


class MembershipInput(BaseModel):
    """A term in an organization."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    organization_id: str = Field(min_length=36, max_length=36)
    role: MembershipRole
    since: datetime.date
    until: datetime.date | None = None


async def admissible(
    writer: Writer, tx: Tx, mediator_id: str, membership: MembershipInput, organization: dict[str, Any]
) -> None:
    """A lawful term for the organization's kind, not overlapping a membership of the same organization."""
    kind = OrganizationKind(organization["kind"])
    problems = term_problems(kind, membership.since, membership.until)
    if problems:
        raise invalid([FieldProblem(f"membership.{p.field}", p.message) for p in problems])
    if await overlapping_membership(
        writer.graph, tx, mediator=mediator_id, organization=membership.organization_id,
        since=membership.since, until=membership.until,
    ):
        raise conflict("The mediator already has a membership of this organization in that period.", "membership.since")


async def enter(
    writer: Writer, tx: Tx, mediator_id: str, membership: MembershipInput, organization: dict[str, Any], *, operation: str
) -> Change:
    """Add the membership (`organization`: the stored properties); a filed committee must still satisfy the
    composition rules afterwards, and its guiding court is notified."""
    await admissible(writer, tx, mediator_id, membership, organization)
    props = {"role": membership.role.value, "since": membership.since, "until": membership.until}
    await create_membership(writer.graph, tx, mediator=mediator_id, organization=membership.organization_id, props=props)
    await keep_composition(writer, tx, membership.organization_id, organization)
    await notify_membership_change(writer.graph, tx, organization=membership.organization_id, change="MEMBER_JOINED")
    return Change(mediator_id, "Mediator", operation, None, props | {"organizationId": membership.organization_id})


async def keep_composition(
    writer: Writer, tx: Tx, organization_id: str, organization: dict[str, Any], *, without: str | None = None
) -> None:
    if organization.get("status") == RecordStatus.FILED.value:
        await require_composition(writer, tx, organization_id, without=without)
