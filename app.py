"""The composition root: settings, the graph's lifecycle, routes, and the `mediation-registry` command."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import logging
import secrets
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from rich.progress import MofNCompleteColumn, Progress
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from auth import AuthConfig, deny_list, key_store, oauth_routes, rate_limiter, token_validator
from auth.clients import (
    UnknownAgency,
    UnknownClient,
    create_client,
    disable_client,
    list_clients,
    rotate_secret,
)
from auth.config import EXTERNAL_SCOPES
from auth.middleware import BearerAuthentication
from auth.scopes import UnknownScope, parse_scopes
from auth.upload import MAX_BYTES as MAX_IMPORT_BYTES
from auth.upload import ImportRefused, cli_importer, upload_route
from graph.core.backup import BackupError, backup_embedded, restore_embedded
from graph.core.connection import EmbeddedProcess, GraphConnection, connect, graph_server
from graph.core.driver import Graph, GraphError
from graph.core.embedded import EmbeddedServerError
from graph.core.health import RETRY_AFTER_SECONDS
from graph.core.migrations import apply_migrations, is_migrated, schema_snapshot
from graph.core.supervisor import Supervisor
from resolvers.audit.checkpoint import (
    CHECKPOINT_GRACE,
    CheckpointRefused,
    describe_check,
    published_checkpoint,
    take_checkpoint,
    verify_with_checkpoint,
)
from resolvers.audit.trail import describe
from resolvers.courts.invited_list import published_csv, published_json
from resolvers.reports.rollup import rebuild_rollups, refresh_rollups
from resolvers.roster.export import export_roster_file
from resolvers.roster.importer import ImportReport, import_roster_file, roster_upload
from schema.core.body import MAX_BODY_BYTES, GraphQLBody
from schema.core.build import build_schema
from schema.core.endpoint import RegistryGraphQL
from schema.core.unavailable import GraphUnavailableResponse
from seed.demo import announcement, demo_clients, graph_is_empty, load_demo
from seed.generator import WORKERS, generate
from seed.national import Address
from seed.roster import timed

__all__ = ["GraphConnection", "Settings", "connect", "create_app", "graph_server", "main"]
"""The composition root's names that bench/registry.py relies on (with `main`, the console script)."""

log = logging.getLogger("registry")
T = TypeVar("T")


