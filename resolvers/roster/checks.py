"""The roster file's plans against the graph: batched reads, then the rules over the file and the graph together.

Divisions in reach, stored records the rows name, credit codes held elsewhere, identities already on the
roster, overlapping terms and the composition of every FILED organization the file touches.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from auth.upload import Importer
from graph.core.driver import Graph
from graph.core.vocabulary import (
    Employment,
    Gender,
    MembershipRole,
    OrganizationKind,
    RecordStatus,
)
from graph.roster.bulk import (
    StoredMembership,
    StoredOrganization,
    divisions_in_reach,
    identities,
    memberships_of,
    natural_id,
    nearest_basic_courts,
    organizations_by_credit_code,
    organizations_by_filing_no,
    organizations_by_key,
)
from resolvers.roster.composition import Seat, composition_problems, term_problems
from resolvers.roster.file import BadRow
from resolvers.roster.rows import MediatorPlan, OrganizationPlan, Plans

READ_CHUNK = 5_000
T = TypeVar("T")
V = TypeVar("V")

def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def read_chunked(read: Callable[[list[str]], Awaitable[dict[str, V]]], keys: Iterable[str]) -> dict[str, V]:
    found: dict[str, V] = {}
    for chunk in chunks(sorted(set(keys)), READ_CHUNK):
        found |= await read(list(chunk))
    return found


@dataclass(frozen=True, slots=True)
class Target:
    """An organization the file touches, as it will be after the import; `line` is where to report it."""

    id: str
    kind: OrganizationKind
    status: str | None
    jurisdiction: str
    line: int


@dataclass(frozen=True, slots=True)
class Person:
    gender: Gender
    employment: Employment | None
    status: str | None


@dataclass(slots=True)
class Resolved:
    """Registry ids for the file's keys: organizations by key, mediator ids and people by identity hash."""

    organizations: dict[str, Target] = field(default_factory=dict)
    mediators: dict[str, str] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)
    """Ids of the organizations and mediators the import creates (none stored under their natural keys)."""
    courts: dict[str, str] = field(default_factory=dict)
    """The guiding basic court of each division the file's FILED organizations are in."""


def keep_stored(plan: OrganizationPlan | MediatorPlan, stored_status: str | None) -> None:
    """A row naming a stored record writes only what its cells give: an empty cell keeps the stored value
    (clearing one is done through the API), and an empty status keeps the stored status."""
    if "status" not in plan.given and stored_status is not None:
        plan.status = RecordStatus(stored_status)
    plan.props = {name: value for name, value in plan.props.items() if name in plan.given}


def may_become(stored: str | None, status: RecordStatus) -> bool:
    return stored is None or stored == status.value or (stored, status) == ("PENDING", RecordStatus.FILED)


def _status_problem(noun: str, stored: str) -> tuple[str, str]:
    return "status", f"The {noun} is {stored} in the registry; change its status through the API."


async def check_against_graph(graph: Graph, plans: Plans, *, importer: Importer, today: datetime.date) -> Resolved:
    """Adds to `plans.bad` what only the graph can tell, in batched reads; returns the ids the writes need."""
    resolved = Resolved()
    keys = set(plans.organizations) | {plan.key for plan in plans.memberships.values()}
    stored = await read_chunked(lambda chunk: organizations_by_key(graph, keys=chunk, viewer=importer.viewer), keys)
    await _check_organizations(graph, plans, resolved, stored, importer)
    _resolve_organization_keys(plans, resolved, stored)
    filed = (plan.jurisdiction for plan in plans.organizations.values() if filed_on_import(plan))
    resolved.courts = await read_chunked(lambda codes: nearest_basic_courts(graph, codes=codes), filed)
    await _resolve_mediators(graph, plans, resolved, importer)
    touched = sorted({target.id for target in resolved.organizations.values()})
    memberships = await read_chunked(lambda ids: _memberships_by_organization(graph, ids), touched)
    _check_memberships(plans, resolved, memberships, today)
    return resolved


