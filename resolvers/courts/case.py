"""Cases referred by courts and partner agencies, with their time limits (SPC Fa Shi [2016] No. 14 Arts 15,
16, 27; Online Mediation Rules Art 24; People's Mediation Law Art 33).

Every write is by the referring agency on its own case, in one transaction with its audit events (recorded on
the mediator's chain, as invitations are). The rules are pure functions in `resolvers/case_rules.py`.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from typing import Any

from graph.audit.trail import Change
from graph.core.driver import Graph, Tx, UniquenessViolation
from graph.core.records import native
from graph.core.viewer import Viewer
from graph.core.vocabulary import AgencyKind, RecordStatus
from graph.courts import case as store
from graph.courts.case import CaseFilter, CaseReader, CaseRecord
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.outcomes import (
    FieldProblem,
    conflict,
    forbidden,
    invalid,
    not_found,
)
from resolvers.core.pagination import DEFAULT_PAGE, MAX_PAGE
from resolvers.core.write import Writer, unit_of_work, validated
from resolvers.courts.case_code import CaseCodeError, foreign_court, parse_case_code
from resolvers.courts.case_rules import (
    Acceptance,
    Closing,
    ConfirmationInput,
    ExtensionInput,
    LaterRole,
    ReferralInput,
    Stage,
    acceptance_props,
    closing_props,
    confirmation_props,
    extension_props,
    referral_props,
)
from resolvers.courts.invitation import unseen
from resolvers.directory.jurisdiction import known_code


@dataclass(frozen=True, slots=True)
class CaseSaved:
    id: str
    replayed: bool = False


def reader_for(viewer: Viewer, agency: str | None, kind: AgencyKind | None) -> CaseReader:
    return CaseReader(viewer=viewer, agency=agency, kind=kind.value if kind else None)


def _change(operation: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Change:
    return Change(str(after["mediatorId"]), "Mediator", operation, before, after)


async def record_case_referral(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> CaseSaved:
    """A court refers a case to a mediator on its list, or a partner to a mediator affiliated with it; with
    `acceptance` the mediator's acceptance is recorded in the same write."""
    data: ReferralInput = validated(ReferralInput, raw)
    today = clock.today()
    code, props = referral_props(data, today)
    case_id = str(uuid.uuid4())

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        facts = await store.referral_facts(
            writer.graph, tx, mediator=data.mediator_id, agency=writer.agency_id, on=props["referredAt"]
        )
        filed = facts is not None and facts["status"] == RecordStatus.FILED.value
        if facts is None or (not filed and await unseen(writer, data.mediator_id, mediator=True)):
            raise not_found("mediator", "mediatorId")
        if not filed:
            raise invalid([FieldProblem("mediatorId", "Only a FILED mediator may be referred a case.")])
        own_code = facts["courtCode"] if writer.agency_kind is AgencyKind.COURT else None
        issuer = foreign_court(code, own_code)
        if issuer is not None:
            raise forbidden(
                f"This number carries the code of court {issuer}; only that court records it"
                " (a partner agency numbers its own cases without a court code, e.g. (2026)总工调字第12号).",
                "caseCode",
            )
        if writer.agency_kind is AgencyKind.COURT:
            if not facts["invited"]:
                raise forbidden("A court refers cases only to mediators on its specially invited list.", "mediatorId")
        elif not facts["affiliated"]:
            raise forbidden("A partner refers cases only to mediators affiliated with it.", "mediatorId")
        stored = props
        if data.acceptance is not None:
            stored = props | acceptance_props(
                props | {"stage": Stage.REFERRED.value}, data.acceptance, today, field="acceptance."
            )
        created = await store.create_case(
            writer.graph, tx, id=case_id, key=code.key, mediator=data.mediator_id, agency=writer.agency_id, props=stored
        )
        if created is None:
            raise conflict("A case with this number is recorded already.", "caseCode")
        return case_id, [_change("recordCaseReferral", None, native(created))]

    return await _saved(writer, "recordCaseReferral", raw, idempotency_key, work)


async def _saved(writer: Writer, operation: str, raw: dict[str, Any], key: str | None, work: Any) -> CaseSaved:
    try:
        entity, replayed = await unit_of_work(writer, operation=operation, payload=raw, idempotency_key=key, work=work)
    except UniquenessViolation:
        # a concurrent writer committed the same number (or key) first: its CaseKey refused ours
        raise conflict("A case with this number is recorded already.", "caseCode") from None
    return CaseSaved(entity, replayed)


async def _own_case(writer: Writer, tx: Tx, case_id: str) -> dict[str, Any]:
    found = await store.case_for_update(writer.graph, tx, id=case_id)
    if found is None:
        raise not_found("case", "caseId")
    before: dict[str, Any] = native(found["props"])
    if before["agencyId"] != writer.agency_id:
        raise forbidden("Another agency referred this case; an agency changes only its own cases.", "caseId")
    return before


async def _update(
    writer: Writer, operation: str, case_id: str, raw: dict[str, Any], key: str | None, rule: Any
) -> CaseSaved:

    async def work(tx: Tx) -> tuple[str, list[Change]]:
        before = await _own_case(writer, tx, case_id)
        props = rule(before)
        after = await store.update_case(writer.graph, tx, id=case_id, props=props)
        return case_id, [_change(operation, before, native(after))]

    return await _saved(writer, operation, raw, key, work)


