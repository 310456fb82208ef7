"""The registry's one clock: today and now in the registry's time zone, which tests can set.

Every "today" in the registry (terms, deadlines, ages, grades) is the day in this zone, China Standard
Time unless `REGISTRY_TIME_ZONE` names another (an IANA name). The process's own zone and the graph
server's clock are never asked: around midnight in China they would disagree with the registry by a day.
Statements receive the day as a parameter.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import LiteralString
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NOW: LiteralString = "datetime({epochMillis: $nowMillis})"
"""This moment in Cypher: the registry clock's instant passed by `stamp()`, never the graph server's
`datetime()`. Zoned (UTC) on both engines: ArcadeDB keeps a driver datetime parameter without its zone, and
`updatedAt.epochMillis` (the page order) of such a value is null there. One `$nowMillis` per statement, so
every row a statement writes carries the same instant."""

CHINA_STANDARD_TIME = datetime.timezone(datetime.timedelta(hours=8), "CST")

_fixed: ContextVar[datetime.datetime | None] = ContextVar("registry_clock", default=None)


def zone_name() -> str:
    """The registry's zone as an IANA name (the embedded graph server runs in it, so Cypher's `date()` agrees)."""
    return os.environ.get("REGISTRY_TIME_ZONE", "").strip() or "Asia/Shanghai"


def zone() -> datetime.tzinfo:
    name = os.environ.get("REGISTRY_TIME_ZONE", "").strip()
    if not name:
        return CHINA_STANDARD_TIME
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"REGISTRY_TIME_ZONE: unknown time zone {name!r}") from error


def now() -> datetime.datetime:
    """This moment, time-zone aware (UTC): what the registry stores."""
    fixed = _fixed.get()
    return fixed.astimezone(datetime.UTC) if fixed is not None else datetime.datetime.now(datetime.UTC)


def stamp(moment: datetime.datetime | None = None) -> dict[str, int]:
    """The parameter of `NOW`: `moment` (aware; this moment by default) as epoch milliseconds."""
    return {"nowMillis": int((moment or now()).timestamp() * 1000)}


def today() -> datetime.date:
    """The day in the registry's time zone."""
    return day_of(now())


def day_of(moment: datetime.datetime) -> datetime.date:
    """The registry's day at `moment` (aware)."""
    return moment.astimezone(zone()).date()


@contextmanager
def frozen_at(moment: datetime.datetime) -> Iterator[None]:
    """Run with the clock stopped at `moment` (aware): for tests and replays."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _fixed.set(moment)
    try:
        yield
    finally:
        _fixed.reset(token)
