"""The export of a jurisdiction's roster in the import format, streamed page by page.

Identity numbers are never stored, so a mediator row carries `identity_hash`, `gender`, `birth_year` and
`identity_masked`; export followed by import into an empty graph reproduces the roster.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from graph.core.driver import Graph, Row
from graph.roster.bulk import (
    mediator_hashes_within,
    mediators_for_export,
    memberships_for_export,
    organization_keys_within,
    organizations_for_export,
)
from resolvers.directory.jurisdiction import known_code
from resolvers.roster.file import COLUMNS, RosterFormat, RowWriter, plain

PAGE = 1_000


# --- export ------------------------------------------------------------------------------------------------


def _organization(row: Row) -> dict[str, Any]:
    return {
        "record": "organization", "organization_key": row["key"], "name": row["name"], "kind": row["kind"],
        "jurisdiction": row["jurisdiction"], "sectors": row["sectors"] or [], "credit_code": row["creditCode"],
        "public_phone": row["publicPhone"], "address": row["address"], "charges_fee": bool(row["chargesFee"]),
        "status": row["status"], "filing_no": row["filingNo"], "filed_at": row["filedAt"],
    }


def _mediator(row: Row) -> dict[str, Any]:
    return {
        "record": "mediator", "identity_hash": row["identityHash"], "identity_masked": row["identityMasked"],
        "name": row["name"], "gender": row["gender"], "birth_year": row["birthYear"],
        "employment": row["employment"], "background": row["background"], "education": row["education"],
        "specialties": row["specialties"] or [], "languages": row["languages"] or [], "phone": row["phone"],
        "status": row["status"],
    }


def _membership(row: Row) -> dict[str, Any]:
    return {
        "record": "membership", "organization_key": row["key"], "identity_hash": row["identityHash"],
        "role": row["role"], "since": row["since"], "until": row["until"],
    }


async def _division(graph: Graph, jurisdiction: str) -> str:
    code = await known_code(graph, jurisdiction, field="jurisdiction")
    assert code is not None
    return code


async def export_roster(graph: Graph, *, jurisdiction: str, page: int = PAGE) -> AsyncIterator[dict[str, Any]]:
    """The roster located in the division or below it, in the import's format and dependency order:
    organizations by key, then their mediators by identity hash, then the memberships by organization.

    The sorted keys are read once; the records follow in pages of `page`. An unknown or malformed division
    code raises `InputError` before anything is read.
    """
    code = await _division(graph, jurisdiction)
    organizations = [str(row["id"]) for row in await organization_keys_within(graph, code=code)]
    for ids in _pages(organizations, page):
        found = {row["id"]: row for row in await organizations_for_export(graph, ids=ids)}
        for org_id in ids:
            yield _organization(found[org_id])
    for hashes in _pages(await mediator_hashes_within(graph, code=code), page):
        found = {row["identityHash"]: row for row in await mediators_for_export(graph, hashes=hashes)}
        for hashed in hashes:
            yield _mediator(found[hashed])
    for ids in _pages(organizations, page):
        for row in await memberships_for_export(graph, ids=ids):
            yield _membership(row)


def _pages(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def write_export(
    graph: Graph, out: TextIO, *, fmt: RosterFormat, jurisdiction: str, progress: Callable[[int], None] | None = None
) -> int:
    """Stream the export to `out` in `fmt`; returns the number of rows. `progress` hears every thousand rows."""
    code = await _division(graph, jurisdiction)
    writer = RowWriter(out, fmt)
    async for row in export_roster(graph, jurisdiction=code):
        writer.write(row)
        if progress and writer.count % PAGE == 0:
            progress(writer.count)
    return writer.count


async def export_roster_file(
    graph: Graph, path: Path, *, jurisdiction: str, progress: Callable[[int], None] | None = None
) -> int:
    """Write the export to `path` (CSV or NDJSON by its suffix); returns the number of rows."""
    fmt = RosterFormat.for_path(path)
    code = await _division(graph, jurisdiction)
    with path.open("w", encoding="utf-8", newline="") as out:
        return await write_export(graph, out, fmt=fmt, jurisdiction=code, progress=progress)


async def exported_rows(graph: Graph, *, jurisdiction: str) -> list[dict[str, Any]]:
    """The whole export in memory, each value as the file carries it (dates as text); for tests and tools."""
    return [
        {column: plain(row.get(column)) for column in COLUMNS}
        async for row in export_roster(graph, jurisdiction=jurisdiction)
    ]
