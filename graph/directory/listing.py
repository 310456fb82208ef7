"""The directory's denormalized keys: what lets a subtree's first page be read in index order.

A division's subtree is a range of one indexed key, so a read anchored on a division touches the rows of its
answer, not every organization or mediator of the country:

- every Organization has `nameKey` (name, id) and, for each level of its division and of that division's
  ancestors, `inProvince`, `inCity`, `inCounty`, `inTownship`, `inVillage` = ancestor code, name, id;
- every Mediator has `nameKey`;
- every MEMBER_OF edge has one `Listing` node (joined by the `mediator` and `organization` ids, with the
  term's `since` and `until`) whose `in<Level>` keys carry the organization's ancestors and the mediator's
  name and id, so "mediators in this division" is a range of listings, already in name order.

The parts of a key are joined by SEP, which sorts below every character a name can hold, so keys order as
(code, name, id) do. The keys are rewritten in the same transaction as every recorded change to an
organization or a mediator (`refresh_changed`, beside every `record_changes`), and built in bulk by the
generator with graph/directory/keys.py, which computes the same values in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.audit.trail import Change, EntityKind
from graph.core.driver import Graph
from graph.core.page import PageRequest, keyset_in_index_order
from graph.core.subtree import SEP, TOP, subtree_range
from graph.core.vocabulary import JurisdictionLevel

LEVEL_PROPERTY: dict[JurisdictionLevel, LiteralString] = {
    JurisdictionLevel.PROVINCE: "inProvince",
    JurisdictionLevel.CITY: "inCity",
    JurisdictionLevel.COUNTY: "inCounty",
    JurisdictionLevel.TOWNSHIP: "inTownship",
    JurisdictionLevel.VILLAGE: "inVillage",
}
"""The key property of each level: the one a subtree read of a division at that level ranges over."""


LISTING_CURRENT: LiteralString = (
    "(l.since IS NULL OR l.since <= $today) AND (l.until IS NULL OR l.until >= $today)"
)
"""Whether listing `l`'s membership is current on `$today` (the registry's day)."""

MEMBERSHIP_CURRENT: LiteralString = (
    "(r.since IS NULL OR r.since <= $today) AND (r.until IS NULL OR r.until >= $today)"
)
"""Whether membership `r` is current on `$today` (the registry's day)."""


def key(*parts: str) -> str:
    return SEP.join(parts)


def window(
    *,
    jurisdiction: str | None,
    level: JurisdictionLevel | None,
    page: PageRequest,
    in_division: Mapping[JurisdictionLevel, LiteralString],
    everywhere: LiteralString,
    keyed: LiteralString,
) -> tuple[LiteralString, LiteralString, dict[str, Any]]:
    """The anchored statement of a name-ordered page, its sort key and its key range: the division's range of
    `keyed` (the variable holding the `in<Level>` keys: `n` or a listing `l`), or the national `nameKey` range."""
    in_order = keyset_in_index_order(page)  # otherwise the cursor is applied by the sort (paged_query)
    after = key(str(page.after_key), str(page.after_id)) if in_order and page.after_id is not None else ""
    if jurisdiction is not None and level is not None:
        low, high = subtree_range(jurisdiction)
        return in_division[level], keyed + "." + LEVEL_PROPERTY[level], {"lo": low + after, "hi": high}
    return everywhere, "n.nameKey", {"lo": after, "hi": TOP}


_ORGANIZATION_KEYS: LiteralString = """
UNWIND $ids AS id
MATCH (o:Organization {id: id})
OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(a:Jurisdiction)
WITH o, collect(a) AS up
SET o.nameKey = o.name + $sep + o.id,
    o.inProvince = [a IN up WHERE a.level = 'PROVINCE' | a.code + $sep + o.name + $sep + o.id][0],
    o.inCity = [a IN up WHERE a.level = 'CITY' | a.code + $sep + o.name + $sep + o.id][0],
    o.inCounty = [a IN up WHERE a.level = 'COUNTY' | a.code + $sep + o.name + $sep + o.id][0],
    o.inTownship = [a IN up WHERE a.level = 'TOWNSHIP' | a.code + $sep + o.name + $sep + o.id][0],
    o.inVillage = [a IN up WHERE a.level = 'VILLAGE' | a.code + $sep + o.name + $sep + o.id][0]
"""

_MEDIATOR_KEYS: LiteralString = """
UNWIND $ids AS id
MATCH (m:Mediator {id: id})
SET m.nameKey = m.name + $sep + m.id
"""

_DROP_LISTINGS: LiteralString = """
UNWIND $mediators AS id
MATCH (l:Listing {mediator: id})
DETACH DELETE l
"""

_DROP_ORGANIZATION_LISTINGS: LiteralString = """
UNWIND $organizations AS id
MATCH (l:Listing {organization: id})
DETACH DELETE l
"""

_CREATE_LISTINGS: LiteralString = """
UNWIND $mediators AS id
MATCH (m:Mediator {id: id})-[r:MEMBER_OF]->(o:Organization)
OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(a:Jurisdiction)
WITH m, r, o, collect(a) AS up
CREATE (:Listing {
    mediator: m.id, organization: o.id, since: r.since, until: r.until,
    inProvince: [a IN up WHERE a.level = 'PROVINCE' | a.code + $sep + m.name + $sep + m.id][0],
    inCity: [a IN up WHERE a.level = 'CITY' | a.code + $sep + m.name + $sep + m.id][0],
    inCounty: [a IN up WHERE a.level = 'COUNTY' | a.code + $sep + m.name + $sep + m.id][0],
    inTownship: [a IN up WHERE a.level = 'TOWNSHIP' | a.code + $sep + m.name + $sep + m.id][0],
    inVillage: [a IN up WHERE a.level = 'VILLAGE' | a.code + $sep + m.name + $sep + m.id][0]
})
"""

_MEMBERS: LiteralString = """
UNWIND $organizations AS id
MATCH (:Organization {id: id})<-[:MEMBER_OF]-(m:Mediator)
RETURN DISTINCT m.id AS id
"""


async def refresh(
    graph: Graph,
    tx: AsyncManagedTransaction,
    *,
    mediators: Iterable[str] = (),
    organizations: Iterable[str] = (),
) -> None:
    """Rewrite the keys of these organizations and mediators, and the listings of every membership they hold
    (an organization's listings follow it when it moves), inside the caller's transaction."""
    mediator_ids = sorted(set(mediators))
    organization_ids = sorted(set(organizations))
    if organization_ids:
        await graph.rows(tx, _ORGANIZATION_KEYS, ids=organization_ids, sep=SEP)
        members = await graph.rows(tx, _MEMBERS, organizations=organization_ids)
        await graph.rows(tx, _DROP_ORGANIZATION_LISTINGS, organizations=organization_ids)
        mediator_ids = sorted(set(mediator_ids) | {str(row["id"]) for row in members})
    if mediator_ids:
        await graph.rows(tx, _MEDIATOR_KEYS, ids=mediator_ids, sep=SEP)
        await graph.rows(tx, _DROP_LISTINGS, mediators=mediator_ids)
        await graph.rows(tx, _CREATE_LISTINGS, mediators=mediator_ids, sep=SEP)


async def refresh_changed(graph: Graph, tx: AsyncManagedTransaction, *, changes: Sequence[Change]) -> None:
    """Rewrite the keys of every organization and mediator among `changes`, in the caller's transaction: the
    unit of work and the bulk import call it beside `record_changes`, so no recorded change leaves a stale key."""
    await refresh(
        graph,
        tx,
        mediators=[change.entity_id for change in changes if change.entity_kind == EntityKind.MEDIATOR],
        organizations=[change.entity_id for change in changes if change.entity_kind == EntityKind.ORGANIZATION],
    )


async def index_loaded(
    graph: Graph, *, organizations: Sequence[str], mediators: Sequence[str], batch: int = 2_000
) -> None:
    """Write the keys of organizations and mediators that a bulk load wrote directly, a batch per transaction
    (their memberships must be loaded already)."""
    for start in range(0, len(organizations), batch):
        ids = list(organizations[start : start + batch])
        await graph.write(_ORGANIZATION_KEYS, ids=ids, sep=SEP)
    for start in range(0, len(mediators), batch):
        ids = list(mediators[start : start + batch])
        await graph.write_work(partial(refresh, graph, mediators=ids))


async def merge_listings(graph: Graph, *, rows: Sequence[dict[str, Any]]) -> int:
    """Upsert listings keyed on (mediator, organization, since), for bulk loads that compute their keys
    (graph/directory/keys.py); each row is the listing's properties."""
    result = await graph.write(
        "UNWIND $rows AS row"
        " MERGE (n:Listing {mediator: row.mediator, organization: row.organization, since: row.since})"
        " SET n += row"
        " RETURN count(n) AS merged",
        rows=list(rows),
    )
    return int(result[0]["merged"]) if result else 0
