"""The mediator lifecycle and committees: a filed committee of n members, the roster scopes."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQLClient
from tests.helpers.filing import (
    COMPLETE,
    draft_with_members,
    members_by_role,
)

WUHOU, YUCHENG = "成都市武侯区司法局", "雅安市雨城区司法局"


WRITE = "roster:write roster:read"


async def filed_committee_of(bureau: GraphQLClient, count: int) -> tuple[str, list[dict[str, Any]]]:
    """A FILED residents' committee of `count` full-time members (the chair, a woman, first) with their versions."""
    org_id = await draft_with_members(bureau, count)
    body = await bureau(COMPLETE, id=org_id, version=1)
    assert body["data"]["completeFiling"]["__typename"] == "OrganizationSaved", body
    return org_id, await members_by_role(bureau, org_id)

