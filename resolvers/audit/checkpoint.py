"""Signed checkpoints of the audit trail, and checking the latest one against the trail as it is now.

A checkpoint signs (ES256, with the registry's current token-signing key, as a JWS whose header names the
key's `kid`) the RFC 6962 Merkle tree head over every audit event whose `at` is before the checkpoint's
`cutoff`, the events ordered by entity id and then `seq`, each leaf the canonical JSON of every field the
event stores (`resolvers.audit.trail.leaf`). The claims:

    {"iss": issuer, "seq": n, "takenAt": ..., "cutoff": ..., "treeSize": events, "rootHash": hex,
     "tree": "RFC6962-SHA256", "order": "entityId,seq", "leaf": "canonical-json-v1"}

The cutoff lies `CHECKPOINT_GRACE` before the moment the checkpoint is taken: an event's `at` is the
moment its transaction began, so a transaction still open when the checkpoint reads the trail would
otherwise commit an event inside the signed range afterwards. Whoever kept a checkpoint (a court, a
partner) and the registry's JWKS of that day can later check that the trail it is shown still gives the
same head: nothing before the cutoff was changed, removed or added since. A checkpoint is only taken over
an intact trail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from graph.audit.checkpoint import CheckpointRecord, create_checkpoint, latest_checkpoint, next_checkpoint_seq
from graph.audit.checkpoint import checkpoint as checkpoint_at
from graph.audit.hashing import canonical
from graph.core import clock
from graph.core.driver import Graph
from resolvers.audit.trail import EVENTS_PER_RANGE, VerifyReport, describe, verify_audit

CHECKPOINT_GRACE = timedelta(minutes=5)
"""How long before a checkpoint its cutoff lies: longer than any write transaction runs."""

ALGORITHM = "ES256"
TYPE = "audit-checkpoint+jws"
TREE = "RFC6962-SHA256"
ORDER = "entityId,seq"
LEAF = "canonical-json-v1"


class CheckpointRefused(Exception):
    """The trail is broken: a checkpoint would sign a tampered trail."""


class CheckpointInvalid(Exception):
    """The checkpoint's signature does not verify, or its claims are not a checkpoint's."""


@dataclass(frozen=True, slots=True)
class CheckpointCheck:
    seq: int
    signature_valid: bool
    key_published: bool
    """Whether the signing key is still in the registry's JWKS (otherwise checked with the key kept with it)."""
    signed_size: int | None
    signed_root: str | None
    trail_size: int
    trail_root: str
    problem: str | None = None

    @property
    def matches(self) -> bool:
        return (
            self.signature_valid and self.problem is None
            and (self.signed_size, self.signed_root) == (self.trail_size, self.trail_root)
        )


def sign(claims: dict[str, Any], key: ECKey) -> str:
    """The claims as a compact JWS (ES256) over their canonical JSON, the key's `kid` in the header."""
    header = {"alg": ALGORITHM, "typ": TYPE, "kid": str(key.kid)}
    return jws.serialize_compact(header, canonical(claims).encode("utf-8"), key, algorithms=[ALGORITHM])


