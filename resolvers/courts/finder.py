"""findMediators: invited by a court (directly or through an invited organization), in a jurisdiction subtree,
with a specialty, of a minimum grade, meeting this year's training hours, speaking a language, full- or
part-time, on a court panel. Every filter is optional; they combine with AND; pages are keyset cursors by name.

"Grade 2 or better" is a rank: `minGrade: 2` keeps mediators whose current grade ranks 1 or 2 in the scheme it
was decided under (Ya'an's 首席 ranks 1, its 一级 ranks 2). Training hours are this calendar year's, against
the annual (and first-year pre-job) hours and every topic quota of the scheme of the mediator's province.
"""

from __future__ import annotations

import datetime
from typing import Any

from graph.core.driver import Graph
from graph.core.page import PageRequest
from graph.core.viewer import Viewer
from graph.core.vocabulary import Employment, Specialty
from graph.courts.finder import MediatorSearch, count_found_mediators, search_mediators
from graph.directory.mediator import MediatorRecord
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.pagination import Listing, build_filter
from resolvers.directory.jurisdiction import known_code
from resolvers.grades.training import training_rules

MAX_GRADE_RANK = 10


def valid_grade_rank(rank: int | None) -> None:
    """`minGrade` is a rank: 1 is a scheme's highest grade."""
    if rank is not None and not 1 <= rank <= MAX_GRADE_RANK:
        raise InputError(f"`minGrade` is a rank from 1 (highest) to {MAX_GRADE_RANK}.", field="minGrade")


def finder_rules(today: datetime.date) -> dict[str, Any]:
    """The training rules the statement applies (`resolvers/training.py` training_rules, as the jurisdiction
    report's); grades are current on `today`."""
    return {
        "today": today,
        "gradeDay": today,
        "yearStart": datetime.date(today.year, 1, 1),
        "yearEnd": datetime.date(today.year, 12, 31),
        "training": training_rules(),
    }


async def find_mediators(
    graph: Graph,
    *,
    court: str | None = None,
    jurisdiction: str | None = None,
    specialty: Specialty | None = None,
    min_grade: int | None = None,
    training_met: bool | None = None,
    language: str | None = None,
    employment: Employment | None = None,
    panel: Specialty | None = None,
    page: PageRequest,
    viewer: Viewer,
) -> Listing[MediatorRecord]:
    valid_grade_rank(min_grade)
    where = build_filter(
        MediatorSearch,
        court=court,
        jurisdiction=await known_code(graph, jurisdiction, field="jurisdiction"),
        specialty=specialty,
        min_grade=min_grade,
        training_met=training_met,
        language=language,
        employment=employment,
        panel=panel,
    )
    rules = finder_rules(clock.today())
    found = await search_mediators(graph, where=where, rules=rules, page=page, viewer=viewer)
    return Listing(found, page.order, lambda: count_found_mediators(graph, where=where, rules=rules, viewer=viewer))
