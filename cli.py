"""The `mediation-registry` command: serve, migrate, seed, clients, audit, import, export, backup and restore."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.progress import MofNCompleteColumn, Progress

from app import Settings, create_app, graph_kept, prepare_workers, worker_environment
from auth import key_store
from auth.clients import (
    UnknownAgency,
    UnknownClient,
    create_client,
    disable_client,
    list_clients,
    rotate_secret,
)
from auth.scopes import UnknownScope, parse_scopes
from auth.upload import ImportRefused, cli_importer
from graph.core.backup import BackupError, backup_embedded, restore_embedded
from graph.core.connection import GraphConnection, connect, graph_server
from graph.core.driver import Graph, GraphError
from graph.core.embedded import EmbeddedServerError
from graph.core.migrations import apply_migrations, schema_snapshot
from resolvers.audit.checkpoint import (
    CHECKPOINT_GRACE,
    CheckpointRefused,
    describe_check,
    take_checkpoint,
    verify_with_checkpoint,
)
from resolvers.audit.trail import describe
from resolvers.reports.rollup import BULK_CONCURRENCY, rebuild_rollups
from resolvers.roster.export import export_roster_file
from resolvers.roster.importer import ImportReport, import_roster_file
from schema.core.build import build_schema
from seed.demo import load_demo
from seed.generator import WORKERS, generate
from seed.national import Address
from seed.roster import timed

T = TypeVar("T")


cli = typer.Typer(help="Mediation Registry: the registry and directory of mediation organizations and mediators.")


def fail(message: str) -> typer.Exit:
    typer.secho(f"mediation-registry: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code=1)


@contextlib.contextmanager
def opened(settings: Settings) -> Iterator[GraphConnection]:
    try:
        with graph_server(settings) as connection:
            yield connection
    except EmbeddedServerError as error:
        raise fail(str(error)) from None


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[bool, typer.Option(help="Load the demo data set into an empty graph; enable GraphiQL.")] = False,
    workers: Annotated[
        int,
        typer.Option(min=1, help="API processes on the one port, each with its own driver, caches and rate limiter."),
    ] = 1,
) -> None:
    """Serve the GraphQL API at /graphql."""
    import uvicorn

    settings = Settings()
    if "issuer" not in settings.model_fields_set and host in ("127.0.0.1", "localhost"):
        settings = settings.model_copy(update={"issuer": f"http://{host}:{port}"})
    if demo:
        settings = settings.model_copy(update={"demo": True, "graphiql": True, "introspection": True})
    try:
        settings.hash_key()
    except RuntimeError as error:
        raise fail(str(error)) from None
    # forwarded headers are the app's to judge (`trusted_proxies`), not uvicorn's loopback default; its loggers
    # go through the registry's handler (log_config None), and `logs.RequestLog` writes the access lines
    options: dict[str, Any] = {
        "host": host, "port": port, "log_config": None, "log_level": settings.log_level.lower(), "access_log": False,
        "proxy_headers": False,
    }
    with opened(settings) as connection:
        typer.echo(f"graph: {connection.uri} (database {connection.database})")
        typer.echo(f"GraphQL: http://{host}:{port}/graphql")
        if workers == 1:
            app = create_app(settings, graph=connect(connection, settings), embedded=connection.embedded)
            uvicorn.run(app, **options)
            return
        # the workers are spawned, not forked: each imports app.py and builds its app from the environment
        asyncio.run(prepare_workers(settings, connection))
        os.environ.update(worker_environment(settings, connection))
        with graph_kept(settings, connection):
            uvicorn.run("app:worker_app", factory=True, workers=workers, **options)


@cli.command()
def migrate(
    snapshot: Annotated[
        Path | None, typer.Option(help="Then write the graph's constraints and indexes here (graph-schema.txt).")
    ] = None,
) -> None:
    """Apply the schema migrations that are missing (idempotent)."""
    settings = Settings()
    with opened(settings) as connection:
        graph = connect(connection, settings)
        applied, text = asyncio.run(_migrate(graph))
    typer.echo(f"applied migrations: {applied}" if applied else "migrations are up to date")
    if snapshot is not None:
        snapshot.write_text(text, encoding="utf-8")


async def _migrate(graph: Graph) -> tuple[list[int], str]:
    try:
        return await apply_migrations(graph), await schema_snapshot(graph)
    finally:
        await graph.close()


@cli.command()
def seed(
    demo: Annotated[bool, typer.Option(help="Load the demo data set (idempotent).")] = True,
    scale: Annotated[
        float | None, typer.Option(help="Generate a fraction of national scale (1.0 = 693,000 organizations).")
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Generator processes, each writing with its own driver, into an empty graph.")
    ] = WORKERS,
) -> None:
    """Load the demo data set, or generate a national-scale one."""
    settings = Settings()
    if settings.identity_hash_key is None:
        settings = settings.model_copy(update={"demo": True})

    async def run(graph: Graph, connection: GraphConnection) -> None:
        if scale is not None:
            # into an empty graph, worker processes with drivers of their own write the generated roster
            address = Address(connection.uri, connection.user, connection.password, connection.database)
            await generate(graph, scale=scale, hash_key=settings.hash_key(), progress=True, address=address,
                           workers=workers)
        elif demo:
            counts = await load_demo(graph, hash_key=settings.hash_key())
            typer.echo("demo data: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
        if scale is not None or demo:
            typer.echo(f"report rollups: {await rebuild_rollups(graph, concurrency=BULK_CONCURRENCY)} divisions")

    on_graph_at(settings, run)


@cli.command()
def rollup() -> None:
    """Rebuild the report rollups of every province, city and county now (the service does so periodically)."""
    written = on_graph(Settings(), partial(rebuild_rollups, concurrency=BULK_CONCURRENCY))
    typer.echo(f"report rollups: {written} divisions")


@cli.command("export-schema")
def export_schema(
    output: Annotated[Path | None, typer.Option(help="Write the SDL here instead of standard output.")] = None,
) -> None:
    """Print the GraphQL schema (SDL) of this version."""
    sdl = build_schema().as_str() + "\n"
    if output is None:
        sys.stdout.write(sdl)
    else:
        output.write_text(sdl, encoding="utf-8")


def on_graph(settings: Settings, work: Callable[[Graph], Awaitable[T]]) -> T:
    """Run `work` on a migrated graph: the configured Neo4j, or the embedded server for the command's duration."""
    return on_graph_at(settings, lambda graph, _: work(graph))


