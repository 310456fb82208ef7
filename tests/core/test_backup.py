"""`backup` copies the embedded graph consistently while it serves writes; `restore` brings the copy back."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.audit.trail import Actor, Change, record_changes
from graph.core.driver import Graph, open_graph
from graph.core.embedded import EmbeddedServer, start_embedded_server
from resolvers.audit.trail import verify_audit
from seed.demo import load_demo
from tests.conftest import HASH_KEY

ROOT = Path(__file__).resolve().parents[2]
HOT = "backup-hot-organization"
ACTOR = Actor(agency_id="agency-1", client_id="client-1", request_id="request-1")


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "app", *args]


def environment(graph_dir: Path) -> dict[str, str]:
    env = {**os.environ, "REGISTRY_GRAPH_DATA_DIR": str(graph_dir), "REGISTRY_GRAPH_HEAP": "512m"}
    env.pop("REGISTRY_GRAPH_URI", None)
    return env


async def write(graph: Graph, seq: int) -> None:
    """One transaction: a new organization and one more event on the hot organization's audit chain."""

    async def work(tx: AsyncManagedTransaction) -> None:
        await tx.run("CREATE (:Organization {id: $id, name: $id, probe: $seq})", id=f"probe-{seq}", seq=seq)
        change = Change(HOT, "Organization", "UPDATE", {"version": seq}, {"version": seq + 1})
        await record_changes(graph, tx, changes=[change], actor=ACTOR)

    await graph.write_work(work)


async def dump(graph: Graph) -> tuple[list[str], list[str]]:
    """Every node and every edge with all their properties, in a stable order."""
    nodes = await graph.read("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    edges = await graph.read(
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, properties(a) AS a, properties(b) AS b"
    )
    return sorted(_text(node) for node in nodes), sorted(_text(edge) for edge in edges)


def _text(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


def late(props: dict[str, Any], committed: int) -> bool:
    """Written by a transaction after the first `committed` ones."""
    return props.get("probe", -1) >= committed or (props.get("entityId") == HOT and props.get("seq", 0) > committed)


def before(snapshot: tuple[list[str], list[str]], committed: int) -> tuple[list[str], list[str]]:
    """The snapshot as it was after the first `committed` writes; without audit chain heads, which move with
    every write (the verifier checks them against the copy's chains)."""
    nodes, edges = snapshot
    kept_nodes = [
        node for node in nodes
        if not late(json.loads(node)["props"], committed) and "AuditHead" not in json.loads(node)["labels"]
    ]
    kept_edges = [
        edge for edge in edges if not any(late(json.loads(edge)[end], committed) for end in ("a", "b"))
    ]
    return kept_nodes, kept_edges


async def test_a_backup_under_concurrent_writes_restores_a_consistent_state(
    graph: Graph, server: EmbeddedServer, tmp_path: Path
) -> None:
    await load_demo(graph, hash_key=HASH_KEY)
    await graph.write("CREATE (:Organization {id: $id, name: 'hot'})", id=HOT)
    written = 0
    stop, five_written = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            await write(graph, written)
            written += 1
            if written == 5:
                five_written.set()

    writing = asyncio.create_task(writer())
    await five_written.wait()
    before_backup = written
    backup = await asyncio.create_subprocess_exec(
        *command("backup", str(tmp_path / "copy.zip")),
        cwd=ROOT, env=environment(server.data_dir), stderr=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    out, err = await backup.communicate()
    after_backup = written
    await asyncio.sleep(0.3)
    stop.set()
    await writing
    source = await dump(graph)

    restored_dir = tmp_path / "restored"
    restore = await asyncio.to_thread(
        subprocess.run,
        command("restore", str(tmp_path / "copy.zip")),
        cwd=ROOT, env=environment(restored_dir), capture_output=True, text=True, timeout=300, check=False,
    )
    assert backup.returncode == 0, err.decode()
    assert restore.returncode == 0, restore.stderr
    copy_server = start_embedded_server(data_dir=restored_dir, database="registry", heap="512m")
    copy = open_graph(uri=copy_server.uri, user=copy_server.user, password=copy_server.password, database="registry")
    try:
        restored = await dump(copy)
        probes = await copy.read("MATCH (o:Organization) WHERE o.probe IS NOT NULL RETURN o.probe AS seq")
        report = await verify_audit(copy)
        heads = await copy.read("MATCH (h:AuditHead {entityId: $id}) RETURN h.seq AS seq", id=HOT)
    finally:
        await copy.close()
        copy_server.stop()

    committed = len(probes)
    assert sorted(row["seq"] for row in probes) == list(range(committed))
    assert before_backup <= committed <= after_backup < written
    assert before(restored, committed) == before(source, committed)
    assert report.intact and report.checked_events == committed
    assert heads == [{"seq": committed}]
    assert "written to" in out.decode()


def test_restore_refuses_a_data_directory_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "graph"
    target.mkdir()
    (target / "something").write_text("", encoding="utf-8")
    archive = tmp_path / "copy.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("schema.json", "{}")

    done = subprocess.run(
        command("restore", str(archive)), cwd=ROOT, env=environment(target),
        capture_output=True, text=True, timeout=120, check=False,
    )

    assert done.returncode == 1
    assert done.stderr.strip() == f"mediation-registry: {target} is not empty; restore only into an empty data directory"
    assert sorted(path.name for path in target.iterdir()) == ["something"]


def test_backup_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    existing = tmp_path / "copy.zip"
    existing.write_text("keep me", encoding="utf-8")

    done = subprocess.run(
        command("backup", str(existing)), cwd=ROOT, env=environment(tmp_path / "graph"),
        capture_output=True, text=True, timeout=120, check=False,
    )

    assert done.returncode == 1
    assert "exists already" in done.stderr
    assert existing.read_text(encoding="utf-8") == "keep me"
