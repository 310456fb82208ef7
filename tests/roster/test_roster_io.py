"""Bulk roster import and export: every row validated before any write, batches that converge when run again,
the export/import round trip, and the upload endpoint with real tokens."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.middleware import Middleware

from app import Settings, create_app
from auth import rate_limiter, token_validator
from auth.middleware import BearerAuthentication
from auth.upload import ImportRefused, cli_importer, upload_route
from graph.core.driver import Graph
from graph.roster.bulk import natural_id
from graph.roster.filing import record_filing
from resolvers.audit.trail import verify_audit
from resolvers.core.identifiers import identity_hash
from resolvers.roster.export import export_roster_file, exported_rows
from resolvers.roster.file import BadRow
from resolvers.roster.importer import ImportReport, roster_upload
from seed.demo import demo_roster
from seed.roster import stable_id
from tests.conftest import HASH_KEY, ISSUER, token_for
from tests.helpers.roster_files import (
    JINLI,
    SINCE,
    TODAY,
    UNTIL,
    WUHOU,
    YULIN,
    committee,
    csv_text,
    identity,
    import_as,
    roster_file,
    skeleton,
)

FORMATS = [".csv", ".ndjson"]


class Interrupted(Exception):
    """Stands for the process being killed between two batches."""


async def counts(graph: Graph, *, audit: bool = True) -> Counter[str]:
    """Nodes by label and relationships by type; without the audit trail when `audit` is False."""
    nodes = await graph.read("MATCH (n) RETURN labels(n) AS labels, count(n) AS n")
    edges = await graph.read("MATCH ()-[r]->() RETURN type(r) AS type, count(r) AS n")
    found = Counter({":".join(sorted(row["labels"])): int(row["n"]) for row in nodes})
    found.update({str(row["type"]): int(row["n"]) for row in edges})
    if not audit:
        del found["AuditEvent"], found["ABOUT"]
    return found


async def operations(graph: Graph, entity: str) -> list[str]:
    rows = await graph.read("MATCH (e:AuditEvent {entityId: $id}) RETURN e.operation AS op ORDER BY e.seq", id=entity)
    return [row["op"] for row in rows]


# --- importing ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
async def test_a_bureau_imports_a_roster_filed_guided_and_audited(graph: Graph, tmp_path: Path, suffix: str) -> None:
    await skeleton(graph)
    rows = committee("yl-1") + committee("jl-1", members=4, first=10, jurisdiction=JINLI)
    path = roster_file(tmp_path, rows, suffix)

    report = await import_as(graph, path)

    assert report == ImportReport(rows=16, written=16, bad=[])
    org_id = natural_id("organization", YULIN, "yl-1")
    found = await graph.read(
        "MATCH (o:Organization {id: $id}) RETURN o.status AS status, o.sourceRecordId AS key, o.filingNo AS filingNo,"
        " [(o)-[:FILED_WITH]->(b) | b.name] AS bureau, [(o)-[:GUIDED_BY]->(c) | c.name] AS court,"
        " [(o)-[:LOCATED_IN]->(j) | j.code] AS division, COUNT { (o)<-[:MEMBER_OF]-() } AS members",
        id=org_id,
    )
    assert found == [{"status": "FILED", "key": "yl-1", "filingNo": f"510107-{TODAY.year}-000001", "bureau": [WUHOU],
                      "court": ["成都市武侯区人民法院"], "division": [YULIN], "members": 3}]
    woman = natural_id("mediator", identity_hash(identity(2, female=True), key=HASH_KEY))
    person = await graph.read("MATCH (m:Mediator {id: $id}) RETURN m {.*} AS m", id=woman)
    assert person[0]["m"]["gender"] == "FEMALE" and person[0]["m"]["birthYear"] == 1980
    assert identity(2, female=True) not in str(person), "the identity number is never stored"
    assert await count_events(graph) == 16
    assert await operations(graph, org_id) == ["importOrganization"]
    assert await operations(graph, woman) == ["importMediator", "importMembership"]


async def count_events(graph: Graph) -> int:
    return int((await graph.read("MATCH (e:AuditEvent)-[:ABOUT]->() RETURN count(e) AS n"))[0]["n"])


async def test_every_bad_row_is_reported_and_nothing_is_written(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = [
        *committee("yl-1"),  # lines 2-8, good
        {"record": "organization", "organization_key": "yl-1", "name": "重复的委员会", "kind": "STREET_COMMITTEE",
         "jurisdiction": YULIN},  # line 9: the key of line 2
        {"record": "organization", "organization_key": "yc-1", "name": "雨城区东大街社区人民调解委员会",
         "kind": "RESIDENTS_COMMITTEE", "jurisdiction": "511802001001", "status": "PENDING"},  # line 10: outside
        {"record": "organization", "organization_key": "x-1", "name": "某委员会", "kind": "NO_SUCH_KIND",
         "jurisdiction": YULIN, "employment": "FULL_TIME"},  # line 11
        {"record": "mediator", "identity_number": identity(50)[:-1] + "0", "name": "张三",
         "employment": "FULL_TIME"},  # line 12: wrong check character (the right one is not 0)
        {"record": "membership", "organization_key": "nowhere", "identity_number": identity(1), "role": "MEMBER",
         "since": SINCE, "until": UNTIL},  # line 13
        *committee("jl-1", members=2, first=20, jurisdiction=JINLI),  # lines 14-18: two members only
    ]
    rows[-1]["until"] = datetime.date(TODAY.year + 3, 12, 31)  # line 18: a four-year term
    assert identity(50)[-1] != "0"
    path = roster_file(tmp_path, rows)
    before = await counts(graph)

    report = await import_as(graph, path)

    assert report.rows == 17 and report.written == 0
    assert [(bad.line, bad.field) for bad in report.bad] == [
        (9, "organization_key"), (10, "jurisdiction"), (11, "employment"), (12, "identity_number"),
        (13, "organization_key"), (14, "members"), (18, "until"),
    ]
    reasons = {bad.line: bad.reason for bad in report.bad}
    assert reasons[9] == "Line 2 has the same organization."
    assert reasons[10] == "The division lies outside the bureau's jurisdiction."
    assert reasons[11] == "Not used in organization rows."
    assert reasons[12] == "The check character of the resident identity number does not match."
    assert reasons[13] == "No organization in the file, or stored within reach, has this key."
    assert reasons[14] == "A committee has 3 to 9 members; this one has 2 (Art 8)."
    assert reasons[18] == "A committee term lasts at most 3 years (People's Mediation Law Art 9)."
    assert await counts(graph) == before


async def test_a_row_with_an_unknown_kind_names_the_field(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = committee("yl-1")
    rows[0]["kind"] = "NO_SUCH_KIND"
    report = await import_as(graph, roster_file(tmp_path, rows, ".ndjson"))

    assert [(bad.line, bad.field) for bad in report.bad] == [(1, "kind")]
    assert report.bad[0].reason.startswith("Input should be 'VILLAGE_COMMITTEE'")


async def test_an_interrupted_import_converges_when_run_again(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    rows = committee("yl-1") + committee("yl-2", first=10) + committee("jl-1", first=20, jurisdiction=JINLI)
    path = roster_file(tmp_path, rows)

    async def killed(written: int) -> None:
        raise Interrupted(written)

    with pytest.raises(Interrupted):
        await import_as(graph, path, batch_size=5, after_batch=killed)
    partial = await counts(graph, audit=False)
    report = await import_as(graph, path, batch_size=5)

    assert (partial["Organization"], partial["Mediator"], partial["MEMBER_OF"]) == (3, 1, 1), \
        "the first batch: the organizations, then a mediator with its membership"
    assert report == ImportReport(rows=21, written=16, bad=[], unchanged=5), "the first batch is stored as the file has it"
    after = await counts(graph, audit=False)
    roster = {key: after[key] for key in ("Organization", "Mediator", "MEMBER_OF", "LOCATED_IN", "FILED_WITH",
                                           "GUIDED_BY", "Notice", "FilingCounter")}
    assert roster == {"Organization": 3, "Mediator": 9, "MEMBER_OF": 9, "LOCATED_IN": 3, "FILED_WITH": 3,
                      "GUIDED_BY": 3, "Notice": 3, "FilingCounter": 1}
    numbers = await graph.read("MATCH (o:Organization) RETURN o.filingNo AS no ORDER BY no")
    assert [row["no"] for row in numbers] == [f"510107-{TODAY.year}-00000{n}" for n in (1, 2, 3)]
    assert await count_events(graph) == 21


async def test_an_import_and_the_api_draw_filing_numbers_from_one_counter(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    await import_as(graph, roster_file(tmp_path, committee("yl-1")))
    await graph.write(
        "MATCH (j:Jurisdiction {code: $code}) CREATE (:Organization {id: 'api-filed', name: '玉林第二人民调解委员会',"
        " kind: 'RESIDENTS_COMMITTEE', status: 'FILED', version: 1})-[:LOCATED_IN]->(j)",
        code=YULIN,
    )

    async def file_by_api(tx: Any) -> Any:
        return await record_filing(graph, tx, organization="api-filed", bureau=stable_id("agency", WUHOU), filed_at=TODAY)

    filed = await graph.write_work(file_by_api)

    numbers = await graph.read("MATCH (o:Organization) RETURN o.filingNo AS no ORDER BY no")
    assert filed["filingNo"] == f"510107-{TODAY.year}-000002"
    assert [row["no"] for row in numbers] == [f"510107-{TODAY.year}-00000{n}" for n in (1, 2)]


async def test_importing_the_same_file_again_changes_no_counts(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    path = roster_file(tmp_path, committee("yl-1") + committee("jl-1", first=10, jurisdiction=JINLI))
    await import_as(graph, path)
    first, exported = await counts(graph, audit=False), await exported_rows(graph, jurisdiction="510107")

    report = await import_as(graph, path)

    assert report == ImportReport(rows=14, written=0, bad=[], unchanged=14)
    assert await counts(graph, audit=False) == first
    assert await exported_rows(graph, jurisdiction="510107") == exported
    assert await count_events(graph) == 14, "a row identical to the stored record is not written again"


async def test_chains_stay_intact_across_batches_and_runs(graph: Graph, tmp_path: Path) -> None:
    """New entities start their chains unread; an entity written in an earlier batch or run continues its own."""
    await skeleton(graph)
    path = roster_file(tmp_path, committee("yl-1"))
    woman = natural_id("mediator", identity_hash(identity(2, female=True), key=HASH_KEY))

    await import_as(graph, path, batch_size=1)
    await import_as(graph, path, batch_size=100)

    assert await operations(graph, woman) == ["importMediator", "importMembership"]
    report = await verify_audit(graph)
    assert report.first_broken is None and report.checked_events == 7


async def test_a_person_already_on_the_roster_keeps_their_id(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    hashed = identity_hash(identity(1), key=HASH_KEY)
    await graph.write(
        "MATCH (j:Jurisdiction {code: $code}) CREATE (o:Organization {id: 'org-earlier', kind: 'RESIDENTS_COMMITTEE',"
        " status: 'PENDING'})-[:LOCATED_IN]->(j)"
        " CREATE (:Mediator {id: 'filed-earlier', identityHash: $hash, name: '旧名', gender: 'MALE',"
        " status: 'FILED'})-[:MEMBER_OF {role: 'MEMBER', since: date('2020-01-01'), until: date('2020-12-31')}]->(o)",
        hash=hashed, code=JINLI,
    )

    report = await import_as(graph, roster_file(tmp_path, committee("yl-1")))

    assert report.written == 7
    found = await graph.read(
        "MATCH (m:Mediator {identityHash: $hash}) RETURN m.id AS id, m.name AS name,"
        " [(m)-[:MEMBER_OF]->(o) | o.sourceRecordId] AS keys",
        hash=hashed,
    )
    assert [(row["id"], row["name"], sorted(k for k in row["keys"] if k)) for row in found] == [
        ("filed-earlier", "调解员1", ["yl-1"])]
    assert await operations(graph, "filed-earlier") == ["importMediator", "importMembership"]


async def test_a_row_naming_another_bureau_s_mediator_is_a_bad_row(graph: Graph, tmp_path: Path) -> None:
    """Issue 12: a one-row file with the identity number of a mediator filed in another bureau's district
    rewrote its name, phone and employment; as a membership row it would join the person to the importer."""
    await skeleton(graph)
    number = identity(1)
    await graph.write(
        "MATCH (j:Jurisdiction) WHERE j.code STARTS WITH '511802' WITH j LIMIT 1"
        " CREATE (o:Organization {id: 'yaan-org', kind: 'RESIDENTS_COMMITTEE', status: 'FILED'})-[:LOCATED_IN]->(j)"
        " CREATE (:Mediator {id: 'yaan-m', identityHash: $hash, name: '旧名', gender: 'MALE', status: 'FILED',"
        " version: 1})-[:MEMBER_OF {role: 'MEMBER', since: date('2020-01-01')}]->(o)",
        hash=identity_hash(number, key=HASH_KEY),
    )
    person = [row for row in committee("yl-1") if row["record"] == "mediator" and row["identity_number"] == number]
    person[0] |= {"name": "新名字", "phone": "13700000000"}
    before = await counts(graph)

    report = await import_as(graph, roster_file(tmp_path, person))

    assert [(bad.line, bad.field) for bad in report.bad] == [(2, "identity_number")]
    assert report.written == 0
    assert await counts(graph) == before
    assert await graph.read("MATCH (m:Mediator {id: 'yaan-m'}) RETURN m.name AS name, m.version AS v") == [
        {"name": "旧名", "v": 1}]


async def test_memberships_may_join_a_stored_organization_by_its_key(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    await import_as(graph, roster_file(tmp_path, committee("yl-1"), name="first"))
    joining = [row for row in committee("yl-1", members=4, first=30) if row["record"] != "organization"][-2:]

    report = await import_as(graph, roster_file(tmp_path, joining, name="second"))

    assert report == ImportReport(rows=2, written=2, bad=[])
    members = await graph.read(
        "MATCH (:Organization {id: $id})<-[r:MEMBER_OF]-() RETURN count(r) AS n",
        id=natural_id("organization", YULIN, "yl-1"),
    )
    assert members == [{"n": 4}]


async def test_a_stored_filed_committee_keeps_its_composition(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    await import_as(graph, roster_file(tmp_path, committee("yl-1", members=9), name="first"))
    extra = [row for row in committee("yl-1", members=10, first=1) if row["record"] != "organization"][-2:]

    report = await import_as(graph, roster_file(tmp_path, extra, name="second"))

    assert report.bad == [BadRow(3, "members", "A committee has 3 to 9 members; this one has 10 (Art 8).")]


async def test_an_agency_of_another_kind_cannot_import(graph: Graph) -> None:
    await skeleton(graph)

    with pytest.raises(ImportRefused):
        await cli_importer(graph, agency_id=stable_id("agency", "成都市武侯区人民法院"))


def test_natural_ids_are_the_ids_seeding_derives() -> None:
    assert natural_id("organization", YULIN, "yl-1") == stable_id("organization", YULIN, "yl-1")


# --- exporting --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", FORMATS)
async def test_an_export_imported_into_an_empty_graph_reproduces_the_county(
    demo: Graph, tmp_path: Path, suffix: str
) -> None:
    roster = demo_roster(HASH_KEY)
    in_wuhou = {org["id"] for org in roster.organizations if org["jurisdiction"].startswith("510107")}
    memberships = [m for m in roster.memberships if m["organization"] in in_wuhou]
    original = await exported_rows(demo, jurisdiction="510107")
    path = tmp_path / f"wuhou{suffix}"
    assert await export_roster_file(demo, path, jurisdiction="510107") == len(original)
    await demo.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    await skeleton(demo)

    report = await import_as(demo, path, agency=None)

    assert report == ImportReport(rows=len(original), written=len(original), bad=[])
    assert any(row["filing_no"] for row in original), "filing numbers travel with the roster"
    assert Counter(row["record"] for row in original) == {
        "organization": len(in_wuhou), "mediator": len({m["mediator"] for m in memberships}),
        "membership": len(memberships),
    }
    again = await exported_rows(demo, jurisdiction="510107")
    assert len(again) == len(original)
    for before, after in zip(original, again, strict=True):
        assert after == before


async def filings(graph: Graph) -> list[dict[str, Any]]:
    return await graph.read(
        "MATCH (o:Organization) RETURN coalesce(o.sourceRecordId, o.id) AS key, o.filingNo AS no, o.filedAt AS at,"
        " [(o)-[f:FILED_WITH]->(b) | [b.name, f.filingNo]] AS bureau, [(o)-[:GUIDED_BY]->(c) | c.name] AS court"
        " ORDER BY key"
    )


async def test_a_bureau_importing_its_export_keeps_every_filing_and_numbers_on_after_them(
    demo: Graph, tmp_path: Path
) -> None:
    path = tmp_path / "wuhou.ndjson"
    await export_roster_file(demo, path, jurisdiction="510107")
    await demo.write(
        "MATCH (o:Organization) WHERE NOT EXISTS { (o)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->"
        "(:Jurisdiction {code: '510107'}) } DETACH DELETE o"
    )
    original = await filings(demo)
    await demo.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    await skeleton(demo)

    report = await import_as(demo, path)

    assert report.bad == [] and any(row["no"] for row in original)
    assert await filings(demo) == original


async def test_a_new_filing_numbers_on_after_an_imported_one(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    filed_before = committee("yl-1")
    filed_before[0] |= {"filing_no": f"510107-{TODAY.year}-000041", "filed_at": TODAY.isoformat()}
    await import_as(graph, roster_file(tmp_path, filed_before))

    await import_as(graph, roster_file(tmp_path, committee("yl-2", first=10), name="new"))

    numbers = [row["no"] for row in await filings(graph)]
    assert numbers == [f"510107-{TODAY.year}-000041", f"510107-{TODAY.year}-000042"]


async def test_a_filing_number_held_by_another_organization_is_a_bad_row(graph: Graph, tmp_path: Path) -> None:
    await skeleton(graph)
    await import_as(graph, roster_file(tmp_path, committee("yl-1")))
    taken = f"510107-{TODAY.year}-000001"
    rows = committee("yl-2", first=10)
    rows[0] |= {"filing_no": taken, "filed_at": TODAY.isoformat()}
    pending = committee("yl-3", first=20)
    pending[0] |= {"status": "PENDING", "filing_no": f"510107-{TODAY.year}-000009", "filed_at": TODAY.isoformat()}
    before = await counts(graph)

    report = await import_as(graph, roster_file(tmp_path, rows + pending, name="second"))

    assert [(bad.line, bad.field) for bad in report.bad] == [(2, "filing_no"), (2 + len(rows), "organization")]
    assert "filed under this number" in report.bad[0].reason
    assert await counts(graph) == before


# --- the upload endpoint ---------------------------------------------------------------------------------------


@pytest.fixture
def http(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The app as app.py builds it, with the upload route behind the bearer middleware."""
    return client


