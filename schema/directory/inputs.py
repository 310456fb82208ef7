"""Filter inputs of the list queries; every filter is optional and they combine with AND."""

from __future__ import annotations

import strawberry

from schema.core.enums import Employment, Gender, OrganizationKind, RecordStatus, Specialty

JURISDICTION = "A division code: only records located in it or anywhere below it."
NAME_PREFIX = "Names starting with this text (1 to 100 characters)."
NAME_CONTAINS = "Names containing this text, ignoring case (1 to 100 characters)."


@strawberry.input(description="Which organizations to list.")
class OrganizationFilter:
    jurisdiction: str | None = strawberry.field(default=None, description=JURISDICTION)
    kinds: list[OrganizationKind] | None = strawberry.field(default=None, description="Any of these kinds (at most 20).")
    sectors: list[Specialty] | None = strawberry.field(
        default=None, description="Handling any of these dispute domains (at most 20)."
    )
    statuses: list[RecordStatus] | None = strawberry.field(
        default=None, description="In any of these statuses (at most 20)."
    )
    name_prefix: str | None = strawberry.field(default=None, description=NAME_PREFIX)
    name_contains: str | None = strawberry.field(default=None, description=NAME_CONTAINS)


@strawberry.input(description="Which mediators to list.")
class MediatorFilter:
    jurisdiction: str | None = strawberry.field(
        default=None, description="A division code: mediators with a current membership in an organization there."
    )
    organization: strawberry.ID | None = strawberry.field(
        default=None, description="Only current members of this organization."
    )
    specialties: list[Specialty] | None = strawberry.field(
        default=None, description="Handling any of these dispute domains (at most 20)."
    )
    statuses: list[RecordStatus] | None = strawberry.field(
        default=None, description="In any of these statuses (at most 20)."
    )
    employment: Employment | None = strawberry.field(default=None, description="Full-time or part-time only.")
    gender: Gender | None = strawberry.field(default=None, description="Of this gender only.")
    language: str | None = strawberry.field(default=None, description="Speaking this language (a BCP 47 tag).")
    name_prefix: str | None = strawberry.field(default=None, description=NAME_PREFIX)
    name_contains: str | None = strawberry.field(default=None, description=NAME_CONTAINS)
    min_grade: int | None = strawberry.field(
        default=None,
        description="A current grade of this rank or better: 1 is a scheme's highest grade, 2 the next (1 to 10).",
    )
