"""Grade schemes as data (with their training rules) and grade eligibility; `resolvers/training.py` checks the
training ledger against those rules.

Schemes live in `resolvers/schemes/*.json`, one file per scheme, validated at import: a bad file stops the
process with its name. The graph aggregates what a mediator did (`graph/grading.py`); this module checks
those measures against a scheme's criteria, so the rules are written once for one mediator and for many.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from graph.core.driver import Graph
from graph.core.page import Order
from graph.core.records import camel
from graph.core.viewer import Viewer
from graph.core.vocabulary import TrainingTopic
from graph.grades.grading import (
    Measures,
    jurisdiction_in_reach,
    measures_in_jurisdiction,
    measures_of_mediator,
)
from resolvers.core import clock
from resolvers.core.errors import InputError
from resolvers.core.pagination import encode_cursor, page_request

SCHEME_DIR = Path(__file__).with_name("schemes")
DEFAULT_SCHEME = "national"
Province = Annotated[str, StringConstraints(pattern=r"^\d{2}$")]
Share = Annotated[float, Field(ge=0, le=1)]


class SchemeModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", alias_generator=camel, populate_by_name=True)


class CredentialRequirement(SchemeModel):
    scheme: str = Field(min_length=1)
    min_level: int | None = Field(default=None, ge=0)
    """A numeric credential level of at least this; any level when absent."""


class Criteria(SchemeModel):
    """Thresholds for one grade; a criterion left out does not apply."""

    min_years_of_service: float | None = Field(default=None, ge=0)
    min_cases: int | None = Field(default=None, ge=0)
    min_success_rate: Share | None = None
    max_oral_share: Share | None = None
    min_training_hours: float | None = Field(default=None, ge=0)
    required_credentials: list[CredentialRequirement] = Field(default_factory=list, max_length=10)
    max_sanctions: int | None = Field(default=None, ge=0)
    no_criminal_escalation: bool = False


class Grade(SchemeModel):
    grade: str = Field(min_length=1, max_length=20)
    rank: int = Field(ge=1)
    criteria: Criteria


class TrainingRule(SchemeModel):
    annual_hours: float = Field(default=20.0, ge=0)
    pre_job_hours: float = Field(default=0.0, ge=0)
    topic_hours: dict[TrainingTopic, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    """Minimum hours a year of a topic, counted within the annual hours (courses without a topic count
    only toward those)."""

    @model_validator(mode="after")
    def _quotas_fit(self) -> TrainingRule:
        total = sum(self.topic_hours.values())
        if total > self.annual_hours:
            raise ValueError(f"topic quotas add up to {total:g} hours, more than the {self.annual_hours:g} annual hours")
        return self


class GradeScheme(SchemeModel):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
    name: str = Field(min_length=1)
    source: str = ""
    provinces: list[Province] = Field(max_length=34)
    grades: list[Grade] = Field(min_length=1, max_length=10)
    period_years: int = Field(ge=1, le=10)
    training: TrainingRule = TrainingRule()

    @model_validator(mode="after")
    def _ranks(self) -> GradeScheme:
        ranks = sorted(grade.rank for grade in self.grades)
        if ranks != list(range(1, len(self.grades) + 1)):
            raise ValueError(f"grade ranks must be 1..{len(self.grades)} once each, got {ranks}")
        if len({grade.grade for grade in self.grades}) != len(self.grades):
            raise ValueError("grade names must be unique")
        return self

    def by_rank(self) -> list[Grade]:
        """Highest grade (rank 1) first."""
        return sorted(self.grades, key=lambda grade: grade.rank)

    def period(self, end: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The assessment period ending on `end` (inclusive), `period_years` long."""
        day = min(end.day, 28) if end.month == 2 else end.day
        return datetime.date(end.year - self.period_years, end.month, day) + datetime.timedelta(days=1), end


class SchemeFileError(ValueError):
    """A scheme file is not valid JSON, breaks the model or clashes with another file."""


def load_scheme_file(path: Path) -> GradeScheme:
    try:
        return GradeScheme.model_validate_json(path.read_bytes())
    except (ValidationError, OSError) as error:
        raise SchemeFileError(f"grade scheme {path.name}: {error}") from error


