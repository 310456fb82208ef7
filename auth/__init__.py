"""OAuth 2.0 for agencies: the authorization server, token validation, scopes and agency policy."""

from __future__ import annotations

from starlette.routing import Route

from auth.config import AuthConfig
from auth.keys import ALGORITHM, KeyStore
from auth.principal import Principal
from auth.ratelimit import RateLimiter, retry_after
from auth.revocation import DenyList
from auth.routes import OAuthRoutes
from auth.scopes import Scope, parse_scopes
from auth.tokens import TokenError, TokenValidator, TrustedIssuer, external_keys, insufficient_scope
from graph.core.driver import Graph

__all__ = [
    "AuthConfig",
    "Principal",
    "RateLimiter",
    "Scope",
    "TokenError",
    "DenyList",
    "TokenValidator",
    "insufficient_scope",
    "key_store",
    "oauth_routes",
    "parse_scopes",
    "rate_limiter",
    "retry_after",
    "deny_list",
    "token_validator",
]

EXTERNAL_ALGORITHMS = ("RS256", "ES256")


def key_store(config: AuthConfig) -> KeyStore:
    """The signing keys in `config.key_dir`; the first call on an empty directory generates one."""
    return KeyStore(config.key_dir, retire_after=config.key_retirement)


def deny_list(config: AuthConfig, graph: Graph) -> DenyList:
    """One per process: what the token routes revoke, the bearer check refuses at once."""
    return DenyList(graph, refresh=config.revocation_refresh)


def token_validator(
    config: AuthConfig, graph: Graph, keys: KeyStore | None = None, denials: DenyList | None = None
) -> TokenValidator:
    """Validates this server's tokens and, when configured, those of the one external issuer."""
    keys = keys or key_store(config)
    issuers = [TrustedIssuer(config.issuer, keys.verification_keys, (ALGORITHM,))]
    if config.external_issuer is not None and config.external_jwks is not None:
        external = external_keys(config.external_jwks)
        issuers.append(
            TrustedIssuer(
                config.external_issuer, lambda: external, EXTERNAL_ALGORITHMS, scopes=config.external_scopes, national=False
            )
        )
    denials = denials or deny_list(config, graph)
    return TokenValidator(graph, audience=config.audience, issuers=issuers, leeway=config.leeway, denials=denials)


def rate_limiter(config: AuthConfig) -> RateLimiter:
    return RateLimiter(config.rate_per_second, config.burst)


def oauth_routes(config: AuthConfig, graph: Graph, denials: DenyList | None = None) -> list[Route]:
    """POST /oauth/token, /oauth/introspect, /oauth/revoke; GET the RFC 8414 metadata and the JWKS."""
    keys = key_store(config)
    routes = OAuthRoutes(
        config=config,
        graph=graph,
        keys=keys,
        validator=token_validator(config, graph, keys, denials),
        limiter=rate_limiter(config),
    )
    return routes.routes()
