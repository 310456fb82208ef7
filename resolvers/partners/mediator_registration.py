"""Partner registration of mediators, one or up to 1,000 in a call: all or nothing, with a report per row.

Each row is a mediator (`MediatorInput`) and a first membership (`MembershipInput`) in an organization
affiliated with the calling partner; the checks are filing's: field rules, a valid adult identity number,
the same person not on the roster (nor twice in the call), a lawful term, and a filed committee still
lawfully composed once its new members count. The mediators are created PENDING in one transaction with one
audit event each; the governing bureau approves or rejects each (`resolvers.partners.registration`).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from graph.audit.trail import Change
from graph.core.driver import Tx
from graph.core.records import camel
from graph.core.vocabulary import OrganizationKind, RecordStatus
from graph.notices.notice import notify_bureau
from graph.partners.registration import (
    batch_members,
    create_registered_mediators,
    identity_owners,
    organizations_for_partner,
)
from graph.roster.filing import notify_membership_change
from resolvers.core import clock
from resolvers.core.outcomes import FieldProblem, Problem, ProblemCode, invalid
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.directory.mediator import (
    MediatorInput,
    MembershipInput,
    identity_props,
    mediator_fields,
)
from resolvers.directory.organization import Saved, require_composition
from resolvers.notices.notice import NoticeKind
from resolvers.partners.registration import registration_props
from resolvers.roster.composition import term_problems

MAX_ROWS = 1_000
OPEN = frozenset({RecordStatus.PENDING.value, RecordStatus.FILED.value})


@dataclass(frozen=True, slots=True)
class RowProblem:
    """Row `index` (0-based, in the order given) is refused: the field at fault, why, and the kind of problem."""

    index: int
    field: str
    message: str
    code: ProblemCode = ProblemCode.VALIDATION


class RowsRefused(Exception):
    """Some rows are refused, so nothing was written; raised inside the transaction to roll it back."""

    def __init__(self, rows: Sequence[RowProblem], total: int) -> None:
        self.rows = tuple(sorted(rows, key=lambda row: (row.index, row.field)))
        self.total = total
        refused = len({row.index for row in self.rows})
        super().__init__(f"{refused} of {total} rows were refused; nothing was written.")


@dataclass(frozen=True, slots=True)
class Registered:
    """The mediators one call registered (ids in row order)."""

    ids: list[str]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class RowPlan:
    index: int
    id: str
    data: MediatorInput
    membership: MembershipInput
    identity: dict[str, Any]


def problems_of(error: Problem, prefix: str, index: int) -> list[RowProblem]:
    """A problem raised by filing's own checks, as row problems with the field's path in the row."""
    details = error.details or (FieldProblem(error.field or "", error.message),)
    return [RowProblem(index, ".".join(camel(part) for part in (prefix, *d.field.split(".")) if part), d.message, error.code)
            for d in details]


def plan_rows(rows: Sequence[dict[str, Any]], *, hash_key: bytes, today: datetime.date) -> tuple[list[RowPlan], list[RowProblem]]:
    """Every row checked on its own and against the others, before the graph is asked."""
    plans: list[RowPlan] = []
    bad: list[RowProblem] = []
    first_row: dict[str, int] = {}
    for index, row in enumerate(rows):
        found: list[RowProblem] = []
        data = membership = None
        identity: dict[str, Any] = {}
        try:
            data = validated(MediatorInput, row.get("input"))
            identity = identity_props(data.identity_number, hash_key, today=today)
        except Problem as error:
            found += problems_of(error, "input", index)
        try:
            membership = validated(MembershipInput, row.get("membership"))
        except Problem as error:
            found += problems_of(error, "membership", index)
        if identity:
            earlier = first_row.setdefault(identity["identityHash"], index)
            if earlier != index:
                problem = f"The same person is on row {earlier}."
                found.append(RowProblem(index, "input.identityNumber", problem, ProblemCode.CONFLICT))
        if found or data is None or membership is None:
            bad += found
            continue
        plans.append(RowPlan(index, str(uuid.uuid4()), data, membership, identity))
    return plans, bad


async def graph_problems(writer: Writer, tx: Tx, plans: Sequence[RowPlan]) -> list[RowProblem]:
    """Who is on the roster already and where each membership goes: two statements for any number of rows."""
    graph = writer.graph
    owners = await identity_owners(graph, tx, hashes=[plan.identity["identityHash"] for plan in plans])
    organizations = await organizations_for_partner(
        graph, tx, ids=sorted({plan.membership.organization_id for plan in plans}), partner=writer.agency_id
    )
    bad: list[RowProblem] = []
    for plan in plans:
        owner = owners.get(plan.identity["identityHash"])
        if owner is not None:
            message = f"This person is already on the roster as mediator {owner}."
            bad.append(RowProblem(plan.index, "input.identityNumber", message, ProblemCode.CONFLICT))
        field = "membership.organizationId"
        organization = organizations.get(plan.membership.organization_id)
        if organization is None:
            bad.append(RowProblem(plan.index, field, "No organization has this id.", ProblemCode.NOT_FOUND))
        elif not organization["own"]:
            message = "The organization is not affiliated with the calling partner."
            bad.append(RowProblem(plan.index, field, message, ProblemCode.FORBIDDEN_BY_AGENCY))
        elif organization["status"] not in OPEN:
            bad.append(RowProblem(plan.index, field, f"A {organization['status']} organization takes no new members."))
        else:
            kind = OrganizationKind(organization["kind"])
            for problem in term_problems(kind, plan.membership.since, plan.membership.until):
                bad.append(RowProblem(plan.index, f"membership.{problem.field}", problem.message))
    return bad


async def composition_problems(writer: Writer, tx: Tx, plans: Sequence[RowPlan]) -> list[RowProblem]:
    """A filed organization must stay lawfully composed with its new members; its rows carry the reason."""
    rows: dict[str, list[int]] = {}
    for plan in plans:
        rows.setdefault(plan.membership.organization_id, []).append(plan.index)
    statuses = await organizations_for_partner(writer.graph, tx, ids=sorted(rows), partner=writer.agency_id)
    bad: list[RowProblem] = []
    for organization, indexes in rows.items():
        if statuses[organization]["status"] != RecordStatus.FILED.value:
            continue
        try:
            await require_composition(writer, tx, organization)
        except Problem as error:
            message = "; ".join(detail.message for detail in error.details) or error.message
            bad += [RowProblem(index, "membership.organizationId", message) for index in indexes]
    return bad


def stored(plan: RowPlan, writer: Writer, batch: str) -> dict[str, Any]:
    return plan.identity | mediator_fields(plan.data) | registration_props(writer) | {
        "sourceAgency": writer.agency_id,
        "sourceRecordId": plan.data.source_record_id,
        "registrationBatch": batch,
        "registrationRow": plan.index,
    }


async def register(
    writer: Writer, rows: Sequence[dict[str, Any]], *, operation: str, hash_key: bytes, idempotency_key: str | None
) -> Registered:
    """Register the rows' mediators, or none: any refused row raises `RowsRefused` listing every refused row."""
    if not 1 <= len(rows) <= MAX_ROWS:
        raise invalid([FieldProblem("mediators", f"Send 1 to {MAX_ROWS} rows; this call has {len(rows)}.")])
    plans, bad = plan_rows(rows, hash_key=hash_key, today=clock.today())
    if bad:
        raise RowsRefused(bad, len(rows))
    batch = str(uuid.uuid4())
    masked = [{**row, "input": {**row["input"], "identity_number": plan.identity["identityHash"]}}
              for row, plan in zip(rows, plans, strict=True)]

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        refused = await graph_problems(writer, tx, plans)
        if refused:
            raise RowsRefused(refused, len(rows))
        created: list[dict[str, Any]] = [
            {"id": plan.id, "props": stored(plan, writer, batch), "organization": plan.membership.organization_id,
             "role": plan.membership.role.value, "since": plan.membership.since, "until": plan.membership.until}
            for plan in plans
        ]
        await create_registered_mediators(writer.graph, tx, rows=created, partner=writer.agency_id)
        refused = await composition_problems(writer, tx, plans)
        if refused:
            raise RowsRefused(refused, len(rows))
        for organization in sorted({plan.membership.organization_id for plan in plans}):
            await notify_membership_change(writer.graph, tx, organization=organization, change="MEMBER_JOINED")
            await notify_bureau(writer.graph, tx, organization=organization, kind=NoticeKind.MEDIATORS_REGISTERED)
        changes = [
            Change(row["id"], "Mediator", operation, None,
                   {key: value for key, value in row["props"].items() if key != "identityHash"}
                   | {"membership": {k: row[k] for k in ("organization", "role", "since", "until")}})
            for row in created
        ]
        return batch, changes

    entity, replayed = await unit_of_work(
        writer, operation=operation, payload=masked, idempotency_key=idempotency_key, work=work
    )
    if replayed:
        return Registered(await batch_members(writer.graph, batch=entity), True)
    return Registered([plan.id for plan in plans])


async def register_mediators(
    writer: Writer, rows: Sequence[dict[str, Any]], *, hash_key: bytes, idempotency_key: str | None
) -> Registered:
    return await register(writer, rows, operation="registerMediators", hash_key=hash_key, idempotency_key=idempotency_key)


async def register_mediator(
    writer: Writer, raw: dict[str, Any], membership: dict[str, Any], *, hash_key: bytes, idempotency_key: str | None
) -> Saved:
    """One mediator: the bulk path with one row, its refusal as the typed problem filing would give."""
    try:
        done = await register(
            writer, [{"input": raw, "membership": membership}], operation="registerMediator", hash_key=hash_key,
            idempotency_key=idempotency_key,
        )
    except RowsRefused as refused:
        first = refused.rows[0]
        if all(row.code is ProblemCode.VALIDATION for row in refused.rows):
            raise invalid([FieldProblem(row.field, row.message) for row in refused.rows]) from None
        raise Problem(first.code, first.field, first.message) from None
    return Saved(done.ids[0], (), done.replayed)
