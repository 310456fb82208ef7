"""Bearer-token validation for the API: RFC 9068 access tokens from this server or one trusted external issuer.

Failures are `TokenError`s whose reason is an RFC 6750 error code; `headers()` gives the
`WWW-Authenticate` challenge to answer with.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, ClaimError, InvalidKeyIdError, JoseError
from joserfc.jwk import Key, KeySet

from auth.config import LEEWAY
from auth.principal import Principal
from auth.revocation import DenyList
from auth.scopes import Scope, UnknownScope, parse_scopes
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind

REALM = "mediation-registry"
MAX_TOKEN_LENGTH = 8192
ACCESS_TOKEN_TYPES = frozenset({"at+jwt", "application/at+jwt"})
REQUIRED_CLAIMS = ("iss", "aud", "exp", "iat", "jti", "sub", "client_id", "scope", "agency", "agency_kind")
NO_STORE = {"Cache-Control": "no-store"}


class BearerError(StrEnum):
    INVALID_REQUEST = "invalid_request"
    INVALID_TOKEN = "invalid_token"
    INSUFFICIENT_SCOPE = "insufficient_scope"


STATUS: dict[BearerError, int] = {
    BearerError.INVALID_REQUEST: 400,
    BearerError.INVALID_TOKEN: 401,
    BearerError.INSUFFICIENT_SCOPE: 403,
}


class TokenError(Exception):
    """A refused bearer token; `description` is safe to show (ASCII, no quotes)."""

    def __init__(self, reason: BearerError | str, description: str, *, client_id: str | None = None) -> None:
        self.reason = BearerError(reason)
        self.description = description
        self.client_id = client_id
        """The client the token was issued to, once its signature verified (for the log); else None."""
        super().__init__(f"{self.reason}: {description}")

    @property
    def status(self) -> int:
        return STATUS[self.reason]

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": www_authenticate(self.reason, self.description), **NO_STORE}


def www_authenticate(error: str | None = None, description: str | None = None, scope: str | None = None) -> str:
    """The RFC 6750 challenge; with no error it only asks for credentials."""
    params = {"realm": REALM, "error": error, "error_description": description, "scope": scope}
    return "Bearer " + ", ".join(f'{name}="{value}"' for name, value in params.items() if value)


def insufficient_scope(required: Scope) -> tuple[int, dict[str, str]]:
    """The status and headers for a valid token that lacks the scope an operation needs."""
    header = www_authenticate(BearerError.INSUFFICIENT_SCOPE, f"the {required} scope is required", required)
    return STATUS[BearerError.INSUFFICIENT_SCOPE], {"WWW-Authenticate": header, **NO_STORE}


@dataclass(frozen=True)
class TrustedIssuer:
    issuer: str
    keys: Callable[[], KeySet]
    algorithms: tuple[str, ...]
    scopes: frozenset[Scope] | None = None
    """The most its tokens may carry; None: any (this server's own tokens)."""
    national: bool = True
    """Whether its tokens may act for the platform administrator (national reach)."""


@dataclass(frozen=True)
class VerifiedToken:
    issuer: TrustedIssuer
    claims: dict[str, Any]
    expired: bool


class TokenValidator:
    def __init__(
        self,
        graph: Graph,
        *,
        audience: str,
        issuers: Sequence[TrustedIssuer],
        leeway: int = LEEWAY,
        clock: Callable[[], float] = time.time,
        denials: DenyList | None = None,
    ) -> None:
        self.graph = graph
        self.denials = denials or DenyList(graph, refresh=0)
        self.audience = audience
        self.issuers = {trusted.issuer: trusted for trusted in issuers}
        self.leeway = leeway
        self.clock = clock

    async def authenticate(self, authorization: str | None) -> Principal | None:
        """The caller of a request from its Authorization header; None when there is none (anonymous)."""
        if not authorization:
            return None
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise TokenError(BearerError.INVALID_REQUEST, "expected an Authorization header of the form Bearer token")
        return await self.validate(token)

    async def validate(self, token: str) -> Principal:
        """Verify the token, then ask the deny list whether it was revoked or its client disabled."""
        verified = self.verify(token)
        principal = _principal(verified.claims)
        trusted = verified.issuer
        client_id = principal.client_id
        if trusted.scopes is not None and not principal.scopes <= trusted.scopes:
            raise _invalid("scope not granted to this issuer", client_id)
        if not trusted.national and principal.agency_kind is AgencyKind.PLATFORM_ADMIN:
            raise _invalid("agency_kind not granted to this issuer", client_id)
        refusal = await self.denials.refusal(jti=principal.token_id, client_id=client_id)
        if refusal:
            raise _invalid(refusal, client_id)
        return principal

    def verify(self, token: str, *, allow_expired: bool = False) -> VerifiedToken:
        """Signature, header and claims, without the graph; `allow_expired` serves introspection and revocation."""
        header, unverified = _unverified(token)
        issuer = unverified.get("iss")
        trusted = self.issuers.get(issuer) if isinstance(issuer, str) else None
        if trusted is None:
            raise _invalid("unknown issuer")
        if header.get("alg") not in trusted.algorithms:
            raise _invalid("signing algorithm not allowed")
        if str(header.get("typ", "")).lower() not in ACCESS_TOKEN_TYPES:
            raise _invalid("not an access token (typ must be at+jwt)")
        key = _key(trusted.keys(), header.get("kid"))
        try:
            claims = jwt.decode(token, key, algorithms=[str(header["alg"])]).claims
        except BadSignatureError as error:
            raise _invalid("signature verification failed") from error
        except JoseError as error:
            raise _invalid("malformed token") from error
        self._check_claims(claims, trusted)
        expired = claims["exp"] <= self.clock() - self.leeway
        if expired and not allow_expired:
            raise _invalid("token expired", str(claims["client_id"]))
        return VerifiedToken(issuer=trusted, claims=claims, expired=expired)

    def _check_claims(self, claims: dict[str, Any], trusted: TrustedIssuer) -> None:
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(self.clock()),
            leeway=self.leeway,
            iss={"essential": True, "value": trusted.issuer},
            aud={"essential": True, "value": self.audience},
            **{name: {"essential": True} for name in REQUIRED_CLAIMS if name not in ("iss", "aud", "exp")},  # type: ignore[arg-type]
        )
        try:
            registry.validate({name: value for name, value in claims.items() if name != "exp"})
        except ClaimError as error:
            raise _invalid(f"{error.error.replace('_', ' ')}: {error.claim}") from error
        exp = claims.get("exp")
        if not isinstance(exp, int | float) or isinstance(exp, bool) or not math.isfinite(exp):
            raise _invalid("missing claim: exp" if exp is None else "invalid claim: exp")
        if "jurisdiction" not in claims:
            raise _invalid("missing claim: jurisdiction")
        if not isinstance(claims["jurisdiction"], str | None):
            raise _invalid("invalid claim: jurisdiction")


