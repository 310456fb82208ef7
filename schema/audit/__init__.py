"""The audit trail (schema layer)."""
