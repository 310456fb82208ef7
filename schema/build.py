"""The federation subgraph schema and its extensions."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.schema.config import StrawberryConfig

from schema.agency import Court, JudicialBureau, PartnerAgency, PlatformAdmin
from schema.errors import ClientErrors
from schema.query import Query


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
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
