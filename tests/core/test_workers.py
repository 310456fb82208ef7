"""`serve --workers N`: the parent prepares the graph once, N processes answer on one port, SIGINT stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from graph.core.driver import Graph
from graph.core.embedded import EmbeddedServer

ROOT = Path(__file__).resolve().parents[2]
QUERY = {"query": "{ mediators(first: 3) { edges { node { id } } } }"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def spawned_children(pid: int) -> list[int]:
    """The processes that uvicorn spawned under `pid` (multiprocessing's spawn entry point)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


@pytest.mark.usefixtures("demo")
def test_two_workers_answer_on_one_port_and_stop_together(
    server: EmbeddedServer, graph: Graph, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "REGISTRY_GRAPH_URI": server.uri,
        "REGISTRY_GRAPH_USER": server.user,
        "REGISTRY_GRAPH_PASSWORD": server.password,
        "REGISTRY_GRAPH_DATABASE": server.database,
        "REGISTRY_DATA_DIR": str(tmp_path),
        "REGISTRY_IDENTITY_HASH_KEY": "a-key-for-this-test",
        "REGISTRY_ROLLUP_INTERVAL": "0",
    }
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "not ready in 90 s"
            time.sleep(0.3)

        assert len(spawned_children(process.pid)) == 2
        answers = [httpx.post(f"{base}/graphql", json=QUERY, timeout=10) for _ in range(4)]
        assert {answer.status_code for answer in answers} == {200}
        assert all(len(answer.json()["data"]["mediators"]["edges"]) == 3 for answer in answers)
        # the signing key the parent made is the one every worker publishes
        assert len({httpx.get(f"{base}/.well-known/jwks.json", timeout=10).text for _ in range(4)}) == 1
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
        log.close()
    assert code == 0
    assert "restarting the embedded graph" not in (tmp_path / "serve.log").read_text()
