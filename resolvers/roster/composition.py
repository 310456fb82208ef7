"""Who an organization must have: the People's Mediation Law's committee composition and the staffing table.

Committees (Art 8, Art 9): 3 to 9 members, exactly one chair, at least one woman, terms of at most
3 years. Full-time staffing minimums come from one rule table per organization kind, which a province
may override. A draft may break these rules; filing may not.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.core.vocabulary import PEOPLES_COMMITTEES, Employment, Gender, MembershipRole, OrganizationKind
from resolvers.core.outcomes import FieldProblem

MIN_MEMBERS, MAX_MEMBERS = 3, 9
TERM_YEARS = 3

FULL_TIME_MINIMUMS: Mapping[OrganizationKind, int] = {
    OrganizationKind.INDUSTRY_COMMITTEE: 3,
    OrganizationKind.PROFESSIONAL_COMMITTEE: 3,
    OrganizationKind.TOWNSHIP_COMMITTEE: 2,
    OrganizationKind.STREET_COMMITTEE: 2,
    OrganizationKind.STATIONED_STUDIO: 2,
    OrganizationKind.VILLAGE_COMMITTEE: 1,
    OrganizationKind.RESIDENTS_COMMITTEE: 1,
    OrganizationKind.ENTERPRISE_COMMITTEE: 1,
}
"""The national default (2018 six-department opinion as commonly cited; see research/domain.md 1.6)."""

PROVINCIAL_MINIMUMS: Mapping[str, Mapping[OrganizationKind, int]] = {
    "41": {OrganizationKind.ONE_STOP_CENTRE: 5},  # Henan funds 5+ full-time mediators per county centre
}
"""Overrides by the two-digit province code; a province may differ from the national table."""


@dataclass(frozen=True, slots=True)
class Seat:
    """A current membership as the rules see it."""

    role: MembershipRole
    gender: Gender
    employment: Employment | None
    since: datetime.date
    until: datetime.date | None


def full_time_minimum(kind: OrganizationKind, division_code: str) -> int:
    province = PROVINCIAL_MINIMUMS.get(division_code[:2], {})
    return province.get(kind, FULL_TIME_MINIMUMS.get(kind, 0))


def term_end_limit(since: datetime.date) -> datetime.date:
    """The last day of a 3-year term that starts on `since`."""
    try:
        return since.replace(year=since.year + TERM_YEARS) - datetime.timedelta(days=1)
    except ValueError:  # 29 February
        return since.replace(year=since.year + TERM_YEARS, day=28)


def term_problems(kind: OrganizationKind, since: datetime.date, until: datetime.date | None) -> list[FieldProblem]:
    if until is not None and until < since:
        return [FieldProblem("until", "The term ends before it starts.")]
    if kind in PEOPLES_COMMITTEES:
        if until is None:
            return [FieldProblem("until", "A committee term has an end: at most 3 years (People's Mediation Law Art 9).")]
        if until > term_end_limit(since):
            return [FieldProblem("until", "A committee term lasts at most 3 years (People's Mediation Law Art 9).")]
    return []


def composition_problems(
    kind: OrganizationKind, division_code: str, seats: Sequence[Seat]
) -> list[FieldProblem]:
    """What keeps an organization with these current members from being filed; empty when it may be."""
    problems: list[FieldProblem] = []
    if kind in PEOPLES_COMMITTEES:
        if not MIN_MEMBERS <= len(seats) <= MAX_MEMBERS:
            problems.append(
                FieldProblem("members", f"A committee has 3 to 9 members; this one has {len(seats)} (Art 8).")
            )
        chairs = sum(seat.role is MembershipRole.CHAIR for seat in seats)
        if chairs != 1:
            problems.append(FieldProblem("members", f"A committee has exactly one chair; this one has {chairs} (Art 8)."))
        if not any(seat.gender is Gender.FEMALE for seat in seats):
            problems.append(FieldProblem("members", "A committee includes at least one woman (Art 8)."))
    minimum = full_time_minimum(kind, division_code)
    full_time = sum(seat.employment is Employment.FULL_TIME for seat in seats)
    if full_time < minimum:
        problems.append(
            FieldProblem("members", f"This kind needs at least {minimum} full-time mediators; it has {full_time}.")
        )
    return problems
