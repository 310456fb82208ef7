"""The federation subgraph schema and the extensions that guard it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info

from schema.core.entities import check_representations
from schema.core.errors import ClientErrors
from schema.core.kinds import guard_kinds
from schema.core.limits import CostLimit, NoFederationIntrospection, OverloadingRule
from schema.courts.case_mutation import CaseMutation
from schema.courts.invitation import InvitationMutation
from schema.directory.agency import Court, JudicialBureau, PartnerAgency, PlatformAdmin
from schema.directory.query import Query
from schema.grades.assessment import AssessmentMutation
from schema.notices.notice import NoticeMutation
from schema.partners.registration_mutation import RegistrationMutation
from schema.roster.filing import FilingMutation
from schema.roster.membership_request import MembershipRequestMutation

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2_000
DOCUMENT_CACHE = 1_024
"""Distinct documents whose parse and validation are kept: clients send the same few documents again and again."""


@strawberry.type(description="Changes to the roster and to courts' invited lists; each is one transaction with its audit events.")
class Mutation(
    AssessmentMutation, CaseMutation, InvitationMutation, RegistrationMutation, FilingMutation,
    MembershipRequestMutation, NoticeMutation,
):
    pass


guard_kinds(Mutation)


class DocumentCache(ParserCache):
    """The parse of a document seen before; a document that does not parse is left to Strawberry's own parse, so
    its syntax error (and the token limit) is reported as it would be without the cache."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLError:
            context.graphql_document = None
        yield


class RegistrySchema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client errors need no log line; unexpected ones are logged with the request id by `ClientErrors`."""

    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        check_representations(self.schema_converter.type_map, representations)
        return super().entities_resolver(info, representations)


def build_schema(*, introspection: bool = True) -> RegistrySchema:
    """With `introspection` off (production), `__schema`, `__type`, `_service` and field suggestions are refused."""
    # The depth and alias limiters make a new validation rule class per instance; made per request, they would
    # key every validation differently and the validation cache would never hit. Their rules are made once here.
    rules = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
        OverloadingRule,
    ]
    guards: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(rules),
        CostLimit,
    ]
    if not introspection:
        guards += [DisableIntrospection, lambda: AddValidationRules([NoFederationIntrospection])]
    return RegistrySchema(
        query=Query,
        mutation=Mutation,
        types=[Court, JudicialBureau, PartnerAgency, PlatformAdmin],
        # the caches come last: validation is cached with the rules the guards added (keyed by document and rules)
        extensions=[*guards, ClientErrors, lambda: DocumentCache(maxsize=DOCUMENT_CACHE),
                    lambda: ValidationCache(maxsize=DOCUMENT_CACHE)],
        config=StrawberryConfig(auto_camel_case=True, disable_field_suggestions=not introspection),
    )
