"""Bulk roster import: one file of organizations, mediators and memberships, all validated before any write.

The file format (CSV with a header row, or NDJSON: one JSON object per line, with the same names as keys).
Every row has a `record` column saying what it is; a column that does not apply to its record stays empty.

| record         | columns                                                                                      |
|----------------|----------------------------------------------------------------------------------------------|
| `organization` | organization_key, name, kind, jurisdiction, sectors, credit_code, public_phone, address,      |
|                | charges_fee (true/false), status (default FILED)                                             |
| `mediator`     | identity_number or identity_hash (+ gender, birth_year, identity_masked), name, employment,  |
|                | background, education, specialties, languages (default zh), phone, status (default FILED)    |
| `membership`   | organization_key, identity_number or identity_hash, role, since, until (YYYY-MM-DD)          |

Lists (sectors, specialties, languages) are `;`-separated in CSV and JSON lists (or `;`-separated strings) in
NDJSON. Values are the registry's vocabularies (`OrganizationKind`, `Specialty`, `Employment`, ...).

Natural keys, so that a re-run of an interrupted import converges: an organization is keyed by the bureau's own
record id `organization_key` (unique in the file, stored as `sourceRecordId`; its registry id is derived from its
jurisdiction and that key), a mediator by the identity number (only its keyed hash is stored; a person already on
the roster under another id is the same person and keeps that id), a membership by (mediator, organization,
since). Membership rows name the organization by `organization_key` (in the file, or stored within the
importer's reach) and the mediator by `identity_number` or `identity_hash`.

Identity numbers are never stored, so an export writes `identity_hash` with `gender`, `birth_year` and
`identity_masked` instead; an import accepts those rows between registries that share the hash key.

Status: FILED or PENDING for bureaus' spreadsheets; SUSPENDED and DEREGISTERED are accepted as exported, but
an import never changes the status of a stored record other than filing a PENDING organization (use the API).
"""

from __future__ import annotations

import asyncio
import csv
import datetime
import json
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from auth.principal import Principal
from auth.upload import Upload, UploadResult
from graph.audit import Actor
from graph.driver import Graph
from graph.roster_io import importing_agency
from graph.viewer import Viewer
from graph.vocabulary import AgencyKind, Employment, Gender, OrganizationKind, RecordStatus
from resolvers.identifiers import IdentifierError, identity_hash, normalize_division_code, parse_resident_id
from resolvers.mediator import MediatorInput, MembershipInput, identity_props
from resolvers.organization import OrganizationInput, organization_warnings
from resolvers.outcomes import Problem

COLUMNS: tuple[str, ...] = (
    "record", "organization_key", "name", "kind", "jurisdiction", "sectors", "credit_code", "public_phone",
    "address", "charges_fee", "status", "identity_number", "identity_hash", "identity_masked", "gender",
    "birth_year", "employment", "background", "education", "specialties", "languages", "phone", "role", "since",
    "until",
)  # fmt: skip
LIST_COLUMNS = frozenset({"sectors", "specialties", "languages"})
APPLIES: dict[str, frozenset[str]] = {
    "organization": frozenset(
        {"organization_key", "name", "kind", "jurisdiction", "sectors", "credit_code", "public_phone", "address",
         "charges_fee", "status"}
    ),
    "mediator": frozenset(
        {"identity_number", "identity_hash", "identity_masked", "gender", "birth_year", "name", "employment",
         "background", "education", "specialties", "languages", "phone", "status"}
    ),
    "membership": frozenset({"organization_key", "identity_number", "identity_hash", "role", "since", "until"}),
}  # fmt: skip
ADULT = 18


class RosterFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"

    @classmethod
    def for_path(cls, path: Path) -> RosterFormat:
        suffix = path.suffix.lower()
        if suffix == ".csv":
            return cls.CSV
        if suffix in (".ndjson", ".jsonl"):
            return cls.NDJSON
        raise ValueError(f"{path.name}: a roster file ends in .csv, .ndjson or .jsonl")


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    field: str
    reason: str


@dataclass(slots=True)
class ImportReport:
    """`rows` read, `written` to the graph (0 when any row is bad or on a dry run), and every bad row."""

    rows: int
    written: int
    bad: list[BadRow]
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.bad

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "written": self.written, "dryRun": self.dry_run, "bad": [asdict(b) for b in self.bad]}


@dataclass(frozen=True, slots=True)
class Importer:
    """Who imports: a bureau writes inside its jurisdiction and files with itself; a national importer
    (the platform administrator, or the CLI without `--agency`) writes anywhere and files with nobody."""

    actor: Actor
    jurisdiction: str | None = None
    bureau_id: str | None = None

    @property
    def viewer(self) -> Viewer:
        return Viewer(national=self.jurisdiction is None, jurisdiction=self.jurisdiction)


