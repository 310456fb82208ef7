"""Recommending mediators from a court's list for a case: a score in points, each point explained.

The graph gives every FILED mediator on the court's list (its own and adopted lists, directly or through an
invited organization) with what is weighed; the weights below are the one place the ranking is decided.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from graph.core.driver import Graph
from graph.core.vocabulary import Specialty
from graph.courts import case as store
from graph.courts.case import Candidate, CaseReader
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.directory.jurisdiction import known_code
from resolvers.grades.grading import SCHEMES

MAX_RECOMMENDED = 50
CANDIDATE_LIMIT = 5_000
SUCCESS_WINDOW_DAYS = 365


class Factor(StrEnum):
    PANEL = "PANEL"
    SPECIALTY = "SPECIALTY"
    GRADE = "GRADE"
    CASELOAD = "CASELOAD"
    SUCCESS_RATE = "SUCCESS_RATE"


WEIGHTS: Mapping[Factor, int] = {
    Factor.PANEL: 40,
    Factor.SPECIALTY: 20,
    Factor.GRADE: 20,
    Factor.CASELOAD: 10,
    Factor.SUCCESS_RATE: 10,
}
"""The most each factor gives: serving on the case type's panel counts most, then the specialty."""

CASELOAD_STEP = 2
"""Points lost per open case (referred or accepted, not closed), with any agency."""


@dataclass(frozen=True, slots=True)
class Score:
    factor: Factor
    points: float
    maximum: int
    reason: str


@dataclass(frozen=True, slots=True)
class Recommendation:
    mediator_id: str
    name: str
    score: float
    scores: list[Score]


def grade_points(candidate: Candidate) -> Score:
    """Rank 1 of a 4-grade scheme gives full points, rank 4 a quarter; no current grade gives none."""
    top = WEIGHTS[Factor.GRADE]
    if candidate.grade_rank is None:
        return Score(Factor.GRADE, 0.0, top, "No current grade.")
    scheme = SCHEMES.get(candidate.grade_scheme or "")
    grades = max(len(scheme.grades) if scheme else 0, candidate.grade_rank)
    points = round(top * (grades - candidate.grade_rank + 1) / grades, 2)
    name = scheme.name if scheme else candidate.grade_scheme
    return Score(Factor.GRADE, points, top, f"Grade {candidate.grade} (rank {candidate.grade_rank} of {grades}, {name}).")


def scored(candidate: Candidate, case_type: Specialty) -> Recommendation:
    on_panel = case_type.value in candidate.panels
    knows = case_type.value in candidate.specialties
    caseload = max(0, WEIGHTS[Factor.CASELOAD] - CASELOAD_STEP * candidate.open)
    rate = candidate.agreements / candidate.closed if candidate.closed else None
    scores = [
        Score(
            Factor.PANEL, float(WEIGHTS[Factor.PANEL] if on_panel else 0), WEIGHTS[Factor.PANEL],
            f"Serves on the {case_type.value} panel." if on_panel else f"Not on a {case_type.value} panel of this list.",
        ),
        Score(
            Factor.SPECIALTY, float(WEIGHTS[Factor.SPECIALTY] if knows else 0), WEIGHTS[Factor.SPECIALTY],
            f"Lists {case_type.value} as a specialty." if knows else f"Does not list {case_type.value} as a specialty.",
        ),
        grade_points(candidate),
        Score(Factor.CASELOAD, float(caseload), WEIGHTS[Factor.CASELOAD], f"{candidate.open} open cases."),
        Score(
            Factor.SUCCESS_RATE,
            round(WEIGHTS[Factor.SUCCESS_RATE] * rate, 2) if rate is not None else 0.0,
            WEIGHTS[Factor.SUCCESS_RATE],
            f"{candidate.agreements} of {candidate.closed} cases closed in the last {SUCCESS_WINDOW_DAYS} days ended"
            " in an agreement." if candidate.closed else f"No case closed in the last {SUCCESS_WINDOW_DAYS} days.",
        ),
    ]
    return Recommendation(candidate.id, candidate.name, round(sum(s.points for s in scores), 2), scores)


async def recommend_mediators(
    graph: Graph,
    *,
    court: str,
    case_type: Specialty,
    reader: CaseReader,
    jurisdiction: str | None = None,
    language: str | None = None,
    first: int | None = None,
) -> list[Recommendation] | None:
    """The court's invited mediators ranked for a case of `case_type`, best first (ties by name); None when
    the caller is neither that court nor national."""
    size = 10 if first is None else first
    if not 1 <= size <= MAX_RECOMMENDED:
        raise InputError(f"`first` must be between 1 and {MAX_RECOMMENDED}.", field="first")
    code = await known_code(graph, jurisdiction, field="jurisdiction")
    if not await store.court_in_reach(graph, court=court, reader=reader):
        return None
    today = clock.today()
    candidates = await store.recommendation_candidates(
        graph, court=court, case_type=case_type.value, on=today, since=today - datetime.timedelta(days=SUCCESS_WINDOW_DAYS),
        language=language, jurisdiction=code, limit=CANDIDATE_LIMIT,
    )
    ranked = sorted((scored(c, case_type) for c in candidates), key=lambda r: (-r.score, r.name, r.mediator_id))
    return ranked[:size]
