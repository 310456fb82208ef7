"""The representations that `_entities` (federation) resolves: each names an entity type of this service and
exactly the keys its `resolve_reference` takes. A bad one refuses the whole field before any is resolved;
how many there may be is a limit of the cost budget (`schema/core/limits.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from strawberry.utils.inspect import get_func_args

from resolvers.core.errors import InputError

FIELD = "representations"


def check_representations(type_map: dict[str, Any], representations: Sequence[object]) -> None:
    for representation in representations:
        if not isinstance(representation, dict) or not isinstance(representation.get("__typename"), str):
            raise InputError("Each representation names its `__typename`.", field=FIELD)
        name = representation["__typename"]
        known = type_map.get(name)
        origin = getattr(getattr(known, "definition", None), "origin", None)
        resolve = getattr(origin, "resolve_reference", None)
        if resolve is None:
            raise InputError(f"`{name}` is not an entity of this service.", field=FIELD)
        keys = [arg for arg in get_func_args(resolve) if arg != "info"]
        given = set(representation) - {"__typename"}
        if unknown := sorted(given - set(keys)):
            listed = ", ".join(f"`{key}`" for key in keys)
            raise InputError(f"A representation of {name} has only {listed}; got `{'`, `'.join(unknown)}`.", field=FIELD)
        if missing := [key for key in keys if key not in given]:
            raise InputError(f"A representation of {name} needs `{'`, `'.join(missing)}`.", field=FIELD)
