"""What the authorization server and the token validator are configured with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from authlib.common.security import is_secure_transport

from auth.scopes import Scope

LEEWAY = 30
EXTERNAL_SCOPES: frozenset[Scope] = frozenset(Scope) - {Scope.ADMIN}
"""What the external issuer may grant unless configured otherwise: everything but `admin`."""


@dataclass
class AuthConfig:
    issuer: str
    audience: str
    key_dir: Path
    token_lifetime: int = 900
    external_issuer: str | None = None
    external_jwks: Path | Mapping[str, Any] | None = None
    external_scopes: frozenset[Scope] = EXTERNAL_SCOPES
    rate_per_second: float = 20
    burst: int = 40
    leeway: int = LEEWAY
    revocation_refresh: float = 2.0
    """Seconds between reads of the revoked tokens and disabled clients (0: read them for every request)."""

    def __post_init__(self) -> None:
        self.issuer = self.issuer.rstrip("/")
        parts = urlsplit(self.issuer)
        if not is_secure_transport(self.issuer) or parts.query or parts.fragment:
            raise ValueError("the issuer must be an https URL (http only on loopback) without query or fragment")
        if self.token_lifetime <= 0 or self.leeway < 0:
            raise ValueError("token_lifetime must be positive and leeway not negative")
        if (self.external_issuer is None) != (self.external_jwks is None):
            raise ValueError("an external issuer needs its JWKS, and a JWKS needs its issuer")
        if self.external_issuer is not None and self.external_issuer.rstrip("/") == self.issuer:
            raise ValueError("the external issuer must differ from this server's issuer")

    def endpoint(self, path: str) -> str:
        """The absolute URL of one of this server's paths (the issuer is the application's base URL)."""
        return self.issuer + path

    @property
    def key_retirement(self) -> int:
        """How long a rotated key stays published: until every token it signed has expired."""
        return self.token_lifetime + self.leeway
