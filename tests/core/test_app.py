"""The app's lifecycle and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from typer.testing import CliRunner

from app import Settings, create_app
from cli import cli
from graph.core.driver import Graph
from graph.core.migrations import MIGRATIONS
from schema.core.build import build_schema
from seed.demo import load_demo
from seed.roster import stable_id
from tests.conftest import HASH_KEY

ROOT = Path(__file__).resolve().parents[2]


async def test_demo_mode_seeds_an_empty_graph_at_start_up(graph: Graph, tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, demo=True), graph=graph)

    async with app.router.lifespan_context(app):
        rows = await graph.read("MATCH (o:Organization) RETURN count(o) AS n")

    assert rows == [{"n": 93}]
    assert (tmp_path / "identity-hash-key").stat().st_mode & 0o777 == 0o600


async def test_demo_mode_leaves_a_graph_with_data_alone(graph: Graph, tmp_path: Path) -> None:
    await graph.write("CREATE (:Jurisdiction {id: 'j', code: '510000', name: '四川省', level: 'PROVINCE'})")
    app = create_app(Settings(data_dir=tmp_path, demo=True), graph=graph)

    async with app.router.lifespan_context(app):
        rows = await graph.read("MATCH (o:Organization) RETURN count(o) AS n")

    assert rows == [{"n": 0}]


async def test_graphiql_is_served_only_when_enabled(graph: Graph, tmp_path: Path) -> None:
    for enabled, status in ((False, 404), (True, 200)):
        app = create_app(Settings(data_dir=tmp_path, graphiql=enabled, identity_hash_key=HASH_KEY.decode()), graph=graph)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == status


def test_export_schema_prints_the_sdl() -> None:
    result = CliRunner().invoke(cli, ["export-schema"])

    assert result.exit_code == 0
    assert result.stdout == build_schema().as_str() + "\n"


def test_seed_and_migrate_commands_on_an_embedded_graph(tmp_path: Path) -> None:
    env = {**os.environ, "REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_GRAPH_HEAP": "512m"}
    env.pop("REGISTRY_GRAPH_URI", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "app", *args]
        return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)

    seeded = run("seed", "--demo")
    migrated = run("migrate")
    bureau = stable_id("agency", "成都市武侯区司法局")
    created = run("clients", "create", "--agency", bureau, "--scope", "roster:read pii:read", "--json")
    listed = run("clients", "list")
    unknown = run("clients", "create", "--agency", "nope", "--scope", "roster:read", "--json")
    bad_scope = run("clients", "create", "--agency", stable_id("agency", "成都市武侯区司法局"), "--scope", "roster:all")

    assert seeded.returncode == 0, seeded.stderr
    assert "demo data: 46 jurisdictions, 33 agencies, 93 organizations, 436 mediators" in seeded.stdout
    assert (migrated.returncode, migrated.stdout.strip()) == (0, "migrations are up to date")
    assert (tmp_path / "graph" / "root-password").exists()
    credentials = json.loads(created.stdout)
    assert sorted(credentials) == ["client_id", "client_secret"]
    assert credentials["client_id"] in listed.stdout and "pii:read roster:read" in listed.stdout
    assert credentials["client_secret"] not in listed.stdout
    assert (unknown.returncode, bad_scope.returncode) == (1, 1)
    assert "unknown scope: roster:all" in bad_scope.stderr
    logged = [json.loads(line) for line in seeded.stderr.splitlines()]  # JSON lines: standard error is no terminal
    assert [(line["version"], line["request_id"]) for line in logged if line["message"] == "migration applied"] == [
        (applied.version, None) for applied in MIGRATIONS
    ]
    [made] = [line for line in map(json.loads, created.stderr.splitlines()) if line["message"] == "client created"]
    assert (made["client_id"], made["agency"], made["scopes"]) == (credentials["client_id"], bureau, "pii:read roster:read")
    assert credentials["client_secret"] not in created.stderr


async def test_loading_the_demo_twice_changes_nothing(graph: Graph) -> None:
    count = "MATCH (n) RETURN count(n) AS nodes, COUNT { ()-[]->() } AS edges"
    await load_demo(graph, hash_key=HASH_KEY)
    once = await graph.read(count)

    await load_demo(graph, hash_key=HASH_KEY)

    assert await graph.read(count) == once


def test_seed_scale_loads_an_empty_embedded_graph_through_worker_processes(tmp_path: Path) -> None:
    env = {**os.environ, "REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_GRAPH_HEAP": "512m", "COLUMNS": "200"}
    env.pop("REGISTRY_GRAPH_URI", None)

    seeded = subprocess.run([sys.executable, "-m", "app", "seed", "--scale", "0.0005", "--workers", "2"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=300)

    assert seeded.returncode == 0, seeded.stderr
    assert "344 organizations, 1,595 mediators, 1,595 memberships, 1,595 listings" in seeded.stdout, seeded.stdout
