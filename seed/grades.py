"""Demo grade decisions: a few mediators graded before the registry existed, so `Mediator.grade` shows data.

The demo roster has no case history for the workflow's evidence to come from, so these decisions are seeded
as records carried over from a bureau's paper register: their evidence names the verified grade credential
they rest on. Deterministic ids, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime

from graph.audit.hashing import canonical
from resolvers.grades.grading import scheme_for_division
from seed.roster import Roster, Row, stable_id

DEMO_COUNTY = "510107"
DEMO_GRADED = 8
DECIDED_ON = datetime.date(2025, 7, 1)
EXPIRED_ON = datetime.date(2023, 7, 1)


def decided(mediator: str, jurisdiction: str, bureau: str, level: int, on: datetime.date, credential: str) -> Row:
    scheme = scheme_for_division(jurisdiction)
    grade = scheme.by_rank()[min(level, len(scheme.grades)) - 1]
    start, end = scheme.period(on - datetime.timedelta(days=1))
    at = datetime.datetime.combine(on, datetime.time(9), tzinfo=datetime.UTC)
    valid_until = on.replace(year=on.year + 2) - datetime.timedelta(days=1)
    evidence = {"source": "demo", "basis": "verified PEOPLES_MEDIATOR_GRADE credential", "credentialId": credential}
    steps = [
        {"seq": seq, "action": action, "status": status, "at": at - datetime.timedelta(days=days), "agencyId": bureau,
         "clientId": None, "reason": None}
        for seq, (action, status, days) in enumerate(
            (("APPLY", "APPLIED", 30), ("PASS_REVIEW", "UNDER_NOTICE", 14), ("DECIDE", "DECIDED", 0)), start=1
        )
    ]
    return {
        "id": stable_id("assessment", mediator, on.isoformat()),
        "mediator": mediator,
        "props": {
            "scheme": scheme.id, "grade": grade.grade, "rank": grade.rank, "periodStart": start, "periodEnd": end,
            "period": f"{start.isoformat()}/{end.isoformat()}", "status": "DECIDED", "version": 3,
            "appliedAt": steps[0]["at"], "noticeStartsOn": on - datetime.timedelta(days=14),
            "noticeEndsOn": on - datetime.timedelta(days=8), "decidedAt": at, "validFrom": on,
            "validUntil": valid_until, "reassessmentDue": valid_until + datetime.timedelta(days=1),
            "evidence": canonical(evidence),
        },
        "steps": steps,
    }


def demo_grades(roster: Roster) -> list[Row]:
    """The first mediators (by id) of the demo county holding a verified grade credential, graded at its
    level in their province's scheme; the first of them also has an expired, earlier grade in its history."""
    organizations = {o["id"]: o for o in roster.organizations}
    seats = {m["mediator"]: organizations[m["organization"]] for m in roster.memberships}
    held = sorted(
        (c["mediator"], c) for c in roster.credentials
        if c["props"]["verified"] and seats[c["mediator"]]["jurisdiction"].startswith(DEMO_COUNTY)
    )[:DEMO_GRADED]
    rows: list[Row] = []
    for index, (mediator, credential) in enumerate(held):
        organization = seats[mediator]
        bureau = stable_id("agency", organization["bureau"])
        level = int(credential["props"]["level"])
        rows.append(decided(mediator, organization["jurisdiction"], bureau, level, DECIDED_ON, credential["id"]))
        if index == 0:
            rows.append(decided(mediator, organization["jurisdiction"], bureau, min(level + 1, 4), EXPIRED_ON, credential["id"]))
    return rows
