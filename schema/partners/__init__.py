"""Partner agencies: registration of their organizations and mediators (schema layer)."""