def on_graph_at(settings: Settings, work: Callable[[Graph, GraphConnection], Awaitable[T]]) -> T:
    """`on_graph`, with where the graph is (for work that opens drivers of its own)."""

    async def run(connection: GraphConnection) -> T:
        graph = connect(connection, settings)
        try:
            await apply_migrations(graph)
            return await work(graph, connection)
        finally:
            await graph.close()

    with opened(settings) as connection:
        return asyncio.run(run(connection))


clients = typer.Typer(help="OAuth clients of agencies.")
cli.add_typer(clients, name="clients")


@clients.command("create")
def clients_create(
    agency: Annotated[str, typer.Option(help="The registry id of the agency the client acts for.")],
    scope: Annotated[str, typer.Option(help='Space-separated scopes, e.g. "roster:read roster:write".')],
    json_output: Annotated[bool, typer.Option("--json", help="Print {client_id, client_secret} as JSON.")] = False,
) -> None:
    """Create a client; its secret is shown once and only its hash is stored."""
    try:
        scopes = parse_scopes(scope)
        client_id, secret = on_graph(Settings(), lambda graph: create_client(graph, agency_id=agency, scopes=scopes))
    except (UnknownScope, UnknownAgency, ValueError) as error:
        raise fail(str(error)) from None
    if json_output:
        typer.echo(json.dumps({"client_id": client_id, "client_secret": secret}))
    else:
        typer.echo(f"client_id:     {client_id}\nclient_secret: {secret}")


@clients.command("list")
def clients_list(agency: Annotated[str | None, typer.Option(help="Only this agency's clients.")] = None) -> None:
    """List clients with their agency, scopes and status (never secrets)."""
    for client in on_graph(Settings(), lambda graph: list_clients(graph, agency)):
        typer.echo(f"{client.client_id}  {client.status}  {client.agency_id}  {' '.join(client.scopes)}")


@clients.command("rotate-secret")
def clients_rotate_secret(client_id: Annotated[str, typer.Argument(help="The client to give a new secret.")]) -> None:
    """Replace a client's secret; the old one stops working at once."""
    try:
        secret = on_graph(Settings(), lambda graph: rotate_secret(graph, client_id))
    except UnknownClient as error:
        raise fail(str(error)) from None
    typer.echo(f"client_secret: {secret}")


@clients.command("disable")
def clients_disable(client_id: Annotated[str, typer.Argument(help="The client to disable.")]) -> None:
    """Disable a client: it gets no new tokens and its outstanding tokens are refused."""
    try:
        on_graph(Settings(), lambda graph: disable_client(graph, client_id))
    except UnknownClient as error:
        raise fail(str(error)) from None
    typer.echo(f"disabled {client_id}")


audit = typer.Typer(help="The audit trail.")
cli.add_typer(audit, name="audit")


@audit.command("verify")
def audit_verify() -> None:
    """Recompute every audit hash chain and check it against its head (a missing tail shows), then check the
    latest signed checkpoint against the trail; exit 1 when anything is broken."""
    settings = Settings()
    published = key_store(settings.auth()).verification_keys()
    report, checkpoint = on_graph(settings, lambda graph: verify_with_checkpoint(graph, published=published))
    lines = [describe(report), describe_check(checkpoint) if checkpoint else "no signed checkpoint yet"]
    if not report.intact or (checkpoint is not None and not checkpoint.matches):
        raise fail("\n".join(lines))
    typer.echo("\n".join(lines))


