"""OAuth clients and revoked tokens (graph layer)."""
