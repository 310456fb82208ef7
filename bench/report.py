"""The results as markdown, and which targets are met."""

from __future__ import annotations

import datetime
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import BUDGET_S, Sample
from bench.ops import Op


@dataclass(slots=True)
class Figures:
    op: Op
    c1: Sample
    c8: Sample
    direct: Sample | None = None
    round_trips: int | None = None
    transactions: int | None = None
    peer_c1: Sample | None = None
    peer_c8: Sample | None = None
    peer_error: str | None = None


@dataclass(slots=True)
class Run:
    scale: float
    requests: int
    counts: dict[str, int]
    fixtures: dict[str, object]
    load_note: str
    peer_note: str
    figures: list[Figures] = field(default_factory=list)


def ms(value: float | None) -> str:
    return "–" if value is None or value != value else f"{value:.1f}"


def ratio(a: float | None, b: float | None) -> str:
    return "–" if not a or not b or a != a or b != b else f"{a / b:.2f}"


def targets(run: Run) -> list[tuple[str, bool]]:
    checks: list[tuple[str, bool]] = []
    for f in run.figures:
        op = f.op
        if op.target_p50_ms is not None:
            checks.append((f"op {op.key} p50 c=1 ≤ {op.target_p50_ms:g} ms ({ms(f.c1.p50)})", f.c1.p50 <= op.target_p50_ms))
        if op.target_p99_ms is not None:
            checks.append((f"op {op.key} p99 c=8 ≤ {op.target_p99_ms:g} ms ({ms(f.c8.p99)})", f.c8.p99 <= op.target_p99_ms))
        if f.peer_c8 is not None and f.peer_c8.latencies_ms:
            share = f.c8.throughput / f.peer_c8.throughput
            checks.append((f"op {op.key} throughput ≥ 2× peer ({share:.2f}×)", share >= 2))
        if f.direct is not None and f.direct.latencies_ms:
            share = f.c1.p50 / f.direct.p50
            checks.append((f"op {op.key} API ≤ 1.2× direct Cypher ({share:.2f}×)", share <= 1.2))
        if f.c1.errors or f.c8.errors:
            checks.append((f"op {op.key} answered without errors ({f.c1.errors + f.c8.errors} errors)", False))
    return checks


def markdown(run: Run) -> str:
    now = datetime.datetime.now(datetime.UTC)
    load = os.getloadavg()
    lines = [
        f"# Benchmark (issue 11), {now:%Y-%m-%d %H:%M} UTC",
        "",
        f"- machine: {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at the end"
        f" ({platform.system()} {platform.machine()}, Python {platform.python_version()}); shared machine: read ratios",
        f"- scale F = {run.scale}; {run.requests} requests per cell (or as many as {BUDGET_S:.0f} s allow);"
        " loopback HTTP, asyncio + httpx, keep-alive",
        "- data: " + ", ".join(f"{v:,} {k}" for k, v in run.counts.items()),
        f"- {run.load_note}",
        "- fixtures: " + ", ".join(f"{k} `{v}`" for k, v in run.fixtures.items() if k != "counts"),
        f"- peer: {run.peer_note}",
        "",
        "| op | what | p50 c=1 ms | p99 c=1 ms | p50 c=8 ms | p99 c=8 ms | req/s c=8 | round trips (tx) | direct p50 ms"
        " | API/direct | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in run.figures:
        trips = "–" if f.round_trips is None else f"{f.round_trips} ({f.transactions})"
        direct = f.direct.p50 if f.direct and f.direct.latencies_ms else None
        lines.append(
            f"| {f.op.key} | {f.op.title} | {ms(f.c1.p50)} | {ms(f.c1.p99)} | {ms(f.c8.p50)} | {ms(f.c8.p99)} |"
            f" {f.c8.throughput:.1f} | {trips} | {ms(direct)} | {ratio(f.c1.p50, direct)} | {f.c1.errors + f.c8.errors} |"
        )
    peers = [f for f in run.figures if f.peer_c8 is not None or f.peer_error]
    if peers:
        lines += [
            "",
            "Against the peer (@neo4j/graphql, same graph, same loop, run alternately with ours):",
            "",
            "| op | ours req/s c=8 | peer req/s c=8 | throughput ours/peer | ours p99 c=8 | peer p99 c=8 | p99 ours/peer"
            " | peer p50 c=1 | peer requests c=1 / c=8 | peer errors |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for f in peers:
            if f.peer_c8 is None or f.peer_c1 is None:
                lines.append(
                    f"| {f.op.key} | {f.c8.throughput:.1f} | – | – | {ms(f.c8.p99)} | – | – | – | – |"
                    f" cannot run: {f.peer_error} |"
                )
                continue
            errors = f.peer_c1.errors + f.peer_c8.errors
            why = f"{errors}: {f.peer_c1.first_error or f.peer_c8.first_error}" if errors else "0"
            lines.append(
                f"| {f.op.key} | {f.c8.throughput:.1f} | {f.peer_c8.throughput:.1f}"
                f" | {ratio(f.c8.throughput, f.peer_c8.throughput)}"
                f" | {ms(f.c8.p99)} | {ms(f.peer_c8.p99)} | {ratio(f.c8.p99, f.peer_c8.p99)} | {ms(f.peer_c1.p50)}"
                f" | {len(f.peer_c1.latencies_ms)} / {len(f.peer_c8.latencies_ms)} | {why} |"
            )
    failed = [f for f in run.figures if f.c1.first_error or f.c8.first_error]
    if failed:
        lines += ["", "First error per operation:", ""]
        lines += [f"- op {f.op.key}: `{(f.c1.first_error or f.c8.first_error or '').replace('`', '')}`" for f in failed]
    lines += ["", "Targets (F = 0.1 targets; at other scales indicative only):", ""]
    lines += [f"- {'met' if ok else 'MISSED'}: {label}" for label, ok in targets(run)]
    return "\n".join(lines) + "\n"


def write(run: Run, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = markdown(run)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{stamp}-F{run.scale:g}.md"
    path.write_text(text, encoding="utf-8")
    (folder / "latest.md").write_text(text, encoding="utf-8")
    return path
