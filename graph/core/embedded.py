"""The embedded ArcadeDB server: a child process speaking Bolt on 127.0.0.1."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import arcadedb_embedded

from graph.core import clock

PACKAGE_DIR = Path(arcadedb_embedded.__file__).resolve().parent
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
ROOT_USER = "root"
PR_SET_PDEATHSIG = 1
ENDPOINT_FILE = "server.json"  # where a running server's pid and ports are, for `backup` from another process


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be started; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    process: subprocess.Popen[bytes]
    uri: str
    user: str
    password: str
    database: str
    data_dir: Path
    http_port: int = 0

    @property
    def bolt_port(self) -> int:
        return int(self.uri.rsplit(":", 1)[1])

    def stop(self, *, timeout: float = 20.0) -> None:
        (self.data_dir / ENDPOINT_FILE).unlink(missing_ok=True)
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def java_executable() -> Path:
    return PACKAGE_DIR / "jre" / "bin" / "java"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def stored_password(data_dir: Path) -> str:
    """The root password, generated once and kept in the data directory (mode 0600)."""
    path = data_dir / "root-password"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    password = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(password, encoding="utf-8")
    return password


def prepare_data_dir(data_dir: Path) -> Path:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".writable"
        probe.write_text("", encoding="utf-8")
        probe.unlink()
    except OSError as error:
        raise EmbeddedServerError(
            f"graph data directory {data_dir} is not writable: {error.strerror or error}"
        ) from error
    return data_dir.resolve()


def page_cache_mb(heap: str) -> int:
    """Half the heap for ArcadeDB's page cache (its default is a quarter): a graph that outgrows the cache reads
    its pages back from disk over and over, so a load slows down faster than it grows."""
    units = {"k": 1 / 1024, "m": 1, "g": 1024, "t": 1024 * 1024}
    number, unit = heap[:-1], heap[-1].lower()
    if unit not in units or not number.isdigit():
        raise EmbeddedServerError(f"the graph heap {heap!r} is not a size such as 2g or 512m")
    return max(int(int(number) * units[unit]) // 2, 64)


def start_embedded_server(
    *,
    data_dir: Path,
    database: str,
    bolt_port: int | None = None,
    http_port: int | None = None,
    heap: str = "2g",
    ready_timeout: float = 60.0,
    options: Sequence[str] = (),
) -> EmbeddedServer:
    """Start ArcadeDB with its Bolt plugin and wait until `RETURN 1` answers; `options` are more `-D` settings."""
    java = java_executable()
    if not os.access(java, os.X_OK):
        raise EmbeddedServerError(f"the bundled Java runtime is missing at {java}; reinstall arcadedb-embedded")
    root = prepare_data_dir(data_dir)
    bolt = bolt_port or free_port()
    http = http_port or free_port()
    for label, port in (("Bolt", bolt), ("HTTP", http)):
        if port_is_taken(port):
            raise EmbeddedServerError(f"cannot start the embedded graph: {label} port 127.0.0.1:{port} is already in use")
    password = stored_password(root)
    options = [
        f"-Xmx{heap}",
        f"-Darcadedb.maxPageRAM={page_cache_mb(heap)}",
        f"-Duser.timezone={clock.zone_name()}",  # the registry's day: Cypher's date() agrees with clock.today()
        f"-Darcadedb.server.rootPath={root}",
        f"-Darcadedb.server.rootPassword={password}",
        f"-Darcadedb.server.plugins={BOLT_PLUGIN}",
        "-Darcadedb.bolt.host=127.0.0.1",
        f"-Darcadedb.bolt.port={bolt}",
        "-Darcadedb.server.httpIncomingHost=127.0.0.1",
        f"-Darcadedb.server.httpIncomingPort={http}",
        f"-Darcadedb.server.defaultDatabases={database}[{ROOT_USER}]",
        *options,
        "-cp",
        str(PACKAGE_DIR / "jars" / "*"),
    ]
    # the options (with the root password) go in an argument file only we can read, not on the command line
    arguments = root / "server.args"
    arguments.touch(mode=0o600)
    arguments.write_text("\n".join(f'"{option}"' for option in options) + "\n", encoding="utf-8")
    command = [str(java), f"@{arguments}", "com.arcadedb.server.ArcadeDBServer"]
    log = (root / "server.log").open("ab")
    process = subprocess.Popen(
        command,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_stop_with_parent,
    )
    log.close()
    server = EmbeddedServer(process, f"bolt://127.0.0.1:{bolt}", ROOT_USER, password, database, root, http)
    try:
        wait_until_ready(server, timeout=ready_timeout)
    except BaseException:
        server.stop()
        raise
    endpoint = root / ENDPOINT_FILE
    endpoint.touch(mode=0o600)
    endpoint.write_text(json.dumps({"pid": process.pid, "bolt_port": bolt, "http_port": http}), encoding="utf-8")
    return server


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a running embedded server listens, as recorded in its data directory."""

    pid: int
    bolt_port: int
    http_port: int


def running_endpoint(data_dir: Path) -> Endpoint | None:
    """The server another process started on this data directory and still runs, if any (from `server.json`)."""
    try:
        recorded = json.loads((data_dir / ENDPOINT_FILE).read_text(encoding="utf-8"))
        endpoint = Endpoint(int(recorded["pid"]), int(recorded["bolt_port"]), int(recorded["http_port"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(endpoint.pid) or not _accepts(endpoint.http_port):
        return None
    return endpoint


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop_with_parent() -> None:
    """Linux: the server gets SIGTERM if this process dies without stopping it (e.g. killed by a signal)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def wait_until_ready(server: EmbeddedServer, *, timeout: float) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

    port = int(server.uri.rsplit(":", 1)[1])
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise EmbeddedServerError(
                f"the embedded graph exited with code {server.process.returncode}; see {server.data_dir / 'server.log'}"
            )
        if _accepts(port):
            try:
                with GraphDatabase.driver(server.uri, auth=(server.user, server.password)) as driver:
                    driver.execute_query("RETURN 1 AS ok", database_=server.database)
                return
            except (Neo4jError, ServiceUnavailable, SessionExpired, OSError) as error:
                last_error = str(error).splitlines()[0] if str(error) else type(error).__name__
        time.sleep(0.2)
    raise EmbeddedServerError(f"the embedded graph did not answer within {timeout:.0f} s ({last_error})")


def _accepts(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0
