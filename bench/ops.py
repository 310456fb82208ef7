"""The golden operations: fixed GraphQL documents; variables from the loaded data's fixtures."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.data import Fixtures

Variables = Callable[[], dict[str, Any]]

DIRECTORY = """query($city: String!) {
  mediators(filter: {jurisdiction: $city, specialties: [FAMILY]}, first: 20) {
    edges { node { id name gender specialties
      memberships { role organization { id name kind jurisdiction { code name } } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""

INVITED = """query($court: ID!) {
  speciallyInvitedList(courtId: $court, panel: FAMILY, first: 50) {
    entries { panels since until how certificateNo
      mediator { id name specialties } organization { id name kind } through { id name } }
    hasNextPage endCursor
  }
}"""

ORGANIZATIONS = """query($county: String!) {
  organizations(filter: {jurisdiction: $county}, first: 20) {
    totalCount
    nodes { id name kind sectors status jurisdiction { code name } }
    pageInfo { hasNextPage endCursor }
  }
}"""

MEDIATOR = """query($id: ID!) {
  mediator(id: $id) {
    id name gender birthYear employment background education specialties languages status version
    memberships { role since until organization { id name kind jurisdiction { code name path { code name } } } }
    credentials { scheme level number issuer issuedAt expiresAt verified }
    trainings { title form hours completedAt }
    trainingHours(year: 2026)
    grade
    invitedBy { id name }
  }
  cases(mediatorId: $id, first: 10) { cases { caseCode caseType stage acceptedAt deadline outcome closedAt overdue } hasNextPage }
}"""

FIND = """query($court: ID!, $county: String!) {
  findMediators(invitedBy: $court, jurisdiction: $county, specialty: FAMILY, minGrade: 3, metTrainingHours: true, first: 20) {
    totalCount
    nodes { id name grade specialties }
  }
}"""

REPORT = """query($code: String!) {
  jurisdictionReport(jurisdiction: $code) {
    jurisdictionCode jurisdictionName
    organizations { total byKind { kind organizations } byStatus { status count } }
    mediators { total fullTime fullTimeRatio ungraded byGrade { scheme grade } }
    training { year mediators met share }
    understaffedOrganizations(first: 20) { totalCount }
    compositionBreaches(first: 20) { totalCount }
    cases { accepted closed agreements successRate averageDays overdue }
    overdueCases(first: 20) { totalCount }
  }
}"""

FILE = """mutation($input: MediatorInput!, $membership: MembershipInput!, $key: String) {
  fileMediator(input: $input, membership: $membership, idempotencyKey: $key) {
    __typename
    ... on MediatorSaved { replayed mediator { id name status version } }
    ... on Problem { code field message }
  }
}"""


@dataclass(frozen=True, slots=True)
class Op:
    key: str
    title: str
    query: str
    variables: Variables
    caller: str  # "public", "admin", "court" or "bureau"
    target_p50_ms: float | None = None
    target_p99_ms: float | None = None
    peer: bool = False
    notes: list[str] = field(default_factory=list)


def check_character(body: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2)."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def filings(fixtures: Fixtures) -> Variables:
    """A new adult each call: born 1930-1954 (the generator's people are born from 1955), a random serial."""
    serials = itertools.count()
    rng = random.Random()

    def variables() -> dict[str, Any]:
        serial = next(serials)
        born = f"{rng.randrange(1930, 1955)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        body = f"{fixtures.county}{born}{rng.randrange(1000):03d}"
        return {
            "input": {"name": f"压测调解员{serial}", "identityNumber": body + check_character(body),
                      "employment": "PART_TIME", "specialties": ["FAMILY", "CONTRACT"]},
            "membership": {"organizationId": fixtures.organization, "role": "MEMBER", "since": "2026-01-01"},
            "key": f"bench-{rng.getrandbits(64):016x}",
        }

    return variables


def golden(fixtures: Fixtures) -> list[Op]:
    f = fixtures
    return [
        Op("1", f"directory search, city {f.city}, FAMILY, first 20", DIRECTORY, lambda: {"city": f.city}, "public", 20, 100,
           peer=True),
        Op("2", "court's invited list, panel FAMILY, first 50", INVITED, lambda: {"court": f.court}, "court", 20, 100, peer=True),
        Op("3", f"organizations in county {f.county}, first 20 + totalCount", ORGANIZATIONS, lambda: {"county": f.county},
           "public", 20, 100, peer=True),
        Op("4", "mediator(id) in full + its cases", MEDIATOR, lambda: {"id": f.mediator}, "admin", 20, 100),
        Op("5", "findMediators: court, county, FAMILY, minGrade 3, training met", FIND,
           lambda: {"court": f.court, "county": f.county}, "admin", 20, 100),
        Op("6a", f"jurisdictionReport, city {f.city}", REPORT, lambda: {"code": f.city}, "admin", 100, None),
        Op("6b", f"jurisdictionReport, province {f.province}", REPORT, lambda: {"code": f.province}, "admin", 300, None),
        Op("7", "fileMediator (+ audit event) by the county bureau", FILE, filings(f), "bureau", 30, None),
    ]


SCOPES = {
    "admin": "roster:read reports:read pii:read",
    "court": "roster:read",
    "bureau": "roster:read roster:write",
}


def agency_of(caller: str, fixtures: Fixtures) -> str:
    return {"admin": fixtures.admin, "court": fixtures.court, "bureau": fixtures.bureau}[caller]
