"""The reports' figures computed again in plain Python from the demo roster, for the tests to compare against.

Nothing here reads the graph: the roster (`seed.demo.demo_roster`) and the demo grades (`seed.grades`) are the
source, with the tests' own changes applied to both the graph and this model.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graph.core.vocabulary import PEOPLES_COMMITTEES, OrganizationKind
from resolvers.roster.composition import full_time_minimum
from seed.demo import demo_roster
from seed.grades import demo_grades
from seed.places import SICHUAN
from seed.roster import Roster
from tests.conftest import HASH_KEY

PARENT = {place.code: place.parent for place in SICHUAN}
YA_AN_TOPICS = {"SPECIALISED_SKILLS": 14.0}
"""The topic quotas of Ya'an's scheme (resolvers/schemes/yaan.json), which Sichuan (51), the demo's only
province, uses: 14 h of specialised skills a year within its 20 annual hours."""


def inside(code: str, root: str) -> bool:
    """Whether division `code` lies in the subtree of `root`, walking the demo's parent links."""
    current: str | None = code
    while current is not None:
        if current == root:
            return True
        current = PARENT.get(current)
    return False


@dataclass
class Demo:
    """The demo roster as the tests change it."""

    roster: Roster = field(default_factory=lambda: demo_roster(HASH_KEY))
    grades: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.grades = demo_grades(self.roster)

    @property
    def mediators(self) -> dict[str, dict[str, Any]]:
        return {m["id"]: m["props"] for m in self.roster.mediators}

    @property
    def organizations(self) -> dict[str, dict[str, Any]]:
        return {o["id"]: o for o in self.roster.organizations}

    def organization_named(self, name: str) -> str:
        found: str = next(o["id"] for o in self.roster.organizations if o["props"]["name"] == name)
        return found

    def members(self, organization: str, on: datetime.date) -> list[dict[str, Any]]:
        return [
            m for m in self.roster.memberships
            if m["organization"] == organization and m["since"] <= on and (m["until"] is None or m["until"] >= on)
        ]

    def serving(self, root: str, start: datetime.date, end: datetime.date) -> set[str]:
        """Mediators with a membership overlapping the period in an organization of the subtree."""
        organizations = self.organizations
        return {
            m["mediator"] for m in self.roster.memberships
            if inside(organizations[m["organization"]]["jurisdiction"], root)
            and m["since"] <= end and (m["until"] is None or m["until"] >= start)
        }

    def current(self, root: str, on: datetime.date) -> set[str]:
        return self.serving(root, on, on)

    def grade_of(self, mediator: str, on: datetime.date) -> tuple[str, str, int] | None:
        decided = [
            g for g in self.grades
            if g["mediator"] == mediator and g["props"]["status"] == "DECIDED"
            and g["props"]["validFrom"] <= on <= g["props"]["validUntil"]
        ]
        if not decided:
            return None
        latest = max(decided, key=lambda g: (g["props"]["decidedAt"], g["id"]))["props"]
        return latest["scheme"], latest["grade"], latest["rank"]

    def hours(self, mediator: str, year: int, topic: str | None = None) -> float:
        """Hours of the year's courses, of all of them or only those tagged with `topic`."""
        hours: float = sum(
            t["props"]["hours"] for t in self.roster.trainings
            if mediator in t["attendees"] and t["props"]["heldOn"].year == year
            and (topic is None or t["props"].get("topic") == topic)
        )
        return hours

    def first_since(self, mediator: str) -> datetime.date:
        since: datetime.date = min(m["since"] for m in self.roster.memberships if m["mediator"] == mediator)
        return since

    def met_training(
        self, mediator: str, year: int, annual: float = 20.0, pre_job: float = 10.0, topics: dict[str, float] | None = None
    ) -> bool:
        """The year's hours reach `annual` (plus `pre_job` in the first year) and each topic's quota: Ya'an's rule
        unless told otherwise (`topics={}` drops the quotas)."""
        required = annual + (pre_job if self.first_since(mediator).year == year else 0.0)
        quotas = YA_AN_TOPICS if topics is None else topics
        return self.hours(mediator, year) >= required and all(
            self.hours(mediator, year, topic) >= minimum for topic, minimum in quotas.items()
        )

    def organization_counts(self, root: str) -> Counter[str]:
        return Counter(o["props"]["kind"] for o in self.roster.organizations if inside(o["jurisdiction"], root))

    def seats(self, organization: str, on: datetime.date) -> dict[str, int]:
        people = self.mediators
        seated = [m for m in self.members(organization, on) if people[m["mediator"]]["status"] != "DEREGISTERED"]
        return {
            "members": len(seated),
            "chairs": sum(m["role"] == "CHAIR" for m in seated),
            "women": sum(people[m["mediator"]]["gender"] == "FEMALE" for m in seated),
            "fullTime": sum(people[m["mediator"]]["employment"] == "FULL_TIME" for m in seated),
        }

    def understaffed(self, root: str, on: datetime.date) -> list[tuple[str, int, int]]:
        """(name, full-time, minimum) of FILED organizations below their staffing minimum, by name."""
        found = []
        for o in self.roster.organizations:
            if not inside(o["jurisdiction"], root) or o["props"]["status"] != "FILED":
                continue
            minimum = full_time_minimum(OrganizationKind(o["props"]["kind"]), o["jurisdiction"])
            full_time = self.seats(o["id"], on)["fullTime"]
            if full_time < minimum:
                found.append((o["props"]["name"], full_time, minimum))
        return sorted(found)

    def breaches(self, root: str, on: datetime.date) -> list[tuple[str, list[str]]]:
        """(name, broken rules) of FILED committees breaking Art 8, by name."""
        found = []
        for o in self.roster.organizations:
            if not inside(o["jurisdiction"], root) or o["props"]["status"] != "FILED":
                continue
            if OrganizationKind(o["props"]["kind"]) not in PEOPLES_COMMITTEES:
                continue
            seats = self.seats(o["id"], on)
            broken = [
                rule for rule, bad in (
                    ("MEMBER_COUNT", not 3 <= seats["members"] <= 9),
                    ("ONE_CHAIR", seats["chairs"] != 1),
                    ("A_WOMAN", seats["women"] == 0),
                ) if bad
            ]
            if broken:
                found.append((o["props"]["name"], broken))
        return sorted(found)


@dataclass(frozen=True)
class Case:
    code: str
    mediator: str
    agency: str
    accepted: datetime.date | None
    deadline: datetime.date | None
    closed: datetime.date | None = None
    outcome: str | None = None

    def props(self) -> dict[str, Any]:
        return {
            "caseCode": self.code, "caseType": "FAMILY", "acceptedAt": self.accepted, "deadline": self.deadline,
            "closedAt": self.closed, "outcome": self.outcome,
        }


def case_figures(cases: list[Case], start: datetime.date, end: datetime.date, today: datetime.date) -> dict[str, Any]:
    accepted = [c for c in cases if c.accepted is not None and start <= c.accepted <= end]
    closed = [c for c in cases if c.closed is not None and start <= c.closed <= end]
    agreed = [c for c in closed if c.outcome == "AGREEMENT"]
    overdue = [c for c in cases if c.accepted is not None and c.closed is None and c.deadline is not None and c.deadline < today]
    days = [(c.closed - c.accepted).days for c in closed if c.accepted is not None and c.closed is not None]
    return {
        "accepted": len(accepted),
        "closed": len(closed),
        "agreements": len(agreed),
        "successRate": round(len(agreed) / len(closed), 4) if closed else None,
        "averageDays": round(sum(days) / len(days), 2) if days else None,
        "overdue": len(overdue),
    }
