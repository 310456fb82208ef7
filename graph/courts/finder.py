"""findMediators: the question users ask most, every filter optional and combinable, one keyset page per call.

The statement starts from the most selective anchor it is given (a court's list, a panel, a jurisdiction
subtree, else every mediator; a closed choice among literal fragments), applies the cheap property filters,
and computes the current grade and this year's training hours only when those filters are asked for. Only
FILED mediators inside the viewer's report reach (`graph/report.py` MEDIATOR_IN_REACH) are found; the page's
projection still follows the roster policy (`MEDIATOR_IN_FULL`), so `reports:read` alone shows public fields,
and the filters on employment and training hours, which are not public, match no one without `roster:read`.
"""

from __future__ import annotations

from typing import Any, LiteralString

from graph.core.driver import Graph
from graph.core.page import Page, PageRequest, paged_query, split_page
from graph.core.records import Filter, Language
from graph.core.terms import current, in_force
from graph.core.viewer import MEDIATOR_IN_FULL, Viewer
from graph.core.vocabulary import Employment, Specialty
from graph.directory.mediator import PROJECTION, MediatorRecord
from graph.grades.assessment import CURRENT_GRADE_RANK, NO_GRADE_RANK
from graph.grades.grading import FIRST_SINCE, PROVINCE, TRAINING_MET, YEAR_COURSES
from graph.reports.jurisdiction import MEDIATOR_IN_REACH


class MediatorSearch(Filter):
    court: str | None = None
    jurisdiction: str | None = None
    specialty: Specialty | None = None
    min_grade: int | None = None
    training_met: bool | None = None
    language: Language | None = None
    employment: Employment | None = None
    panel: Specialty | None = None


_CURRENT: LiteralString = current("m", "$today")

_INVITED: LiteralString = (
    " UNWIND [(s)-[r:INVITES]->(t) WHERE " + in_force("r", "$today") +
    " AND ($panel IS NULL OR $panel IN r.panels) | t] AS t"
    " WITH DISTINCT t"
    " UNWIND CASE WHEN t:Mediator THEN [t] ELSE [(t)<-[m:MEMBER_OF]-(p:Mediator) WHERE p.status = 'FILED' AND "
    + _CURRENT + " | p] END AS n"
    " WITH DISTINCT n"
)
"""Mediators on the list of court(s) `s` today: invited directly, or current FILED members of an invited
organization (as `graph/invitation.py` builds a court's list). Relations of nodes bound by an earlier clause are
read through pattern comprehensions, which stay linear on ArcadeDB where a MATCH from them does not."""

BY_COURT: LiteralString = (
    "MATCH (c:Court {id: $court}) WITH [c] + [(c)-[:ADOPTS]->(h:Court) | h] AS sources UNWIND sources AS s" + _INVITED
)
"""On the court's list, its own entries and those of the higher courts' lists it adopted."""

BY_PANEL: LiteralString = "MATCH (s:Court)" + _INVITED
"""On any court's list, for a panel."""

BY_SUBTREE: LiteralString = (
    "MATCH (root:Jurisdiction {code: $jurisdiction}) MATCH (j:Jurisdiction)-[:PART_OF*0..]->(root)"
    " MATCH (n:Mediator)-[m:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(j) WHERE " + _CURRENT + " WITH DISTINCT n"
)
EVERYONE: LiteralString = "MATCH (n:Mediator)"

_FILTERS: LiteralString = (
    " WITH n WHERE n.status = 'FILED' AND " + MEDIATOR_IN_REACH
    + " AND ($specialty IS NULL OR $specialty IN n.specialties)"
    " AND ($language IS NULL OR $language IN n.languages)"
    " AND ($employment IS NULL OR ($vRoster AND n.employment = $employment))"
    " AND ($jurisdiction IS NULL OR EXISTS { (n)-[m:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
    "-[:PART_OF*0..]->(:Jurisdiction {code: $jurisdiction}) WHERE " + _CURRENT + " })"
    " WITH n WHERE CASE WHEN $minGrade IS NULL THEN true"
    " ELSE coalesce(" + CURRENT_GRADE_RANK + ", " + NO_GRADE_RANK + ") <= $minGrade END"
    " WITH n, CASE WHEN $trainingMet IS NULL THEN null ELSE " + PROVINCE + " END AS province,"
    " CASE WHEN $trainingMet IS NULL THEN null ELSE " + FIRST_SINCE + " END AS firstSince,"
    " CASE WHEN $trainingMet IS NULL THEN [] ELSE " + YEAR_COURSES + " END AS done"
    " WITH n WHERE $trainingMet IS NULL OR ($vRoster AND (" + TRAINING_MET + ") = $trainingMet)"
)
"""Filters on fields that are not public (employment, the training ledger) match only with `$vRoster`: in reach,
that is MEDIATOR_IN_FULL, so a filter never tells a caller what the field itself would not (as `mediators`).
Training is met as everywhere else (`graph/grading.py` TRAINING_MET): the annual hours, pre-job hours in the first
year and every topic quota of the scheme of the mediator's province."""


def _anchor(where: MediatorSearch) -> LiteralString:
    if where.court is not None:
        return BY_COURT
    if where.panel is not None:
        return BY_PANEL
    if where.jurisdiction is not None:
        return BY_SUBTREE
    return EVERYONE


async def search_mediators(
    graph: Graph, *, where: MediatorSearch, rules: dict[str, Any], page: PageRequest, viewer: Viewer
) -> Page[MediatorRecord]:
    """`rules`: `today`, `gradeDay`, `yearStart`, `yearEnd` and `training` (TRAINING_MET's rules)."""
    rows = await graph.read(
        paged_query(_anchor(where) + _FILTERS, PROJECTION, page, full=MEDIATOR_IN_FULL),
        **where.params(),
        **rules,
        **page.params(),
        **viewer.params(),
    )
    return split_page(rows, page, MediatorRecord)


async def count_found_mediators(graph: Graph, *, where: MediatorSearch, rules: dict[str, Any], viewer: Viewer) -> int:
    rows = await graph.read(
        _anchor(where) + _FILTERS + " RETURN count(n) AS total", **where.params(), **rules, **viewer.params()
    )
    return int(rows[0]["total"]) if rows else 0