@audit.command("checkpoint")
def audit_checkpoint(
    grace: Annotated[
        float, typer.Option(help="Seconds before now that the checkpoint covers up to (longer than any write runs).")
    ] = CHECKPOINT_GRACE.total_seconds(),
) -> None:
    """Verify the trail, then sign and record a Merkle tree head over every event before now minus the grace
    (served at /audit/checkpoints/latest); exit 1 when the trail is broken."""
    settings = Settings()
    config = settings.auth()
    key = key_store(config).current()
    margin = datetime.timedelta(seconds=grace)
    try:
        record = on_graph(settings, lambda graph: take_checkpoint(graph, key=key, issuer=config.issuer, grace=margin))
    except CheckpointRefused as error:
        raise fail(f"no checkpoint taken: {error}") from None
    typer.echo(
        f"checkpoint {record.seq}: {record.tree_size} events before {record.cutoff.isoformat()},"
        f" root {record.root_hash}, signed with key {record.kid}"
    )


importing = typer.Typer(help="Bulk import of rosters (CSV or NDJSON).")
cli.add_typer(importing, name="import")
exporting = typer.Typer(help="Bulk export of rosters, in the import format.")
cli.add_typer(exporting, name="export")


@importing.command("roster")
def import_roster_command(
    file: Annotated[Path, typer.Argument(help="A .csv or .ndjson roster file.", exists=True, dir_okay=False)],
    agency: Annotated[str | None, typer.Option(help="Import as this bureau (its reach); national if omitted.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Validate every row; write nothing.")] = False,
) -> None:
    """Validate every row first; any bad row is reported (line, field, reason) and nothing is written."""
    settings = Settings()
    try:
        hash_key = settings.hash_key()
    except RuntimeError as error:
        raise fail(str(error)) from None
    elapsed = timed()

    async def run(graph: Graph) -> ImportReport:
        nonlocal elapsed
        elapsed = timed()
        importer = await cli_importer(graph, agency_id=agency)
        with Progress(*Progress.get_default_columns(), MofNCompleteColumn()) as bar:
            task = bar.add_task("validating", total=None)

            def advance(stage: str, done: int, total: int | None) -> None:
                bar.update(task, description=stage, completed=done, total=total)

            return await import_roster_file(
                graph, file, hash_key=hash_key, importer=importer, dry_run=dry_run, progress=advance
            )

    try:
        report = on_graph(settings, run)
    except ImportRefused as error:
        raise fail(str(error)) from None
    except GraphError as error:
        raise fail(f"the import stopped: {error}; run the same file again, rows merge on their natural keys") from None
    seconds = elapsed()
    for bad in report.bad:
        typer.echo(f"line {bad.line}: {bad.field}: {bad.reason}", err=True)
    if report.bad:
        raise fail(f"{len(report.bad)} bad rows of {report.rows}; nothing was written")
    rate = report.rows / max(seconds, 1e-9)
    typer.echo(
        f"{report.rows} rows read, {report.written} written, {report.unchanged} unchanged in {seconds:.1f} s"
        f" ({rate:,.0f} rows/s)"
    )


@exporting.command("roster")
def export_roster_command(
    jurisdiction: Annotated[str, typer.Option(help="A division code: the roster of it and everything below.")],
    output: Annotated[Path, typer.Option(help="A .csv or .ndjson file to write.")],
) -> None:
    """Write a jurisdiction's roster in the import format (identity numbers as their keyed hashes)."""
    try:
        rows = on_graph(Settings(), lambda graph: export_roster_file(graph, output, jurisdiction=jurisdiction))
    except ValueError as error:
        raise fail(str(error)) from None
    typer.echo(f"{rows} rows written to {output}")


@cli.command("backup")
def backup_command(file: Annotated[Path, typer.Argument(help="The ZIP file to write (must not exist).")]) -> None:
    """Copy the embedded graph consistently to FILE, while the service runs (or on its own if none runs)."""
    settings = Settings()
    if settings.graph_uri:
        raise fail("backup copies the embedded graph; on Neo4j use neo4j-admin database dump or online backup")
    try:
        size = backup_embedded(file, data_dir=settings.embedded_dir, database=settings.graph_database, heap=settings.graph_heap)
    except (BackupError, EmbeddedServerError) as error:
        raise fail(str(error)) from None
    typer.echo(f"backup of {settings.graph_database} written to {file} ({size:,} bytes)")


@cli.command("restore")
def restore_command(file: Annotated[Path, typer.Argument(help="A ZIP made by `backup`.", exists=True, dir_okay=False)]) -> None:
    """Restore a backup into the embedded graph's data directory, which must be empty."""
    settings = Settings()
    if settings.graph_uri:
        raise fail("restore fills the embedded graph; on Neo4j use neo4j-admin database load")
    try:
        restore_embedded(file, data_dir=settings.embedded_dir, database=settings.graph_database)
    except BackupError as error:
        raise fail(str(error)) from None
    typer.echo(f"restored {file} into {settings.embedded_dir}")


@cli.command("rotate-keys")
def rotate_keys() -> None:
    """Make a new token-signing key; the previous public key stays published until its tokens expire."""
    kid = key_store(Settings().auth()).rotate()
    typer.echo(f"signing with key {kid}")
