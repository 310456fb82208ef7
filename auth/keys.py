"""The authorization server's signing keys: ES256 only, one file per key (mode 0600), with rotation.

A key signs until it is rotated; after that it stays published in the JWKS for `retire_after` seconds
(token lifetime plus leeway) so that tokens it signed keep validating, and then it is dropped. Every
read lists the directory (names and inodes), so a rotation by another process (the CLI, another
worker) is seen at once.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

ALGORITHM = "ES256"
CURVE = "P-256"


class KeyStoreError(RuntimeError):
    """The key directory holds something that is not a key written by this module."""


@dataclass(frozen=True, slots=True)
class StoredKey:
    key: ECKey
    created: float
    rotated: float | None = None

    @property
    def kid(self) -> str:
        return str(self.key.kid)

    def public(self) -> ECKey:
        return ECKey.import_key(self.key.as_dict(private=False))


class KeyStore:
    algorithm = ALGORITHM

    def __init__(self, directory: Path, *, retire_after: float, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory
        self.retire_after = retire_after
        self.clock = clock
        self._lock = threading.RLock()
        self._stamp: tuple[tuple[str, int], ...] | None = None
        self._keys: list[StoredKey] = []
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._lock:
            if not self._loaded():
                self._write(_generate(clock()))

    def current(self) -> ECKey:
        """The key that signs new tokens: the newest one not rotated out."""
        with self._lock:
            signing = [stored for stored in self._loaded() if stored.rotated is None]
            if not signing:
                raise KeyStoreError(f"no current signing key in {self.directory}")
            return max(signing, key=lambda stored: stored.created).key

    def signing_keys(self) -> KeySet:
        """A key set of the current key alone; joserfc then writes its `kid` into the header."""
        return KeySet([self.current()])

    def verification_keys(self) -> KeySet:
        """Public parts of every published key (current and recently rotated)."""
        return KeySet([stored.public() for stored in self._published()])

    def jwks(self) -> dict[str, Any]:
        return dict(self.verification_keys().as_dict(private=False))

    def rotate(self) -> str:
        """Make a new current key; earlier keys stay published until `retire_after` has passed. Returns the new kid."""
        with self._lock:
            now = self.clock()
            for stored in self._loaded():
                if stored.rotated is None:
                    self._write(replace(stored, rotated=now))
            fresh = _generate(now)
            self._write(fresh)
            self.prune()
            return fresh.kid

    def prune(self) -> list[str]:
        """Delete the files of retired keys; returns their kids."""
        with self._lock:
            retired = [stored for stored in self._loaded() if not self._is_published(stored)]
            for stored in retired:
                (self.directory / f"{stored.kid}.json").unlink(missing_ok=True)
            return [stored.kid for stored in retired]

    def _published(self) -> list[StoredKey]:
        with self._lock:
            return [stored for stored in self._loaded() if self._is_published(stored)]

    def _is_published(self, stored: StoredKey) -> bool:
        return stored.rotated is None or self.clock() < stored.rotated + self.retire_after

    def _loaded(self) -> list[StoredKey]:
        """The keys on disk, re-read when a file was added, replaced or removed (names and inodes changed)."""
        with os.scandir(self.directory) as entries:
            files = sorted((entry.name, entry.inode()) for entry in entries if entry.name.endswith(".json"))
        stamp = tuple(files)
        if stamp != self._stamp:
            self._keys = [_read(self.directory / name) for name, _ in files]
            self._stamp = stamp
        return self._keys

    def _write(self, stored: StoredKey) -> None:
        body = {"key": stored.key.as_dict(private=True), "created": stored.created, "rotated": stored.rotated}
        temporary = self.directory / f".{stored.kid}.{secrets.token_hex(4)}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(body, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.directory / f"{stored.kid}.json")
        self._stamp = None


def _generate(now: float) -> StoredKey:
    key = ECKey.generate_key(CURVE, parameters={"alg": ALGORITHM, "use": "sig"}, private=True, auto_kid=True)
    return StoredKey(key=key, created=now)


def _read(path: Path) -> StoredKey:
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        key = ECKey.import_key(body["key"])
        rotated = body["rotated"]
        stored = StoredKey(key=key, created=float(body["created"]), rotated=None if rotated is None else float(rotated))
    except (OSError, ValueError, KeyError, TypeError, JoseError) as error:
        raise KeyStoreError(f"{path} is not a signing key: {error}") from error
    if not key.is_private or key.as_dict(private=False).get("alg") != ALGORITHM:
        raise KeyStoreError(f"{path} is not a private {ALGORITHM} key")
    return stored
