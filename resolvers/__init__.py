"""Use cases and domain rules between the GraphQL schema and the graph; no Strawberry here."""

from graph.driver import Graph
from graph.viewer import ANONYMOUS, Viewer

__all__ = ["ANONYMOUS", "Graph", "Viewer"]
