"""private_key_jwt client authentication (RFC 7523 section 2.2) with pinned algorithms and a replay cache."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from auth.clients import KEY_METHOD, OAuthClient

ASSERTION_ALGORITHMS = ("ES256", "RS256")
MAX_ASSERTION_LIFETIME = 300


class ReplayCache:
    """Assertion ids seen until their assertion expires; in-process, so per worker."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_use(self, key: str, until: float) -> bool:
        """Record `key` until `until`; False when it was already recorded (a replay)."""
        with self._lock:
            now = self.clock()
            self._seen = {seen: expiry for seen, expiry in self._seen.items() if expiry > now}
            if key in self._seen:
                return False
            self._seen[key] = until
            return True


class PrivateKeyJWT(JWTBearerClientAssertion):
    CLIENT_AUTH_METHOD = KEY_METHOD

    def __init__(self, audiences: Sequence[str], *, leeway: int, replays: ReplayCache | None = None) -> None:
        super().__init__(validate_jti=True, leeway=leeway)
        self.audiences = list(audiences)
        self.replays = replays or ReplayCache()

    def get_audiences(self) -> list[str]:
        return self.audiences

    def resolve_client_public_key(self, client: OAuthClient) -> KeySet:
        if client.jwks is None:
            raise InvalidClientError(description="The client has no registered key.")
        return KeySet.import_key_set(dict(client.jwks))  # type: ignore[arg-type]

    def process_assertion_claims(self, assertion: str, resolve_key: Any) -> dict[str, Any]:
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=list(ASSERTION_ALGORITHMS))
        except JoseError as error:
            raise InvalidClientError(description="The client assertion does not verify.") from error
        self.verify_claims(token.claims)
        return token.claims

    def verify_claims(self, claims: dict[str, Any]) -> None:
        """Authlib's checks (iss = sub, aud, exp, jti once), after bounding the lifetime the replay cache must cover."""
        exp = claims.get("exp")
        if isinstance(exp, int | float) and exp > self.replays.clock() + MAX_ASSERTION_LIFETIME + self.leeway:
            raise InvalidClientError(description="The client assertion lives too long.")
        super().verify_claims(claims)

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        return self.replays.first_use(f"{claims['sub']}:{jti}", until=float(claims["exp"]) + self.leeway)
