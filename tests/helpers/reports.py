"""The reports' queries and period, cases given to the demo, and staffing problems to count."""

from __future__ import annotations

import datetime
from typing import Any

from graph.core import clock
from graph.core.driver import Graph
from seed.roster import stable_id
from tests.conftest import GraphQLClient
from tests.helpers.report_expectations import Case, Demo

TODAY = clock.today()


WUHOU, YUCHENG = "510107", "511802"


WUHOU_COURT, YUCHENG_COURT, CHENGDU_COURT = "成都市武侯区人民法院", "雅安市雨城区人民法院", "成都市中级人民法院"


ACFTU, PBOC = "中华全国总工会", "中国人民银行"


READ = "reports:read"


MEDICAL = "成都市武侯区医疗纠纷人民调解委员会"


CASE_FIELDS = "accepted closed agreements successRate averageDays overdue"


JURISDICTION_REPORT = """query($code: String!, $start: Date, $end: Date) {
  jurisdictionReport(jurisdiction: $code, periodStart: $start, periodEnd: $end) {
    jurisdictionCode jurisdictionName periodStart periodEnd asOf
    organizations { total byKind { kind organizations } byStatus { status count }
      byKindAndStatus { kind status organizations } }
    mediators { total fullTime fullTimeRatio ungraded byGrade { scheme grade rank mediators }
      byEmployment { employment mediators } byBackground { background mediators } }
    training { year annualHours preJobHours mediators met share }
    understaffedOrganizations { totalCount organizations { name kind fullTime fullTimeMinimum organization { id } } }
    compositionBreaches { totalCount organizations { name members chairs women brokenRules } }
    cases { """ + CASE_FIELDS + """ byReferrer { referrerId referrerKind """ + CASE_FIELDS + """ } }
    overdueCases { totalCount cases { caseCode mediatorId referrerId daysOverdue } }
  } }"""


def agency(name: str) -> str:
    return stable_id("agency", name)


async def report(client: GraphQLClient, query: str, **variables: Any) -> dict[str, Any] | None:
    body = await client(query, **variables)
    assert "errors" not in body, body
    found: dict[str, Any] | None = next(iter(body["data"].values()))
    return found


def given_cases(demo: Demo) -> list[Case]:
    """Cases for Wuhou mediators and one from Yucheng, to the Wuhou court and the trade unions."""
    wuhou = sorted(demo.current(WUHOU, TODAY))
    yucheng = sorted(demo.current(YUCHENG, TODAY))
    court, union = agency(WUHOU_COURT), agency(ACFTU)

    def day(n: int) -> datetime.date:
        return TODAY - datetime.timedelta(days=n)

    return [
        Case("(2026)川0107民诉前调1号", wuhou[0], court, day(100), day(70), day(90), "AGREEMENT"),
        Case("(2026)川0107民诉前调2号", wuhou[0], court, day(60), day(30), day(40), "NO_AGREEMENT"),
        Case("(2026)川0107民诉前调3号", wuhou[1], court, day(50), day(20)),
        Case("(2026)川0107民诉前调4号", wuhou[2], court, day(400), day(370), day(380), "AGREEMENT"),
        Case("(2026)川1802民诉前调5号", yucheng[0], court, day(30), day(1), day(5), "AGREEMENT"),
        Case("工会调〔2026〕6号", wuhou[1], union, day(10), day(-20)),
        Case("工会调〔2026〕7号", wuhou[2], union, day(30), day(5), day(2), "AGREEMENT"),
    ]


async def store_cases(graph: Graph, cases: list[Case]) -> None:
    """Only these cases exist: whatever the demo seeded is removed first."""
    await graph.write("MATCH ()-[h:HANDLED]->() DELETE h")
    await graph.write(
        "UNWIND $cases AS c MATCH (m:Mediator {id: c.mediator}), (a:Agency {id: c.agency})"
        " CREATE (m)-[h:HANDLED]->(a) SET h += c.props",
        cases=[{"mediator": c.mediator, "agency": c.agency, "props": c.props()} for c in cases],
    )


async def given_staffing_problems(graph: Graph, demo: Demo) -> tuple[str, str]:
    """A full-time vice-chair of the medical committee turns part-time; a residents' committee loses its chair."""
    medical = demo.organization_named(MEDICAL)
    vice = next(m["mediator"] for m in demo.members(medical, TODAY) if m["role"] == "VICE_CHAIR")
    demo.mediators[vice]["employment"] = "PART_TIME"
    await graph.write("MATCH (m:Mediator {id: $id}) SET m.employment = 'PART_TIME'", id=vice)
    committee = next(
        o for o in demo.roster.organizations
        if o["jurisdiction"].startswith(WUHOU) and o["props"]["kind"] == "RESIDENTS_COMMITTEE"
    )
    chair = next(m for m in demo.members(committee["id"], TODAY) if m["role"] == "CHAIR")
    chair["until"] = TODAY - datetime.timedelta(days=1)
    await graph.write(
        "MATCH (:Mediator {id: $m})-[r:MEMBER_OF]->(:Organization {id: $o}) SET r.until = $until",
        m=chair["mediator"], o=committee["id"], until=chair["until"],
    )
    return MEDICAL, committee["props"]["name"]