class ImportRefused(ValueError):
    """The importer may not import rosters (unknown agency, or an agency of another kind)."""


def importer_for(principal: Principal, request_id: str) -> Importer:
    actor = Actor(agency_id=principal.agency_id, client_id=principal.client_id, request_id=request_id)
    if principal.agency_kind is AgencyKind.PLATFORM_ADMIN:
        return Importer(actor)
    if principal.agency_kind is AgencyKind.JUDICIAL_BUREAU and principal.jurisdiction:
        return Importer(actor, jurisdiction=principal.jurisdiction, bureau_id=principal.agency_id)
    raise ImportRefused("Only a judicial bureau or the platform administrator may import rosters.")


async def cli_importer(graph: Graph, *, agency_id: str | None) -> Importer:
    """National without an agency; otherwise as that bureau (or the platform administrator)."""
    actor = Actor(agency_id=agency_id, client_id=None, request_id=f"import-{uuid.uuid4().hex}")
    if agency_id is None:
        return Importer(actor)
    agency = await importing_agency(graph, id=agency_id)
    if agency is None:
        raise ImportRefused(f"No agency has the id {agency_id}.")
    if agency.kind == AgencyKind.PLATFORM_ADMIN:
        return Importer(actor)
    if agency.kind == AgencyKind.JUDICIAL_BUREAU and agency.jurisdiction:
        return Importer(actor, jurisdiction=agency.jurisdiction, bureau_id=agency.id)
    raise ImportRefused("Only a judicial bureau or the platform administrator may import rosters.")


# --- reading the format ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawRow:
    line: int
    values: dict[str, Any]


def read_rows(source: Iterable[str], fmt: RosterFormat) -> Iterator[RawRow | BadRow]:
    """Rows with their line numbers (the header is line 1 of a CSV file); blank lines are skipped."""
    return _csv_rows(source) if fmt is RosterFormat.CSV else _ndjson_rows(source)


