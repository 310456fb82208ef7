"""The audit trail: hash chains per entity written with the change, verified, and read within reach."""

from __future__ import annotations

import ast
import datetime
import uuid
from pathlib import Path

import pytest
import strawberry
from neo4j import AsyncManagedTransaction
from neo4j.time import DateTime

from auth.policy import viewer_for
from auth.principal import Principal
from auth.scopes import Scope, parse_scopes
from graph.audit.hashing import HASH_VERSION, canonical, chained_fields, event_hash
from graph.audit.trail import Actor, Change, audit_trail, record_changes
from graph.core import clock
from graph.core.driver import Graph
from graph.core.migrations import migration
from graph.core.viewer import Viewer
from graph.core.vocabulary import AgencyKind
from resolvers.audit import trail as audit_module
from resolvers.audit.trail import (
    ABOVE_ANY_ID,
    Breakage,
    BrokenLink,
    VerifyReport,
    describe,
    id_ranges,
    trail,
    verify_audit,
)
from resolvers.core.errors import InputError
from schema.audit.trail import TRAIL_DESCRIPTION, AuditEvent
from schema.audit.trail import audit_trail as audit_trail_resolver
from schema.core.context import Context, Loaders
from schema.core.permissions import protected
from seed.demo import PLATFORM_ADMIN, demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY

ACTOR = Actor(agency_id="agency-1", client_id="client-1", request_id="request-1")
NATIONAL = Viewer(roster=True, national=True)
AT = datetime.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC)

ROSTER = demo_roster(HASH_KEY)
ORGANIZATIONS = {row["props"]["name"]: row for row in ROSTER.organizations}
WUHOU_ORG = ORGANIZATIONS["成都市武侯区医疗纠纷人民调解委员会"]
LABOUR_ORG = ORGANIZATIONS["成都市武侯区劳动争议人民调解委员会"]
WUHOU_MEDIATOR = next(
    m for m in ROSTER.mediators
    if any(s["mediator"] == m["id"] and s["organization"] == WUHOU_ORG["id"] for s in ROSTER.memberships)
)
WUHOU_ORG_IDS = {r["id"] for r in ROSTER.organizations if r["jurisdiction"].startswith("510107")}
WUHOU_CREDENTIAL = next(
    c for c in ROSTER.credentials
    if {s["organization"] for s in ROSTER.memberships if s["mediator"] == c["mediator"]} <= WUHOU_ORG_IDS
    and any(s["mediator"] == c["mediator"] for s in ROSTER.memberships)
)
WUHOU_DIVISION = stable_id("jurisdiction", "510107")


async def organizations(graph: Graph, *, count: int) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    await graph.write("UNWIND $ids AS id CREATE (:Organization {id: id, name: 'org ' + id})", ids=ids)
    return ids


async def record(graph: Graph, *, changes: list[Change], at: datetime.datetime | None = None) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await record_changes(graph, tx, changes=changes, actor=ACTOR, at=at)

    await graph.write_work(work)


def update(entity_id: str, version: int) -> Change:
    before, after = {"name": "调解", "version": version}, {"name": "调解", "version": version + 1}
    return Change(entity_id, "Organization", "UPDATE", before, after)


async def event_count(graph: Graph) -> int:
    rows = await graph.read("MATCH (ev:AuditEvent) RETURN count(ev) AS n")
    return int(rows[0]["n"])


# canonical serialization


def test_canonical_json_sorts_keys_has_no_whitespace_and_keeps_chinese() -> None:
    value = {"b": [1, 2.5, None, True], "a": "调解", "d": datetime.date(2026, 3, 1)}

    assert canonical(value) == '{"a":"调解","b":[1,2.5,null,true],"d":"2026-03-01"}'


