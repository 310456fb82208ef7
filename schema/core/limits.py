"""Limits that refuse an abusive operation before any statement reaches the graph.

Depth, aliases and tokens come from Strawberry's extensions. Here: the cost budget (list sizes times the
cost of what each item selects, computed with the operation's variables before execution), and the
overloading probes of graphql-cop (the same field or directive repeated hundreds of times).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    value_from_ast_untyped,
)
from graphql.execution.values import get_variable_values
from graphql.type.definition import GraphQLOutputType
from strawberry.extensions import SchemaExtension

from resolvers.core.pagination import DEFAULT_PAGE, MAX_PAGE

LIST_SIZE = 10
"""What a plain list field (members, memberships, path) is assumed to hold, for the budget."""

MAX_REPEATS = 10
MAX_DIRECTIVES = 5
MAX_REPRESENTATIONS = 100
"""`_entities` (federation) resolves at most this many representations; each counts in the cost like a list item."""


class TooManyRepresentations(ValueError):
    def __init__(self, given: int) -> None:
        super().__init__(f"`_entities` takes at most {MAX_REPRESENTATIONS} representations; {given} were given.")


def _unwrap(kind: GraphQLOutputType) -> tuple[Any, bool]:
    is_list = False
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(kind, GraphQLList)
        kind = kind.of_type
    return kind, is_list


class Cost:
    """The cost of an operation: each field costs 1 plus its children times the size of the list it returns."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def of(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return self._selection(operation.selection_set, root, frozenset()) if root else 0

    def _selection(self, selection_set: SelectionSetNode | None, parent: Any, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        return sum(self._field(field, owner, seen) for field, owner, seen in self._fields(selection_set, parent, seen))

    def _fields(
        self, selection_set: SelectionSetNode, parent: Any, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, Any, frozenset[str]]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent, seen
            elif isinstance(selection, InlineFragmentNode):
                owner = self.schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
                yield from self._fields(selection.selection_set, owner, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                owner = self.schema.get_type(fragment.type_condition.name.value)
                yield from self._fields(fragment.selection_set, owner, seen | {name})

    def _field(self, node: FieldNode, parent: Any, seen: frozenset[str]) -> int:
        fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        definition = fields.get(node.name.value)
        if definition is None:
            return 1
        child, is_list = _unwrap(definition.type)
        children = self._selection(node.selection_set, child, seen)
        return 1 + self._size(node, definition, parent, is_list) * children

    def _argument(self, node: FieldNode, name: str) -> Any:
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        return value_from_ast_untyped(given, dict(self.variables)) if given is not None else None

    def _size(self, node: FieldNode, definition: GraphQLField, parent: Any, is_list: bool) -> int:
        if "first" in definition.args:
            value = self._argument(node, "first")
            return min(max(value, 1), MAX_PAGE) if isinstance(value, int) else DEFAULT_PAGE
        if node.name.value == "_entities":
            representations = self._argument(node, "representations")
            count = len(representations) if isinstance(representations, list) else 1
            if count > MAX_REPRESENTATIONS:
                raise TooManyRepresentations(count)
            return count
        if node.name.value in ("edges", "nodes") and parent.name.endswith("Connection"):
            return 1
        return LIST_SIZE if is_list else 1


class CostLimit(SchemaExtension):
    """Refuses, before execution, an operation whose cost exceeds the budget."""

    budget = 50_000

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            schema = context.schema._schema
            fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                if context.operation_name and definition.name and definition.name.value != context.operation_name:
                    continue
                # the values the operation will really run with, defaults included
                variables = get_variable_values(schema, definition.variable_definitions or (), context.variables or {})
                if isinstance(variables, list):
                    continue  # the variables are invalid: execution refuses them before any resolver runs
                try:
                    spent = Cost(schema, fragments, variables.coerced).of(definition)
                except TooManyRepresentations as error:
                    extensions = {"code": "BAD_USER_INPUT", "field": "representations"}
                    context.result = ExecutionResult(data=None, errors=[GraphQLError(str(error), extensions=extensions)])
                    break
                if spent > self.budget:
                    context.result = ExecutionResult(
                        data=None,
                        errors=[
                            GraphQLError(
                                f"The query would cost {spent}, over the budget of {self.budget}: "
                                "ask for smaller pages or fewer nested lists.",
                                extensions={"code": "QUERY_TOO_COSTLY", "cost": spent, "budget": self.budget},
                            )
                        ],
                    )
        yield


class OverloadingRule(ValidationRule):
    """The same field repeated, or directives piled on one field: the probes that burn CPU in validation.

    Repeats are counted across the inline fragments and fragment spreads that merge into one selection.
    """

    def _keys(self, node: SelectionSetNode, seen: frozenset[str]) -> Iterator[str]:
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                yield (selection.alias or selection.name).value
            elif isinstance(selection, InlineFragmentNode):
                yield from self._keys(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None:
                    yield from self._keys(fragment.selection_set, seen | {selection.name.value})

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> None:
        counts: dict[str, int] = {}
        for key in self._keys(node, frozenset()):
            counts[key] = counts.get(key, 0) + 1
        repeated = sorted(key for key, count in counts.items() if count > MAX_REPEATS)
        if repeated:
            self.report_error(
                GraphQLError(
                    f"`{repeated[0]}` is selected more than {MAX_REPEATS} times.",
                    node,
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if len(node.directives or ()) > MAX_DIRECTIVES:
            self.report_error(
                GraphQLError(
                    f"More than {MAX_DIRECTIVES} directives on one field.", node, extensions={"code": "GRAPHQL_VALIDATION_FAILED"}
                )
            )


class NoFederationIntrospection(ValidationRule):
    """With introspection off, the federation `_service { sdl }` field is refused as well."""

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value == "_service":
            self.report_error(
                GraphQLError("Introspection is disabled.", node, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})
            )
