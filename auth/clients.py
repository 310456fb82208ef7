"""OAuth clients: each acts for one agency; only a slow salted hash of its secret is kept."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from authlib.oauth2.rfc6749 import ClientMixin
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from auth.scopes import Scope, UnknownScope, parse_scopes, scope_text
from graph.access import oauth
from graph.access.oauth import ClientCredentials, ClientRecord, ClientStatus, is_revoked, revoke_token_id
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind

__all__ = [
    "ClientRecord",
    "ClientStatus",
    "OAuthClient",
    "UnknownAgency",
    "UnknownClient",
    "create_client",
    "disable_client",
    "hash_secret",
    "is_revoked",
    "list_clients",
    "load_clients",
    "register_client_key",
    "revoke_token_id",
    "rotate_secret",
    "verify_secret",
]

GRANT_TYPE = "client_credentials"
SECRET_METHODS = frozenset({"client_secret_basic", "client_secret_post"})
KEY_METHOD = "private_key_jwt"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

log = logging.getLogger("registry.auth")


class UnknownAgency(LookupError):
    def __init__(self, agency_id: str) -> None:
        super().__init__(f"no agency with id {agency_id!r}")


class UnknownClient(LookupError):
    def __init__(self, client_id: str) -> None:
        super().__init__(f"no OAuth client with id {client_id!r}")


@dataclass(frozen=True)
class OAuthClient(ClientMixin):
    """What Authlib asks about a client; loaded before Authlib runs, so its callbacks never touch the graph."""

    client_id: str
    agency_id: str
    agency_kind: AgencyKind
    jurisdiction: str | None
    scopes: frozenset[Scope]
    status: ClientStatus
    secret_hash: str
    jwks: Mapping[str, Any] | None = None

    @property
    def active(self) -> bool:
        return self.status == ClientStatus.ACTIVE

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == GRANT_TYPE

    def check_client_secret(self, client_secret: str) -> bool:
        return self.active and verify_secret(client_secret, self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if not self.active:
            return False
        return method in SECRET_METHODS or (method == KEY_METHOD and self.jwks is not None)

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scopes when all are granted to this client, else None (invalid_scope); never narrowed."""
        if not scope:
            return scope_text(self.scopes)
        try:
            requested = parse_scopes(scope)
        except UnknownScope:
            return None
        return scope_text(requested) if requested <= self.scopes else None


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return "$".join(["scrypt", str(_SCRYPT["n"]), str(_SCRYPT["r"]), str(_SCRYPT["p"]), _b64(salt), _b64(digest)])


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = hashlib.scrypt(
            secret.encode(), salt=base64.urlsafe_b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


async def create_client(graph: Graph, *, agency_id: str, scopes: Iterable[Scope | str]) -> tuple[str, str]:
    """A new active client for the agency; returns (client_id, secret). The secret is shown only this once."""
    granted = parse_scopes(" ".join(str(scope) for scope in scopes))
    if not granted:
        raise ValueError("a client needs at least one scope")
    client_id, secret = secrets.token_hex(16), secrets.token_urlsafe(32)
    created = await oauth.insert_client(
        graph, client_id=client_id, secret_hash=hash_secret(secret), scopes=sorted(granted), agency_id=agency_id
    )
    if created is None:
        raise UnknownAgency(agency_id)
    log.info("client created", extra={"client_id": client_id, "agency": agency_id, "scopes": scope_text(granted)})
    return client_id, secret


async def list_clients(graph: Graph, agency_id: str | None = None) -> list[ClientRecord]:
    return await oauth.find_clients(graph, agency_id=agency_id)


async def rotate_secret(graph: Graph, client_id: str) -> str:
    """A new secret for the client; the old one stops working at once."""
    secret = secrets.token_urlsafe(32)
    if not await oauth.set_secret_hash(graph, client_id=client_id, secret_hash=hash_secret(secret)):
        raise UnknownClient(client_id)
    log.info("client secret rotated", extra={"client_id": client_id})
    return secret


async def disable_client(graph: Graph, client_id: str) -> None:
    """The client can no longer get tokens, and the tokens it holds are refused by the validator."""
    if not await oauth.set_client_status(graph, client_id=client_id, status=ClientStatus.DISABLED):
        raise UnknownClient(client_id)
    log.info("client disabled", extra={"client_id": client_id})


async def register_client_key(graph: Graph, client_id: str, jwks: Mapping[str, Any]) -> None:
    """Register the public keys (RSA or EC) the client signs its private_key_jwt assertions with."""
    text = json.dumps(public_jwks(jwks), sort_keys=True)
    if not await oauth.set_client_jwks(graph, client_id=client_id, jwks=text):
        raise UnknownClient(client_id)
    log.info("client key registered", extra={"client_id": client_id, "kids": " ".join(key["kid"] for key in jwks["keys"])})


def public_jwks(jwks: Mapping[str, Any]) -> dict[str, Any]:
    """The JWKS when it holds only public RSA or EC keys, each with a kid; raises ValueError otherwise."""
    keys = jwks.get("keys")
    if not isinstance(keys, list) or not keys:
        raise ValueError("a JWKS needs a non-empty 'keys' list")
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") not in ("RSA", "EC") or not key.get("kid"):
            raise ValueError("every key must be an RSA or EC key with a kid")
        if "d" in key:
            raise ValueError("register public keys only; this JWKS holds a private key")
    try:
        KeySet.import_key_set({"keys": keys})
    except (JoseError, ValueError, TypeError) as error:
        raise ValueError(f"not a usable JWKS: {error}") from error
    return {"keys": keys}


async def load_clients(graph: Graph, client_ids: Iterable[str]) -> dict[str, OAuthClient]:
    """The named clients ready for Authlib, in one graph read."""
    records = await oauth.client_credentials(graph, client_ids=sorted(set(client_ids)))
    return {client_id: _client(record) for client_id, record in records.items()}


def _client(record: ClientCredentials) -> OAuthClient:
    return OAuthClient(
        client_id=record.client_id,
        agency_id=record.agency_id,
        agency_kind=record.agency_kind,
        jurisdiction=record.jurisdiction,
        scopes=parse_scopes(" ".join(record.scopes)),
        status=record.status,
        secret_hash=record.secret_hash,
        jwks=json.loads(record.jwks) if record.jwks else None,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()
