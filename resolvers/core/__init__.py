"""What every domain uses (resolvers layer)."""
