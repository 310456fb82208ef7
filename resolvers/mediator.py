"""Listing and reading mediators with their memberships, credentials and training."""

from __future__ import annotations

from graph.credential import CredentialRecord, credentials_of_mediators
from graph.driver import Graph
from graph.mediator import MediatorFilter, MediatorRecord, count_mediators, find_mediators, mediators_by_id
from graph.membership import MediatorMembership, MembershipRecord, memberships_of_mediators
from graph.page import PageRequest
from graph.viewer import Viewer
from graph.training import CompletedTraining, TrainingRecord, trainings_of_mediators
from graph.vocabulary import Employment, Gender, RecordStatus
from resolvers.jurisdiction import known_code
from resolvers.pagination import Listing, build_filter

__all__ = [
    "CompletedTraining",
    "CredentialRecord",
    "MediatorMembership",
    "MediatorRecord",
    "MembershipRecord",
    "TrainingRecord",
    "credentials_of_mediators",
    "list_mediators",
    "mediators_by_id",
    "memberships_of_mediators",
    "trainings_of_mediators",
]


async def list_mediators(
    graph: Graph,
    *,
    jurisdiction: str | None = None,
    organization: str | None = None,
    specialties: list[str] | None = None,
    statuses: list[RecordStatus] | None = None,
    employment: Employment | None = None,
    gender: Gender | None = None,
    language: str | None = None,
    name_prefix: str | None = None,
    name_contains: str | None = None,
    page: PageRequest,
    viewer: Viewer,
) -> Listing[MediatorRecord]:
    where = build_filter(
        MediatorFilter,
        jurisdiction=await known_code(graph, jurisdiction, field="jurisdiction"),
        organization=organization,
        specialties=specialties,
        statuses=statuses,
        employment=employment,
        gender=gender,
        language=language,
        name_prefix=name_prefix,
        name_contains=name_contains,
    )
    found = await find_mediators(graph, where=where, page=page, viewer=viewer)
    return Listing(found, page.order, lambda: count_mediators(graph, where=where, viewer=viewer))
