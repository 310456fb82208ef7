"""Partner registration: a partner agency registers organizations (mediators: `resolvers.partners.mediator_registration`),
the bureau that governs where they are approves (files) or rejects them, and the partner reads the outcome.

A registration is the record itself, PENDING until decided, affiliated with its partner. Its
`registrationStatus` is PENDING, APPROVED or REJECTED. The partner may amend it while it waits or after a
rejection (which puts it back in the queue); once approved it is on the bureau's roster and only the bureau
changes it. Every write is one transaction with its audit events, as filing is (`resolvers.roster.filing`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx
from graph.core.page import PageRequest
from graph.core.records import camel, native
from graph.core.viewer import Viewer
from graph.core.vocabulary import OrganizationKind, RecordStatus
from graph.notices.notice import notify_bureau
from graph.partners.registration import (
    ProvinceCount,
    RegistrationFilter,
    RegistrationRecord,
    affiliate_organization,
    count_own_registrations,
    count_pending_registrations,
    credit_code_owner,
    governed_division,
    own_registrations,
    partner_directory,
    partner_exists,
    pending_registrations,
    record_decision,
    registration_state,
    registrations_by_id,
)
from graph.roster.filing import create_organization, move_organization, update_mediator, update_organization
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.lifecycle import Transition, next_status
from resolvers.core.outcomes import (
    FieldProblem,
    Problem,
    ProblemCode,
    conflict,
    forbidden,
    invalid,
    not_found,
    stale,
)
from resolvers.core.pagination import MAX_PAGE, Listing, build_filter
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.directory.mediator import MediatorAmendment
from resolvers.directory.organization import (
    FIELD_NAMES,
    OrganizationAmendment,
    OrganizationInput,
    Saved,
    complete_filing,
    division,
    filed_members,
    organization_props,
    organization_warnings,
)
from resolvers.notices.notice import NoticeKind

__all__ = ["ProvinceCount", "RegistrationRecord", "registrations_by_id"]


class RegistrationStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class RegistrationKind(StrEnum):
    ORGANIZATION = "ORGANIZATION"
    MEDIATOR = "MEDIATOR"


AMENDABLE = frozenset({RegistrationStatus.PENDING, RegistrationStatus.REJECTED})


def registration_props(writer: Writer) -> dict[str, Any]:
    """What marks a record as the calling partner's registration, waiting for its bureau."""
    return {
        "status": RecordStatus.PENDING.value,
        "registeredBy": writer.agency_id,
        "registrationStatus": RegistrationStatus.PENDING.value,
        "registeredAt": clock.now(),
    }


async def require_governed(graph: Graph, tx: Tx, code: str) -> None:
    if not await governed_division(graph, tx, code=code):
        raise invalid([FieldProblem("jurisdiction", "No judicial bureau governs this division to decide the registration.")])


async def require_free_credit_code(graph: Graph, tx: Tx, credit_code: str | None, own_id: str | None = None) -> None:
    if credit_code is None:
        return
    owner = await credit_code_owner(graph, tx, credit_code=credit_code)
    if owner is not None and owner != own_id:
        raise conflict(f"Organization {owner} already has this credit code.", "creditCode")


