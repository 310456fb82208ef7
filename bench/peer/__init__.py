"""The peer: @neo4j/graphql 7 installed with npm into a scratch folder, served by node on loopback over the
same graph, answering operations 1 to 3 in its own schema language."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.data import Fixtures
from bench.registry import Bolt

HERE = Path(__file__).resolve().parent
PACKAGES = ["@neo4j/graphql@7", "graphql@16", "neo4j-driver@5"]


def install(scratch: Path) -> str | None:
    """Install the peer into `scratch`; None when ready, else why it cannot run."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found on PATH: the peer is skipped"
    scratch.mkdir(parents=True, exist_ok=True)
    if (scratch / "node_modules" / "@neo4j" / "graphql").exists():
        return None
    (scratch / "package.json").write_text('{"name": "bench-peer", "private": true, "type": "module"}\n')
    done = subprocess.run(["npm", "install", "--prefix", str(scratch), "--no-audit", "--no-fund", *PACKAGES],
                          capture_output=True, text=True)
    return None if done.returncode == 0 else f"npm install failed: {done.stderr.strip()[-300:]}"


def version(scratch: Path) -> str:
    import json

    package = scratch / "node_modules" / "@neo4j" / "graphql" / "package.json"
    return str(json.loads(package.read_text())["version"])


@contextlib.contextmanager
def served(scratch: Path, bolt: Bolt, port: int, log: Path) -> Iterator[str]:
    shutil.copy(HERE / "server.mjs", scratch / "server.mjs")
    command = ["node", str(scratch / "server.mjs"), str(port), bolt.uri, bolt.user, bolt.password, bolt.database,
               str(HERE / "typeDefs.graphql")]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=scratch, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the peer exited with {process.returncode}; see {log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.post(url, json={"query": "{ __typename }"}, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"the peer did not start; see {log}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


DIRECTORY = """query($prefix: String!) {
  mediators(where: {status: {eq: "FILED"}, specialties: {includes: "FAMILY"},
                    memberships: {some: {jurisdiction: {some: {code: {startsWith: $prefix}}}}}},
            limit: 20, sort: [{name: ASC}, {id: ASC}]) {
    id name gender specialties
    membershipsConnection { edges { properties { role } node { id name kind jurisdiction { code name } } } }
  }
}"""

INVITED = """query($court: ID!) {
  courts(where: {id: {eq: $court}}) {
    invitedMediatorsConnection(where: {edge: {status: {eq: "ACTIVE"}, panels: {includes: "FAMILY"}}},
                               first: 50, sort: [{node: {name: ASC}}]) {
      edges { properties { panels since until certificateNo } node { id name specialties } }
    }
    invitedOrganizationsConnection(where: {edge: {status: {eq: "ACTIVE"}, panels: {includes: "FAMILY"}}},
                                   first: 50, sort: [{node: {name: ASC}}]) {
      edges { properties { panels since until certificateNo } node { id name kind } }
    }
  }
}"""

ORGANIZATIONS = """query($prefix: String!) {
  organizationsConnection(where: {jurisdiction: {some: {code: {startsWith: $prefix}}}},
                          first: 20, sort: [{name: ASC}]) {
    totalCount
    edges { node { id name kind sectors status jurisdiction { code name } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def operations(fixtures: Fixtures) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "1": (DIRECTORY, {"prefix": fixtures.city[:4]}),
        "2": (INVITED, {"court": fixtures.court}),
        "3": (ORGANIZATIONS, {"prefix": fixtures.county}),
    }
