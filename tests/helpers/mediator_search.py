"""Ya'an courses that leave a mediator short of the specialised-skills quota (findMediators and the reports)."""

from __future__ import annotations

from graph.core import clock
from graph.core.driver import Graph
from graph.grades.training import merge_trainings
from seed.roster import stable_id
from tests.helpers.report_expectations import Demo

TODAY = clock.today()


WUHOU, CHENGDU = "510107", "510100"


WUHOU_BUREAU, WUHOU_COURT, ACFTU = "成都市武侯区司法局", "成都市武侯区人民法院", "中华全国总工会"


async def given_ya_an_courses(graph: Graph, model: Demo) -> tuple[str, str]:
    """Two FILED Wuhou mediators (Sichuan: Ya'an's scheme) past their first year, with no course this year, get
    20 h today: `short` of general courses only, `done` 14 h of specialised skills and 6 h untagged. Both have
    the annual hours; only `done` has the 14 h skills quota. Stored in the graph and in the model."""
    people, year = model.mediators, TODAY.year
    short, done = sorted(
        m for m in model.current(WUHOU, TODAY)
        if people[m]["status"] == "FILED" and model.hours(m, year) == 0.0 and model.first_since(m).year < year
    )[:2]
    courses = [
        ("人民调解法解读", 20.0, "GENERAL", [short]),
        ("调解技能专题培训", 14.0, "SPECIALISED_SKILLS", [done]),
        ("调解工作座谈", 6.0, None, [done]),
    ]
    rows = [
        {
            "id": stable_id("training", "test", title),
            "attendees": attendees,
            "props": {"title": title, "form": "CENTRALIZED_TEACHING", "hours": hours, "organizer": WUHOU_BUREAU,
                      "heldOn": TODAY} | ({"topic": topic} if topic else {}),
        }
        for title, hours, topic, attendees in courses
    ]
    assert await merge_trainings(graph, rows=rows) == 3
    model.roster.trainings.extend(rows)
    return short, done