def load_schemes(directory: Path) -> dict[str, GradeScheme]:
    """Every `*.json` in `directory`; ids and provinces must be unique and the national scheme present."""
    schemes: dict[str, GradeScheme] = {}
    claimed: dict[str, str] = {}
    for path in sorted(directory.glob("*.json")):
        scheme = load_scheme_file(path)
        if scheme.id in schemes:
            raise SchemeFileError(f"grade scheme {path.name}: the id {scheme.id!r} is used twice")
        for province in scheme.provinces:
            if province in claimed:
                raise SchemeFileError(f"grade scheme {path.name}: province {province} already uses {claimed[province]!r}")
            claimed[province] = scheme.id
        schemes[scheme.id] = scheme
    if DEFAULT_SCHEME not in schemes:
        raise SchemeFileError(f"grade schemes in {directory}: the default scheme {DEFAULT_SCHEME!r} is missing")
    return schemes


SCHEMES: dict[str, GradeScheme] = load_schemes(SCHEME_DIR)


def scheme_for_division(code: str | None) -> GradeScheme:
    """The scheme the division's province chose; the national scheme otherwise."""
    province = (code or "")[:2]
    return next((s for s in SCHEMES.values() if province in s.provinces), SCHEMES[DEFAULT_SCHEME])


def scheme_by_id(id: str) -> GradeScheme:
    if id not in SCHEMES:
        raise InputError(f"No grade scheme is called {id!r}; known: {', '.join(sorted(SCHEMES))}.", field="scheme")
    return SCHEMES[id]


class Criterion(StrEnum):
    YEARS_OF_SERVICE = "YEARS_OF_SERVICE"
    CASES = "CASES"
    SUCCESS_RATE = "SUCCESS_RATE"
    ORAL_SHARE = "ORAL_SHARE"
    TRAINING_HOURS = "TRAINING_HOURS"
    CREDENTIALS = "CREDENTIALS"
    SANCTIONS = "SANCTIONS"
    CRIMINAL_ESCALATION = "CRIMINAL_ESCALATION"


@dataclass(frozen=True, slots=True)
class CriterionCheck:
    criterion: Criterion
    required: float
    actual: float
    passed: bool


@dataclass(frozen=True, slots=True)
class GradeCheck:
    grade: str
    rank: int
    qualified: bool
    criteria: list[CriterionCheck]


@dataclass(frozen=True, slots=True)
class Eligibility:
    mediator_id: str
    scheme: GradeScheme
    period_start: datetime.date
    period_end: datetime.date
    highest: GradeCheck | None
    next: GradeCheck | None


def years_of_service(measures: Measures) -> float:
    return round(measures.service_days / 365.25, 2)


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def credentials_met(requirements: list[CredentialRequirement], measures: Measures) -> int:
    def meets(need: CredentialRequirement) -> bool:
        return any(
            held.scheme == need.scheme
            and (need.min_level is None or (held.level or "").isdigit() and int(held.level or 0) >= need.min_level)
            for held in measures.credentials
        )

    return sum(1 for need in requirements if meets(need))


Threshold = tuple[Criterion, float, bool]
"""A criterion, its required value and whether that value is a maximum (else a minimum)."""


def thresholds(grade: Grade) -> list[Threshold]:
    c = grade.criteria
    listed: list[tuple[Criterion, float | None, bool]] = [
        (Criterion.YEARS_OF_SERVICE, c.min_years_of_service, False),
        (Criterion.CASES, c.min_cases, False),
        (Criterion.SUCCESS_RATE, c.min_success_rate, False),
        (Criterion.ORAL_SHARE, c.max_oral_share, True),
        (Criterion.TRAINING_HOURS, c.min_training_hours, False),
        (Criterion.CREDENTIALS, len(c.required_credentials) or None, False),
        (Criterion.SANCTIONS, c.max_sanctions, True),
        (Criterion.CRIMINAL_ESCALATION, 0 if c.no_criminal_escalation else None, True),
    ]
    return [(kind, float(value), most) for kind, value, most in listed if value is not None]


def actuals(grade: Grade, m: Measures) -> dict[Criterion, float]:
    return {
        Criterion.YEARS_OF_SERVICE: years_of_service(m),
        Criterion.CASES: float(m.cases),
        Criterion.SUCCESS_RATE: share(m.agreements, m.cases),
        Criterion.ORAL_SHARE: share(m.oral, m.cases),
        Criterion.TRAINING_HOURS: round(m.training_hours, 2),
        Criterion.CREDENTIALS: float(credentials_met(grade.criteria.required_credentials, m)),
        Criterion.SANCTIONS: float(m.sanctions),
        Criterion.CRIMINAL_ESCALATION: float(m.escalated),
    }


def passes(required: float, actual: float, at_most: bool) -> bool:
    return actual <= required if at_most else actual >= required


