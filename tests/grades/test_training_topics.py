"""Topic sub-quotas of the training rule: scheme validation, courses with a topic, and the yearly check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.core.driver import Graph
from graph.core.viewer import Viewer
from graph.core.vocabulary import TrainingTopic
from graph.grades.training import trainings_of_mediators
from resolvers.grades.grading import SCHEMES, SchemeFileError, load_schemes
from resolvers.grades.training import mediators_below_training_hours, training_status
from tests.conftest import AsAgency
from tests.helpers.grades import copy_schemes, demo_hours, demo_wuhou

NATIONAL = Viewer(roster=True, national=True)
WUHOU = "成都市武侯区司法局"


# --- the scheme files --------------------------------------------------------------------------------------


def test_ya_an_sets_a_specialised_skills_quota_and_the_others_none() -> None:
    assert SCHEMES["yaan"].training.topic_hours == {TrainingTopic.SPECIALISED_SKILLS: 14.0}
    assert SCHEMES["yaan"].training.annual_hours == 20.0
    assert SCHEMES["national"].training.topic_hours == {}
    assert SCHEMES["guangdong"].training.topic_hours == {}


@pytest.mark.parametrize(
    ("quotas", "message"),
    [
        ({"SPECIALISED_SKILLS": 0}, "topicHours.SPECIALISED_SKILLS"),
        ({"SPECIALISED_SKILLS": -3}, "topicHours.SPECIALISED_SKILLS"),
        ({"COOKING": 4}, "topicHours.COOKING"),
        ({"SPECIALISED_SKILLS": 14, "LAWS_AND_POLICIES": 7}, "topic quotas add up to 21 hours, more than the 20 annual"),
    ],
)
def test_a_bad_topic_quota_stops_the_scheme_file(tmp_path: Path, quotas: dict[str, float], message: str) -> None:
    directory = copy_schemes(tmp_path)
    scheme = json.loads((directory / "yaan.json").read_text(encoding="utf-8"))
    scheme["training"]["topicHours"] = quotas
    (directory / "yaan.json").write_text(json.dumps(scheme, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(SchemeFileError, match="yaan.json") as raised:
        load_schemes(directory)

    assert message in str(raised.value)


# --- Ya'an: courses recorded through the API ----------------------------------------------------------------

RECORD = """mutation($input: TrainingInput!) { recordTraining(input: $input) {
    __typename ... on TrainingRecorded { trainingId } ... on Problem { code field message } } }"""

STATUS = """
query ($short: ID!, $done: ID!) {
  short: trainingStatus(mediatorId: $short, year: 2025) {
    hours requiredHours met topicQuotas { topic requiredHours hours met }
  }
  done: trainingStatus(mediatorId: $done, year: 2025) {
    hours requiredHours met topicQuotas { topic requiredHours hours met }
  }
  mediatorsBelowTrainingHours(jurisdiction: "510107", year: 2025, first: 100) {
    totalCount hasNextPage mediators { mediatorId hours met topicQuotas { topic requiredHours hours met } }
  }
}
"""


def course(title: str, hours: float, attendees: list[str], topic: str | None) -> dict[str, Any]:
    given = {"title": title, "form": "CENTRALIZED_TEACHING", "organizer": WUHOU, "hours": hours, "heldOn": "2025-03-10"}
    return given | {"attendees": [{"mediatorId": m} for m in attendees]} | ({"topic": topic} if topic else {})


async def test_a_ya_an_mediator_with_20_hours_but_not_the_skills_quota_is_not_met(
    demo: Graph, as_agency: AsAgency
) -> None:
    untrained = sorted(id for id in demo_wuhou() if demo_hours(2025)[id] == 0.0)
    short, done = untrained[0], untrained[1]
    bureau = await as_agency(WUHOU, "training:write roster:read")
    general = await bureau(RECORD, input=course("人民调解法解读", 20, [short], "GENERAL"))
    skills = await bureau(RECORD, input=course("调解技能专题培训", 14, [done], "SPECIALISED_SKILLS"))
    untagged = await bureau(RECORD, input=course("调解工作座谈", 6, [done], None))
    recorded = [body["data"]["recordTraining"] for body in (general, skills, untagged)]
    ids = [payload.get("trainingId") for payload in recorded]

    body = await bureau(STATUS, short=short, done=done)

    assert [payload["__typename"] for payload in recorded] == ["TrainingRecorded"] * 3
    stored = await demo.read("UNWIND $ids AS id MATCH (t:Training {id: id}) RETURN t.topic AS topic", ids=ids)
    assert [row["topic"] for row in stored] == ["GENERAL", "SPECIALISED_SKILLS", None]
    ledger = await trainings_of_mediators(demo, ids=[done], viewer=NATIONAL)
    assert sorted((i.training.title, i.training.topic) for i in ledger[done] if i.completed_at.year == 2025) == [
        ("调解工作座谈", None), ("调解技能专题培训", TrainingTopic.SPECIALISED_SKILLS)
    ]
    assert "errors" not in body, body
    data = body["data"]
    unmet = [{"topic": "SPECIALISED_SKILLS", "requiredHours": 14.0, "hours": 0.0, "met": False}]
    assert data["short"] == {"hours": 20.0, "requiredHours": 20.0, "met": False, "topicQuotas": unmet}
    assert data["done"] == {
        "hours": 20.0, "requiredHours": 20.0, "met": True,
        "topicQuotas": [{"topic": "SPECIALISED_SKILLS", "requiredHours": 14.0, "hours": 14.0, "met": True}],
    }
    below = data["mediatorsBelowTrainingHours"]
    listed = {m["mediatorId"]: m for m in below["mediators"]}
    everyone_else = len(demo_wuhou()) - 1  # the demo's 2025 course gave at most 4 h
    assert (below["totalCount"], below["hasNextPage"], len(listed)) == (everyone_else, False, everyone_else)
    assert done not in listed
    assert listed[short] == {"mediatorId": short, "hours": 20.0, "met": False, "topicQuotas": unmet}


# --- a national-scheme mediator ------------------------------------------------------------------------------


async def given_dongcheng(graph: Graph) -> None:
    """Two Beijing mediators (national scheme) serving since 2020: one with 20 h of general courses in 2025,
    one with 12 h."""
    await graph.write(
        "CREATE (p:Jurisdiction {id: 'j11', code: '110000', name: '北京市', level: 'PROVINCE'})"
        " CREATE (k:Jurisdiction {id: 'j110101', code: '110101', name: '东城区', level: 'COUNTY'})-[:PART_OF]->(p)"
        " CREATE (o:Organization {id: 'org-dc', name: '东城区人民调解委员会', kind: 'STREET_COMMITTEE'})-[:LOCATED_IN]->(k)"
        " CREATE (a:Mediator {id: 'med-n1', name: 'med-n1'})-[:MEMBER_OF {role: 'MEMBER', since: date('2020-01-01')}]->(o)"
        " CREATE (b:Mediator {id: 'med-n2', name: 'med-n2'})-[:MEMBER_OF {role: 'MEMBER', since: date('2020-01-01')}]->(o)"
        " CREATE (t:Training {id: 'dc-t1', hours: 20.0, topic: 'GENERAL', heldOn: date('2025-05-01')})"
        " CREATE (a)-[:COMPLETED {hours: 20.0, completedAt: date('2025-05-01')}]->(t)"
        " CREATE (b)-[:COMPLETED {hours: 12.0, completedAt: date('2025-05-01')}]->(t)"
    )


async def test_a_national_scheme_mediator_needs_only_the_annual_hours(graph: Graph) -> None:
    await given_dongcheng(graph)

    met = await training_status(graph, mediator_id="med-n1", year=2025, viewer=NATIONAL)
    short = await training_status(graph, mediator_id="med-n2", year=2025, viewer=NATIONAL)
    graph.round_trips.count = 0
    below = await mediators_below_training_hours(
        graph, jurisdiction="110101", year=2025, first=10, after=None, viewer=NATIONAL
    )

    assert met is not None and (met.hours, met.required_hours, met.topic_quotas, met.met) == (20.0, 20.0, [], True)
    assert short is not None and (short.hours, short.topic_quotas, short.met) == (12.0, [], False)
    assert below is not None and below.total == 1
    assert [(s.mediator_id, s.hours, s.met) for s in below.items] == [("med-n2", 12.0, False)]
    assert graph.round_trips.count == 2
