"""The closed vocabularies of the registry; each value is the string stored in the graph.

Statements spell a value they compare with or write as a Cypher literal (`o.status = 'FILED'`), which keeps
their text a `LiteralString`; tests/core/test_vocabulary.py ties every such literal to the enum of its property."""

from __future__ import annotations

from enum import StrEnum


class JurisdictionLevel(StrEnum):
    PROVINCE = "PROVINCE"
    CITY = "CITY"
    COUNTY = "COUNTY"
    TOWNSHIP = "TOWNSHIP"
    VILLAGE = "VILLAGE"


class AgencyKind(StrEnum):
    JUDICIAL_BUREAU = "JUDICIAL_BUREAU"
    COURT = "COURT"
    PARTNER_AGENCY = "PARTNER_AGENCY"
    PLATFORM_ADMIN = "PLATFORM_ADMIN"


class CourtLevel(StrEnum):
    SUPREME = "SUPREME"
    HIGH = "HIGH"
    INTERMEDIATE = "INTERMEDIATE"
    BASIC = "BASIC"
    TRIBUNAL = "TRIBUNAL"


class OrganizationKind(StrEnum):
    VILLAGE_COMMITTEE = "VILLAGE_COMMITTEE"
    RESIDENTS_COMMITTEE = "RESIDENTS_COMMITTEE"
    TOWNSHIP_COMMITTEE = "TOWNSHIP_COMMITTEE"
    STREET_COMMITTEE = "STREET_COMMITTEE"
    ENTERPRISE_COMMITTEE = "ENTERPRISE_COMMITTEE"
    INSTITUTION_COMMITTEE = "INSTITUTION_COMMITTEE"
    INDUSTRY_COMMITTEE = "INDUSTRY_COMMITTEE"
    PROFESSIONAL_COMMITTEE = "PROFESSIONAL_COMMITTEE"
    INDIVIDUAL_STUDIO = "INDIVIDUAL_STUDIO"
    LAWYER_STUDIO = "LAWYER_STUDIO"
    STATIONED_STUDIO = "STATIONED_STUDIO"
    ONE_STOP_CENTRE = "ONE_STOP_CENTRE"
    ADMINISTRATIVE_MEDIATION = "ADMINISTRATIVE_MEDIATION"
    COMMERCIAL_MEDIATION = "COMMERCIAL_MEDIATION"
    INDUSTRY_MEDIATION = "INDUSTRY_MEDIATION"


PEOPLES_COMMITTEES: frozenset[OrganizationKind] = frozenset(
    {
        OrganizationKind.VILLAGE_COMMITTEE,
        OrganizationKind.RESIDENTS_COMMITTEE,
        OrganizationKind.TOWNSHIP_COMMITTEE,
        OrganizationKind.STREET_COMMITTEE,
        OrganizationKind.ENTERPRISE_COMMITTEE,
        OrganizationKind.INSTITUTION_COMMITTEE,
        OrganizationKind.INDUSTRY_COMMITTEE,
        OrganizationKind.PROFESSIONAL_COMMITTEE,
    }
)
"""People's mediation committees: the composition rules of the People's Mediation Law (Art 8) apply."""


class RecordStatus(StrEnum):
    PENDING = "PENDING"
    FILED = "FILED"
    SUSPENDED = "SUSPENDED"
    DEREGISTERED = "DEREGISTERED"


class InvitationStatus(StrEnum):
    """A court's `INVITES` of a mediator or an organization: in force (within its term) or removed from the list."""

    ACTIVE = "ACTIVE"
    REMOVED = "REMOVED"


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class Employment(StrEnum):
    FULL_TIME = "FULL_TIME"
    PART_TIME = "PART_TIME"


class Background(StrEnum):
    LEGAL_PROFESSIONAL = "LEGAL_PROFESSIONAL"
    RETIRED_JUDGE = "RETIRED_JUDGE"
    LAWYER = "LAWYER"
    COMMUNITY_WORKER = "COMMUNITY_WORKER"
    CIVIL_SERVANT = "CIVIL_SERVANT"
    TEACHER_OR_SCHOLAR = "TEACHER_OR_SCHOLAR"
    INDUSTRY_EXPERT = "INDUSTRY_EXPERT"
    DEPUTY_OR_MEMBER = "DEPUTY_OR_MEMBER"
    OTHER = "OTHER"


class MembershipRole(StrEnum):
    CHAIR = "CHAIR"
    VICE_CHAIR = "VICE_CHAIR"
    MEMBER = "MEMBER"
    ENGAGED = "ENGAGED"


class TrainingForm(StrEnum):
    CENTRALIZED_TEACHING = "CENTRALIZED_TEACHING"
    EXCHANGE_AND_DISCUSSION = "EXCHANGE_AND_DISCUSSION"
    CASE_ANALYSIS = "CASE_ANALYSIS"
    ON_SITE_OBSERVATION = "ON_SITE_OBSERVATION"
    ATTENDING_COURT_TRIALS = "ATTENDING_COURT_TRIALS"
    PRACTICAL_DRILLS = "PRACTICAL_DRILLS"


class TrainingTopic(StrEnum):
    """What a course teaches, for schemes with topic sub-quotas (domain.md 1.6): Ya'an's specialised-skills
    hours; Qinghai's study of new laws and local policies; GENERAL for the rest of a mediator's training."""

    GENERAL = "GENERAL"
    SPECIALISED_SKILLS = "SPECIALISED_SKILLS"
    LAWS_AND_POLICIES = "LAWS_AND_POLICIES"


class Specialty(StrEnum):
    """Dispute domains; the court panels of the Online Mediation Rules (Art 28) plus common people's-mediation fields."""

    FAMILY = "FAMILY"
    NEIGHBOURHOOD = "NEIGHBOURHOOD"
    LAND_AND_PROPERTY = "LAND_AND_PROPERTY"
    LABOUR = "LABOUR"
    ROAD_TRAFFIC = "ROAD_TRAFFIC"
    MEDICAL = "MEDICAL"
    FINANCIAL_CONSUMER = "FINANCIAL_CONSUMER"
    SECURITIES_AND_FUTURES = "SECURITIES_AND_FUTURES"
    INTELLECTUAL_PROPERTY = "INTELLECTUAL_PROPERTY"
    MARITIME = "MARITIME"
    INTERNATIONAL_COMMERCIAL = "INTERNATIONAL_COMMERCIAL"
    HK_MACAO_TAIWAN_OVERSEAS = "HK_MACAO_TAIWAN_OVERSEAS"
    CONTRACT = "CONTRACT"
    CONSUMER = "CONSUMER"
    CONSTRUCTION = "CONSTRUCTION"
    ENVIRONMENT = "ENVIRONMENT"


class RosterMediaType(StrEnum):
    """The media types of a roster file, on the wire (`POST /roster/import`) and on disk."""

    CSV = "text/csv"
    NDJSON = "application/x-ndjson"
