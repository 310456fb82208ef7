"""The roster kept by judicial bureaus: filing, memberships, credentials, bulk files (graph layer)."""
