"""Writing a checked roster file: batches in dependency order, each one transaction that reads the stored state
its rows name, writes only the rows that change it, and records one audit event per written row.

A row whose values equal the stored record writes nothing: no version, no `updatedAt`, no audit event, no
listing rewrite. A row that changes a stored record sets only the properties that differ, bumps the version
as an amendment does, and its audit event carries the stored properties it replaced (`before`) and the record
as it is after (`after`), as the API's updates record them.
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from auth.upload import Importer
from graph.audit.trail import Change, record_changes
from graph.core.driver import Graph, Tx
from graph.core.records import native
from graph.directory import listing
from graph.roster.bulk import (
    file_with_bureau,
    guide_by_courts,
    merge_mediator_rows,
    merge_membership_rows,
    merge_organization_rows,
    stored_mediators,
    stored_memberships,
    stored_organizations,
)
from resolvers.core import clock
from resolvers.core.write import changed
from resolvers.roster.checks import Resolved, chunks, filed_on_import
from resolvers.roster.rows import MediatorPlan, MembershipPlan, OrganizationPlan, Plan, Plans, Progress

P = TypeVar("P", OrganizationPlan, MediatorPlan, MembershipPlan)


@dataclass(slots=True)
class Written:
    """Rows written (created or changed) and rows left as they were (identical to the stored record)."""

    written: int = 0
    unchanged: int = 0


async def write_plans(
    graph: Graph,
    plans: Plans,
    resolved: Resolved,
    *,
    importer: Importer,
    today: datetime.date,
    batch_size: int,
    progress: Progress | None,
    after_batch: Callable[[int], Awaitable[None]] | None,
) -> Written:
    total = Written()
    items = in_write_order(plans)
    for chunk in chunks(items, batch_size):

        async def work(tx: Tx, chunk: Sequence[Plan] = chunk) -> int:
            return await write_batch(graph, tx, chunk, resolved, importer=importer, today=today)

        written = await graph.write_work(work)
        total.written += written
        total.unchanged += len(chunk) - written
        done = total.written + total.unchanged
        if progress:
            progress("writing", done, len(items))
        if after_batch:
            await after_batch(done)
    return total


def in_write_order(plans: Plans) -> list[Plan]:
    """Organizations first, then each mediator followed by its memberships (its audit chain then grows
    within one batch, with no chain head to read), then memberships of mediators already on the roster;
    each group in file order."""

    def in_file_order(found: Iterable[P]) -> list[P]:
        return sorted(found, key=lambda plan: plan.line)

    held: dict[str, list[MembershipPlan]] = {}
    for membership in in_file_order(plans.memberships.values()):
        held.setdefault(membership.hash, []).append(membership)
    items: list[Plan] = [*in_file_order(plans.organizations.values())]
    for mediator in in_file_order(plans.mediators.values()):
        items += [mediator, *held.pop(mediator.hash, [])]
    return items + in_file_order(plan for group in held.values() for plan in group)


def _after(before: dict[str, Any], props: dict[str, Any], now: datetime.datetime) -> dict[str, Any]:
    """A stored record once `props` are set on it, as the merge statements leave it."""
    return before | props | {"version": int(before.get("version") or 0) + 1, "updatedAt": now}


async def write_batch(
    graph: Graph, tx: Tx, chunk: Sequence[Plan], resolved: Resolved, *, importer: Importer, today: datetime.date
) -> int:
    """The batch's rows that change the graph, with one audit event each; returns how many were written."""
    now = clock.now()
    organizations = [plan for plan in chunk if isinstance(plan, OrganizationPlan)]
    mediators = [plan for plan in chunk if isinstance(plan, MediatorPlan)]
    memberships = [plan for plan in chunk if isinstance(plan, MembershipPlan)]
    changes: list[Change] = []
    if organizations:
        changes += await _write_organizations(graph, tx, organizations, resolved, importer=importer, now=now,
                                              today=today)
    if mediators:
        changes += await _write_mediators(graph, tx, mediators, resolved, now=now)
    if memberships:
        changes += await _write_memberships(graph, tx, memberships, resolved)
    created = frozenset(  # new in this batch: their chains start here (a membership row's mediator is not)
        change.entity_id for change in changes
        if change.operation in ("importOrganization", "importMediator") and change.entity_id in resolved.fresh
    )
    await record_changes(graph, tx, changes=changes, actor=importer.actor, at=now, fresh=created)
    await listing.refresh_changed(graph, tx, changes=changes)
    return len(changes)


