"""The demo's OAuth clients: one per kind of agency, made with the demo data and kept in the data directory."""

from __future__ import annotations

import json
from pathlib import Path

from auth.clients import create_client
from auth.scopes import Scope, parse_scopes
from graph.core.driver import Graph
from graph.directory.node import is_empty
from seed.demo import PLATFORM_ADMIN
from seed.roster import stable_id

DEMO_CLIENTS: tuple[tuple[str, str], ...] = (
    ("成都市武侯区司法局", "roster:read roster:write pii:read training:write grades:write reports:read audit:read"),
    ("成都市武侯区人民法院", "roster:read invitations:write cases:write reports:read"),
    ("中华全国总工会", "roster:read registrations:write cases:write reports:read"),
    (PLATFORM_ADMIN, " ".join(scope.value for scope in Scope)),
)
"""One client per kind of agency in demo mode: a county bureau, its basic court, a partner, the admin."""


async def demo_clients(graph: Graph, data_dir: Path, *, create: bool) -> list[dict[str, str]]:
    """Created with the demo data; the credentials are kept in the data directory (mode 0600) so a restart
    shows them again. Without `create`, only what was saved (if anything) is returned."""
    path = data_dir / "demo-clients.json"
    if path.exists():
        saved: list[dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
        return saved
    if not create:
        return []
    created = []
    for agency, scopes in DEMO_CLIENTS:
        client_id, secret = await create_client(graph, agency_id=stable_id("agency", agency), scopes=parse_scopes(scopes))
        created.append({"agency": agency, "scope": scopes, "client_id": client_id, "client_secret": secret})
    data_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (in the lifespan, before the app serves anyone)
    path.touch(mode=0o600)
    path.write_text(json.dumps(created, ensure_ascii=False, indent=2), encoding="utf-8")
    return created


graph_is_empty = is_empty


def announcement(clients: list[dict[str, str]], issuer: str) -> str:
    """What `serve --demo` prints about its demo clients: a curl line each to get a token; empty if none."""
    if not clients:
        return ""
    lines = ["demo clients (also in demo-clients.json in the data directory):"]
    for client in clients:
        lines.append(f"  {client['agency']}: {client['scope']}")
        lines.append(
            f"    curl -s -u {client['client_id']}:{client['client_secret']}"
            f" -d grant_type=client_credentials {issuer}/oauth/token"
        )
    return "\n".join(lines)
