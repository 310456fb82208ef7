"""Partner registration in GraphQL: the registration as its partner and its bureau see it, the queues and the
partner directory. The mutations are in `schema.partners.registration_mutation`."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.pagination import page_request
from resolvers.core.vocabulary import Direction as Dir
from resolvers.core.vocabulary import Order as Ord
from resolvers.partners import registration
from resolvers.partners.registration import ProvinceCount, RegistrationRecord
from schema.core.connection import AFTER, FIRST, Connection, connection
from schema.core.context import Info
from schema.core.enums import Direction, Order, RecordStatus
from schema.core.permissions import protected
from schema.directory.agency import Agency, agency_of
from schema.directory.jurisdiction import Jurisdiction, jurisdiction_of
from schema.directory.mediator import Mediator
from schema.directory.organization import Organization

RegistrationStatus = registration.RegistrationStatus
strawberry.enum(
    RegistrationStatus,
    description="Where a partner's registration stands: waiting for the bureau, approved (filed) or rejected.",
)
RegistrationKind = registration.RegistrationKind
strawberry.enum(RegistrationKind, description="What a registration registers.")

KIND = Annotated[RegistrationKind | None, strawberry.argument(description="Only registrations of this kind.")]
QUEUE_ORDER = Annotated[Order, strawberry.argument(description="By last update (default: oldest first) or by name.")]
ORDER = Annotated[Order, strawberry.argument(description="By name (default) or by last update.")]
DIRECTION = Annotated[Direction, strawberry.argument(description="Ascending (default) or descending.")]


@strawberry.type(description="An organization or mediator a partner agency registered, with the bureau's decision.")
class Registration:
    id: strawberry.ID = strawberry.field(description="The registry id of the registered record.")
    kind: RegistrationKind = strawberry.field(description="Organization or mediator.")
    name: str = strawberry.field(description="The registered name.")
    status: RecordStatus = strawberry.field(description="The record's filing status: PENDING until approved.")
    registration_status: RegistrationStatus = strawberry.field(description="Pending, approved or rejected.")
    registered_at: datetime.datetime | None = strawberry.field(description="When the partner registered it.")
    reason: str | None = strawberry.field(description="The bureau's reason (always given when rejected).")
    decided_at: datetime.datetime | None = strawberry.field(description="When the bureau decided; null while pending.")
    version: int | None = strawberry.field(description="The record's version, to amend or decide it.")
    updated_at: datetime.datetime | None = strawberry.field(description="When the record last changed.")
    source_record_id: str | None = strawberry.field(description="The id in the partner's own system.")
    jurisdiction_code: strawberry.Private[str | None]
    registered_by_id: strawberry.Private[str]
    decided_by_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: RegistrationRecord) -> Registration:
        return cls(
            id=strawberry.ID(record.id),
            kind=RegistrationKind(record.kind),
            name=record.name,
            status=record.status,
            registration_status=RegistrationStatus(record.registration_status),
            registered_at=record.registered_at,
            reason=record.decision_reason,
            decided_at=record.decided_at,
            version=record.version,
            updated_at=record.updated_at,
            source_record_id=record.source_record_id,
            jurisdiction_code=record.jurisdiction,
            registered_by_id=record.registered_by,
            decided_by_id=record.decided_by,
        )

    @strawberry.field(description="Where it is: the organization's division, or a mediator's organization's.")
    async def jurisdiction(self, info: Info) -> Jurisdiction | None:
        return await jurisdiction_of(info, self.jurisdiction_code)

    @strawberry.field(description="The partner agency that registered it.")
    async def registered_by(self, info: Info) -> Agency | None:
        return await agency_of(info, self.registered_by_id)

    @strawberry.field(description="The judicial bureau that decided; null while pending.")
    async def decided_by(self, info: Info) -> Agency | None:
        return await agency_of(info, self.decided_by_id)

    @strawberry.field(description="The organization, as the caller may see it; null for a mediator.")
    async def organization(self, info: Info) -> Organization | None:
        if self.kind is not RegistrationKind.ORGANIZATION:
            return None
        return await Organization.resolve_reference(info, self.id)

    @strawberry.field(description="The mediator, as the caller may see it; null for an organization.")
    async def mediator(self, info: Info) -> Mediator | None:
        return await Mediator.resolve_reference(info, self.id) if self.kind is RegistrationKind.MEDIATOR else None


@strawberry.type(description="What is affiliated with a partner agency in one province.")
class PartnerProvince:
    province_code: strawberry.Private[str]
    organization_count: int = strawberry.field(description="Affiliated organizations, any status.")
    filed_organization_count: int = strawberry.field(description="Of which FILED.")
    pending_organization_count: int = strawberry.field(description="Of which PENDING.")
    mediator_count: int = strawberry.field(description="Current members of the affiliated organizations.")
    filed_mediator_count: int = strawberry.field(description="Of which FILED.")
    pending_mediator_count: int = strawberry.field(description="Of which PENDING.")
    organization_ids: strawberry.Private[list[str]]
    mediator_ids: strawberry.Private[list[str]]

    @classmethod
    def of(cls, entry: registration.ProvinceEntry) -> PartnerProvince:
        none = ProvinceCount(province=entry.province, kind="", total=0, filed=0, pending=0, ids=[])
        orgs, people = entry.organizations or none, entry.mediators or none
        return cls(
            province_code=entry.province,
            organization_count=orgs.total, filed_organization_count=orgs.filed, pending_organization_count=orgs.pending,
            mediator_count=people.total, filed_mediator_count=people.filed, pending_mediator_count=people.pending,
            organization_ids=orgs.ids, mediator_ids=people.ids,
        )

    @strawberry.field(description="The province.")
    async def province(self, info: Info) -> Jurisdiction | None:
        return await jurisdiction_of(info, self.province_code)

    @strawberry.field(description="The first affiliated organizations by name (`first` of the query).")
    async def organizations(self, info: Info) -> list[Organization]:
        found = await info.context.loaders.organizations.load_many(self.organization_ids)
        return [Organization.from_record(record) for record in found if record is not None]

    @strawberry.field(description="The first current members by name (`first` of the query).")
    async def mediators(self, info: Info) -> list[Mediator]:
        found = await info.context.loaders.mediators.load_many(self.mediator_ids)
        return [Mediator.from_record(record) for record in found if record is not None]


@strawberry.type(description="A partner agency's affiliated organizations and mediators, by province.")
class PartnerDirectory:
    partner_id: strawberry.ID = strawberry.field(description="The partner agency.")
    provinces: list[PartnerProvince] = strawberry.field(description="One entry per province, by code.")

    @strawberry.field(description="Affiliated organizations in all provinces.")
    def organization_count(self) -> int:
        return sum(item.organization_count for item in self.provinces)

    @strawberry.field(description="Current members of affiliated organizations in all provinces (one per province).")
    def mediator_count(self) -> int:
        return sum(item.mediator_count for item in self.provinces)


def agency(info: Info) -> str:
    assert info.context.principal is not None  # every field here declares a scope
    return info.context.principal.agency_id


@strawberry.type(description="Registrations: the partner's own, the bureau's queue, and the partner directory.")
class RegistrationQuery:
    @protected(Scope.REGISTRATIONS_WRITE, "The calling partner's registrations with their outcome, one page at a time.")
    async def my_registrations(
        self,
        info: Info,
        kind: KIND = None,
        statuses: Annotated[
            list[RegistrationStatus] | None, strawberry.argument(description="In any of these (at most 20).")
        ] = None,
        first: FIRST = None,
        after: AFTER = None,
        order_by: ORDER = Ord.NAME,
        direction: DIRECTION = Dir.ASC,
    ) -> Connection[Registration]:
        listing = await registration.list_own_registrations(
            info.context.graph, kind=kind, statuses=statuses,
            page=page_request(first=first, after=after, order=order_by, direction=direction),
            viewer=info.context.viewer,
        )
        return connection(listing, Registration.from_record, after=after)

    @protected(Scope.ROSTER_READ, "Partner registrations waiting for the calling bureau, located where it governs.")
    async def pending_filings(
        self,
        info: Info,
        kind: KIND = None,
        first: FIRST = None,
        after: AFTER = None,
        order_by: QUEUE_ORDER = Ord.UPDATED_AT,
        direction: DIRECTION = Dir.ASC,
    ) -> Connection[Registration]:
        listing = await registration.list_pending_filings(
            info.context.graph, kind=kind, agency=agency(info),
            page=page_request(first=first, after=after, order=order_by, direction=direction),
            viewer=info.context.viewer,
        )
        return connection(listing, Registration.from_record, after=after)

    @protected(Scope.ROSTER_READ, "Counts and lists per province of what is affiliated with a partner agency, as far"
               " as the caller sees the roster; null for an unknown partner.")
    async def partner_directory(
        self,
        info: Info,
        partner_id: Annotated[strawberry.ID, strawberry.argument(description="The partner agency's registry id.")],
        first: Annotated[
            int | None, strawberry.argument(description="How many organizations and mediators to list per province:"
                                            " 20 when omitted, at most 100.")
        ] = None,
    ) -> PartnerDirectory | None:
        found = await registration.directory_of_partner(
            info.context.graph, partner=str(partner_id), first=first, viewer=info.context.viewer
        )
        if found is None:
            return None
        return PartnerDirectory(partner_id=partner_id, provinces=[PartnerProvince.of(entry) for entry in found])
