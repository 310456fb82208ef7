"""Report rollups: the jurisdiction report's sections computed ahead, for every province, city and county.

A report for a city or a province reads every organization and mediator of its subtree; at national scale that
is seconds. A rollup holds the same figures for one division as of one moment: built one province at a time by
the statements below, which reuse the report's own fragments (`graph/reports/jurisdiction.py`), so a figure
cannot mean one thing live and another in a rollup. Each division is found through the organizations' subtree
keys (`in<Level>`, graph/directory/listing.py): a province's batch is one range of one index.

A rollup is as fresh as its `builtAt`; it stands for the report of the default period (1 January to today) on
the day `asOf` it was built. The resolver uses it only for that period on that day, and says so in the report.
Each section's rows are kept as the JSON of what the live statement returns (ReportRollup.sections), so
Python folds them the same way.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction
from neo4j.time import Date
from pydantic import field_validator

from graph.core.driver import Graph, Row
from graph.core.records import GraphRecord, in_utc
from graph.core.subtree import SEP, subtree_range
from graph.core.terms import overlapping
from graph.reports.jurisdiction import (
    _SEATS,
    BREAKING,
    CASE,
    OVERDUE,
    UNDERSTAFFED,
    Period,
    case_figures,
    listed_organizations,
    mediator_columns,
    overdue_list,
)

ROLLUP_LIST = 100
"""How many rows of each list a rollup keeps: the most a report lists (the totals are exact)."""

_IN_PROVINCE: LiteralString = "o.inProvince >= $lo AND o.inProvince < $hi"
"""Organization `o` lies in the batch's province."""

_CODES: LiteralString = (
    "[k IN [o.inProvince, o.inCity, o.inCounty] WHERE k IS NOT NULL | split(k, $sep)[0]] AS codes"
)
"""The province, city and county codes of organization `o` (those it has)."""

_BATCH_MEDIATORS: LiteralString = (
    "MATCH (o:Organization) WHERE " + _IN_PROVINCE
    + " MATCH (o)<-[a:MEMBER_OF]-(n:Mediator) WHERE " + overlapping("a", "$start", "$end") +
    " WITH DISTINCT n"
    " WITH n, reduce(acc = [], ks IN [(n)-[b:MEMBER_OF]->(o:Organization) WHERE "
    + overlapping("b", "$start", "$end") + " AND " + _IN_PROVINCE
    + " | [k IN [o.inProvince, o.inCity, o.inCounty] WHERE k IS NOT NULL | split(k, $sep)[0]]] | acc + ks) AS codes"
    " UNWIND codes AS code WITH DISTINCT n, code WITH n, collect(code) AS codes"
)
"""The province's mediators in the report's sense (a membership overlapping the period), each with the codes of
the divisions of the batch it serves in, each once."""

_ORGANIZATIONS: LiteralString = (
    "MATCH (o:Organization) WHERE " + _IN_PROVINCE + " WITH o, " + _CODES
    + " UNWIND codes AS code"
    " RETURN code, o.kind AS kind, o.status AS status, count(o) AS organizations ORDER BY code, kind, status"
)

_MEDIATOR_GROUPS: LiteralString = (
    _BATCH_MEDIATORS + mediator_columns("codes, ")
    + " UNWIND codes AS code"
    " RETURN code, n.employment AS employment, n.background AS background, grade.scheme AS scheme,"
    " grade.grade AS grade, grade.rank AS rank, met, count(n) AS mediators"
)

_FILED_IN_PROVINCE: LiteralString = (
    "MATCH (o:Organization)-[:LOCATED_IN]->(j:Jurisdiction) WHERE " + _IN_PROVINCE + " AND o.status = 'FILED'"
)

_UNDERSTAFFED: LiteralString = (
    _FILED_IN_PROVINCE + _SEATS + UNDERSTAFFED
    + " WITH o, j, members, chairs, women, fullTime, minimum, " + _CODES
    + " UNWIND codes AS code" + listed_organizations("code, ", minimum=True)
)

_BREAKING: LiteralString = (
    _FILED_IN_PROVINCE + " AND o.kind IN $kinds" + _SEATS + BREAKING
    + " WITH o, j, members, chairs, women, fullTime, " + _CODES
    + " UNWIND codes AS code" + listed_organizations("code, ")
)

