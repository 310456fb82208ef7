"""The generated mutation tests (every mutation, every caller, every foreign object) run on the demo data loaded
once per module: their tests write nothing but OAuth clients (or fail), so the demo is not put back between them."""

import pytest

from graph.core.driver import Graph
from seed.demo import load_demo
from tests.conftest import HASH_KEY


@pytest.fixture(scope="module")
async def demo_once(session_graph: Graph) -> Graph:
    """The demo data, loaded once for each module here: its tests write nothing but OAuth clients (or fail)."""
    await session_graph.write("MATCH (n) WHERE NOT n:Migration DETACH DELETE n")
    await load_demo(session_graph, hash_key=HASH_KEY)
    return session_graph


@pytest.fixture
def graph(demo_once: Graph) -> Graph:
    """Overrides conftest's `graph` (which empties the graph for every test), so `client` serves the demo."""
    demo_once.round_trips.count = 0
    return demo_once


@pytest.fixture
def demo(graph: Graph) -> Graph:
    return graph


