"""The Relay Node interface: every registry object has a globally unique id (a UUID)."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a registry id, unique across every kind of object.")
class Node:
    id: strawberry.ID = strawberry.field(description="The registry id (a UUID), stable for the object's life.")
