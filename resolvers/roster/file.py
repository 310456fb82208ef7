"""The roster file on the wire: rows read with their line numbers, and rows written back in the same format.

The columns and the rules behind them are documented in `resolvers.roster.importer`. Reading yields each row
with its line number (a CSV header is line 1); writing produces cells that reading turns back into the same
values, so an export imported into an empty graph and exported again gives the same file.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TextIO

from graph.core.records import native
from graph.core.vocabulary import RosterMediaType

COLUMNS: tuple[str, ...] = (
    "record", "organization_key", "name", "kind", "jurisdiction", "sectors", "credit_code", "public_phone",
    "address", "charges_fee", "status", "filing_no", "filed_at", "identity_number", "identity_hash", "identity_masked", "gender",
    "birth_year", "employment", "background", "education", "specialties", "languages", "phone", "role", "since",
    "until",
)
LIST_COLUMNS = frozenset({"sectors", "specialties", "languages"})
PAGE = 1_000


class RosterFormat(StrEnum):
    CSV = RosterMediaType.CSV.value
    NDJSON = RosterMediaType.NDJSON.value

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
    """A row that cannot be imported: its line in the file, the column at fault and why."""

    line: int
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row's non-empty cells: strings (lists for the list columns in CSV), or JSON values in NDJSON."""

    line: int
    values: dict[str, Any]


# --- reading -----------------------------------------------------------------------------------------------


def read_rows(source: Iterable[str], fmt: RosterFormat) -> Iterator[RawRow | BadRow]:
    """Rows with their line numbers; blank lines are skipped. `source` keeps line ends (a file or StringIO)."""
    return _csv_rows(source) if fmt is RosterFormat.CSV else _ndjson_rows(source)


def _value(column: str, value: Any) -> Any:
    """A cell as the row models take it: None when empty, a list for the list columns when given as text."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
        if column in LIST_COLUMNS:
            return [item.strip() for item in value.split(";") if item.strip()]
    return value


def _present(values: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    present: dict[str, Any] = {}
    for name, value in values:
        if value is not None and value != "" and (value := _value(name, value)) is not None:
            present[name] = value
    return present


def _csv_rows(source: Iterable[str]) -> Iterator[RawRow | BadRow]:
    reader = csv.reader(source)
    header = [name.strip() for name in next(reader, [])]
    problems = [BadRow(1, name, "Unknown column.") for name in header if name not in COLUMNS]
    if "record" not in header:
        problems.append(BadRow(1, "record", "The header has no record column."))
    if problems:
        yield from problems
        return
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as error:
            yield BadRow(line, "record", f"Not a CSV row: {error}.")
            return
        if cells is None:
            return
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield BadRow(line, "record", f"The row has {len(cells)} cells; the header has {len(header)}.")
            continue
        yield RawRow(line, _present(zip(header, cells, strict=True)))


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
        unknown = [BadRow(line, str(name), "Unknown field.") for name in values if name not in COLUMNS]
        if unknown:
            yield from unknown
            continue
        yield RawRow(line, _present(values.items()))


# --- writing -----------------------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    value = native(value)
    return value.isoformat() if isinstance(value, datetime.date) else value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


def write_rows(rows: Iterable[dict[str, Any]], out: TextIO, fmt: RosterFormat) -> int:
    """Write rows (column -> value) in the format; returns how many were written."""
    writer = RowWriter(out, fmt)
    for row in rows:
        writer.write(row)
    return writer.count


class RowWriter:
    """Writes one row at a time (the CSV header before the first), so an export streams."""

    def __init__(self, out: TextIO, fmt: RosterFormat) -> None:
        self.out = out
        self.fmt = fmt
        self.count = 0
        self.csv = csv.writer(out, lineterminator="\n") if fmt is RosterFormat.CSV else None
        if self.csv is not None:
            self.csv.writerow(COLUMNS)

    def write(self, row: dict[str, Any]) -> None:
        cells = {column: plain(row.get(column)) for column in COLUMNS}
        if self.csv is not None:
            self.csv.writerow([_csv_cell(cells[column]) for column in COLUMNS])
        else:
            present = {column: value for column, value in cells.items() if value is not None}
            self.out.write(json.dumps(present, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.count += 1