_CASES: LiteralString = (
    _BATCH_MEDIATORS + " UNWIND [(n)-[h:HANDLED]->(x) | " + CASE + "] AS c"
    " UNWIND codes AS code" + case_figures("code, ")
)

_OVERDUE: LiteralString = (
    _BATCH_MEDIATORS + " UNWIND " + OVERDUE + " AS c"
    " UNWIND codes AS code" + overdue_list("code, ")
)
"""Every overdue case with its number (built as a national reader with the roster scope); whoever reads the
rollup sees a number only where `CaseReader.reads_number` allows."""

_PROVINCES: LiteralString = "MATCH (p:Jurisdiction {level: 'PROVINCE'}) RETURN p.code AS code ORDER BY code"

_WRITE: LiteralString = """
UNWIND $rollups AS r
MERGE (x:ReportRollup {code: r.code})
SET x.asOf = $asOf, x.builtAt = $builtAt, x.periodStart = $start, x.sections = r.sections
"""

_DROP_ABSENT: LiteralString = """
MATCH (x:ReportRollup) WHERE x.code STARTS WITH $prefix AND NOT x.code IN $codes
DETACH DELETE x
"""

_READ: LiteralString = """
MATCH (x:ReportRollup {code: $code})
RETURN x.asOf AS asOf, x.builtAt AS builtAt, x.periodStart AS periodStart, x.sections AS sections
"""

SECTIONS: tuple[str, ...] = ("organizations", "mediators", "understaffed", "breaching", "cases", "overdue")


def _json_safe(value: Any) -> Any:
    if isinstance(value, Date):
        return value.iso_format()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


async def provinces(graph: Graph) -> list[str]:
    return [str(row["code"]) for row in await graph.read(_PROVINCES)]


async def build_province(
    graph: Graph,
    *,
    province: str,
    period: Period,
    training: list[dict[str, Any]],
    minimums: list[dict[str, Any]],
    kinds: list[str],
    members: tuple[int, int],
    built_at: datetime,
) -> int:
    """Rebuild the rollups of one province and its cities and counties; returns how many were written. The six
    statements read in one transaction, so the sections agree with each other; the write follows in another."""
    lo, hi = subtree_range(province)
    params: dict[str, Any] = {
        "lo": lo, "hi": hi, "sep": SEP, "training": training, "minimums": minimums, "kinds": kinds,
        "fewest": members[0], "most": members[1], "limit": ROLLUP_LIST,
        "vRoster": True, "vNational": True, "vBureau": False, "vAgency": None,
        **period.params(),
    }
    statements = {
        "organizations": _ORGANIZATIONS, "mediators": _MEDIATOR_GROUPS, "understaffed": _UNDERSTAFFED,
        "breaching": _BREAKING, "cases": _CASES, "overdue": _OVERDUE,
    }
    async def read(tx: AsyncManagedTransaction) -> list[list[Row]]:
        return [await graph.rows(tx, statement, **params) for statement in statements.values()]

    found = await graph.read_work(read)
    by_code: dict[str, dict[str, Any]] = {}
    for section, rows in zip(statements, found, strict=True):
        for row in rows:
            entry = by_code.setdefault(str(row["code"]), {name: [] for name in SECTIONS})
            entry[section].append({k: v for k, v in row.items() if k != "code"})
    rollups = [
        {"code": code, "sections": json.dumps(sections, default=_json_safe, ensure_ascii=False)}
        for code, sections in by_code.items()
    ]
    await graph.write(_WRITE, rollups=rollups, asOf=period.as_of, builtAt=built_at, start=period.start)
    await graph.write(_DROP_ABSENT, prefix=province[:2], codes=sorted(by_code))
    return len(rollups)


class StoredRollup(GraphRecord):
    as_of: date
    built_at: datetime
    period_start: date
    sections: dict[str, list[dict[str, Any]]]

    @field_validator("built_at")
    @classmethod
    def _in_utc(cls, moment: datetime) -> datetime:
        return in_utc(moment)

    @field_validator("sections", mode="before")
    @classmethod
    def _parsed(cls, text: Any) -> Any:
        return json.loads(text) if isinstance(text, str) else text


async def rollup_of(graph: Graph, *, code: str) -> StoredRollup | None:
    """The stored rollup of division `code`: when it was built, for which period, and the sections' rows."""
    rows = await graph.read(_READ, code=code)
    return StoredRollup.model_validate(rows[0]) if rows else None
