"""GraphQL enums over the registry's vocabularies.

Each vocabulary is registered with Strawberry once (which annotates the class itself) and re-exported
under the same name, so the names below stay plain type aliases that type checkers understand.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

from resolvers.core import vocabulary as v

JurisdictionLevel = v.JurisdictionLevel
AgencyKind = v.AgencyKind
CourtLevel = v.CourtLevel
OrganizationKind = v.OrganizationKind
RecordStatus = v.RecordStatus
Gender = v.Gender
Employment = v.Employment
Background = v.Background
MembershipRole = v.MembershipRole
TrainingForm = v.TrainingForm
TrainingTopic = v.TrainingTopic
Specialty = v.Specialty
Order = v.Order
Direction = v.Direction

DESCRIPTIONS: dict[type[StrEnum], str] = {
    JurisdictionLevel: "Level of an administrative division: GB/T 2260 (province, city, county) or NBS statistical codes.",
    AgencyKind: "What kind of agency works with the registry.",
    CourtLevel: "The level of a people's court.",
    OrganizationKind: "The kind of a mediation organization.",
    RecordStatus: "Where a record stands in filing: PENDING, FILED, SUSPENDED or DEREGISTERED "
    "(reinstatement returns to FILED).",
    Gender: "Gender as recorded on filing.",
    Employment: "Whether a mediator works full-time or part-time.",
    Background: "A mediator's professional background.",
    MembershipRole: "A mediator's role in an organization.",
    TrainingForm: "How a training course was given.",
    TrainingTopic: "What a training course teaches; a scheme may require minimum hours a year of a topic.",
    Specialty: "Dispute domains; the first ones are the specialized court panels.",
    Order: "What a list is sorted by; the registry id breaks ties.",
    Direction: "Ascending or descending order.",
}

for kind, description in DESCRIPTIONS.items():
    strawberry.enum(kind, description=description)