def test_canonical_datetimes_are_utc_with_microseconds() -> None:
    shanghai = datetime.timezone(datetime.timedelta(hours=8))

    assert canonical(datetime.datetime(2026, 3, 1, 16, 30, tzinfo=shanghai)) == '"2026-03-01T08:30:00.000000Z"'
    naive = datetime.datetime(2026, 3, 1, 8, 30)  # noqa: DTZ001 (a naive moment is read as UTC: what this checks)
    assert canonical(naive) == '"2026-03-01T08:30:00.000000Z"'
    assert canonical(DateTime(2026, 3, 1, 8, 30, 0, 123456789, tzinfo=datetime.UTC)) == '"2026-03-01T08:30:00.123456Z"'


def test_canonical_refuses_what_it_cannot_serialize_stably() -> None:
    with pytest.raises(TypeError):
        canonical({"when": datetime.time(8, 30)})
    with pytest.raises(ValueError):
        canonical({"hours": float("nan")})


async def test_datetimes_read_back_from_the_graph_serialize_as_written(graph: Graph) -> None:
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    written = {
        "utc": AT,
        "offset": datetime.datetime(2026, 3, 1, 16, 30, 15, 654321, tzinfo=shanghai),
        "nanoseconds": DateTime(2026, 3, 1, 8, 30, 15, 123456789, tzinfo=datetime.UTC),
    }
    await graph.write("CREATE (:AuditProbe $props)", props=written)

    rows = await graph.read("MATCH (p:AuditProbe) RETURN p {.*} AS props")

    assert canonical(rows[0]["props"]) == canonical(written)


# recording


async def test_events_chain_per_entity(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)
    await record(graph, changes=[Change(org, "Organization", "CREATE", None, {"name": "调解", "version": 1})])
    await record(graph, changes=[update(org, 1)])
    await record(graph, changes=[update(org, 2)], at=AT)

    events = await audit_trail(graph, entity_id=org, viewer=NATIONAL, limit=10)

    assert [event.seq for event in events] == [1, 2, 3]
    assert [event.prev_hash for event in events] == [None, events[0].hash, events[1].hash]
    assert [event.recomputed_hash() for event in events] == [event.hash for event in events]
    assert events[0].before is None and events[0].after == '{"name":"调解","version":1}'
    assert (events[2].at, events[2].operation) == (AT, "UPDATE")
    assert {(e.entity_kind, e.actor_agency, e.actor_client, e.request_id) for e in events} == {
        ("Organization", "agency-1", "client-1", "request-1")
    }
    about = await graph.read("MATCH (ev:AuditEvent)-[:ABOUT]->(n:Organization) RETURN n.id AS id, count(ev) AS n")
    assert about == [{"id": org, "n": 3}]


async def test_the_hash_covers_exactly_the_chained_fields(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)
    await record(graph, changes=[update(org, 1)], at=AT)

    [event] = await audit_trail(graph, entity_id=org, viewer=NATIONAL, limit=10)

    fields = chained_fields(
        event_id=event.id, entity_id=org, entity_kind="Organization", seq=1, at=AT, actor_agency="agency-1",
        actor_client="client-1", operation="UPDATE", before='{"name":"调解","version":1}',
        after='{"name":"调解","version":2}', request_id="request-1", prev_hash=None,
    )
    assert event.hash == event_hash(fields)
    assert event.hash_version == HASH_VERSION == fields["hashVersion"]
    assert set(fields) == {
        "id", "entityId", "entityKind", "seq", "at", "actorAgency", "actorClient", "operation", "before", "after",
        "requestId", "prevHash", "hashVersion",
    }


async def test_every_stored_field_of_an_event_is_under_its_hash(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)
    await record(graph, changes=[update(org, 1), update(org, 2)], at=AT)

    [row] = await graph.read("MATCH (ev:AuditEvent {entityId: $id, seq: 2}) RETURN ev {.*} AS props", id=org)
    [_, event] = await audit_trail(graph, entity_id=org, viewer=NATIONAL, limit=10)

    fields = event.stored_fields()
    del fields["hash"]
    assert set(row["props"]) - {"hash"} == set(fields)  # the second event: no field of it is null
    assert event.hash == event_hash(fields)


