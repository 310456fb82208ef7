"""Bulk roster import: one file of organizations, mediators and memberships, all validated before any write.

The file is CSV with a header row, or NDJSON (one JSON object per line, the column names as keys). A `record`
column says what a row is; a column that does not apply to its record stays empty. Columns:

| record         | columns                                                                                      |
|----------------|----------------------------------------------------------------------------------------------|
| `organization` | organization_key, name, kind, jurisdiction, sectors, credit_code, public_phone, address,      |
|                | charges_fee (true/false), status (default FILED), filing_no and filed_at (both or neither:  |
|                | an organization filed before, as an export writes it; the number is kept, never reissued)   |
| `mediator`     | identity_number, or identity_hash with gender, birth_year and optionally identity_masked;    |
|                | name, employment, background, education, specialties, languages (default zh), phone, status |
| `membership`   | organization_key, identity_number or identity_hash, role, since, until (YYYY-MM-DD)          |

Lists (sectors, specialties, languages) are `;`-separated in CSV, JSON lists in NDJSON. Values are the
registry's vocabularies (`OrganizationKind`, `Specialty`, `Employment`, `Background`, `MembershipRole`, ...).

Natural keys, so a re-run of an interrupted import converges on the same graph:
- an organization: `organization_key`, the bureau's own record id, unique in the file and stored as
  `sourceRecordId`. It names the organization stored in the same division with that record id (or, for one
  created without a record id, with that registry id); a new one gets `natural_id("organization",
  jurisdiction, organization_key)`.
- a mediator: the identity number. Only its keyed hash is stored; a person already on the roster is the same
  person and keeps their id; a new one gets `natural_id("mediator", identity hash)`.
- a membership: (mediator, organization, since). Its row names the organization by `organization_key` (in the
  file, or stored within the importer's reach) and the mediator by `identity_number` or `identity_hash`.

Identity numbers are never stored, so an export writes `identity_hash`, `gender`, `birth_year` and
`identity_masked` instead, and an import accepts them between registries that share the identity hash key.

Status: bureaus file FILED or PENDING; SUSPENDED and DEREGISTERED are accepted as an export writes them, but an
import changes no stored status except filing a PENDING organization (the lifecycle belongs to the API).

Validation covers every row before the first write: the field rules of the API's inputs, duplicate keys and
credit codes, references, overlapping memberships, terms, divisions that exist and lie in the importer's
reach, and the composition rules of every FILED organization the file touches over its memberships in the
graph and in the file together. Any bad row: the report lists all of them and nothing is written.

Writing: batches of about 5,000 rows in dependency order (organizations; each mediator with its memberships;
memberships of mediators already on the roster), each one transaction of UNWIND MERGE statements on the natural
keys plus one audit event per row (`record_changes`).
A FILED organization is FILED_WITH the importing bureau with the bureau's next filing number (none for a
national import) and GUIDED_BY the nearest basic court, which gets the filing notice. A row that merges into
a stored record overwrites the columns it carries and bumps the version, as an amendment does; importing the
same file again therefore changes no counts but appends one audit event per row.
"""

from __future__ import annotations

import asyncio
import datetime
import io
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from auth.upload import Importer, RosterUpload, Upload, UploadResult
from graph.audit.trail import Change, record_changes
from graph.core.driver import Graph, Tx
from graph.directory import listing
from graph.roster.bulk import (
    file_with_bureau,
    guide_by_courts,
    merge_mediator_rows,
    merge_membership_rows,
    merge_organization_rows,
)
from resolvers.core import clock
from resolvers.roster.checks import (
    Resolved,
    check_against_graph,
    chunks,
    filed_on_import,
)
from resolvers.roster.file import BadRow, RosterFormat
from resolvers.roster.rows import (
    MediatorPlan,
    MembershipPlan,
    OrganizationPlan,
    Plan,
    Plans,
    Progress,
    RowContext,
    plan_rows,
)

BATCH = 5_000
P = TypeVar("P", OrganizationPlan, MediatorPlan, MembershipPlan)


