"""The bench's data: the generator's roster at scale F (through the CLI), then what the golden reads need and
the generator does not make: courts' invitations, cases and decided grades, written in batched statements."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from bench.registry import Bolt
from graph.core import clock

MARKER = "bench-data.json"
HEX = "0123456789abcdef"
INVITED_MEDIATORS = HEX[:3]  # ids ending in one of these: 3/16 of a county's mediators
INVITED_ORGANIZATIONS = HEX[:2]  # 1/8 of a county's organizations
WITH_CASES = HEX[3:8]  # 5/16 of mediators get one closed and one open case with their county's basic court
GRADED = HEX[6:10]  # 1/4 get a decided grade (overlapping those with cases)
PANELS = ["FAMILY", "NEIGHBOURHOOD", "LABOUR", "CONTRACT", "ROAD_TRAFFIC"]


@dataclass(frozen=True, slots=True)
class Fixtures:
    """Real ids and codes from the loaded data that the golden operations name."""

    province: str
    city: str
    county: str
    court: str
    bureau: str
    admin: str
    mediator: str
    organization: str
    counts: dict[str, int]


def registry_env(bolt: Bolt, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        **os.environ,
        "REGISTRY_GRAPH_URI": bolt.uri,
        "REGISTRY_GRAPH_USER": bolt.user,
        "REGISTRY_GRAPH_PASSWORD": bolt.password,
        "REGISTRY_GRAPH_DATABASE": bolt.database,
        "REGISTRY_GRAPH_TIMEOUT": "600",
        **(extra or {}),
    }


def load(bolt: Bolt, data_dir: Path, *, scale: float, hash_key: str) -> dict[str, Any]:
    """Generate and extend the roster unless this data directory already holds the same scale."""
    marker = data_dir / MARKER
    if marker.exists():
        done = json.loads(marker.read_text(encoding="utf-8"))
        if done.get("scale") == scale:
            print(f"reusing the data in {data_dir} (scale {scale})")
            return dict(done)
        raise SystemExit(f"{data_dir} holds scale {done.get('scale')}, not {scale}: give another --data-dir")
    started = time.perf_counter()
    env = registry_env(bolt, {"REGISTRY_IDENTITY_HASH_KEY": hash_key})
    subprocess.run(["mediation-registry", "seed", "--scale", str(scale)], env=env, check=True)
    generated = time.perf_counter() - started
    with GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        extras = add_history(driver, bolt.database)
    done = {"scale": scale, "generate_s": round(generated, 1), "extras_s": round(time.perf_counter() - started - generated, 1)}
    marker.write_text(json.dumps(done), encoding="utf-8")
    print(f"loaded scale {scale}: generator {done['generate_s']} s, invitations/cases/grades {done['extras_s']} s {extras}")
    return done


def add_history(driver: Any, database: str) -> dict[str, int]:
    """Per county (one statement each, so no statement outgrows the server's query heap): its basic court
    invites a share of the county's mediators and organizations on panels, a share of its mediators handled
    two cases referred by that court, and a share hold a decided grade. Shares are picked by the last hex digit
    of the registry id, so reruns choose the same records."""
    today = clock.today()  # the registry's day, which its statements compare against
    dates = {
        "since": today - datetime.timedelta(days=200), "until": today + datetime.timedelta(days=500),
        "accepted": today - datetime.timedelta(days=60), "deadline": today - datetime.timedelta(days=30),
        "closed": today - datetime.timedelta(days=40), "open": today - datetime.timedelta(days=45),
        "late": today - datetime.timedelta(days=15), "validFrom": today - datetime.timedelta(days=100),
        "validUntil": today + datetime.timedelta(days=600),
    }
    courts = driver.execute_query(
        "MATCH (c:Court {level: 'BASIC'})-[:HAS_JURISDICTION]->(j:Jurisdiction {level: 'COUNTY'})"
        " RETURN c.id AS court, c.courtCode AS code, j.code AS county ORDER BY county",
        database_=database,
    ).records
    totals = {"invited mediators": 0, "invited organizations": 0, "mediators with cases": 0, "graded": 0}
    for index, court in enumerate(courts):
        params = {**dates, "court": court["court"], "county": court["county"], "code": court["code"] or "X", "panels": PANELS}
        for name, statement, share in STATEMENTS:
            rows = driver.execute_query(statement, params | {"share": list(share)}, database_=database).records
            totals[name] += int(rows[0]["n"])
        if index % 50 == 49:
            print(f"  history: {index + 1}/{len(courts)} counties")
    return totals


COUNTY = (
    "MATCH (county:Jurisdiction {code: $county}) MATCH (j:Jurisdiction)-[:PART_OF*0..]->(county)"
    " MATCH (o:Organization)-[:LOCATED_IN]->(j)"
)
"""The county's organizations, found from the county down (the engine starts from the anchored division; a
pattern that ends at the county is matched from every Mediator or Organization, once per county)."""
IN_COUNTY = COUNTY + " MATCH (m:Mediator)-[:MEMBER_OF]->(o)"
STATEMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "invited mediators",
        "MATCH (c:Court {id: $court}) " + IN_COUNTY +
        " WITH DISTINCT c, m WHERE substring(m.id, size(m.id) - 1, 1) IN $share"
        " CREATE (c)-[:INVITES {since: $since, until: $until, status: 'ACTIVE', invitedAt: datetime(),"
        " certificateNo: $code + '-' + substring(m.id, 0, 8),"
        " panels: [p IN $panels WHERE p IN m.specialties] + [$panels[size(m.name) % size($panels)]]}]->(m)"
        " RETURN count(m) AS n",
        INVITED_MEDIATORS,
    ),
    (
        "invited organizations",
        "MATCH (c:Court {id: $court}) " + COUNTY +
        " WITH c, o WHERE o.status = 'FILED' AND substring(o.id, size(o.id) - 1, 1) IN $share"
        " CREATE (c)-[:INVITES {since: $since, until: $until, status: 'ACTIVE', invitedAt: datetime(),"
        " certificateNo: $code + '-' + substring(o.id, 0, 8),"
        " panels: [p IN $panels WHERE p IN o.sectors] + [$panels[size(o.name) % size($panels)]]}]->(o)"
        " RETURN count(o) AS n",
        INVITED_ORGANIZATIONS,
    ),
    (
        "mediators with cases",
        "MATCH (c:Court {id: $court}) " + IN_COUNTY +
        " WITH DISTINCT c, m WHERE substring(m.id, size(m.id) - 1, 1) IN $share"
        " CREATE (m)-[:HANDLED {id: m.id + '-a', caseCode: m.id + '-a', codeYear: $accepted.year, codeCourt: $code,"
        " codeType: '民诉前调', codeSerial: 1, caseType: 'FAMILY', referral: 'DELEGATED', stage: 'CLOSED',"
        " referredAt: $accepted, acceptedAt: $accepted, deadline: $deadline, closedAt: $closed, extensions: 0,"
        " outcome: CASE WHEN m.id ENDS WITH '3' THEN 'NO_AGREEMENT' ELSE 'AGREEMENT' END, version: 1}]->(c)"
        " CREATE (m)-[:HANDLED {id: m.id + '-b', caseCode: m.id + '-b', codeYear: $open.year, codeCourt: $code,"
        " codeType: '民诉前调', codeSerial: 2, caseType: 'LABOUR', referral: 'DELEGATED', stage: 'ACCEPTED',"
        " referredAt: $open, acceptedAt: $open, deadline: $late, extensions: 0, version: 1}]->(c)"
        " RETURN count(m) AS n",
        WITH_CASES,
    ),
    (
        "graded",
        IN_COUNTY +
        " WITH DISTINCT m WHERE substring(m.id, size(m.id) - 1, 1) IN $share"
        " WITH m, size(m.name) % 4 + 1 AS rank"
        " CREATE (m)-[:ASSESSED]->(:GradeAssessment {id: m.id + '-grade', scheme: 'national',"
        " grade: ['一级', '二级', '三级', '四级'][rank - 1], rank: rank, status: 'DECIDED',"
        " decidedAt: datetime(), validFrom: $validFrom, validUntil: $validUntil})"
        " RETURN count(m) AS n",
        GRADED,
    ),
)


def fixtures(bolt: Bolt) -> Fixtures:
    """The largest province, its largest city and that city's largest county by organizations; the county's
    basic court and bureau; one of its invited, graded mediators with cases; a lawyer studio to file into."""
    with GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        def one(statement: str, **params: Any) -> dict[str, Any]:
            records = driver.execute_query(statement, params, database_=bolt.database).records
            if not records:
                raise SystemExit(f"the loaded data has no answer to: {statement}")
            return dict(records[0])

        largest = (
            "MATCH (r:Jurisdiction {level: $level}) WHERE $parent IS NULL OR (r)-[:PART_OF]->(:Jurisdiction {code: $parent})"
            " MATCH (o:Organization)-[:LOCATED_IN]->(:Jurisdiction)-[:PART_OF*0..]->(r)"
            " RETURN r.code AS code, count(o) AS n ORDER BY n DESC, code LIMIT 1"
        )
        province = one(largest, level="PROVINCE", parent=None)["code"]
        city = one(largest, level="CITY", parent=province)["code"]
        county = one(largest, level="COUNTY", parent=city)["code"]
        court = one(
            "MATCH (c:Court {level: 'BASIC'})-[:HAS_JURISDICTION]->(:Jurisdiction {code: $c}) RETURN c.id AS id", c=county
        )["id"]
        bureau = one("MATCH (b:JudicialBureau)-[:GOVERNS]->(:Jurisdiction {code: $c}) RETURN b.id AS id", c=county)["id"]
        admin = one("MATCH (a:PlatformAdmin) RETURN a.id AS id")["id"]
        mediator = one(
            "MATCH (m:Mediator)-[:ASSESSED]->(:GradeAssessment) WHERE EXISTS { (m)-[:COMPLETED]->() }"
            " AND EXISTS { (m)-[:MEMBER_OF]->(:Organization)-[:LOCATED_IN]->(:Jurisdiction)"
            "-[:PART_OF*0..]->(:Jurisdiction {code: $county}) }"
            " RETURN m.id AS id ORDER BY EXISTS { (m)-[:HANDLED]->() } DESC, m.id LIMIT 1",
            county=county,
        )["id"]
        organization = one(
            "MATCH (o:Organization {kind: 'LAWYER_STUDIO', status: 'FILED'})-[:LOCATED_IN]->(:Jurisdiction {code: $c})"
            " RETURN o.id AS id ORDER BY o.id LIMIT 1",
            c=county,
        )["id"]
        counts = one(
            "MATCH (o:Organization) WITH count(o) AS organizations"
            " MATCH (m:Mediator) WITH organizations, count(m) AS mediators"
            " RETURN organizations, mediators, COUNT { ()-[:INVITES]->() } AS invitations,"
            " COUNT { ()-[:HANDLED]->() } AS cases, COUNT { (:GradeAssessment) } AS grades,"
            " COUNT { ()-[:COMPLETED]->() } AS trainings"
        )
    return Fixtures(province, city, county, court, bureau, admin, mediator, organization, {k: int(v) for k, v in counts.items()})


def describe(found: Fixtures) -> dict[str, Any]:
    return asdict(found)
