"""The per-request context: the graph, the request id and one set of DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import strawberry
from strawberry.dataloader import DataLoader

from auth.principal import Principal
from auth.scopes import Scope
from auth.tokens import insufficient_scope, www_authenticate
from resolvers import Graph, Viewer
from resolvers.courts.invited_list import inviting_courts
from resolvers.directory.agency import AgencyRecord, agencies_by_id
from resolvers.directory.jurisdiction import JurisdictionRecord, jurisdiction_paths, jurisdictions_by_code, jurisdictions_by_id
from resolvers.directory.mediator import (
    CompletedTraining,
    CredentialRecord,
    MediatorMembership,
    MediatorRecord,
    credentials_of_mediators,
    mediators_by_id,
    memberships_of_mediators,
    trainings_of_mediators,
)
from resolvers.directory.organization import OrganizationMember, OrganizationRecord, members_of_organizations, organizations_by_id
from resolvers.grades.assessment import AssessmentRecord, CurrentGrade, current_grades, grade_histories

V = TypeVar("V")


def batched(fetch: Callable[[list[str]], Awaitable[Mapping[str, V]]]) -> DataLoader[str, V | None]:
    """A DataLoader whose batch is one UNWIND statement."""

    async def load(keys: Sequence[str]) -> list[V | None]:
        found = await fetch(list(keys))
        return [found.get(item) for item in keys]

    return DataLoader(load_fn=load)


@dataclass(slots=True)
class Loaders:
    """Per request: each relation is fetched once per level of the query, for every parent at once."""

    graph: Graph
    viewer: Viewer
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
    current_grades: DataLoader[str, CurrentGrade | None] = field(init=False)
    grade_histories: DataLoader[str, list[AssessmentRecord] | None] = field(init=False)
    inviting_courts: DataLoader[str, list[str] | None] = field(init=False)

    def __post_init__(self) -> None:
        graph, viewer = self.graph, self.viewer
        self.organizations = batched(lambda ids: organizations_by_id(graph, ids=ids, viewer=viewer))
        self.mediators = batched(lambda ids: mediators_by_id(graph, ids=ids, viewer=viewer))
        self.agencies = batched(lambda ids: agencies_by_id(graph, ids=ids))
        self.jurisdictions = batched(lambda ids: jurisdictions_by_id(graph, ids=ids))
        self.jurisdictions_by_code = batched(lambda codes: jurisdictions_by_code(graph, codes=codes))
        self.jurisdiction_paths = batched(lambda codes: jurisdiction_paths(graph, codes=codes))
        self.memberships = batched(lambda ids: memberships_of_mediators(graph, ids=ids, viewer=viewer))
        self.members = batched(lambda ids: members_of_organizations(graph, ids=ids, viewer=viewer))
        self.credentials = batched(lambda ids: credentials_of_mediators(graph, ids=ids, viewer=viewer))
        self.trainings = batched(lambda ids: trainings_of_mediators(graph, ids=ids, viewer=viewer))
        self.current_grades = batched(lambda ids: current_grades(graph, ids=ids))
        self.grade_histories = batched(lambda ids: grade_histories(graph, ids=ids, viewer=viewer))
        self.inviting_courts = batched(lambda ids: inviting_courts(graph, ids=ids))

    def wrote(self, id: str) -> None:
        """After a write: fresh loaders, under which the writer finds the record it wrote even when it awaits a
        decision and the writer may not read the roster (its other fields stay as the viewer sees them)."""
        self.viewer = replace(self.viewer, written=(*self.viewer.written, id))
        self.__post_init__()


@dataclass(slots=True)
class Context:
    """What a resolver may use: the graph, who is calling, how they see the roster, and the loaders."""

    graph: Graph
    request_id: str
    principal: Principal | None
    viewer: Viewer
    loaders: Loaders
    response: Any = None
    hash_key: bytes = b""

    def deny(self, scope: Scope) -> None:
        """A protected field was refused: answer 401 (no token) or 403 (a missing scope), as RFC 6750 says."""
        if self.response is None:
            return
        if self.principal is None:
            status, headers = 401, {"WWW-Authenticate": www_authenticate()}
        else:
            status, headers = insufficient_scope(scope)
        self.response.status_code = status
        self.response.headers.update(headers)


Info = strawberry.Info[Context, None]
