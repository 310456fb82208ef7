"""The registry's API as a client sees it: `mediation-registry serve` in a child process, OAuth clients made
with `mediation-registry clients create`, tokens from /oauth/token."""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.data import registry_env
from bench.registry import Bolt


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def api_env(bolt: Bolt, state_dir: Path, *, port: int, hash_key: str) -> dict[str, str]:
    """Settings for the served API and the CLI: the bench's graph, its own keys, no practical rate limit."""
    return registry_env(
        bolt,
        {
            "REGISTRY_DATA_DIR": str(state_dir),
            "REGISTRY_IDENTITY_HASH_KEY": hash_key,
            "REGISTRY_ISSUER": f"http://127.0.0.1:{port}",
            "REGISTRY_RATE_PER_SECOND": "1000000",
            "REGISTRY_RATE_BURST": "1000000",
            "REGISTRY_TOKEN_LIFETIME": "7200",
            "REGISTRY_GRAPH_TIMEOUT": "60",
            # the rollups are built once before measuring (`build_rollups`), not again while it measures
            "REGISTRY_ROLLUP_INTERVAL": "0",
        },
    )


@contextlib.contextmanager
def served(env: dict[str, str], port: int, log: Path, *, workers: int = 1) -> Iterator[str]:
    """`mediation-registry serve --workers N` on 127.0.0.1:port until the block ends; yields its base URL."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["mediation-registry", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise SystemExit(f"mediation-registry serve exited with {process.returncode}; see {log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"mediation-registry serve did not become ready; see {log}")
            time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def build_rollups(env: dict[str, str]) -> float:
    """`mediation-registry rollup`, as the service runs it on its schedule; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run(["mediation-registry", "rollup"], env=env, check=True, capture_output=True, text=True)
    return time.perf_counter() - started


def create_client(env: dict[str, str], agency: str, scopes: str) -> tuple[str, str]:
    done = subprocess.run(
        ["mediation-registry", "clients", "create", "--agency", agency, "--scope", scopes, "--json"],
        env=env, check=True, capture_output=True, text=True,
    )
    made = json.loads(done.stdout.strip().splitlines()[-1])
    return str(made["client_id"]), str(made["client_secret"])


def token(base: str, client: tuple[str, str], scopes: str) -> str:
    answer = httpx.post(
        f"{base}/oauth/token", auth=client, data={"grant_type": "client_credentials", "scope": scopes}, timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])
