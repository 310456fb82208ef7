"""The audit trail (resolvers layer)."""
