"""What every domain uses (schema layer)."""
