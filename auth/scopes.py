"""The one scope vocabulary: what a client may do; the agency decides where."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Scope(StrEnum):
    ROSTER_READ = "roster:read"
    ROSTER_WRITE = "roster:write"
    PII_READ = "pii:read"
    INVITATIONS_WRITE = "invitations:write"
    REGISTRATIONS_WRITE = "registrations:write"
    CASES_WRITE = "cases:write"
    GRADES_WRITE = "grades:write"
    TRAINING_WRITE = "training:write"
    REPORTS_READ = "reports:read"
    AUDIT_READ = "audit:read"
    ADMIN = "admin"


class UnknownScope(ValueError):
    """A scope name outside the vocabulary."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(sorted(names))
        super().__init__(f"unknown scope: {', '.join(self.names)}")


def parse_scopes(text: str) -> frozenset[Scope]:
    """Scopes from a space-separated string (RFC 6749 section 3.3); any unknown name raises `UnknownScope`."""
    names = text.split()
    unknown = {name for name in names if name not in _BY_VALUE}
    if unknown:
        raise UnknownScope(unknown)
    return frozenset(_BY_VALUE[name] for name in names)


def scope_text(scopes: Iterable[Scope]) -> str:
    """The canonical space-separated form: sorted, without duplicates."""
    return " ".join(sorted({Scope(scope).value for scope in scopes}))


_BY_VALUE: dict[str, Scope] = {scope.value: scope for scope in Scope}