async def test_a_legacy_event_still_verifies_in_its_own_form(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)
    await record(graph, changes=[update(org, 1)], at=AT)
    [event] = await audit_trail(graph, entity_id=org, viewer=NATIONAL, limit=10)
    legacy = event.model_copy(update={"hash_version": None})
    await graph.write(
        "MATCH (ev:AuditEvent {id: $id}) SET ev.hashVersion = null, ev.hash = $hash",
        id=event.id, hash=legacy.recomputed_hash(),
    )
    await graph.write("MATCH (h:AuditHead {entityId: $id}) SET h.hash = $hash", id=org, hash=legacy.recomputed_hash())
    await record(graph, changes=[update(org, 2)])

    report = await verify_audit(graph)

    assert report.intact and report.legacy_events == 1 and report.checked_events == 2
    assert "legacy hash form" in describe(report)


async def test_several_changes_to_one_entity_in_one_call_chain_in_order(graph: Graph) -> None:
    first, second = await organizations(graph, count=2)
    await record(graph, changes=[update(first, 1)])

    await record(graph, changes=[update(first, 2), update(second, 1), update(first, 3)])

    events = await audit_trail(graph, entity_id=first, viewer=NATIONAL, limit=10)
    assert [(event.seq, event.after) for event in events] == [
        (1, '{"name":"调解","version":2}'), (2, '{"name":"调解","version":3}'), (3, '{"name":"调解","version":4}')
    ]
    assert [event.prev_hash for event in events] == [None, events[0].hash, events[1].hash]
    assert await verify_audit(graph) == VerifyReport(checked_events=4, checked_entities=2, first_broken=None)


async def test_an_event_rolls_back_with_its_transaction(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)

    class Refused(Exception):
        pass

    async def work(tx: AsyncManagedTransaction) -> None:
        await record_changes(graph, tx, changes=[update(org, 1)], actor=ACTOR)
        raise Refused

    with pytest.raises(Refused):
        await graph.write_work(work)

    assert await event_count(graph) == 0


async def test_thousands_of_changes_to_one_kind_take_three_statements(graph: Graph) -> None:
    ids = await organizations(graph, count=500)
    changes = [update(org, version) for version in range(1, 5) for org in ids]
    before = graph.round_trips.count

    await record(graph, changes=changes)

    assert graph.round_trips.count - before == 3  # the heads, the events, the heads moved
    assert await event_count(graph) == 2_000
    assert await verify_audit(graph) == VerifyReport(checked_events=2_000, checked_entities=500, first_broken=None)


async def test_an_event_is_recorded_when_its_entity_is_not_in_the_graph(graph: Graph) -> None:
    gone = str(uuid.uuid4())

    await record(graph, changes=[Change(gone, "Mediator", "DELETE", {"name": "x"}, None)])

    assert [event.seq for event in await audit_trail(graph, entity_id=gone, viewer=NATIONAL, limit=10)] == [1]
    assert await graph.read("MATCH (:AuditEvent)-[r:ABOUT]->() RETURN count(r) AS n") == [{"n": 0}]


async def test_an_unknown_entity_kind_is_refused_before_any_statement(graph: Graph) -> None:
    before = graph.round_trips.count

    with pytest.raises(ValueError):
        await record(graph, changes=[Change(str(uuid.uuid4()), "Notice", "CREATE", None, {})])

    assert graph.round_trips.count == before


def test_no_graph_statement_changes_an_audit_event() -> None:
    statements = [
        node.value
        for path in (Path(__file__).parents[2] / "graph").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "AuditEvent" in node.value
    ]

    assert statements
    assert [s for s in statements if any(word in s for word in (" SET ", "DELETE", "REMOVE", "MERGE"))] == []


# verification

