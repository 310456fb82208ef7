"""Expected outcomes of a write that are not success: each names a code and the field at fault."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum


class ProblemCode(StrEnum):
    VALIDATION = "VALIDATION"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    STALE_VERSION = "STALE_VERSION"
    FORBIDDEN_BY_AGENCY = "FORBIDDEN_BY_AGENCY"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Problem(Exception):
    """Raised inside a use case (its transaction rolls back) and returned to the caller as a typed payload."""

    code: ProblemCode
    field: str | None
    message: str
    details: tuple[FieldProblem, ...] = dataclasses.field(default=())

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def input_path(location: tuple[int | str, ...]) -> str:
    """Where a validation error sits, as the GraphQL input path: camelCase names, list indexes, dotted."""
    return ".".join(camel(part) if isinstance(part, str) else str(part) for part in location) or "input"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def invalid(problems: list[FieldProblem]) -> Problem:
    first = problems[0]
    return Problem(ProblemCode.VALIDATION, first.field, first.message, tuple(problems))


def not_found(kind: str, field: str) -> Problem:
    return Problem(ProblemCode.NOT_FOUND, field, f"No {kind} has this id.")


def stale(kind: str, current: int) -> Problem:
    return Problem(
        ProblemCode.STALE_VERSION, "version", f"The {kind} changed since it was read; it is now at version {current}."
    )


def forbidden(message: str, field: str | None = None) -> Problem:
    return Problem(ProblemCode.FORBIDDEN_BY_AGENCY, field, message)


def conflict(message: str, field: str | None = None) -> Problem:
    return Problem(ProblemCode.CONFLICT, field, message)
