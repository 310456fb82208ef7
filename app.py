"""The composition root: settings, the graph's lifecycle and the routes; the command line is cli.py."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from auth import AuthConfig, deny_list, key_store, oauth_routes, rate_limiter, token_validator
from auth.config import EXTERNAL_SCOPES
from auth.middleware import BearerAuthentication
from auth.scopes import parse_scopes
from auth.upload import MAX_BYTES as MAX_IMPORT_BYTES
from auth.upload import upload_route
from graph.core.connection import EmbeddedProcess, GraphConnection, connect, graph_server
from graph.core.driver import Graph, GraphError
from graph.core.health import RETRY_AFTER_SECONDS
from graph.core.migrations import apply_migrations, is_migrated
from graph.core.supervisor import Supervisor
from logs import LogFormat, LogLevel, RequestLog, configure
from resolvers.audit.checkpoint import (
    published_checkpoint,
)
from resolvers.courts.invited_list import published_csv, published_json
from resolvers.reports.rollup import refresh_rollups
from resolvers.roster.importer import roster_upload
from schema.core.body import MAX_BODY_BYTES, GraphQLBody
from schema.core.endpoint import RegistryGraphQL
from schema.core.unavailable import GraphUnavailableResponse
from seed.clients import announcement, demo_clients, graph_is_empty
from seed.demo import load_demo
from web.caching import IMMUTABLE_CACHE, cached
from web.console import console
from web.printing import pdf_route
from web.routes import web_routes

__all__ = ["GraphConnection", "Settings", "connect", "create_app", "graph_server", "main", "worker_app"]
"""The composition root's names that bench/registry.py relies on (with `main`, the console script)."""


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
    log_format: LogFormat | None = None
    """`json` (one object per line) or `text`; unset: text when standard error is a terminal, else JSON."""
    log_level: LogLevel = "INFO"

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return (value.strip().lower() or None) if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

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


async def prepare(settings: Settings, graph: Graph) -> None:
    """What a graph needs before requests are served: its migrations and, in demo mode, the demo data set (into
    an empty graph) and the demo clients, whose secrets go to standard output."""
    await apply_migrations(graph)
    if settings.demo:
        fresh = await graph_is_empty(graph)
        if fresh:
            await load_demo(graph, hash_key=settings.hash_key())
        if text := announcement(await demo_clients(graph, settings.data_dir, create=fresh), settings.issuer):
            print(text, flush=True)  # on standard output, beside the URLs `serve` prints: a secret never goes into a log


def create_app(settings: Settings, *, graph: Graph, embedded: EmbeddedProcess | None = None) -> Starlette:
    """The ASGI app over an open graph; the lifespan migrates it and, in demo mode, seeds an empty one, and
    supervises the graph (restarting `embedded` if it dies) for as long as the app runs."""
    supervisor = Supervisor(graph, embedded=embedded)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await prepare(settings, graph)
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
        """A court's published invited list for notice boards and websites, as CSV or JSON; a version never
        changes, so it is cached for good (the PDF is web/printing.py's)."""
        court, version, form = request.path_params["court"], request.path_params["version"], request.path_params["format"]
        if form == "csv":
            text = await published_csv(graph, court=court, version=version)
            if text is not None:
                return cached(request, text.encode("utf-8"), media_type="text/csv; charset=utf-8", cache_control=IMMUTABLE_CACHE)
        elif form == "json":
            payload = await published_json(graph, court=court, version=version)
            if payload is not None:
                body = bytes(JSONResponse(payload).body)
                return cached(request, body, media_type="application/json", cache_control=IMMUTABLE_CACHE)
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
        console=console if settings.graphiql else None,
        allow_get_queries=settings.allow_get_queries,
    )
    graphql = BearerAuthentication(GraphQLBody(endpoint, max_bytes=settings.max_body_bytes), validator=validator, limiter=limiter)
    bearer = Middleware(BearerAuthentication, validator=validator, limiter=limiter)
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *oauth_routes(config, graph, denials),
            upload_route(roster_upload(graph, settings.hash_key()), middleware=[bearer], max_bytes=settings.max_import_bytes),
            pdf_route(endpoint),
            Route("/courts/{court}/invited-list/{version:int}.{format}", published_list),
            Route("/audit/checkpoints/latest", audit_checkpoint),
            Route("/audit/checkpoints/{seq:int}", audit_checkpoint),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *web_routes(endpoint, console=settings.graphiql),
        ],
        middleware=[
            Middleware(RequestLog),
            Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies),
            Middleware(GraphUnavailableResponse),
        ],
        lifespan=lifespan,
    )
    app.state.supervisor = supervisor
    return app


