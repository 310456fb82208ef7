"""Cross-department reports (schema layer)."""
