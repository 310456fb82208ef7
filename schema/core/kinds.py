"""The agency-kind check of every mutation, from the one table beside the scopes (`auth.scopes.AGENCY_KINDS`).

It runs after the field's scope check and before the resolver: a caller whose agency is of another kind gets
the `ForbiddenByAgencyProblem` payload, and nothing runs that could write. A mutation missing from the table
stops the schema from building, so a new mutation cannot go out without its kinds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types.base import get_object_definition

from auth.scopes import AGENCY_KINDS, kinds_refusal, may_run
from resolvers.core.outcomes import camel, forbidden
from schema.core.context import Info
from schema.core.payloads import problem


class MissingAgencyKinds(LookupError):
    """A mutation without an entry in `AGENCY_KINDS`."""


class AgencyKindCheck(FieldExtension):
    """Refuses, as the typed problem, a caller whose agency kind the table does not list for `operation`."""

    def __init__(self, operation: str) -> None:
        self.operation = operation

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        principal = info.context.principal
        assert principal is not None  # the scope check, outside this one, refused an anonymous caller
        if not may_run(self.operation, principal.agency_kind):
            return problem(forbidden(kinds_refusal(AGENCY_KINDS[self.operation])))
        return await next_(source, info, **kwargs)


def guard_kinds(mutation: type) -> None:
    """Put the kind check on every field of `mutation`, inside its scope check (an extension listed later wraps
    the earlier ones, so the check goes first in the list)."""
    missing = []
    for field in get_object_definition(mutation, strict=True).fields:
        name = field.graphql_name or camel(field.python_name)
        if name not in AGENCY_KINDS:
            missing.append(name)
        elif not any(isinstance(extension, AgencyKindCheck) for extension in field.extensions):
            field.extensions.insert(0, AgencyKindCheck(name))
    if missing:
        raise MissingAgencyKinds(f"mutations without agency kinds in auth.scopes.AGENCY_KINDS: {', '.join(missing)}")
