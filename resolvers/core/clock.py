"""The registry's one clock (owned by `graph.core.clock`), as the use cases and the schema see it."""

from graph.core.clock import frozen_at, now, today, zone

__all__ = ["frozen_at", "now", "today", "zone"]
