"""The per-request context: the graph, the request id and one set of DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from resolvers import Graph
from resolvers.agency import AgencyRecord, agencies_by_id
from resolvers.jurisdiction import JurisdictionRecord, jurisdiction_paths, jurisdictions_by_code, jurisdictions_by_id
from resolvers.mediator import (
    CompletedTraining,
    CredentialRecord,
    MediatorMembership,
    MediatorRecord,
    credentials_of_mediators,
    mediators_by_id,
    memberships_of_mediators,
    trainings_of_mediators,
)
from resolvers.organization import OrganizationMember, OrganizationRecord, members_of_organizations, organizations_by_id

V = TypeVar("V")


def batched(
    graph: Graph, fetch: Callable[..., Awaitable[Mapping[str, V]]], *, key: str = "ids"
) -> DataLoader[str, V | None]:
    """A DataLoader whose batch is one UNWIND statement."""

    async def load(keys: Sequence[str]) -> list[V | None]:
        found = await fetch(graph, **{key: list(keys)})
        return [found.get(item) for item in keys]

    return DataLoader(load_fn=load)


@dataclass(slots=True)
class Loaders:
    graph: Graph
    organizations: DataLoader[str, OrganizationRecord | None] = field(init=False)
    mediators: DataLoader[str, MediatorRecord | None] = field(init=False)
    agencies: DataLoader[str, AgencyRecord | None] = field(init=False)
    jurisdictions: DataLoader[str, JurisdictionRecord | None] = field(init=False)
    jurisdictions_by_code: DataLoader[str, JurisdictionRecord | None] = field(init=False)
    jurisdiction_paths: DataLoader[str, list[JurisdictionRecord] | None] = field(init=False)
    memberships: DataLoader[str, list[MediatorMembership] | None] = field(init=False)
    members: DataLoader[str, list[OrganizationMember] | None] = field(init=False)
    credentials: DataLoader[str, list[CredentialRecord] | None] = field(init=False)
    trainings: DataLoader[str, list[CompletedTraining] | None] = field(init=False)

    def __post_init__(self) -> None:
        graph = self.graph
        self.organizations = batched(graph, organizations_by_id)
        self.mediators = batched(graph, mediators_by_id)
        self.agencies = batched(graph, agencies_by_id)
        self.jurisdictions = batched(graph, jurisdictions_by_id)
        self.jurisdictions_by_code = batched(graph, jurisdictions_by_code, key="codes")
        self.jurisdiction_paths = batched(graph, jurisdiction_paths, key="codes")
        self.memberships = batched(graph, memberships_of_mediators)
        self.members = batched(graph, members_of_organizations)
        self.credentials = batched(graph, credentials_of_mediators)
        self.trainings = batched(graph, trainings_of_mediators)


@dataclass(slots=True)
class Context:
    graph: Graph
    request_id: str
    loaders: Loaders


Info = strawberry.Info[Context, None]