async def accept_case(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> CaseSaved:
    """The clock starts: the deadline is set from the time limit; a conflict needs every party's consent."""
    data: Acceptance = validated(Acceptance, raw)
    today = clock.today()
    return await _update(
        writer, "acceptCase", data.case_id, raw, idempotency_key,
        lambda before: acceptance_props(before, data, today, field=""),
    )


async def extend_case_deadline(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> CaseSaved:
    data: ExtensionInput = validated(ExtensionInput, raw)
    today = clock.today()
    return await _update(
        writer, "extendCaseDeadline", data.case_id, raw, idempotency_key,
        lambda before: extension_props(before, data, today),
    )


async def close_case(writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None) -> CaseSaved:
    data: Closing = validated(Closing, raw)
    today = clock.today()
    return await _update(
        writer, "closeCase", data.case_id, raw, idempotency_key, lambda before: closing_props(before, data, today)
    )


async def record_judicial_confirmation(
    writer: Writer, raw: dict[str, Any], *, idempotency_key: str | None
) -> CaseSaved:
    data: ConfirmationInput = validated(ConfirmationInput, raw)
    today = clock.today()
    return await _update(
        writer, "recordJudicialConfirmation", data.case_id, raw, idempotency_key,
        lambda before: confirmation_props(before, data, today),
    )


# --- reads ---------------------------------------------------------------------------------------------


async def case_of(graph: Graph, *, id: str, reader: CaseReader) -> CaseRecord | None:
    return await store.case_by_id(graph, id=id, reader=reader)


async def own_case(graph: Graph, *, id: str, agency: str) -> CaseRecord | None:
    """A case as its referring agency sees it right after a write (with or without `roster:read`)."""
    return await store.case_by_id(graph, id=id, reader=CaseReader(Viewer(roster=True), agency=agency))


@dataclass(frozen=True, slots=True)
class CasePage:
    cases: list[CaseRecord]
    has_next: bool
    end_cursor: str | None


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"cases:{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = text.partition(":")
        if prefix != "cases" or int(number) < 0:
            raise ValueError(prefix)
        return int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InputError("The cursor is not one this API issued.", field="after") from error


async def list_cases(
    graph: Graph,
    *,
    reader: CaseReader,
    agency: str | None = None,
    mediator: str | None = None,
    jurisdiction: str | None = None,
    stage: Stage | None = None,
    overdue: bool = False,
    first: int | None = None,
    after: str | None = None,
) -> CasePage:
    """Cases in the reader's reach, earliest deadline first. Without an agency, mediator or jurisdiction, a
    court or partner sees its own cases and a bureau those in its jurisdiction."""
    size = DEFAULT_PAGE if first is None else first
    if not 0 <= size <= MAX_PAGE:
        raise InputError(f"`first` must be between 0 and {MAX_PAGE}.", field="first")
    start = decode_offset(after) if after else 0
    code = await known_code(graph, jurisdiction, field="jurisdiction")
    if agency is None and mediator is None and code is None:
        if reader.kind in ("COURT", "PARTNER_AGENCY"):
            agency = reader.agency
        elif reader.kind == "JUDICIAL_BUREAU":
            code = reader.viewer.jurisdiction
    where = CaseFilter(
        agency=agency, mediator=mediator, jurisdiction=code, stage=stage.value if stage else None,
        overdue=overdue, today=clock.today(),
    )
    rows = await store.list_cases(graph, where=where, skip=start, limit=size + 1, reader=reader)
    cases = rows[:size]
    return CasePage(cases, len(rows) > size, encode_offset(start + len(cases)) if cases else None)


@dataclass(frozen=True, slots=True)
class RoleCheck:
    mediator_id: str
    case_code: str
    role: LaterRole
    barred: bool
    case_ids: list[str]
    reason: str | None


async def check_later_role(
    graph: Graph, *, mediator: str, case_code: str, role: LaterRole, reader: CaseReader
) -> RoleCheck:
    """Art 16: a mediator who mediated a case may not later act in it as assessor, agent, witness, appraiser
    or translator. The number may be the mediation's own or the litigation number recorded at closing."""
    try:
        code = parse_case_code(case_code)
    except CaseCodeError as error:
        raise InputError(str(error), field="caseCode") from None
    found = await store.barring_cases(graph, mediator=mediator, key=code.key, reader=reader)
    ids = [str(row["id"]) for row in found]
    reason = (
        f"The mediator mediated this case ({found[0]['caseCode']}) and may not act in it as"
        f" {role.value.lower().replace('_', ' ')} (SPC Fa Shi [2016] No. 14 Art 16)."
        if found
        else None
    )
    return RoleCheck(mediator, case_code, role, bool(found), ids, reason)


__all__ = [
    "CasePage", "CaseReader", "CaseRecord", "CaseSaved", "RoleCheck", "accept_case",
    "case_of", "check_later_role", "close_case", "extend_case_deadline", "list_cases", "own_case",
    "reader_for", "record_case_referral", "record_judicial_confirmation",
]
