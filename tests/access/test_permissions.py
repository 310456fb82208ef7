"""Authorization fails closed: every field is public by name or declares the scope it needs."""

from __future__ import annotations

from graphql import GraphQLInterfaceType, GraphQLObjectType
from strawberry.permission import PermissionExtension

from schema.core.build import build_schema
from schema.core.permissions import BEHIND_PROTECTED, PUBLIC, STRUCTURAL

FEDERATION = {"_Service", "_Entity", "Query._entities", "Query._service"}


def undeclared_fields() -> list[str]:
    schema = build_schema()._schema
    found: list[str] = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in FEDERATION | STRUCTURAL | BEHIND_PROTECTED:
            continue
        if name.endswith(("Connection", "Edge")) or not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in kind.fields.items():
            qualified = f"{name}.{field_name}"
            if qualified in FEDERATION or qualified in PUBLIC:
                continue
            definition = field.extensions.get("strawberry-definition")
            if not any(isinstance(extension, PermissionExtension) for extension in definition.extensions):
                found.append(qualified)
    return found


def test_every_field_is_public_by_name_or_declares_its_scope() -> None:
    assert undeclared_fields() == []


def test_the_public_allowlist_names_only_fields_that_exist() -> None:
    sdl = build_schema().as_str()

    missing = [name for name in PUBLIC if f"  {name.split('.')[1]}" not in sdl]

    assert missing == []
