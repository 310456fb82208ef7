"""Who is calling: a client acting for an agency, as proven by a validated access token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from auth.scopes import Scope
from graph.core.vocabulary import AgencyKind


@dataclass(frozen=True)
class Principal:
    client_id: str
    agency_id: str
    agency_kind: AgencyKind
    jurisdiction: str | None
    scopes: frozenset[Scope]
    token_id: str
    expires_at: datetime

    def has(self, *scopes: Scope) -> bool:
        """All of the given scopes (all-of; call it once per scope for any-of)."""
        return all(scope in self.scopes for scope in scopes)
