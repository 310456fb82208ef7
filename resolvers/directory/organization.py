"""Listing and reading mediation organizations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.audit.trail import Change
from graph.core.driver import Graph, Row, Tx
from graph.core.page import PageRequest
from graph.core.records import native
from graph.core.viewer import Viewer
from graph.core.vocabulary import (
    PEOPLES_COMMITTEES,
    AgencyKind,
    Employment,
    Gender,
    MembershipRole,
    OrganizationKind,
    RecordStatus,
    Specialty,
)
from graph.directory.organization import (
    OrganizationFilter,
    OrganizationRecord,
    count_organizations,
    find_organizations,
    organizations_by_id,
)
from graph.roster.filing import (
    awaiting_members,
    create_organization,
    division_reach,
    move_organization,
    organization_kind,
    organization_state,
    record_filing,
    seats,
    update_mediator,
    update_organization,
)
from graph.roster.membership import OrganizationMember, members_of_organizations
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.identifiers import IdentifierError, parse_credit_code
from resolvers.core.lifecycle import Transition, next_status
from resolvers.core.outcomes import (
    FieldProblem,
    Problem,
    ProblemCode,
    forbidden,
    invalid,
    not_found,
    stale,
)
from resolvers.core.pagination import Listing, build_filter
from resolvers.core.write import Writer, checked_state, unit_of_work, validated
from resolvers.directory.jurisdiction import known_code, known_division
from resolvers.roster.composition import Seat, composition_problems

__all__ = [
    "OrganizationKind",
    "OrganizationMember",
    "OrganizationRecord",
    "list_organizations",
    "members_of_organizations",
    "organizations_by_id",
]


async def list_organizations(
    graph: Graph,
    *,
    jurisdiction: str | None = None,
    kinds: list[OrganizationKind] | None = None,
    sectors: list[Specialty] | None = None,
    statuses: list[RecordStatus] | None = None,
    name_prefix: str | None = None,
    name_contains: str | None = None,
    page: PageRequest,
    viewer: Viewer,
) -> Listing[OrganizationRecord]:
    division = await known_division(graph, jurisdiction, field="jurisdiction")
    where = build_filter(
        OrganizationFilter,
        jurisdiction=None if division is None else division.code,
        level=None if division is None else division.level,
        kinds=kinds,
        sectors=sectors,
        statuses=statuses,
        name_prefix=name_prefix,
        name_contains=name_contains,
    )
    found = await find_organizations(graph, where=where, page=page, viewer=viewer)
    return Listing(found, page.order, lambda: count_organizations(graph, where=where, viewer=viewer))


class OrganizationInput(BaseModel):
    """What a judicial bureau files about an organization."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=100)
    kind: OrganizationKind
    jurisdiction: str = Field(min_length=6, max_length=12)
    sectors: list[Specialty] = Field(default_factory=list, max_length=20)
    credit_code: str | None = None
    public_phone: str | None = Field(default=None, pattern=r"^[0-9+\-() ]{5,30}$")
    address: str | None = Field(default=None, max_length=200)
    charges_fee: bool = False
    source_record_id: str | None = Field(default=None, max_length=100)


class OrganizationAmendment(BaseModel):
    """The fields to change; omitted ones stay as they are."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=2, max_length=100)
    jurisdiction: str | None = Field(default=None, min_length=6, max_length=12)
    sectors: list[Specialty] | None = Field(default=None, max_length=20)
    credit_code: str | None = None
    public_phone: str | None = Field(default=None, pattern=r"^[0-9+\-() ]{5,30}$")
    address: str | None = Field(default=None, max_length=200)
    charges_fee: bool | None = None


@dataclass(frozen=True, slots=True)
class Saved:
    id: str
    warnings: tuple[str, ...] = ()
    replayed: bool = False


def organization_warnings(name: str | None, kind: OrganizationKind, credit_code: str | None) -> tuple[list[str], str | None]:
    """Name conventions and pilot-era credit codes are warnings; a malformed credit code is an error."""
    warnings: list[str] = []
    if name is not None and kind in PEOPLES_COMMITTEES and not name.endswith("人民调解委员会"):
        warnings.append("A people's mediation committee is usually named '<place or field>人民调解委员会'.")
    if credit_code is None:
        return warnings, None
    try:
        parsed = parse_credit_code(credit_code)
    except IdentifierError as error:
        raise invalid([FieldProblem("creditCode", str(error))]) from None
    return warnings + list(parsed.warnings), parsed.code


def organization_fields(data: OrganizationInput, credit_code: str | None) -> dict[str, Any]:
    """The stored properties an organization's input gives, the same for the API and a roster file."""
    return {
        "name": data.name,
        "kind": data.kind.value,
        "sectors": [sector.value for sector in data.sectors],
        "creditCode": credit_code,
        "publicPhone": data.public_phone,
        "address": data.address,
        "chargesFee": data.charges_fee,
    }


