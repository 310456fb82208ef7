"""The GraphQL schema: Strawberry types, inputs, enums and the federation subgraph."""
