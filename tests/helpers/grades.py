"""Grade schemes copied to a temporary folder, and the demo's training hours and Wuhou mediators."""

from __future__ import annotations

import shutil
from pathlib import Path

from resolvers.grades.grading import (
    SCHEME_DIR,
)
from seed.demo import demo_roster
from tests.conftest import HASH_KEY


def copy_schemes(tmp_path: Path) -> Path:
    for path in SCHEME_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def demo_hours(year: int) -> dict[str, float]:
    roster = demo_roster(HASH_KEY)
    hours = {m["id"]: 0.0 for m in roster.mediators}
    for course in roster.trainings:
        if course["props"]["heldOn"].year == year:
            for mediator in course["attendees"]:
                hours[mediator] += course["props"]["hours"]
    return hours


def demo_wuhou() -> dict[str, str]:
    """Mediators of organizations inside Wuhou district, by id, with their names."""
    roster = demo_roster(HASH_KEY)
    inside = {o["id"] for o in roster.organizations if o["jurisdiction"].startswith("510107")}
    names = {m["id"]: m["props"]["name"] for m in roster.mediators}
    return {m["mediator"]: names[m["mediator"]] for m in roster.memberships if m["organization"] in inside}