def organization_props(data: OrganizationInput, credit_code: str | None, writer: Writer) -> dict[str, Any]:
    source = {"sourceAgency": writer.agency_id, "sourceRecordId": data.source_record_id}
    return organization_fields(data, credit_code) | source


async def division(graph: Graph, code: str) -> str:
    """A division code that exists, or a typed problem: in a mutation the location is input, not an argument."""
    try:
        found = await known_code(graph, code, field="jurisdiction")
    except InputError as error:
        raise invalid([FieldProblem("jurisdiction", str(error))]) from None
    assert found is not None
    return found


async def file_organization(
    writer: Writer, raw: dict[str, Any], *, draft: bool, idempotency_key: str | None
) -> Saved:
    """File a new organization with the bureau (FILED), or keep it as a draft (PENDING) to file later."""
    data = validated(OrganizationInput, raw)
    warnings, credit_code = organization_warnings(data.name, data.kind, data.credit_code)
    jurisdiction = await division(writer.graph, data.jurisdiction)
    new_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        await require_reach(writer, tx, jurisdiction)
        props = organization_props(data, credit_code, writer) | {"status": RecordStatus.PENDING.value}
        created = await create_organization(writer.graph, tx, id=new_id, props=props, jurisdiction=jurisdiction)
        changes = [Change(new_id, "Organization", "fileOrganization", None, created | {"jurisdiction": jurisdiction})]
        if not draft:
            changes.append(await complete_filing(writer, tx, new_id, created))
            changes.extend(await filed_members(writer, tx, new_id))
        return new_id, changes

    entity, replayed = await unit_of_work(
        writer, operation="fileOrganization", payload={"input": raw, "draft": draft}, idempotency_key=idempotency_key, work=work
    )
    return Saved(entity, tuple(warnings), replayed)


async def require_reach(writer: Writer, tx: Tx, jurisdiction: str) -> None:
    reach = await division_reach(writer.graph, tx, code=jurisdiction, viewer=writer.viewer)
    if reach is None:
        raise invalid([FieldProblem("jurisdiction", f"No administrative division has the code {jurisdiction}.")])
    if not reach:
        raise forbidden("The division lies outside the bureau's jurisdiction.", "jurisdiction")


async def complete_filing(writer: Writer, tx: Tx, organization_id: str, before: dict[str, Any]) -> Change:
    """PENDING -> FILED: the composition rules must hold; records the filing and the notice to the court."""
    status = next_status(Transition.FILE, RecordStatus(before["status"]))
    await require_composition(writer, tx, organization_id)
    filed_on = clock.today()
    filing = await record_filing(writer.graph, tx, organization=organization_id, bureau=writer.agency_id, filed_at=filed_on)
    after = await update_organization(
        writer.graph, tx, id=organization_id, version=int(before["version"]), props={"status": status.value}
    )
    assert after is not None
    return Change(organization_id, "Organization", "completeFiling", before, after | {"guidedBy": filing["court"]})


async def filed_members(writer: Writer, tx: Tx, organization_id: str) -> list[Change]:
    """The filing of `organization_id` makes FILED (public) the members the bureau filed into it while it was a
    draft: a mediator whose only memberships await a decision stays out of the directory until then (issue 12)."""
    awaiting = await awaiting_members(writer.graph, tx, organization=organization_id, on=clock.today())
    return await file_awaiting(writer, tx, awaiting, operation="completeFiling")


async def file_awaiting(writer: Writer, tx: Tx, awaiting: list[Row], *, operation: str) -> list[Change]:
    """Make each PENDING mediator of `awaiting` (rows of id, version and props) FILED, with its audit change."""
    changes = []
    for row in awaiting:
        after = await update_mediator(
            writer.graph, tx, id=row["id"], version=int(row["version"]), props={"status": RecordStatus.FILED.value}
        )
        assert after is not None
        changes.append(Change(row["id"], "Mediator", operation, native(row["props"]), after))
    return changes


async def require_composition(writer: Writer, tx: Tx, organization_id: str, *, without: str | None = None) -> None:
    """The organization's current members (less `without`) meet the composition rules of its kind."""
    found = await organization_kind(writer.graph, tx, id=organization_id)
    if found is None:
        raise not_found("organization", "organizationId")
    kind, code = found
    rows = await seats(writer.graph, tx, organization=organization_id, on=clock.today(), without=without)
    problems = composition_problems(kind, code, [seat_of(row) for row in rows])
    if problems:
        raise invalid(problems)


