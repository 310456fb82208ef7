"""Cross-department reports (graph layer)."""