@dataclass(slots=True)
class ImportReport:
    """`rows` read, `written` to the graph (0 when any row is bad or on a dry run), and every bad row."""

    rows: int
    written: int
    bad: list[BadRow]
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        bad = [asdict(row) for row in self.bad]
        return {"rows": self.rows, "written": self.written, "dryRun": self.dry_run, "bad": bad}


# --- one row at a time: the API's input models, widened to the file's columns --------------------------------

# --- writing: batches in dependency order, each one transaction with its audit events ------------------------


async def write_plans(
    graph: Graph,
    plans: Plans,
    resolved: Resolved,
    *,
    importer: Importer,
    today: datetime.date,
    batch_size: int,
    progress: Progress | None,
    after_batch: Callable[[int], Awaitable[None]] | None,
) -> int:
    written = 0
    items = _in_write_order(plans)
    for chunk in chunks(items, batch_size):

        async def work(tx: Tx, chunk: Sequence[Plan] = chunk) -> None:
            await write_batch(graph, tx, chunk, resolved, importer=importer, today=today)

        await graph.write_work(work)
        written += len(chunk)
        if progress:
            progress("writing", written, len(items))
        if after_batch:
            await after_batch(written)
    return written


def _in_write_order(plans: Plans) -> list[Plan]:
    """Organizations first, then each mediator followed by its memberships (its audit chain then grows
    within one batch, with no chain head to read), then memberships of mediators already on the roster;
    each group in file order."""

    def in_file_order(found: Iterable[P]) -> list[P]:
        return sorted(found, key=lambda plan: plan.line)

    held: dict[str, list[MembershipPlan]] = {}
    for membership in in_file_order(plans.memberships.values()):
        held.setdefault(membership.hash, []).append(membership)
    items: list[Plan] = [*in_file_order(plans.organizations.values())]
    for mediator in in_file_order(plans.mediators.values()):
        items += [mediator, *held.pop(mediator.hash, [])]
    return items + in_file_order(plan for group in held.values() for plan in group)


async def write_batch(
    graph: Graph, tx: Tx, chunk: Sequence[Plan], resolved: Resolved, *, importer: Importer, today: datetime.date
) -> None:
    """A few UNWIND MERGE statements keyed on natural keys, and one audit event per row."""
    organizations = [plan for plan in chunk if isinstance(plan, OrganizationPlan)]
    mediators = [plan for plan in chunk if isinstance(plan, MediatorPlan)]
    memberships = [plan for plan in chunk if isinstance(plan, MembershipPlan)]
    changes: list[Change] = []
    if organizations:
        changes += await _write_organizations(graph, tx, organizations, resolved, importer=importer, today=today)
    rows: list[dict[str, Any]]
    if mediators:
        rows = [{"identityHash": p.hash, "id": resolved.mediators[p.hash], "props": p.props} for p in mediators]
        await merge_mediator_rows(graph, tx, rows=rows)
        changes += [Change(row["id"], "Mediator", "importMediator", None, row["props"]) for row in rows]
    if memberships:
        rows = [
            {"identityHash": p.hash, "organization": resolved.organizations[p.key].id, "role": p.role.value,
             "since": p.since, "until": p.until}
            for p in memberships
        ]
        await merge_membership_rows(graph, tx, rows=rows)
        changes += [
            Change(resolved.mediators[row["identityHash"]], "Mediator", "importMembership", None,
                   {"organizationId": row["organization"], "role": row["role"], "since": row["since"],
                    "until": row["until"]})
            for row in rows
        ]
    created = frozenset(  # new in this batch: their chains start here (a membership row's mediator is not)
        change.entity_id for change in changes
        if change.operation in ("importOrganization", "importMediator") and change.entity_id in resolved.fresh
    )
    await record_changes(graph, tx, changes=changes, actor=importer.actor, fresh=created)
    await listing.refresh_changed(graph, tx, changes=changes)


