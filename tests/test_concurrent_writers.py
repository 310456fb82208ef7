"""Concurrent writers of one record (issue #12): the losers all get the same answer, `StaleVersionProblem`,
whether they lost at the version check or at the commit, so a client knows to read again and retry."""

from __future__ import annotations

import asyncio

from graph.core.driver import Graph
from tests.conftest import AsAgency
from tests.test_filing import AMEND_MEDIATOR, events
from tests.test_roster_rules import WRITE, WUHOU, filed_committee_of

WRITERS = 6
ROUNDS = 3


async def test_every_losing_writer_of_one_version_gets_stale_version(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    member = people[1]["id"]
    outcomes: list[list[str]] = []

    for round_ in range(ROUNDS):
        version = round_ + 1
        racing = await asyncio.gather(
            *(bureau(AMEND_MEDIATOR, id=member, version=version, input={"name": f"改名{round_}-{i}"}) for i in range(WRITERS))
        )
        outcomes.append(sorted(body["data"]["amendMediator"]["__typename"] for body in racing))

    assert outcomes == [["MediatorSaved"] + ["StaleVersionProblem"] * (WRITERS - 1)] * ROUNDS
    rows = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.version AS version", id=member)
    assert rows == [{"version": 1 + ROUNDS}]
    assert (await events(demo, member)).count("amendMediator") == ROUNDS
