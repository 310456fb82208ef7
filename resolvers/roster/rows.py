"""Roster file rows, one at a time and then the whole file, before the graph is asked.

Each row is checked with the API's own input models widened to the file's columns (`OrganizationRow`,
`MediatorRow`, `MembershipRow`) and becomes a plan keyed on its natural key; `plan_rows` collects the plans
and every bad row. The columns and the rules are documented in `resolvers.roster.importer`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field, ValidationError, model_validator

from graph.core.vocabulary import (
    Employment,
    Gender,
    MembershipRole,
    OrganizationKind,
    RecordStatus,
)
from resolvers.core import clock
from resolvers.core.identifiers import (
    IdentifierError,
    identity_hash,
    normalize_division_code,
    parse_resident_id,
)
from resolvers.core.outcomes import Problem
from resolvers.directory.mediator import (
    MediatorInput,
    MembershipInput,
    identity_props,
    mediator_fields,
)
from resolvers.directory.organization import (
    OrganizationInput,
    organization_fields,
    organization_warnings,
)
from resolvers.roster.file import BadRow, RawRow, RosterFormat, read_rows

ADULT = 18
APPLIES: dict[str, frozenset[str]] = {
    "organization": frozenset(
        {"organization_key", "name", "kind", "jurisdiction", "sectors", "credit_code", "public_phone", "address",
         "charges_fee", "status", "filing_no", "filed_at"}
    ),
    "mediator": frozenset(
        {"identity_number", "identity_hash", "identity_masked", "gender", "birth_year", "name", "employment",
         "background", "education", "specialties", "languages", "phone", "status"}
    ),
    "membership": frozenset({"organization_key", "identity_number", "identity_hash", "role", "since", "until"}),
}
Progress = Callable[[str, int, int | None], None]
"""Called with a stage (`validating`, `writing`), the rows done so far and the total when known."""

GIVES: dict[str, dict[str, str]] = {
    "organization": {
        "organization_key": "sourceRecordId", "name": "name", "kind": "kind", "sectors": "sectors",
        "credit_code": "creditCode", "public_phone": "publicPhone", "address": "address", "charges_fee": "chargesFee",
        "status": "status", "filing_no": "filingNo", "filed_at": "filedAt",
    },
    "mediator": {
        "identity_masked": "identityMasked", "gender": "gender", "birth_year": "birthYear", "name": "name",
        "employment": "employment", "background": "background", "education": "education",
        "specialties": "specialties", "languages": "languages", "phone": "phone", "status": "status",
    },
}
"""The stored property each non-empty cell gives. An update writes only these (an empty cell keeps the stored
value); defaults (status FILED, languages zh, no fee) and provenance (`sourceAgency`) apply when a row creates."""
IDENTITY_GIVES = frozenset({"gender", "birthYear", "identityMasked"})
"""What an identity number gives besides its hash, whichever of those cells are empty."""


def given_props(record: str, values: dict[str, Any]) -> frozenset[str]:
    """The stored properties the row's non-empty cells give (`values` without the `record` cell)."""
    gives = GIVES[record]
    found = frozenset(gives[column] for column in values if column in gives)
    return found | IDENTITY_GIVES if record == "mediator" and "identity_number" in values else found


class OrganizationRow(OrganizationInput):
    organization_key: str = Field(min_length=1, max_length=100)
    status: RecordStatus = RecordStatus.FILED
    filing_no: str | None = Field(default=None, min_length=1, max_length=60)
    filed_at: datetime.date | None = None

    @model_validator(mode="after")
    def _filing(self) -> OrganizationRow:
        if (self.filing_no is None) != (self.filed_at is None):
            raise ValueError("filing_no and filed_at come together (as an export writes them) or not at all.")
        if self.filing_no is not None and self.status is RecordStatus.PENDING:
            raise ValueError("A PENDING organization has no filing number yet.")
        if self.filed_at is not None and self.filed_at > clock.today():
            raise ValueError("filed_at cannot lie in the future.")
        return self


class MediatorRow(MediatorInput):
    identity_number: str | None = Field(default=None, min_length=18, max_length=18)  # type: ignore[assignment]
    identity_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    identity_masked: str | None = Field(default=None, pattern=r"^[0-9X*]{18}$")
    gender: Gender | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2200)
    status: RecordStatus = RecordStatus.FILED


class MembershipRow(MembershipInput):
    organization_id: str | None = None  # type: ignore[assignment]
    organization_key: str = Field(min_length=1, max_length=100)
    identity_number: str | None = Field(default=None, min_length=18, max_length=18)
    identity_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


@dataclass(slots=True)
class OrganizationPlan:
    line: int
    key: str
    jurisdiction: str
    kind: OrganizationKind
    status: RecordStatus
    credit_code: str | None
    props: dict[str, Any]
    filing_no: str | None = None
    given: frozenset[str] = frozenset()
    """The properties the row's cells give; the checks keep only these for a stored organization."""


