"""Courts' lists of specially invited organizations and mediators (SPC Fa Shi [2016] No. 14).

`(:Court)-[:INVITES {since, until, panels, status, certificateNo, ...}]->(:Mediator|:Organization)`;
members of an invited organization count as invited; `(:Court)-[:ADOPTS {consentAt}]->(:Court)` lets a
lower court use a higher court's list; `(:Court)-[:SANCTIONED {kind, reason, on}]->(target)` records
sanctions; `(:Court)-[:PUBLISHED]->(:InvitedListVersion)` holds frozen, numbered versions. Write
statements run inside the caller's managed transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from pydantic import Field, model_validator

from graph.core.clock import NOW, stamp
from graph.core.driver import Graph, Row, Tx
from graph.core.records import GraphRecord
from graph.core.terms import current, in_force
from graph.core.viewer import AWAITING, MEDIATOR_IN_FULL, ORGANIZATION_IN_FULL, Viewer
from graph.directory.mediator import PROJECTION as MEDIATOR_PROJECTION
from graph.directory.mediator import MediatorRecord
from graph.directory.organization import PROJECTION as ORGANIZATION_PROJECTION
from graph.directory.organization import OrganizationRecord
from graph.grades.assessment import CURRENT_GRADE_RANK, NO_GRADE_RANK

"""`key` is `<courtId>:<version>`: two racing publications of the same number cannot both commit. (A NODE KEY
over (courtId, version) would do on Neo4j, but ArcadeDB then types both properties as strings.)"""


class InvitedEntry(GraphRecord):
    """One line of a court's list: who, on which panels, for which term, and how they come to be on it."""

    kind: str
    id: str
    name: str
    panels: list[str] = Field(default_factory=list)
    since: date
    until: date
    certificate_no: str | None = None
    how: str
    through_id: str | None = None
    through_name: str | None = None
    adopted_from_id: str | None = None
    adopted_from_name: str | None = None


class SeenEntry(InvitedEntry):
    """An entry with its records as the viewer sees them; None where the viewer may not see one."""

    mediator_seen: MediatorRecord | None = None
    organization_seen: OrganizationRecord | None = None
    through_seen: OrganizationRecord | None = None

    @model_validator(mode="before")
    @classmethod
    def _split(cls, row: Any) -> Any:
        if isinstance(row, dict) and "seen" in row:
            row = dict(row)
            seen = row.pop("seen")
            row["mediatorSeen" if row.get("kind") == "Mediator" else "organizationSeen"] = seen
        return row


class ListFilter(GraphRecord):
    panel: str | None = None
    jurisdiction: str | None = None
    specialty: str | None = None
    language: str | None = None
    grade: int | None = None
    """Mediators whose current grade ranks this high or higher (1 is a scheme's highest); no organizations."""


async def is_court(graph: Graph, tx: Tx, *, id: str) -> bool:
    rows = await graph.rows(tx, "MATCH (c:Court {id: $id}) RETURN count(c) AS n", id=id)
    return int(rows[0]["n"]) > 0


async def organization_eligibility(graph: Graph, tx: Tx, *, id: str, on: date) -> Row | None:
    """The organization's status and how many FILED mediators are its current members; None if unknown."""
    rows = await graph.rows(
        tx,
        "MATCH (o:Organization {id: $id})"
        " RETURN o.status AS status, o.name AS name, COUNT { (o)<-[r:MEMBER_OF]-(m:Mediator)"
        " WHERE m.status = 'FILED' AND " + current("r") + " } AS qualified",
        id=id,
        on=on,
    )
    return rows[0] if rows else None


async def mediator_eligibility(graph: Graph, tx: Tx, *, id: str, on: date, window_start: date) -> Row | None:
    """The mediator's status and whether a court removed or circulated a notice on them since `window_start`."""
    rows = await graph.rows(
        tx,
        "MATCH (m:Mediator {id: $id})"
        " RETURN m.status AS status, m.name AS name, EXISTS { (m)<-[s:SANCTIONED]-(:Court)"
        " WHERE s.kind IN ['REMOVAL', 'CIRCULATED_NOTICE'] AND s.on >= $windowStart AND s.on <= $on } AS sanctioned",
        id=id,
        on=on,
        windowStart=window_start,
    )
    return rows[0] if rows else None


