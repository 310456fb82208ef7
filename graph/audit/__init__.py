"""The audit trail (graph layer)."""
