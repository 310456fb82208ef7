"""Mediation organizations in GraphQL."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core import clock
from resolvers.directory.jurisdiction import JurisdictionRecord
from resolvers.directory.organization import OrganizationRecord
from schema.core.context import Info
from schema.core.enums import MembershipRole, OrganizationKind, RecordStatus, Specialty
from schema.core.node import Node
from schema.core.permissions import protected
from schema.directory.agency import Agency, agency_of
from schema.directory.jurisdiction import Jurisdiction

if TYPE_CHECKING:
    from schema.directory.mediator import Mediator

CURRENT = Annotated[
    bool, strawberry.argument(description="Only memberships whose term has not ended (the default); false for all.")
]


@strawberry.type(description="A mediator's membership seen from the organization.")
class Member:
    role: MembershipRole = strawberry.field(description="Chair, vice-chair, member or engaged mediator.")
    since: datetime.date | None = protected(Scope.ROSTER_READ, "First day of the term.")
    until: datetime.date | None = protected(Scope.ROSTER_READ, "Last day of the term; null while open-ended.")
    mediator: Annotated[Mediator, strawberry.lazy("schema.directory.mediator")] = strawberry.field(description="The mediator.")


@strawberry.federation.type(keys=["id"], description="A mediation organization on the roster.")
class Organization(Node):
    name: str = strawberry.field(description="The registered name.")
    kind: OrganizationKind = strawberry.field(description="What kind of organization this is.")
    sectors: list[Specialty] = strawberry.field(description="The dispute domains it handles.")
    status: RecordStatus = strawberry.field(description="Where it stands in filing.")
    credit_code: str | None = protected(Scope.ROSTER_READ, "Unified social credit code (GB 32100), when it has one.")
    filed_at: datetime.date | None = protected(Scope.ROSTER_READ, "When it was filed with its judicial bureau.")
    filing_no: str | None = protected(Scope.ROSTER_READ, "The filing number given by the judicial bureau.")
    public_phone: str | None = strawberry.field(description="The public contact telephone.")
    address: str | None = strawberry.field(description="The public address.")
    charges_fee: bool = strawberry.field(description="Whether it charges a fee; people's mediation is free.")
    updated_at: datetime.datetime | None = protected(Scope.ROSTER_READ, "When the record last changed.")
    version: int | None = protected(Scope.ROSTER_READ, "The record's version, for optimistic concurrency.")
    located_in: strawberry.Private[JurisdictionRecord | None]
    filed_with_id: strawberry.Private[str | None]
    guided_by_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: OrganizationRecord) -> Organization:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            kind=record.kind,
            sectors=list(record.sectors),
            status=record.status,
            credit_code=record.credit_code,
            filed_at=record.filed_at,
            filing_no=record.filing_no,
            public_phone=record.public_phone,
            address=record.address,
            charges_fee=record.charges_fee,
            updated_at=record.updated_at,
            version=record.version,
            located_in=record.jurisdiction,
            filed_with_id=record.filed_with_id,
            guided_by_id=record.guided_by_id,
        )

    @strawberry.field(description="The division where it is located.")
    def jurisdiction(self) -> Jurisdiction | None:
        return Jurisdiction.from_record(self.located_in) if self.located_in else None

    @protected(Scope.ROSTER_READ, "The judicial bureau it is filed with.")
    async def filed_with(self, info: Info) -> Agency | None:
        return await agency_of(info, self.filed_with_id)

    @protected(Scope.ROSTER_READ, "The basic court that guides its work.")
    async def guided_by(self, info: Info) -> Agency | None:
        return await agency_of(info, self.guided_by_id)

    @strawberry.field(description="Its mediators with their roles and terms, chair first.")
    async def members(self, info: Info, current: CURRENT = True) -> list[Member]:
        from schema.directory.mediator import Mediator

        today = clock.today()
        found = await info.context.loaders.members.load(str(self.id)) or []
        return [
            Member(
                role=item.membership.role,
                since=item.membership.since,
                until=item.membership.until,
                mediator=Mediator.from_record(item.mediator),
            )
            for item in found
            if not current or item.membership.until is None or item.membership.until >= today
        ]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Organization | None:
        record = await info.context.loaders.organizations.load(str(id))
        return cls.from_record(record) if record else None
