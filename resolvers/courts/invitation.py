"""Specially invited lists (SPC Fa Shi [2016] No. 14): a court invites, renews, sanctions and adopts.

Every write is by the calling court on its own list, in one transaction with its audit events. Reading and
publishing the list: `resolvers.courts.invited_list`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.records import native
from graph.core.vocabulary import InvitationStatus, RecordStatus, Specialty
from graph.courts import invitation as store
from graph.directory.mediator import mediators_by_id
from graph.directory.organization import organizations_by_id
from resolvers.core import clock
from resolvers.core.outcomes import (
    FieldProblem,
    conflict,
    forbidden,
    invalid,
    not_found,
)
from resolvers.core.write import Writer, unit_of_work, validated

PANELS: tuple[Specialty, ...] = (
    Specialty.FAMILY, Specialty.LABOUR, Specialty.ROAD_TRAFFIC, Specialty.FINANCIAL_CONSUMER,
    Specialty.SECURITIES_AND_FUTURES, Specialty.INTELLECTUAL_PROPERTY, Specialty.MARITIME,
    Specialty.INTERNATIONAL_COMMERCIAL, Specialty.HK_MACAO_TAIWAN_OVERSEAS,
)
"""The specialized panels of the Online Mediation Rules (Art 28)."""

MIN_QUALIFIED_MEMBERS = 3
SANCTION_YEARS = 3


class InvitedHow(StrEnum):
    DIRECT = "DIRECT"
    THROUGH_ORGANIZATION = "THROUGH_ORGANIZATION"
    ADOPTED = "ADOPTED"


class SanctionKind(StrEnum):
    WARNING = "WARNING"
    CIRCULATED_NOTICE = "CIRCULATED_NOTICE"
    REMOVAL = "REMOVAL"


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The day before the same date `years` later: a term of whole years (29 Feb ends on 28 Feb)."""
    try:
        return day.replace(year=day.year + years) - datetime.timedelta(days=1)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class InvitationInput(Strict):
    """What the court records when it invites: panels, term and certificate."""

    panels: list[Specialty] = Field(min_length=1, max_length=len(PANELS))
    since: datetime.date | None = None
    until: datetime.date | None = None
    certificate_no: str = Field(min_length=1, max_length=50)

    @field_validator("panels")
    @classmethod
    def _panels(cls, panels: list[Specialty]) -> list[Specialty]:
        wrong = [panel.value for panel in panels if panel not in PANELS]
        if wrong:
            raise ValueError(f"not a court panel: {', '.join(wrong)}")
        return panels

    @property
    def start(self) -> datetime.date:
        return self.since or clock.today()

    @property
    def end(self) -> datetime.date:
        return self.until or years_after(self.start, 2)


class OrganizationInvitation(InvitationInput):
    organization_id: str = Field(min_length=1, max_length=64)


class ExclusionCheck(Strict):
    """The court's exclusion check (a criminal record, a serious administrative penalty within 3 years, a
    dishonest judgment debtor); each answer must be False to invite."""

    criminal_record: bool
    serious_administrative_penalty: bool
    dishonest_judgment_debtor: bool


class MediatorInvitation(InvitationInput):
    mediator_id: str = Field(min_length=1, max_length=64)
    exclusion_check: ExclusionCheck


class Sanction(Strict):
    target_id: str = Field(min_length=1, max_length=64)
    kind: SanctionKind
    reason: str = Field(min_length=2, max_length=500)
    on: datetime.date


async def invitation_state(graph: Graph, *, court: str, target: str) -> dict[str, Any]:
    """The court's latest invitation of the target (status, term, panels); empty when there is none."""
    found = await store.latest_invitation(graph, court=court, target=target)
    return native(found) if found else {}


@dataclass(frozen=True, slots=True)
class InvitationSaved:
    id: str
    replayed: bool = False


def checked_term(data: InvitationInput) -> None:
    if data.end < data.start:
        raise invalid([FieldProblem("until", "The term ends before it starts.")])


def term_props(data: InvitationInput) -> dict[str, Any]:
    return {
        "since": data.start,
        "until": data.end,
        "panels": [panel.value for panel in data.panels],
        "certificateNo": data.certificate_no,
    }


