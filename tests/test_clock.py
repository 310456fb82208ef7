"""The registry's one clock: the day in China Standard Time, whatever the process's or the server's zone."""

from __future__ import annotations

import datetime

import pytest

from graph.core import clock
from graph.core.driver import Graph

LATE_EVENING_UTC = datetime.datetime(2026, 12, 2, 16, 30, tzinfo=datetime.UTC)  # 00:30 on 3 December in Beijing


def test_the_day_is_the_day_in_china() -> None:
    with clock.frozen_at(LATE_EVENING_UTC):
        assert clock.today() == datetime.date(2026, 12, 3)
        assert clock.now() == LATE_EVENING_UTC


def test_a_configured_zone_moves_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_TIME_ZONE", "UTC")

    with clock.frozen_at(LATE_EVENING_UTC):
        assert clock.today() == datetime.date(2026, 12, 2)


def test_an_unknown_zone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_TIME_ZONE", "Mars/Olympus")

    with pytest.raises(ValueError, match="unknown time zone"):
        clock.today()


def test_a_naive_moment_cannot_stop_the_clock() -> None:
    naive = datetime.datetime(2026, 1, 1)  # noqa: DTZ001 (the naive moment this test expects to be refused)
    with pytest.raises(ValueError), clock.frozen_at(naive):
        pass


def test_no_module_reads_the_process_clock() -> None:
    """One clock: `date.today()` and `datetime.now()` appear only in graph/core/clock.py."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for layer in ("graph", "resolvers", "schema", "auth")
        for path in (root / layer).rglob("*.py")
        if path.name != "clock.py"
        and any(call in path.read_text(encoding="utf-8") for call in ("date.today()", "datetime.now("))
    ]

    assert offenders == []


async def test_the_embedded_graph_server_keeps_the_registry_s_day(graph: Graph) -> None:
    """Statements that still ask the graph for `date()` get the same day as the registry's clock."""
    rows = await graph.read("RETURN toString(date()) AS day")

    assert rows == [{"day": clock.today().isoformat()}]