def signed_claims(token: str, keys: KeySet | ECKey) -> dict[str, Any]:
    """The claims of a checkpoint whose signature verifies with `keys` (a JWKS, chosen by `kid`, or one key)."""
    try:
        compact = jws.deserialize_compact(token, keys, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as error:
        raise CheckpointInvalid(f"the signature does not verify: {error}") from error
    if compact.protected.get("typ") != TYPE:
        raise CheckpointInvalid("not an audit checkpoint")
    claims = json.loads(compact.payload)
    if not isinstance(claims, dict) or (claims.get("tree"), claims.get("order"), claims.get("leaf")) != (TREE, ORDER, LEAF):
        raise CheckpointInvalid("not a checkpoint of this form")
    return claims


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def take_checkpoint(
    graph: Graph,
    *,
    key: ECKey,
    issuer: str,
    grace: timedelta = CHECKPOINT_GRACE,
    per_range: int = EVENTS_PER_RANGE,
) -> CheckpointRecord:
    """Verify the trail, build the tree head over the events before `now - grace`, sign it and record it."""
    taken = clock.now()
    cutoff = taken - grace
    report = await verify_audit(graph, per_range=per_range, cutoff=cutoff)
    if not report.intact or report.tree is None:
        raise CheckpointRefused(describe(report))
    tree = report.tree
    public = json.dumps(key.as_dict(private=False), sort_keys=True)

    async def work(tx: Any) -> CheckpointRecord:
        seq = await next_checkpoint_seq(graph, tx)
        claims = {
            "iss": issuer, "seq": seq, "takenAt": taken, "cutoff": cutoff, "treeSize": tree.size,
            "rootHash": tree.root, "tree": TREE, "order": ORDER, "leaf": LEAF,
        }
        record = CheckpointRecord(
            seq=seq, taken_at=taken, cutoff=cutoff, tree_size=tree.size, root_hash=tree.root,
            kid=str(key.kid), public_key=public, jws=sign(claims, key),
        )
        await create_checkpoint(graph, tx, record=record)
        return record

    return await graph.write_work(work)


def check(record: CheckpointRecord, report: VerifyReport, published: KeySet) -> CheckpointCheck:
    """Whether `record` verifies (with the published key of its `kid`, else the key kept with it) and signs
    the tree head that `report` (computed with the record's cutoff) gives now."""
    if report.tree is None:
        raise ValueError("verify_audit was run without the checkpoint's cutoff")
    trail_size, trail_root = report.tree.size, report.tree.root
    key_published = any(str(key.kid) == record.kid for key in published.keys)
    keys: KeySet | ECKey = published if key_published else ECKey.import_key(json.loads(record.public_key))
    try:
        claims = signed_claims(record.jws, keys)
    except CheckpointInvalid as error:
        return CheckpointCheck(record.seq, False, key_published, None, None, trail_size, trail_root, str(error))
    problem = None
    if claims.get("seq") != record.seq or _moment(str(claims.get("cutoff"))) != record.cutoff:
        problem = "the checkpoint's properties differ from its signed claims"
    return CheckpointCheck(
        record.seq, True, key_published, int(claims["treeSize"]), str(claims["rootHash"]), trail_size, trail_root,
        problem,
    )


async def verify_with_checkpoint(
    graph: Graph, *, published: KeySet, per_range: int = EVENTS_PER_RANGE
) -> tuple[VerifyReport, CheckpointCheck | None]:
    """Verify every chain and, in the same pass, the latest checkpoint against the trail."""
    latest = await latest_checkpoint(graph)
    report = await verify_audit(graph, per_range=per_range, cutoff=latest.cutoff if latest else None)
    return report, (check(latest, report, published) if latest else None)


def describe_check(result: CheckpointCheck) -> str:
    """One line for the operator about the latest checkpoint."""
    key = "its key is published" if result.key_published else "its key is retired; checked with the key kept with it"
    if not result.signature_valid:
        return f"checkpoint {result.seq} invalid: {result.problem}"
    if result.problem is not None:
        return f"checkpoint {result.seq} invalid: {result.problem}"
    if not result.matches:
        return (
            f"checkpoint {result.seq} does not match the trail: it signed {result.signed_size} events with root"
            f" {result.signed_root}, the trail now gives {result.trail_size} events with root {result.trail_root}"
        )
    return f"checkpoint {result.seq} matches: {result.trail_size} events, root {result.trail_root} ({key})"


async def published_checkpoint(graph: Graph, *, seq: int | None = None) -> dict[str, Any] | None:
    """What the public route serves: the signed checkpoint (`seq`, or the latest), its claims in the clear
    and the signer's public key; None when there is none."""
    record = await (latest_checkpoint(graph) if seq is None else checkpoint_at(graph, seq=seq))
    if record is None:
        return None
    claims = json.loads(jws.extract_compact(record.jws.encode("ascii")).payload)
    return {"jws": record.jws, "claims": claims, "kid": record.kid, "publicKey": json.loads(record.public_key)}
