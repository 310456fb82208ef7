"""Partner agencies: registration of their organizations and mediators (resolvers layer)."""