def external_keys(source: Path | Mapping[str, Any]) -> KeySet:
    """The external issuer's public keys, from a JWKS file path or an already parsed JWKS."""
    data = json.loads(source.read_text(encoding="utf-8")) if isinstance(source, Path) else dict(source)
    return KeySet.import_key_set(data)  # type: ignore[arg-type]


def _invalid(description: str, client_id: str | None = None) -> TokenError:
    return TokenError(BearerError.INVALID_TOKEN, description, client_id=client_id)


def _unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims before verification: only to choose the issuer, algorithm and key."""
    if len(token) > MAX_TOKEN_LENGTH:
        raise _invalid("malformed token")
    try:
        compact = jws.extract_compact(token.encode("ascii"))
        claims = json.loads(compact.payload)
    except (JoseError, ValueError) as error:
        raise _invalid("malformed token") from error
    if not isinstance(claims, dict):
        raise _invalid("malformed token")
    return dict(compact.headers()), claims


def _key(keys: KeySet, kid: Any) -> Key:
    if not isinstance(kid, str) or not kid:
        raise _invalid("the token names no key (kid)")
    try:
        return keys.get_by_kid(kid)
    except InvalidKeyIdError as error:
        raise _invalid("unknown key id") from error


def _principal(claims: dict[str, Any]) -> Principal:
    try:
        scopes = parse_scopes(str(claims["scope"]))
        kind = AgencyKind(claims["agency_kind"])
    except (UnknownScope, ValueError) as error:
        raise _invalid("invalid claim: scope or agency_kind") from error
    return Principal(
        client_id=str(claims["client_id"]),
        agency_id=str(claims["agency"]),
        agency_kind=kind,
        jurisdiction=claims["jurisdiction"],
        scopes=scopes,
        token_id=str(claims["jti"]),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
