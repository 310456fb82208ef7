"""Use cases and domain rules between the GraphQL schema and the graph; no Strawberry here."""

from graph.core.driver import Graph, GraphTimeout, GraphUnavailable, time_budget
from graph.core.health import RETRY_AFTER_SECONDS
from graph.core.viewer import ANONYMOUS, Viewer

__all__ = ["ANONYMOUS", "RETRY_AFTER_SECONDS", "Graph", "GraphTimeout", "GraphUnavailable", "Viewer", "time_budget"]