async def _check_organizations(
    graph: Graph, plans: Plans, resolved: Resolved, stored: dict[str, list[StoredOrganization]], importer: Importer
) -> None:
    """Divisions that exist and lie within reach, the stored record each row names (whose kind and status the
    import may not change), and credit codes no other organization holds."""
    organizations = plans.organizations.values()
    reach = await read_chunked(
        lambda codes: divisions_in_reach(graph, codes=codes, viewer=importer.viewer),
        (plan.jurisdiction for plan in organizations),
    )
    owners = await read_chunked(lambda codes: organizations_by_credit_code(graph, codes=codes), plans.credit_codes)
    numbered = await read_chunked(
        lambda numbers: organizations_by_filing_no(graph, numbers=numbers), plans.filing_numbers
    )
    for plan in organizations:
        problems: list[tuple[str, str]] = []
        if plan.jurisdiction not in reach:
            problems.append(("jurisdiction", f"No administrative division has the code {plan.jurisdiction}."))
        elif not reach[plan.jurisdiction]:
            problems.append(("jurisdiction", "The division lies outside the bureau's jurisdiction."))
        same = [org for org in stored.get(plan.key, []) if org.jurisdiction == plan.jurisdiction]
        before = same[0] if len(same) == 1 else None
        if len(same) > 1:
            problems.append(("organization_key", f"{len(same)} stored organizations have this key."))
        elif before is not None and before.kind != plan.kind.value:
            problems.append(("kind", f"The stored organization is a {before.kind}; its kind cannot change."))
        elif before is not None and not may_become(before.status, plan.status):
            problems.append(_status_problem("organization", str(before.status)))
        if before is not None:
            keep_stored(plan, before.status)
        org_id = before.id if before else natural_id("organization", plan.jurisdiction, plan.key)
        if before is None and not same:
            resolved.fresh.add(org_id)
        owner = owners.get(plan.credit_code or "")
        if owner is not None and owner.id != org_id:
            problems.append(("credit_code", f"Organization {owner.id} already has this credit code."))
        holder = numbered.get(plan.filing_no or "")
        if holder is not None and holder.id != org_id:
            problems.append(("filing_no", f"Organization {holder.id} was filed under this number."))
        elif before is not None and plan.filing_no and before.filing_no and before.filing_no != plan.filing_no:
            problems.append(("filing_no", f"The stored organization was filed as {before.filing_no}."))
        plans.bad += [BadRow(plan.line, column, reason) for column, reason in problems]
        resolved.organizations[plan.key] = Target(org_id, plan.kind, plan.status.value, plan.jurisdiction, plan.line)


def _resolve_organization_keys(plans: Plans, resolved: Resolved, stored: dict[str, list[StoredOrganization]]) -> None:
    """Membership rows naming an organization that is not in the file name one stored within reach."""
    for membership in sorted(plans.memberships.values(), key=lambda plan: plan.line):
        found = stored.get(membership.key, [])
        if membership.key in resolved.organizations:
            continue
        if len(found) == 1:
            org = found[0]
            target = Target(org.id, OrganizationKind(org.kind), org.status, org.jurisdiction or "", membership.line)
            resolved.organizations[membership.key] = target
        elif membership.key not in plans.broken:
            reason = f"{len(found)} stored organizations within reach have this key." if found else (
                "No organization in the file, or stored within reach, has this key.")
            plans.bad.append(BadRow(membership.line, "organization_key", reason))


async def _memberships_by_organization(graph: Graph, ids: list[str]) -> dict[str, list[StoredMembership]]:
    found: dict[str, list[StoredMembership]] = {}
    for row in await memberships_of(graph, organizations=ids):
        found.setdefault(row.organization, []).append(row)
    return found


