"""Use cases and domain rules between the GraphQL schema and the graph; no Strawberry here."""

from graph.core.driver import Graph
from graph.core.viewer import ANONYMOUS, Viewer

__all__ = ["ANONYMOUS", "Graph", "Viewer"]
