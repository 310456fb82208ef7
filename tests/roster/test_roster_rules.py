"""Roster rules of issue 4 through the API: the mediator lifecycle, memberships, credentials, full-time minimums
per kind (and a provincial override), name warnings, stale versions, and the roster CLI on an embedded graph."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from graph.core import clock
from graph.core.driver import Graph, open_graph
from graph.core.embedded import start_embedded_server
from graph.core.migrations import apply_migrations
from graph.core.vocabulary import AgencyKind
from resolvers.core.identifiers import identity_hash
from seed.demo import demo_roster
from seed.roster import Roster, division, load_roster, stable_id
from tests.conftest import HASH_KEY, AsAgency, GraphQLClient
from tests.helpers.filing import (
    AMEND_MEDIATOR,
    COMPLETE,
    DEREGISTER,
    FILE_MEDIATOR,
    FILE_ORG,
    MEDIATOR_PAYLOAD,
    TERM,
    committee,
    events,
    person,
    size,
)
from tests.helpers.roster import WRITE, WUHOU, YUCHENG, filed_committee_of
from tests.helpers.roster_files import committee as roster_committee
from tests.helpers.roster_files import identity as roster_identity
from tests.helpers.roster_files import roster_file, skeleton

ROSTER = demo_roster(HASH_KEY)
TODAY = clock.today()
ROOT = Path(__file__).resolve().parents[2]

STEP = "mutation($id: ID!, $version: Int!) { %s(id: $id, version: $version, reason: \"检查\") {" \
    + MEDIATOR_PAYLOAD + "} }"
SUSPEND, REINSTATE = STEP % "suspendMediator", STEP % "reinstateMediator"
JOIN = "mutation($m: ID!, $input: MembershipInput!) { addMembership(mediatorId: $m, input: $input) {" \
    + MEDIATOR_PAYLOAD + "} }"
CREDENTIAL_PAYLOAD = """
  __typename
  ... on Problem { code field message }
  ... on CredentialSaved { credentialId replayed }
