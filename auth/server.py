"""The Authlib authorization server: client credentials, RFC 9068 JWT access tokens, introspection, revocation.

Authlib is synchronous. The async routes (auth/routes.py) load from the graph everything a request
needs (the clients it names, the state of the token it presents) into a `RegistryRequest` first;
Authlib's callbacks then read only that request and never touch the graph.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import (
    ClientAuthentication,
    InvalidGrantError,
    OAuth2Payload,
    OAuth2Request,
    TokenMixin,
)
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc.jwk import KeySet
from starlette.responses import JSONResponse

from auth.assertion import PrivateKeyJWT
from auth.clients import KEY_METHOD, OAuthClient
from auth.config import AuthConfig
from auth.keys import KeyStore
from auth.scopes import Scope

TOKEN_PATH = "/oauth/token"
INTROSPECTION_PATH = "/oauth/introspect"
REVOCATION_PATH = "/oauth/revoke"
METADATA_PATH = "/.well-known/oauth-authorization-server"
JWKS_PATH = "/.well-known/jwks.json"
AUTH_METHODS = ["client_secret_basic", "client_secret_post", KEY_METHOD]


@dataclass(frozen=True)
class IssuedToken(TokenMixin):
    """One of this server's access tokens, verified, with its state read from the graph."""

    claims: Mapping[str, Any]
    expired: bool
    revoked: bool

    @property
    def jti(self) -> str:
        return str(self.claims["jti"])

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.claims["exp"], UTC)

    def check_client(self, client: OAuthClient) -> bool:
        """Its own client, or an administrator's client, may introspect or revoke it."""
        return client.client_id == self.claims["client_id"] or Scope.ADMIN in client.scopes

    def get_scope(self) -> str:
        return str(self.claims["scope"])

    def get_expires_in(self) -> int:
        return int(self.claims["exp"] - self.claims["iat"])

    def is_expired(self) -> bool:
        return self.expired

    def is_revoked(self) -> bool:
        return self.revoked

    def introspection(self) -> dict[str, Any]:
        names = ("client_id", "scope", "sub", "aud", "iss", "exp", "iat", "jti", "agency", "agency_kind", "jurisdiction")
        return {"active": True, "token_type": "Bearer", **{name: self.claims.get(name) for name in names}}


class FormPayload(OAuth2Payload):
    def __init__(self, form: Mapping[str, str]) -> None:
        self._form = dict(form)

    @property
    def data(self) -> dict[str, str]:
        return self._form

    @property
    def datalist(self) -> dict[str, list[str]]:
        return {name: [value] for name, value in self._form.items()}


class RegistryRequest(OAuth2Request):
    """An OAuth request with everything Authlib's callbacks may ask for already loaded."""

    def __init__(
        self,
        *,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        form: Mapping[str, str],
        clients: Mapping[str, OAuthClient],
        token: IssuedToken | None = None,
    ) -> None:
        super().__init__(method, uri, headers=headers)
        self.payload = FormPayload(form)
        self.clients = clients
        self.token = token
        self.revoked: IssuedToken | None = None

    @property
    def form(self) -> dict[str, str]:
        return self.payload.data

    @property
    def args(self) -> dict[str, str]:
        return {}

    def query_client(self, client_id: str) -> OAuthClient | None:
        """A disabled client is as unknown as a missing one: invalid_client."""
        client = self.clients.get(client_id)
        return client if client is not None and client.active else None


class AccessTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 tokens (`typ: at+jwt`, `kid` in the header) carrying the agency of the client."""

    def __init__(self, *, config: AuthConfig, keys: KeyStore) -> None:
        super().__init__(issuer=config.issuer, alg=keys.algorithm, expires_generator=config.token_lifetime)
        self.audience = config.audience
        self.keys = keys

    def get_jwks(self) -> KeySet:
        return self.keys.signing_keys()

    def get_audiences(self, client: OAuthClient, user: None, scope: str) -> str:
        return self.audience

    def get_extra_claims(self, client: OAuthClient, grant_type: str, user: None, scope: str) -> dict[str, Any]:
        return {"agency": client.agency_id, "agency_kind": client.agency_kind.value, "jurisdiction": client.jurisdiction}


class ClientCredentials(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def authenticate_token(self, request: RegistryRequest, client: OAuthClient) -> IssuedToken | None:
        self.check_params(request, client)
        token = request.token
        return token if token is not None and self.check_permission(token, client, request) else None

    def check_permission(self, token: IssuedToken, client: OAuthClient, request: RegistryRequest) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: IssuedToken) -> dict[str, Any]:
        return token.introspection()


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = AUTH_METHODS

    def authenticate_token(self, request: RegistryRequest, client: OAuthClient) -> IssuedToken | None:
        self.check_params(request, client)
        token = request.token
        if token is not None and not token.check_client(client):
            raise InvalidGrantError(description="The token was issued to another client.")
        return token

    def revoke_token(self, token: IssuedToken, request: RegistryRequest) -> None:
        """Only noted here; the route writes the deny-list entry once Authlib has answered."""
        request.revoked = token


class RegistryAuthorizationServer(AuthorizationServer):
    def __init__(self, *, config: AuthConfig, keys: KeyStore) -> None:
        super().__init__(scopes_supported=[scope.value for scope in Scope])
        self.private_key_jwt = PrivateKeyJWT([config.issuer, config.endpoint(TOKEN_PATH)], leeway=config.leeway)
        self.register_grant(ClientCredentials)
        self.register_token_generator("default", AccessTokenGenerator(config=config, keys=keys))
        self.register_endpoint(Introspection)
        self.register_endpoint(Revocation)

    def authenticate_client(self, request: RegistryRequest, methods: list[str], endpoint: str = "token") -> OAuthClient:
        authentication = ClientAuthentication(request.query_client)
        authentication.register(KEY_METHOD, self.private_key_jwt)
        client: OAuthClient = authentication(request, methods, endpoint)
        return client

    def query_client(self, client_id: str) -> None:
        """Unused: clients come loaded on each RegistryRequest (see `authenticate_client`)."""
        return None

    def save_token(self, token: dict[str, Any], request: RegistryRequest) -> None:
        """JWT access tokens are not stored; revocation keeps a deny-list of their ids instead."""

    def create_oauth2_request(self, request: Any) -> RegistryRequest:
        if not isinstance(request, RegistryRequest):
            raise TypeError("the routes hand Authlib a RegistryRequest")
        return request

    def create_json_request(self, request: Any) -> Any:
        raise NotImplementedError("no JSON endpoints")

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> JSONResponse:
        merged = {**dict(headers), "Cache-Control": "no-store", "Pragma": "no-cache"}
        return JSONResponse(body, status_code=status, headers=merged)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signal system."""