@dataclass(slots=True)
class MediatorPlan:
    line: int
    hash: str
    column: str
    gender: Gender
    employment: Employment
    status: RecordStatus
    props: dict[str, Any]
    given: frozenset[str] = frozenset()
    """The properties the row's cells give; the checks keep only these for a person on the roster."""


@dataclass(slots=True)
class MembershipPlan:
    line: int
    key: str
    hash: str
    column: str
    role: MembershipRole
    since: datetime.date
    until: datetime.date | None
    until_given: bool = True
    """False for an empty `until` cell: a stored membership keeps its end, a new one has none."""


Plan = OrganizationPlan | MediatorPlan | MembershipPlan


@dataclass(frozen=True, slots=True)
class RowContext:
    hash_key: bytes
    today: datetime.date
    agency_id: str | None
    hashes: dict[str, str] = field(default_factory=dict)
    """Identity numbers already validated in a mediator row, with their hashes (membership rows reuse them)."""


class RowError(Exception):
    def __init__(self, *bad: BadRow) -> None:
        super().__init__(bad)
        self.bad = list(bad)


def check_row(raw: RawRow, context: RowContext) -> Plan:
    """The row as a plan to write, or `RowError` with every problem found in it."""
    values = dict(raw.values)
    record = str(values.pop("record", ""))
    if record not in APPLIES:
        raise RowError(BadRow(raw.line, "record", "record must be organization, mediator or membership."))
    stray = sorted(set(values) - APPLIES[record])
    if stray:
        raise RowError(*(BadRow(raw.line, name, f"Not used in {record} rows.") for name in stray))
    try:
        if record == "organization":
            return _organization(raw.line, values, context)
        if record == "mediator":
            return _mediator(raw.line, values, context)
        return _membership(raw.line, values, context)
    except ValidationError as error:
        raise RowError(
            *(BadRow(raw.line, str(item["loc"][0]) if item["loc"] else record, item["msg"]) for item in error.errors())
        ) from None


def _organization(line: int, values: dict[str, Any], context: RowContext) -> OrganizationPlan:
    data = OrganizationRow.model_validate(values)
    try:
        jurisdiction = normalize_division_code(data.jurisdiction)
    except IdentifierError as error:
        raise RowError(BadRow(line, "jurisdiction", str(error))) from None
    try:
        _, credit_code = organization_warnings(data.name, data.kind, data.credit_code)
    except Problem as problem:
        raise RowError(BadRow(line, "credit_code", problem.message)) from None
    props = organization_fields(data, credit_code) | {
        "status": data.status.value,
        "sourceRecordId": data.organization_key,
    } | ({"sourceAgency": context.agency_id} if context.agency_id else {})
    if data.filing_no is not None:
        props |= {"filingNo": data.filing_no, "filedAt": data.filed_at}
    return OrganizationPlan(
        line, data.organization_key, jurisdiction, data.kind, data.status, credit_code, props, data.filing_no,
        given_props("organization", values),
    )


def _identity(line: int, data: MediatorRow, context: RowContext) -> tuple[str, dict[str, Any]]:
    """Which identity column the row uses, and the identity properties (gender, birth year, hash, mask)."""
    if data.identity_number is not None and data.identity_hash is not None:
        raise RowError(BadRow(line, "identity_hash", "Give identity_number or identity_hash, not both."))
    if data.identity_number is not None:
        try:
            identity = identity_props(data.identity_number, context.hash_key, today=context.today)
        except Problem as problem:
            raise RowError(BadRow(line, "identity_number", problem.message)) from None
        context.hashes[data.identity_number] = identity["identityHash"]
        given = (("gender", "gender", data.gender), ("birth_year", "birthYear", data.birth_year),
                 ("identity_masked", "identityMasked", data.identity_masked))
        wrong = [BadRow(line, column, "Does not match the identity number.")
                 for column, name, value in given if value is not None and value != identity[name]]
        if wrong:
            raise RowError(*wrong)
        return "identity_number", identity
    if data.identity_hash is None:
        raise RowError(BadRow(line, "identity_number", "A mediator row needs identity_number or identity_hash."))
    missing = [BadRow(line, name, "Required with identity_hash.") for name in ("gender", "birth_year")
               if getattr(data, name) is None]
    if missing:
        raise RowError(*missing)
    assert data.gender is not None and data.birth_year is not None
    if context.today.year - data.birth_year < ADULT:
        raise RowError(BadRow(line, "birth_year", "A mediator must be an adult (People's Mediation Law Art 14)."))
    identity = {"gender": data.gender.value, "birthYear": data.birth_year, "identityHash": data.identity_hash}
    return "identity_hash", identity | ({"identityMasked": data.identity_masked} if data.identity_masked else {})