"""
ADD_CREDENTIAL = "mutation($m: ID!, $input: CredentialInput!) { addCredential(mediatorId: $m, input: $input) {" \
    + CREDENTIAL_PAYLOAD + "} }"
VERIFY = "mutation($id: ID!) { verifyCredential(id: $id) {" + CREDENTIAL_PAYLOAD + "} }"
CREDENTIALS = "query($id: ID!) { mediator(id: $id) { credentials { id scheme level number verified } } }"
MEMBERSHIPS = "query($id: ID!) { mediator(id: $id) { memberships { role since until organization { name } } } }"
GRADE = {"scheme": "PEOPLES_MEDIATOR_GRADE", "level": "3", "number": "SC-WH-000123", "issuer": "四川省人民调解员协会",
         "issuedAt": "2025-06-30", "expiresAt": "2029-06-29"}


async def audit_total(graph: Graph) -> int:
    rows = await graph.read("MATCH (e:AuditEvent) RETURN count(e) AS n")
    return int(rows[0]["n"])


async def snapshot(graph: Graph) -> tuple[list[dict[str, Any]], int]:
    """What a refused write must leave as it was: node and edge counts, and the length of the audit trail."""
    return await size(graph), await audit_total(graph)


def demo_organization(name: str) -> dict[str, Any]:
    return next(row for row in ROSTER.organizations if row["props"]["name"] == name)


async def status_of(graph: Graph, mediator_id: str) -> dict[str, Any]:
    rows = await graph.read("MATCH (m:Mediator {id: $id}) RETURN m.status AS status, m.version AS version", id=mediator_id)
    return rows[0]


# --- the mediator lifecycle -------------------------------------------------------------------------------------


async def test_a_mediator_is_suspended_and_reinstated_to_filed(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 4)
    member = people[1]["id"]
    trail = await events(demo, member)

    suspended = (await bureau(SUSPEND, id=member, version=2))["data"]["suspendMediator"]
    reinstated = (await bureau(REINSTATE, id=member, version=3))["data"]["reinstateMediator"]

    assert (suspended["__typename"], suspended["mediator"]["status"], suspended["mediator"]["version"]) == (
        "MediatorSaved", "SUSPENDED", 3)
    assert (reinstated["__typename"], reinstated["mediator"]["status"], reinstated["mediator"]["version"]) == (
        "MediatorSaved", "FILED", 4)
    assert await events(demo, member) == [*trail, "suspendMediator", "reinstateMediator"]
    reasons = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.statusReason AS reason", id=member)
    assert reasons == [{"reason": "检查"}]


async def test_a_mediator_is_deregistered_from_filed_and_from_suspended(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 5)
    filed, suspended = people[3]["id"], people[4]["id"]

    from_filed = (await bureau(DEREGISTER, id=filed, version=2))["data"]["deregisterMediator"]
    await bureau(SUSPEND, id=suspended, version=2)
    from_suspended = (await bureau(DEREGISTER, id=suspended, version=3))["data"]["deregisterMediator"]

    assert (from_filed["__typename"], from_filed["mediator"]["status"]) == ("MediatorSaved", "DEREGISTERED")
    assert (from_suspended["__typename"], from_suspended["mediator"]["status"]) == ("MediatorSaved", "DEREGISTERED")
    assert await status_of(demo, filed) == {"status": "DEREGISTERED", "version": 3}
    assert await status_of(demo, suspended) == {"status": "DEREGISTERED", "version": 4}
    assert (await events(demo, suspended))[-2:] == ["suspendMediator", "deregisterMediator"]
    # the committee now has three members who count, so a third deregistration breaks it
    third = (await bureau(DEREGISTER, id=people[2]["id"], version=2))["data"]["deregisterMediator"]
    assert (third["__typename"], third["message"]) == (
        "ValidationProblem", "A committee has 3 to 9 members; this one has 2 (Art 8).")


@pytest.mark.parametrize(
    ("steps", "illegal", "status"),
    [
        ([], REINSTATE, "FILED"),  # reinstating a FILED mediator
        ([DEREGISTER], SUSPEND, "DEREGISTERED"),  # suspending a DEREGISTERED one
        ([DEREGISTER], DEREGISTER, "DEREGISTERED"),  # deregistering it twice
    ],
    ids=["reinstate-filed", "suspend-deregistered", "deregister-deregistered"],
)
async def test_an_illegal_step_of_a_mediator_is_refused_and_writes_nothing(
    demo: Graph, as_agency: AsAgency, steps: list[str], illegal: str, status: str
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 4)
    member = people[3]["id"]
    for version, step in enumerate(steps, start=2):
        done = await bureau(step, id=member, version=version)
        assert next(iter(done["data"].values()))["__typename"] == "MediatorSaved", done
    version = len(steps) + 2
    before, trail = await snapshot(demo), await events(demo, member)

    body = await bureau(illegal, id=member, version=version)

    problem = next(iter(body["data"].values()))
    assert (problem["__typename"], problem["code"], problem["field"]) == (
        "IllegalTransitionProblem", "ILLEGAL_TRANSITION", "status")
    assert problem["message"].startswith(f"A record that is {status} cannot be ")
    assert await status_of(demo, member) == {"status": status, "version": version}
    assert await snapshot(demo) == before
    assert await events(demo, member) == trail


async def test_an_illegal_step_is_explained_in_plain_words(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)

    body = await bureau(REINSTATE, id=people[1]["id"], version=2)

    assert body["data"]["reinstateMediator"]["message"] == (
        "A record that is FILED cannot be reinstated (allowed from DEREGISTERED, SUSPENDED).")


# --- memberships ------------------------------------------------------------------------------------------------


async def test_a_mediator_may_serve_a_second_organization(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    other = demo_organization("洗面桥社区人民调解委员会")
    seats = sum(1 for m in ROSTER.memberships if m["organization"] == other["id"])
    trail = await events(demo, people[1]["id"])

    body = await bureau(JOIN, m=people[1]["id"], input={"organizationId": other["id"], "role": "MEMBER", **TERM})

    assert body["data"]["addMembership"]["__typename"] == "MediatorSaved", body
    listed = await bureau(MEMBERSHIPS, id=people[1]["id"])
    names = sorted(m["organization"]["name"] for m in listed["data"]["mediator"]["memberships"])
    assert names == sorted([committee()["name"], "洗面桥社区人民调解委员会"])
    members = await demo.read("MATCH (:Organization {id: $id})<-[:MEMBER_OF]-(m) RETURN count(m) AS n", id=other["id"])
    assert members == [{"n": seats + 1}]
    notices = await demo.read("MATCH (n:Notice {organizationId: $id}) RETURN n.kind AS kind", id=other["id"])
    assert [row["kind"] for row in notices] == ["MEMBER_JOINED"]
    assert await events(demo, people[1]["id"]) == [*trail, "addMembership"]


@pytest.mark.parametrize(
    ("since", "until"),
    [("2026-01-01", "2027-06-30"), ("2024-01-01", "2025-01-01"), ("2027-12-31", "2030-12-30")],
    ids=["inside", "touching-the-start", "touching-the-end"],
)
async def test_overlapping_memberships_of_one_organization_are_refused(
    demo: Graph, as_agency: AsAgency, since: str, until: str
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id, people = await filed_committee_of(bureau, 4)
    member = people[3]["id"]
    before, trail = await snapshot(demo), await events(demo, member)

    body = await bureau(JOIN, m=member, input={"organizationId": org_id, "role": "MEMBER", "since": since, "until": until})

    problem = body["data"]["addMembership"]
    assert (problem["__typename"], problem["code"], problem["field"], problem["message"]) == (
        "ConflictProblem", "CONFLICT", "membership.since",
        "The mediator already has a membership of this organization in that period.")
    assert await snapshot(demo) == before
    assert await events(demo, member) == trail


async def test_a_later_term_in_the_same_organization_does_not_overlap(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id, people = await filed_committee_of(bureau, 4)

    body = await bureau(JOIN, m=people[3]["id"], input={
        "organizationId": org_id, "role": "MEMBER", "since": "2028-01-01", "until": "2030-12-31"})

    assert body["data"]["addMembership"]["__typename"] == "MediatorSaved", body
    terms = await demo.read(
        "MATCH (:Mediator {id: $m})-[r:MEMBER_OF]->(:Organization {id: $o}) RETURN toString(r.since) AS since"
        " ORDER BY since", m=people[3]["id"], o=org_id)
    assert [row["since"] for row in terms] == [TERM["since"], "2028-01-01"]


async def other_committee_member(bureau: GraphQLClient) -> str:
    """A mediator filed with the demo's Wuhou lawyer studio, free to join any committee."""
    studio = demo_organization("成都市武侯区律师调解工作室")
    body = await bureau(FILE_MEDIATOR, input=person(60, female=True),
                        membership={"organizationId": studio["id"], "role": "MEMBER", "since": "2025-01-01"})
    assert body["data"]["fileMediator"]["__typename"] == "MediatorSaved", body
    return str(body["data"]["fileMediator"]["mediator"]["id"])


