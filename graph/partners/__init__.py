"""Partner agencies: registration of their organizations and mediators (graph layer)."""
