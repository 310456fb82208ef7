"""GraphQL enums over the registry's vocabularies."""

from __future__ import annotations

import strawberry

from resolvers import vocabulary as v

JurisdictionLevel = strawberry.enum(
    v.JurisdictionLevel,
    description="Level of an administrative division: GB/T 2260 (province, city, county) or NBS statistical codes.",
)
AgencyKind = strawberry.enum(v.AgencyKind, description="What kind of agency works with the registry.")
CourtLevel = strawberry.enum(v.CourtLevel, description="The level of a people's court.")
OrganizationKind = strawberry.enum(v.OrganizationKind, description="The kind of a mediation organization.")
RecordStatus = strawberry.enum(
    v.RecordStatus,
    description="Where a record stands in filing: PENDING, FILED, SUSPENDED or DEREGISTERED (reinstatement returns to FILED).",
)
Gender = strawberry.enum(v.Gender, description="Gender as recorded on filing.")
Employment = strawberry.enum(v.Employment, description="Whether a mediator works full-time or part-time.")
Background = strawberry.enum(v.Background, description="A mediator's professional background.")
MembershipRole = strawberry.enum(v.MembershipRole, description="A mediator's role in an organization.")
TrainingForm = strawberry.enum(v.TrainingForm, description="How a training course was given.")
Specialty = strawberry.enum(
    v.Specialty, description="Dispute domains; the first ones are the specialized court panels."
)
Order = strawberry.enum(v.Order, description="What a list is sorted by; the registry id breaks ties.")
Direction = strawberry.enum(v.Direction, description="Ascending or descending order.")