@pytest.mark.parametrize(
    ("members", "role", "message"),
    [
        (3, "CHAIR", "A committee has exactly one chair; this one has 2 (Art 8)."),
        (9, "MEMBER", "A committee has 3 to 9 members; this one has 10 (Art 8)."),
    ],
    ids=["second chair", "tenth member"],
)
async def test_a_membership_breaking_a_filed_committee_is_refused(
    demo: Graph, as_agency: AsAgency, members: int, role: str, message: str
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id, _ = await filed_committee_of(bureau, members)
    newcomer = await other_committee_member(bureau)
    before, trail = await snapshot(demo), await events(demo, newcomer)

    body = await bureau(JOIN, m=newcomer, input={"organizationId": org_id, "role": role, **TERM})

    problem = body["data"]["addMembership"]
    assert (problem["__typename"], problem["code"], problem["field"], problem["message"]) == (
        "ValidationProblem", "VALIDATION", "members", message)
    assert await snapshot(demo) == before
    assert await events(demo, newcomer) == trail
    assert await demo.read("MATCH (n:Notice {organizationId: $id}) WHERE n.kind <> 'FILING' RETURN n", id=org_id) == []
    seated = await bureau("query($id: ID!) { organization(id: $id) { members { role } } }", id=org_id)
    assert len(seated["data"]["organization"]["members"]) == members


# --- credentials ------------------------------------------------------------------------------------------------


async def test_a_credential_is_added_unverified_and_then_verified(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    holder = people[1]["id"]

    added = (await bureau(ADD_CREDENTIAL, m=holder, input=GRADE))["data"]["addCredential"]
    credential_id = added["credentialId"]
    unverified = (await bureau(CREDENTIALS, id=holder))["data"]["mediator"]["credentials"]
    verified = (await bureau(VERIFY, id=credential_id))["data"]["verifyCredential"]

    assert (added["__typename"], added["replayed"]) == ("CredentialSaved", False)
    assert unverified == [{"id": credential_id, "scheme": "PEOPLES_MEDIATOR_GRADE", "level": "3",
                           "number": "SC-WH-000123", "verified": False}]
    assert (verified["__typename"], verified["credentialId"]) == ("CredentialSaved", credential_id)
    after = (await bureau(CREDENTIALS, id=holder))["data"]["mediator"]["credentials"]
    assert [c["verified"] for c in after] == [True]
    by = await demo.read("MATCH (c:Credential {id: $id}) RETURN c.verifiedBy AS by", id=credential_id)
    assert by == [{"by": stable_id("agency", WUHOU)}]
    assert await events(demo, credential_id) == ["addCredential", "verifyCredential"]


async def test_a_credential_that_expires_before_it_is_issued_is_refused(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    before = await snapshot(demo)

    body = await bureau(ADD_CREDENTIAL, m=people[1]["id"], input=GRADE | {"expiresAt": "2025-06-30"})

    problem = body["data"]["addCredential"]
    assert (problem["__typename"], problem["field"], problem["message"]) == (
        "ValidationProblem", "expiresAt", "A credential expires after it is issued.")
    assert await snapshot(demo) == before


async def test_verifying_a_credential_twice_is_refused_and_writes_nothing(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    added = await bureau(ADD_CREDENTIAL, m=people[1]["id"], input=GRADE)
    credential_id = added["data"]["addCredential"]["credentialId"]
    await bureau(VERIFY, id=credential_id)
    first = await demo.read("MATCH (c:Credential {id: $id}) RETURN c {.*} AS c", id=credential_id)
    before, trail = await snapshot(demo), await events(demo, credential_id)

    again = (await bureau(VERIFY, id=credential_id))["data"]["verifyCredential"]

    assert await demo.read("MATCH (c:Credential {id: $id}) RETURN c {.*} AS c", id=credential_id) == first
    assert await events(demo, credential_id) == trail
    assert await snapshot(demo) == before
    assert again["__typename"] in ("ConflictProblem", "IllegalTransitionProblem"), again


async def test_verifying_an_unknown_credential_is_not_found(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    before = await snapshot(demo)

    body = await bureau(VERIFY, id=str(uuid.uuid4()))

    problem = body["data"]["verifyCredential"]
    assert (problem["__typename"], problem["code"], problem["field"], problem["message"]) == (
        "NotFoundProblem", "NOT_FOUND", "credentialId", "No credential has this id.")
    assert await snapshot(demo) == before


async def test_a_bureau_outside_the_mediators_jurisdiction_may_not_add_or_verify(
    demo: Graph, as_agency: AsAgency
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    outsider = await as_agency(YUCHENG, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    holder = people[1]["id"]
    added = await bureau(ADD_CREDENTIAL, m=holder, input=GRADE)
    credential_id = added["data"]["addCredential"]["credentialId"]
    before, trail = await snapshot(demo), await events(demo, credential_id)

    adding = (await outsider(ADD_CREDENTIAL, m=holder, input=GRADE | {"number": "YA-1"}))["data"]["addCredential"]
    verifying = (await outsider(VERIFY, id=credential_id))["data"]["verifyCredential"]

    outside = "The mediator serves no organization inside the bureau's jurisdiction."
    assert (adding["__typename"], adding["code"], adding["field"], adding["message"]) == (
        "ForbiddenByAgencyProblem", "FORBIDDEN_BY_AGENCY", "mediatorId", outside)
    assert (verifying["__typename"], verifying["code"], verifying["field"], verifying["message"]) == (
        "ForbiddenByAgencyProblem", "FORBIDDEN_BY_AGENCY", "mediatorId", outside)
    assert await snapshot(demo) == before
    assert await events(demo, credential_id) == trail
    assert await demo.read("MATCH (c:Credential {id: $id}) RETURN c.verified AS v", id=credential_id) == [{"v": False}]


# --- full-time minimums per organization kind -------------------------------------------------------------------


async def staffed_draft(
    bureau: GraphQLClient, organization: dict[str, Any], employment: list[str], *, first: int = 200
) -> str:
    """A draft with one member per entry of `employment` (the first a woman and the chair)."""
    body = await bureau(FILE_ORG, input=organization, draft=True)
    assert body["data"]["fileOrganization"]["__typename"] == "OrganizationSaved", body
    org_id = str(body["data"]["fileOrganization"]["organization"]["id"])
    for seat, kind in enumerate(employment):
        await join_new(bureau, org_id, first + seat, kind, chair=seat == 0)
    return org_id


async def join_new(bureau: GraphQLClient, org_id: str, serial: int, employment: str, *, chair: bool = False) -> str:
    filed = await bureau(FILE_MEDIATOR, input=person(serial, female=chair, employment=employment),
                         membership={"organizationId": org_id, "role": "CHAIR" if chair else "MEMBER", **TERM})
    assert filed["data"]["fileMediator"]["__typename"] == "MediatorSaved", filed
    return str(filed["data"]["fileMediator"]["mediator"]["id"])


@pytest.mark.parametrize(
    ("kind", "jurisdiction", "minimum"),
    [
        ("INDUSTRY_COMMITTEE", "510107", 3),
        ("PROFESSIONAL_COMMITTEE", "510107", 3),
        ("STREET_COMMITTEE", "510107005000", 2),
    ],
)
async def test_filing_needs_the_full_time_minimum_of_the_kind(
    demo: Graph, as_agency: AsAgency, kind: str, jurisdiction: str, minimum: int
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    organization = committee("武侯区医疗纠纷人民调解委员会", kind=kind, jurisdiction=jurisdiction)
    org_id = await staffed_draft(bureau, organization, ["FULL_TIME"] * (minimum - 1) + ["PART_TIME"] * 2)
    before, trail = await snapshot(demo), await events(demo, org_id)

    short = (await bureau(COMPLETE, id=org_id, version=1))["data"]["completeFiling"]

    assert (short["__typename"], short["field"], short["message"]) == (
        "ValidationProblem", "members", f"This kind needs at least {minimum} full-time mediators; it has {minimum - 1}.")
    assert await snapshot(demo) == before
    assert await events(demo, org_id) == trail
    await join_new(bureau, org_id, 300, "FULL_TIME")
    filed = (await bureau(COMPLETE, id=org_id, version=1))["data"]["completeFiling"]
    assert (filed["__typename"], filed["organization"]["status"]) == ("OrganizationSaved", "FILED"), filed


HENAN_BUREAU = "郑州市中原区司法局"


async def henan(graph: Graph) -> None:
    """A Henan county and its bureau beside the demo's Sichuan: Henan overrides the one-stop centres' minimum."""
    roster = Roster(
        jurisdictions=[division("410000", "河南省", "PROVINCE", None), division("410100", "郑州市", "CITY", "410000"),
                       division("410102", "中原区", "COUNTY", "410100")],
        agencies={AgencyKind.JUDICIAL_BUREAU: [
            {"id": stable_id("agency", HENAN_BUREAU), "name": HENAN_BUREAU, "jurisdiction": "410102"}]},
    )
    await load_roster(graph, roster)


async def test_a_province_may_raise_the_full_time_minimum(demo: Graph, as_agency: AsAgency) -> None:
    await henan(demo)
    zhengzhou = await as_agency(HENAN_BUREAU, WRITE)
    wuhou = await as_agency(WUHOU, WRITE)
    centre = {"name": "中原区矛盾纠纷多元化解中心", "kind": "ONE_STOP_CENTRE", "sectors": ["FAMILY"]}

    in_sichuan = (await wuhou(FILE_ORG, input=centre | {"jurisdiction": "510107"}, draft=False))["data"]
    org_id = await staffed_draft(zhengzhou, centre | {"jurisdiction": "410102"}, ["FULL_TIME"] * 4 + ["PART_TIME"])
    before = await snapshot(demo)
    short = (await zhengzhou(COMPLETE, id=org_id, version=1))["data"]["completeFiling"]

    assert in_sichuan["fileOrganization"]["organization"]["status"] == "FILED", in_sichuan
    assert (short["__typename"], short["message"]) == (
        "ValidationProblem", "This kind needs at least 5 full-time mediators; it has 4.")
    assert await snapshot(demo) == before
    await join_new(zhengzhou, org_id, 310, "FULL_TIME")
    filed = (await zhengzhou(COMPLETE, id=org_id, version=1))["data"]["completeFiling"]
    assert (filed["__typename"], filed["organization"]["filingNo"]) == (
        "OrganizationSaved", f"410102-{TODAY.year}-000001"), filed


# --- name conventions are warnings ------------------------------------------------------------------------------

NAME_WARNING = "A people's mediation committee is usually named '<place or field>人民调解委员会'."


@pytest.mark.parametrize(("name", "warnings"), [
    ("玉林北路社区调解会", [NAME_WARNING]),
    ("玉林北路社区第二人民调解委员会", []),
])
async def test_a_committee_name_off_the_convention_is_a_warning_on_drafting(
    demo: Graph, as_agency: AsAgency, name: str, warnings: list[str]
) -> None:
    bureau = await as_agency(WUHOU, WRITE)

    body = await bureau(FILE_ORG, input=committee(name), draft=True)

    saved = body["data"]["fileOrganization"]
    assert (saved["__typename"], saved["organization"]["name"], saved["warnings"]) == ("OrganizationSaved", name, warnings)


async def test_filing_a_committee_named_off_the_convention_succeeds_with_a_warning(
    demo: Graph, as_agency: AsAgency
) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    org_id = await staffed_draft(bureau, committee("玉林北路社区调解会"), ["FULL_TIME"] * 3)

    filed = (await bureau(COMPLETE, id=org_id, version=1))["data"]["completeFiling"]

    assert (filed["__typename"], filed["organization"]["status"]) == ("OrganizationSaved", "FILED")
    assert filed["warnings"] == [NAME_WARNING]


# --- optimistic concurrency -------------------------------------------------------------------------------------


async def test_amending_a_mediator_with_a_stale_version_writes_nothing(demo: Graph, as_agency: AsAgency) -> None:
    bureau = await as_agency(WUHOU, WRITE)
    _, people = await filed_committee_of(bureau, 3)
    member = people[1]["id"]
    renamed = (await bureau(AMEND_MEDIATOR, id=member, version=2, input={"name": "改名一"}))["data"]["amendMediator"]
    before, trail = await snapshot(demo), await events(demo, member)

    stale = (await bureau(AMEND_MEDIATOR, id=member, version=2, input={"name": "改名二"}))["data"]["amendMediator"]

    assert (renamed["mediator"]["name"], renamed["mediator"]["version"]) == ("改名一", 3)
    assert (stale["__typename"], stale["code"], stale["field"], stale["message"]) == (
        "StaleVersionProblem", "STALE_VERSION", "version", "The mediator changed since it was read; it is now at version 3.")
    rows = await demo.read("MATCH (m:Mediator {id: $id}) RETURN m.name AS name, m.version AS version", id=member)
    assert rows == [{"name": "改名一", "version": 3}]
    assert await snapshot(demo) == before
    assert await events(demo, member) == trail


# --- the roster CLI on an embedded graph ------------------------------------------------------------------------


async def test_the_roster_cli_refuses_a_bad_file_then_imports_and_exports_a_good_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    wuhou = stable_id("agency", WUHOU)
    server = start_embedded_server(data_dir=data / "graph", database="registry", heap="512m")
    try:
        graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
        await apply_migrations(graph)
        await skeleton(graph)
        await graph.close()
    finally:
        server.stop()
    env = {**os.environ, "REGISTRY_DATA_DIR": str(data), "REGISTRY_GRAPH_HEAP": "512m",
           "REGISTRY_IDENTITY_HASH_KEY": HASH_KEY.decode()}
    env.pop("REGISTRY_GRAPH_URI", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "app", *args]
        return subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    unlucky = roster_identity(50)
    wrong = unlucky[:-1] + ("0" if unlucky[-1] != "0" else "1")
    bad_rows = [*roster_committee("bad-1", first=40),  # lines 1-7 of the NDJSON file, good
                {"record": "mediator", "identity_number": wrong, "name": "张三", "employment": "FULL_TIME"}]  # line 8
    good_rows = roster_committee("cli-1")
    bad = roster_file(tmp_path, bad_rows, ".ndjson", name="bad")
    good = roster_file(tmp_path, good_rows, ".ndjson", name="good")
    exported = tmp_path / "export.ndjson"

    refused = run("import", "roster", str(bad), "--agency", wuhou)
    imported = run("import", "roster", str(good), "--agency", wuhou)
    again = run("import", "roster", str(good), "--agency", wuhou)
    export = run("export", "roster", "--jurisdiction", "510107", "--output", str(exported))

    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "line 8: identity_number: The check character of the resident identity number does not match." in refused.stderr
    assert "1 bad rows of 8; nothing was written" in refused.stderr
    assert imported.returncode == 0, imported.stderr
    first = r"^7 rows read, 7 written, 0 unchanged in [0-9.]+ s \([0-9,]+ rows/s\)$"
    assert re.search(first, imported.stdout, re.MULTILINE), imported.stdout
    assert again.returncode == 0, again.stderr
    assert re.search(r"^7 rows read, 0 written, 7 unchanged in ", again.stdout, re.MULTILINE), again.stdout
    assert (export.returncode, export.stdout.strip()) == (0, f"7 rows written to {exported}"), export.stderr
    rows = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [row["record"] for row in rows] == ["organization"] + ["mediator"] * 3 + ["membership"] * 3
    organization = good_rows[0]
    assert {k: rows[0][k] for k in ("organization_key", "name", "kind", "jurisdiction", "sectors", "status")} == {
        "organization_key": "cli-1", "name": organization["name"], "kind": organization["kind"],
        "jurisdiction": organization["jurisdiction"], "sectors": organization["sectors"], "status": "FILED"}
    people = {identity_hash(row["identity_number"], key=HASH_KEY): row for row in good_rows if row["record"] == "mediator"}
    assert {row["identity_hash"]: (row["name"], row["employment"]) for row in rows if row["record"] == "mediator"} == {
        hashed: (row["name"], row["employment"]) for hashed, row in people.items()}
    seats = {(row["identity_hash"], row["role"], row["since"], row["until"]) for row in rows if row["record"] == "membership"}
    assert seats == {
        (identity_hash(row["identity_number"], key=HASH_KEY), row["role"], row["since"].isoformat(), row["until"].isoformat())
        for row in good_rows if row["record"] == "membership"}
    assert all(row["organization_key"] == "cli-1" for row in rows if row["record"] == "membership")

    server = start_embedded_server(data_dir=data / "graph", database="registry", heap="512m")
    try:
        graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database)
        trail = await graph.read("MATCH (e:AuditEvent) RETURN count(e) AS n")
        stored = await graph.read("MATCH (o:Organization) RETURN collect(o.sourceRecordId) AS keys")
        await graph.close()
    finally:
        server.stop()
    assert trail == [{"n": 7}]  # one event per row of the good file, none from the refused one or the rerun
    assert stored == [{"keys": ["cli-1"]}]