def check_grade(grade: Grade, measures: Measures) -> GradeCheck:
    values = actuals(grade, measures)
    checks = [CriterionCheck(kind, req, values[kind], passes(req, values[kind], most)) for kind, req, most in thresholds(grade)]
    return GradeCheck(grade.grade, grade.rank, all(check.passed for check in checks), checks)


def assess(scheme: GradeScheme, measures: Measures) -> tuple[GradeCheck | None, GradeCheck | None]:
    """The highest grade qualified for (rank 1 is highest) and the one above it (the lowest grade if none)."""
    checks = [check_grade(grade, measures) for grade in scheme.by_rank()]
    highest = next((check for check in checks if check.qualified), None)
    if highest is None:
        return None, checks[-1]
    return highest, (checks[highest.rank - 2] if highest.rank > 1 else None)


def highest_grade(ladder: list[tuple[Grade, list[Threshold]]], measures: Measures) -> str | None:
    """The same answer as `assess(...)[0]`, without building the criterion list (for whole jurisdictions)."""
    for grade, rules in ladder:
        values = actuals(grade, measures)
        if all(passes(req, values[kind], most) for kind, req, most in rules):
            return grade.grade
    return None


def valid_year(year: int, field: str = "year") -> int:
    if not 1990 <= year <= 2100:
        raise InputError(f"`{field}` must fall between 1990 and 2100.", field=field)
    return year


def valid_division(code: str) -> str:
    if not (code.isdigit() and len(code) in (6, 12)):
        raise InputError("`jurisdiction` must be a 6- or 12-digit division code.", field="jurisdiction")
    return code


def period_end_or_today(day: datetime.date | None) -> datetime.date:
    end = day or clock.today()
    valid_year(end.year, "periodEnd")
    return end


async def grade_eligibility(
    graph: Graph, *, mediator_id: str, scheme: str | None, period_end: datetime.date | None, viewer: Viewer
) -> Eligibility | None:
    """None when the mediator is unknown or outside the viewer's reach."""
    end = period_end_or_today(period_end)
    chosen = scheme_by_id(scheme) if scheme else None
    default = chosen or SCHEMES[DEFAULT_SCHEME]
    periods = None if chosen else {p: s.period(end)[0] for s in SCHEMES.values() for p in s.provinces}
    measures = await measures_of_mediator(
        graph, id=mediator_id, start=default.period(end)[0], end=end, periods=periods, viewer=viewer
    )
    if measures is None:
        return None
    used = chosen or scheme_for_division(measures.province)
    highest, above = assess(used, measures)
    return Eligibility(mediator_id, used, measures.period_start, end, highest, above)


@dataclass(frozen=True, slots=True)
class Assessed:
    mediator_id: str
    name: str
    highest: str | None

    @property
    def cursor(self) -> str:
        return encode_cursor(Order.NAME, self.name, self.mediator_id)


@dataclass(frozen=True, slots=True)
class GradeReport:
    scheme: GradeScheme
    period_start: datetime.date
    period_end: datetime.date
    assessed: int
    counts: dict[str, int]
    ungraded: int
    page: list[Assessed]
    has_next: bool


async def bulk_assess(
    graph: Graph,
    *,
    jurisdiction: str,
    scheme: str | None,
    period_end: datetime.date | None,
    first: int | None,
    after: str | None,
    viewer: Viewer,
) -> GradeReport | None:
    """Every mediator of the subtree measured in one statement; None when the subtree is out of reach."""
    request = page_request(first=first, after=after)
    used = scheme_by_id(scheme) if scheme else scheme_for_division(valid_division(jurisdiction))
    start, end = used.period(period_end_or_today(period_end))
    if not await jurisdiction_in_reach(graph, jurisdiction=jurisdiction, viewer=viewer):
        return None
    rows = await measures_in_jurisdiction(graph, jurisdiction=jurisdiction, start=start, end=end, viewer=viewer)
    rows.sort(key=lambda row: (row.name, row.id))
    counts = {grade.grade: 0 for grade in used.by_rank()}
    assessed: list[Assessed] = []
    ladder = [(grade, thresholds(grade)) for grade in used.by_rank()]
    for row in rows:
        highest = highest_grade(ladder, row)
        if highest is not None:
            counts[highest] += 1
        assessed.append(Assessed(row.id, row.name, highest))
    if request.after_id is not None:
        assessed = [a for a in assessed if (a.name, a.mediator_id) > (str(request.after_key), request.after_id)]
    ungraded = len(rows) - sum(counts.values())
    page = assessed[: request.first]
    return GradeReport(used, start, end, len(rows), counts, ungraded, page, len(assessed) > request.first)