async def invitation_of(graph: Graph, tx: Tx, *, court: str, target: str) -> Row | None:
    """The caller court's ACTIVE invitation of the target (`props`) and the target's `kind`, if any."""
    rows = await graph.rows(
        tx,
        "MATCH (:Court {id: $court})-[r:INVITES]->(t {id: $target}) WHERE r.status = 'ACTIVE'"
        " RETURN r {.*} AS props, CASE WHEN t:Mediator THEN 'Mediator' ELSE 'Organization' END AS kind LIMIT 1",
        court=court,
        target=target,
    )
    return rows[0] if rows else None


async def latest_invitation(graph: Graph, *, court: str, target: str) -> Row | None:
    """The court's most recent invitation of the target, whatever its status."""
    rows = await graph.read(
        "MATCH (:Court {id: $court})-[r:INVITES]->(t {id: $target})"
        " RETURN r {.status, .since, .until, .panels, .certificateNo} AS props ORDER BY r.invitedAt DESC LIMIT 1",
        court=court,
        target=target,
    )
    return rows[0]["props"] if rows else None


TARGET: LiteralString = (
    "OPTIONAL MATCH (tm:Mediator {id: $target}) OPTIONAL MATCH (tg:Organization {id: $target})"
    " WITH coalesce(tm, tg) AS t WHERE t IS NOT NULL"
)
"""The invited mediator or organization `$target`, found through the id index of its label. An unlabelled
`(t {id: $target})` that nothing anchors is a scan of every node (1.6 s at F = 0.1 for one invitation)."""


async def invited_elsewhere(graph: Graph, tx: Tx, *, court: str, target: str) -> bool:
    """Whether another court holds an ACTIVE invitation of the target."""
    rows = await graph.rows(
        tx,
        TARGET + " MATCH (t)<-[r:INVITES]-(c:Court) WHERE r.status = 'ACTIVE' AND c.id <> $court"
        " RETURN count(r) AS n",
        court=court,
        target=target,
    )
    return int(rows[0]["n"]) > 0


