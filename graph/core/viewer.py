"""Who is reading: the agency policy as statement parameters, so it runs inside every query.

A record is seen *in full* when the viewer may read the roster (`roster`) and the record is inside the
viewer's reach: everywhere for a national viewer, the jurisdiction subtree for a judicial bureau or a
court, and what a partner agency registered or has affiliated with it. Everyone else gets the public
directory fields; the projections leave every other property null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString


@dataclass(frozen=True, slots=True)
class Viewer:
    roster: bool = False
    pii: bool = False
    national: bool = False
    jurisdiction: str | None = None
    partner: str | None = None
    written: tuple[str, ...] = ()
    """Records this request wrote: their writer sees them listed even while they await a decision."""

    def params(self) -> dict[str, Any]:
        return {
            "vRoster": self.roster,
            "vPii": self.pii,
            "vNational": self.national,
            "vJurisdiction": self.jurisdiction,
            "vPartner": self.partner,
            "vWritten": list(self.written),
        }


ANONYMOUS = Viewer()

ORGANIZATION_IN_FULL: LiteralString = (
    "($vRoster AND ($vNational"
    " OR ($vJurisdiction IS NOT NULL AND EXISTS {"
    " (n)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) })"
    " OR ($vPartner IS NOT NULL AND EXISTS { (n)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $vPartner}) })))"
)
"""Whether organization `n` is seen in full."""

MEDIATOR_IN_FULL: LiteralString = (
    "($vRoster AND ($vNational"
    " OR ($vJurisdiction IS NOT NULL AND EXISTS {"
    " (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
    "(:Jurisdiction {code: $vJurisdiction}) })"
    " OR ($vPartner IS NOT NULL AND (EXISTS { (n)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $vPartner}) }"
    " OR EXISTS { (n)-[:MEMBER_OF]->(:Organization)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $vPartner}) }))))"
)
"""Whether mediator `n` is seen in full; personal data additionally needs `$vPii`."""

AWAITING: LiteralString = "(coalesce(n.status = 'PENDING', false) AND NOT n.id IN $vWritten)"
"""Whether record `n` awaits its filing decision: a bureau's draft or a partner's registration. Such a record
is listed, found by id and shown as a member only where it is seen in full (or to the request that wrote it);
it is not yet in the public directory."""

ORGANIZATION_LISTED: LiteralString = "(NOT " + AWAITING + " OR " + ORGANIZATION_IN_FULL + ")"
"""Whether organization `n` is in the viewer's directory at all."""

MEDIATOR_AWAITING: LiteralString = (
    "((coalesce(n.status = 'PENDING', false)"
    " OR (EXISTS { (n)-[awaitingSeat:MEMBER_OF]->(awaitingOrg:Organization)"
    " WHERE (awaitingSeat.until IS NULL OR awaitingSeat.until >= date()) AND awaitingOrg.status = 'PENDING' }"
    " AND NOT EXISTS { (n)-[publicSeat:MEMBER_OF]->(publicOrg:Organization)"
    " WHERE (publicSeat.until IS NULL OR publicSeat.until >= date()) AND NOT coalesce(publicOrg.status = 'PENDING', false) }))"
    " AND NOT n.id IN $vWritten)"
)
"""Whether mediator `n` awaits a decision: its own (a partner's registration), or that of every record it
currently serves (filed into a bureau's draft or a partner's registration, refused or not yet decided). Such a
mediator is out of the public directory as those records are, whatever its own status."""

MEDIATOR_LISTED: LiteralString = "(NOT " + MEDIATOR_AWAITING + " OR " + MEDIATOR_IN_FULL + ")"
"""Whether mediator `n` is in the viewer's directory at all."""

PUBLIC_SEAT: LiteralString = "(NOT coalesce(o.status = 'PENDING', false) OR " + MEDIATOR_IN_FULL + ")"
"""Whether mediator `n`'s membership of organization `o` counts for the viewer: a seat in a record awaiting a
decision counts only where the mediator is seen in full (so a public jurisdiction filter does not find a
mediator through a committee that is not in the directory)."""

IN_REACH: LiteralString = (
    "($vNational OR ($vJurisdiction IS NOT NULL AND EXISTS {"
    " (j)-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) }))"
)
"""Whether division `j` is inside the writer's jurisdiction subtree (or the writer is national)."""
