"""The registry's closed vocabularies, as the use cases and the schema see them."""

from graph.core.page import Direction, Order
from graph.core.vocabulary import (
    PEOPLES_COMMITTEES,
    AgencyKind,
    Background,
    CourtLevel,
    Employment,
    Gender,
    JurisdictionLevel,
    MembershipRole,
    OrganizationKind,
    RecordStatus,
    Specialty,
    TrainingForm,
    TrainingTopic,
)

__all__ = [
    "PEOPLES_COMMITTEES",
    "AgencyKind",
    "Background",
    "CourtLevel",
    "Direction",
    "Employment",
    "Gender",
    "JurisdictionLevel",
    "MembershipRole",
    "Order",
    "OrganizationKind",
    "RecordStatus",
    "Specialty",
    "TrainingForm",
    "TrainingTopic",
]