TAMPERING = {
    "after changed": (
        "MATCH (ev:AuditEvent {entityId: $id, seq: 2}) SET ev.after = '{\"name\":\"forged\"}'", 2, Breakage.HASH
    ),
    "event deleted": ("MATCH (ev:AuditEvent {entityId: $id, seq: 2}) DETACH DELETE ev", 2, Breakage.SEQUENCE),
    "prevHash changed": (
        "MATCH (ev:AuditEvent {entityId: $id, seq: 3}) SET ev.prevHash = ev.hash", 3, Breakage.PREV_HASH
    ),
    "seq changed": ("MATCH (ev:AuditEvent {entityId: $id, seq: 3}) SET ev.seq = 9", 3, Breakage.SEQUENCE),
    "id changed": ("MATCH (ev:AuditEvent {entityId: $id, seq: 2}) SET ev.id = randomUUID()", 2, Breakage.HASH),
    "entityKind changed": (
        "MATCH (ev:AuditEvent {entityId: $id, seq: 2}) SET ev.entityKind = 'Mediator'", 2, Breakage.HASH
    ),
    "hash form downgraded": (
        "MATCH (ev:AuditEvent {entityId: $id, seq: 3}) SET ev.hashVersion = null", 3, Breakage.HASH_FORM
    ),
    "newest event deleted": ("MATCH (ev:AuditEvent {entityId: $id, seq: 4}) DETACH DELETE ev", 4, Breakage.MISSING_TAIL),
    "two newest events deleted": (
        "MATCH (ev:AuditEvent {entityId: $id}) WHERE ev.seq >= 3 DETACH DELETE ev", 3, Breakage.MISSING_TAIL
    ),
    "every event deleted": ("MATCH (ev:AuditEvent {entityId: $id}) DETACH DELETE ev", 1, Breakage.MISSING_TAIL),
    "head deleted": ("MATCH (h:AuditHead {entityId: $id}) DETACH DELETE h", 4, Breakage.NO_HEAD),
    "head moved back": ("MATCH (h:AuditHead {entityId: $id}) SET h.seq = 3", 4, Breakage.HEAD),
}


@pytest.mark.parametrize(("statement", "seq", "reason"), TAMPERING.values(), ids=TAMPERING.keys())
async def test_verify_reports_the_first_broken_link(graph: Graph, statement: str, seq: int, reason: Breakage) -> None:
    ids = sorted(await organizations(graph, count=3))
    await record(graph, changes=[update(org, version) for version in range(1, 5) for org in ids])
    await graph.write(statement, id=ids[1])

    report = await verify_audit(graph, per_range=2)

    assert report.first_broken == BrokenLink(ids[1], seq, reason)
    assert report.checked_entities == 3
    assert report.broken_entities == 1
    assert f"entity {ids[1]} at seq {seq} ({reason}" in describe(report)


async def test_a_forged_last_event_with_a_recomputed_hash_no_longer_matches_the_head(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)
    await record(graph, changes=[update(org, version) for version in range(1, 4)])
    *_, last = await audit_trail(graph, entity_id=org, viewer=NATIONAL, limit=10)
    forged = last.model_copy(update={"after": '{"name":"forged"}'})
    await graph.write(
        "MATCH (ev:AuditEvent {id: $id}) SET ev.after = $after, ev.hash = $hash",
        id=last.id, after=forged.after, hash=forged.recomputed_hash(),
    )

    report = await verify_audit(graph)

    assert report.first_broken == BrokenLink(org, 3, Breakage.HEAD)


async def test_a_forged_event_with_a_recomputed_hash_breaks_the_next_link(graph: Graph) -> None:
    [org] = await organizations(graph, count=1)
    await record(graph, changes=[update(org, version) for version in range(1, 4)])
    [_, second, _] = await audit_trail(graph, entity_id=org, viewer=NATIONAL, limit=10)
    forged = second.model_copy(update={"after": '{"name":"forged"}'})
    await graph.write(
        "MATCH (ev:AuditEvent {id: $id}) SET ev.after = $after, ev.hash = $hash",
        id=second.id, after=forged.after, hash=forged.recomputed_hash(),
    )

    report = await verify_audit(graph)

    assert report.first_broken == BrokenLink(org, 3, Breakage.PREV_HASH)


