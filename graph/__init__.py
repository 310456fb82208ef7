"""The graph: driver lifecycle, the embedded server, migrations, and one module of Cypher per domain noun."""