async def _write_organizations(
    graph: Graph, tx: Tx, plans: list[OrganizationPlan], resolved: Resolved, *, importer: Importer,
    today: datetime.date,
) -> list[Change]:
    """Merge the organizations; the FILED ones, and those that come with their filing number, are filed with
    the importing bureau and guided by a court."""
    rows: list[dict[str, Any]] = [
        {"id": resolved.organizations[plan.key].id, "jurisdiction": plan.jurisdiction, "props": plan.props}
        for plan in plans
    ]
    await merge_organization_rows(graph, tx, rows=rows)
    filed = [row for row, plan in zip(rows, plans, strict=True) if filed_on_import(plan)]
    if importer.bureau_id and filed:
        ids = [row["id"] for row in filed]
        await file_with_bureau(graph, tx, ids=ids, bureau=importer.bureau_id, filed_at=today)
    guided = [{"id": row["id"], "court": court} for row in filed if (court := resolved.courts.get(row["jurisdiction"]))]
    if guided:
        await guide_by_courts(graph, tx, rows=guided)
    operation = "importOrganization"
    return [Change(row["id"], "Organization", operation, None, {**row["props"], "jurisdiction": row["jurisdiction"]})
            for row in rows]


# --- entry points --------------------------------------------------------------------------------------------


async def import_roster(
    graph: Graph,
    source: Iterable[str],
    *,
    fmt: RosterFormat,
    hash_key: bytes,
    importer: Importer,
    dry_run: bool = False,
    batch_size: int = BATCH,
    progress: Progress | None = None,
    after_batch: Callable[[int], Awaitable[None]] | None = None,
    today: datetime.date | None = None,
) -> ImportReport:
    """Validate every row (the file alone, then against the graph in batched reads); write nothing when any
    row is bad; otherwise write in batches of `batch_size` rows, each one transaction with its audit events.

    The per-row checks run in a worker thread, so a large upload does not stall the event loop.
    `after_batch` is called with the rows written so far after each committed batch (tests interrupt an
    import with it).
    """
    context = RowContext(hash_key, today or clock.today(), importer.actor.agency_id)
    plans = await asyncio.to_thread(plan_rows, source, fmt, context, progress)
    resolved = await check_against_graph(graph, plans, importer=importer, today=context.today)
    if plans.bad or dry_run:
        bad = sorted(set(plans.bad), key=lambda row: (row.line, row.field, row.reason))
        return ImportReport(rows=plans.rows, written=0, bad=bad, dry_run=dry_run)
    written = await write_plans(
        graph, plans, resolved, importer=importer, today=context.today, batch_size=batch_size, progress=progress,
        after_batch=after_batch,
    )
    return ImportReport(rows=plans.rows, written=written, bad=[])


async def import_roster_file(
    graph: Graph,
    path: Path,
    *,
    hash_key: bytes,
    importer: Importer,
    dry_run: bool = False,
    batch_size: int = BATCH,
    progress: Progress | None = None,
    after_batch: Callable[[int], Awaitable[None]] | None = None,
) -> ImportReport:
    """`import_roster` over a file, CSV or NDJSON by its suffix (UTF-8, with or without a byte order mark)."""
    fmt = RosterFormat.for_path(path)
    with path.open(encoding="utf-8-sig", newline="") as source:
        return await import_roster(
            graph, source, fmt=fmt, hash_key=hash_key, importer=importer, dry_run=dry_run, batch_size=batch_size,
            progress=progress, after_batch=after_batch,
        )


def roster_upload(graph: Graph, hash_key: bytes) -> RosterUpload:
    """What `auth.upload.upload_route` runs for an authorized upload."""

    async def run(upload: Upload) -> UploadResult:
        report = await import_roster(
            graph, io.StringIO(upload.text, newline=""), fmt=RosterFormat(upload.media_type), hash_key=hash_key,
            importer=upload.importer, dry_run=upload.dry_run,
        )
        return UploadResult(accepted=not report.bad, report=report.as_json())

    return run
