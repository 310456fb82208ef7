"""Agency policy: where a caller's scopes apply, as a `Viewer` that every graph statement enforces."""

from __future__ import annotations

from auth.principal import Principal
from auth.scopes import Scope
from graph.core.viewer import ANONYMOUS, Viewer
from graph.core.vocabulary import AgencyKind


def viewer_for(principal: Principal | None) -> Viewer:
    """National for the platform administrator; the jurisdiction subtree for bureaus and courts;
    its own registrations and affiliates for a partner agency; the public directory for everyone else."""
    if principal is None:
        return ANONYMOUS
    roster = principal.has(Scope.ROSTER_READ)
    pii = roster and principal.has(Scope.PII_READ)
    match principal.agency_kind:
        case AgencyKind.PLATFORM_ADMIN:
            return Viewer(roster=roster, pii=pii, national=True)
        case AgencyKind.JUDICIAL_BUREAU | AgencyKind.COURT:
            return Viewer(roster=roster, pii=pii, jurisdiction=principal.jurisdiction)
        case AgencyKind.PARTNER_AGENCY:
            return Viewer(roster=roster, pii=pii, partner=principal.agency_id)
    return ANONYMOUS
