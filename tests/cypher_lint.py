"""Engine fidelity: every statement the suite sends (and those it never sends: migrations, bench/) is checked by
Neo4j's own Cypher analysis, as Cypher 5 and as Cypher 25, at the end of the session (CONTRIBUTING.md, "Cypher").

Recording wraps `Graph.rows`, the one place that runs statements, in this process; a CLI subprocess records
through `sitecustomize.py` in tools/cypher-lint/ (on its PYTHONPATH) into a file named by REGISTRY_CYPHER_RECORD.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, LiteralString

import pytest
from neo4j import AsyncManagedTransaction

from graph.core.driver import Graph, Row
from graph.core.migrations import MIGRATIONS

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / "tools" / "cypher-lint"
ALLOWLIST = TOOL / "allowlist.toml"
PACKAGE = "@neo4j-cypher/language-support"
MODULES = Path(os.environ.get("REGISTRY_CYPHER_LINT_MODULES", ROOT / ".ci-npm" / "node_modules"))
MODE = os.environ.get("REGISTRY_CYPHER_LINT", "")  # "required" (CI): never skipped; "on": also in a partial run
STATIC_SOURCES = ("bench", "tests/benchmarks", "tests/core/test_backup.py")  # sent with the plain driver, or only by benchmarks
CLAUSE = re.compile(r"^\s*(OPTIONAL MATCH|MATCH|CREATE|MERGE|UNWIND|WITH|RETURN|CALL|SHOW|DETACH|FOREACH)\b")
VOCABULARY = "is not present in the database"
PARAMETER = re.compile(r"\$(\w+)")


def map_keys(value: Any, into: set[str]) -> set[str]:
    """The keys of every map in a parameter value (`SET n += $props`, `UNWIND $rows AS row ... SET n += row.props`)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            into.add(str(key))
            map_keys(inner, into)
    elif isinstance(value, list | tuple):
        for inner in value:
            map_keys(inner, into)
    return into


@dataclass
class StatementLint:
    """A pytest plugin: records in the session, lints at its end."""

    record: Path
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # text -> {"test", "parameters"}
    keys: set[str] = field(default_factory=set)
    current: str = "(session setup)"
    original: Any = None
    deselected: int = 0

    def install(self) -> None:
        self.original = original = Graph.rows
        lint = self

        async def rows(graph: Graph, tx: AsyncManagedTransaction, text: LiteralString, **params: Any) -> list[Row]:
            lint.seen(text, params)
            return await original(graph, tx, text, **params)

        Graph.rows = rows  # type: ignore[method-assign, assignment]
        os.environ["REGISTRY_CYPHER_RECORD"] = str(self.record)
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TOOL), os.environ.get("PYTHONPATH")]))

    def seen(self, text: str, params: dict[str, Any]) -> None:
        entry = self.sent.setdefault(text, {"test": self.current, "parameters": set()})
        entry["parameters"].update(params)
        map_keys(params, self.keys)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Any:
        self.current = item.nodeid
        return (yield)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        self.deselected += len(items)

    def partial(self, config: pytest.Config) -> bool:
        """A run of some tests sends some statements: their vocabulary is not the code's, and the lint takes long."""
        whole = [Path(arg).resolve() for arg in config.args] == [ROOT / "tests"]
        return not whole or bool(config.option.keyword or config.option.markexpr or self.deselected)

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        Graph.rows = self.original  # type: ignore[method-assign]
        if exitstatus != 0 or session.config.option.collectonly:
            return
        if self.partial(session.config) and not MODE:
            why = "the whole suite lints; REGISTRY_CYPHER_LINT=on lints this one"
            say(session, [f"cypher lint: skipped in a partial run ({why})"])
            return
        self.from_subprocesses()
        statements = {text: dict(entry, source=f"sent by {entry['test']}") for text, entry in self.sent.items()}
        for text, source in defined_statements():
            statements.setdefault(text, {"source": source, "parameters": set(PARAMETER.findall(text))})
        outcome = lint(statements, self.keys, partial=self.partial(session.config))
        say(session, outcome.lines)
        if outcome.failed:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def from_subprocesses(self) -> None:
        if not self.record.exists():
            return
        for line in self.record.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            entry = self.sent.setdefault(row["text"], {"test": f"{self.current} (subprocess)", "parameters": set()})
            entry["parameters"].update(row["parameters"])
            self.keys.update(row["keys"])


def say(session: pytest.Session, lines: list[str]) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        print(*lines, sep="\n")
        return
    reporter.write_line("")
    for line in lines:
        reporter.write_line(line)


def defined_statements() -> list[tuple[str, str]]:
    """What the suite never sends through `Graph`: every migration's statements (by import), and the whole
    statements written in bench/ and the benchmarks (string expressions that fold to text starting with a clause)."""
    found = [(text, f"migration {m.version}") for m in MIGRATIONS for text in m.statements]
    for folder in STATIC_SOURCES:
        where = ROOT / folder
        for path in [where] if where.is_file() else sorted(where.rglob("*.py")):
            found += [(text, str(path.relative_to(ROOT))) for text in literal_statements(path)]
    return found