async def create_invitation(graph: Graph, tx: Tx, *, court: str, target: str, props: dict[str, Any]) -> Row:
    rows = await graph.rows(
        tx,
        TARGET + " MATCH (c:Court {id: $court})"
        " CREATE (c)-[r:INVITES]->(t) SET r += $props, r.status = 'ACTIVE', r.invitedAt = " + NOW +
        " RETURN r {.*} AS props",
        court=court,
        target=target,
        props=props,
        **stamp(),
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


async def update_invitation(graph: Graph, tx: Tx, *, court: str, target: str, props: dict[str, Any]) -> Row | None:
    rows = await graph.rows(
        tx,
        "MATCH (:Court {id: $court})-[r:INVITES]->(t {id: $target}) WHERE r.status = 'ACTIVE'"
        " SET r += $props, r.updatedAt = " + NOW + " RETURN r {.*} AS props",
        court=court,
        target=target,
        props=props,
        **stamp(),
    )
    return rows[0]["props"] if rows else None


async def record_sanction(graph: Graph, tx: Tx, *, court: str, target: str, props: dict[str, Any]) -> None:
    await graph.rows(
        tx,
        TARGET + " MATCH (c:Court {id: $court}) CREATE (c)-[s:SANCTIONED]->(t)"
        " SET s += $props, s.recordedAt = " + NOW,
        court=court,
        target=target,
        props=props,
        **stamp(),
    )


async def supervises(graph: Graph, tx: Tx, *, higher: str, lower: str) -> bool | None:
    """None when `higher` is not a court; otherwise whether `lower` is supervised by it, directly or not."""
    rows = await graph.rows(
        tx,
        "MATCH (h:Court {id: $higher}) RETURN EXISTS { (:Court {id: $lower})-[:SUPERVISED_BY*1..]->(h) } AS ok",
        higher=higher,
        lower=lower,
    )
    return bool(rows[0]["ok"]) if rows else None


async def adopt(graph: Graph, tx: Tx, *, lower: str, higher: str, consent_at: date) -> Row:
    rows = await graph.rows(
        tx,
        "MATCH (l:Court {id: $lower}), (h:Court {id: $higher}) MERGE (l)-[a:ADOPTS]->(h)"
        " SET a.consentAt = $consentAt RETURN a {.*, higher: h.id} AS props",
        lower=lower,
        higher=higher,
        consentAt=consent_at,
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


_ENTRIES: LiteralString = (
    "MATCH (c:Court {id: $court})"
    " WITH c, [c] + [(c)-[:ADOPTS]->(h:Court) | h] AS sources"
    " UNWIND sources AS s"
    " MATCH (s)-[r:INVITES]->(t) WHERE " + in_force("r") +
    " AND ($panel IS NULL OR $panel IN r.panels)"
    " WITH c, s, r, t, [(t)<-[m:MEMBER_OF]-(p:Mediator) WHERE t:Organization AND p.status = 'FILED'"
    " AND " + current("m") + " | p] AS members"
    " UNWIND [null] + members AS p"
    " WITH c, s, r, t, p, coalesce(p, t) AS n"
    " WHERE ($specialty IS NULL OR $specialty IN coalesce(n.specialties, n.sectors, []))"
    " AND ($language IS NULL OR $language IN coalesce(n.languages, []))"
    " AND ($grade IS NULL OR (n:Mediator AND coalesce(" + CURRENT_GRADE_RANK + ", " + NO_GRADE_RANK + ") <= $grade))"
    " AND ($jurisdiction IS NULL"
    " OR EXISTS { (n)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(:Jurisdiction {code: $jurisdiction}) }"
    " OR EXISTS { (n)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
    "(:Jurisdiction {code: $jurisdiction}) })"
    " WITH n, r, CASE WHEN s.id <> c.id THEN s END AS adopted, CASE WHEN p IS NOT NULL THEN t END AS through"
    " WITH n, r, adopted, through,"
    " CASE WHEN adopted IS NOT NULL THEN 'ADOPTED' WHEN through IS NOT NULL THEN 'THROUGH_ORGANIZATION'"
    " ELSE 'DIRECT' END AS how"
    " ORDER BY n.name, n.id, how, coalesce(adopted.id, ''), coalesce(through.id, '')"
    " SKIP $skip LIMIT $limit"
)
"""A court's list on a day, one row per entry in list order (`n` who, `r` the invitation, `how`, `through`
and `adopted`): its own invitations, members of its invited organizations, and the same from the courts
whose lists it adopted. Sorted and cut to the page before anything else is read."""

_COLUMNS: LiteralString = (
    "CASE WHEN n:Mediator THEN 'Mediator' ELSE 'Organization' END AS kind, n.id AS id, n.name AS name,"
    " r.panels AS panels, r.since AS since, r.until AS until, r.certificateNo AS certificateNo, how,"
    " through.id AS throughId, through.name AS throughName, adopted.id AS adoptedFromId,"
    " adopted.name AS adoptedFromName"
)

LIST: LiteralString = _ENTRIES + " RETURN " + _COLUMNS

LIST_AS_SEEN: LiteralString = (
    _ENTRIES
    + " WITH n, r, how, adopted, through, CASE WHEN n:Mediator THEN " + MEDIATOR_IN_FULL
    + " ELSE " + ORGANIZATION_IN_FULL + " END AS full"
    + " WITH n, r, how, adopted, through, CASE WHEN NOT (full OR NOT " + AWAITING + ") THEN null"
    " WHEN n:Mediator THEN " + MEDIATOR_PROJECTION + " ELSE " + ORGANIZATION_PROJECTION + " END AS seen"
    " WITH " + _COLUMNS + ", seen, through AS n"
    " WITH kind, id, name, panels, since, until, certificateNo, how, throughId, throughName, adoptedFromId,"
    " adoptedFromName, seen, n, CASE WHEN n IS NULL THEN false ELSE " + ORGANIZATION_IN_FULL + " END AS full"
    " RETURN kind, id, name, panels, since, until, certificateNo, how, throughId, throughName, adoptedFromId,"
    " adoptedFromName, seen, CASE WHEN n IS NULL OR NOT (full OR NOT " + AWAITING + ") THEN null"
    " ELSE " + ORGANIZATION_PROJECTION + " END AS throughSeen"
)
"""The same page for a viewer, with the mediator or organization of each entry (and the organization it is
listed through) projected as the viewer sees it, as `mediators_by_id` and `organizations_by_id` would: one
statement where a page of 50 would otherwise read its records again by id."""


async def invited_entries(
    graph: Graph, *, court: str, on: date, where: ListFilter, skip: int, limit: int, viewer: Viewer
) -> list[SeenEntry]:
    rows = await graph.read(
        LIST_AS_SEEN, court=court, on=on, gradeDay=on, skip=skip, limit=limit, **where.model_dump(),
        **viewer.params(),
    )
    return [SeenEntry.model_validate(row) for row in rows]


async def invited_entries_in(graph: Graph, tx: Tx, *, court: str, on: date, limit: int) -> list[InvitedEntry]:
    """The whole list inside the caller's transaction (for publication)."""
    rows = await graph.rows(
        tx, LIST, court=court, on=on, gradeDay=on, skip=0, limit=limit, **ListFilter().model_dump()
    )
    return [InvitedEntry.model_validate(row) for row in rows]


async def publish_version(graph: Graph, tx: Tx, *, court: str, digest: str, entries: str) -> Row:
    """The court's next version number, frozen with its digest and serialized entries."""
    rows = await graph.rows(
        tx,
        "MATCH (c:Court {id: $court})"
        " OPTIONAL MATCH (c)-[:PUBLISHED]->(old:InvitedListVersion)"
        " WITH c, coalesce(max(old.version), 0) AS latest"
        " CREATE (c)-[:PUBLISHED]->(n:InvitedListVersion {courtId: $court, version: latest + 1,"
        " key: $court + ':' + toString(latest + 1)})"
        " SET n.id = randomUUID(), n.publishedAt = " + NOW + ", n.digest = $digest, n.entries = $entries"
        " RETURN n {.id, .courtId, .version, .publishedAt, .digest} AS props",
        court=court,
        digest=digest,
        entries=entries,
        **stamp(),
    )
    written: dict[str, Any] = rows[0]["props"]
    return written


async def list_version(graph: Graph, *, court: str, version: int) -> Row | None:
    rows = await graph.read(
        "MATCH (:Court {id: $court})-[:PUBLISHED]->(n:InvitedListVersion {version: $version})"
        " RETURN n {.id, .courtId, .version, .publishedAt, .digest, .entries} AS props",
        court=court,
        version=version,
    )
    return rows[0]["props"] if rows else None


async def version_by_id(graph: Graph, *, id: str) -> Row | None:
    """A published version found by its id (a replayed publication returns the id it made first)."""
    rows = await graph.read(
        "MATCH (n:InvitedListVersion {id: $id})<-[:PUBLISHED]-(:Court) RETURN n {.id, .version, .digest} AS props",
        id=id,
    )
    return rows[0]["props"] if rows else None


async def inviting_courts(graph: Graph, *, ids: list[str], on: date) -> dict[str, list[str]]:
    """The courts whose lists hold each mediator on `on`: invited directly, or a FILED current member of an
    invited organization (as LIST builds a court's list; adopting courts are not counted). Each pattern starts
    from the mediator: written from the court, ArcadeDB walked every court's invitations (200 ms at F = 0.1)."""
    rows = await graph.read(
        "UNWIND $ids AS id MATCH (m:Mediator {id: id})"
        " RETURN id, [(m)<-[r:INVITES]-(c:Court) WHERE " + in_force("r") +
        " | c.id] + [(m)-[s:MEMBER_OF]->(:Organization)<-[r:INVITES]-(c:Court) WHERE m.status = 'FILED'"
        " AND " + in_force("r") +
        " AND " + current("s") + " | c.id] AS courts",
        ids=ids,
        on=on,
    )
    return {str(row["id"]): sorted(set(row["courts"])) for row in rows}
