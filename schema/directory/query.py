"""The root Query: the public directory."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core.pagination import page_request
from resolvers.core.vocabulary import Direction as Dir
from resolvers.core.vocabulary import Order as Ord
from resolvers.directory.agency import AgencyKind as Kind
from resolvers.directory.agency import list_agencies
from resolvers.directory.jurisdiction import list_jurisdictions
from resolvers.directory.mediator import list_mediators
from resolvers.directory.node import node_kind
from resolvers.directory.organization import list_organizations
from schema.audit.trail import TRAIL_DESCRIPTION
from schema.audit.trail import audit_trail as audit_trail_resolver
from schema.core.connection import AFTER, FIRST, Connection, connection
from schema.core.context import Info
from schema.core.enums import AgencyKind, CourtLevel, Direction, JurisdictionLevel, Order
from schema.core.node import Node
from schema.core.permissions import protected
from schema.courts.case import CaseQuery
from schema.courts.invitation import InvitationQuery
from schema.directory.agency import Agency, Court, agency_from_record
from schema.directory.inputs import MediatorFilter, OrganizationFilter
from schema.directory.jurisdiction import Jurisdiction, jurisdiction_of
from schema.directory.mediator import Mediator
from schema.directory.organization import Organization
from schema.grades import grading
from schema.grades.assessment import AssessmentQuery
from schema.notices.notice import NoticeQuery
from schema.partners.registration import RegistrationQuery
from schema.reports.jurisdiction import ReportQuery
from schema.roster.membership_request import MembershipRequestQuery

ORDER = Annotated[Order, strawberry.argument(description="Sort by name (default) or by last update.")]
DIRECTION = Annotated[Direction, strawberry.argument(description="Ascending (default) or descending.")]
ID = Annotated[strawberry.ID, strawberry.argument(description="The registry id.")]
WITHIN = Annotated[
    str | None, strawberry.argument(description="A division code: only agencies covering it or a division below it.")
]
NAME_PREFIX = Annotated[str | None, strawberry.argument(description="Names starting with this text.")]


@strawberry.type(description="The public directory of mediation organizations, mediators and the agencies around them.")
class Query(
    AssessmentQuery, CaseQuery, InvitationQuery, MembershipRequestQuery, NoticeQuery, RegistrationQuery, ReportQuery
):
    @strawberry.field(description="Mediation organizations, filtered and sorted, one page at a time.")
    async def organizations(
        self,
        info: Info,
        filter: Annotated[OrganizationFilter | None, strawberry.argument(description="Which ones.")] = None,
        first: FIRST = None,
        after: AFTER = None,
        order_by: ORDER = Ord.NAME,
        direction: DIRECTION = Dir.ASC,
    ) -> Connection[Organization]:
        where = filter or OrganizationFilter()
        listing = await list_organizations(
            info.context.graph,
            jurisdiction=where.jurisdiction,
            kinds=where.kinds,
            sectors=where.sectors,
            statuses=where.statuses,
            name_prefix=where.name_prefix,
            name_contains=where.name_contains,
            page=page_request(first=first, after=after, order=order_by, direction=direction),
            viewer=info.context.viewer,
        )
        return connection(listing, Organization.from_record, after=after)

    @strawberry.field(description="One organization by its registry id.")
    async def organization(self, info: Info, id: ID) -> Organization | None:
        return await Organization.resolve_reference(info, id)

    @strawberry.field(description="Mediators, filtered and sorted, one page at a time.")
    async def mediators(
        self,
        info: Info,
        filter: Annotated[MediatorFilter | None, strawberry.argument(description="Which ones.")] = None,
        first: FIRST = None,
        after: AFTER = None,
        order_by: ORDER = Ord.NAME,
        direction: DIRECTION = Dir.ASC,
    ) -> Connection[Mediator]:
        where = filter or MediatorFilter()
        listing = await list_mediators(
            info.context.graph,
            jurisdiction=where.jurisdiction,
            organization=str(where.organization) if where.organization else None,
            specialties=where.specialties,
            statuses=where.statuses,
            employment=where.employment,
            gender=where.gender,
            language=where.language,
            name_prefix=where.name_prefix,
            name_contains=where.name_contains,
            min_grade=where.min_grade,
            page=page_request(first=first, after=after, order=order_by, direction=direction),
            viewer=info.context.viewer,
        )
        return connection(listing, Mediator.from_record, after=after)

    @strawberry.field(description="One mediator by registry id.")
    async def mediator(self, info: Info, id: ID) -> Mediator | None:
        return await Mediator.resolve_reference(info, id)

    @strawberry.field(description="Administrative divisions, sorted by name.")
    async def jurisdictions(
        self,
        info: Info,
        level: Annotated[JurisdictionLevel | None, strawberry.argument(description="Only this level.")] = None,
        parent: Annotated[str | None, strawberry.argument(description="Only direct children of this code.")] = None,
        within: Annotated[str | None, strawberry.argument(description="Only this code and below.")] = None,
        name_prefix: NAME_PREFIX = None,
        first: FIRST = None,
        after: AFTER = None,
    ) -> Connection[Jurisdiction]:
        listing = await list_jurisdictions(
            info.context.graph,
            level=level,
            parent=parent,
            within=within,
            name_prefix=name_prefix,
            page=page_request(first=first, after=after),
        )
        return connection(listing, Jurisdiction.from_record, after=after)

    @strawberry.field(description="One administrative division by its code.")
    async def jurisdiction(
        self, info: Info, code: Annotated[str, strawberry.argument(description="A 6- or 12-digit division code.")]
    ) -> Jurisdiction | None:
        return await jurisdiction_of(info, code)

    @strawberry.field(description="People's courts, sorted by name.")
    async def courts(
        self,
        info: Info,
        level: Annotated[CourtLevel | None, strawberry.argument(description="Only courts of this level.")] = None,
        within: WITHIN = None,
        name_prefix: NAME_PREFIX = None,
        first: FIRST = None,
        after: AFTER = None,
    ) -> Connection[Court]:
        listing = await list_agencies(
            info.context.graph,
            kind=Kind.COURT,
            court_level=level,
            within=within,
            name_prefix=name_prefix,
            page=page_request(first=first, after=after),
        )
        return connection(listing, Court.from_record, after=after)

    @strawberry.field(description="Agencies of every kind, sorted by name.")
    async def agencies(
        self,
        info: Info,
        kind: Annotated[AgencyKind | None, strawberry.argument(description="Only agencies of this kind.")] = None,
        within: WITHIN = None,
        name_prefix: NAME_PREFIX = None,
        first: FIRST = None,
        after: AFTER = None,
    ) -> Connection[Agency]:
        listing = await list_agencies(
            info.context.graph,
            kind=kind,
            within=within,
            name_prefix=name_prefix,
            page=page_request(first=first, after=after),
        )
        return connection(listing, agency_from_record, after=after)

    audit_trail = protected(Scope.AUDIT_READ, TRAIL_DESCRIPTION)(audit_trail_resolver)
    grade_eligibility = protected(Scope.ROSTER_READ, grading.ELIGIBILITY)(grading.grade_eligibility)
    bulk_assess_grades = protected(Scope.ROSTER_READ, grading.BULK)(grading.bulk_assess_grades)
    training_status = protected(Scope.ROSTER_READ, grading.TRAINING)(grading.training_status)
    mediators_below_training_hours = protected(Scope.ROSTER_READ, grading.BELOW)(
        grading.mediators_below_training_hours
    )

    @strawberry.field(description="Any object by its registry id.")
    async def node(self, info: Info, id: ID) -> Node | None:
        kind = await node_kind(info.context.graph, id=str(id))
        if kind == "Organization":
            return await Organization.resolve_reference(info, id)
        if kind == "Mediator":
            return await Mediator.resolve_reference(info, id)
        if kind == "Jurisdiction":
            return await Jurisdiction.resolve_reference(info, id)
        if kind is None:
            return None
        record = await info.context.loaders.agencies.load(str(id))
        return agency_from_record(record) if record else None
