"""A report's period and the tables its statements take, shared by the live reports and their rollups."""

from __future__ import annotations

import datetime
from typing import Any

from graph.reports.jurisdiction import Period
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.grades.grading import valid_year
from resolvers.roster.composition import FULL_TIME_MINIMUMS, PROVINCIAL_MINIMUMS

MAX_PERIOD_DAYS = 366 * 10


def report_period(start: datetime.date | None, end: datetime.date | None) -> Period:
    """From `start` to `end`, inclusive; by default the calendar year so far. Membership and composition are
    read on the period's last day or today, whichever comes first; overdue means past the deadline today."""
    today = clock.today()
    last = end or today
    first = start or datetime.date(last.year, 1, 1)
    valid_year(first.year, "periodStart")
    valid_year(last.year, "periodEnd")
    if first > last:
        raise InputError("`periodStart` falls after `periodEnd`.", field="periodStart")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise InputError("A report period spans at most 10 years.", field="periodStart")
    return Period(start=first, end=last, as_of=min(last, today), today=today)


def staffing_table() -> list[dict[str, Any]]:
    """The full-time minimums as rows: national defaults (province null) and provincial overrides."""
    rows: list[dict[str, Any]] = [{"kind": k.value, "province": None, "minimum": n} for k, n in FULL_TIME_MINIMUMS.items()]
    rows += [
        {"kind": k.value, "province": province, "minimum": n}
        for province, table in PROVINCIAL_MINIMUMS.items()
        for k, n in table.items()
    ]
    return rows
