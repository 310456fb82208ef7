"""The embedded graph server: start, answer, stop; and one clear line when it cannot start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.core import embedded
from graph.core.embedded import EmbeddedServerError, page_cache_mb, start_embedded_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_the_server_starts_answers_and_stops(tmp_path: Path) -> None:
    from neo4j import GraphDatabase

    server = start_embedded_server(data_dir=tmp_path, database="registry", heap="512m")
    try:
        with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
            records, _, _ = driver.execute_query("RETURN 41 + 1 AS answer", database_="registry")
        assert records[0]["answer"] == 42
        assert (tmp_path / "root-password").stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "server.args").stat().st_mode & 0o777 == 0o600
        command_line = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().decode()
        assert server.password not in command_line
    finally:
        server.stop()

    assert server.process.poll() is not None


def test_the_password_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = embedded.stored_password(tmp_path)

    assert embedded.stored_password(tmp_path) == first
    assert len(first) >= 24


def test_a_taken_port_is_one_clear_error(tmp_path: Path, taken_port: int) -> None:
    with pytest.raises(EmbeddedServerError, match=f"Bolt port 127.0.0.1:{taken_port} is already in use"):
        start_embedded_server(data_dir=tmp_path, database="registry", bolt_port=taken_port)


def test_a_data_directory_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")

    with pytest.raises(EmbeddedServerError, match="is not writable"):
        start_embedded_server(data_dir=blocker / "graph", database="registry")


def test_a_missing_java_runtime_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "java_executable", lambda: tmp_path / "no-such-java")

    with pytest.raises(EmbeddedServerError, match="bundled Java runtime is missing"):
        start_embedded_server(data_dir=tmp_path, database="registry")


def test_the_command_says_so_in_one_line_and_exits_non_zero(tmp_path: Path, taken_port: int) -> None:
    env = {
        **os.environ,
        "REGISTRY_DATA_DIR": str(tmp_path),
        "REGISTRY_GRAPH_BOLT_PORT": str(taken_port),
        "REGISTRY_IDENTITY_HASH_KEY": "a-key-for-this-test",
    }
    env.pop("REGISTRY_GRAPH_URI", None)

    done = subprocess.run(
        [sys.executable, "-m", "app", "serve", "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"mediation-registry: cannot start the embedded graph: Bolt port 127.0.0.1:{taken_port} is already in use"
    ]


def test_the_page_cache_is_half_the_heap_and_a_bad_heap_is_named() -> None:
    assert page_cache_mb("2g") == 1024
    assert page_cache_mb("512m") == 256
    assert page_cache_mb("12G") == 6144
    with pytest.raises(EmbeddedServerError, match="not a size"):
        page_cache_mb("lots")
