"""Use cases and domain rules between the GraphQL schema and the graph; no Strawberry here."""

from graph.driver import Graph

__all__ = ["Graph"]