@pytest.mark.parametrize("agency", [WUHOU, "调解名册平台管理中心"])
async def test_a_bureau_or_the_platform_uploads_a_roster(
    graph: Graph, http: httpx.AsyncClient, tmp_path: Path, agency: str
) -> None:
    await skeleton(graph)
    token = await token_for(http, graph, agency, "roster:write")

    def upload() -> Any:
        return http.post(
            "/roster/import", content=csv_text(committee("yl-1"), tmp_path),
            headers={"authorization": f"Bearer {token}", "content-type": "text/csv; charset=utf-8"},
        )

    response = await upload()
    first = await counts(graph)
    again = await upload()

    assert response.status_code == 200, response.text
    assert response.json() == {"rows": 7, "written": 7, "unchanged": 0, "dryRun": False, "bad": []}
    assert first["Mediator"] == 3
    assert again.status_code == 200, again.text
    assert again.json() == {"rows": 7, "written": 0, "unchanged": 7, "dryRun": False, "bad": []}
    assert await counts(graph) == first, "the same file again writes nothing, not even an audit event"


async def test_a_dry_run_only_validates(graph: Graph, http: httpx.AsyncClient, tmp_path: Path) -> None:
    await skeleton(graph)
    token = await token_for(http, graph, WUHOU, "roster:write")
    before = await counts(graph)

    response = await http.post(
        "/roster/import?dry_run=true", content=csv_text(committee("yl-1"), tmp_path),
        headers={"authorization": f"Bearer {token}", "content-type": "text/csv"},
    )

    assert response.status_code == 200
    assert response.json() == {"rows": 7, "written": 0, "unchanged": 0, "dryRun": True, "bad": []}
    assert await counts(graph) == before


