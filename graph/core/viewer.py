"""Who is reading: the agency policy as statement parameters, so it runs inside every query.

A record is seen *in full* when the viewer may read the roster (`roster`) and the record is inside the
viewer's reach: everywhere for a national viewer, the jurisdiction subtree for a judicial bureau or a
court, and what a partner agency registered or has affiliated with it. Everyone else gets the public
directory fields; the projections leave every other property null.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from graph.core.subtree import in_subtree, subtree_prefix


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
            "vSubtree": subtree_prefix(self.jurisdiction) if self.jurisdiction is not None else None,
            "vPartner": self.partner,
            "vWritten": list(self.written),
        }


ANONYMOUS = Viewer()

ORGANIZATION_IN_FULL: LiteralString = (
    "($vRoster AND ($vNational"
    " OR ($vSubtree IS NOT NULL AND " + in_subtree("n", "$vSubtree") + ")"
    " OR ($vPartner IS NOT NULL AND EXISTS { (n)-[:AFFILIATED_WITH]->(:PartnerAgency {id: $vPartner}) })))"
)
"""Whether organization `n` is seen in full. The jurisdiction test reads `n`'s subtree keys
(graph/core/subtree.py) rather than walking up the divisions: five properties instead of a path per row."""

MEDIATOR_IN_FULL: LiteralString = (
    "($vRoster AND ($vNational"
    " OR ($vSubtree IS NOT NULL AND EXISTS {"
    " MATCH (n)-[:MEMBER_OF]->(within:Organization) WHERE " + in_subtree("within", "$vSubtree") + " })"
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

MEDIATOR_LISTED: LiteralString = "(NOT " + AWAITING + " OR " + MEDIATOR_IN_FULL + ")"
"""Whether mediator `n` is in the viewer's directory at all."""

IN_REACH: LiteralString = (
    "($vNational OR ($vJurisdiction IS NOT NULL AND EXISTS {"
    " (j)-[:PART_OF*0..]->(:Jurisdiction {code: $vJurisdiction}) }))"
)
"""Whether division `j` is inside the writer's jurisdiction subtree (or the writer is national)."""