async def refuse_duplicate(writer: Writer, tx: Tx, target: str, field: str) -> None:
    if await store.invitation_of(writer.graph, tx, court=writer.agency_id, target=target) is not None:
        raise conflict("The court already invites this entry; renew the invitation instead.", field)


async def unseen(writer: Writer, target: str, *, mediator: bool) -> bool:
    """Whether the record is outside the writer's directory: another agency's record awaiting its filing decision
    is found only where it is seen in full, and a court (or a referring partner) that cannot read it cannot tell
    it from none."""
    find = mediators_by_id if mediator else organizations_by_id
    return target not in await find(writer.graph, ids=[target], viewer=writer.viewer)


async def invite_organization(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> InvitationSaved:
    """Invite a FILED organization with at least 3 FILED mediators as current members."""
    data: OrganizationInvitation = validated(OrganizationInvitation, raw)
    checked_term(data)
    target = data.organization_id

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        found = await store.organization_eligibility(writer.graph, tx, id=target, on=data.start)
        if found is None or (found["status"] != RecordStatus.FILED.value and await unseen(writer, target, mediator=False)):
            raise not_found("organization", "organizationId")
        if found["status"] != RecordStatus.FILED.value:
            raise invalid([FieldProblem("organizationId", "Only a FILED organization may be invited.")])
        if int(found["qualified"]) < MIN_QUALIFIED_MEMBERS:
            message = f"An invited organization needs at least {MIN_QUALIFIED_MEMBERS} FILED mediators as members."
            raise invalid([FieldProblem("organizationId", message)])
        await refuse_duplicate(writer, tx, target, "organizationId")
        after = await store.create_invitation(writer.graph, tx, court=writer.agency_id, target=target, props=term_props(data))
        return target, [Change(target, "Organization", "inviteOrganization", None, after | {"court": writer.agency_id})]

    entity, replayed = await unit_of_work(
        writer, operation="inviteOrganization", payload=raw, idempotency_key=idempotency_key, work=work
    )
    return InvitationSaved(entity, replayed)


def exclusion_problems(check: ExclusionCheck) -> list[FieldProblem]:
    reasons = {
        "criminalRecord": (check.criminal_record, "A mediator with a criminal record may not be invited."),
        "seriousAdministrativePenalty": (
            check.serious_administrative_penalty,
            "A serious administrative penalty or industry sanction within 3 years excludes the mediator.",
        ),
        "dishonestJudgmentDebtor": (check.dishonest_judgment_debtor, "A dishonest judgment debtor may not be invited."),
    }
    return [FieldProblem(f"exclusionCheck.{name}", message) for name, (hit, message) in reasons.items() if hit]


async def invite_mediator(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> InvitationSaved:
    """Invite a FILED mediator not under sanction who passed the exclusion check, which is recorded."""
    data: MediatorInvitation = validated(MediatorInvitation, raw)
    checked_term(data)
    problems = exclusion_problems(data.exclusion_check)
    if problems:
        raise invalid(problems)
    target = data.mediator_id
    today = clock.today()

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        window = years_after(today, -SANCTION_YEARS)
        found = await store.mediator_eligibility(writer.graph, tx, id=target, on=today, window_start=window)
        if found is None or (found["status"] != RecordStatus.FILED.value and await unseen(writer, target, mediator=True)):
            raise not_found("mediator", "mediatorId")
        if found["status"] != RecordStatus.FILED.value:
            raise invalid([FieldProblem("mediatorId", "Only a FILED mediator may be invited.")])
        if found["sanctioned"]:
            message = f"A court removed or circulated a notice on this mediator within {SANCTION_YEARS} years."
            raise invalid([FieldProblem("mediatorId", message)])
        await refuse_duplicate(writer, tx, target, "mediatorId")
        props = term_props(data) | {
            "exclusionCriminalRecord": False,
            "exclusionSeriousPenalty": False,
            "exclusionDishonestDebtor": False,
            "exclusionCheckedBy": writer.agency_id,
            "exclusionCheckedAt": clock.now(),
        }
        after = await store.create_invitation(writer.graph, tx, court=writer.agency_id, target=target, props=props)
        return target, [Change(target, "Mediator", "inviteMediator", None, after | {"court": writer.agency_id})]

    entity, replayed = await unit_of_work(
        writer, operation="inviteMediator", payload=raw, idempotency_key=idempotency_key, work=work
    )
    return InvitationSaved(entity, replayed)


async def own_invitation(writer: Writer, tx: Tx, target: str) -> tuple[str, dict[str, Any]]:
    """The caller court's active invitation of `target` (its kind and properties); another court's is forbidden."""
    found = await store.invitation_of(writer.graph, tx, court=writer.agency_id, target=target)
    if found is not None:
        return str(found["kind"]), native(found["props"])
    if await store.invited_elsewhere(writer.graph, tx, court=writer.agency_id, target=target):
        raise forbidden("Another court invited this entry; a court manages only its own list.", "targetId")
    raise not_found("active invitation of this court", "targetId")


async def renew_invitation(
    writer: Writer, target: str, until: datetime.date | None, *, idempotency_key: str | None
) -> InvitationSaved:
    """Extend the court's active invitation: by default for another 2 years after its current end."""

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        kind, before = await own_invitation(writer, tx, target)
        new_until = until or years_after(before["until"] + datetime.timedelta(days=1), 2)
        if new_until <= before["until"]:
            raise invalid([FieldProblem("until", "A renewal must end after the current term.")])
        after = await store.update_invitation(
            writer.graph, tx, court=writer.agency_id, target=target, props={"until": new_until}
        )
        assert after is not None
        return target, [Change(target, kind, "renewInvitation", before, after | {"court": writer.agency_id})]

    entity, replayed = await unit_of_work(
        writer, operation="renewInvitation", payload={"targetId": target, "until": until},
        idempotency_key=idempotency_key, work=work,
    )
    return InvitationSaved(entity, replayed)


async def sanction_invitation(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> InvitationSaved:
    """Art 28: a warning, a circulated notice or removal, with reason and date; removal ends the invitation."""
    data: Sanction = validated(Sanction, raw)

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        kind, before = await own_invitation(writer, tx, data.target_id)
        sanction = {"kind": data.kind.value, "reason": data.reason, "on": data.on}
        await store.record_sanction(writer.graph, tx, court=writer.agency_id, target=data.target_id, props=sanction)
        after = before | {"sanction": sanction}
        if data.kind is SanctionKind.REMOVAL:
            removed = await store.update_invitation(
                writer.graph, tx, court=writer.agency_id, target=data.target_id,
                props={"status": InvitationStatus.REMOVED.value, "removedOn": data.on, "removalReason": data.reason},
            )
            assert removed is not None
            after = removed | {"sanction": sanction}
        change = Change(data.target_id, kind, "sanctionInvitation", before, after | {"court": writer.agency_id})
        return data.target_id, [change]

    entity, replayed = await unit_of_work(
        writer, operation="sanctionInvitation", payload=raw, idempotency_key=idempotency_key, work=work
    )
    return InvitationSaved(entity, replayed)


async def adopt_invited_list(
    writer: Writer, higher: str, consent_at: datetime.date, *, idempotency_key: str | None
) -> InvitationSaved:
    """Art 5: a court supervised (directly or not) by `higher` uses its list, with recorded consent."""

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        supervised = await store.supervises(writer.graph, tx, higher=higher, lower=writer.agency_id)
        if supervised is None:
            raise not_found("court", "higherCourtId")
        if not supervised:
            raise forbidden("Only a court supervised by the higher court may adopt its list.", "higherCourtId")
        after = await store.adopt(writer.graph, tx, lower=writer.agency_id, higher=higher, consent_at=consent_at)
        return writer.agency_id, [Change(writer.agency_id, "Agency", "adoptInvitedList", None, after)]

    entity, replayed = await unit_of_work(
        writer, operation="adoptInvitedList", payload={"higherCourtId": higher, "consentAt": consent_at},
        idempotency_key=idempotency_key, work=work,
    )
    return InvitationSaved(entity, replayed)
