"""Signed checkpoints of the audit trail: an RFC 6962 tree head over every event, signed with the registry's key."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import uuid
from pathlib import Path

import httpx
import pytest
from joserfc.jwk import ECKey, KeySet

from app import Settings
from auth import key_store
from auth.keys import KeyStore
from graph.audit.trail import Actor, Change, record_changes
from graph.audit.trail import chains as read_chains
from graph.core.driver import Graph
from resolvers.audit.checkpoint import (
    CheckpointInvalid,
    CheckpointRefused,
    check,
    describe_check,
    sign,
    signed_claims,
    take_checkpoint,
    verify_with_checkpoint,
)
from resolvers.audit.merkle import MerkleTree, TreeHead, tree_head
from resolvers.audit.trail import leaf, verify_audit

ACTOR = Actor(agency_id=None, client_id=None, request_id="checkpoint-test")
NOW = datetime.timedelta(0)
ISSUER = "https://registry.test"


# the tree


def test_the_empty_tree_and_a_one_leaf_tree_have_rfc_6962_heads() -> None:
    assert MerkleTree().head() == TreeHead(0, hashlib.sha256(b"").hexdigest())
    one = MerkleTree()
    one.append(b"")

    assert one.head() == TreeHead(1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")


def test_the_streamed_tree_gives_the_recursive_definitions_head() -> None:
    leaves = [f"leaf {n}".encode() for n in range(70)]
    for size in range(len(leaves) + 1):
        tree = MerkleTree()
        for item in leaves[:size]:
            tree.append(item)
        assert tree.head() == tree_head(leaves[:size]), size


def test_the_head_changes_with_any_leaf_and_with_their_order() -> None:
    leaves = [f"leaf {n}".encode() for n in range(9)]
    head = tree_head(leaves)

    assert tree_head([*leaves[:4], b"forged", *leaves[5:]]) != head
    assert tree_head([leaves[1], leaves[0], *leaves[2:]]) != head
    assert tree_head(leaves[:-1]) != head


# checkpoints on a real graph


@pytest.fixture
def keys(tmp_path: Path) -> KeyStore:
    return KeyStore(tmp_path / "keys", retire_after=900)


async def chains(graph: Graph, *, entities: int, events: int) -> list[str]:
    ids = sorted(str(uuid.uuid4()) for _ in range(entities))
    changes = [Change(entity, "Organization", "UPDATE", {"v": n}, {"v": n + 1}) for n in range(events) for entity in ids]
    await graph.write_work(lambda tx: record_changes(graph, tx, changes=changes, actor=ACTOR))
    return ids


async def test_a_checkpoint_signs_the_tree_head_of_every_event(graph: Graph, keys: KeyStore) -> None:
    await chains(graph, entities=3, events=4)

    record = await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)

    claims = signed_claims(record.jws, keys.verification_keys())
    expected = (await verify_audit(graph, cutoff=record.cutoff)).tree
    assert expected is not None
    assert (claims["seq"], claims["treeSize"], claims["rootHash"], claims["iss"]) == (1, 12, expected.root, ISSUER)
    assert (record.seq, record.tree_size, record.root_hash) == (1, 12, expected.root)
    header = json.loads(base64.urlsafe_b64decode(record.jws.split(".")[0] + "=="))
    assert header == {"alg": "ES256", "typ": "audit-checkpoint+jws", "kid": keys.current().kid}
    assert (await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)).seq == 2


async def test_the_tree_leaves_are_the_events_in_entity_and_seq_order(graph: Graph) -> None:
    await chains(graph, entities=2, events=2)
    rows = await graph.read("MATCH (ev:AuditEvent) RETURN ev.entityId AS e, ev.seq AS s ORDER BY e, s")
    report = await verify_audit(graph, cutoff=datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=1))
    events = [event for chain in await read_chains(graph, start="", stop="\uffff") for event in chain.events]
    assert [(event.entity_id, event.seq) for event in events] == [(row["e"], row["s"]) for row in rows]
    assert report.tree == tree_head([leaf(event) for event in events])


async def test_a_tampered_checkpoint_or_another_key_fails_its_signature(graph: Graph, keys: KeyStore) -> None:
    await chains(graph, entities=1, events=2)
    record = await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)
    header, payload, signature = record.jws.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = base64.urlsafe_b64encode(json.dumps({**claims, "treeSize": 1}).encode()).rstrip(b"=").decode()
    stranger = ECKey.generate_key("P-256", parameters={"alg": "ES256"}, private=True, auto_kid=True)

    with pytest.raises(CheckpointInvalid):
        signed_claims(f"{header}.{forged}.{signature}", keys.verification_keys())
    with pytest.raises(CheckpointInvalid):
        signed_claims(record.jws, KeySet([ECKey.import_key(stranger.as_dict(private=False))]))
    with pytest.raises(CheckpointInvalid):
        signed_claims(record.jws[:-4] + ("AAAA" if not record.jws.endswith("AAAA") else "BBBB"), keys.verification_keys())


async def test_verify_passes_the_latest_checkpoint_while_the_trail_grows(graph: Graph, keys: KeyStore) -> None:
    ids = await chains(graph, entities=2, events=2)
    await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)
    more = [Change(ids[0], "Organization", "UPDATE", {"v": 9}, {"v": 10})]
    await graph.write_work(lambda tx: record_changes(graph, tx, changes=more, actor=ACTOR))

    report, result = await verify_with_checkpoint(graph, published=keys.verification_keys())

    assert report.intact and report.checked_events == 5
    assert result is not None and result.matches and result.key_published
    assert result.trail_size == 4
    assert describe_check(result).startswith("checkpoint 1 matches: 4 events")


async def test_a_chain_removed_with_its_head_passes_the_chains_but_not_the_checkpoint(
    graph: Graph, keys: KeyStore
) -> None:
    ids = await chains(graph, entities=3, events=2)
    await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)
    await graph.write("MATCH (n) WHERE (n:AuditEvent OR n:AuditHead) AND n.entityId = $id DETACH DELETE n", id=ids[1])

    report, result = await verify_with_checkpoint(graph, published=keys.verification_keys())

    assert report.intact
    assert result is not None and result.signature_valid and not result.matches
    assert (result.signed_size, result.trail_size) == (6, 4)
    assert describe_check(result).startswith("checkpoint 1 does not match the trail: it signed 6 events")


async def test_a_checkpoint_rewritten_with_another_key_fails(graph: Graph, keys: KeyStore) -> None:
    await chains(graph, entities=1, events=2)
    record = await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)
    report = await verify_audit(graph, cutoff=record.cutoff)
    stranger = ECKey.generate_key("P-256", parameters={"alg": "ES256"}, private=True, auto_kid=True)
    claims = json.loads(base64.urlsafe_b64decode(record.jws.split(".")[1] + "=="))
    forged = record.model_copy(update={"jws": sign(claims, stranger)})

    result = check(forged, report, keys.verification_keys())

    assert not result.signature_valid and not result.matches


async def test_no_checkpoint_is_taken_over_a_broken_trail(graph: Graph, keys: KeyStore) -> None:
    [org] = await chains(graph, entities=1, events=3)
    await graph.write("MATCH (ev:AuditEvent {entityId: $id, seq: 3}) DETACH DELETE ev", id=org)

    with pytest.raises(CheckpointRefused, match="MISSING_TAIL"):
        await take_checkpoint(graph, key=keys.current(), issuer=ISSUER, grace=NOW)

    assert await graph.read("MATCH (c:AuditCheckpoint) RETURN count(c) AS n") == [{"n": 0}]


async def test_the_latest_checkpoint_is_public_and_verifies_with_the_jwks(
    graph: Graph, client: httpx.AsyncClient, settings: Settings
) -> None:
    assert (await client.get("/audit/checkpoints/latest")).status_code == 404
    await chains(graph, entities=2, events=1)
    config = settings.auth()
    first = await take_checkpoint(graph, key=key_store(config).current(), issuer=config.issuer, grace=NOW)
    await chains(graph, entities=1, events=1)
    latest = await take_checkpoint(graph, key=key_store(config).current(), issuer=config.issuer, grace=NOW)

    served = await client.get("/audit/checkpoints/latest")
    numbered = await client.get(f"/audit/checkpoints/{first.seq}")
    jwks = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())

    assert served.status_code == 200 and numbered.status_code == 200
    body = served.json()
    assert body["jws"] == latest.jws and body["claims"]["treeSize"] == 3 and body["kid"] == latest.kid
    assert signed_claims(body["jws"], jwks) == body["claims"]
    assert signed_claims(numbered.json()["jws"], jwks)["treeSize"] == 2
    assert (await client.get("/audit/checkpoints/99")).status_code == 404
