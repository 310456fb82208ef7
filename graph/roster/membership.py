"""MEMBER_OF: a mediator's role and term in an organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from graph.core import clock
from graph.core.driver import Graph
from graph.core.records import GraphRecord
from graph.core.terms import not_ended
from graph.core.viewer import AWAITING, MEDIATOR_IN_FULL, ORGANIZATION_IN_FULL, Viewer
from graph.core.vocabulary import MembershipRole
from graph.directory.mediator import PROJECTION as MEDIATOR
from graph.directory.mediator import MediatorRecord
from graph.directory.organization import PROJECTION as ORGANIZATION
from graph.directory.organization import OrganizationRecord


class MembershipRecord(GraphRecord):
    role: MembershipRole
    since: date | None = None
    until: date | None = None


class MediatorMembership(GraphRecord):
    """A membership seen from the mediator, with the organization."""

    membership: MembershipRecord
    organization: OrganizationRecord


class OrganizationMember(GraphRecord):
    """A membership seen from the organization, with the mediator."""

    membership: MembershipRecord
    mediator: MediatorRecord


_TERM = "r {.role, since: CASE WHEN full THEN r.since END, until: CASE WHEN full THEN r.until END}"
"""The role is public; the term, and ended memberships, only where the viewer sees the far end in full."""


async def memberships_of_mediators(
    graph: Graph, *, ids: Sequence[str], viewer: Viewer
) -> dict[str, list[MediatorMembership]]:
    rows = await graph.read(
        "UNWIND $ids AS mediatorId"
        " MATCH (:Mediator {id: mediatorId})-[r:MEMBER_OF]->(n:Organization)"
        " WITH mediatorId, r, n, " + ORGANIZATION_IN_FULL + " AS full"
        " WHERE full OR (" + not_ended("r") + " AND NOT " + AWAITING + ")"
        " RETURN mediatorId, " + _TERM + " AS membership, " + ORGANIZATION + " AS organization"
        " ORDER BY r.since DESC, n.id",
        ids=list(ids),
        on=clock.today(),
        **viewer.params(),
    )
    found: dict[str, list[MediatorMembership]] = {key: [] for key in ids}
    for row in rows:
        found[row["mediatorId"]].append(MediatorMembership.model_validate(row))
    return found


async def members_of_organizations(
    graph: Graph, *, ids: Sequence[str], viewer: Viewer
) -> dict[str, list[OrganizationMember]]:
    rows = await graph.read(
        "UNWIND $ids AS organizationId"
        " MATCH (:Organization {id: organizationId})<-[r:MEMBER_OF]-(n:Mediator)"
        " WITH organizationId, r, n, " + MEDIATOR_IN_FULL + " AS full"
        " WHERE full OR (" + not_ended("r") + " AND NOT " + AWAITING + ")"
        " RETURN organizationId, " + _TERM + " AS membership, " + MEDIATOR + " AS mediator"
        " ORDER BY r.role, n.name, n.id",
        ids=list(ids),
        on=clock.today(),
        **viewer.params(),
    )
    found: dict[str, list[OrganizationMember]] = {key: [] for key in ids}
    for row in rows:
        found[row["organizationId"]].append(OrganizationMember.model_validate(row))
    return found


async def merge_memberships(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert memberships keyed on (mediator, organization, since)."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MATCH (m:Mediator {id: row.mediator}), (o:Organization {id: row.organization})"
        " MERGE (m)-[r:MEMBER_OF {since: row.since}]->(o)"
        " SET r.role = row.role, r.until = row.until"
        " RETURN count(r) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0