class Settings(BaseSettings):
    """Every setting is read from a `REGISTRY_`-prefixed environment variable (or `.env`)."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_file=".env", extra="ignore")

    graph_uri: str | None = None
    graph_user: str = "neo4j"
    graph_password: SecretStr | None = None
    graph_database: str = "registry"
    graph_timeout: float = 15.0
    graph_retry_time: float = 10.0
    data_dir: Path = Path("var")
    graph_data_dir: Path | None = None
    graph_bolt_port: int | None = None
    graph_http_port: int | None = None
    graph_heap: str = "2g"
    identity_hash_key: SecretStr | None = None
    issuer: str = "http://127.0.0.1:8000"
    audience: str = "mediation-registry"
    token_lifetime: int = 900
    key_dir: Path | None = None
    external_issuer: str | None = None
    external_jwks: Path | None = None
    external_scopes: str | None = None
    rate_per_second: float = 20.0
    rate_burst: int = 40
    revocation_refresh: float = 2.0
    max_body_bytes: int = MAX_BODY_BYTES
    max_import_bytes: int = MAX_IMPORT_BYTES
    trusted_proxies: str = ""
    """Comma-separated addresses or networks of reverse proxies whose `X-Forwarded-For` names the caller."""
    introspection: bool = False
    allow_get_queries: bool = False
    graphiql: bool = False
    demo: bool = False
    rollup_interval: float = 900.0
    """Seconds between rebuilds of the report rollups of provinces and cities (resolvers/reports/rollup.py); 0
    builds none, and every report then counts live."""

    def auth(self) -> AuthConfig:
        return AuthConfig(
            issuer=self.issuer,
            audience=self.audience,
            key_dir=self.key_dir or self.data_dir / "keys",
            token_lifetime=self.token_lifetime,
            external_issuer=self.external_issuer,
            external_jwks=self.external_jwks,
            external_scopes=parse_scopes(self.external_scopes) if self.external_scopes is not None else EXTERNAL_SCOPES,
            rate_per_second=self.rate_per_second,
            burst=self.rate_burst,
            revocation_refresh=self.revocation_refresh,
        )

    @property
    def embedded_dir(self) -> Path:
        return self.graph_data_dir or self.data_dir / "graph"

    def hash_key(self) -> bytes:
        """The key for identity-number hashes: the configured one, else the one kept in the data directory.

        Only demo mode generates that file; later commands on the same data directory reuse it, so their
        hashes match the demo's. Anywhere else a missing key is an error, never a fresh random key.
        """
        if self.identity_hash_key is not None:
            return self.identity_hash_key.get_secret_value().encode()
        path = self.data_dir / "identity-hash-key"
        if not path.exists() and not self.demo:
            raise RuntimeError(f"REGISTRY_IDENTITY_HASH_KEY is required (or a demo key in {path})")
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(secrets.token_hex(32), encoding="utf-8")
        return path.read_text(encoding="utf-8").strip().encode()


def create_app(settings: Settings, *, graph: Graph, embedded: EmbeddedProcess | None = None) -> Starlette:
    """The ASGI app over an open graph; the lifespan migrates it and, in demo mode, seeds an empty one, and
    supervises the graph (restarting `embedded` if it dies) for as long as the app runs."""
    supervisor = Supervisor(graph, embedded=embedded)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await apply_migrations(graph)
        if settings.demo:
            fresh = await graph_is_empty(graph)
            if fresh:
                await load_demo(graph, hash_key=settings.hash_key())
            if text := announcement(await demo_clients(graph, settings.data_dir, create=fresh), settings.issuer):
                log.warning(text)
        supervisor.start()
        rollups = (
            asyncio.create_task(refresh_rollups(graph, interval=settings.rollup_interval))
            if settings.rollup_interval > 0 else None
        )
        try:
            yield
        finally:
            if rollups is not None:
                rollups.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await rollups
            await supervisor.stop()

    async def healthz(request: Request) -> Response:
        """Liveness: the process can still heal itself (its supervisor runs), whatever the graph's state now."""
        if supervisor.task is not None and not supervisor.alive:
            return JSONResponse({"status": "graph supervisor stopped", "graph": graph.health.describe()}, status_code=503)
        return JSONResponse({"status": "ok", "graph": graph.health.describe()})

    async def readyz(request: Request) -> Response:
        """Readiness: the graph answers and is migrated; otherwise 503 with `Retry-After` and the reason."""
        unavailable = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        try:
            ready = await is_migrated(graph)
        except GraphError as error:
            body = {"status": "graph unavailable", "graph": graph.health.describe(), "error": str(error).splitlines()[0]}
            return JSONResponse(body, status_code=503, headers=unavailable)
        if not ready:
            return JSONResponse({"status": "migrations pending", "graph": graph.health.describe()}, status_code=503)
        return JSONResponse({"status": "ready", "graph": graph.health.describe()})

    async def published_list(request: Request) -> Response:
        """A court's published invited list for notice boards and websites, as CSV or JSON."""
        court, version, form = request.path_params["court"], request.path_params["version"], request.path_params["format"]
        if form == "csv":
            text = await published_csv(graph, court=court, version=version)
            if text is not None:
                return Response(text, media_type="text/csv; charset=utf-8")
        elif form == "json":
            payload = await published_json(graph, court=court, version=version)
            if payload is not None:
                return JSONResponse(payload)
        return JSONResponse({"error": "no such published list"}, status_code=404)

    async def audit_checkpoint(request: Request) -> Response:
        """A signed Merkle tree head over the audit trail (the latest, or one by number), for anyone to keep."""
        seq = request.path_params.get("seq")
        payload = await published_checkpoint(graph, seq=seq)
        if payload is None:
            return JSONResponse({"error": "no such checkpoint"}, status_code=404)
        return JSONResponse(payload, headers={"Cache-Control": "no-cache"})

    config = settings.auth()
    denials = deny_list(config, graph)
    validator, limiter = token_validator(config, graph, denials=denials), rate_limiter(config)
    endpoint = RegistryGraphQL(
        graph,
        hash_key=settings.hash_key(),
        introspection=settings.introspection,
        graphiql=settings.graphiql,
        allow_get_queries=settings.allow_get_queries,
    )
    graphql = BearerAuthentication(GraphQLBody(endpoint, max_bytes=settings.max_body_bytes), validator=validator, limiter=limiter)
    bearer = Middleware(BearerAuthentication, validator=validator, limiter=limiter)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *oauth_routes(config, graph, denials),
            upload_route(roster_upload(graph, settings.hash_key()), middleware=[bearer], max_bytes=settings.max_import_bytes),
            Route("/courts/{court}/invited-list/{version:int}.{format}", published_list),
            Route("/audit/checkpoints/latest", audit_checkpoint),
            Route("/audit/checkpoints/{seq:int}", audit_checkpoint),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        middleware=[
            Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies),
            Middleware(GraphUnavailableResponse),
        ],
        lifespan=lifespan,
    )
    app.state.supervisor = supervisor
    return app


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
) -> None:
    """Serve the GraphQL API at /graphql."""
    import uvicorn

    settings = Settings()
    if "issuer" not in settings.model_fields_set and host in ("127.0.0.1", "localhost"):
        settings = settings.model_copy(update={"issuer": f"http://{host}:{port}"})
    if demo:
        settings = settings.model_copy(update={"demo": True, "graphiql": True, "introspection": True})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings.hash_key()
    except RuntimeError as error:
        raise fail(str(error)) from None
    with opened(settings) as connection:
        graph = connect(connection, settings)
        typer.echo(f"graph: {connection.uri} (database {connection.database})")
        typer.echo(f"GraphQL: http://{host}:{port}/graphql")
        app = create_app(settings, graph=graph, embedded=connection.embedded)
        # forwarded headers are the app's to judge (`trusted_proxies`), not uvicorn's loopback default
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


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
            typer.echo(f"report rollups: {await rebuild_rollups(graph)} divisions")

    on_graph_at(settings, run)


@cli.command()
def rollup() -> None:
    """Rebuild the report rollups of every province, city and county now (the service does so periodically)."""
    written = on_graph(Settings(), rebuild_rollups)
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
    typer.echo(f"{report.rows} rows read, {report.written} written in {seconds:.1f} s ({rate:,.0f} rows/s)")


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


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
