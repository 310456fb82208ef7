"""Administrative divisions in GraphQL."""

from __future__ import annotations

import strawberry

from resolvers.directory.jurisdiction import JurisdictionRecord
from schema.core.context import Info
from schema.core.enums import JurisdictionLevel
from schema.core.node import Node


@strawberry.federation.type(keys=["id"], description="An administrative division and its place in the hierarchy.")
class Jurisdiction(Node):
    code: str = strawberry.field(description="GB/T 2260 code (6 digits) or NBS statistical code (12 digits).")
    name: str = strawberry.field(description="The official name, as in the code table.")
    level: JurisdictionLevel = strawberry.field(description="Province, city, county, township or village.")
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: JurisdictionRecord) -> Jurisdiction:
        return cls(
            id=strawberry.ID(record.id),
            code=record.code,
            name=record.name,
            level=record.level,
            parent_code=record.parent_code,
        )

    @strawberry.field(description="The division this one is part of; null for a province.")
    async def parent(self, info: Info) -> Jurisdiction | None:
        if self.parent_code is None:
            return None
        record = await info.context.loaders.jurisdictions_by_code.load(self.parent_code)
        return Jurisdiction.from_record(record) if record else None

    @strawberry.field(description="This division followed by its ancestors, up to the province.")
    async def path(self, info: Info) -> list[Jurisdiction]:
        records = await info.context.loaders.jurisdiction_paths.load(self.code)
        return [Jurisdiction.from_record(record) for record in records or []]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Jurisdiction | None:
        record = await info.context.loaders.jurisdictions.load(str(id))
        return cls.from_record(record) if record else None


async def jurisdiction_of(info: Info, code: str | None) -> Jurisdiction | None:
    if code is None:
        return None
    record = await info.context.loaders.jurisdictions_by_code.load(code)
    return Jurisdiction.from_record(record) if record else None
