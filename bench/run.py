"""The national-scale benchmark (issue 11): golden operations against the served API, the same Cypher direct,
and @neo4j/graphql 7 as the peer on the same graph.

    python bench/run.py [--scale 0.1] [--requests 200] [--skip-peer] [--data-dir DIR] [--workers 2] [--ops 1,2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import api, data, direct, peer, report
from bench.load import Sample, drive
from bench.ops import SCOPES, Op, agency_of, golden
from bench.registry import Bolt, embedded_graph

HASH_KEY = "bench-identity-hash-key"
HERE = Path(__file__).resolve().parent


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="F, the share of national size (0.1: 69,300 organizations)")
    parser.add_argument("--requests", type=int, default=200, help="requests per operation and concurrency")
    parser.add_argument("--skip-peer", action="store_true", help="do not install or run @neo4j/graphql")
    parser.add_argument("--data-dir", type=Path, help="keep the graph here; a second run with the same scale skips the load")
    parser.add_argument("--heap", default="2g", help="the embedded server's Java heap")
    parser.add_argument("--results", type=Path, default=HERE / "results", help="where the markdown goes")
    parser.add_argument("--workers", type=int, default=2, help="API processes (`serve --workers`)")
    parser.add_argument("--ops", help="only these operations, e.g. 1,2,6a (the table then goes to --data-dir or"
                        " a temporary folder, not to bench/results)")
    args = parser.parse_args()
    args.ops = set(args.ops.split(",")) if args.ops else None
    return args


async def measure(op: Op, url: str, headers: dict[str, str], requests: int) -> tuple[Sample, Sample]:
    def body() -> dict[str, Any]:
        return {"query": op.query, "variables": op.variables()}

    c1 = await drive(url, body, headers=headers, requests=requests, concurrency=1)
    c8 = await drive(url, body, headers=headers, requests=requests, concurrency=8)
    return c1, c8


async def against_peer(op: Op, url: str, headers: dict[str, str], peer_url: str, requests: int,
                       figures: report.Figures, query: str, variables: dict[str, object]) -> None:
    """Ours and the peer alternately, in halves, so drift in the machine's load hits both alike."""
    def ours_body() -> dict[str, Any]:
        return {"query": op.query, "variables": op.variables()}

    def their_body() -> dict[str, Any]:
        return {"query": query, "variables": variables}

    async def ours(concurrency: int) -> Sample:
        return await drive(url, ours_body, headers=headers, requests=requests // 2, concurrency=concurrency)

    async def theirs(concurrency: int) -> Sample:
        return await drive(peer_url, their_body, headers={}, requests=requests // 2, concurrency=concurrency)

    c1, p1, c8, p8 = Sample(), Sample(), Sample(), Sample()
    for _ in range(2):
        c1, p1 = c1.merge(await ours(1)), p1.merge(await theirs(1))
        c8, p8 = c8.merge(await ours(8)), p8.merge(await theirs(8))
    figures.c1, figures.c8, figures.peer_c1, figures.peer_c8 = c1, c8, p1, p8


async def direct_figures(bolt: Bolt, env: dict[str, str], ops: list[Op], headers: dict[str, dict[str, str]],
                         rows: dict[str, report.Figures], requests: int) -> None:
    async with direct.capturing_client(bolt, env) as (client, graph):
        for op in ops:
            writes = op.query.lstrip().startswith("mutation")
            captures = []
            try:
                for _ in range(min(requests, 50) if writes else 1):
                    body = {"query": op.query, "variables": op.variables()}
                    captures.append(await direct.capture(client, graph, body, headers[op.caller]))
            except RuntimeError as error:
                print(f"  op {op.key}: not replayed: {error}")
                continue
            if not writes:
                captures = captures * requests
            figures = rows[op.key]
            figures.round_trips = captures[0].round_trips
            figures.transactions = len(captures[0].transactions)
            figures.direct = await direct.replay(bolt, captures)
            print(f"  op {op.key}: {figures.round_trips} statements in {figures.transactions} transactions;"
                  f" direct p50 {figures.direct.p50:.1f} ms")


async def bench(args: argparse.Namespace, workdir: Path, bolt: Bolt) -> Path:
    loaded = data.load(bolt, workdir, scale=args.scale, hash_key=HASH_KEY)
    fixtures = data.fixtures(bolt)
    print("fixtures:", data.describe(fixtures))
    port = api.free_port()
    env = api.api_env(bolt, workdir / "api", port=port, hash_key=HASH_KEY)
    ops = [op for op in golden(fixtures) if args.ops is None or op.key in args.ops]
    peer_note, peer_ops = "skipped (--skip-peer)", {}
    scratch = workdir / "peer" if args.data_dir else HERE / ".scratch" / "peer"
    if not args.skip_peer:
        why = peer.install(scratch)
        peer_note = why or f"@neo4j/graphql {peer.version(scratch)} on node, plain http server, same graph over Bolt"
        peer_ops = {} if why else peer.operations(fixtures)
    rollup_s = api.build_rollups(env) if any(op.key.startswith("6") for op in ops) else 0.0
    print(f"report rollups built in {rollup_s:.1f} s")
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(api.served(env, port, workdir / "api.log", workers=args.workers))
        headers: dict[str, dict[str, str]] = {"public": {}}
        for caller in ("admin", "court", "bureau"):
            client = api.create_client(env, agency_of(caller, fixtures), SCOPES[caller])
            headers[caller] = {"authorization": f"Bearer {api.token(base, client, SCOPES[caller])}"}
        peer_url = None
        if peer_ops:
            try:
                peer_url = stack.enter_context(peer.served(scratch, bolt, api.free_port(), workdir / "peer.log"))
            except RuntimeError as error:
                peer_note, peer_ops = f"could not start: {error}", {}
        run = report.Run(args.scale, args.requests, fixtures.counts, {k: v for k, v in data.describe(fixtures).items()},
                         f"load: generator {loaded.get('generate_s', '?')} s + history {loaded.get('extras_s', '?')} s"
                         f" (or reused); report rollups {rollup_s:.1f} s; the API in {args.workers} worker processes", peer_note)
        rows: dict[str, report.Figures] = {}
        for op in ops:
            print(f"op {op.key}: {op.title}")
            figures = report.Figures(op, Sample(), Sample())
            if op.key in peer_ops and peer_url:
                query, variables = peer_ops[op.key]
                await against_peer(op, f"{base}/graphql", headers[op.caller], peer_url, args.requests, figures, query, variables)
            else:
                figures.c1, figures.c8 = await measure(op, f"{base}/graphql", headers[op.caller], args.requests)
            rows[op.key] = figures
            run.figures.append(figures)
            print(f"  p50 c=1 {figures.c1.p50:.1f} ms, p99 c=8 {figures.c8.p99:.1f} ms, {figures.c8.throughput:.1f} req/s"
                  + (f", errors {figures.c1.errors + figures.c8.errors}: {figures.c1.first_error or figures.c8.first_error}"
                     if figures.c1.errors or figures.c8.errors else "")
                  + (f"; peer {figures.peer_c8.throughput:.1f} req/s, p99 {figures.peer_c8.p99:.1f} ms, errors"
                     f" {figures.peer_c8.errors}" if figures.peer_c8 else ""))
    print("capturing each operation's statements and replaying them through the driver")
    await direct_figures(bolt, env, ops, headers, rows, args.requests)
    path = report.write(run, args.results if args.ops is None else workdir / "results")
    print(report.markdown(run))
    return path


def main() -> None:
    args = arguments()
    with contextlib.ExitStack() as stack:
        if args.data_dir:
            workdir = args.data_dir.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        bolt = stack.enter_context(embedded_graph(workdir / "graph", heap=args.heap))
        path = asyncio.run(bench(args, workdir, bolt))
    print(f"results: {path} (and latest.md beside it)")


if __name__ == "__main__":
    main()
