"""What every domain uses (graph layer)."""
