"""The demo data set respects the law it is meant to show."""

from __future__ import annotations

import re

from graph.core.driver import Graph
from graph.core.vocabulary import PEOPLES_COMMITTEES
from resolvers.core.identifiers import division_level, parse_credit_code

COMMITTEES = sorted(kind.value for kind in PEOPLES_COMMITTEES)
MINIMUM_FULL_TIME = {
    "INDUSTRY_COMMITTEE": 3,
    "PROFESSIONAL_COMMITTEE": 3,
    "TOWNSHIP_COMMITTEE": 2,
    "STREET_COMMITTEE": 2,
    "STATIONED_STUDIO": 2,
    "VILLAGE_COMMITTEE": 1,
    "RESIDENTS_COMMITTEE": 1,
    "ENTERPRISE_COMMITTEE": 1,
}


async def test_every_committee_has_a_lawful_composition(demo: Graph) -> None:
    rows = await demo.read(
        "MATCH (o:Organization) WHERE o.kind IN $kinds"
        " MATCH (o)<-[r:MEMBER_OF]-(m:Mediator)"
        " RETURN o.name AS name, count(m) AS members,"
        " sum(CASE WHEN r.role = 'CHAIR' THEN 1 ELSE 0 END) AS chairs,"
        " sum(CASE WHEN m.gender = 'FEMALE' THEN 1 ELSE 0 END) AS women,"
        " collect(DISTINCT duration.inDays(r.since, r.until).days) AS terms",
        kinds=COMMITTEES,
    )

    assert len(rows) == 24 + 12 + 3 * 6 + 3  # villages, townships, three per county, one per city
    assert [row for row in rows if not 3 <= row["members"] <= 9] == []
    assert [row for row in rows if row["chairs"] != 1] == []
    assert [row for row in rows if row["women"] < 1] == []
    assert {day for row in rows for day in row["terms"]} == {1094}  # 2024-03-01 to 2027-02-28: three years


async def test_every_kind_meets_its_full_time_minimum(demo: Graph) -> None:
    rows = await demo.read(
        "MATCH (o:Organization) WHERE o.kind IN $kinds"
        " RETURN o.kind AS kind, COUNT { (o)<-[:MEMBER_OF]-(:Mediator {employment: 'FULL_TIME'}) } AS fullTime",
        kinds=sorted(MINIMUM_FULL_TIME),
    )

    assert rows
    assert [row for row in rows if row["fullTime"] < MINIMUM_FULL_TIME[row["kind"]]] == []


async def test_every_kind_of_organization_is_present(demo: Graph) -> None:
    rows = await demo.read("MATCH (o:Organization) RETURN DISTINCT o.kind AS kind")

    assert {row["kind"] for row in rows} >= set(MINIMUM_FULL_TIME) | {
        "INDIVIDUAL_STUDIO", "LAWYER_STUDIO", "ONE_STOP_CENTRE", "ADMINISTRATIVE_MEDIATION",
        "COMMERCIAL_MEDIATION", "INDUSTRY_MEDIATION",
    }


async def test_identifiers_in_the_demo_are_valid(demo: Graph) -> None:
    codes = await demo.read("MATCH (j:Jurisdiction) RETURN j.code AS code, j.level AS level")
    credit = await demo.read("MATCH (o:Organization) WHERE o.creditCode IS NOT NULL RETURN o.creditCode AS code")
    masked = await demo.read("MATCH (m:Mediator) RETURN m.identityMasked AS masked, m.identityHash AS hash")

    assert all(division_level(row["code"]) == row["level"] for row in codes)
    assert credit and all(parse_credit_code(row["code"]).warnings == () for row in credit)
    assert all(len(row["masked"]) == 18 and row["masked"][3:16] == "*" * 13 for row in masked)
    assert len({row["hash"] for row in masked}) == len(masked)


async def test_demo_filing_numbers_have_the_form_the_api_issues(demo: Graph) -> None:
    """Issue 12: the API issues `<county>-<year>-<six-digit serial>` (tests/roster/test_filing.py); the demo data wrote
    four digits, so one registry showed two forms of the same number."""
    rows = await demo.read("MATCH (o:Organization) WHERE o.filingNo IS NOT NULL RETURN o.filingNo AS no")
    assert rows
    assert [row["no"] for row in rows if not re.fullmatch(r"\d{6}-\d{4}-\d{6}", row["no"])] == []
