"""Cross-department reports (resolvers layer)."""