def _cell(column: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if column in LIST_COLUMNS:
            return [item.strip() for item in value.split(";") if item.strip()] if value else None
    return None if value == "" else value


def _csv_rows(source: Iterable[str]) -> Iterator[RawRow | BadRow]:
    reader = csv.reader(source)
    header = [name.strip() for name in next(reader, [])]
    unknown = [name for name in header if name not in COLUMNS]
    yield from (BadRow(1, name, "Unknown column.") for name in unknown)
    if "record" not in header:
        yield BadRow(1, "record", "The header has no record column.")
    if unknown or "record" not in header:
        return
    while True:
        line = reader.line_num + 1
        cells = next(reader, None)
        if cells is None:
            return
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield BadRow(line, "record", f"The row has {len(cells)} cells; the header has {len(header)}.")
            continue
        values = {name: _cell(name, cell) for name, cell in zip(header, cells, strict=True)}
        yield RawRow(line, {name: value for name, value in values.items() if value is not None})


def _ndjson_rows(source: Iterable[str]) -> Iterator[RawRow | BadRow]:
    for line, text in enumerate(source, start=1):
        if not text.strip():
            continue
        try:
            values = json.loads(text)
        except ValueError as error:
            yield BadRow(line, "record", f"Not a JSON object: {error}.")
            continue
        if not isinstance(values, dict):
            yield BadRow(line, "record", "Not a JSON object.")
            continue
        unknown = [name for name in values if name not in COLUMNS]
        if unknown:
            yield from (BadRow(line, str(name), "Unknown field.") for name in unknown)
            continue
        cells = {name: _cell(name, value) for name, value in values.items()}
        yield RawRow(line, {name: value for name, value in cells.items() if value is not None})


# --- one row at a time -------------------------------------------------------------------------------------


class OrganizationRow(OrganizationInput):
    organization_key: str = Field(min_length=1, max_length=100)
    status: RecordStatus = RecordStatus.FILED


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
    identity_number: str | None = None
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


@dataclass(slots=True)
class MediatorPlan:
    line: int
    hash: str
    identity_field: str
    gender: Gender
    employment: Employment
    status: RecordStatus
    props: dict[str, Any]


@dataclass(slots=True)
class MembershipPlan:
    line: int
    key: str
    hash: str
    identity_field: str
    props: dict[str, Any]  # role, since, until


Plan = OrganizationPlan | MediatorPlan | MembershipPlan


@dataclass(frozen=True, slots=True)
class RowContext:
    hash_key: bytes
    today: datetime.date
    agency_id: str | None


class RowError(Exception):
    def __init__(self, *bad: BadRow) -> None:
        self.bad = list(bad)


def check_row(raw: RawRow, context: RowContext) -> Plan:
    """The row as a plan to write; `RowError` with every problem of the row otherwise."""
    values = dict(raw.values)
    record = str(values.pop("record", ""))
    if record not in APPLIES:
        raise RowError(BadRow(raw.line, "record", "record must be organization, mediator or membership."))
    stray = sorted(set(values) - APPLIES[record])
    if stray:
        raise RowError(*(BadRow(raw.line, name, f"Not used in a {record} row.") for name in stray))
    try:
        if record == "organization":
            return _organization(raw.line, values, context)
        if record == "mediator":
            return _mediator(raw.line, values, context)
        return _membership(raw.line, values, context)
    except ValidationError as error:
        raise RowError(*(BadRow(raw.line, str(e["loc"][0]) if e["loc"] else record, e["msg"]) for e in error.errors()))


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
    props = {
        "name": data.name,
        "kind": data.kind.value,
        "sectors": [sector.value for sector in data.sectors],
        "creditCode": credit_code,
        "publicPhone": data.public_phone,
        "address": data.address,
        "chargesFee": data.charges_fee,
        "status": data.status.value,
        "sourceRecordId": data.organization_key,
    } | ({"sourceAgency": context.agency_id} if context.agency_id else {})
    return OrganizationPlan(line, data.organization_key, jurisdiction, data.kind, data.status, credit_code, props)


def _mediator(line: int, values: dict[str, Any], context: RowContext) -> MediatorPlan:
    data = MediatorRow.model_validate(values)
    if data.identity_number is not None and data.identity_hash is not None:
        raise RowError(BadRow(line, "identity_hash", "Give identity_number or identity_hash, not both."))
    if data.identity_number is not None:
        try:
            identity = identity_props(data.identity_number, context.hash_key, today=context.today)
        except Problem as problem:
            raise RowError(BadRow(line, "identity_number", problem.message)) from None
        given = {"gender": data.gender, "birthYear": data.birth_year, "identityMasked": data.identity_masked}
        for name, value in given.items():
            if value is not None and value != identity[name]:
                column = {"birthYear": "birth_year", "identityMasked": "identity_masked"}.get(name, name)
                raise RowError(BadRow(line, column, "Does not match the identity number."))
        field_name = "identity_number"
    elif data.identity_hash is not None:
        missing = [name for name in ("gender", "birth_year") if getattr(data, name) is None]
        if missing:
            raise RowError(*(BadRow(line, name, "Required with identity_hash.") for name in missing))
        assert data.gender is not None and data.birth_year is not None
        if context.today.year - data.birth_year < ADULT:
            raise RowError(BadRow(line, "birth_year", "A mediator must be an adult (People's Mediation Law Art 14)."))
        identity = {"gender": data.gender.value, "birthYear": data.birth_year, "identityHash": data.identity_hash}
        if data.identity_masked is not None:
            identity["identityMasked"] = data.identity_masked
        field_name = "identity_hash"
    else:
        raise RowError(BadRow(line, "identity_number", "A mediator row needs identity_number or identity_hash."))
    props = {key: value for key, value in identity.items() if key != "identityHash"} | {
        "name": data.name,
        "employment": data.employment.value,
        "background": data.background.value if data.background else None,
        "education": data.education,
        "specialties": [s.value for s in data.specialties],
        "languages": list(data.languages),
        "phone": data.phone,
        "status": data.status.value,
    } | ({"sourceAgency": context.agency_id} if context.agency_id else {})
    gender, employment = Gender(identity["gender"]), data.employment
    return MediatorPlan(line, str(identity["identityHash"]), field_name, gender, employment, data.status, props)


def _membership(line: int, values: dict[str, Any], context: RowContext) -> MembershipPlan:
    data = MembershipRow.model_validate(values)
    if (data.identity_number is None) == (data.identity_hash is None):
        raise RowError(BadRow(line, "identity_number", "Give identity_number or identity_hash (one of them)."))
    if data.identity_number is not None:
        try:
            parse_resident_id(data.identity_number)
        except IdentifierError as error:
            raise RowError(BadRow(line, "identity_number", str(error))) from None
        hashed, field_name = identity_hash(data.identity_number, key=context.hash_key), "identity_number"
    else:
        hashed, field_name = str(data.identity_hash), "identity_hash"
    props = {"role": data.role.value, "since": data.since, "until": data.until}
    return MembershipPlan(line, data.organization_key, hashed, field_name, props)


# --- the whole file, before the graph is asked -------------------------------------------------------------


@dataclass(slots=True)
class Plans:
    """Every row's plan, keyed on its natural key, with the bad rows found so far."""

    rows: int = 0
    organizations: dict[str, OrganizationPlan] = field(default_factory=dict)
    mediators: dict[str, MediatorPlan] = field(default_factory=dict)
    memberships: dict[tuple[str, str, datetime.date], MembershipPlan] = field(default_factory=dict)
    credit_codes: dict[str, int] = field(default_factory=dict)
    bad: list[BadRow] = field(default_factory=list)

    def add(self, plan: Plan) -> None:
        if isinstance(plan, OrganizationPlan):
            self._once(self.organizations, plan.key, plan, "organization_key")
            if plan.credit_code is not None:
                first = self.credit_codes.setdefault(plan.credit_code, plan.line)
                if first != plan.line:
                    self.bad.append(BadRow(plan.line, "credit_code", f"The same credit code is on line {first}."))
        elif isinstance(plan, MediatorPlan):
            self._once(self.mediators, plan.hash, plan, plan.identity_field)
        else:
            self._once(self.memberships, (plan.hash, plan.key, plan.props["since"]), plan, "since")

    def _once(self, plans: dict[Any, Any], key: Any, plan: Plan, column: str) -> None:
        first = plans.setdefault(key, plan)
        if first is not plan:
            self.bad.append(BadRow(plan.line, column, f"The same {type(plan).__name__[:-4].lower()} is on line {first.line}."))


Progress = Callable[[str, int, int | None], None]
"""Called with a stage (`validating`, `writing`), the rows done so far, and the total when known."""


def plan_rows(source: Iterable[str], fmt: RosterFormat, context: RowContext, progress: Progress | None) -> Plans:
    """Pure Python over the whole file, one row at a time; the graph is not asked yet."""
    plans = Plans()
    for item in read_rows(source, fmt):
        if isinstance(item, BadRow):
            plans.bad.append(item)
            plans.rows += item.line > 1
            continue
        plans.rows += 1
        try:
            plans.add(check_row(item, context))
        except RowError as error:
            plans.bad.extend(error.bad)
        if progress and plans.rows % 1000 == 0:
            progress("validating", plans.rows, None)
    return plans


# --- entry points ------------------------------------------------------------------------------------------


async def import_roster(
    graph: Graph,
    source: Iterable[str],
    *,
    fmt: RosterFormat,
    hash_key: bytes,
    importer: Importer,
    dry_run: bool = False,
    batch_size: int | None = None,
    progress: Progress | None = None,
    after_batch: Callable[[int], Awaitable[None]] | None = None,
    today: datetime.date | None = None,
) -> ImportReport:
    """Validate every row (against the file, then the graph in batched reads); write nothing if any is bad;
    otherwise write in batches of `batch_size` rows, each one transaction with its audit events.

    `after_batch` is called with the rows written so far after each committed batch (tests use it to
    interrupt an import).
    """
    context = RowContext(hash_key, today or datetime.date.today(), importer.actor.agency_id)
    plans = await asyncio.to_thread(plan_rows, source, fmt, context, progress)
    resolved = await check_against_graph(graph, plans, importer=importer, today=context.today)
    if plans.bad or dry_run:
        bad = sorted(plans.bad, key=lambda b: (b.line, b.field))
        return ImportReport(rows=plans.rows, written=0, bad=bad, dry_run=dry_run)
    written = await write_plans(
        graph, plans, resolved, importer=importer, batch_size=batch_size or BATCH, progress=progress,
        after_batch=after_batch,
    )
    return ImportReport(rows=plans.rows, written=written, bad=[])


# --- against the graph: batched reads, then the rules over file and graph together -------------------------


READ_CHUNK = 5_000


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def read_chunked(read: Callable[[Sequence[str]], Awaitable[dict[str, V]]], keys: Iterable[str]) -> dict[str, V]:
    found: dict[str, V] = {}
    for chunk in chunks(sorted(set(keys)), READ_CHUNK):
        found |= await read(chunk)
    return found


@dataclass(frozen=True, slots=True)
class Target:
    """An organization the file touches, as it will be after the import."""

    id: str
    kind: OrganizationKind
    status: str
    jurisdiction: str
    line: int


@dataclass(slots=True)
class Resolved:
    """Registry ids of the file's organization keys and identity hashes."""

    organizations: dict[str, Target] = field(default_factory=dict)
    mediators: dict[str, str] = field(default_factory=dict)


async def check_against_graph(graph: Graph, plans: Plans, *, importer: Importer, today: datetime.date) -> Resolved:
    """Adds to `plans.bad` what only the graph can tell; returns the ids the writes need."""
    resolved = Resolved()
    await _check_divisions(graph, plans, importer)
    await _check_organizations(graph, plans, resolved)
    await _resolve_references(graph, plans, resolved, importer)
    await _check_mediators(graph, plans, resolved)
    stored = await read_chunked(
        lambda ids: _memberships_by_organization(graph, ids), [target.id for target in resolved.organizations.values()]
    )
    _check_memberships(plans, resolved, stored, today)
    return resolved
