"""Every mutation of the served schema: its required scope, a valid operation with dummy arguments, the
writer of the right agency kind, and the graph's size to prove a refusal wrote nothing."""

from __future__ import annotations

import uuid
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.pyutils import Undefined
from strawberry.permission import PermissionExtension

from auth.scopes import AGENCY_KINDS, Scope
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind
from schema.core.build import build_schema
from schema.core.permissions import HasScope
from seed.demo import PLATFORM_ADMIN
from tests.helpers.agencies import (
    ACFTU,
    WUHOU_BUREAU,
    WUHOU_COURT,
)


def mutation_type() -> GraphQLObjectType:
    """The Mutation type of the schema the app serves, walked at collection time: a new mutation is covered."""
    kind = build_schema()._schema.mutation_type
    assert kind is not None
    return kind


MUTATION = mutation_type()


MUTATIONS = sorted(MUTATION.fields)


AGENCY_OF_KIND: dict[AgencyKind, str] = {
    AgencyKind.JUDICIAL_BUREAU: WUHOU_BUREAU,
    AgencyKind.COURT: WUHOU_COURT,
    AgencyKind.PARTNER_AGENCY: ACFTU,
    AgencyKind.PLATFORM_ADMIN: PLATFORM_ADMIN,
}


def writer_for(name: str) -> str:
    """A demo agency of the first kind the table beside the scopes (`auth.scopes.AGENCY_KINDS`) lets run `name`."""
    assert name in AGENCY_KINDS, f"{name} has no agency kinds in auth.scopes.AGENCY_KINDS"
    return AGENCY_OF_KIND[AGENCY_KINDS[name][0]]


SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "Date": "2026-01-01",
    "DateTime": "2026-01-01T00:00:00+00:00",
    "JSON": {},
}


async def graph_size(graph: Graph) -> dict[str, Any]:
    """Nodes, edges and the sum of record versions, without OAuth clients (tokens are issued during the tests).

    Three plain reads: `COUNT { ()-->() }` (tests/access/test_access.py) takes seconds on the embedded server.
    """
    nodes = await graph.read("MATCH (n) WHERE NOT n:OAuthClient RETURN count(n) AS nodes")
    edges = await graph.read("MATCH (a)-[r]->() WHERE NOT a:OAuthClient RETURN count(r) AS edges")
    versions = await graph.read("MATCH (n) WHERE n.version IS NOT NULL RETURN sum(n.version) AS versions")
    return nodes[0] | edges[0] | versions[0]


def required_scope(field: GraphQLField) -> Scope | None:
    """The scope the field's permission extension asks for, from the strawberry definition behind it."""
    definition = field.extensions["strawberry-definition"]
    scopes = [
        permission.scope
        for extension in definition.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
        if isinstance(permission, HasScope)
    ]
    assert len(scopes) <= 1, f"more than one scope: {scopes}"
    return scopes[0] if scopes else None


def is_required(argument: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(argument.type, GraphQLNonNull) and argument.default_value is Undefined


def dummy(kind: GraphQLInputType) -> Any:
    """A value of the type that passes GraphQL coercion: required input fields only, one-element lists."""
    if isinstance(kind, GraphQLNonNull):
        return dummy(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [dummy(kind.of_type)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {name: dummy(field.type) for name, field in kind.fields.items() if is_required(field)}
    assert isinstance(kind, GraphQLScalarType)
    if kind.name == "ID":
        return str(uuid.uuid4())
    if kind.name not in SCALARS:
        raise LookupError(f"no dummy value for the scalar {kind.name}: add one to SCALARS")
    return SCALARS[kind.name]


def operation(name: str) -> tuple[str, dict[str, Any]]:
    """`mutation($a: T!, ...) { name(a: $a, ...) { __typename } }` with dummy values for the required arguments."""
    arguments = {arg: argument for arg, argument in MUTATION.fields[name].args.items() if is_required(argument)}
    variables = {arg: dummy(argument.type) for arg, argument in arguments.items()}
    declared = ", ".join(f"${arg}: {argument.type}" for arg, argument in arguments.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in arguments)
    return (
        f"mutation{f'({declared})' if declared else ''} {{ {name}{f'({passed})' if passed else ''} {{ __typename }} }}",
        variables,
    )

