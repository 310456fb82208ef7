"""What an import writes over stored records (issue 12): identical rows nothing, changed rows only what
their cells give, with the stored values they replaced on the audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.audit.hashing import canonical
from graph.core.driver import Graph
from graph.core.records import native
from graph.roster.bulk import natural_id
from resolvers.audit.trail import verify_audit
from resolvers.core.identifiers import identity_hash
from resolvers.roster.importer import ImportReport
from tests.conftest import HASH_KEY
from tests.helpers.roster_files import JINLI, UNTIL, YULIN, committee, identity, import_as, roster_file, skeleton


async def everything(graph: Graph) -> tuple[list[str], list[str]]:
    """Every node with its labels and properties, every edge with its type, ends and properties."""
    nodes = await graph.read("MATCH (n) RETURN labels(n) AS labels, n {.*} AS props")
    edges = await graph.read("MATCH (a)-[r]->(b) RETURN type(r) AS type, a {.*} AS a, r {.*} AS props, b {.*} AS b")
    return (
        sorted(canonical({"labels": sorted(row["labels"]), "props": native(row["props"])}) for row in nodes),
        sorted(canonical(native(dict(row))) for row in edges),
    )


async def events_of(graph: Graph, entity: str) -> list[dict[str, Any]]:
    rows = await graph.read(
        "MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS operation, e.before AS before, e.after AS after"
        " ORDER BY e.seq",
        id=entity,
    )
    return [{"operation": row["operation"], "before": row["before"] and json.loads(row["before"]),
             "after": row["after"] and json.loads(row["after"])} for row in rows]


async def stored(graph: Graph, label_id: str) -> dict[str, Any]:
    rows = await graph.read("MATCH (n {id: $id}) RETURN n {.*} AS n", id=label_id)
    found: dict[str, Any] = native(rows[0]["n"])
    return found


MEDIATOR = natural_id("mediator", identity_hash(identity(2, female=True), key=HASH_KEY))
ORGANIZATION = natural_id("organization", YULIN, "yl-1")


async def test_the_same_file_twice_leaves_the_graph_as_the_first_run_did(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = committee("yl-1") + committee("jl-1", members=4, first=10, jurisdiction=JINLI)
    csv_file, ndjson_file = roster_file(tmp_path, rows, ".csv"), roster_file(tmp_path, rows, ".ndjson")
    first = await import_as(graph, csv_file)
    after_first = await everything(graph)

    again = await import_as(graph, csv_file)
    as_ndjson = await import_as(graph, ndjson_file)

    assert first == ImportReport(rows=16, written=16, bad=[])
    assert again == as_ndjson == ImportReport(rows=16, written=0, bad=[], unchanged=16)
    assert await everything(graph) == after_first, "no version, updatedAt, audit event or listing moved"
    assert (await verify_audit(graph)).first_broken is None


async def test_an_update_records_the_stored_values_it_replaced(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = committee("yl-1")
    await import_as(graph, roster_file(tmp_path, rows, name="first"))
    person, organization = await stored(graph, MEDIATOR), await stored(graph, ORGANIZATION)
    changed = [dict(row) for row in rows]
    changed[0] |= {"name": "玉林社区新人民调解委员会"}
    changed[3] |= {"name": "新名字", "phone": "13700000000"}  # the woman's mediator row

    report = await import_as(graph, roster_file(tmp_path, changed, name="second"))

    assert report == ImportReport(rows=7, written=2, bad=[], unchanged=5)
    updated = await events_of(graph, MEDIATOR)
    assert [event["operation"] for event in updated] == ["importMediator", "importMembership", "importMediator"]
    assert updated[-1]["before"] == json.loads(canonical(person | {"identityHash": None}))
    now = await stored(graph, MEDIATOR)
    listed = {"nameKey"}  # rewritten after the change, as after an API update
    assert {k: v for k, v in updated[-1]["after"].items() if k not in listed} == json.loads(
        canonical({k: v for k, v in now.items() if k not in listed} | {"identityHash": None}))
    assert (now["name"], now["phone"], now["version"]) == ("新名字", "13700000000", person["version"] + 1)
    renamed = (await events_of(graph, ORGANIZATION))[-1]
    assert renamed["before"] == json.loads(canonical(organization | {"jurisdiction": YULIN}))
    assert renamed["after"]["name"] == "玉林社区新人民调解委员会"
    assert (await stored(graph, ORGANIZATION))["version"] == organization["version"] + 1
    assert (await verify_audit(graph)).first_broken is None


async def test_empty_cells_keep_the_stored_values(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = committee("yl-1", address="玉林北路1号", public_phone="028-85000000", charges_fee=True)
    rows[3] |= {"phone": "13700000000", "education": "本科", "specialties": ["FAMILY"], "languages": ["zh", "en"]}
    await import_as(graph, roster_file(tmp_path, rows, name="first"))
    person, organization = await stored(graph, MEDIATOR), await stored(graph, ORGANIZATION)
    sparse = [
        {"record": "organization", "organization_key": "yl-1", "name": "玉林社区新人民调解委员会",
         "kind": "RESIDENTS_COMMITTEE", "jurisdiction": YULIN},
        {"record": "mediator", "identity_number": identity(2, female=True), "name": "新名字", "employment": "PART_TIME"},
        {"record": "membership", "organization_key": "yl-1", "identity_number": identity(2, female=True),
         "role": "MEMBER", "since": rows[4]["since"]},
    ]

    report = await import_as(graph, roster_file(tmp_path, sparse, name="sparse"))

    assert report == ImportReport(rows=3, written=2, bad=[], unchanged=1), "the membership row says nothing new"
    now = await stored(graph, MEDIATOR)
    kept = ("phone", "education", "specialties", "languages", "status", "identityMasked", "birthYear")
    assert {key: now.get(key) for key in kept} == {key: person.get(key) for key in kept}
    assert now["name"] == "新名字"
    org = await stored(graph, ORGANIZATION)
    kept = ("address", "publicPhone", "chargesFee", "sectors", "status", "filingNo", "sourceAgency")
    assert {key: org.get(key) for key in kept} == {key: organization.get(key) for key in kept}
    assert org["chargesFee"] is True and org["name"] == "玉林社区新人民调解委员会"
    membership = await graph.read(
        "MATCH (:Mediator {id: $m})-[r:MEMBER_OF]->(:Organization {id: $o}) RETURN r.until AS until, r.role AS role",
        m=MEDIATOR, o=ORGANIZATION,
    )
    assert [(native(row["until"]), row["role"]) for row in membership] == [(UNTIL, "MEMBER")]


async def test_an_empty_status_keeps_a_pending_organization_pending(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    await import_as(graph, roster_file(tmp_path, committee("yl-1", status="PENDING"), name="first"))
    pending = await stored(graph, ORGANIZATION)
    again = committee("yl-1")  # no status cell: FILED only for an organization the import creates

    report = await import_as(graph, roster_file(tmp_path, again, name="second"))

    assert report == ImportReport(rows=7, written=0, bad=[], unchanged=7)
    assert await stored(graph, ORGANIZATION) == pending
    filed = await import_as(graph, roster_file(tmp_path, committee("yl-1", status="FILED"), name="third"))
    assert (filed.written, (await stored(graph, ORGANIZATION))["status"]) == (1, "FILED")
    assert (await stored(graph, ORGANIZATION))["filingNo"]


async def test_a_changed_membership_records_its_stored_term(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = committee("yl-1", members=4)
    await import_as(graph, roster_file(tmp_path, rows, name="first"))
    rows[6] |= {"role": "VICE_CHAIR"}  # the third mediator's membership

    report = await import_as(graph, roster_file(tmp_path, rows, name="second"))

    assert (report.written, report.unchanged) == (1, 8)
    third = natural_id("mediator", identity_hash(identity(3), key=HASH_KEY))
    event = (await events_of(graph, third))[-1]
    assert event["operation"] == "importMembership"
    assert event["before"] == {"organizationId": ORGANIZATION, "role": "MEMBER", "since": rows[6]["since"].isoformat(),
                               "until": UNTIL.isoformat()}
    assert event["after"] == event["before"] | {"role": "VICE_CHAIR"}
    assert (await verify_audit(graph)).first_broken is None