async def test_verify_reports_the_break_of_the_lowest_entity_id_first(graph: Graph) -> None:
    ids = sorted(await organizations(graph, count=4))
    await record(graph, changes=[update(org, version) for version in range(1, 4) for org in ids])
    for broken in (ids[3], ids[1]):
        await graph.write("MATCH (ev:AuditEvent {entityId: $id, seq: 2}) SET ev.operation = 'FORGED'", id=broken)

    report = await verify_audit(graph, per_range=1)

    assert report == VerifyReport(
        checked_events=12, checked_entities=4, first_broken=BrokenLink(ids[1], 2, Breakage.HASH), broken_entities=2
    )


def test_the_verifier_walks_adjacent_ranges_that_cover_every_id() -> None:
    assert id_ranges(events=2_000, per_range=2_000) == [("", ABOVE_ANY_ID)]
    assert id_ranges(events=2_001, per_range=2_000) == [
        ("", "1"), *((f"{d:x}", f"{d + 1:x}") for d in range(1, 15)), ("f", ABOVE_ANY_ID)
    ]

    ranges = id_ranges(events=1_000_000, per_range=2_000)

    assert len(ranges) == 16**3
    assert all(stop == ranges[i + 1][0] for i, (_, stop) in enumerate(ranges[:-1]))


async def test_verify_passes_on_an_empty_graph(graph: Graph) -> None:
    assert await verify_audit(graph) == VerifyReport(checked_events=0, checked_entities=0, first_broken=None)


# reading within reach


def principal(agency: str, kind: AgencyKind, jurisdiction: str | None, scopes: str = "audit:read") -> Principal:
    return Principal(
        client_id="client", agency_id=stable_id("agency", agency), agency_kind=kind, jurisdiction=jurisdiction,
        scopes=parse_scopes(scopes), token_id="token",
        expires_at=clock.now() + datetime.timedelta(minutes=5),
    )


WUHOU_BUREAU = principal("成都市武侯区司法局", AgencyKind.JUDICIAL_BUREAU, "510107")
YUCHENG_BUREAU = principal("雅安市雨城区司法局", AgencyKind.JUDICIAL_BUREAU, "511802")
WUHOU_COURT = principal("成都市武侯区人民法院", AgencyKind.COURT, "510107")
ACFTU = principal("中华全国总工会", AgencyKind.PARTNER_AGENCY, None)
PBOC = principal("中国人民银行", AgencyKind.PARTNER_AGENCY, None)
ADMIN = principal(PLATFORM_ADMIN, AgencyKind.PLATFORM_ADMIN, None)

ENTITIES = {
    "organization": (WUHOU_ORG["id"], "Organization"),
    "affiliated organization": (LABOUR_ORG["id"], "Organization"),
    "mediator": (WUHOU_MEDIATOR["id"], "Mediator"),
    "credential": (WUHOU_CREDENTIAL["id"], "Credential"),
    "jurisdiction": (WUHOU_DIVISION, "Jurisdiction"),
}