def worker_environment(settings: Settings, connection: GraphConnection) -> dict[str, str]:
    """What `serve --workers N` passes its worker processes beyond its own environment: the graph the parent
    opened (the embedded server's port and password, or the configured Neo4j), the issuer it settled on, and the
    demo's console. The parent keeps the rollups fresh, so the workers do not."""
    env = {
        "REGISTRY_GRAPH_URI": connection.uri,
        "REGISTRY_GRAPH_USER": connection.user,
        "REGISTRY_GRAPH_PASSWORD": connection.password,
        "REGISTRY_GRAPH_DATABASE": connection.database,
        "REGISTRY_ISSUER": settings.issuer,
        "REGISTRY_ROLLUP_INTERVAL": "0",
        "REGISTRY_DEMO": "false",
    }
    if settings.graphiql:
        env["REGISTRY_GRAPHIQL"] = "true"
    if settings.introspection:
        env["REGISTRY_INTROSPECTION"] = "true"
    return env


async def prepare_workers(settings: Settings, connection: GraphConnection) -> None:
    """Everything the workers would otherwise race to do at once: migrate, seed the demo, make the first signing
    key and the demo's identity-hash key."""
    settings.hash_key()
    key_store(settings.auth())
    graph = connect(connection, settings)
    try:
        await prepare(settings, graph)
    finally:
        await graph.close()


@contextlib.contextmanager
def graph_kept(settings: Settings, connection: GraphConnection) -> Iterator[None]:
    """In the parent of `serve --workers N`, for as long as the block runs: a thread that supervises the graph
    (restarting the embedded server if it dies) and rebuilds the report rollups every `rollup_interval` seconds,
    once for all the workers. It is stopped before the block ends, so that the embedded server's shutdown is not
    taken for a crash."""
    loop = asyncio.new_event_loop()
    graph = connect(connection, settings)
    supervisor = Supervisor(graph, embedded=connection.embedded)

    async def keep() -> None:
        supervisor.start()
        try:
            if settings.rollup_interval > 0:
                await refresh_rollups(graph, interval=settings.rollup_interval)
            else:
                await asyncio.Event().wait()
        finally:
            await supervisor.stop()
            await graph.close()

    def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):
            loop.run_until_complete(task)

    task = loop.create_task(keep())
    thread = threading.Thread(target=run, name="graph-keeper", daemon=True)
    thread.start()
    try:
        yield
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(timeout=30)
        loop.close()


def worker_app() -> Starlette:
    """The app of one `serve --workers N` process (uvicorn's factory): its settings from the environment the
    parent prepared (`worker_environment`), its own driver, caches and rate limiter."""
    settings = Settings()
    configure(settings.log_format, settings.log_level)
    if not settings.graph_uri:
        raise RuntimeError("worker_app runs under `mediation-registry serve --workers N`, which sets REGISTRY_GRAPH_URI")
    with graph_server(settings) as connection:  # a configured graph: nothing is started or stopped
        return create_app(settings, graph=connect(connection, settings))


def main() -> None:
    """The `mediation-registry` console script (the commands live in cli.py, which imports this module); every
    command logs through one handler on standard error (`REGISTRY_LOG_FORMAT`, `REGISTRY_LOG_LEVEL`)."""
    from cli import cli

    settings = Settings()
    configure(settings.log_format, settings.log_level)
    cli()


if __name__ == "__main__":
    main()
