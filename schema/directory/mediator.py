"""Mediators in GraphQL."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from auth.scopes import Scope
from resolvers.core import clock
from resolvers.directory.mediator import CredentialRecord, MediatorRecord
from schema.core.context import Info
from schema.core.enums import (
    Background,
    Employment,
    Gender,
    MembershipRole,
    RecordStatus,
    Specialty,
    TrainingForm,
    TrainingTopic,
)
from schema.core.node import Node
from schema.core.permissions import protected
from schema.directory.agency import Court
from schema.directory.organization import CURRENT, Organization

if TYPE_CHECKING:
    from schema.grades.assessment import GradeAssessment

YEAR = Annotated[int, strawberry.argument(description="The calendar year.")]


@strawberry.type(description="A mediator's membership seen from the mediator.")
class Membership:
    role: MembershipRole = strawberry.field(description="Chair, vice-chair, member or engaged mediator.")
    since: datetime.date | None = protected(Scope.ROSTER_READ, "First day of the term.")
    until: datetime.date | None = protected(Scope.ROSTER_READ, "Last day of the term; null while open-ended.")
    organization: Organization = strawberry.field(description="The organization.")


@strawberry.type(description="A credential a mediator holds.")
class Credential:
    id: strawberry.ID = strawberry.field(description="The registry id of the credential.")
    scheme: str = strawberry.field(description="The credential scheme, e.g. a grade scheme or a licence.")
    level: str | None = strawberry.field(description="The level within the scheme.")
    number: str | None = protected(Scope.ROSTER_READ, "The certificate number.")
    issuer: str | None = protected(Scope.ROSTER_READ, "Who issued it.")
    issued_at: datetime.date | None = protected(Scope.ROSTER_READ, "When it was issued.")
    expires_at: datetime.date | None = protected(Scope.ROSTER_READ, "When it expires; null if it does not.")
    verified: bool | None = protected(Scope.ROSTER_READ, "Whether a judicial bureau verified it.")

    @classmethod
    def from_record(cls, record: CredentialRecord) -> Credential:
        return cls(id=strawberry.ID(record.id), **record.model_dump(exclude={"id"}))


@strawberry.type(description="A training course and the hours a mediator completed in it.")
class CompletedTraining:
    title: str = strawberry.field(description="The course title.")
    form: TrainingForm = strawberry.field(description="How the course was given.")
    topic: TrainingTopic | None = strawberry.field(
        description="What it taught, when a topic was recorded (counts toward a scheme's topic quota)."
    )
    organizer: str | None = strawberry.field(description="Who organized it.")
    hours: float = strawberry.field(description="Hours this mediator completed.")
    completed_at: datetime.date = strawberry.field(description="When the mediator completed it.")


@strawberry.federation.type(keys=["id"], description="A mediator on the roster.")
class Mediator(Node):
    name: str = strawberry.field(description="The mediator's name.")
    gender: Gender = strawberry.field(description="Gender as filed.")
    birth_year: int | None = protected(Scope.ROSTER_READ, "Year of birth.")
    employment: Employment | None = protected(Scope.ROSTER_READ, "Full-time or part-time.")
    background: Background | None = protected(Scope.ROSTER_READ, "Professional background.")
    education: str | None = protected(Scope.ROSTER_READ, "Highest education.")
    specialties: list[Specialty] = strawberry.field(description="The dispute domains the mediator handles.")
    languages: list[str] = strawberry.field(description="Languages spoken, as BCP 47 tags (zh, ii, bo, en, ...).")
    status: RecordStatus | None = protected(Scope.ROSTER_READ, "Where the mediator stands in filing.")
    updated_at: datetime.datetime | None = protected(Scope.ROSTER_READ, "When the record last changed.")
    version: int | None = protected(Scope.ROSTER_READ, "The record's version, for optimistic concurrency.")
    identity_masked: str | None = protected(
        Scope.PII_READ, "The identity number, masked; only within the caller's jurisdiction or registrations."
    )
    phone: str | None = protected(
        Scope.PII_READ, "The personal telephone; only within the caller's jurisdiction or registrations."
    )

    @classmethod
    def from_record(cls, record: MediatorRecord) -> Mediator:
        return cls(
            id=strawberry.ID(record.id),
            name=record.name,
            gender=record.gender,
            birth_year=record.birth_year,
            employment=record.employment,
            background=record.background,
            education=record.education,
            specialties=list(record.specialties),
            languages=list(record.languages),
            status=record.status,
            updated_at=record.updated_at,
            version=record.version,
            identity_masked=record.identity_masked,
            phone=record.phone,
        )

    @strawberry.field(description="Memberships in organizations, newest first.")
    async def memberships(self, info: Info, current: CURRENT = True) -> list[Membership]:
        today = clock.today()
        found = await info.context.loaders.memberships.load(str(self.id)) or []
        return [
            Membership(
                role=item.membership.role,
                since=item.membership.since,
                until=item.membership.until,
                organization=Organization.from_record(item.organization),
            )
            for item in found
            if not current or item.membership.until is None or item.membership.until >= today
        ]

    @strawberry.field(description="Credentials held, newest first.")
    async def credentials(self, info: Info) -> list[Credential]:
        found = await info.context.loaders.credentials.load(str(self.id)) or []
        return [Credential.from_record(record) for record in found]

    @protected(Scope.ROSTER_READ, "Training completed, newest first.")
    async def trainings(self, info: Info) -> list[CompletedTraining]:
        found = await info.context.loaders.trainings.load(str(self.id)) or []
        return [
            CompletedTraining(
                title=item.training.title,
                form=item.training.form,
                topic=item.training.topic,
                organizer=item.training.organizer,
                hours=item.hours,
                completed_at=item.completed_at,
            )
            for item in found
        ]

    @protected(Scope.ROSTER_READ, "Training hours completed in a calendar year.")
    async def training_hours(self, info: Info, year: YEAR) -> float:
        found = await info.context.loaders.trainings.load(str(self.id)) or []
        return sum(item.hours for item in found if item.completed_at.year == year)

    @strawberry.field(
        description="The courts whose specially invited lists hold the mediator today: invited directly or as a"
        " member of an invited organization (courts that only adopted a list are not counted)."
    )
    async def invited_by(self, info: Info) -> list[Court]:
        ids = await info.context.loaders.inviting_courts.load(str(self.id)) or []
        found = await info.context.loaders.agencies.load_many(ids)
        return [Court.from_record(record) for record in found if record is not None]

    @strawberry.field(description="The current grade's name: the latest decided, unexpired assessment; null if none.")
    async def grade(self, info: Info) -> str | None:
        found = await info.context.loaders.current_grades.load(str(self.id))
        return found.grade if found else None

    @protected(Scope.ROSTER_READ, "Every grade assessment, newest application first, with its steps and evidence.")
    async def grade_history(
        self, info: Info
    ) -> list[Annotated[GradeAssessment, strawberry.lazy("schema.grades.assessment")]]:
        from schema.grades.assessment import (
            GradeAssessment,  # schema.grades.assessment imports this module through payloads
        )

        found = await info.context.loaders.grade_histories.load(str(self.id)) or []
        return [GradeAssessment.from_record(record) for record in found]

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Mediator | None:
        record = await info.context.loaders.mediators.load(str(id))
        return cls.from_record(record) if record else None
