"""Rows as the driver's `Record.data()` would give them: `graph.core.driver.plain` skips the driver's generic
transform, so it is held to the same answers on every kind of value a statement can return."""

from __future__ import annotations

import datetime

from graph.core.driver import Graph, plain

EVERY_KIND = (
    "CREATE (a:RowProbe {name: 'a', born: $day, tags: ['x', 'y']})-[r:PROBED {weight: 1.5}]->(b:RowProbe {name: 'b'})"
    " WITH a, r, b MATCH p = (a)-[:PROBED]->(b)"
    " RETURN a, r, p, [a, b] AS nodes, {node: b, list: [1, 2.5, 'z', null, true], day: $day, nested: [[1], [{k: 'v'}]]}"
    " AS map, 'text' AS text, 7 AS number, null AS nothing"
)


async def test_plain_rows_are_what_record_data_gives(graph: Graph) -> None:
    day = datetime.date(2026, 1, 2)
    async with graph.driver.session(database=graph.database) as session:
        result = await session.run(EVERY_KIND, day=day)
        records = [record async for record in result]

    assert len(records) == 1
    record = records[0]
    assert {key: plain(value) for key, value in zip(record.keys(), record.values(), strict=True)} == record.data()
    assert record.data()["map"]["day"] == day  # temporal values pass through both