async def _write_organizations(
    graph: Graph, tx: Tx, plans: list[OrganizationPlan], resolved: Resolved, *, importer: Importer,
    now: datetime.datetime, today: datetime.date,
) -> list[Change]:
    """Merge the organizations that differ from their stored record (or are new, or still to be filed or
    guided); the FILED ones, and those that come with their filing number, are filed with the importing bureau
    and guided by a court."""
    ids = [resolved.organizations[plan.key].id for plan in plans]
    known = [org_id for org_id in ids if org_id not in resolved.fresh]
    stored = await stored_organizations(graph, tx, ids=known) if known else {}
    rows: list[dict[str, Any]] = []
    changes: list[Change] = []
    for plan, org_id in zip(plans, ids, strict=True):
        state = stored.get(org_id)
        before = native(state["props"]) | {"jurisdiction": plan.jurisdiction} if state else None
        props = changed(before, plan.props)
        filed = filed_on_import(plan)
        court = resolved.courts.get(plan.jurisdiction)
        unfiled = state is not None and filed and (
            (importer.bureau_id is not None and not state["filed"]) or (court is not None and not state["guided"])
        )
        if before is not None and not props and not unfiled:
            continue
        rows.append({"id": org_id, "jurisdiction": plan.jurisdiction, "props": props, "filed": filed, "court": court})
        after = plan.props | {"jurisdiction": plan.jurisdiction} if before is None else _after(before, props, now)
        changes.append(Change(org_id, "Organization", "importOrganization", before, after))
    if not rows:
        return changes
    await merge_organization_rows(graph, tx, rows=[{k: row[k] for k in ("id", "jurisdiction", "props")} for row in rows],
                                  now=now)
    filed_rows = [row for row in rows if row["filed"]]
    if importer.bureau_id and filed_rows:
        await file_with_bureau(graph, tx, ids=[row["id"] for row in filed_rows], bureau=importer.bureau_id,
                               filed_at=today)
    guided = [{"id": row["id"], "court": row["court"]} for row in filed_rows if row["court"]]
    if guided:
        await guide_by_courts(graph, tx, rows=guided)
    return changes


async def _write_mediators(
    graph: Graph, tx: Tx, plans: list[MediatorPlan], resolved: Resolved, *, now: datetime.datetime
) -> list[Change]:
    known = [plan.hash for plan in plans if resolved.mediators[plan.hash] not in resolved.fresh]
    stored = await stored_mediators(graph, tx, hashes=known) if known else {}
    rows: list[dict[str, Any]] = []
    changes: list[Change] = []
    for plan in plans:
        mediator_id = resolved.mediators[plan.hash]
        before = native(stored[plan.hash]) if plan.hash in stored else None
        props = changed(before, plan.props)
        if before is not None and not props:
            continue
        rows.append({"identityHash": plan.hash, "id": mediator_id, "props": props})
        after = plan.props if before is None else _after(before, props, now)
        changes.append(Change(mediator_id, "Mediator", "importMediator", before, after))
    if rows:
        await merge_mediator_rows(graph, tx, rows=rows, now=now)
    return changes


async def _write_memberships(graph: Graph, tx: Tx, plans: list[MembershipPlan], resolved: Resolved) -> list[Change]:
    """Memberships are recorded on their mediator's chain, with the organization's id."""
    keyed = [(plan, resolved.organizations[plan.key].id, resolved.mediators[plan.hash]) for plan in plans]
    known = [
        {"identityHash": plan.hash, "organization": org_id, "since": plan.since}
        for plan, org_id, mediator_id in keyed
        if org_id not in resolved.fresh and mediator_id not in resolved.fresh
    ]
    stored = await stored_memberships(graph, tx, keys=known) if known else {}
    rows: list[dict[str, Any]] = []
    changes: list[Change] = []
    for plan, org_id, mediator_id in keyed:
        given = {"role": plan.role.value} | ({"until": plan.until} if plan.until_given else {})
        found = stored.get((plan.hash, org_id, plan.since))
        before = {"organizationId": org_id, "since": plan.since} | native(found) if found is not None else None
        props = changed(before, given)
        if before is not None and not props:
            continue
        rows.append({"identityHash": plan.hash, "organization": org_id, "since": plan.since, "props": props})
        after = (before or {"organizationId": org_id, "since": plan.since, "until": None}) | props
        changes.append(Change(mediator_id, "Mediator", "importMembership", before, after))
    if rows:
        await merge_membership_rows(graph, tx, rows=rows)
    return changes
