"""The federation subgraph schema and its extensions."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.agency import Court, JudicialBureau, PartnerAgency, PlatformAdmin
from schema.errors import ClientErrors
from schema.query import Query


class RegistrySchema(strawberry.federation.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Client errors need no log line; unexpected ones are logged with the request id by `ClientErrors`."""


def build_schema() -> RegistrySchema:
    return RegistrySchema(
        query=Query,
        types=[Court, JudicialBureau, PartnerAgency, PlatformAdmin],
        extensions=[
            lambda: QueryDepthLimiter(max_depth=10),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            lambda: MaxTokensLimiter(max_token_count=2000),
            ClientErrors,
        ],
        config=StrawberryConfig(auto_camel_case=True),
    )