async def _resolve_mediators(graph: Graph, plans: Plans, resolved: Resolved, importer: Importer) -> None:
    """Rows naming a person already on the roster: a person filed by another bureau (no organization in the
    importer's reach) is a bad row, as amendMediator and addMembership refuse it (issue 12)."""
    hashes = set(plans.mediators) | {plan.hash for plan in plans.memberships.values()}
    stored = await read_chunked(lambda chunk: identities(graph, hashes=chunk, viewer=importer.viewer), hashes)
    outside = "This person is on the roster of another bureau; ask it to accept a membership instead."
    for hashed, plan in plans.mediators.items():
        if hashed in stored and not stored[hashed].allowed:
            plans.bad.append(BadRow(plan.line, "identity_number", outside))
    for membership in plans.memberships.values():
        if membership.hash in stored and not stored[membership.hash].allowed and membership.hash not in plans.mediators:
            plans.bad.append(BadRow(membership.line, membership.column, outside))
    for hashed, person in stored.items():
        resolved.mediators[hashed] = person.id
        employment = Employment(person.employment) if person.employment else None
        resolved.people[hashed] = Person(Gender(person.gender), employment, person.status)
    for hashed, plan in plans.mediators.items():
        before = stored.get(hashed)
        if before is not None:
            keep_stored(plan, before.status)
        if before is not None and not may_become(before.status, plan.status):
            plans.bad.append(BadRow(plan.line, *_status_problem("mediator", str(before.status))))
        if hashed not in resolved.mediators:
            resolved.mediators[hashed] = natural_id("mediator", hashed)
            resolved.fresh.add(resolved.mediators[hashed])
        resolved.people[hashed] = Person(plan.gender, plan.employment, plan.status.value)
    for membership in plans.memberships.values():
        if membership.hash not in resolved.mediators and membership.hash not in plans.broken:
            reason = "No mediator with this identity is in the file or on the roster."
            plans.bad.append(BadRow(membership.line, membership.column, reason))


def filed_on_import(plan: OrganizationPlan) -> bool:
    """FILED now, or filed before under the number the row carries: either way FILED_WITH and GUIDED_BY."""
    return plan.status is RecordStatus.FILED or plan.filing_no is not None


@dataclass(frozen=True, slots=True)
class Term:
    hash: str
    role: str
    since: datetime.date
    until: datetime.date | None
    line: int | None  # None: stored, not in the file

    def overlaps(self, other: Term) -> bool:
        return (self.until is None or self.until >= other.since) and (other.until is None or other.until >= self.since)

    def current(self, today: datetime.date) -> bool:
        return self.since <= today and (self.until is None or self.until >= today)


def _check_memberships(
    plans: Plans, resolved: Resolved, stored: dict[str, list[StoredMembership]], today: datetime.date
) -> None:
    """Terms, overlaps and the composition of every FILED organization the file touches, over the stored
    memberships and the file's together (a file membership replaces the stored one with the same key)."""
    terms: dict[str, dict[tuple[str, datetime.date], Term]] = {}
    for org_id, found in stored.items():
        for row in found:
            terms.setdefault(org_id, {})[(row.identity_hash, row.since)] = Term(
                row.identity_hash, row.role, row.since, row.until, None
            )
            employment = Employment(row.employment) if row.employment else None
            resolved.people.setdefault(row.identity_hash, Person(Gender(row.gender), employment, row.status))
    for plan in plans.memberships.values():
        target = resolved.organizations.get(plan.key)
        if target is None:
            continue
        known = terms.setdefault(target.id, {})
        if not plan.until_given and (plan.hash, plan.since) in known:
            plan.until = known[(plan.hash, plan.since)].until  # an empty cell keeps the stored end
        for problem in term_problems(target.kind, plan.since, plan.until):
            plans.bad.append(BadRow(plan.line, problem.field, problem.message))
        known[(plan.hash, plan.since)] = Term(plan.hash, plan.role.value, plan.since, plan.until, plan.line)
    for target in {target.id: target for target in resolved.organizations.values()}.values():
        held = terms.get(target.id, {})
        plans.bad.extend(_overlaps(held.values()))
        if target.status != RecordStatus.FILED.value:
            continue
        seats = [
            Seat(MembershipRole(term.role), person.gender, person.employment, term.since, term.until)
            for term in held.values()
            if term.current(today)
            and (person := resolved.people.get(term.hash)) is not None
            and person.status != RecordStatus.DEREGISTERED.value
        ]
        for problem in composition_problems(target.kind, target.jurisdiction, seats):
            plans.bad.append(BadRow(target.line, "members", problem.message))


def _overlaps(terms: Iterable[Term]) -> Iterator[BadRow]:
    by_person: dict[str, list[Term]] = {}
    for term in terms:
        by_person.setdefault(term.hash, []).append(term)
    for held in by_person.values():
        held.sort(key=lambda term: term.since)
        for index, earlier in enumerate(held):
            for later in held[index + 1 :]:
                if (earlier.line or later.line) and earlier.overlaps(later):
                    line = max(term.line or 0 for term in (earlier, later))
                    yield BadRow(line, "since", f"Overlaps the same mediator's membership from {earlier.since}.")
