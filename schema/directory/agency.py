"""Agencies in GraphQL: judicial bureaus, courts, partner agencies and the platform administrator."""

from __future__ import annotations

import strawberry

from resolvers.directory.agency import AgencyKind as Kind
from resolvers.directory.agency import AgencyRecord
from schema.core.context import Info
from schema.core.enums import AgencyKind, CourtLevel
from schema.core.node import Node
from schema.directory.jurisdiction import Jurisdiction, jurisdiction_of


@strawberry.interface(description="An agency that works with the registry.")
class Agency(Node):
    name: str = strawberry.field(description="The agency's official name.")
    kind: AgencyKind = strawberry.field(description="What kind of agency this is.")
    jurisdiction_code: strawberry.Private[str | None]

    @strawberry.field(description="The division the agency governs or has jurisdiction over; null for national ones.")
    async def jurisdiction(self, info: Info) -> Jurisdiction | None:
        return await jurisdiction_of(info, self.jurisdiction_code)


@strawberry.type(description="A judicial bureau (or department of justice): it files and guides mediation organizations.")
class JudicialBureau(Agency):
    pass


@strawberry.federation.type(keys=["id"], description="A people's court: it keeps lists of specially invited mediators.")
class Court(Agency):
    level: CourtLevel | None = strawberry.field(description="Supreme, high, intermediate, basic or tribunal.")
    court_code: str | None = strawberry.field(description="The court's code as used in case numbers.")
    supervisor_id: strawberry.Private[str | None]

    @strawberry.field(description="The court at the next level up.")
    async def supervisor(self, info: Info) -> Court | None:
        if self.supervisor_id is None:
            return None
        record = await info.context.loaders.agencies.load(self.supervisor_id)
        return Court.from_record(record) if record else None

    @classmethod
    def from_record(cls, record: AgencyRecord) -> Court:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            kind=record.kind,
            jurisdiction_code=record.jurisdiction_code,
            level=record.court_level,
            court_code=record.court_code,
            supervisor_id=record.supervisor_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Court | None:
        record = await info.context.loaders.agencies.load(str(id))
        return cls.from_record(record) if record and record.kind is Kind.COURT else None


@strawberry.type(description="A national partner agency (a 'total-to-total' unit) that registers mediators.")
class PartnerAgency(Agency):
    pass


@strawberry.type(description="The platform administrator: national scope.")
class PlatformAdmin(Agency):
    pass


_PLAIN: dict[Kind, type[JudicialBureau | PartnerAgency | PlatformAdmin]] = {
    Kind.JUDICIAL_BUREAU: JudicialBureau,
    Kind.PARTNER_AGENCY: PartnerAgency,
    Kind.PLATFORM_ADMIN: PlatformAdmin,
}


def agency_from_record(record: AgencyRecord) -> Agency:
    if record.kind is Kind.COURT:
        return Court.from_record(record)
    return _PLAIN[record.kind](
        id=strawberry.ID(record.id), name=record.name, kind=record.kind, jurisdiction_code=record.jurisdiction_code
    )


async def agency_of(info: Info, id: str | None) -> Agency | None:
    if id is None:
        return None
    record = await info.context.loaders.agencies.load(id)
    return agency_from_record(record) if record else None
