"""Report rollups: when a jurisdiction report may read figures computed ahead, and how they are rebuilt.

A province's or a city's report covers tens of thousands of organizations at national scale. Its figures for
the default period (1 January to today) are computed ahead for every province, city and county by
`rebuild_rollups` (graph/reports/rollup.py), one province per transaction, and kept until the next rebuild: by
the service every `REGISTRY_ROLLUP_INTERVAL` seconds, by `mediation-registry rollup`, and after a bulk load.

A report uses a rollup only for a province or a city, only for the default period, only when it was built on
the registry's today, and never when the caller asks for `live` figures. It says which it used and when its
figures were counted (`figuresAsOf`), so a reader knows how fresh they are. A county's report is always live:
it is small, and the bureau that just changed its roster expects to see the change.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from dataclasses import dataclass
from typing import Any

from graph.core.driver import Graph, GraphError
from graph.core.vocabulary import PEOPLES_COMMITTEES, JurisdictionLevel
from graph.courts.case import CaseReader
from graph.reports.jurisdiction import OrganizationPage, OverdueCase, OverduePage, Period
from graph.reports.rollup import build_province, provinces, rollup_of
from resolvers.core import clock
from resolvers.grades.training import training_rules
from resolvers.reports.period import report_period, staffing_table
from resolvers.roster.composition import MAX_MEMBERS, MIN_MEMBERS

log = logging.getLogger("registry.rollup")

ROLLED_UP = frozenset({JurisdictionLevel.PROVINCE.value, JurisdictionLevel.CITY.value})
"""The levels whose reports read a rollup; counties and below are counted live."""


@dataclass(frozen=True, slots=True)
class Rollup:
    built_at: datetime.datetime
    sections: dict[str, list[dict[str, Any]]]

    def organizations(self, section: str, limit: int) -> OrganizationPage:
        row: dict[str, Any] = self.sections[section][0] if self.sections[section] else {"total": 0, "rows": []}
        return OrganizationPage.model_validate({"total": row["total"], "rows": row["rows"][:limit]})

    def overdue(self, limit: int, reader: CaseReader) -> OverduePage:
        """The overdue cases, with a number only where `reader` may read it."""
        row: dict[str, Any] = self.sections["overdue"][0] if self.sections["overdue"] else {"total": 0, "rows": []}
        cases = [
            case if reader.reads_number(case.referrer_id) else case.model_copy(update={"case_code": None})
            for case in (OverdueCase.model_validate(found) for found in row["rows"][:limit])
        ]
        return OverduePage(total=row["total"], rows=cases)


def default_period() -> Period:
    return report_period(None, None)


async def usable_rollup(graph: Graph, *, code: str, level: str, period: Period) -> Rollup | None:
    """The rollup of division `code` when a report of `period` may read it (see the module's rules)."""
    if level not in ROLLED_UP or period != default_period():
        return None
    stored = await rollup_of(graph, code=code)
    if stored is None or stored.as_of != period.as_of or stored.period_start != period.start:
        return None
    return Rollup(stored.built_at, stored.sections)


BULK_CONCURRENCY = 2
"""Provinces built at once after a bulk load and by `mediation-registry rollup`."""


async def rebuild_rollups(graph: Graph, *, concurrency: int = 1) -> int:
    """Rebuild every province's rollups for today's default period; returns how many divisions were written.

    `concurrency` provinces are built at once (each in its own transactions): the graph server runs one
    statement on one core, so a bulk load, with nothing else to serve, builds two at once on two cores; the
    service's periodic rebuild keeps to one, leaving the other core to requests."""
    period = default_period()
    built_at = clock.now()
    training, minimums = training_rules(), staffing_table()
    kinds = sorted(kind.value for kind in PEOPLES_COMMITTEES)
    waiting = list(reversed(await provinces(graph)))
    written = 0

    async def builder() -> None:
        nonlocal written
        while waiting:
            province = waiting.pop()
            count = await build_province(
                graph, province=province, period=period, training=training, minimums=minimums, kinds=kinds,
                members=(MIN_MEMBERS, MAX_MEMBERS), built_at=built_at,
            )
            written += count  # not `written += await ...`, which reads `written` before the await

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, concurrency)):
            group.create_task(builder())
    return written


async def refresh_rollups(graph: Graph, *, interval: float) -> None:
    """Rebuild the rollups now and then every `interval` seconds, until cancelled. A build that fails (the graph
    is down, say) is logged and tried again at the next tick; until then reports read a rollup only if it was
    built today, and count live otherwise."""
    while True:
        started = asyncio.get_running_loop().time()
        try:
            written = await rebuild_rollups(graph)
        except GraphError as error:
            log.warning("report rollups not rebuilt", extra={"error": str(error).splitlines()[0]})
        except Exception:  # a defect: logged with its traceback, and the refresher keeps its schedule
            log.exception("report rollups not rebuilt")
        else:
            took = asyncio.get_running_loop().time() - started
            log.info("report rollups rebuilt", extra={"divisions": written, "seconds": round(took, 1)})
        await asyncio.sleep(interval)