def seat_of(row: dict[str, Any]) -> Seat:
    return Seat(
        role=MembershipRole(row["role"]),
        gender=Gender(row["gender"]),
        employment=Employment(row["employment"]) if row["employment"] else None,
        since=native(row["since"]),
        until=native(row["until"]),
    )


async def writable_organization(writer: Writer, tx: Tx, organization_id: str, version: int | None) -> dict[str, Any]:
    state = await organization_state(writer.graph, tx, id=organization_id, viewer=writer.viewer)
    outside = "The organization lies outside the bureau's jurisdiction."
    props = checked_state(state, version, kind="organization", outside=outside)
    return props | {"jurisdiction": state["jurisdiction"] if state else None}


async def amend_organization(
    writer: Writer, organization_id: str, version: int, raw: dict[str, Any], *, idempotency_key: str | None
) -> Saved:
    data = validated(OrganizationAmendment, raw)
    warnings: list[str] = []

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        nonlocal warnings
        before = await writable_organization(writer, tx, organization_id, version)
        kind = OrganizationKind(before["kind"])
        warnings, credit_code = organization_warnings(data.name, kind, data.credit_code)
        props = {
            "name": data.name,
            "sectors": [s.value for s in data.sectors] if data.sectors is not None else None,
            "creditCode": credit_code,
            "publicPhone": data.public_phone,
            "address": data.address,
            "chargesFee": data.charges_fee,
        }
        props = {key: value for key, value in props.items() if key in raw_keys(raw)}
        if data.jurisdiction is not None:
            code = await division(writer.graph, data.jurisdiction)
            await require_reach(writer, tx, code)
            await move_organization(writer.graph, tx, id=organization_id, jurisdiction=code)
        after = await update_organization(writer.graph, tx, id=organization_id, version=version, props=props)
        if after is None:
            raise stale("organization", version + 1)
        after = after | {"jurisdiction": data.jurisdiction or before["jurisdiction"]}
        return organization_id, [Change(organization_id, "Organization", "amendOrganization", before, after)]

    entity, replayed = await unit_of_work(
        writer,
        operation="amendOrganization",
        payload={"id": organization_id, "version": version, "input": raw},
        idempotency_key=idempotency_key,
        work=work,
    )
    return Saved(entity, tuple(warnings), replayed)


FIELD_NAMES = {
    "name": "name", "jurisdiction": "jurisdiction", "sectors": "sectors", "credit_code": "creditCode",
    "public_phone": "publicPhone", "address": "address", "charges_fee": "chargesFee",
}


def raw_keys(raw: dict[str, Any]) -> set[str]:
    """The graph property names the caller asked to change."""
    return {FIELD_NAMES.get(key, key) for key in raw}


async def change_organization_status(
    writer: Writer,
    organization_id: str,
    version: int,
    transition: Transition,
    *,
    reason: str | None,
    idempotency_key: str | None,
) -> Saved:
    """File a draft, suspend, deregister or reinstate an organization; an illegal transition is a typed problem."""
    operation = f"{transition.value.lower()}Organization"
    warnings: list[str] = []

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await writable_organization(writer, tx, organization_id, version)
        if transition is Transition.FILE:
            kind = OrganizationKind(before["kind"])
            warnings[:] = organization_warnings(before.get("name"), kind, before.get("creditCode"))[0]
            # Depends on the transition: the table (auth.scopes.AGENCY_KINDS) lets the platform administrator
            # change an organization's status, but only a bureau files one, with itself.
            writer.require(AgencyKind.JUDICIAL_BUREAU)
            if before.get("registrationStatus") in ("PENDING", "REJECTED"):
                message = (
                    "A partner's registration is decided with approveRegistration or rejectRegistration;"
                    " a rejected one returns to the queue when its partner amends it."
                )
                raise Problem(ProblemCode.ILLEGAL_TRANSITION, "id", message)
            filed = await complete_filing(writer, tx, organization_id, before)
            return organization_id, [filed, *await filed_members(writer, tx, organization_id)]
        status = next_status(transition, RecordStatus(before["status"]))
        if transition is Transition.REINSTATE:
            await require_composition(writer, tx, organization_id)
        props = {"status": status.value, "statusReason": reason, "statusChangedAt": clock.today()}
        after = await update_organization(writer.graph, tx, id=organization_id, version=version, props=props)
        assert after is not None
        return organization_id, [Change(organization_id, "Organization", operation, before, after)]

    entity, replayed = await unit_of_work(
        writer,
        operation=operation,
        payload={"id": organization_id, "version": version, "reason": reason},
        idempotency_key=idempotency_key,
        work=work,
    )
    return Saved(entity, tuple(warnings), replayed)
