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

Stored records: a row naming a stored record writes only what its non-empty cells give. An empty optional
cell keeps the stored value (clearing a value is done through the API), an empty status keeps the stored
status, an empty `until` keeps a stored membership's end; defaults (status FILED, languages zh, no fee) and
`sourceAgency` apply only to records the import creates.

Writing: batches of about 5,000 rows in dependency order (organizations; each mediator with its memberships;
memberships of mediators already on the roster), each one transaction that reads the stored state of the
batch's records (one UNWIND statement per noun), then writes, with UNWIND MERGE statements on the natural
keys, only the rows that change it, and one audit event per written row (`record_changes`) with the stored
values it replaced as `before` (`resolvers.roster.batch`). A row identical to the stored record writes
nothing (no version, no audit event) and counts as `unchanged`; importing the same file again writes nothing.
A FILED organization is FILED_WITH the importing bureau with the bureau's next filing number (none for a
national import) and GUIDED_BY the nearest basic court, which gets the filing notice. A row that changes a
stored record sets the properties that differ and bumps the version, as an amendment does.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from auth.upload import Importer, RosterUpload, Upload, UploadResult
from graph.core.driver import Graph
from resolvers.core import clock
from resolvers.roster.batch import write_plans
from resolvers.roster.checks import check_against_graph
from resolvers.roster.file import BadRow, RosterFormat
from resolvers.roster.rows import Progress, RowContext, plan_rows

log = logging.getLogger("registry.roster")

BATCH = 5_000


@dataclass(slots=True)
class ImportReport:
    """`rows` read, `written` to the graph and `unchanged` (identical to the stored record, so not written;
    both 0 when any row is bad or on a dry run), and every bad row."""

    rows: int
    written: int
    bad: list[BadRow]
    dry_run: bool = False
    unchanged: int = 0

    def as_json(self) -> dict[str, Any]:
        bad = [asdict(row) for row in self.bad]
        return {"rows": self.rows, "written": self.written, "unchanged": self.unchanged, "dryRun": self.dry_run,
                "bad": bad}


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
        report = ImportReport(rows=plans.rows, written=0, bad=bad, dry_run=dry_run)
    else:
        done = await write_plans(
            graph, plans, resolved, importer=importer, today=context.today, batch_size=batch_size, progress=progress,
            after_batch=after_batch,
        )
        report = ImportReport(rows=plans.rows, written=done.written, bad=[], unchanged=done.unchanged)
    _logged(report, importer)
    return report


def _logged(report: ImportReport, importer: Importer) -> None:
    """One line per import: who (the agency; none for a national CLI import), how many rows, and what became of
    them; a refused import gives the count of bad rows, never their values. Its request id is the one its audit
    events carry (the CLI's `import-...` outside a request)."""
    outcome = "refused" if report.bad else "checked (dry run)" if report.dry_run else "committed"
    actor = importer.actor
    fields = {"request_id": actor.request_id, "agency": actor.agency_id, "rows": report.rows, "dry_run": report.dry_run}
    if report.bad:
        fields["bad_rows"] = len(report.bad)
    else:
        fields |= {"written": report.written, "unchanged": report.unchanged}
    log.info("roster import %s", outcome, extra=fields)


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
