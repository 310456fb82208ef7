"""Benchmark of `seed --scale F` into an empty embedded graph: time, rows per second, peak memory and disk.

    python tests/benchmarks/bench_seed.py --scale 0.1 [--workers 2] [--merge] [--heap 2g] [--data-dir /tmp/x]

Starts its own embedded graph server in a temporary directory (or `--data-dir`, which must not exist and is
deleted afterwards), migrates it, runs the generator, prints rows per second, the peak resident memory of the
server and of Python (this process and its generator processes) and the size of the data directory. Not
collected by pytest (its name is no test_*.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

from graph.core.driver import open_graph
from graph.core.embedded import start_embedded_server
from graph.core.migrations import apply_migrations
from seed.generator import generate
from seed.national import Address

HASH_KEY = b"benchmark-identity-hash-key"


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


async def run(args: argparse.Namespace, workdir: Path) -> None:
    server = start_embedded_server(data_dir=workdir / "graph", database="registry", heap=args.heap)
    graph = open_graph(uri=server.uri, user=server.user, password=server.password, database=server.database,
                       timeout=600.0)
    peak = {"server": 0}
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.5):
            peak["server"] = max(peak["server"], rss_kib(server.process.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        await apply_migrations(graph)
        address = None if args.merge else Address(server.uri, server.user, server.password, server.database)
        started = time.perf_counter()
        counts = await generate(graph, scale=args.scale, hash_key=HASH_KEY, address=address, workers=args.workers)
        seconds = time.perf_counter() - started
        rows = sum(counts.values())
        print(", ".join(f"{n:,} {kind}" for kind, n in counts.items()))
        print(f"scale {args.scale} : {rows:,} rows in {seconds:.1f} s"
              f" = {rows / seconds:,.0f} rows/s, {counts['mediators'] / seconds:,.0f} mediators/s")
    finally:
        done.set()
        watcher.join()
        await graph.close()
        server.stop()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child: server or generator
    print(f"peak RSS: server {peak['server'] / 1024:,.0f} MB, python {own / 1024:,.0f} MB"
          f" (largest child process {children / 1024:,.0f} MB)")
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"disk: {disk_bytes(workdir / 'graph') / 1e6:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--heap", default="2g", help="the embedded server's Java heap")
    parser.add_argument("--workers", type=int, default=2, help="generator processes, each with its own writer")
    parser.add_argument("--merge", action="store_true", help="the MERGE path (one writer) instead of the fast path")
    parser.add_argument("--data-dir", type=Path, help="scratch directory (must not exist; deleted afterwards)")
    args = parser.parse_args()
    if args.data_dir:
        args.data_dir.mkdir(parents=True)
        try:
            asyncio.run(run(args, args.data_dir))
        finally:
            shutil.rmtree(args.data_dir, ignore_errors=True)
        return
    with tempfile.TemporaryDirectory(prefix="bench-seed-") as workdir:
        asyncio.run(run(args, Path(workdir)))


if __name__ == "__main__":
    main()
