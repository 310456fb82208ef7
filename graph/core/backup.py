"""Backup and restore of the embedded graph with ArcadeDB's own tools.

`BACKUP DATABASE` (over the server's HTTP API) writes a ZIP of a consistent snapshot while the server keeps
serving: transactions committed before it are in, none is half in. The server writes it under its own
`backups/<database>/` directory; it is then moved to the file asked for. A restore unpacks such a ZIP with
ArcadeDB's `Restore` into the database directory of an empty data directory, before any server runs there.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from graph.core.embedded import (
    PACKAGE_DIR,
    ROOT_USER,
    EmbeddedServer,
    EmbeddedServerError,
    java_executable,
    prepare_data_dir,
    running_endpoint,
    start_embedded_server,
    stored_password,
)

BACKUP_COMMAND = "backup database"
RESTORE_CLASS = "com.arcadedb.integration.restore.Restore"
# the server option `rewind` needs: ArcadeDB restores from a local file only when this is set
LOCAL_RESTORE = "-Darcadedb.server.restoreImportAllowLocalUrls=true"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message is one line for the operator."""


def backup_embedded(file: Path, *, data_dir: Path, database: str, heap: str = "1g", timeout: float = 3600) -> int:
    """Back up the graph in `data_dir` to `file` (a ZIP); returns its size in bytes.

    Uses the server a running service started on that directory (found in its `server.json`); if none runs,
    starts one for the duration of the backup.
    """
    root = data_dir.resolve()
    target = file.resolve()
    if target.exists():
        raise BackupError(f"{file} exists already; a backup never overwrites a file")
    if not (root / "databases" / database).is_dir():
        raise BackupError(f"there is no graph database {database!r} in {root}")
    endpoint = running_endpoint(root)
    if endpoint is not None:
        name = _backup(endpoint.http_port, stored_password(root), database, timeout=timeout)
    else:
        server = start_embedded_server(data_dir=root, database=database, heap=heap)
        try:
            name = _backup(server.http_port, server.password, database, timeout=timeout)
        finally:
            server.stop()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / "backups" / database / name, target)
    target.chmod(0o600)
    return target.stat().st_size


def _backup(http_port: int, password: str, database: str, *, timeout: float) -> str:
    answer = _command(http_port, password, database, BACKUP_COMMAND, timeout=timeout)
    try:
        name: str = answer["result"][0]["backupFile"]
    except (KeyError, IndexError, TypeError) as error:
        raise BackupError(f"the graph server answered the backup without a file: {answer}") from error
    if "/" in name or name.startswith("."):
        raise BackupError(f"the graph server named an unexpected backup file: {name!r}")
    return name


def _command(http_port: int, password: str, database: str, command: str, *, timeout: float) -> dict[str, Any]:
    """A SQL command on one database, over the server's HTTP API."""
    body = {"language": "sql", "command": command}
    return _post(http_port, password, f"command/{database}", body, what="the backup", timeout=timeout)


def _server_command(http_port: int, password: str, command: str, *, timeout: float) -> dict[str, Any]:
    """A server command (`drop database`, `restore database`), over the server's HTTP API."""
    return _post(http_port, password, "server", {"command": command}, what=" ".join(command.split()[:2]), timeout=timeout)


def _post(http_port: int, password: str, path: str, body: dict[str, str], *, what: str, timeout: float) -> dict[str, Any]:
    credentials = base64.b64encode(f"{ROOT_USER}:{password}".encode()).decode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/api/v1/{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Basic {credentials}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b"{}").get("detail", error.reason)
        raise BackupError(f"the graph server refused {what}: {detail}") from error
    except (OSError, ValueError) as error:
        raise BackupError(f"the graph server did not answer {what}: {error}") from error
    return answer


def snapshot(server: EmbeddedServer, *, timeout: float = 600) -> Path:
    """A backup of a running server's database, left where the server wrote it (under `backups/`), for `rewind`."""
    name = _backup(server.http_port, server.password, server.database, timeout=timeout)
    return server.data_dir / "backups" / server.database / name


def rewind(server: EmbeddedServer, snapshot: Path, *, timeout: float = 600) -> None:
    """Put a running server's database back to a snapshot: drop it and restore the file in its place, while the
    server and its Bolt clients stay up (their next transaction sees the snapshot). Much cheaper than deleting
    and reloading data; the tests use it to give each writing test the demo data as it was. The server must
    have been started with `LOCAL_RESTORE` among its options."""
    _server_command(server.http_port, server.password, f"drop database {server.database}", timeout=timeout)
    restore = f"restore database {server.database} file://{snapshot.resolve()}"
    _server_command(server.http_port, server.password, restore, timeout=timeout)


def restore_embedded(file: Path, *, data_dir: Path, database: str, timeout: float = 3600) -> None:
    """Unpack a backup into `data_dir`, which must be empty or absent; a service started on it serves the copy."""
    if not zipfile.is_zipfile(file):
        raise BackupError(f"{file} is not a graph backup (a ZIP made by `backup`)")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"{data_dir} is not empty; restore only into an empty data directory")
    try:
        root = prepare_data_dir(data_dir)
    except EmbeddedServerError as error:
        raise BackupError(str(error)) from error
    command = [
        str(java_executable()),
        "-Xmx512m",
        "-cp",
        str(PACKAGE_DIR / "jars" / "*"),
        RESTORE_CLASS,
        "-f",
        f"file://{file.resolve()}",
        "-d",
        str(root / "databases" / database),
    ]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0 or not (root / "databases" / database / "schema.json").exists():
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise BackupError(f"the restore failed: {last[0]}")