async def test_an_upload_with_bad_rows_gets_the_report(graph: Graph, http: httpx.AsyncClient, tmp_path: Path) -> None:
    await skeleton(graph)
    token = await token_for(http, graph, WUHOU, "roster:write")
    rows = committee("yc-1", jurisdiction="511802001001")
    before = await counts(graph)

    response = await http.post(
        "/roster/import", content=csv_text(rows, tmp_path),
        headers={"authorization": f"Bearer {token}", "content-type": "application/x-ndjson"},
    )

    assert response.status_code == 422
    assert response.json()["bad"][0] == {
        "line": 1, "field": "record", "reason": "Not a JSON object: Expecting value: line 1 column 1 (char 0)."
    }

    response = await http.post(
        "/roster/import", content=csv_text(rows, tmp_path),
        headers={"authorization": f"Bearer {token}", "content-type": "text/csv"},
    )

    assert response.status_code == 422
    assert response.json() == {
        "rows": 7, "written": 0, "unchanged": 0, "dryRun": False,
        "bad": [{"line": 2, "field": "jurisdiction", "reason": "The division lies outside the bureau's jurisdiction."}],
    }
    assert await counts(graph) == before


@pytest.mark.parametrize(
    ("agency", "scopes", "status", "challenge"),
    [
        (None, None, 401, 'Bearer realm="mediation-registry"'),
        (WUHOU, "roster:read", 403, 'error="insufficient_scope"'),
        ("成都市武侯区人民法院", "roster:write", 403, 'error="insufficient_scope"'),
        ("中华全国总工会", "roster:write", 403, 'error="insufficient_scope"'),
    ],
)
async def test_only_bureaus_with_roster_write_may_upload(
    graph: Graph, http: httpx.AsyncClient, tmp_path: Path, agency: str | None, scopes: str | None, status: int,
    challenge: str,
) -> None:
    await skeleton(graph)
    headers = {"content-type": "text/csv"}
    if agency is not None and scopes is not None:
        headers["authorization"] = f"Bearer {await token_for(http, graph, agency, scopes)}"
    before = await counts(graph)

    response = await http.post("/roster/import", content=csv_text(committee("yl-1"), tmp_path), headers=headers)

    assert response.status_code == status
    assert challenge in response.headers["www-authenticate"]
    assert await counts(graph) == before


async def test_an_upload_larger_than_the_limit_is_refused(graph: Graph, settings: Settings, tmp_path: Path) -> None:
    await skeleton(graph)
    app = create_app(settings, graph=graph)
    config = settings.auth()
    bearer = Middleware(BearerAuthentication, validator=token_validator(config, graph), limiter=rate_limiter(config))
    app.router.routes.insert(0, upload_route(roster_upload(graph, HASH_KEY), middleware=[bearer], max_bytes=100))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=ISSUER) as client:
        token = await token_for(client, graph, WUHOU, "roster:write")
        headers = {"authorization": f"Bearer {token}", "content-type": "text/csv"}

        response = await client.post("/roster/import", content=csv_text(committee("yl-1"), tmp_path), headers=headers)

    assert response.status_code == 413
    assert (await counts(graph))["Organization"] == 0


async def test_an_upload_of_another_media_type_is_refused(graph: Graph, http: httpx.AsyncClient) -> None:
    await skeleton(graph)
    token = await token_for(http, graph, WUHOU, "roster:write")

    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}

    response = await http.post("/roster/import", content=b"{}", headers=headers)

    assert response.status_code == 415