def literal_statements(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for node in ast.walk(tree):  # names bound once to a foldable string, anywhere in the module
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if (text := fold(node.value, names)) is not None:
                names[node.targets[0].id] = text

    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id in names}
    found: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id in used:
            return  # a fragment that whole statements are built from: those are linted, the fragment is not one
        text = fold(node, names) if isinstance(node, ast.expr) else None
        if text is not None:
            if CLAUSE.match(text) and text not in found:
                found.append(text)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def fold(node: ast.expr, names: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = fold(node.left, names), fold(node.right, names)
        return left + right if left is not None and right is not None else None
    return None


@dataclass
class Outcome:
    failed: bool
    lines: list[str]


VERSIONS = ("CYPHER 5", "CYPHER 25")


def lint(statements: dict[str, dict[str, Any]], keys: set[str], *, partial: bool) -> Outcome:
    node = shutil.which("node")
    why = None if node else "node is not on PATH"
    if node and not (MODULES / PACKAGE).is_dir():
        why = f"{PACKAGE} is not installed in {MODULES} (see .ci/run)"
    if why or node is None:
        required = MODE == "required"
        return Outcome(required, [f"cypher lint {'FAILED' if required else 'skipped'}: {why}"])
    texts = list(statements)
    payload = {
        "statements": [{"text": t, "parameters": sorted(statements[t]["parameters"])} for t in texts],
        "propertyKeys": sorted(keys),
    }
    started = time.perf_counter()
    # one node process per Cypher version, side by side: the analysis is CPU-bound and the machine has cores
    def one(version: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [node, str(TOOL / "lint.mjs"), str(MODULES), version], input=json.dumps(payload), capture_output=True,
            text=True, check=False, timeout=600,
        )

    with ThreadPoolExecutor(len(VERSIONS)) as pool:
        runs = list(pool.map(one, VERSIONS))
    took = time.perf_counter() - started
    if failed := [run for run in runs if run.returncode != 0]:
        return Outcome(True, [f"cypher lint FAILED to run: {failed[0].stderr.strip()}"])
    answers = [json.loads(run.stdout) for run in runs]
    answer = {"vocabulary": answers[0]["vocabulary"], "diagnostics": [d for a in answers for d in a["diagnostics"]]}
    allowed = tomllib.loads(ALLOWLIST.read_text(encoding="utf-8"))["allow"]
    used: set[int] = set()
    problems: list[str] = []
    for d in answer["diagnostics"]:
        text = texts[d["statement"]]
        entry = None if d["severity"] == "error" or "deprecat" in d["message"].lower() else allowance(allowed, d, text)
        if entry is None and partial and VOCABULARY in d["message"]:
            continue  # written by a statement this partial run did not send
        if entry is None:
            source = statements[text]["source"]
            problems.append(
                f"{d['version']} {d['severity']}: {d['message']}\n    at {d['excerpt']!r}\n    in {text!r}\n    {source}"
            )
        else:
            used.add(entry)
    vocabulary = answer["vocabulary"]
    sent = sum(1 for s in statements.values() if s["source"].startswith("sent by"))
    lines = [
        f"cypher lint: {len(texts)} statements ({sent} sent by the suite, {len(texts) - sent} defined in migrations,"
        f" {', '.join(STATIC_SOURCES)}) as Cypher 5 and 25 in {took:.1f} s; vocabulary {len(vocabulary['labels'])}"
        f" labels, {len(vocabulary['relationshipTypes'])} relationship types, {len(vocabulary['propertyKeys'])} property"
        f" keys; {len(answer['diagnostics'])} diagnostics, {len(answer['diagnostics']) - len(problems)} allowed",
    ]
    lines += [
        f"cypher lint: allowlist entry no longer needed: {allowed[i]['reason']}" for i in range(len(allowed)) if i not in used
    ]
    lines += [f"cypher lint FAILED: {p}" for p in problems]
    if dump := os.environ.get("REGISTRY_CYPHER_LINT_DUMP"):
        Path(dump).write_text(json.dumps({"payload": payload, "answer": answer}, ensure_ascii=False, indent=1), encoding="utf-8")
    return Outcome(bool(problems), lines)


def allowance(allowed: list[dict[str, str]], diagnostic: dict[str, Any], text: str) -> int | None:
    """The first allowlist entry whose `message` starts the diagnostic's message and whose `excerpt` pattern
    matches what it points at (a regular expression over the flagged part of the statement)."""
    for index, entry in enumerate(allowed):
        if diagnostic["message"].startswith(entry["message"]) and re.fullmatch(entry["excerpt"], diagnostic["excerpt"], re.S):
            return index
    return None