def _mediator(line: int, values: dict[str, Any], context: RowContext) -> MediatorPlan:
    data = MediatorRow.model_validate(values)
    column, identity = _identity(line, data, context)
    hashed = str(identity.pop("identityHash"))
    source = {"sourceAgency": context.agency_id} if context.agency_id else {}
    props = identity | mediator_fields(data) | {"status": data.status.value} | source
    given = given_props("mediator", values)
    return MediatorPlan(line, hashed, column, Gender(identity["gender"]), data.employment, data.status, props, given)


def _membership(line: int, values: dict[str, Any], context: RowContext) -> MembershipPlan:
    data = MembershipRow.model_validate(values)
    if (data.identity_number is None) == (data.identity_hash is None):
        raise RowError(BadRow(line, "identity_number", "Give identity_number or identity_hash (one of them)."))
    if data.identity_number is not None:
        hashed, column = context.hashes.get(data.identity_number, ""), "identity_number"
        if not hashed:
            try:
                parse_resident_id(data.identity_number)
            except IdentifierError as error:
                raise RowError(BadRow(line, "identity_number", str(error))) from None
            hashed = identity_hash(data.identity_number, key=context.hash_key)
    else:
        hashed, column = str(data.identity_hash), "identity_hash"
    return MembershipPlan(
        line, data.organization_key, hashed, column, data.role, data.since, data.until, "until" in values
    )


# --- the whole file, before the graph is asked ---------------------------------------------------------------


@dataclass(slots=True)
class Plans:
    """Every good row's plan under its natural key, and the bad rows found so far."""

    rows: int = 0
    organizations: dict[str, OrganizationPlan] = field(default_factory=dict)
    mediators: dict[str, MediatorPlan] = field(default_factory=dict)
    memberships: dict[tuple[str, str, datetime.date], MembershipPlan] = field(default_factory=dict)
    credit_codes: dict[str, int] = field(default_factory=dict)
    filing_numbers: dict[str, int] = field(default_factory=dict)
    bad: list[BadRow] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    """Organization keys and identity hashes of bad rows: references to them are not reported again."""

    def add(self, plan: Plan) -> None:
        if isinstance(plan, OrganizationPlan):
            self._once(self.organizations, plan.key, plan, "organization_key", "organization")
            first = self.credit_codes.setdefault(plan.credit_code, plan.line) if plan.credit_code else plan.line
            if first != plan.line:
                self.bad.append(BadRow(plan.line, "credit_code", f"Line {first} has the same credit code."))
            first = self.filing_numbers.setdefault(plan.filing_no, plan.line) if plan.filing_no else plan.line
            if first != plan.line:
                self.bad.append(BadRow(plan.line, "filing_no", f"Line {first} has the same filing number."))
        elif isinstance(plan, MediatorPlan):
            self._once(self.mediators, plan.hash, plan, plan.column, "mediator")
        else:
            self._once(self.memberships, (plan.hash, plan.key, plan.since), plan, "since", "membership")

    def _once(self, plans: dict[Any, Any], key: Any, plan: Plan, column: str, noun: str) -> None:
        first = plans.setdefault(key, plan)
        if first is not plan:
            self.bad.append(BadRow(plan.line, column, f"Line {first.line} has the same {noun}."))


def _keys_of(values: dict[str, Any], context: RowContext) -> set[str]:
    """The natural key a bad organization or mediator row would have had, as far as it can be told."""
    if values.get("record") == "organization":
        return {str(values.get("organization_key"))}
    number, hashed = values.get("identity_number"), values.get("identity_hash")
    if values.get("record") != "mediator" or not isinstance(number or hashed, str):
        return set()
    try:
        return {identity_hash(number, key=context.hash_key) if isinstance(number, str) else str(hashed)}
    except UnicodeEncodeError:
        return set()


def plan_rows(source: Iterable[str], fmt: RosterFormat, context: RowContext, progress: Progress | None) -> Plans:
    """Pure Python over the whole file, one row at a time; nothing is asked of the graph yet."""
    plans = Plans()
    for item in read_rows(source, fmt):
        if isinstance(item, BadRow):
            plans.bad.append(item)
            plans.rows += not (fmt is RosterFormat.CSV and item.line == 1)  # a CSV header is no row
            continue
        plans.rows += 1
        try:
            plans.add(check_row(item, context))
        except RowError as error:
            plans.bad.extend(error.bad)
            plans.broken |= _keys_of(item.values, context)
        if progress and plans.rows % 1000 == 0:
            progress("validating", plans.rows, None)
    if progress:
        progress("validating", plans.rows, plans.rows)
    return plans