@pytest.mark.parametrize(
    ("who", "entity", "sees"),
    [
        (None, "organization", False),
        (WUHOU_BUREAU, "organization", True),
        (WUHOU_BUREAU, "mediator", True),
        (WUHOU_BUREAU, "credential", True),
        (WUHOU_BUREAU, "jurisdiction", False),
        (WUHOU_COURT, "organization", True),
        (YUCHENG_BUREAU, "organization", False),
        (YUCHENG_BUREAU, "credential", False),
        (ACFTU, "affiliated organization", True),
        (ACFTU, "organization", False),
        (PBOC, "affiliated organization", False),
        (ADMIN, "organization", True),
        (ADMIN, "jurisdiction", True),
    ],
)
async def test_a_trail_is_read_only_within_the_callers_reach(
    demo: Graph, who: Principal | None, entity: str, sees: bool
) -> None:
    entity_id, kind = ENTITIES[entity]
    await record(demo, changes=[Change(entity_id, kind, "UPDATE", {"v": 1}, {"v": 2}) for _ in range(2)])

    events = await trail(demo, entity_id=entity_id, viewer=viewer_for(who))

    assert [event.seq for event in events] == ([1, 2] if sees else [])


async def test_a_trail_needs_a_registry_id(graph: Graph) -> None:
    with pytest.raises(InputError) as refused:
        await trail(graph, entity_id="not-a-uuid", viewer=NATIONAL)

    assert refused.value.field == "entityId"
    assert graph.round_trips.count == 0


# the field as it will be mounted on the root Query


@strawberry.type(description="A root with only the audit trail, wired as the real Query will wire it.")
class AuditQuery:
    audit_trail = protected(Scope.AUDIT_READ, TRAIL_DESCRIPTION)(audit_trail_resolver)


TRAIL = "query($id: ID!) { auditTrail(entityId: $id) { seq entityKind } }"


@pytest.mark.parametrize(
    ("scopes", "data", "codes"),
    [
        ("roster:read", None, ["FORBIDDEN"]),
        ("audit:read", {"auditTrail": [{"seq": 1, "entityKind": "ORGANIZATION"}]}, []),
    ],
)
async def test_the_audit_trail_field_needs_audit_read(
    demo: Graph, scopes: str, data: dict[str, object] | None, codes: list[str]
) -> None:
    await record(demo, changes=[update(WUHOU_ORG["id"], 1)])
    schema = strawberry.Schema(query=AuditQuery, types=[AuditEvent])
    caller = principal("成都市武侯区司法局", AgencyKind.JUDICIAL_BUREAU, "510107", scopes)
    viewer = viewer_for(caller)
    context = Context(graph=demo, request_id="r", principal=caller, viewer=viewer, loaders=Loaders(demo, viewer))

    result = await schema.execute(TRAIL, variable_values={"id": WUHOU_ORG["id"]}, context_value=context)

    assert result.data == data
    assert [(error.extensions or {}).get("code") for error in result.errors or []] == codes


async def test_the_migration_gives_chains_written_before_heads_their_heads(graph: Graph) -> None:
    ids = sorted(await organizations(graph, count=2))
    await record(graph, changes=[update(org, version) for version in range(1, 4) for org in ids])
    await graph.write("MATCH (h:AuditHead) DETACH DELETE h")
    assert (await verify_audit(graph)).first_broken == BrokenLink(ids[0], 3, Breakage.NO_HEAD)

    for statement in migration(13).statements:
        await graph.write(statement)

    report = await verify_audit(graph)
    assert report.intact and report.checked_events == 6
    heads = await graph.read("MATCH (h:AuditHead) RETURN h.entityId AS id, h.seq AS seq ORDER BY id")
    assert heads == [{"id": org, "seq": 3} for org in ids]


async def test_a_write_between_reading_a_chain_and_its_head_is_not_a_missing_tail(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(await organizations(graph, count=2))
    await record(graph, changes=[update(org, version) for version in range(1, 3) for org in ids])
    real_heads = audit_module.heads
    calls = 0

    async def heads_after_a_write(graph: Graph, *, start: str, stop: str) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:  # the chains of the range are read; a writer commits before their heads are
            await record(graph, changes=[update(ids[0], 3)])
        return await real_heads(graph, start=start, stop=stop)

    monkeypatch.setattr(audit_module, "heads", heads_after_a_write)

    report = await verify_audit(graph)

    assert report.intact and report.checked_events == 5 and calls == 2