async def register_organization(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> Saved:
    """A PENDING organization affiliated with the calling partner, validated as filing validates it."""
    data = validated(OrganizationInput, raw)
    warnings, credit_code = organization_warnings(data.name, data.kind, data.credit_code)
    jurisdiction = await division(writer.graph, data.jurisdiction)
    new_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        await require_governed(writer.graph, tx, jurisdiction)
        await require_free_credit_code(writer.graph, tx, credit_code)
        props = organization_props(data, credit_code, writer) | registration_props(writer)
        created = await create_organization(writer.graph, tx, id=new_id, props=props, jurisdiction=jurisdiction)
        await affiliate_organization(writer.graph, tx, id=new_id, partner=writer.agency_id)
        await notify_bureau(writer.graph, tx, organization=new_id, kind=NoticeKind.ORGANIZATION_REGISTERED)
        after = created | {"jurisdiction": jurisdiction, "affiliatedWith": writer.agency_id}
        return new_id, [Change(new_id, "Organization", "registerOrganization", None, after)]

    entity, replayed = await unit_of_work(
        writer, operation="registerOrganization", payload=raw, idempotency_key=idempotency_key, work=work
    )
    return Saved(entity, tuple(warnings), replayed)


async def own_registration(writer: Writer, tx: Tx, id: str, version: int, *, kind: str) -> dict[str, Any]:
    """The calling partner's registration of `kind` at `version`, still open to amendment."""
    state = await registration_state(writer.graph, tx, id=id, agency=writer.agency_id, viewer=writer.viewer)
    if state is None or state["kind"] != kind:
        raise not_found(f"{kind.lower()} registration", "id")
    if not state["own"]:
        raise forbidden("A partner amends only the registrations it made.", "id")
    props: dict[str, Any] = native(state["props"])
    if props.get("version") != version:
        raise stale("registration", int(props.get("version") or 0))
    if props.get("registrationStatus") not in AMENDABLE or props.get("status") != RecordStatus.PENDING.value:
        raise Problem(
            ProblemCode.ILLEGAL_TRANSITION,
            "status",
            "An approved registration is on the bureau's roster; only the bureau changes it now.",
        )
    return props


def amended(data: BaseModel, raw: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The stored properties the caller asked to change (vocabulary values as strings)."""
    fields = data.model_dump(mode="json", include=set(raw) - {"jurisdiction"})
    return {names.get(key, camel(key)): value for key, value in fields.items()}


def resubmitted(before: dict[str, Any]) -> dict[str, Any]:
    """Amending a rejected registration sends it back to the bureau; the old decision stays in the audit trail."""
    if before.get("registrationStatus") != RegistrationStatus.REJECTED.value:
        return {}
    return {
        "registrationStatus": RegistrationStatus.PENDING.value,
        "resubmittedAt": clock.now(),
        "decisionReason": None,
        "decidedAt": None,
        "decidedBy": None,
    }


async def amend_organization_registration(
    writer: Writer, id: str, version: int, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    data = validated(OrganizationAmendment, raw)
    code = await division(writer.graph, data.jurisdiction) if data.jurisdiction is not None else None
    warnings: list[str] = []

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        nonlocal warnings
        before = await own_registration(writer, tx, id, version, kind="Organization")
        warnings, credit_code = organization_warnings(data.name, OrganizationKind(before["kind"]), data.credit_code)
        props = amended(data, raw, FIELD_NAMES)
        if "creditCode" in props:
            await require_free_credit_code(writer.graph, tx, credit_code, own_id=id)
            props["creditCode"] = credit_code
        if code is not None:
            await require_governed(writer.graph, tx, code)
            await move_organization(writer.graph, tx, id=id, jurisdiction=code)
        after = await update_organization(writer.graph, tx, id=id, version=version, props=props | resubmitted(before))
        if after is None:
            raise stale("registration", version + 1)
        moved = {"jurisdiction": code} if code is not None else {}
        return id, [Change(id, "Organization", "amendRegistration", before, after | moved)]

    entity, replayed = await unit_of_work(
        writer, operation="amendOrganizationRegistration", payload={"id": id, "version": version, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, tuple(warnings), replayed)


async def amend_mediator_registration(
    writer: Writer, id: str, version: int, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    data = validated(MediatorAmendment, raw)

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await own_registration(writer, tx, id, version, kind="Mediator")
        props = amended(data, raw, {}) | resubmitted(before)
        after = await update_mediator(writer.graph, tx, id=id, version=version, props=props)
        if after is None:
            raise stale("registration", version + 1)
        return id, [Change(id, "Mediator", "amendRegistration", before, after)]

    entity, replayed = await unit_of_work(
        writer, operation="amendMediatorRegistration", payload={"id": id, "version": version, "input": raw},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


class Rejection(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=2, max_length=500)


async def decidable(writer: Writer, tx: Tx, id: str, version: int) -> tuple[str, dict[str, Any]]:
    """A PENDING registration the calling bureau governs, at `version`: its kind and stored properties."""
    state = await registration_state(writer.graph, tx, id=id, agency=writer.agency_id, viewer=writer.viewer)
    props: dict[str, Any] = native(state["props"]) if state else {}
    if state is None or props.get("registeredBy") is None:
        raise not_found("registration", "id")
    if not state["governs"]:
        raise forbidden("The record lies outside the bureau's jurisdiction.", "id")
    if props.get("version") != version:
        raise stale("registration", int(props.get("version") or 0))
    if props.get("registrationStatus") != RegistrationStatus.PENDING.value or props.get("status") != RecordStatus.PENDING.value:
        raise Problem(
            ProblemCode.ILLEGAL_TRANSITION, "status",
            f"Only a PENDING registration is decided; this one is {props.get('registrationStatus')}.",
        )
    return str(state["kind"]), props


def decision(writer: Writer, status: RegistrationStatus, reason: str | None) -> dict[str, Any]:
    return {
        "registrationStatus": status.value,
        "decisionReason": reason,
        "decidedAt": clock.now(),
        "decidedBy": writer.agency_id,
    }


async def approve_registration(
    writer: Writer, id: str, version: int, *, reason: str | None, idempotency_key: str | None
) -> Saved:
    """File the registration with the calling bureau. An organization goes through the filing path itself
    (composition rules, filing number, FILED_WITH, GUIDED_BY and the court's notice); a mediator becomes FILED."""

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        kind, before = await decidable(writer, tx, id, version)
        decided = decision(writer, RegistrationStatus.APPROVED, reason)
        if kind == "Organization":
            filed = await complete_filing(writer, tx, id, before)
            after = native(await record_decision(writer.graph, tx, kind=kind, id=id, props=decided))
            after |= {"guidedBy": (filed.after or {}).get("guidedBy")}
            members = await filed_members(writer, tx, id)
            return id, [Change(id, kind, "approveRegistration", before, after), *members]
        else:
            status = next_status(Transition.FILE, RecordStatus(before["status"]))
            props = {"status": status.value} | decided
            after = native(await update_mediator(writer.graph, tx, id=id, version=version, props=props))
        return id, [Change(id, kind, "approveRegistration", before, after)]

    entity, replayed = await unit_of_work(
        writer, operation="approveRegistration", payload={"id": id, "version": version, "reason": reason},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


async def reject_registration(
    writer: Writer, id: str, version: int, *, reason: str, idempotency_key: str | None
) -> Saved:
    """Refuse the registration with a reason the partner reads; the record stays PENDING for it to amend."""
    why = validated(Rejection, {"reason": reason}).reason

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        kind, before = await decidable(writer, tx, id, version)
        decided = decision(writer, RegistrationStatus.REJECTED, why)
        update = update_organization if kind == "Organization" else update_mediator
        after = await update(writer.graph, tx, id=id, version=version, props=decided)
        assert after is not None
        return id, [Change(id, kind, "rejectRegistration", before, after)]

    entity, replayed = await unit_of_work(
        writer, operation="rejectRegistration", payload={"id": id, "version": version, "reason": why},
        idempotency_key=idempotency_key, work=work,
    )
    return Saved(entity, (), replayed)


def registration_filter(kind: RegistrationKind | None, statuses: list[RegistrationStatus] | None) -> RegistrationFilter:
    return build_filter(
        RegistrationFilter,
        kind=kind.value if kind else None,
        statuses=[status.value for status in statuses] if statuses is not None else None,
    )


async def list_own_registrations(
    graph: Graph, *, kind: RegistrationKind | None, statuses: list[RegistrationStatus] | None, page: PageRequest,
    viewer: Viewer,
) -> Listing[RegistrationRecord]:
    """The calling partner's registrations; nothing for any other caller (the policy is in the statement)."""
    where = registration_filter(kind, statuses)
    found = await own_registrations(graph, where=where, page=page, viewer=viewer)
    return Listing(found, page.order, lambda: count_own_registrations(graph, where=where, viewer=viewer))


async def list_pending_filings(
    graph: Graph, *, kind: RegistrationKind | None, page: PageRequest, agency: str, viewer: Viewer
) -> Listing[RegistrationRecord]:
    """Registrations waiting for the calling bureau: those located where it governs (all for a national caller)."""
    where = registration_filter(kind, None)
    found = await pending_registrations(graph, where=where, page=page, agency=agency, viewer=viewer)
    return Listing(
        found, page.order, lambda: count_pending_registrations(graph, where=where, agency=agency, viewer=viewer)
    )


@dataclass(frozen=True, slots=True)
class ProvinceEntry:
    province: str
    organizations: ProvinceCount | None
    mediators: ProvinceCount | None


async def directory_of_partner(graph: Graph, *, partner: str, first: int | None, viewer: Viewer) -> list[ProvinceEntry] | None:
    """Per province, what is affiliated with the partner as far as the caller sees it; None for no such partner."""
    size = 20 if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InputError(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    if not await partner_exists(graph, partner=partner):
        return None
    found = await partner_directory(graph, partner=partner, first=size, viewer=viewer)
    by_kind = {(row.province, row.kind): row for row in found}
    provinces = sorted({row.province for row in found})
    return [
        ProvinceEntry(
            code, by_kind.get((code, RegistrationKind.ORGANIZATION.value)), by_kind.get((code, RegistrationKind.MEDIATOR.value))
        )
        for code in provinces
    ]


async def registration_of(graph: Graph, *, id: str, agency: str | None, viewer: Viewer) -> RegistrationRecord | None:
    found = await registrations_by_id(graph, ids=[id], agency=agency, viewer=viewer)
    return found.get(id)
