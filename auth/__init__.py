"""OAuth 2.0 for agencies: the authorization server, token validation, scopes and agency policy."""
