"""Issue 11: the revocation check is cheap. The deny list reads the graph at most once per refresh, answers from
memory in between, applies this process's revocations at once and sees another replica's within the refresh."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from auth.clients import create_client, disable_client
from auth.revocation import CLIENT_DISABLED, TOKEN_REVOKED, DenyList
from graph.access.oauth import revoke_token_id
from graph.core import clock
from graph.core.driver import Graph
from graph.core.vocabulary import AgencyKind
from graph.directory.agency import merge_agencies


async def test_between_refreshes_the_deny_list_reads_nothing(graph: Graph) -> None:
    denials = DenyList(graph, refresh=60)
    await denials.refusal(jti="a", client_id="c")
    before = graph.round_trips.count

    answers = [await denials.refusal(jti=f"token-{n}", client_id="c") for n in range(50)]

    assert answers == [None] * 50
    assert graph.round_trips.count == before


async def test_a_revocation_here_applies_at_once_and_one_elsewhere_within_the_refresh(graph: Graph) -> None:
    await merge_agencies(graph, kind=AgencyKind.PLATFORM_ADMIN, rows=[{"id": "admin", "name": "平台管理中心"}])
    client_id, _ = await create_client(graph, agency_id="admin", scopes=["admin"])
    denials = DenyList(graph, refresh=0.5)
    assert await denials.refusal(jti="here", client_id=client_id) is None

    denials.revoked("here")
    await revoke_token_id(graph, "elsewhere", clock.now() + timedelta(minutes=5))  # another replica's revocation
    await disable_client(graph, client_id)
    seen_before_refresh = await denials.refusal(jti="elsewhere", client_id="other")
    await asyncio.sleep(0.6)

    assert await denials.refusal(jti="here", client_id="other") == TOKEN_REVOKED
    assert seen_before_refresh is None
    assert await denials.refusal(jti="elsewhere", client_id="other") == TOKEN_REVOKED
    assert await denials.refusal(jti="any", client_id=client_id) == CLIENT_DISABLED


async def test_refresh_zero_reads_the_graph_for_every_token(graph: Graph) -> None:
    denials = DenyList(graph, refresh=0)
    await revoke_token_id(graph, "gone", clock.now() + timedelta(minutes=5))
    before = graph.round_trips.count

    assert await denials.refusal(jti="gone", client_id="c") == TOKEN_REVOKED
    assert graph.round_trips.count == before + 1
